import { describe, expect, it } from 'vitest';
import { parseLogQuery, sinceMs, type ContainerLogQuery } from './log-query.ts';

const decodeError = { code: 400, message: '{"message": "Unable to decode query."}' };
const invalid = { code: 422, message: '{"message": "Invalid request."}' };
const base = { follow: false, previous: false, timestamps: false };

describe('parseLogQuery', () => {
  const cases: { query: string; want: unknown }[] = [
    { query: '', want: base },
    {
      query: 'follow=true&previous=1&timestamps=yes',
      want: { ...base, follow: true, previous: true, timestamps: true },
    },
    // Go's parameter codec: only "0" and "false" (any case) are false; even an empty value is true.
    { query: 'follow=FALSE&previous=0&timestamps=', want: { ...base, timestamps: true } },
    {
      query: 'tailLines=10&limitBytes=5&sinceSeconds=60',
      want: { ...base, tailLines: 10, limitBytes: 5, sinceSeconds: 60 },
    },
    { query: 'tailLines=0', want: { ...base, tailLines: 0 } },
    { query: 'tail=7', want: { ...base, tailLines: 7 } },
    { query: 'tail=all&tailLines=3', want: base },
    {
      query: 'sinceTime=2024-01-02T03:04:05Z',
      want: { ...base, sinceTime: Date.UTC(2024, 0, 2, 3, 4, 5) },
    },
    {
      query: 'sinceTime=2024-01-02T03:04:05%2B01:00',
      want: { ...base, sinceTime: Date.UTC(2024, 0, 2, 2, 4, 5) },
    },
    { query: 'container=x&insecureSkipTLSVerifyBackend=true', want: base },
    { query: 'tailLines=ten', want: decodeError },
    { query: 'tailLines=', want: decodeError },
    { query: 'limitBytes=1.5', want: decodeError },
    { query: 'sinceTime=yesterday', want: decodeError },
    { query: 'tailLines=-1', want: invalid },
    { query: 'limitBytes=0', want: invalid },
    { query: 'sinceSeconds=0', want: invalid },
    { query: 'sinceSeconds=5&sinceTime=2024-01-02T03:04:05Z', want: invalid },
    { query: 'stream=Stdout', want: invalid },
  ];
  it.each(cases)('$query', ({ query, want }) => {
    expect(parseLogQuery(new URLSearchParams(query))).toEqual(want);
  });
});

describe('sinceMs', () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);
  const cases: { name: string; q: ContainerLogQuery; want: number | undefined }[] = [
    { name: 'none', q: base, want: undefined },
    { name: 'sinceSeconds', q: { ...base, sinceSeconds: 60 }, want: now - 60_000 },
    { name: 'sinceTime', q: { ...base, sinceTime: now - 5000 }, want: now - 5000 },
  ];
  it.each(cases)('$name', ({ q, want }) => {
    expect(sinceMs(q, now)).toBe(want);
  });
});
