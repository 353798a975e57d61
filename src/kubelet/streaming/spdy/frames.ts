/**
 * SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 plus the 3.1 flow-control amendments), as
 * Kubernetes' streaming protocols use it through Go's moby/spdystream: exec, attach and
 * port-forward multiplex their stdin/stdout/stderr/error/resize or data/error streams over one
 * upgraded connection.
 *
 * Wire format (all integers big-endian):
 *
 *   control frame  |1| version (15) | type (16) |  flags (8) | length (24) | payload ...
 *   data frame     |0| stream id (31)           |  flags (8) | length (24) | data ...
 *
 *   SYN_STREAM (1)    stream id (31), associated-to stream id (31), priority (3) + 5 unused
 *                     bits, slot (8), compressed header block
 *   SYN_REPLY (2)     stream id (31), compressed header block
 *   RST_STREAM (3)    stream id (31), status code (32)
 *   SETTINGS (4)      entry count (32), entries of flags (8) + id (24) and value (32)
 *   PING (6)          id (32)
 *   GOAWAY (7)        last good stream id (31), status code (32)
 *   HEADERS (8)       stream id (31), compressed header block
 *   WINDOW_UPDATE (9) stream id (31), delta window size (31)
 *
 * A header block, before compression: a count (32), then for each header its name length (32),
 * the lower-case name, its value length (32) and the value, several values of one name separated
 * by NUL bytes. Compression (header-compression.ts) is zlib with one context per direction for the
 * whole connection.
 *
 * This file only encodes and decodes; `FrameReader` cuts frames out of a byte stream without
 * copying data payloads that arrive in one piece. Semantics live in spdy-connection.ts.
 */

/** The protocol version written in every control frame. */
export const SPDY_VERSION = 3;

export const FRAME_SYN_STREAM = 1;
export const FRAME_SYN_REPLY = 2;
export const FRAME_RST_STREAM = 3;
export const FRAME_SETTINGS = 4;
export const FRAME_PING = 6;
export const FRAME_GOAWAY = 7;
export const FRAME_HEADERS = 8;
export const FRAME_WINDOW_UPDATE = 9;

/** FLAG_FIN on SYN_STREAM, SYN_REPLY, HEADERS and data frames: the sender's last frame. */
export const FLAG_FIN = 0x01;
/** FLAG_UNIDIRECTIONAL on SYN_STREAM: the receiver may not send on the stream. */
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RST_PROTOCOL_ERROR = 1;
export const RST_INVALID_STREAM = 2;
export const RST_REFUSED_STREAM = 3;
export const RST_UNSUPPORTED_VERSION = 4;
export const RST_CANCEL = 5;
export const RST_INTERNAL_ERROR = 6;
export const RST_FLOW_CONTROL_ERROR = 7;
export const RST_STREAM_IN_USE = 8;
export const RST_STREAM_ALREADY_CLOSED = 9;
export const RST_FRAME_TOO_LARGE = 11;

/** GOAWAY status codes. */
export const GOAWAY_OK = 0;
export const GOAWAY_PROTOCOL_ERROR = 1;
export const GOAWAY_INTERNAL_ERROR = 2;

/** The SETTINGS id of the initial flow-control window (SPDY/3.1). */
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;

/** The largest payload a frame's 24-bit length can describe. */
export const MAX_FRAME_LENGTH = 0xffffff;

/** A stream's headers: lower-case names, each with its values in order. */
export type SpdyHeaders = ReadonlyMap<string, readonly string[]>;

export interface SettingsEntry {
  readonly flags: number;
  readonly id: number;
  readonly value: number;
}

