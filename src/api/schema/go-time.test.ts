import { describe, it, expect } from 'vitest';
import { GoTimeParseError, canonicalGoTime, formatGoRFC3339, parseGoRFC3339 } from './go-time.ts';

describe('canonicalGoTime', () => {
  it.each([
    ['2024-01-02T03:04:05Z', false, '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04:05.999999999Z', false, '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04:05,5Z', false, '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04:05+02:00', false, '2024-01-02T01:04:05Z'],
    ['2024-01-01T00:30:00+01:00', false, '2023-12-31T23:30:00Z'],
    ['2024-01-02T03:04:05-00:30', false, '2024-01-02T03:34:05Z'],
    ['2024-01-02T3:04:05Z', false, '2024-01-02T03:04:05Z'],
    ['0001-01-01T00:00:00Z', false, '0001-01-01T00:00:00Z'],
    ['0099-06-01T00:00:00Z', false, '0099-06-01T00:00:00Z'],
    ['2024-02-29T00:00:00Z', false, '2024-02-29T00:00:00Z'],
    ['2024-01-02T03:04:05.123456Z', true, '2024-01-02T03:04:05.123456Z'],
    ['2024-01-02T03:04:05.000001+01:00', true, '2024-01-02T02:04:05.000001Z'],
  ])('%s (micro %s) -> %s', (input, micro, expected) => {
    expect(canonicalGoTime(input, micro)).toBe(expected);
  });
});

describe('parseGoRFC3339 errors (Go messages)', () => {
  const L = '"2006-01-02T15:04:05Z07:00"';
  const M = '"2006-01-02T15:04:05.000000Z07:00"';
  it.each([
    ['', false, `parsing time "" as ${L}: cannot parse "" as "2006"`],
    ['yesterday', false, `parsing time "yesterday" as ${L}: cannot parse "yesterday" as "2006"`],
    ['2024', false, `parsing time "2024" as ${L}: cannot parse "" as "-"`],
    ['2024/01/02', false, `parsing time "2024/01/02" as ${L}: cannot parse "/01/02" as "-"`],
    [
      '2024-1-02T00:00:00Z',
      false,
      `parsing time "2024-1-02T00:00:00Z" as ${L}: cannot parse "1-02T00:00:00Z" as "01"`,
    ],
    ['2024-01-02', false, `parsing time "2024-01-02" as ${L}: cannot parse "" as "T"`],
    [
      '2024-01-02 03:04:05Z',
      false,
      `parsing time "2024-01-02 03:04:05Z" as ${L}: cannot parse " 03:04:05Z" as "T"`,
    ],
    [
      '2024-01-02T03:04:05',
      false,
      `parsing time "2024-01-02T03:04:05" as ${L}: cannot parse "" as "Z07:00"`,
    ],
    [
      '2024-01-02T03:04:05z',
      false,
      `parsing time "2024-01-02T03:04:05z" as ${L}: cannot parse "z" as "Z07:00"`,
    ],
    [
      '2024-01-02T03:04:05+0200',
      false,
      `parsing time "2024-01-02T03:04:05+0200" as ${L}: cannot parse "+0200" as "Z07:00"`,
    ],
    ['2024-13-02T03:04:05Z', false, 'parsing time "2024-13-02T03:04:05Z": month out of range'],
    ['2024-00-02T03:04:05Z', false, 'parsing time "2024-00-02T03:04:05Z": month out of range'],
    ['2023-02-29T03:04:05Z', false, 'parsing time "2023-02-29T03:04:05Z": day out of range'],
    ['2024-04-31T03:04:05Z', false, 'parsing time "2024-04-31T03:04:05Z": day out of range'],
    ['2024-01-02T24:00:00Z', false, 'parsing time "2024-01-02T24:00:00Z": hour out of range'],
    ['2024-01-02T03:60:00Z', false, 'parsing time "2024-01-02T03:60:00Z": minute out of range'],
    ['2024-01-02T03:04:60Z', false, 'parsing time "2024-01-02T03:04:60Z": second out of range'],
    [
      '2024-01-02T03:04:05Zjunk',
      false,
      'parsing time "2024-01-02T03:04:05Zjunk": extra text: "junk"',
    ],
    [
      '2024-01-02T03:04:05Z',
      true,
      `parsing time "2024-01-02T03:04:05Z" as ${M}: cannot parse "Z" as ".000000"`,
    ],
    [
      '2024-01-02T03:04:05.123Z',
      true,
      `parsing time "2024-01-02T03:04:05.123Z" as ${M}: cannot parse ".123Z" as ".000000"`,
    ],
  ])('%j (micro %s)', (input, micro, message) => {
    expect(() => parseGoRFC3339(input, micro)).toThrow(GoTimeParseError);
    expect(() => parseGoRFC3339(input, micro)).toThrow(message);
  });
});

describe('formatGoRFC3339', () => {
  it('formats seconds and micros in UTC', () => {
    expect(formatGoRFC3339({ seconds: 0, nanos: 0 }, false)).toBe('1970-01-01T00:00:00Z');
    expect(formatGoRFC3339({ seconds: 1, nanos: 5_000 }, true)).toBe('1970-01-01T00:00:01.000005Z');
  });
});
