/**
 * Terminal sizes from a resize stream: a sequence of JSON objects (`{"Width":80,"Height":24}`),
 * as Go's json.Decoder reads them from client-go's encoder — concatenated, optionally separated by
 * whitespace, each possibly split across messages or frames. Field names match case-insensitively
 * (as encoding/json does); a missing field is 0. The first malformed value ends the sizes, as the
 * kubelet's decoder loop does.
 */
import type { Readable } from 'node:stream';
import type { TerminalSize } from './types.ts';

/** Largest JSON value we buffer; a terminal size is ~30 bytes. */
const MAX_VALUE = 4096;

function toSize(value: unknown): TerminalSize | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let width = 0;
  let height = 0;
  for (const [k, v] of Object.entries(value)) {
    const key = k.toLowerCase();
    if (key !== 'width' && key !== 'height') continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) return undefined;
    if (key === 'width') width = v;
    else height = v;
  }
  return { width, height };
}

/** Splits complete top-level JSON objects off `text`; returns them and the rest. */
export function splitJsonObjects(text: string): { values: string[]; rest: string; bad: boolean } {
  const values: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let consumed = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 0) {
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        consumed = i + 1;
        continue;
      }
      if (c !== '{') return { values, rest: '', bad: true };
      start = i;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        values.push(text.slice(start, i + 1));
        consumed = i + 1;
      }
    }
  }
  return { values, rest: text.slice(consumed), bad: false };
}

/** Reads terminal sizes from `stream` until it ends or sends something that is not one. */
export async function* resizeEvents(stream: Readable): AsyncGenerator<TerminalSize> {
  try {
    yield* sizesFrom(stream);
  } catch {
    // The stream was reset or its connection went: no more sizes.
  } finally {
    // Stop reading: whoever consumes sizes is done, or the stream sent garbage.
    if (!stream.destroyed) stream.resume();
  }
}

async function* sizesFrom(stream: Readable): AsyncGenerator<TerminalSize> {
  let pending = '';
  // Not destroyed on an early return: a SPDY resize stream would be reset, not just left.
  for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
    pending += (chunk as Buffer).toString('utf8');
    const { values, rest, bad } = splitJsonObjects(pending);
    for (const v of values) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(v);
      } catch {
        return;
      }
      const size = toSize(parsed);
      if (!size) return;
      yield size;
    }
    if (bad || rest.length > MAX_VALUE) return;
    pending = rest;
  }
}
