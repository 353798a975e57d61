/**
 * Streams in and out of tar archives: iterate a tar's entries with tar-stream, undo gzip when the
 * data starts with gzip's magic bytes, and hash bytes as they pass (digests are checked while the
 * data streams, never by reading it twice).
 */
import type { Hash } from 'node:crypto';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { ImageError } from './types.ts';
import { errorMessage } from '../../util/index.ts';

export type Bytes = AsyncIterable<Uint8Array>;

export type TarHeader = Header;

/**
 * Calls `onEntry` for each entry of the tar in `source`, one at a time, in order. Whatever part of
 * an entry's body `onEntry` leaves unread is skipped. Rejects with ImageError when the data is not
 * a tar archive; an error thrown by `onEntry` stops the reading and is rethrown.
 */
export async function forEachTarEntry(
  source: Bytes,
  onEntry: (header: TarHeader, body: Bytes) => Promise<void>,
  what = 'archive',
): Promise<void> {
  const ex = extract();
  const feeding = pipeline(Readable.from(source, { objectMode: false }), ex);
  // The iterator below sees the same failure; this keeps an early one from being unhandled.
  feeding.catch(() => undefined);
  try {
    for await (const entry of ex) {
      // streamx readables are async-iterable at runtime; their type declarations omit it.
      const body = entry as unknown as Bytes;
      await onEntry(entry.header, body);
      for await (const _ of body) {
        // drain what onEntry did not read
      }
    }
    await feeding;
  } catch (err) {
    ex.destroy();
    if (err instanceof ImageError) throw err;
    const message = errorMessage(err);
    if (/tar header|unexpected end|Invalid tar|premature|Unexpected end/i.test(message))
      throw new ImageError(`${what} is not a valid tar archive (${message})`);
    throw err;
  }
}

export type Compression = 'none' | 'gzip' | 'zstd';

/** node:zlib's zstd decoder where the Node version has one (22.15+, 24); Node 20 has none. */
function zstdDecompressor(): (() => Duplex) | undefined {
  const create = (zlib as unknown as Record<string, unknown>)['createZstdDecompress'];
  return typeof create === 'function' ? (create as () => Duplex) : undefined;
}

/** Detects the compression from the first bytes; xz, bzip2 (and zstd on Node 20) are refused. */
export function detectCompression(head: Uint8Array, what: string): Compression {
  const b = (i: number): number => head[i] ?? -1;
  if (b(0) === 0x1f && b(1) === 0x8b) return 'gzip';
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd) {
    if (zstdDecompressor() !== undefined) return 'zstd';
    throw new ImageError(
      `${what} is zstd-compressed, which needs Node 22.15 or later (this is ${process.version})`,
    );
  }
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a)
    throw new ImageError(`${what} is xz-compressed, which is not supported`);
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68)
    throw new ImageError(`${what} is bzip2-compressed, which is not supported`);
  return 'none';
}

/** The bytes of `source`, decompressed when they start as gzip (or zstd) does; otherwise as they are. */
export async function* decompressed(source: Bytes, what: string): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < 6) {
    const next = await it.next();
    if (next.done === true) {
      done = true;
      break;
    }
    const chunk = asBuffer(next.value);
    head.push(chunk);
    headLength += chunk.length;
  }
  const compression = detectCompression(Buffer.concat(head), what);
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done === true) return;
      yield asBuffer(next.value);
    }
  }
  if (compression === 'none') {
    yield* all();
    return;
  }
  const decoder =
    compression === 'gzip' ? zlib.createGunzip() : (zstdDecompressor() ?? zlib.createGunzip)();
  const feeding = pipeline(Readable.from(all()), decoder);
  feeding.catch(() => undefined);
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) yield chunk;
    await feeding;
  } catch (err) {
    decoder.destroy();
    if (err instanceof ImageError) throw err;
    throw new ImageError(`${what}: bad ${compression} data (${errorMessage(err)})`);
  }
}

/** A Buffer view of the bytes (no copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Passes `source` through, feeding every byte to `hash`. */
export async function* hashing(source: Bytes, hash: Hash): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
}

/** Reads all of `source` into one buffer, refusing more than `limit` bytes. */
export async function readAll(source: Bytes, limit: number, what: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    if (length > limit) throw new ImageError(`${what} is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
