/**
 * Port-forward, server side (kubelet cri/streaming portforward, plus the WebSocket tunnel that
 * kube-apiserver terminates upstream and we serve here directly):
 *
 *   SPDY/3.1, X-Stream-Protocol-Version: portforward.k8s.io (kubectl's fallback, and older ones)
 *     Per forwarded connection the client opens two streams with headers `port`, `requestID`
 *     and `streamType` error, then data. Invalid headers reset the stream. Once a request's pair
 *     is complete, the data stream is connected to the port; a failure is written on the error
 *     stream ("error forwarding port 80 to pod <sandbox>, uid : <why>") and the data stream
 *     reset. A pair still incomplete after 30 s gets "timed out waiting for streams".
 *   WebSocket subprotocol SPDY/3.1+portforward.k8s.io (kubectl ≥ 1.31)
 *     the same SPDY session, its bytes carried in binary messages.
 *   WebSocket v4.channel.k8s.io, v4.base64.channel.k8s.io or none (client libraries)
 *     the ports come from the query (`port=80&port=8080` or `port=80,8080`); channels 2n (data)
 *     and 2n+1 (error) serve the n-th port, each starting with the port as 2 little-endian bytes;
 *     the connection closes when every port's connection is done.
 */
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import {
  type Clock,
  type Logger,
  realClock,
  silentLogger,
  errorMessage,
} from '../../util/index.ts';
import { type HttpReply, writeHttpReply } from './http-reply.ts';
import {
  isWebSocketUpgrade,
  negotiateSubprotocol,
  requestedSubprotocols,
  upgradeSpdy,
} from './remote-command.ts';
import { SpdyConnection, type SpdyStream } from './spdy/index.ts';
import { ChannelConnection, type ChannelType } from './ws-channels.ts';
import { WebSocketTunnel } from './ws-tunnel.ts';
import { upgradeToWebSocket } from './ws-upgrade.ts';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const TUNNEL_PREFIX = 'SPDY/3.1+';

/** Connects one client connection to a port; rejects with the reason it could not. */
export type ForwardPort = (port: number, stream: Duplex, signal: AbortSignal) => Promise<void>;

export interface PortForwardAcceptOptions {
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly query: URLSearchParams;
  readonly wss: WebSocketServer;
  readonly forward: ForwardPort;
  /** Names the pod in error messages ("to pod <name>, uid <uid>"). */
  readonly podName: string;
  readonly podUid: string;
  readonly idleTimeoutMs: number;
  readonly streamCreationTimeoutMs: number;
  /** Aborts every forwarded connection (the server is stopping). */
  readonly signal: AbortSignal;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Go's strconv.ParseUint(s, 10, 16) error text, or the port. */
function parsePort(s: string): number | string {
  if (!/^\d+$/.test(s)) return `strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`;
  const n = Number(s);
  if (n > 0xffff) return `strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`;
  return n;
}

/** kubelet portforward NewV4Options, for WebSocket requests. */
export function parseWebSocketPorts(query: URLSearchParams): number[] | HttpReply {
  const values = query.getAll('port');
  if (values.length === 0) return { code: 400, body: 'query parameter "port" is required' };
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') return { code: 400, body: 'query parameter "port" cannot be empty' };
    for (const p of value.split(',')) {
      const port = parsePort(p);
      if (typeof port === 'string') {
        return { code: 400, body: `unable to parse ${JSON.stringify(value)} as a port: ${port}` };
      }
      if (port < 1) return { code: 400, body: `port ${JSON.stringify(value)} must be > 0` };
      ports.push(port);
    }
  }
  return ports;
}

function isTunnelRequest(req: IncomingMessage): string | undefined {
  return requestedSubprotocols(req).find(
    (p) => p.startsWith(TUNNEL_PREFIX) && p.endsWith(PORT_FORWARD_PROTOCOL),
  );
}

/**
 * Validates the request, upgrades it and serves it until the connection closes. Errors before
 * the upgrade are answered on the socket.
 */
