import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resizeEvents, splitJsonObjects } from './resize-events.ts';
import type { TerminalSize } from './types.ts';

async function sizes(chunks: string[]): Promise<TerminalSize[]> {
  const stream = new PassThrough();
  const out: TerminalSize[] = [];
  const done = (async () => {
    for await (const s of resizeEvents(stream)) out.push(s);
  })();
  for (const c of chunks) stream.write(c);
  stream.end();
  await done;
  return out;
}

describe('resizeEvents', () => {
  it('reads a stream of JSON sizes as client-go encodes them', async () => {
    expect(await sizes(['{"Width":80,"Height":24}\n', '{"Width":100,"Height":30}\n'])).toEqual([
      { width: 80, height: 24 },
      { width: 100, height: 30 },
    ]);
  });

  it('joins values split across chunks and values packed into one', async () => {
    expect(await sizes(['{"Wid', 'th":1,"Height":2}{"Width":3', ',"Height":4}'])).toEqual([
      { width: 1, height: 2 },
      { width: 3, height: 4 },
    ]);
  });

  it('matches names case-insensitively and defaults a missing one to 0, as encoding/json', async () => {
    expect(await sizes(['{"width":5} {"HEIGHT":6}'])).toEqual([
      { width: 5, height: 0 },
      { width: 0, height: 6 },
    ]);
  });

  it('stops at the first value that is not a size, as the kubelet’s decoder loop does', async () => {
    expect(await sizes(['{"Width":1,"Height":1}', 'garbage', '{"Width":2,"Height":2}'])).toEqual([
      { width: 1, height: 1 },
    ]);
    expect(await sizes(['{"Width":70000,"Height":1}'])).toEqual([]);
    expect(await sizes(['{"Width":-1,"Height":1}'])).toEqual([]);
  });

  it('ends quietly when the stream is destroyed', async () => {
    const stream = new PassThrough();
    const out: TerminalSize[] = [];
    const done = (async () => {
      for await (const s of resizeEvents(stream)) out.push(s);
    })();
    stream.write('{"Width":9,"Height":9}');
    await new Promise((r) => setImmediate(r));
    stream.destroy();
    await done;
    expect(out).toEqual([{ width: 9, height: 9 }]);
  });
});

describe('splitJsonObjects', () => {
  it('keeps braces inside strings and escapes out of the count', () => {
    expect(splitJsonObjects('{"a":"}\\"{"} {"b":[1,{}]} {"c"')).toEqual({
      values: ['{"a":"}\\"{"}', '{"b":[1,{}]}'],
      rest: '{"c"',
      bad: false,
    });
  });
});
