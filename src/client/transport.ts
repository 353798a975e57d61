/**
 * Transport: how the REST client reaches the API server. One request in, one response out, either
 * whole (`request`) or as a stream of byte chunks (`stream`, for watches and log follows).
 *
 * Two implementations exist: `HttpsTransport` here (Node `https` with a keep-alive agent, for
 * components on other machines and for the CLI), and the in-process transport of `podbay server`,
 * which the API server provides and the composition root wires in: it hands requests to the API
 * server's handler directly, with no sockets. Everything above this file (REST client, informers,
 * leader election, events) sees only the `Transport` interface, so both behave the same.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { AbortError, realClock, type Clock } from '../util/index.ts';
import { NetworkError } from './errors.ts';

/** One HTTP request, independent of sockets. */
export interface TransportRequest {
  /** `GET`, `POST`, `PUT`, `PATCH`, `DELETE`. */
  readonly method: string;
  /** Absolute path and query, already encoded: `/api/v1/namespaces/default/pods?limit=500`. */
  readonly path: string;
  /** Request headers, names in lower case (`accept`, `content-type`, `user-agent`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  /**
   * Cancels the request. Before the response arrives the promise rejects with the signal's reason;
   * during a stream the body iteration throws it, and the connection is closed.
   */
  readonly signal: AbortSignal;
}

/** A complete response. Header names are lower case; repeated headers are joined with `, `. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * A streaming response: status and headers are known when the promise resolves; the body arrives
 * as chunks of arbitrary size (one event may span many chunks, one chunk may hold many events).
 */
export interface TransportStream {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body. Iterate it to the end or stop early (`break`/`return`), or abort the request's
   * signal: each releases the connection. It ends when the server ends the response, and throws a
   * `NetworkError` when the connection is cut before that, or the abort reason on abort. It can be
   * iterated once.
   */
  readonly body: AsyncIterable<Buffer>;
}

/**
 * The transport contract. Called by the REST client only; many calls may be in flight at once
 * (each watch holds one stream for minutes). Implementations:
 * - resolve for every HTTP answer, whatever its status (a 404 is a response, not an error);
 * - reject with `NetworkError` when no answer arrived (refused, reset, TLS failure, timeout);
 * - reject with the signal's reason (an `AbortError` when it has none) when the signal aborts;
 * - never retry on their own: writes are not idempotent, retries are the caller's decision.
 */
export interface Transport {
  request(req: TransportRequest): Promise<TransportResponse>;
  stream(req: TransportRequest): Promise<TransportStream>;
}

/** Connection settings, as found in a kubeconfig's cluster and user entries. */
export interface HttpsTransportOptions {
  /** `https://host:port` (a path prefix is kept). `http://` is accepted for loopback test servers. */
  readonly server: string;
  /** PEM CA bundle that signs the server's certificate; Node's default roots when omitted. */
  readonly caPem?: string;
  /** PEM client certificate and key (mutual TLS). */
  readonly certPem?: string;
  readonly keyPem?: string;
  /** Bearer token, sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /**
   * Most sockets open to the server at once. Each watch holds one for its whole life, so this must
   * exceed the number of concurrent watches with room for ordinary requests. Default 256.
   */
  readonly maxSockets?: number;
  /** Deadline of a whole `request()` (and of the wait for a stream's headers). Default 120 s. */
  readonly requestTimeoutMs?: number;
  readonly clock?: Clock;
}

const defaultMaxSockets = 256;
const defaultRequestTimeoutMs = 120_000;

/** The reason to reject with when `signal` aborted. */
function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortError();
}

function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (Array.isArray(v)) out[k] = v.join(', ');
    else if (typeof v === 'string') out[k] = v;
  }
  return out;
}

interface Exchange {
  readonly res: http.IncomingMessage;
  /** Stops listening to the signal; call once the response has been consumed or dropped. */
  readonly detach: () => void;
}

/**
 * The HTTPS transport: a keep-alive agent with the cluster's CA and the user's client certificate
 * or token. Create one per server and share it among all clients of a process; call `close()` on
 * shutdown to drop idle sockets.
 */
export class HttpsTransport implements Transport {
  private readonly agent: http.Agent;
  private readonly requestFn: typeof http.request;
  private readonly hostname: string;
  private readonly port: string;
  private readonly basePath: string;
  private readonly defaultHeaders: Readonly<Record<string, string>>;
  private readonly clock: Clock;
  private readonly requestTimeoutMs: number;

