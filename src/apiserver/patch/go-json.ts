/**
 * JSON as the kube-apiserver's Go decoder sees it.
 *
 * `parseGoJson` decodes a body, and a malformed one gets the message a real cluster gives (Go's
 * `encoding/json` syntax check, `scanGoJson` from the api module: `invalid character 'x' looking
 * for beginning of value`, `unexpected end of JSON input`, nesting deeper than 10000 rejected).
 *
 * `goEncodedLength` is the length of Go's `json.Marshal` output for a value (compact, with `<`,
 * `>`, `&`, U+2028 and U+2029 escaped), which is what the JSON patch copy limit counts;
 * `goMarshal` is that output itself (map keys sorted), for messages that quote a document.
 */
import { MAX_JSON_NESTING_DEPTH, scanGoJson } from '../../api/index.ts';
import { isObject } from './json-value.ts';

const encoder = new TextEncoder();
// Keep a leading byte-order mark: Go rejects it, so must we.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 bytes of a body given as text or bytes. */
export function bodyBytes(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? encoder.encode(body) : body;
}

/**
 * Decodes one JSON value as Go would accept it: syntax errors (and nesting beyond 10000) are
 * returned as Go's message instead of a value.
 */
export function parseGoJson(
  body: string | Uint8Array,
): { ok: true; value: unknown; text: string } | { ok: false; error: string } {
  const bytes = bodyBytes(body);
  const text = typeof body === 'string' ? body : decoder.decode(body);
  // Fast path: JSON.parse agrees with Go on what is valid; only depth needs its own check, and only
  // a body longer than the limit can nest past it.
  try {
    const value: unknown = JSON.parse(text);
    if (bytes.length > MAX_JSON_NESTING_DEPTH) {
      const err = scanGoJson(bytes);
      if (err !== undefined) return { ok: false, error: err };
    }
    return { ok: true, value, text };
  } catch {
    return { ok: false, error: scanGoJson(bytes) ?? 'unexpected end of JSON input' };
  }
}

/** Go's JSON kind name in `cannot unmarshal <kind> into ...` messages. */
export function goJsonKind(v: unknown): 'object' | 'array' | 'string' | 'number' | 'bool' | 'null' {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  return 'bool';
}

/**
 * Byte length Go's `json.Marshal` gives a value whose compact JSON text (as `JSON.stringify` writes
 * it) is `text`: UTF-8, with `<`, `>`, `&` (6 bytes each) and U+2028, U+2029 escaped.
 */
export function goEncodedLength(text: string): number {
  let extra = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3c || c === 0x3e || c === 0x26) extra += 5;
    else if (c === 0x2028 || c === 0x2029) extra += 3;
  }
  return Buffer.byteLength(text, 'utf8') + extra;
}

function goMarshalInto(v: unknown, out: string[]): void {
  if (Array.isArray(v)) {
    out.push('[');
    v.forEach((item, i) => {
      if (i > 0) out.push(',');
      goMarshalInto(item, out);
    });
    out.push(']');
  } else if (isObject(v)) {
    out.push('{');
    Object.keys(v)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        goMarshalInto(v[k], out);
      });
    out.push('}');
  } else {
    out.push(JSON.stringify(v ?? null));
  }
}

/** Go's `json.Marshal` of a decoded value: compact, map keys sorted, HTML characters escaped. */
export function goMarshal(v: unknown): string {
  const out: string[] = [];
  goMarshalInto(v, out);
  return out
    .join('')
    .replace(/[<>&\u2028\u2029]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}
