import { describe, expect, it } from 'vitest';
import { metaTime } from './time.ts';

describe('metaTime', () => {
  it('formats RFC 3339 in UTC at whole seconds, truncating the fraction as upstream does', () => {
    expect(metaTime(0)).toBe('1970-01-01T00:00:00Z');
    expect(metaTime(Date.UTC(2026, 10, 22, 19, 20, 5, 999))).toBe('2026-11-22T19:20:05Z');
    expect(metaTime(-1)).toBe('1969-12-31T23:59:59Z');
  });

  it('answers each second with its own text when calls alternate between seconds', () => {
    const t = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(metaTime(t + 100)).toBe('2026-01-01T00:00:00Z');
    expect(metaTime(t + 900)).toBe('2026-01-01T00:00:00Z');
    expect(metaTime(t + 1000)).toBe('2026-01-01T00:00:01Z');
    expect(metaTime(t + 999)).toBe('2026-01-01T00:00:00Z');
  });
});
