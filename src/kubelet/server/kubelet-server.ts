/**
 * The kubelet API: HTTPS on port 10250, what the API server calls to serve `kubectl logs`, exec,
 * attach and port-forward. Upstream paths and answers:
 *
 *   GET /healthz                                          200 "ok"
 *   GET /containerLogs/{namespace}/{pod}/{container}      the log, text/plain, chunked
 *       ?follow&previous&timestamps&tailLines&limitBytes&sinceSeconds&sinceTime (see log-query.ts)
 *   /exec/..., /attach/..., /portForward/...              upgraded to WebSocket or SPDY and served
 *                                                         by the StreamingServer (../streaming/),
 *                                                         (501 on a server started without one:
 *                                                         the logs-only servers of tests)
 *   /run/...                                              501: not served (upstream's debugging
 *                                                         handler; kubectl never calls it)
 *   anything else                                         404 "404 page not found"
 *
 * Every request needs a client certificate from the cluster CA (401 without one) and a user the
 * authorizer accepts (403); see client-auth.ts.
 *
 * A log request: parse the query (400/422) → `ContainerLogSource.resolve` (its failure's code and
 * text) → open the file (400 with the reason) → 200 and stream with the CRI log reader, which
 * stops when the client goes away, the limit is reached, or (follow) the container exits.
 *
 * Usage, from the node agent (the composition root passes the certificates it read from the data
 * dir; in `podbay server` they are `pkiFiles(dataDir).kubeletServingCert`/`kubeletServingKey` and
 * the CA):
 *
 *   const server = await startKubeletServer({
 *     tls: { certPem, keyPem, caPem },
 *     logs: myContainerLogSource,   // implements ContainerLogSource (types.ts)
 *     streaming,                    // a StreamingServer: exec, attach, port-forward
 *     host: '0.0.0.0', port: 10250, logger, clock,
 *   });
 *   // report server.port in Node.status.daemonEndpoints.kubeletEndpoint.Port
 *   await server.close();           // on shutdown: stops listening, ends open log streams
 */
import { X509Certificate } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type Clock,
  type Logger,
  realClock,
  silentLogger,
  errorMessage,
} from '../../util/index.ts';
import { ContainerLogError, openContainerLog } from '../logs/index.ts';
import { isStreamingPath, type StreamingServer } from '../streaming/index.ts';
import {
  type KubeletAuthorizer,
  authenticateClient,
  defaultKubeletAuthorizer,
  forbiddenMessage,
} from './client-auth.ts';
import { parseLogQuery, sinceMs } from './log-query.ts';
import { type ContainerLogSource, isContainerLogFailure } from './types.ts';

/** The kubelet's default API port. */
export const DEFAULT_KUBELET_PORT = 10250;

export interface KubeletServerTls {
  /** Serving certificate for the node's names and addresses, issued by the cluster CA (PEM). */
  readonly certPem: string;
  readonly keyPem: string;
  /** The cluster CA (PEM): client certificates must chain to it. */
  readonly caPem: string;
}