/** A decoded frame. Header blocks stay compressed: the connection inflates them in order. */
export type SpdyFrame =
  | {
      readonly type: 'data';
      readonly streamId: number;
      readonly flags: number;
      readonly data: Buffer;
    }
  | {
      readonly type: 'syn_stream';
      readonly streamId: number;
      readonly associatedToStreamId: number;
      readonly priority: number;
      readonly slot: number;
      readonly flags: number;
      readonly headerBlock: Buffer;
    }
  | {
      readonly type: 'syn_reply';
      readonly streamId: number;
      readonly flags: number;
      readonly headerBlock: Buffer;
    }
  | { readonly type: 'rst_stream'; readonly streamId: number; readonly status: number }
  | {
      readonly type: 'settings';
      readonly flags: number;
      readonly entries: readonly SettingsEntry[];
    }
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'goaway'; readonly lastGoodStreamId: number; readonly status: number }
  | {
      readonly type: 'headers';
      readonly streamId: number;
      readonly flags: number;
      readonly headerBlock: Buffer;
    }
  | { readonly type: 'window_update'; readonly streamId: number; readonly delta: number }
  | {
      readonly type: 'unknown';
      readonly frameType: number;
      readonly flags: number;
      readonly payload: Buffer;
    };

/** A frame the peer should not have sent, or bytes that are not SPDY at all. */
export class SpdyProtocolError extends Error {
  override readonly name = 'SpdyProtocolError';
  /** The stream it concerns, when it concerns one stream (answered with RST_STREAM). */
  readonly streamId: number | undefined;

  constructor(message: string, streamId?: number) {
    super(message);
    this.streamId = streamId;
  }
}

const STREAM_ID_MASK = 0x7fffffff;

function controlHeader(type: number, flags: number, length: number): Buffer {
  if (length > MAX_FRAME_LENGTH) throw new RangeError(`SPDY frame too large: ${length} bytes`);
  const b = Buffer.allocUnsafe(8 + length);
  b.writeUInt32BE((0x8000 | SPDY_VERSION) * 0x10000 + type, 0);
  b.writeUInt32BE((flags & 0xff) * 0x1000000 + length, 4);
  return b;
}

/** The 8-byte header of a data frame carrying `length` bytes. */
export function encodeDataFrameHeader(streamId: number, flags: number, length: number): Buffer {
  if (length > MAX_FRAME_LENGTH) throw new RangeError(`SPDY frame too large: ${length} bytes`);
  const b = Buffer.allocUnsafe(8);
  b.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  b.writeUInt32BE((flags & 0xff) * 0x1000000 + length, 4);
  return b;
}

/** A whole data frame (header and payload in one buffer). */
export function encodeDataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  return Buffer.concat([encodeDataFrameHeader(streamId, flags, data.length), data]);
}

export function encodeSynStream(f: {
  readonly streamId: number;
  readonly associatedToStreamId?: number;
  readonly priority?: number;
  readonly flags?: number;
  readonly headerBlock: Buffer;
}): Buffer {
  const b = controlHeader(FRAME_SYN_STREAM, f.flags ?? 0, 10 + f.headerBlock.length);
  b.writeUInt32BE(f.streamId & STREAM_ID_MASK, 8);
  b.writeUInt32BE((f.associatedToStreamId ?? 0) & STREAM_ID_MASK, 12);
  b.writeUInt8(((f.priority ?? 0) & 0x7) << 5, 16);
  b.writeUInt8(0, 17);
  f.headerBlock.copy(b, 18);
  return b;
}

function streamHeaderFrame(type: number, streamId: number, flags: number, block: Buffer): Buffer {
  const b = controlHeader(type, flags, 4 + block.length);
  b.writeUInt32BE(streamId & STREAM_ID_MASK, 8);
  block.copy(b, 12);
  return b;
}

export function encodeSynReply(streamId: number, flags: number, headerBlock: Buffer): Buffer {
  return streamHeaderFrame(FRAME_SYN_REPLY, streamId, flags, headerBlock);
}

export function encodeHeaders(streamId: number, flags: number, headerBlock: Buffer): Buffer {
  return streamHeaderFrame(FRAME_HEADERS, streamId, flags, headerBlock);
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  const b = controlHeader(FRAME_RST_STREAM, 0, 8);
  b.writeUInt32BE(streamId & STREAM_ID_MASK, 8);
  b.writeUInt32BE(status >>> 0, 12);
  return b;
}

export function encodeSettings(entries: readonly SettingsEntry[], flags = 0): Buffer {
  const b = controlHeader(FRAME_SETTINGS, flags, 4 + 8 * entries.length);
  b.writeUInt32BE(entries.length, 8);
  entries.forEach((e, i) => {
    b.writeUInt32BE((e.flags & 0xff) * 0x1000000 + (e.id & 0xffffff), 12 + 8 * i);
    b.writeUInt32BE(e.value >>> 0, 16 + 8 * i);
  });
  return b;
}