  constructor(opts: HttpsTransportOptions) {
    const url = new URL(opts.server);
    const maxSockets = opts.maxSockets ?? defaultMaxSockets;
    const agentOptions = {
      keepAlive: true,
      maxSockets,
      maxFreeSockets: 32,
      scheduling: 'lifo' as const,
    };
    if (url.protocol === 'https:') {
      this.agent = new https.Agent({
        ...agentOptions,
        ...(opts.caPem !== undefined ? { ca: opts.caPem } : {}),
        ...(opts.certPem !== undefined ? { cert: opts.certPem } : {}),
        ...(opts.keyPem !== undefined ? { key: opts.keyPem } : {}),
      });
      this.requestFn = https.request;
    } else if (url.protocol === 'http:') {
      this.agent = new http.Agent(agentOptions);
      this.requestFn = http.request;
    } else {
      throw new TypeError(`unsupported server URL ${opts.server}: expected https:// or http://`);
    }
    this.hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = url.port;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.defaultHeaders = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
    this.clock = opts.clock ?? realClock;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? defaultRequestTimeoutMs;
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const deadline = this.deadline(req);
    try {
      const { res, detach } = await this.exchange(req, deadline.signal);
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
        if (!res.complete) throw new NetworkError(`${req.method} ${req.path}: response cut short`);
        return {
          status: res.statusCode ?? 0,
          headers: flattenHeaders(res.headers),
          body: chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks),
        };
      } catch (err) {
        throw this.mapError(err, req, deadline.signal);
      } finally {
        detach();
      }
    } finally {
      deadline.cancel();
    }
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    const deadline = this.deadline(req);
    let exchange: Exchange;
    try {
      exchange = await this.exchange(req, deadline.signal);
    } finally {
      // The deadline covers the wait for the headers only; a watch lives as long as it needs.
      deadline.cancel();
    }
    const { res, detach } = exchange;
    const mapError = (err: unknown): Error => this.mapError(err, req, req.signal);
    async function* body(): AsyncGenerator<Buffer, void, undefined> {
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) yield chunk;
        if (!res.complete) throw new NetworkError(`${req.method} ${req.path}: stream cut short`);
      } catch (err) {
        throw mapError(err);
      } finally {
        detach();
        if (!res.complete) res.destroy();
      }
    }
    return { status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: body() };
  }

  /** Closes idle sockets and refuses none: in-flight requests finish; later ones reconnect. */
  close(): void {
    this.agent.destroy();
  }

  /** A signal that aborts with the request's signal or after the request timeout. */
  private deadline(req: TransportRequest): { signal: AbortSignal; cancel: () => void } {
    const ctl = new AbortController();
    const cancelTimer = this.clock.setTimeout(() => {
      ctl.abort(
        new NetworkError(`${req.method} ${req.path}: timed out after ${this.requestTimeoutMs} ms`, {
          code: 'ETIMEDOUT',
        }),
      );
    }, this.requestTimeoutMs);
    return { signal: AbortSignal.any([req.signal, ctl.signal]), cancel: cancelTimer };
  }

  private mapError(err: unknown, req: TransportRequest, signal: AbortSignal): Error {
    if (signal.aborted) return abortReason(signal);
    if (err instanceof NetworkError) return err;
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as NodeJS.ErrnoException).code;
    return new NetworkError(`${req.method} ${req.path}: ${e.message}`, {
      cause: e,
      ...(code !== undefined ? { code } : {}),
    });
  }

  /** Sends the request and resolves with the response head; the body is left to the caller. */
  private exchange(req: TransportRequest, signal: AbortSignal): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(abortReason(signal));
        return;
      }
      const body =
        req.body === undefined
          ? undefined
          : typeof req.body === 'string'
            ? Buffer.from(req.body, 'utf8')
            : req.body;
      const headers: Record<string, string> = { ...this.defaultHeaders, ...req.headers };
      if (body !== undefined) headers['content-length'] = String(body.length);
      let response: http.IncomingMessage | undefined;
      let settled = false;
      const r = this.requestFn({
        agent: this.agent,
        method: req.method,
        hostname: this.hostname,
        ...(this.port ? { port: this.port } : {}),
        path: this.basePath + req.path,
        headers,
      });
      const onAbort = (): void => {
        const reason = abortReason(signal);
        if (response) response.destroy(reason);
        else r.destroy(reason);
        if (!settled) {
          settled = true;
          reject(reason);
        }
      };
      const detach = (): void => {
        signal.removeEventListener('abort', onAbort);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      r.on('response', (res) => {
        response = res;
        // Failures reach the consumer through body iteration; this keeps a destroyed response
        // that nobody iterates from raising an unhandled 'error' event.
        res.on('error', () => undefined);
        if (settled) {
          res.destroy();
          return;
        }
        settled = true;
        resolve({ res, detach });
      });
      r.on('error', (err) => {
        if (settled) return;
        settled = true;
        detach();
        reject(this.mapError(err, req, signal));
      });
      r.end(body);
    });
  }
}
