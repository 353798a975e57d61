import { describe, it, expect } from 'vitest';
import {
  humanDuration,
  parseTimestamp,
  translateTimeSince,
  translateTimestampSince,
} from './human-duration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  it.each([
    // clock skew: up to a second in the future is "now", more is invalid
    [-3 * s, '<invalid>'],
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [-400, '0s'],
    [0, '0s'],
    // seconds up to two minutes
    [999, '0s'],
    [1 * s, '1s'],
    [59 * s + 999, '59s'],
    [90 * s, '90s'],
    [119 * s + 999, '119s'],
    // minutes and seconds below ten minutes
    [2 * m, '2m'],
    [2 * m + 5 * s, '2m5s'],
    [9 * m + 59 * s, '9m59s'],
    // whole minutes below three hours
    [10 * m, '10m'],
    [10 * m + 59 * s, '10m'],
    [2 * h + 59 * m, '179m'],
    // hours and minutes below eight hours
    [3 * h, '3h'],
    [3 * h + 12 * m + 40 * s, '3h12m'],
    [7 * h + 59 * m, '7h59m'],
    // whole hours below two days
    [8 * h, '8h'],
    [47 * h + 59 * m, '47h'],
    // days and hours below eight days
    [2 * d, '2d'],
    [2 * d + 4 * h, '2d4h'],
    [7 * d + 23 * h + 59 * m, '7d23h'],
    // whole days below two years
    [8 * d, '8d'],
    [400 * d + 23 * h, '400d'],
    [729 * d, '729d'],
    // years and days below eight years
    [2 * y, '2y'],
    [2 * y + 17 * d, '2y17d'],
    [7 * y + 364 * d, '7y364d'],
    // whole years
    [8 * y, '8y'],
    [12 * y + 200 * d, '12y'],
  ])('%d ms is %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('translateTimestampSince', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it.each([
    ['2025-03-01T11:59:30Z', '30s'],
    ['2025-03-01T11:55:00Z', '5m'],
    ['2025-03-01T08:48:00Z', '3h12m'],
    ['2025-02-27T12:00:00Z', '2d'],
    ['2025-03-01T11:59:59.500000Z', '0s'],
    ['2025-03-01T12:00:01Z', '0s'],
    ['2025-03-01T12:00:05Z', '<invalid>'],
  ])('%s is %s old', (ts, want) => {
    expect(translateTimestampSince(ts, now)).toBe(want);
  });

  it.each([[undefined], [''], ['0001-01-01T00:00:00Z'], ['not a time']])(
    'an unset time (%j) is <unknown>',
    (ts) => {
      expect(translateTimestampSince(ts, now)).toBe('<unknown>');
      expect(parseTimestamp(ts)).toBeUndefined();
    },
  );

  it('takes a parsed time too', () => {
    expect(translateTimeSince(now - 125 * s, now)).toBe('2m5s');
    expect(translateTimeSince(undefined, now)).toBe('<unknown>');
  });

  it('parses microsecond times', () => {
    expect(parseTimestamp('2025-03-01T11:59:30.123456Z')).toBe(now - 30 * s + 123);
  });
});
