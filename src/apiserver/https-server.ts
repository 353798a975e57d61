/**
 * Serves the API over HTTPS. TLS and HTTP run on a front thread (front/front-thread.ts), which
 * hands each request over as a message; here, on the API server's thread, requests are
 * authenticated (client certificates of our CA, verified on the front, or bearer tokens) and
 * passed to the same handler the in-process transport uses. Unauthenticated requests get 401,
 * except the few paths upstream lets anyone read (health checks and /version).
 *
 * Why a thread: on the two cores of a small machine, Node's TLS, HTTP parsing and socket calls
 * were about a third of the API thread's CPU per request, and that thread was the limit of
 * concurrent writes (docs/architecture.md, "Serving").
 */
import type { ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../util/index.ts';
import type { ApiServer } from './api-server.ts';
import type { Authenticator, User } from './authn/index.ts';
import { unauthorized } from './errors.ts';
import { Exchange, headerValue } from './front/exchange.ts';
import { FrontSocket } from './front/front-socket.ts';
import { IdTable } from './front/id-table.ts';
import {
  type ApiMessage,
  type FrontConfig,
  type FrontMessage,
  type PostToFront,
  type RequestHead,
  MESSAGES_PER_POST,
  batched,
} from './front/messages.ts';
import { maxBodyBytes } from './handlers/body.ts';
import { sendError } from './handlers/respond.ts';
import { socketResponse } from './request.ts';

const anonymousPaths = new Set([
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/healthz/ping',
  '/livez/ping',
  '/readyz/ping',
]);

const anonymous: User = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

export interface HttpsServerOptions {
  readonly api: ApiServer;
  readonly tls: ServerOptions;
  /** The CA (PEM) client certificates must be issued by (also in `tls.ca`). */
  readonly caPem: string;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
}

/** The front thread, started; `serve` once the API and its credentials are ready. */
export interface HttpsFront {
  /**
   * Listens on host:port and serves `opts.api`; rejects with a clear message when the address is
   * taken (the thread is stopped then). Call once.
   */
  serve(opts: HttpsServerOptions, host: string, port: number): Promise<RunningServer>;
  /** Stops the thread when `serve` was never called or failed. */
  stop(): Promise<void>;
}

export interface RunningServer {
  /** host:port actually bound. */
  readonly address: AddressInfo;
  close(): Promise<void>;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return (q < 0 ? url : url.slice(0, q)).replace(/\/+$/, '') || '/';
}

function listenError(host: string, port: number, code: string | undefined, message: string): Error {
  if (code === 'EADDRINUSE')
    return new Error(`cannot listen on ${host}:${port}: the address is already in use`);
  if (code === 'EACCES') return new Error(`cannot listen on ${host}:${port}: permission denied`);
  if (code === 'EADDRNOTAVAIL')
    return new Error(`cannot listen on ${host}:${port}: no such address on this machine`);
  return new Error(`cannot listen on ${host}:${port}: ${message}`);
}

/**
 * Starts the front thread now, so that its start-up (a V8 isolate, Node's bootstrap, the HTTPS
 * modules) overlaps the server's own (certificates, the store). It keeps the process alive only
 * once it serves.
 *
 * `frontThread` is the thread's compiled module. Default: front/front-thread.js beside this
 * module, as in dist/; tests that run the TypeScript sources point it at dist/'s copy.
 */
export function startHttpsFront(frontThread?: URL): HttpsFront {
  const worker = new Worker(frontThread ?? new URL('./front/front-thread.js', import.meta.url));
  worker.unref();
  let serving = false;
  const failed = new Promise<Error>((resolve) => {
    worker.on('error', (err: Error) => {
      if (!serving) {
        resolve(err);
        return;
      }
      // Without its front the server cannot be reached: fail as loudly as an uncaught error.
      throw new Error(`the HTTPS front thread failed: ${err.message}`, { cause: err });
    });
  });
  return {
    stop: async () => {
      await worker.terminate();
    },
    serve: async (opts, host, port) => {
      const running = await serve(worker, failed, opts, host, port);
      serving = true;
      worker.ref();
      return running;
    },
  };
}

async function serve(
  worker: Worker,
  failed: Promise<Error>,
  opts: HttpsServerOptions,
  host: string,
  port: number,
): Promise<RunningServer> {
  let listening: ((m: FrontMessage) => void) | undefined;
  const post: PostToFront = batched((messages: ApiMessage[], transfer) => {
    worker.postMessage(messages, transfer);
  }, MESSAGES_PER_POST);
  /** Requests and upgraded sockets the front may still report on, by id. */
  const open = new IdTable<Exchange | FrontSocket>();
  let closed: (() => void) | undefined;

  const authenticate = (head: RequestHead): User | undefined =>
    opts.authenticator.authenticate({
      certificate: head.certificate,
      authorization: headerValue(head.headers, 'authorization'),
    });

  const onRequest = (m: Extract<FrontMessage, { t: 'request' }>): void => {
    const exchange = new Exchange(m.id, post, () => {
      open.delete(m.id);
    });
    open.set(m.id, exchange);
    const user = authenticate(m);
    if (!user && !anonymousPaths.has(pathOf(m.url))) {
      sendError(exchange.response(), unauthorized());
      return;
    }
    const req = exchange.request(m, user ?? anonymous, { bytes: m.body, tooLarge: m.bodyTooLarge });
    void opts.api.handle(req, exchange.response());
  };

  const onUpgrade = (m: Extract<FrontMessage, { t: 'upgrade' }>): void => {
    const socket = new FrontSocket(post, m.id, m.remoteAddress);
    open.set(m.id, socket);
    socket.once('close', () => {
      open.delete(m.id);
    });
    socket.on('error', (err: Error) => {
      opts.logger.debug('upgrade connection error', { err: err.message });
    });
    const user = authenticate(m);
    if (!user) {
      sendError(socketResponse(socket), unauthorized());
      return;
    }
    const abort = new AbortController();
    socket.once('close', () => {
      abort.abort();
    });
    void opts.api.handle(
      {
        method: m.method,
        url: m.url,
        header: (name) => headerValue(m.headers, name),
        user,
        signal: abort.signal,
        readBody: () => Promise.resolve(Buffer.alloc(0)),
        upgrade: {
          socket,
          head: Buffer.from(m.head.buffer, m.head.byteOffset, m.head.byteLength),
          rawHeaders: m.rawHeaders,
        },
      },
      socketResponse(socket),
    );
  };

  const dispatch = (m: FrontMessage): void => {
    switch (m.t) {
      case 'request':
        onRequest(m);
        return;
      case 'upgrade':
        onUpgrade(m);
        return;
      case 'data': {
        const socket = open.get(m.id);
        if (socket instanceof FrontSocket) socket.received(m.data);
        return;
      }
      case 'eof': {
        const socket = open.get(m.id);
        if (socket instanceof FrontSocket) socket.clientEnded();
        return;
      }
      case 'gone':
        open.get(m.id)?.gone();
        return;
      case 'drained':
        for (const [id, bytes] of m.acks) open.get(id)?.drained(bytes);
        return;
      case 'client-error':
        opts.logger.debug('client error', { err: m.message });
        return;
      case 'listening':
      case 'listen-failed':
        listening?.(m);
        listening = undefined;
        return;
      case 'closed':
        closed?.();
        return;
    }
  };
  worker.on('message', (messages: FrontMessage[]) => {
    for (const m of messages) dispatch(m);
  });

  const config: FrontConfig = { tls: opts.tls, caPem: opts.caPem, maxBodyBytes };
  const listened = new Promise<FrontMessage>((resolve) => {
    listening = resolve;
  });
  post({ t: 'listen', config, host, port });
  const answer = await Promise.race([listened, failed]);
  if (answer instanceof Error || answer.t !== 'listening') {
    await worker.terminate();
    if (answer instanceof Error)
      throw new Error(`cannot start the HTTPS front thread: ${answer.message}`);
    throw answer.t === 'listen-failed'
      ? listenError(host, port, answer.code, answer.message)
      : new Error(`cannot listen on ${host}:${port}`);
  }
  return {
    address: answer.address,
    close: async () => {
      await new Promise<void>((resolve) => {
        closed = resolve;
        post({ t: 'close' });
      });
      for (const entry of open.values()) entry.gone();
      await worker.terminate();
    },
  };
}
