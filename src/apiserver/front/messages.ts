/**
 * The messages between the API server's thread and its front thread (front-thread.ts), which
 * terminates TLS and HTTP. Every request gets an id from the front; the messages about it carry
 * that id. Headers go as Node's flat lists (name, value, name, value…), which clone cheaply.
 *
 * Each side posts what it has for the other as one array per event-loop turn (`batched`), or
 * sooner once `MESSAGES_PER_POST` wait: a watch event for 50 watchers, or the responses of one
 * group commit, cost a few hand-offs, not one each.
 *
 * Bytes cross as Uint8Arrays with a buffer of their own, transferred rather than cloned: a Buffer
 * read from a socket or taken from Node's pool is a view into a larger ArrayBuffer, and cloning a
 * view clones all of that buffer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerOptions } from 'node:https';
import type { VerifiedCertificate } from '../authn/index.ts';

/** What the front thread serves with (sent with `listen`: the thread starts before it is known). */
export interface FrontConfig {
  readonly tls: ServerOptions;
  /** The CA (PEM) client certificates must be issued by. */
  readonly caPem: string;
  /** The largest request body any handler reads; past it the front stops reading. */
  readonly maxBodyBytes: number;
}

/** The head of a request, plain or upgrade. */
export interface RequestHead {
  readonly id: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly certificate: VerifiedCertificate | undefined;
}

/** Front thread → API thread. */
export type FrontMessage =
  | { readonly t: 'listening'; readonly address: AddressInfo }
  | { readonly t: 'listen-failed'; readonly code: string | undefined; readonly message: string }
  | { readonly t: 'closed' }
  /** A request with its whole body, or with `bodyTooLarge` as soon as it is known to be. */
  | (RequestHead & {
      readonly t: 'request';
      readonly body: Uint8Array;
      readonly bodyTooLarge: boolean;
    })
  /** A protocol upgrade; the socket's bytes follow as `data`. */
  | (RequestHead & {
      readonly t: 'upgrade';
      readonly rawHeaders: readonly string[];
      readonly head: Uint8Array;
      readonly remoteAddress: string | undefined;
    })
  /** Bytes from an upgraded socket. */
  | { readonly t: 'data'; readonly id: number; readonly data: Uint8Array }
  /** An upgraded socket's client ended its side. */
  | { readonly t: 'eof'; readonly id: number }
  /** The client went away before its response was complete, or an upgraded socket closed. */
  | { readonly t: 'gone'; readonly id: number }
  /** Bytes written to these ids that their sockets have taken: [id, bytes] pairs. */
  | { readonly t: 'drained'; readonly acks: readonly (readonly [number, number])[] }
  | { readonly t: 'client-error'; readonly message: string };

/** API thread → front thread. */
export type ApiMessage =
  | {
      readonly t: 'listen';
      readonly config: FrontConfig;
      readonly host: string;
      readonly port: number;
    }
  | { readonly t: 'close' }
  /** A complete response. */
  | {
      readonly t: 'send';
      readonly id: number;
      readonly status: number;
      readonly headers: readonly string[];
      readonly body: string | Uint8Array;
    }
  /** The head of a streaming (chunked) response. */
  | {
      readonly t: 'head';
      readonly id: number;
      readonly status: number;
      readonly headers: readonly string[];
    }
  /** Bytes for a streaming response or an upgraded socket. */
  | { readonly t: 'write'; readonly id: number; readonly data: string | Uint8Array }
  /** Ends a streaming response, or an upgraded socket's write side. */
  | { readonly t: 'end'; readonly id: number }
  /** Tears an upgraded socket (or a response) down. */
  | { readonly t: 'destroy'; readonly id: number }
  /** Flow control for an upgraded socket's reads. */
  | { readonly t: 'pause'; readonly id: number }
  | { readonly t: 'resume'; readonly id: number };

/** Sends a message to the front thread, transferring the listed buffers. */
export type PostToFront = (m: ApiMessage, transfer?: ArrayBuffer[]) => void;

// For transfer lists. Imported from its own file, not util/index.ts: the front thread loads this
// module, and the whole barrel would add its imports to the thread's start, which the server's
// start waits on (the wait for the front to listen measured ~13 ms longer, medians of 15 starts).
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
export { ownBytes } from '../../util/bytes.ts';

/**
 * The most messages one post carries; more go in the next. When 64 clients send at once, the API
 * thread starts on the first requests while the front still reads the rest, and the front starts
 * writing the first answers of a group commit while the API thread still makes the rest, instead of
 * each waiting idle for the whole wave. 64-client creates: ~1.07x over 10 alternating pairs for
 * the front's requests (1.05x with 8: each post costs both threads a wake-up), 2026-11-23; the
 * API thread's answers, with the store's early commit at 32 (sqlite-store.ts `commitAt`), ~1.1-1.2x.
 */
export const MESSAGES_PER_POST = 16;

/**
 * A `post` that collects messages, in order, and hands them to `postAll` as one array at the end
 * of the event-loop turn (setImmediate: after the I/O callbacks of this turn, whose messages join
 * the same array), or as soon as `maxPerPost` of them are waiting.
 */
export function batched<M>(
  postAll: (messages: M[], transfer: ArrayBuffer[]) => void,
  maxPerPost = Infinity,
): (m: M, transfer?: ArrayBuffer[]) => void {
  let messages: M[] = [];
  let transfer: ArrayBuffer[] = [];
  const flush = (): void => {
    // A full array went out early; the turn's flush then finds it empty (or holding the rest).
    if (messages.length === 0) return;
    const out = messages;
    const moved = transfer;
    messages = [];
    transfer = [];
    postAll(out, moved);
  };
  let flushScheduled = false;
  const flushAtTurnEnd = (): void => {
    flushScheduled = false;
    flush();
  };
  return (m, moving) => {
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAtTurnEnd);
    }
    messages.push(m);
    if (moving !== undefined) transfer.push(...moving);
    if (messages.length >= maxPerPost) flush();
  };
}
