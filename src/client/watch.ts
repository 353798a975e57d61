/**
 * Watch streams: the `?watch=true` response body is newline-delimited JSON, one
 * `{"type": ..., "object": ...}` per line. Chunk boundaries are arbitrary (an event may arrive in
 * many pieces and a piece may hold many events), so bytes are split on `\n` first and decoded as
 * UTF-8 only per complete line (a newline byte never occurs inside a multi-byte character).
 */
import { ApiStatusError, asStatus } from './errors.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

/**
 * One event of a watch. `BOOKMARK` objects carry only `kind`, `apiVersion` and
 * `metadata.resourceVersion` (and annotations); they mean "you have seen everything up to here".
 * `ERROR` events are not yielded: the stream throws them as `ApiStatusError`.
 */
export interface WatchEvent<T> {
  readonly type: WatchEventType;
  readonly object: T;
}

/** The stream broke the watch protocol (a line that is not a watch event). */
export class WatchProtocolError extends Error {
  override readonly name = 'WatchProtocolError';
}

const newline = 0x0a;

/**
 * Splits a byte stream into lines. Keeps an unfinished line as the list of its pieces and joins
 * them once, when its newline arrives, so a large event split into many chunks costs one copy.
 */
export class LineDecoder {
  private pending: Buffer[] = [];

  /** The lines completed by `chunk`, without their `\n` (or `\r\n`). */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const idx = chunk.indexOf(newline, start);
      if (idx < 0) break;
      const piece = chunk.subarray(start, idx);
      let line: Buffer;
      if (this.pending.length > 0) {
        this.pending.push(piece);
        line = Buffer.concat(this.pending);
        this.pending = [];
      } else {
        line = piece;
      }
      const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
      lines.push(line.toString('utf8', 0, end));
      start = idx + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
    return lines;
  }

  /** The unfinished last line, if any (a stream that ended without a final newline). */
  flush(): string | undefined {
    if (this.pending.length === 0) return undefined;
    const rest = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    return rest;
  }
}

const eventTypes: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/** Parses one line; throws `ApiStatusError` for an ERROR event, `WatchProtocolError` for garbage. */
export function parseWatchEvent<T>(line: string): WatchEvent<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new WatchProtocolError(`malformed watch event: ${line.slice(0, 200)}`);
  }
  if (typeof raw !== 'object' || raw === null) {
    throw new WatchProtocolError(`malformed watch event: ${line.slice(0, 200)}`);
  }
  const { type, object } = raw as { type?: unknown; object?: unknown };
  if (type === 'ERROR') {
    const status = asStatus(object);
    throw new ApiStatusError(
      status ?? {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 500,
        message: 'watch ERROR event without a Status',
      },
    );
  }
  if (typeof type !== 'string' || !eventTypes.has(type)) {
    throw new WatchProtocolError(`unknown watch event type ${JSON.stringify(type)}`);
  }
  if (typeof object !== 'object' || object === null) {
    throw new WatchProtocolError(`watch event ${type} without an object`);
  }
  return { type: type as WatchEventType, object: object as T };
}

/** Decodes a watch body into events, in order. Blank lines (keep-alives) are skipped. */
export async function* decodeWatchEvents<T>(
  chunks: AsyncIterable<Buffer>,
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  const decoder = new LineDecoder();
  for await (const chunk of chunks) {
    for (const line of decoder.push(chunk)) {
      if (line.trim() !== '') yield parseWatchEvent<T>(line);
    }
  }
  const rest = decoder.flush();
  if (rest !== undefined && rest.trim() !== '') yield parseWatchEvent<T>(rest);
}
