import { describe, expect, it } from 'vitest';
import {
  formatLogTimestamp,
  parseCriLogLine,
  parseLogTimestamp,
  timestampNanos,
} from './cri-log-line.ts';

describe('parseLogTimestamp / formatLogTimestamp', () => {
  const cases: { in: string; out: string; epochSeconds: number; nanos: number }[] = [
    {
      in: '2016-10-06T00:17:09.669794202Z',
      out: '2016-10-06T00:17:09.669794202Z',
      epochSeconds: Date.UTC(2016, 9, 6, 0, 17, 9) / 1000,
      nanos: 669794202,
    },
    // Fewer fraction digits are padded to nine, as Go's RFC3339NanoFixed prints them.
    {
      in: '2016-10-06T00:17:09.5Z',
      out: '2016-10-06T00:17:09.500000000Z',
      epochSeconds: Date.UTC(2016, 9, 6, 0, 17, 9) / 1000,
      nanos: 500000000,
    },
    {
      in: '2016-10-06T00:17:09Z',
      out: '2016-10-06T00:17:09.000000000Z',
      epochSeconds: Date.UTC(2016, 9, 6, 0, 17, 9) / 1000,
      nanos: 0,
    },
    // conmon writes the local offset; it is kept, and a zero offset prints as Z.
    {
      in: '2024-02-29T23:30:00.000000001+02:00',
      out: '2024-02-29T23:30:00.000000001+02:00',
      epochSeconds: Date.UTC(2024, 1, 29, 21, 30, 0) / 1000,
      nanos: 1,
    },
    {
      in: '2024-01-01T00:00:00.123456789-05:30',
      out: '2024-01-01T00:00:00.123456789-05:30',
      epochSeconds: Date.UTC(2024, 0, 1, 5, 30, 0) / 1000,
      nanos: 123456789,
    },
    {
      in: '2024-01-01T12:00:00.1+00:00',
      out: '2024-01-01T12:00:00.100000000Z',
      epochSeconds: Date.UTC(2024, 0, 1, 12, 0, 0) / 1000,
      nanos: 100000000,
    },
  ];
  it.each(cases)('$in', (c) => {
    const ts = parseLogTimestamp(c.in);
    expect(ts).toBeDefined();
    expect(ts?.epochSeconds).toBe(c.epochSeconds);
    expect(ts?.nanos).toBe(c.nanos);
    expect(formatLogTimestamp(ts!)).toBe(c.out);
    expect(timestampNanos(ts!)).toBe(BigInt(c.epochSeconds) * 1_000_000_000n + BigInt(c.nanos));
  });

  it.each([
    '2016-10-06 00:17:09Z',
    '2016-10-06T00:17:09',
    '2016-13-06T00:17:09Z',
    '2023-02-29T00:17:09Z',
    '2016-10-06T24:00:00Z',
    '2016-10-06T00:17:09.1234567890Z',
    '2016-10-06T00:17:09+2:00',
    'yesterday',
  ])('rejects %s', (text) => {
    expect(parseLogTimestamp(text)).toBeUndefined();
  });
});

describe('parseCriLogLine', () => {
  const line = (s: string): Buffer => Buffer.from(s);
  const cases: {
    name: string;
    in: string;
    stream?: string;
    partial?: boolean;
    log?: string;
    error?: string;
  }[] = [
    {
      name: 'full line keeps its newline',
      in: '2016-10-06T00:17:09.669794202Z stdout F log content 1\n',
      stream: 'stdout',
      partial: false,
      log: 'log content 1\n',
    },
    {
      name: 'partial line loses the newline that ends its record',
      in: '2016-10-06T00:17:09.669794202Z stderr P log content 2\n',
      stream: 'stderr',
      partial: true,
      log: 'log content 2',
    },
    {
      name: 'a record without its newline (end of file)',
      in: '2016-10-06T00:17:09.669794202Z stdout F last',
      stream: 'stdout',
      partial: false,
      log: 'last',
    },
    {
      name: 'empty full line',
      in: '2016-10-06T00:17:09.669794202Z stdout F \n',
      stream: 'stdout',
      partial: false,
      log: '\n',
    },
    {
      name: 'extra tags after the first are ignored',
      in: '2016-10-06T00:17:09.669794202Z stdout P:x:y split\n',
      stream: 'stdout',
      partial: true,
      log: 'split',
    },
    {
      name: 'spaces inside the message are kept',
      in: '2016-10-06T00:17:09Z stdout F  a  b \n',
      stream: 'stdout',
      partial: false,
      log: ' a  b \n',
    },
    { name: 'no delimiter', in: 'garbage\n', error: 'timestamp is not found' },
    {
      name: 'bad timestamp',
      in: 'nope stdout F x\n',
      error: 'unexpected timestamp format "nope"',
    },
    {
      name: 'bad stream',
      in: '2016-10-06T00:17:09Z stdin F x\n',
      error: 'unexpected stream type "stdin"',
    },
    { name: 'no stream', in: '2016-10-06T00:17:09Z stdout', error: 'stream type is not found' },
    { name: 'no tag', in: '2016-10-06T00:17:09Z stdout F\n', error: 'log tag is not found' },
  ];
  it.each(cases)('$name', (c) => {
    const got = parseCriLogLine(line(c.in));
    if (c.error !== undefined) {
      expect(got).toBe(c.error);
      return;
    }
    expect(typeof got).toBe('object');
    if (typeof got === 'string') return;
    expect(got.stream).toBe(c.stream);
    expect(got.partial).toBe(c.partial);
    expect(got.log.toString()).toBe(c.log);
  });
});