export interface KubeletServerOptions {
  readonly tls: KubeletServerTls;
  /** Where container logs are. */
  readonly logs: ContainerLogSource;
  /** Serves exec, attach and port-forward; without it they answer 501. Closed with the server. */
  readonly streaming?: StreamingServer;
  /** Listen address; default `0.0.0.0` (the API server may be on another machine). */
  readonly host?: string;
  /** Default 10250; 0 picks a free port. */
  readonly port?: number;
  /** Who may call; default: system:masters and the API server's kubelet-client user. */
  readonly authorize?: KubeletAuthorizer;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface RunningKubeletServer {
  readonly server: Server;
  readonly address: AddressInfo;
  /** The port bound (for Node.status.daemonEndpoints.kubeletEndpoint.Port). */
  readonly port: number;
  /** Stops listening and ends every open request (follows included). Idempotent. */
  close(): Promise<void>;
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
const RESERVED = new Set(['exec', 'attach', 'portForward', 'run']);

/** The 501 text for a kubelet path this server does not serve. */
function notServed(top: string): string {
  return `${top} is not served by this kubelet server`;
}

function sendText(res: ServerResponse, code: number, body: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  res.writeHead(code, { ...TEXT, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Starts the kubelet API server; rejects with a clear message when the port is taken. */
export async function startKubeletServer(
  opts: KubeletServerOptions,
): Promise<RunningKubeletServer> {
  const logger = (opts.logger ?? silentLogger).with({ component: 'kubelet-server' });
  const clock = opts.clock ?? realClock;
  const authorize = opts.authorize ?? defaultKubeletAuthorizer;
  const ca = new X509Certificate(opts.tls.caPem);
  const open = new Set<AbortController>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const user = authenticateClient(req, ca, clock.now());
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const method = req.method ?? 'GET';
    if (!user) {
      sendText(res, 401, 'Unauthorized');
      return;
    }
    if (!authorize(user)) {
      logger.info('forbidden', { user: user.name, path: url.pathname });
      sendText(res, 403, forbiddenMessage(user, method, url.pathname));
      return;
    }
    const segments = url.pathname.split('/').slice(1);
    const top = segments[0] ?? '';
    if (url.pathname === '/healthz') {
      if (method !== 'GET' && method !== 'HEAD') sendText(res, 405, '405: Method Not Allowed');
      else sendText(res, 200, 'ok');
      return;
    }
    if (top === 'containerLogs' && segments.length === 4) {
      if (method !== 'GET') {
        sendText(res, 405, '405: Method Not Allowed');
        return;
      }
      await containerLogs(res, segments.slice(1).map(decodeURIComponent), url.searchParams);
      return;
    }
    if (opts.streaming && isStreamingPath(url.pathname)) {
      opts.streaming.handleRequest(req, res);
      return;
    }
    if (RESERVED.has(top)) {
      sendText(res, 501, notServed(top));
      return;
    }
    sendText(res, 404, '404 page not found\n');
  };

  const containerLogs = async (
    res: ServerResponse,
    [namespace = '', pod = '', container = '']: string[],
    params: URLSearchParams,
  ): Promise<void> => {
    if (pod === '') {
      sendText(res, 400, '{"message": "Missing podID."}');
      return;
    }
    if (container === '') {
      sendText(res, 400, '{"message": "Missing container name."}');
      return;
    }
    if (namespace === '') {
      sendText(res, 400, '{"message": "Missing podNamespace."}');
      return;
    }
    const query = parseLogQuery(params);
    if ('code' in query) {
      sendText(res, query.code, query.message);
      return;
    }

    const abort = new AbortController();
    open.add(abort);
    const onClose = (): void => {
      abort.abort();
    };
    res.on('close', onClose);
    const log = logger.with({ pod: `${namespace}/${pod}`, container });
    try {
      const target = await opts.logs.resolve({
        namespace,
        pod,
        container,
        previous: query.previous,
      });
      if (isContainerLogFailure(target)) {
        sendText(res, target.code, target.error);
        return;
      }
      let file;
      try {
        file = await openContainerLog(target.path);
      } catch (err) {
        if (err instanceof ContainerLogError) {
          sendText(res, 400, err.message);
          return;
        }
        throw err;
      }
      try {
        if (abort.signal.aborted) return;
        res.writeHead(200, { ...TEXT, 'Transfer-Encoding': 'chunked' });
        res.flushHeaders();
        log.debug('streaming container log', { containerId: target.containerId, ...query });
        const since = sinceMs(query, clock.now());
        await file.read({
          output: res,
          follow: query.follow,
          timestamps: query.timestamps,
          signal: abort.signal,
          clock,
          logger: log,
          waitForExit: (signal) => target.waitForExit(signal),
          ...(query.tailLines !== undefined ? { tailLines: query.tailLines } : {}),
          ...(query.limitBytes !== undefined ? { limitBytes: query.limitBytes } : {}),
          ...(since !== undefined ? { sinceMs: since } : {}),
        });
        if (!res.destroyed) res.end();
      } finally {
        await file.close();
      }
    } finally {
      open.delete(abort);
      res.off('close', onClose);
    }
  };

  const server = createServer(
    {
      cert: opts.tls.certPem,
      key: opts.tls.keyPem,
      ca: opts.tls.caPem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      ALPNProtocols: ['http/1.1'],
      headersTimeout: 32_000,
      requestTimeout: 60_000,
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        logger.error('request failed', { path: req.url, err: errorMessage(err) });
        sendText(res, 500, errorMessage(err));
      });
    },
  );
  server.on('clientError', (err, socket) => {
    logger.debug('client error', { err: err.message });
    socket.destroy();
  });
  // Upgrades: exec, attach and port-forward over WebSocket or SPDY, authenticated as any request.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const raw = (code: number, text: string): void => {
      const body = Buffer.from(text);
      socket.end(
        `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${text}`,
      );
    };
    socket.on('error', (err: Error) => {
      logger.debug('upgraded connection error', { err: err.message });
    });
    const user = authenticateClient(req, ca, clock.now());
    const url = new URL(req.url ?? '/', 'https://kubelet');
    if (!user) {
      raw(401, 'Unauthorized');
      return;
    }
    if (!authorize(user)) {
      logger.info('forbidden', { user: user.name, path: url.pathname });
      raw(403, forbiddenMessage(user, req.method ?? 'GET', url.pathname));
      return;
    }
    if (!isStreamingPath(url.pathname)) {
      raw(404, '404 page not found\n');
      return;
    }
    if (!opts.streaming) {
      raw(501, notServed(url.pathname.split('/')[1] ?? ''));
      return;
    }
    opts.streaming.handleUpgrade(req, socket, head);
  });

  const host = opts.host ?? '0.0.0.0';
  const port = opts.port ?? DEFAULT_KUBELET_PORT;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const where = `${host}:${port}`;
      if (err.code === 'EADDRINUSE') {
        reject(new Error(`cannot listen on ${where} for the kubelet API: the address is in use`));
      } else if (err.code === 'EACCES') {
        reject(new Error(`cannot listen on ${where} for the kubelet API: permission denied`));
      } else if (err.code === 'EADDRNOTAVAIL') {
        reject(new Error(`cannot listen on ${where} for the kubelet API: no such address here`));
      } else reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const address = server.address() as AddressInfo;
  logger.info('kubelet API listening', { address: `${address.address}:${address.port}` });

  let closing: Promise<void> | undefined;
  return {
    server,
    address,
    port: address.port,
    close() {
      closing ??= Promise.all([
        new Promise<void>((resolve) => {
          for (const a of open) a.abort();
          server.close(() => {
            resolve();
          });
          server.closeAllConnections();
        }),
        // Upgraded connections are no longer the HTTP server's: the streaming server ends them.
        opts.streaming?.close(),
      ]).then(() => undefined);
      return closing;
    },
  };
}
