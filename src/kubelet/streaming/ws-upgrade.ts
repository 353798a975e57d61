/**
 * The WebSocket handshake with a subprotocol we chose, whatever its characters: the `ws` package
 * checks offered subprotocols as RFC 6455 tokens and answers 400 to kubectl's
 * `SPDY/3.1+portforward.k8s.io` (a '/' is no token character), after which kubectl silently falls
 * back to plain SPDY. So the offer is taken out of the request before `ws` sees it, and the
 * answer put into the response headers `ws` writes.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';

const chosen = new WeakMap<IncomingMessage, string>();
const prepared = new WeakSet<WebSocketServer>();

/**
 * Completes the handshake with `protocol` ('' for none); undefined when `ws` refused the request
 * (it has answered it) or the client went away first.
 */
export function upgradeToWebSocket(
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string,
): Promise<WebSocket | undefined> {
  if (!prepared.has(wss)) {
    prepared.add(wss);
    wss.on('headers', (headers: string[], request: IncomingMessage) => {
      const p = chosen.get(request);
      if (p !== undefined) headers.push(`Sec-WebSocket-Protocol: ${p}`);
    });
  }
  delete req.headers['sec-websocket-protocol'];
  if (protocol !== '') chosen.set(req, protocol);
  return new Promise((resolve) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      resolve(ws);
    });
    socket.once('close', () => {
      resolve(undefined);
    });
  });
}
