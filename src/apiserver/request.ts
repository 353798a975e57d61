/**
 * The API server's view of a request and its response, independent of sockets, so the same
 * handler serves HTTPS clients and in-process components (the in-process transport builds these
 * directly). Upgrade requests (exec, attach, port-forward over WebSocket or SPDY) are routed like
 * any other, carrying their socket in `upgrade`, with a response written raw onto that socket.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { User } from './authn/index.ts';
import { tooLarge } from './errors.ts';

export type { User };

export interface ApiRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** A header value (lower-case name), or undefined. */
  header(name: string): string | undefined;
  readonly user: User;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  /** The whole body; rejects with 413 past `limit` bytes without reading the rest into memory. */
  readBody(limit: number): Promise<Buffer>;
  /**
   * Present on a protocol upgrade (HTTP/1.1 `Connection: Upgrade`): the client's socket, the bytes
   * already read past the request head, and the raw headers to forward. A handler that takes the
   * socket over (the node connector's proxy) must not use the ApiResponse afterwards.
   */
  readonly upgrade?: UpgradeRequest;
}

export interface UpgradeRequest {
  readonly socket: Duplex;
  readonly head: Buffer;
  /** Node's rawHeaders: name, value, name, value… as received. */
  readonly rawHeaders: readonly string[];
}

/** A streaming response: watch events, logs. */
export interface ResponseStream {
  /** Writes a chunk; returns false while the client is not keeping up. */
  write(chunk: string | Buffer): boolean;
  /** Bytes written but not yet taken by the client. */
  buffered(): number;
  /**
   * Calls `listener` once, when the client has taken what was buffered after a `write` returned
   * false (at once when nothing is waiting, or the stream is closed), so proxied streams (logs) can
   * pause their source instead of buffering without bound.
   */
  onDrain(listener: () => void): void;
  end(): void;
  readonly closed: boolean;
}

export interface ApiResponse {
  /** Sends a complete response. */
  send(status: number, headers: Readonly<Record<string, string>>, body: string | Buffer): void;
  /** Starts a streaming response (chunked). */
  stream(status: number, headers: Readonly<Record<string, string>>): ResponseStream;
  /** Adds a header to whatever is sent next (e.g. `Warning`). Call before send/stream. */
  addHeader(name: string, value: string): void;
}

/**
 * Adapts Node's request and response objects. `signal` makes the request's abort signal; it is
 * called once, when a handler first reads it.
 */
export function nodeRequest(
  req: IncomingMessage,
  user: User,
  signal: () => AbortSignal,
): ApiRequest {
  let made: AbortSignal | undefined;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header(name) {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    user,
    get signal() {
      return (made ??= signal());
    },
    readBody(limit) {
      return new Promise((resolve, reject) => {
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) {
          req.resume();
          reject(tooLarge(limit));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let failed = false;
        req.on('data', (c: Buffer) => {
          if (failed) return;
          size += c.length;
          if (size > limit) {
            failed = true;
            reject(tooLarge(limit));
            return;
          }
          chunks.push(c);
        });
        req.on('end', () => {
          if (!failed)
            resolve(chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks));
        });
        req.on('error', (err) => {
          if (!failed) reject(err);
        });
      });
    },
  };
}

/** An upgrade request: the same as nodeRequest, plus the socket to take over. */
export function upgradeRequest(
  req: IncomingMessage,
  user: User,
  signal: AbortSignal,
  socket: Duplex,
  head: Buffer,
): ApiRequest {
  return {
    ...nodeRequest(req, user, () => signal),
    upgrade: { socket, head, rawHeaders: req.rawHeaders },
  };
}

/**
 * A response written raw onto an upgrade request's socket (errors before any upgrade): the status
 * line, the headers, the body, then the socket ends (`Connection: close`).
 */
export function socketResponse(socket: Duplex): ApiResponse {
  const extra: [string, string][] = [];
  const head = (
    status: number,
    headers: Readonly<Record<string, string>>,
    length?: number,
  ): string => {
    const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    for (const [k, v] of extra) lines.push(`${k}: ${v}`);
    if (length !== undefined) lines.push(`Content-Length: ${length}`);
    lines.push('Connection: close');
    return lines.join('\r\n') + '\r\n\r\n';
  };
  const usable = (): boolean => !socket.destroyed && !socket.writableEnded;
  return {
    addHeader(name, value) {
      extra.push([name, value]);
    },
    send(status, headers, body) {
      if (!usable()) return;
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      socket.end(Buffer.concat([Buffer.from(head(status, headers, bytes.length)), bytes]));
    },
    stream(status, headers) {
      if (usable()) socket.write(head(status, headers));
      return {
        write(chunk) {
          return usable() ? socket.write(chunk) : false;
        },
        buffered() {
          return socket.writableLength;
        },
        onDrain(listener) {
          if (!socket.writableNeedDrain || !usable()) {
            listener();
            return;
          }
          const done = (): void => {
            socket.off('drain', done);
            socket.off('close', done);
            listener();
          };
          socket.on('drain', done);
          socket.on('close', done);
        },
        end() {
          if (usable()) socket.end();
        },
        get closed() {
          return !usable();
        },
      };
    },
  };
}

export function nodeResponse(res: ServerResponse): ApiResponse {
  const extra: [string, string][] = [];
  const applyExtra = (): void => {
    for (const [k, v] of extra) res.appendHeader(k, v);
  };
  return {
    addHeader(name, value) {
      extra.push([name, value]);
    },
    send(status, headers, body) {
      if (res.headersSent || res.destroyed) return;
      applyExtra();
      // A 304 has no body; a Content-Length there would claim the cached representation's size.
      res.writeHead(
        status,
        status === 304
          ? headers
          : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      );
      res.end(body);
    },
    stream(status, headers) {
      applyExtra();
      res.writeHead(status, { ...headers, 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      return {
        write(chunk) {
          if (res.destroyed || res.writableEnded) return false;
          return res.write(chunk);
        },
        buffered() {
          return res.writableLength;
        },
        onDrain(listener) {
          if (!res.writableNeedDrain || res.destroyed || res.writableEnded) {
            listener();
            return;
          }
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            listener();
          };
          res.on('drain', done);
          res.on('close', done);
        },
        end() {
          if (!res.writableEnded) res.end();
        },
        get closed() {
          return res.destroyed || res.writableEnded;
        },
      };
    },
  };
}
