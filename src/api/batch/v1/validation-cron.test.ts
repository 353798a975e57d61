import { describe, it, expect } from 'vitest';
import {
  goDurationError,
  isLoadableTimeZone,
  parseCronSchedule,
  timeZoneLoadError,
} from './validation-cron.ts';

describe('parseCronSchedule', () => {
  it.each([
    '*/5 * * * *',
    '0 0 * * *',
    '0 9 * * MON-FRI',
    '0 9 * * mon,wed,fri',
    '0 0 1 JAN *',
    '15 10 ? * *',
    '0,30 * * * *',
    '0 0 1-15/2 * *',
    '5/15 * * * *',
    '* * * * sun',
    '59 23 31 12 6',
    '0  0   *  * *',
    '1,,2 * * * *',
    '@hourly',
    '@daily',
    '@midnight',
    '@weekly',
    '@monthly',
    '@yearly',
    '@annually',
    '@every 1h30m',
    '@every 90s',
    '@every 1.5h',
    'TZ=UTC 0 0 * * *',
    'CRON_TZ=Europe/Paris 0 0 * * *',
  ])('accepts %j', (schedule) => {
    expect(parseCronSchedule(schedule)).toBeNull();
  });

  it.each([
    ['', 'empty spec string'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * 32 * *', 'end of range (32) above maximum (31): 32'],
    ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['0 0 * * MON-SUN', 'beginning of range (1) beyond end of range (0): MON-SUN'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
    ['-5 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['*/-1 * * * *', 'negative number (-1) not allowed: -1'],
    [
      '* * * JANUARY *',
      'failed to parse int from JANUARY: strconv.Atoi: parsing "JANUARY": invalid syntax',
    ],
    [
      '99999999999999999999 * * * *',
      'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range',
    ],
    ['1000000000000 * * * *', 'end of range (1000000000000) above maximum (59): 1000000000000'],
    ['@weekly2', 'unrecognized descriptor: @weekly2'],
    ['@hourly ', 'unrecognized descriptor: @hourly '],
    [' @hourly', 'expected exactly 5 fields, found 1: [@hourly]'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
    ['@every 5x', 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'],
    ['@every abc', 'failed to parse duration @every abc: time: invalid duration "abc"'],
    [
      'TZ=Mars/Olympus * * * * *',
      'provided bad location Mars/Olympus: unknown time zone Mars/Olympus',
    ],
    ['TZ=../etc 0 0 * * *', 'provided bad location ../etc: time: invalid location name'],
    ['TZ=UTC', 'invalid schedule format: runtime error: slice bounds out of range [:-1]'],
  ])('rejects %j', (schedule, message) => {
    expect(parseCronSchedule(schedule)).toBe(message);
  });
});

describe('goDurationError', () => {
  it.each(['0', '1h', '-1.5h', '300ms', '2h45m30.5s', '1µs', '1μs', '1us', '10ns', '.5m'])(
    'accepts %j',
    (d) => {
      expect(goDurationError(d)).toBeNull();
    },
  );

  it.each([
    ['', 'time: invalid duration ""'],
    ['-', 'time: invalid duration "-"'],
    ['1', 'time: missing unit in duration "1"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['.s', 'time: invalid duration ".s"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
    ['1hé', 'time: unknown unit "h\\xc3\\xa9" in duration "1h\\xc3\\xa9"'],
  ])('rejects %j', (d, message) => {
    expect(goDurationError(d)).toBe(message);
  });
});

describe('time zones', () => {
  it.each([
    'UTC',
    'Europe/Paris',
    'America/Argentina/Buenos_Aires',
    'Etc/GMT+5',
    'US/Pacific',
    'EST5EDT',
    'Asia/Kolkata',
  ])('loads %j', (tz) => {
    expect(isLoadableTimeZone(tz)).toBe(true);
    expect(timeZoneLoadError(tz)).toBeNull();
  });

  it.each([
    ['europe/paris', 'unknown time zone europe/paris'],
    ['Mars/Olympus', 'unknown time zone Mars/Olympus'],
    ['/etc/passwd', 'time: invalid location name'],
    ['Europe/../Paris', 'time: invalid location name'],
  ])('does not load %j', (tz, message) => {
    expect(timeZoneLoadError(tz)).toBe(message);
  });
});
