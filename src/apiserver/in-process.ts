/**
 * The in-process transport: components inside `podbay server` (scheduler, controllers, the local
 * node agent) reach the API through the very same handler HTTPS clients do — authentication aside,
 * which the caller's fixed identity replaces — but without sockets, TLS or HTTP parsing.
 *
 * Its shape matches the client module's `Transport` (request/stream); the composition root passes it
 * there. (The API server cannot import the client module, so the shape is repeated here.)
 */
import type { ApiServer } from './api-server.ts';
import type { User } from './authn/index.ts';
import { tooLarge } from './errors.ts';
import type { ApiRequest, ApiResponse, ResponseStream } from './request.ts';

export interface InProcessRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  readonly signal: AbortSignal;
}

export interface InProcessResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface InProcessStream {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: AsyncIterable<Buffer>;
}

export interface InProcessTransport {
  request(req: InProcessRequest): Promise<InProcessResponse>;
  stream(req: InProcessRequest): Promise<InProcessStream>;
}

/** A streaming response's writes report "full" past this many buffered bytes. */
const streamHighWaterMark = 1 << 20;

function lowerCase(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** A queue of chunks the handler writes and the caller iterates. */
class ChunkQueue implements AsyncIterable<Buffer> {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private endListeners: (() => void)[] = [];
  private drainListeners: (() => void)[] = [];
  private drainLimit = Infinity;

  /** Calls `fn` once the queue has ended (at once if it already has). */
  onEnd(fn: () => void): void {
    if (this.ended) fn();
    else this.endListeners.push(fn);
  }

  push(chunk: Buffer): void {
    if (this.ended) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    this.notify();
  }

  end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = err;
    this.notify();
    for (const fn of this.endListeners.splice(0)) fn();
    for (const fn of this.drainListeners.splice(0)) fn();
  }

  /** Calls `fn` once the buffered bytes drop below `limit` (at once if they are), or on end. */
  onDrain(limit: number, fn: () => void): void {
    if (this.ended || this.bytes < limit) {
      fn();
      return;
    }
    this.drainLimit = limit;
    this.drainListeners.push(fn);
  }

  get buffered(): number {
    return this.bytes;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      yield* this.drain();
    } finally {
      // The reader stopped (finished, broke out, or failed): later writes are dropped, and the
      // handler sees the stream as closed.
      this.end();
    }
  }

  private async *drain(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) {
        this.bytes -= next.length;
        if (this.bytes < this.drainLimit && this.drainListeners.length > 0) {
          for (const fn of this.drainListeners.splice(0)) fn();
        }
        yield next;
        continue;
      }
      if (this.ended) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((r) => {
        this.wake = r;
      });
    }
  }
}

export function createInProcessTransport(api: ApiServer, user: User): InProcessTransport {
  const exchange = (
    req: InProcessRequest,
    onHead: (status: number, headers: Record<string, string>, queue: ChunkQueue) => void,
  ): void => {
    const headers = lowerCase(req.headers);
    const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
    const extra: Record<string, string> = {};
    const queue = new ChunkQueue();
    const apiReq: ApiRequest = {
      method: req.method,
      url: req.path,
      header: (name) => headers[name.toLowerCase()],
      user,
      signal: req.signal,
      readBody: (limit) =>
        body.length > limit ? Promise.reject(tooLarge(limit)) : Promise.resolve(body),
    };
    const apiRes: ApiResponse = {
      addHeader(name, value) {
        const k = name.toLowerCase();
        extra[k] = extra[k] ? `${extra[k]}, ${value}` : value;
      },
      send(status, h, b) {
        onHead(status, { ...lowerCase(h), ...extra }, queue);
        queue.push(Buffer.from(b));
        queue.end();
      },
      stream(status, h): ResponseStream {
        onHead(status, { ...lowerCase(h), ...extra }, queue);
        return {
          write(chunk) {
            queue.push(Buffer.from(chunk));
            return queue.buffered < streamHighWaterMark;
          },
          buffered: () => queue.buffered,
          onDrain(listener) {
            queue.onDrain(streamHighWaterMark, listener);
          },
          end() {
            queue.end();
          },
          get closed() {
            return queue.isEnded || req.signal.aborted;
          },
        };
      },
    };
    // Aborting ends the body; the listener goes when the body ends, so long-lived signals shared by
    // many requests (a controller's) do not collect listeners.
    const onAbort = (): void => {
      queue.end(req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted'));
    };
    req.signal.addEventListener('abort', onAbort, { once: true });
    queue.onEnd(() => {
      req.signal.removeEventListener('abort', onAbort);
    });
    void api.handle(apiReq, apiRes);
  };

  /** Resolves with `onHead`'s result once the handler answers; rejects if aborted before that. */
  const call = <R>(
    req: InProcessRequest,
    onHead: (status: number, headers: Record<string, string>, queue: ChunkQueue) => Promise<R> | R,
  ): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      const abortReason = (): Error =>
        req.signal.reason instanceof Error ? req.signal.reason : new Error('aborted');
      if (req.signal.aborted) {
        reject(abortReason());
        return;
      }
      let answered = false;
      const onAbort = (): void => {
        if (!answered) reject(abortReason());
      };
      req.signal.addEventListener('abort', onAbort, { once: true });
      exchange(req, (status, headers, queue) => {
        answered = true;
        req.signal.removeEventListener('abort', onAbort);
        Promise.resolve(onHead(status, headers, queue)).then(resolve, (err: unknown) => {
          reject(err instanceof Error ? err : new Error(String(err)));
        });
      });
    });

  return {
    request(req) {
      return call(req, async (status, headers, queue) => {
        const parts: Buffer[] = [];
        for await (const c of queue) parts.push(c);
        return { status, headers, body: Buffer.concat(parts) };
      });
    },
    stream(req) {
      return call(req, (status, headers, queue) => ({ status, headers, body: queue }));
    },
  };
}
