/**
 * IP address parsing as upstream's k8s.io/utils/net does it: "sloppy" parsing (`ParseIPSloppy`,
 * Go's pre-1.17 `net.ParseIP`), which accepts IPv4 octets with leading zeros (`010.0.0.1`, read
 * as decimal), IPv6 with an embedded IPv4 tail, and no zones. The API's validation and the
 * certificates' IP SANs both read addresses with it.
 */

/** A parsed address: 16 bytes (IPv4 as IPv4-mapped IPv6), and whether it was written as IPv4. */
export interface ParsedIP {
  readonly bytes: Uint8Array;
  /** Written in dotted-quad form. */
  readonly dotted: boolean;
}

/** Decimal digits up to a non-digit; null when none or when the value gets too large. */
function dtoi(s: string, from: number): { n: number; end: number } | null {
  let n = 0;
  let i = from;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
    if (n >= 0xffffff) return null;
  }
  return i === from ? null : { n, end: i };
}

function parseIPv4(s: string, from: number, out: Uint8Array, at: number): boolean {
  let i = from;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (s[i] !== '.') return false;
      i++;
    }
    const d = dtoi(s, i);
    if (d === null || d.n > 0xff) return false;
    out[at + part] = d.n;
    i = d.end;
  }
  return i === s.length;
}

function parseIPv6(s: string): Uint8Array | null {
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  let i = 0;
  if (s.startsWith('::')) {
    ellipsis = 0;
    i = 2;
    if (i === s.length) return ip;
  }
  let j = 0;
  while (j < 16) {
    // One hex group worth at most 0xffff (leading zeros beyond four digits are tolerated).
    let n = 0;
    let k = i;
    for (; k < s.length; k++) {
      const c = s.charCodeAt(k);
      let v: number;
      if (c >= 0x30 && c <= 0x39) v = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) v = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) v = c - 0x41 + 10;
      else break;
      n = n * 16 + v;
      if (n >= 0xffffff) return null;
    }
    if (k === i || n > 0xffff) return null;
    if (k < s.length && s[k] === '.') {
      // An IPv4 tail: needs room for 4 bytes, and must end the string.
      if (ellipsis < 0 && j !== 12) return null;
      if (j + 4 > 16) return null;
      if (!parseIPv4(s, i, ip, j)) return null;
      j += 4;
      i = s.length;
      break;
    }
    ip[j] = n >> 8;
    ip[j + 1] = n & 0xff;
    j += 2;
    i = k;
    if (i === s.length) break;
    if (s[i] !== ':' || i + 1 === s.length) return null;
    i++;
    if (s[i] === ':') {
      if (ellipsis >= 0) return null;
      ellipsis = j;
      i++;
      if (i === s.length) break;
    }
  }
  if (i !== s.length) return null;
  if (j < 16) {
    if (ellipsis < 0) return null;
    const n = 16 - j;
    for (let k = j - 1; k >= ellipsis; k--) ip[k + n] = ip[k] ?? 0;
    for (let k = ellipsis + n - 1; k >= ellipsis; k--) ip[k] = 0;
  } else if (ellipsis >= 0) {
    return null;
  }
  return ip;
}

/** Parses an IP address as upstream's `ParseIPSloppy`; null when it is not one. */
export function parseIPSloppy(s: string): ParsedIP | null {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      const bytes = new Uint8Array(16);
      bytes[10] = 0xff;
      bytes[11] = 0xff;
      return parseIPv4(s, 0, bytes, 12) ? { bytes, dotted: true } : null;
    }
    if (c === ':') {
      const bytes = parseIPv6(s);
      return bytes ? { bytes, dotted: false } : null;
    }
  }
  return null;
}

/** Go's `ip.To4() != nil`: IPv4, or IPv4-mapped IPv6 (`::ffff:1.2.3.4`). */
export function isIPv4(ip: ParsedIP): boolean {
  const b = ip.bytes;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Parses `addr/prefix` as upstream's `ParseCIDRSloppy`; null when it is not a CIDR. */
export function parseCIDRSloppy(s: string): { ip: ParsedIP; prefix: number } | null {
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIPSloppy(s.slice(0, slash));
  if (!ip) return null;
  const d = dtoi(s, slash + 1);
  const bits = ip.dotted ? 32 : 128;
  if (d === null || d.end !== s.length || d.n > bits) return null;
  return { ip, prefix: d.n };
}
