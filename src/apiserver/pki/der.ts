/**
 * The small part of ASN.1 DER that our certificates need (X.690): writing the handful of types an
 * X.509 certificate is made of, and walking a certificate's top-level structure to read its
 * subject and subject key identifier. Single-byte tags only (every tag in X.509 is one).
 *
 * Why our own: the ASN.1 library stack we used before took ~200 ms to load on a first start,
 * a fifth of the start-up budget, for a few dozen bytes of structure.
 */

/** Universal tags, and the class/constructed bits, as X.690 numbers them. */
export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** One element: tag, definite length, contents. */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag, ...lengthBytes(body.length)]), body]);
}

export const sequence = (...items: readonly Uint8Array[]): Buffer => tlv(TAG.sequence, ...items);

/** A SET OF, its elements in DER's order (sorted by their encodings). */
export const setOf = (...items: readonly Uint8Array[]): Buffer =>
  tlv(TAG.set, ...[...items].sort((a, b) => Buffer.compare(a, b)));

/** `[n] EXPLICIT`: the element wrapped in a constructed context-specific tag. */
export const explicit = (n: number, ...items: readonly Uint8Array[]): Buffer =>
  tlv(0xa0 | n, ...items);

/** `[n] IMPLICIT` of a primitive type: its contents under a context-specific tag. */
export const implicitPrimitive = (n: number, contents: Uint8Array): Buffer =>
  tlv(0x80 | n, contents);

export const boolean = (value: boolean): Buffer =>
  tlv(TAG.boolean, Buffer.from([value ? 0xff : 0]));

/** A non-negative INTEGER from its big-endian bytes (minimal: no extra leading zeros). */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const minimal = bytes.subarray(start);
  const pad = (minimal[0] ?? 0) & 0x80 ? [0] : [];
  return tlv(TAG.integer, Buffer.from(pad), minimal.length > 0 ? minimal : Buffer.from([0]));
}

export const octetString = (bytes: Uint8Array): Buffer => tlv(TAG.octetString, bytes);

/** A BIT STRING of whole bytes, or with `unusedBits` trailing bits of the last byte unused. */
export const bitString = (bytes: Uint8Array, unusedBits = 0): Buffer =>
  tlv(TAG.bitString, Buffer.from([unusedBits]), bytes);

/** An OBJECT IDENTIFIER from its dotted form (`2.5.29.19`). */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const base128: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      base128.unshift(0x80 | (v & 0x7f));
    out.push(...base128);
  }
  return tlv(TAG.oid, Buffer.from(out));
}

/** PrintableString's alphabet (X.680 §41.4). */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** A directory string as Go writes one: PrintableString when it can be, UTF8String otherwise. */
export const directoryString = (value: string): Buffer =>
  tlv(PRINTABLE.test(value) ? TAG.printableString : TAG.utf8String, Buffer.from(value, 'utf8'));

/**
 * A certificate time (RFC 5280 §4.1.2.5): UTCTime through 2049, GeneralizedTime from 2050, in
 * whole seconds, UTC.
 */
export function time(ms: number): Buffer {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const rest = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  const year = d.getUTCFullYear();
  return year < 2050
    ? tlv(TAG.utcTime, Buffer.from(`${two(year % 100)}${rest}`, 'ascii'))
    : tlv(TAG.generalizedTime, Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'ascii'));
}

/** One element read from a buffer: its tag, where its contents are, and where it ends. */
export interface Element {
  readonly tag: number;
  /** The whole element, header included. */
  readonly raw: Buffer;
  readonly contents: Buffer;
}

/** Reads the element at `offset`; throws a RangeError on anything that is not well-formed DER. */
export function readElement(buf: Buffer, offset = 0): Element {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined) throw new RangeError('DER: truncated header');
  if ((tag & 0x1f) === 0x1f) throw new RangeError('DER: multi-byte tags are not supported');
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new RangeError('DER: unsupported length');
    length = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[offset + 2 + i];
      if (b === undefined) throw new RangeError('DER: truncated length');
      length = length * 256 + b;
    }
    header += n;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new RangeError('DER: element runs past the end');
  return {
    tag,
    raw: buf.subarray(offset, end),
    contents: buf.subarray(offset + header, end),
  };
}

/** The elements inside a constructed element's contents. */
export function children(parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = 0; at < parent.contents.length;) {
    const child = readElement(parent.contents, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}
