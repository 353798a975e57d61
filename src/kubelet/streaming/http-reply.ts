/**
 * Plain HTTP answers on a raw socket, for upgrade requests that end before any upgrade (the
 * kubelet answers them as Go's http.Error does: text/plain, a trailing newline, nosniff).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export interface HttpReply {
  readonly code: number;
  readonly body: string;
  readonly headers?: readonly (readonly [string, string])[];
}

/** Writes a complete response and ends the socket. */
export function writeHttpReply(socket: Duplex, reply: HttpReply): void {
  if (socket.destroyed || socket.writableEnded) return;
  const body = Buffer.from(reply.body.endsWith('\n') ? reply.body : `${reply.body}\n`);
  const lines = [
    `HTTP/1.1 ${reply.code} ${STATUS_CODES[reply.code] ?? 'Unknown'}`,
    'Content-Type: text/plain; charset=utf-8',
    'X-Content-Type-Options: nosniff',
    ...(reply.headers ?? []).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${body.length}`,
    'Connection: close',
  ];
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), body]));
}

/** Go's http.CanonicalHeaderKey. */
export function canonicalHeaderKey(name: string): string {
  return name
    .split('-')
    .map((p) => (p ? p.charAt(0).toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('-');
}

/** Go's `%#v` of an http.Header built from Node's raw headers (keys sorted, values in order). */
export function goHeaderDump(rawHeaders: readonly string[]): string {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = canonicalHeaderKey(rawHeaders[i] ?? '');
    if (key === 'Host') continue; // Go moves Host out of the header map
    map.set(key, [...(map.get(key) ?? []), rawHeaders[i + 1] ?? '']);
  }
  const entries = [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([k, vs]) => `${JSON.stringify(k)}:[]string{${vs.map((v) => JSON.stringify(v)).join(', ')}}`,
    );
  return `http.Header{${entries.join(', ')}}`;
}

/** All values of a header, comma-separated lists split (httpstream's commaSeparatedHeaderValues). */
export function headerList(rawHeaders: readonly string[], name: string): string[] {
  const out: string[] = [];
  const want = name.toLowerCase();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? '').toLowerCase() !== want) continue;
    for (const part of (rawHeaders[i + 1] ?? '').split(',')) {
      const v = part.trim();
      if (v) out.push(v);
    }
  }
  return out;
}
