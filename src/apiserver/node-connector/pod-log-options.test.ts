import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { decodePodLogOptions, kubeletLogQuery, podLogOptions } from './pod-log-options.ts';

const q = (s: string): URLSearchParams => new URLSearchParams(s);
const base = {
  follow: false,
  previous: false,
  timestamps: false,
  insecureSkipTLSVerifyBackend: false,
};

describe('decodePodLogOptions', () => {
  it.each([
    ['', base],
    [
      'container=app&follow=true&previous=1&timestamps=TRUE',
      { ...base, container: 'app', follow: true, previous: true, timestamps: true },
    ],
    // Go's parameter codec: anything but "0" and "false" is true, even an empty value.
    ['follow=&previous=0&timestamps=False', { ...base, follow: true }],
    [
      'tailLines=%2B5&limitBytes=10&sinceSeconds=-3',
      { ...base, tailLines: 5, limitBytes: 10, sinceSeconds: -3 },
    ],
    [
      'sinceTime=2024-05-01T10:00:00.5%2B02:00',
      { ...base, sinceTime: Date.UTC(2024, 4, 1, 8, 0, 0, 500) },
    ],
    ['sinceTime=', { ...base, sinceTime: -62135596800000 }],
    [
      'stream=All&insecureSkipTLSVerifyBackend=true',
      { ...base, stream: 'All', insecureSkipTLSVerifyBackend: true },
    ],
    ['tailLines=1&tailLines=2', { ...base, tailLines: 1 }],
  ])('%s', (query, want) => {
    expect(decodePodLogOptions(q(query))).toEqual(want);
  });

  it.each([
    ['tailLines=', 'strconv.ParseInt: parsing "": invalid syntax'],
    ['tailLines=1.0', 'strconv.ParseInt: parsing "1.0": invalid syntax'],
    ['limitBytes=0x10', 'strconv.ParseInt: parsing "0x10": invalid syntax'],
    [
      'sinceSeconds=9223372036854775808',
      'strconv.ParseInt: parsing "9223372036854775808": value out of range',
    ],
    [
      'sinceTime=yesterday',
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    ],
    [
      'sinceTime=2024-05-01 10:00:00Z',
      'parsing time "2024-05-01 10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00:00Z" as "T"',
    ],
    [
      'sinceTime=2024-05-01T10:00:00',
      'parsing time "2024-05-01T10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"',
    ],
    ['sinceTime=2024-13-01T10:00:00Z', 'parsing time "2024-13-01T10:00:00Z": month out of range'],
    [
      'sinceTime=2024-05-01T10:00:00Zjunk',
      'parsing time "2024-05-01T10:00:00Zjunk": extra text: "junk"',
    ],
  ])('400 for %s', (query, message) => {
    let err: unknown;
    try {
      decodePodLogOptions(q(query));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(400);
    expect((err as ApiError).reason).toBe('BadRequest');
    expect((err as ApiError).message).toBe(message);
  });
});

describe('podLogOptions validation', () => {
  it.each([
    [
      'tailLines=-1',
      'PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'limitBytes=0',
      'PodLogOptions "p" is invalid: limitBytes: Invalid value: 0: must be greater than 0',
    ],
    [
      'sinceSeconds=0',
      'PodLogOptions "p" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0',
    ],
    [
      'sinceSeconds=-1&sinceTime=2024-01-01T00:00:00Z',
      'PodLogOptions "p" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    ],
    ['stream=Stdout', 'PodLogOptions "p" is invalid: stream: Forbidden: may not be specified'],
    [
      'tailLines=-1&limitBytes=-1',
      'PodLogOptions "p" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: -1: must be greater than 0]',
    ],
  ])('422 for %s', (query, message) => {
    let err: unknown;
    try {
      podLogOptions(q(query), 'p');
    } catch (e) {
      err = e;
    }
    expect((err as ApiError).code).toBe(422);
    expect((err as ApiError).toStatus()).toMatchObject({
      reason: 'Invalid',
      message,
      details: { name: 'p', kind: 'PodLogOptions' },
    });
  });

  it('accepts valid options', () => {
    expect(podLogOptions(q('tailLines=0&limitBytes=1&sinceSeconds=1'), 'p')).toEqual({
      ...base,
      tailLines: 0,
      limitBytes: 1,
      sinceSeconds: 1,
    });
  });
});

describe('kubeletLogQuery', () => {
  it.each([
    [base, ''],
    [
      { ...base, follow: true, previous: true, timestamps: true },
      'follow=true&previous=true&timestamps=true',
    ],
    // Keys sorted as Go's url.Values.Encode; sinceTime in whole seconds, UTC.
    [
      { ...base, tailLines: 3, limitBytes: 100, sinceTime: Date.UTC(2024, 4, 1, 8, 0, 0, 500) },
      'limitBytes=100&sinceTime=2024-05-01T08%3A00%3A00Z&tailLines=3',
    ],
    [
      { ...base, sinceSeconds: 60, container: 'x', insecureSkipTLSVerifyBackend: true },
      'sinceSeconds=60',
    ],
  ])('%j', (opts, want) => {
    expect(kubeletLogQuery(opts)).toBe(want);
  });
});
