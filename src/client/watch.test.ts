import { describe, it, expect } from 'vitest';
import { ApiStatusError, isResourceExpired } from './errors.ts';
import { LineDecoder, WatchProtocolError, decodeWatchEvents, type WatchEvent } from './watch.ts';

async function* chunksOf(bufs: readonly Buffer[]): AsyncGenerator<Buffer> {
  for (const b of bufs) {
    await Promise.resolve();
    yield b;
  }
}

async function collect<T>(it: AsyncIterable<WatchEvent<T>>): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  for await (const e of it) out.push(e);
  return out;
}

function splitEvery(buf: Buffer, n: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += n) out.push(buf.subarray(i, i + n));
  return out;
}

describe('LineDecoder', () => {
  it('splits lines across arbitrary chunk boundaries, keeping multi-byte characters intact', () => {
    const text = 'héllo wörld\n{"a":"日本語"}\r\nlast';
    const bytes = Buffer.from(text, 'utf8');
    for (let n = 1; n <= bytes.length; n++) {
      const d = new LineDecoder();
      const lines: string[] = [];
      for (const c of splitEvery(bytes, n)) lines.push(...d.push(c));
      expect(lines).toEqual(['héllo wörld', '{"a":"日本語"}']);
      expect(d.flush()).toBe('last');
      expect(d.flush()).toBeUndefined();
    }
  });

  it('returns several lines from one chunk', () => {
    const d = new LineDecoder();
    expect(d.push(Buffer.from('a\nb\n\nc'))).toEqual(['a', 'b', '']);
    expect(d.push(Buffer.from('\n'))).toEqual(['c']);
  });
});

describe('decodeWatchEvents', () => {
  const big = { metadata: { name: 'p', resourceVersion: '7' }, data: 'x'.repeat(200_000) };
  const stream = Buffer.from(
    [
      JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } }),
      '',
      JSON.stringify({ type: 'MODIFIED', object: big }),
      JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } }),
    ].join('\n') + '\n',
  );

  it('decodes events split at any size, including large ones, and skips blank lines', async () => {
    for (const n of [1, 3, 64, 1000, 65536, stream.length]) {
      const events = await collect(decodeWatchEvents<typeof big>(chunksOf(splitEvery(stream, n))));
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'BOOKMARK']);
      expect(events[1]!.object.data.length).toBe(200_000);
    }
  });

  it('accepts a last event without a trailing newline', async () => {
    const body = Buffer.from(
      JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'x' } } }),
    );
    const events = await collect(decodeWatchEvents(chunksOf([body])));
    expect(events).toEqual([{ type: 'DELETED', object: { metadata: { name: 'x' } } }]);
  });

  it('throws ERROR events as ApiStatusError after yielding the events before them', async () => {
    const body = Buffer.from(
      JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) +
        '\n' +
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            code: 410,
            reason: 'Expired',
            message: 'too old resource version: 1 (5)',
          },
        }) +
        '\n',
    );
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const e of decodeWatchEvents(chunksOf([body]))) seen.push(e.type);
    } catch (err) {
      caught = err;
    }
    expect(seen).toEqual(['ADDED']);
    expect(caught).toBeInstanceOf(ApiStatusError);
    expect(isResourceExpired(caught)).toBe(true);
    expect((caught as ApiStatusError).code).toBe(410);
    expect((caught as ApiStatusError).message).toBe('too old resource version: 1 (5)');
  });

  it('rejects garbage and unknown event types as protocol errors', async () => {
    await expect(
      collect(decodeWatchEvents(chunksOf([Buffer.from('not json\n')]))),
    ).rejects.toBeInstanceOf(WatchProtocolError);
    await expect(
      collect(decodeWatchEvents(chunksOf([Buffer.from('{"type":"WHAT","object":{}}\n')]))),
    ).rejects.toBeInstanceOf(WatchProtocolError);
    await expect(
      collect(decodeWatchEvents(chunksOf([Buffer.from('{"type":"ADDED"}\n')]))),
    ).rejects.toBeInstanceOf(WatchProtocolError);
  });
});