export function encodePing(id: number): Buffer {
  const b = controlHeader(FRAME_PING, 0, 4);
  b.writeUInt32BE(id >>> 0, 8);
  return b;
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  const b = controlHeader(FRAME_GOAWAY, 0, 8);
  b.writeUInt32BE(lastGoodStreamId & STREAM_ID_MASK, 8);
  b.writeUInt32BE(status >>> 0, 12);
  return b;
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  const b = controlHeader(FRAME_WINDOW_UPDATE, 0, 8);
  b.writeUInt32BE(streamId & STREAM_ID_MASK, 8);
  b.writeUInt32BE(delta & STREAM_ID_MASK, 12);
  return b;
}

/**
 * An uncompressed header block. Names are lower-cased (SPDY requires it; Go's framer lower-cases
 * too), a name given twice has its values merged, and values of one name are joined with NUL.
 */
export function encodeHeaderBlock(
  headers: Iterable<readonly [string, string | readonly string[]]>,
): Buffer {
  const merged = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const values = merged.get(key) ?? [];
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
    merged.set(key, values);
  }
  const parts: Buffer[] = [];
  const count = Buffer.allocUnsafe(4);
  count.writeUInt32BE(merged.size);
  parts.push(count);
  for (const [name, values] of merged) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    const nl = Buffer.allocUnsafe(4);
    nl.writeUInt32BE(n.length);
    const vl = Buffer.allocUnsafe(4);
    vl.writeUInt32BE(v.length);
    parts.push(nl, n, vl, v);
  }
  return Buffer.concat(parts);
}

/**
 * Reads an uncompressed header block. Names are lower-cased on the way in (as Go's framer does, it
 * accepts but notes upper-case names); NUL-separated values become separate values.
 */
export function decodeHeaderBlock(block: Buffer, streamId?: number): Map<string, string[]> {
  const fail = (): SpdyProtocolError =>
    new SpdyProtocolError('malformed SPDY header block', streamId);
  if (block.length < 4) throw fail();
  const count = block.readUInt32BE(0);
  // Every pair takes at least 8 bytes: a huge count is garbage, not a reason to allocate.
  if (count > (block.length - 4) / 8) throw fail();
  const headers = new Map<string, string[]>();
  let off = 4;
  const take = (): string => {
    if (off + 4 > block.length) throw fail();
    const len = block.readUInt32BE(off);
    off += 4;
    if (off + len > block.length) throw fail();
    const s = block.toString('utf8', off, off + len);
    off += len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = take().toLowerCase();
    const value = take();
    const values = headers.get(name) ?? [];
    values.push(...value.split('\0'));
    headers.set(name, values);
  }
  if (off !== block.length) throw fail();
  return headers;
}

/** The first value of a header, or undefined (Go's http.Header.Get, names case-insensitive). */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers.get(name.toLowerCase())?.[0];
}

/** Largest control frame accepted: header blocks of a few headers, never megabytes. */
const MAX_CONTROL_LENGTH = 1 << 20;

/**
 * Cuts frames out of a byte stream. Feed it chunks with `push`, then call `next` until it returns
 * undefined. Data payloads that lie within one received chunk are returned as views of it, not
 * copies. Throws SpdyProtocolError for a frame no peer may send; the connection must then end.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Bytes received but not yet returned as frames. */
  get buffered(): number {
    return this.length;
  }

  next(): SpdyFrame | undefined {
    if (this.length < 8) return undefined;
    const head = this.peek(8);
    const first = head.readUInt32BE(0);
    const second = head.readUInt32BE(4);
    const flags = second >>> 24;
    const len = second & 0xffffff;
    const control = (first & 0x80000000) !== 0;
    if (control && len > MAX_CONTROL_LENGTH) {
      throw new SpdyProtocolError(`SPDY control frame of ${len} bytes is too large`);
    }
    if (this.length < 8 + len) return undefined;
    this.take(8);
    const payload = this.take(len);
    if (!control) {
      const streamId = first & STREAM_ID_MASK;
      if (streamId === 0) throw new SpdyProtocolError('stream id zero is disallowed');
      return { type: 'data', streamId, flags, data: payload };
    }
    return decodeControl(first & 0xffff, flags, payload);
  }

  /** The first n bytes without consuming them (n ≤ length). */
  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first;
    return Buffer.concat(this.chunks, n);
  }

  /** Consumes n bytes: a view when they lie in the first chunk, a copy otherwise. */
  private take(n: number): Buffer {
    this.length -= n;
    const first = this.chunks[0];
    if (first && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0];
      if (!c) throw new Error('FrameReader: ran out of data');
      const want = n - off;
      if (c.length <= want) {
        c.copy(out, off);
        off += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, off, 0, want);
        this.chunks[0] = c.subarray(want);
        off += want;
      }
    }
    return out;
  }
}

