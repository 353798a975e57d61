/**
 * Serves the API over HTTPS: TLS with client certificates or bearer tokens, then the same handler
 * the in-process transport uses. Unauthenticated requests get 401, except the few paths upstream
 * lets anyone read (health checks and /version).
 */
import { createServer, type Server } from 'node:https';
import type { ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../util/index.ts';
import type { ApiServer } from './api-server.ts';
import type { Authenticator, User } from './authn/index.ts';
import { unauthorized } from './errors.ts';
import { sendError } from './handlers/respond.ts';
import { nodeRequest, nodeResponse, socketResponse, upgradeRequest } from './request.ts';

const anonymousPaths = new Set([
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/healthz/ping',
  '/livez/ping',
  '/readyz/ping',
]);

/**
 * Protocol upgrades, already authenticated. Without one, upgrades are routed like any request
 * (ApiRequest.upgrade carries the socket), so exec, attach and port-forward reach the node
 * connector after the same checks as every other request.
 */
export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  user: User,
) => void;

export interface HttpsServerOptions {
  readonly api: ApiServer;
  readonly tls: ServerOptions;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  readonly onUpgrade?: UpgradeHandler;
}

export interface RunningServer {
  readonly server: Server;
  /** host:port actually bound. */
  readonly address: AddressInfo;
  close(): Promise<void>;
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return (q < 0 ? u : u.slice(0, q)).replace(/\/+$/, '') || '/';
}

/**
 * A signal that aborts when the client goes away before its response is complete; after a
 * complete response there is nothing to stop (and abort() builds a DOMException). Made when a
 * handler first asks for it: only watches and proxied streams do, and a controller plus a 'close'
 * listener for every request was ~2% of the CPU of a create.
 */
function clientGoneSignal(res: ServerResponse): AbortSignal {
  const abort = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort();
  };
  if (res.closed) onClose();
  else res.on('close', onClose);
  return abort.signal;
}

export function createHttpsServer(opts: HttpsServerOptions): Server {
  const server = createServer(opts.tls, (req, res) => {
    const user = opts.authenticator.authenticate(req);
    const apiRes = nodeResponse(res);
    if (!user && !anonymousPaths.has(pathOf(req.url))) {
      req.resume();
      sendError(apiRes, unauthorized());
      return;
    }
    const apiReq = nodeRequest(
      req,
      user ?? { name: 'system:anonymous', groups: ['system:unauthenticated'] },
      () => clientGoneSignal(res),
    );
    void opts.api.handle(apiReq, apiRes);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err: Error) => {
      opts.logger.debug('upgrade connection error', { err: err.message });
    });
    const user = opts.authenticator.authenticate(req);
    if (!user) {
      sendError(socketResponse(socket), unauthorized());
      return;
    }
    if (opts.onUpgrade) {
      opts.onUpgrade(req, socket, head, user);
      return;
    }
    const abort = new AbortController();
    socket.on('close', () => {
      abort.abort();
    });
    void opts.api.handle(
      upgradeRequest(req, user, abort.signal, socket, head),
      socketResponse(socket),
    );
  });
  server.on('clientError', (err, socket) => {
    opts.logger.debug('client error', { err: err.message });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

/** Listens on host:port; rejects with a clear message when the address is taken. */
export function listen(server: Server, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE')
        reject(new Error(`cannot listen on ${host}:${port}: the address is already in use`));
      else if (err.code === 'EACCES')
        reject(new Error(`cannot listen on ${host}:${port}: permission denied`));
      else if (err.code === 'EADDRNOTAVAIL')
        reject(new Error(`cannot listen on ${host}:${port}: no such address on this machine`));
      else reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve({
        server,
        address: server.address() as AddressInfo,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => {
              r();
            });
            server.closeAllConnections();
          }),
      });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
