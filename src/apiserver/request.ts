/**
 * The API server's view of a request and its response, independent of sockets, so the same
 * handler serves HTTPS clients and in-process components (the in-process transport builds these
 * directly). Upgrade requests (exec, attach, port-forward over WebSocket or SPDY) are routed like
 * any other, carrying their socket in `upgrade`, with a response written raw onto that socket.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { User } from './authn/index.ts';

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