function need(payload: Buffer, n: number, what: string): void {
  if (payload.length < n) throw new SpdyProtocolError(`invalid ${what} frame: too short`);
}

function decodeControl(type: number, flags: number, p: Buffer): SpdyFrame {
  switch (type) {
    case FRAME_SYN_STREAM: {
      need(p, 10, 'SYN_STREAM');
      const streamId = p.readUInt32BE(0) & STREAM_ID_MASK;
      if (streamId === 0) throw new SpdyProtocolError('stream id zero is disallowed');
      return {
        type: 'syn_stream',
        streamId,
        associatedToStreamId: p.readUInt32BE(4) & STREAM_ID_MASK,
        priority: p.readUInt8(8) >> 5,
        slot: p.readUInt8(9),
        flags,
        headerBlock: p.subarray(10),
      };
    }
    case FRAME_SYN_REPLY:
    case FRAME_HEADERS: {
      const what = type === FRAME_SYN_REPLY ? 'SYN_REPLY' : 'HEADERS';
      need(p, 4, what);
      const streamId = p.readUInt32BE(0) & STREAM_ID_MASK;
      if (streamId === 0) throw new SpdyProtocolError('stream id zero is disallowed');
      return {
        type: type === FRAME_SYN_REPLY ? 'syn_reply' : 'headers',
        streamId,
        flags,
        headerBlock: p.subarray(4),
      };
    }
    case FRAME_RST_STREAM: {
      need(p, 8, 'RST_STREAM');
      const streamId = p.readUInt32BE(0) & STREAM_ID_MASK;
      const status = p.readUInt32BE(4);
      if (streamId === 0) throw new SpdyProtocolError('stream id zero is disallowed');
      if (status === 0) throw new SpdyProtocolError('invalid RST_STREAM status 0', streamId);
      return { type: 'rst_stream', streamId, status };
    }
    case FRAME_SETTINGS: {
      need(p, 4, 'SETTINGS');
      const count = p.readUInt32BE(0);
      if (p.length !== 4 + 8 * count) {
        throw new SpdyProtocolError('invalid SETTINGS frame: wrong length');
      }
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < count; i++) {
        const word = p.readUInt32BE(4 + 8 * i);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: p.readUInt32BE(8 + 8 * i) });
      }
      return { type: 'settings', flags, entries };
    }
    case FRAME_PING: {
      need(p, 4, 'PING');
      const id = p.readUInt32BE(0);
      if (id === 0) throw new SpdyProtocolError('invalid PING frame: id 0');
      return { type: 'ping', id };
    }
    case FRAME_GOAWAY: {
      if (p.length !== 8) throw new SpdyProtocolError('invalid GOAWAY frame: wrong length');
      return {
        type: 'goaway',
        lastGoodStreamId: p.readUInt32BE(0) & STREAM_ID_MASK,
        status: p.readUInt32BE(4),
      };
    }
    case FRAME_WINDOW_UPDATE: {
      if (p.length !== 8) throw new SpdyProtocolError('invalid WINDOW_UPDATE frame: wrong length');
      return {
        type: 'window_update',
        streamId: p.readUInt32BE(0) & STREAM_ID_MASK,
        delta: p.readUInt32BE(4) & STREAM_ID_MASK,
      };
    }
    default:
      // SPDY says to ignore control frames of unknown types.
      return { type: 'unknown', frameType: type, flags, payload: p };
  }
}
