/**
 * Protobuf wire primitives for the Kubernetes codec (`protobuf.ts`): a bounds-checked reader with
 * the error texts of upstream's gogo-generated `Unmarshal` methods, and a growable writer.
 *
 * Wire types: 0 varint, 1 fixed64, 2 length-delimited, 3/4 group start/end (only ever skipped),
 * 5 fixed32. Varints are read as two unsigned 32-bit halves so that int32 (low half, signed),
 * int64 (both halves, two's complement), bool and lengths are all exact; negative int32 and int64
 * values are 10-byte varints on the wire, as Go writes them.
 */

/** Go's `io.ErrUnexpectedEOF`. */
export const unexpectedEOF = 'unexpected EOF';
/** gogo's `ErrIntOverflowGenerated`: a varint longer than 10 bytes. */
export const intOverflow = 'proto: integer overflow';
/** gogo's `ErrInvalidLengthGenerated`: a length that is negative as a Go `int`. */
export const invalidLength = 'proto: negative length found during unmarshaling';
/** gogo's `ErrUnexpectedEndOfGroupGenerated`. */
export const unexpectedEndOfGroup = 'proto: unexpected end of group';

/**
 * A malformed message, thrown by the reader and the decoder. `detail` is the text upstream's
 * decoder would report; the public API wraps it into `ProtobufDecodeError` with the full message.
 */
export class WireError extends Error {
  override readonly name = 'WireError';
  readonly detail: string;

  constructor(detail: string) {
    super(detail);
    this.detail = detail;
  }
}

const two32 = 4294967296;

/**
 * A cursor over one buffer. Every read takes the end of the enclosing message, so a nested
 * message can never read past its own length.
 */
export class WireReader {
  readonly buf: Buffer;
  pos = 0;
  /** Low and high unsigned 32-bit halves of the last varint read by `varint`. */
  lo = 0;
  hi = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads a varint into `lo`/`hi` (Go: at most 10 bytes, excess high bits dropped). */
  varint(end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) throw new WireError(unexpectedEOF);
    let b = buf[pos++] ?? 0;
    if (b < 0x80) {
      this.pos = pos;
      this.lo = b;
      this.hi = 0;
      return;
    }
    let lo = b & 0x7f;
    let hi = 0;
    for (let shift = 7; ; shift += 7) {
      if (shift >= 64) throw new WireError(intOverflow);
      if (pos >= end) throw new WireError(unexpectedEOF);
      b = buf[pos++] ?? 0;
      const bits = b & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (b < 0x80) break;
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** A varint as an unsigned number (exact below 2^53). */
  uint(end: number): number {
    this.varint(end);
    return this.hi * two32 + this.lo;
  }

  /** The length of a length-delimited value; checks it against `end`. Returns the value's end. */
  lengthEnd(end: number): number {
    this.varint(end);
    // A Go `int` is 64 bits: the top bit set makes the length negative.
    if (this.hi >= 0x80000000) throw new WireError(invalidLength);
    const len = this.hi * two32 + this.lo;
    const stop = this.pos + len;
    if (stop > end) throw new WireError(unexpectedEOF);
    return stop;
  }

  /** Skips one field whose tag (with wire type `wire`) was just read, as gogo's `skipGenerated`. */
  skip(wire: number, end: number): void {
    let depth = 0;
    for (;;) {
      switch (wire) {
        case 0:
          this.varint(end);
          break;
        case 1:
          this.pos += 8;
          break;
        case 2:
          this.pos = this.lengthEnd(end);
          break;
        case 3:
          depth++;
          break;
        case 4:
          if (depth === 0) throw new WireError(unexpectedEndOfGroup);
          depth--;
          break;
        case 5:
          this.pos += 4;
          break;
        default:
          throw new WireError(`proto: illegal wireType ${wire}`);
      }
      if (this.pos > end) throw new WireError(unexpectedEOF);
      if (depth === 0) return;
      // Inside a group: the next tag decides what to skip.
      this.varint(end);
      wire = this.lo & 7;
    }
  }

  /** UTF-8 text of bytes [start, stop); invalid sequences become U+FFFD. */
  text(start: number, stop: number): string {
    if (stop - start < 16) {
      const buf = this.buf;
      let s = '';
      for (let i = start; i < stop; i++) {
        const c = buf[i] ?? 0;
        if (c >= 0x80) return buf.toString('utf8', start, stop);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return this.buf.toString('utf8', start, stop);
  }

  /** A little-endian IEEE 754 double at the cursor. */
  double(end: number): number {
    if (this.pos + 8 > end) throw new WireError(unexpectedEOF);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
}

/** Signed 64-bit value of the halves of a varint, as a JS number (rounded beyond 2^53). */
export function int64Of(lo: number, hi: number): number {
  return (hi | 0) * two32 + lo;
}

/** Exact decimal text of the signed 64-bit value of the halves of a varint. */
export function int64Text(lo: number, hi: number): string {
  return ((BigInt(hi | 0) << 32n) + BigInt(lo)).toString();
}

/** Exact decimal text of the unsigned 64-bit value of the halves of a varint. */
export function uint64Text(lo: number, hi: number): string {
  return hi === 0 ? String(lo) : ((BigInt(hi) << 32n) + BigInt(lo)).toString();
}

/** Go's `int32(tag >> 3)`: the field number of a tag read into `lo`/`hi`. */
export function fieldNumber(lo: number, hi: number): number {
  return (lo >>> 3) | (hi << 29);
}

/**
 * A growable output buffer. Nested messages are written in place: `fork` reserves one length
 * byte, `join` writes the real length and moves the body when it needs more bytes than that.
 */
export class WireWriter {
  buf: Buffer;
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An unsigned varint of a non-negative integer below 2^53. */
  uint(v: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80) {
      buf[pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** A tag: field number and wire type. */
  tag(num: number, wire: number): void {
    this.uint(num * 8 + wire);
  }

  /** A signed integer (int32 or int64) as Go writes it: negative values take 10 bytes. */
  int(v: number): void {
    if (v >= 0) {
      this.uint(v);
      return;
    }
    // Two's complement over 64 bits, from the halves of the magnitude.
    const big = BigInt.asUintN(64, BigInt(v));
    let lo = Number(big & 0xffffffffn);
    let hi = Number(big >> 32n);
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < 9; i++) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = (lo >>> 7) | ((hi & 0x7f) << 25);
      hi >>>= 7;
    }
    buf[pos++] = lo & 0x01;
    this.pos = pos;
  }

  /** Bytes as they are, without a length. */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.uint(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Starts a length-delimited value; returns the mark `join` needs. */
  fork(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the length-delimited value started at `mark`, writing its length. */
  join(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    let size = 1;
    for (let v = len; v >= 0x80; v = Math.floor(v / 0x80)) size++;
    this.ensure(size - 1);
    this.buf.copy(this.buf, mark + size, mark + 1, this.pos);
    this.pos += size - 1;
    let at = mark;
    let v = len;
    while (v >= 0x80) {
      this.buf[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[at] = v;
  }

  /** The bytes written so far (a copy, independent of the writer). */
  finish(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.pos));
  }
}
