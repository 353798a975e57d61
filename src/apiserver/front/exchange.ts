/**
 * The API thread's side of one plain request that came through the front thread: the ApiRequest
 * the handler reads and the ApiResponse it writes, as messages to the front (messages.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { User } from '../authn/index.ts';
import { tooLarge } from '../errors.ts';
import type { ApiRequest, ApiResponse, ResponseStream } from '../request.ts';
import { type PostToFront, type RequestHead, ownBytes } from './messages.ts';

/**
 * A streaming response's writes report "full" past this much the client has not taken. The
 * backlog counts a string chunk by its length (UTF-16 code units; watch events are almost all
 * ASCII JSON), as the front acknowledges it, so neither thread scans each chunk for its bytes.
 */
const streamHighWaterMark = 64 * 1024;

/** A header's value (lower-case name), repeated ones joined as Node joins them. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function flatHeaders(
  headers: Readonly<Record<string, string>>,
  extra: readonly string[],
): string[] {
  const out: string[] = [];
  for (const name in headers) out.push(name, headers[name] as string);
  out.push(...extra);
  return out;
}

export class Exchange {
  readonly id: number;
  private readonly post: PostToFront;
  private readonly done: () => void;
  private abort: AbortController | undefined;
  private clientGone = false;
  private responded = false;
  private ended = false;
  private backlog = 0;
  private drainListeners: (() => void)[] = [];
  private readonly extra: string[] = [];

  /** `done` is called once nothing more can come from or go to the front for this request. */
  constructor(id: number, post: PostToFront, done: () => void) {
    this.id = id;
    this.post = post;
    this.done = done;
  }

  request(
    head: RequestHead,
    user: User,
    body: { readonly bytes: Uint8Array; readonly tooLarge: boolean },
  ): ApiRequest {
    const signal = (): AbortSignal => this.signal();
    return {
      method: head.method,
      url: head.url,
      header: (name) => headerValue(head.headers, name),
      user,
      // Made when a handler first asks: only watches and proxied streams do.
      get signal() {
        return signal();
      },
      readBody(limit) {
        if (body.tooLarge || body.bytes.byteLength > limit) return Promise.reject(tooLarge(limit));
        return Promise.resolve(
          Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength),
        );
      },
    };
  }

  /** Aborts when the client goes away before the response is complete. */
  signal(): AbortSignal {
    this.abort ??= new AbortController();
    if (this.clientGone) this.abort.abort();
    return this.abort.signal;
  }

  /** The front says the client went away. */
  gone(): void {
    this.clientGone = true;
    this.abort?.abort();
    this.finish();
  }

  /** The front's socket took `bytes` more of the streamed response. */
  drained(bytes: number): void {
    this.backlog -= bytes;
    if (this.backlog < streamHighWaterMark) this.callDrainListeners();
  }

  response(): ApiResponse {
    return {
      addHeader: (name, value) => {
        this.extra.push(name, value);
      },
      send: (status, headers, body) => {
        if (this.responded || this.clientGone) return;
        this.responded = true;
        if (typeof body === 'string') {
          this.post({
            t: 'send',
            id: this.id,
            status,
            headers: flatHeaders(headers, this.extra),
            body,
          });
        } else {
          const bytes = ownBytes(body);
          this.post(
            {
              t: 'send',
              id: this.id,
              status,
              headers: flatHeaders(headers, this.extra),
              body: bytes,
            },
            [bytes.buffer as ArrayBuffer],
          );
        }
        this.finish();
      },
      stream: (status, headers) => {
        if (!this.responded && !this.clientGone) {
          this.post({ t: 'head', id: this.id, status, headers: flatHeaders(headers, this.extra) });
        }
        this.responded = true;
        return this.responseStream();
      },
    };
  }

  private responseStream(): ResponseStream {
    const closed = (): boolean => this.clientGone || this.ended;
    return {
      write: (chunk) => {
        if (closed()) return false;
        if (typeof chunk === 'string') {
          this.backlog += chunk.length;
          this.post({ t: 'write', id: this.id, data: chunk });
        } else {
          const data = ownBytes(chunk);
          this.backlog += data.byteLength;
          this.post({ t: 'write', id: this.id, data }, [data.buffer as ArrayBuffer]);
        }
        return this.backlog < streamHighWaterMark;
      },
      buffered: () => this.backlog,
      onDrain: (listener) => {
        if (closed() || this.backlog < streamHighWaterMark) listener();
        else this.drainListeners.push(listener);
      },
      end: () => {
        if (closed()) return;
        this.ended = true;
        this.post({ t: 'end', id: this.id });
        this.finish();
      },
      get closed() {
        return closed();
      },
    };
  }

  private finish(): void {
    this.callDrainListeners();
    this.done();
  }

  private callDrainListeners(): void {
    for (const listener of this.drainListeners.splice(0)) listener();
  }
}
