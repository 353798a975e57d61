import { describe, expect, it } from 'vitest';

import { compareKeys, lowerBound, prefixEnd } from './keys.ts';

/** Code point order computed the slow, obvious way, as the reference. */
function reference(a: string, b: string): number {
  const x = Array.from(a).map((c) => c.codePointAt(0)!);
  const y = Array.from(b).map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

describe('compareKeys', () => {
  const samples = [
    '',
    '/',
    '/a',
    '/a/',
    '/a/b',
    '/b',
    'a',
    '\u00e9',
    '\ud7ff',
    '\ue000',
    '\uffff',
    '\u{10000}',
    '\u{1f600}',
    '\u{10ffff}',
    '/a/\u{1f600}',
    '/a/\ufffd',
  ];

  it('orders by code point (like SQLite BINARY on UTF-8), not by UTF-16 unit', () => {
    for (const a of samples) {
      for (const b of samples) {
        expect(Math.sign(compareKeys(a, b)), `${a} vs ${b}`).toBe(Math.sign(reference(a, b)));
      }
    }
    // The case plain `<` gets wrong: an astral character sorts after U+FFFD.
    expect(compareKeys('\u{1f600}', '\ufffd')).toBeGreaterThan(0);
    expect(['\ufffd', '\u{1f600}'].sort()).toEqual(['\u{1f600}', '\ufffd']);
  });
});

describe('prefixEnd', () => {
  it('is the first string after everything that starts with the prefix', () => {
    expect(prefixEnd('/registry/')).toBe('/registry0');
    expect(prefixEnd('/a\u{1f600}')).toBe('/a\u{1f601}');
    expect(prefixEnd('a\ud7ff')).toBe('a\ue000');
    expect(prefixEnd('a\u{10ffff}')).toBe('b');
    expect(prefixEnd('')).toBeUndefined();
    expect(prefixEnd('\u{10ffff}\u{10ffff}')).toBeUndefined();
  });

  it('bounds exactly the keys with the prefix', () => {
    const prefix = '/a/';
    const end = prefixEnd(prefix)!;
    for (const k of ['/a/', '/a/x', '/a/\u{10ffff}\u{10ffff}', '/a0', '/a', '/b', '/a.']) {
      const inRange = compareKeys(k, prefix) >= 0 && compareKeys(k, end) < 0;
      expect(inRange, k).toBe(k.startsWith(prefix));
    }
  });
});

describe('lowerBound', () => {
  it('finds the first key at or after (or strictly after) a key', () => {
    const keys = ['/a', '/b', '/b/1', '/c'];
    expect(lowerBound(keys, '/b', true)).toBe(1);
    expect(lowerBound(keys, '/b', false)).toBe(2);
    expect(lowerBound(keys, '/a0', true)).toBe(1);
    expect(lowerBound(keys, '/d', true)).toBe(4);
    expect(lowerBound(keys, '', false)).toBe(0);
  });
});