export async function servePortForward(a: PortForwardAcceptOptions): Promise<void> {
  const log = a.logger ?? silentLogger;
  if (!isWebSocketUpgrade(a.req)) {
    log.debug('port forward session', { transport: 'spdy' });
    const protocol = upgradeSpdy(a.req, a.socket, [PORT_FORWARD_PROTOCOL]);
    if (protocol === undefined) return;
    await serveSpdyPortForward(a, a.socket, a.head);
    return;
  }
  const tunnel = isTunnelRequest(a.req);
  if (tunnel !== undefined) {
    log.debug('port forward session', { transport: 'spdy-over-websocket' });
    const ws = await upgradeToWebSocket(a.wss, a.req, a.socket, a.head, tunnel);
    if (!ws) return;
    await serveSpdyPortForward(a, new WebSocketTunnel(ws), Buffer.alloc(0));
    return;
  }
  const ports = parseWebSocketPorts(a.query);
  if (!Array.isArray(ports)) {
    writeHttpReply(a.socket, ports);
    return;
  }
  const chosen = negotiateSubprotocol(a.req, ['', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io']);
  if (typeof chosen !== 'string') {
    writeHttpReply(a.socket, chosen);
    return;
  }
  log.debug('port forward session', { transport: 'websocket', protocol: chosen });
  const ws = await upgradeToWebSocket(a.wss, a.req, a.socket, a.head, chosen);
  if (!ws) return;
  await serveWebSocketPortForward(a, ws, ports, chosen !== 'v4.base64.channel.k8s.io');
}

function errorText(a: PortForwardAcceptOptions, port: number, err: unknown): string {
  const why = errorMessage(err);
  return `error forwarding port ${port} to pod ${a.podName}, uid ${a.podUid}: ${why}`;
}

// ------------------------------------------------------------------------------------ SPDY

interface StreamPair {
  data?: SpdyStream;
  error?: SpdyStream;
  cancelTimer: () => void;
}

/** kubelet httpStreamReceived: the reason a stream is refused, or undefined. */
function invalidStream(stream: SpdyStream): string | undefined {
  const portString = stream.header('port') ?? '';
  if (portString === '') return '"port" header is required';
  const port = parsePort(portString);
  if (typeof port === 'string')
    return `unable to parse ${JSON.stringify(portString)} as a port: ${port}`;
  if (port < 1) return `port ${JSON.stringify(portString)} must be > 0`;
  const type = stream.header('streamtype') ?? '';
  if (type === '') return '"streamType" header is required';
  if (type !== 'error' && type !== 'data') return `invalid stream type ${JSON.stringify(type)}`;
  return undefined;
}

function serveSpdyPortForward(
  a: PortForwardAcceptOptions,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const log = a.logger ?? silentLogger;
  const clock = a.clock ?? realClock;
  const pairs = new Map<string, StreamPair>();
  const running = new Set<Promise<void>>();
  const abort = new AbortController();
  const onServerStop = (): void => {
    abort.abort();
    conn.destroy();
  };

  const run = (requestId: string, pair: StreamPair): void => {
    pair.cancelTimer();
    pairs.delete(requestId);
    const data = pair.data;
    const error = pair.error;
    if (!data || !error) return;
    const port = Number(data.header('port'));
    const task = a
      .forward(port, data, abort.signal)
      .then(
        () => {
          if (!data.writableEnded) data.end();
          error.end();
        },
        (err: unknown) => {
          const message = errorText(a, port, err);
          log.info('port forward failed', { port, err: message });
          error.end(message);
          data.reset();
        },
      )
      .finally(() => {
        running.delete(task);
      });
    running.add(task);
  };

  const conn = new SpdyConnection({
    socket,
    role: 'server',
    head,
    idleTimeoutMs: a.idleTimeoutMs,
    clock,
    logger: log,
    onStream(stream) {
      const invalid = invalidStream(stream);
      if (invalid !== undefined) {
        log.info('port forward stream rejected', { err: invalid });
        stream.reset();
        return;
      }
      stream.accept();
      const type = stream.header('streamtype');
      let requestId = stream.header('requestid') ?? '';
      if (requestId === '') {
        // Clients before requestID: the error stream opens first, its data stream two ids later.
        requestId = String(type === 'error' ? stream.id : stream.id - 2);
      }
      let pair = pairs.get(requestId);
      if (!pair) {
        const created: StreamPair = { cancelTimer: () => undefined };
        created.cancelTimer = clock.setTimeout(() => {
          pairs.delete(requestId);
          created.error?.end(
            `(conn=${a.podName}, request=${requestId}) timed out waiting for streams`,
          );
        }, a.streamCreationTimeoutMs);
        pairs.set(requestId, created);
        pair = created;
      }
      const slot = type === 'error' ? 'error' : 'data';
      if (pair[slot]) {
        const msg = `error processing stream for request ${requestId}: ${slot} stream already assigned`;
        log.info('port forward stream rejected', { err: msg });
        pair.error?.write(msg);
        return;
      }
      pair[slot] = stream;
      if (pair.data && pair.error) run(requestId, pair);
    },
  });
  if (a.signal.aborted) conn.destroy();
  else a.signal.addEventListener('abort', onServerStop);
  return conn.closed.then(async () => {
    a.signal.removeEventListener('abort', onServerStop);
    abort.abort();
    for (const p of pairs.values()) p.cancelTimer();
    await Promise.allSettled([...running]);
  });
}

// ------------------------------------------------------------------------------- WebSocket

async function serveWebSocketPortForward(
  a: PortForwardAcceptOptions,
  ws: WebSocket,
  ports: readonly number[],
  binary: boolean,
): Promise<void> {
  const channels: ChannelType[] = ports.flatMap((): ChannelType[] => ['readwrite', 'write']);
  const conn = new ChannelConnection({
    ws,
    protocol: { binary, streamClose: false },
    channels,
    idleTimeoutMs: a.idleTimeoutMs,
    ...(a.clock ? { clock: a.clock } : {}),
    ...(a.logger ? { logger: a.logger } : {}),
  });
  const abort = new AbortController();
  const stop = (): void => {
    abort.abort();
  };
  void conn.closed.then(stop);
  a.signal.addEventListener('abort', stop);
  const tasks = ports.map(async (port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    conn.send(2 * i, prefix);
    conn.send(2 * i + 1, prefix);
    const stream = Duplex.from({ readable: conn.reader(2 * i), writable: conn.writer(2 * i) });
    try {
      await a.forward(port, stream, abort.signal);
    } catch (err) {
      conn.send(2 * i + 1, Buffer.from(errorText(a, port, err)));
    }
  });
  await Promise.allSettled(tasks);
  a.signal.removeEventListener('abort', stop);
  conn.close(1000);
  await conn.closed;
}
