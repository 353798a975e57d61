import { existsSync } from 'node:fs';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/index.ts';
import {
  ContainerLogError,
  openContainerLog,
  readContainerLog,
  type ContainerLogReadOptions,
} from './read-container-log.ts';

let dir: string;
let seq = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-logs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logFile(content: string): Promise<string> {
  const path = join(dir, `${seq++}.log`);
  await writeFile(path, content);
  return path;
}

interface Sink {
  readonly stream: Writable;
  text(): string;
  chunks(): number;
}

/** A writable that records what it gets; `delayMs` makes it a slow client. */
function sink(opts: { highWaterMark?: number; delayMs?: number } = {}): Sink {
  const got: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: opts.highWaterMark ?? 16384,
    write(chunk: Buffer, _enc, cb) {
      got.push(chunk);
      if (opts.delayMs) setTimeout(cb, opts.delayMs);
      else cb();
    },
  });
  return {
    stream,
    text: () => Buffer.concat(got).toString(),
    chunks: () => got.length,
  };
}

async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const L1 = '2024-01-01T00:00:01.000000001Z stdout F one\n';
const L2 = '2024-01-01T00:00:02Z stderr F two\n';
const L3 = '2024-01-01T00:00:03Z stdout P thr\n';
const L4 = '2024-01-01T00:00:04Z stdout F ee\n';
const BAD = 'not a cri record\n';
const L6 = '2024-01-01T01:00:05+01:00 stdout F five\n';
const FILE = L1 + L2 + L3 + L4 + BAD + L6;
const at = (iso: string): number => Date.parse(iso);
/** A full stdout record whose text is `text`. */
const rec = (text: string): string => `2026-01-01T00:00:00Z stdout F ${text}\n`;

/** A container's log directory of its own, with `0.log` as the kubelet names it. */
async function containerLog(content: string): Promise<string> {
  const d = join(dir, `container-${seq++}`);
  await mkdir(d);
  const path = join(d, '0.log');
  await writeFile(path, content);
  return path;
}

/** The kubelet's half of a rotation: renames `0.log` to `0.log.<time>`; returns the new name. */
async function rotate(path: string, time: string): Promise<string> {
  const rotated = `${path}.${time}`;
  await rename(path, rotated);
  return rotated;
}

/** conmon's half: writes `0.log.tmp` and renames it to `0.log` (a new file). */
async function recreate(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

/** Like `until`, stepping the reader's clock past its once-a-second re-read while waiting. */
async function untilStepping(clock: FakeClock, cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await clock.step(1000);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** How many of this process's open files are in directory `d`; undefined without /proc. */
async function openFilesIn(d: string): Promise<number | undefined> {
  if (!existsSync('/proc/self/fd')) return undefined;
  const prefix = (await realpath(d)) + '/';
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(prefix)) n++;
  }
  return n;
}

describe('readContainerLog', () => {
  const cases: {
    name: string;
    content?: string;
    opts: Omit<ContainerLogReadOptions, 'output'>;
    want: string;
  }[] = [
    { name: 'whole log; partial records joined', opts: {}, want: 'one\ntwo\nthree\nfive\n' },
    {
      name: 'timestamps only where a line starts',
      opts: { timestamps: true },
      want:
        '2024-01-01T00:00:01.000000001Z one\n' +
        '2024-01-01T00:00:02.000000000Z two\n' +
        '2024-01-01T00:00:03.000000000Z three\n' +
        '2024-01-01T01:00:05.000000000+01:00 five\n',
    },
    // Tail counts records in the file (the bad one too), as the kubelet's tail does.
    { name: 'tailLines 2', opts: { tailLines: 2 }, want: 'five\n' },
    {
      name: 'tailLines 3 starts inside a partial line',
      opts: { tailLines: 3 },
      want: 'ee\nfive\n',
    },
    { name: 'tailLines 0', opts: { tailLines: 0 }, want: '' },
    {
      name: 'tailLines beyond the file',
      opts: { tailLines: 100 },
      want: 'one\ntwo\nthree\nfive\n',
    },
    { name: 'limitBytes cuts a line', opts: { limitBytes: 6 }, want: 'one\ntw' },
    { name: 'limitBytes at a line end', opts: { limitBytes: 4 }, want: 'one\n' },
    {
      name: 'limitBytes counts the timestamp',
      opts: { limitBytes: 10, timestamps: true },
      want: '2024-01-01',
    },
    {
      name: 'since keeps records at or after the time',
      opts: { sinceMs: at('2024-01-01T00:00:02Z') },
      want: 'two\nthree\nfive\n',
    },
    {
      name: 'since uses the UTC instant of an offset timestamp',
      opts: { sinceMs: at('2024-01-01T00:00:05Z') },
      want: 'five\n',
    },
    {
      name: 'since nanoseconds: a record 1 ns after the time is kept',
      opts: { sinceMs: at('2024-01-01T00:00:01Z') },
      want: 'one\ntwo\nthree\nfive\n',
    },
    {
      name: 'since skips a partial start; its continuation has no timestamp',
      opts: { sinceMs: at('2024-01-01T00:00:04Z'), timestamps: true },
      want: 'ee\n2024-01-01T01:00:05.000000000+01:00 five\n',
    },
    {
      name: 'since after every record',
      opts: { sinceMs: at('2030-01-01T00:00:00Z') },
      want: '',
    },
    {
      name: 'tail and since together',
      opts: { tailLines: 4, sinceMs: at('2024-01-01T00:00:03Z') },
      want: 'three\nfive\n',
    },
    {
      name: 'a last record without its newline is read without follow',
      content: L1 + '2024-01-01T00:00:06Z stdout F six',
      opts: {},
      want: 'one\nsix',
    },
    {
      name: 'tail does not count a last record without its newline',
      content: L1 + L2 + '2024-01-01T00:00:06Z stdout F six',
      opts: { tailLines: 1 },
      want: 'two\n',
    },
    { name: 'empty file', content: '', opts: {}, want: '' },
    { name: 'empty file with tail', content: '', opts: { tailLines: 3 }, want: '' },
    {
      name: 'stdout and stderr interleaved in file order',
      content:
        '2024-01-01T00:00:01Z stderr F e1\n2024-01-01T00:00:01Z stdout F o1\n2024-01-01T00:00:02Z stderr F e2\n',
      opts: {},
      want: 'e1\no1\ne2\n',
    },
  ];

  it.each(cases)('$name', async (c) => {
    const path = await logFile(c.content ?? FILE);
    const out = sink();
    await readContainerLog(path, { ...c.opts, output: out.stream });
    expect(out.text()).toBe(c.want);
  });

  it('tails a file larger than one read block', async () => {
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `2024-01-01T00:00:00Z stdout F line ${i}\n`,
    );
    const path = await logFile(lines.join(''));
    const out = sink();
    await readContainerLog(path, { tailLines: 3, output: out.stream });
    expect(out.text()).toBe('line 19997\nline 19998\nline 19999\n');
    const all = sink();
    await readContainerLog(path, { output: all.stream });
    expect(all.text().split('\n')).toHaveLength(20_001);
  });

  it('waits for a slow client instead of buffering the whole log', async () => {
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `2024-01-01T00:00:00Z stdout F ${'x'.repeat(100)} ${i}\n`,
    );
    const path = await logFile(lines.join(''));
    const out = sink({ highWaterMark: 1024, delayMs: 1 });
    const writes: number[] = [];
    const original = out.stream.write.bind(out.stream);
    out.stream.write = ((chunk: Buffer) => {
      writes.push(out.stream.writableLength);
      return original(chunk);
    }) as typeof out.stream.write;
    await readContainerLog(path, { output: out.stream });
    expect(out.text().endsWith(` 4999\n`)).toBe(true);
    // Every write found the buffer drained: the reader waited for 'drain'.
    expect(Math.max(...writes)).toBeLessThanOrEqual(1024);
  });

  it('reads through a symlink', async () => {
    const path = await logFile(L1);
    const link = join(dir, `link-${seq++}.log`);
    await symlink(path, link);
    const out = sink();
    await readContainerLog(link, { output: out.stream });
    expect(out.text()).toBe('one\n');
  });

  it('fails with the kubelet wording when the file is missing', async () => {
    const path = join(dir, 'missing.log');
    const out = sink();
    const err = await readContainerLog(path, { output: out.stream }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerLogError);
    expect((err as Error).message).toMatch(
      new RegExp(`^failed to try resolving symlinks in path "${path}": .*no such file`),
    );
  });
});

describe('readContainerLog with follow', () => {
  function exitLatch(): {
    waitForExit: (signal: AbortSignal) => Promise<void>;
    exit(): void;
    released: () => boolean;
  } {
    let resolveExit = (): void => undefined;
    const exited = new Promise<void>((r) => {
      resolveExit = r;
    });
    let released = false;
    return {
      waitForExit: (signal) => {
        signal.addEventListener('abort', () => {
          released = true;
        });
        return exited;
      },
      exit: () => {
        resolveExit();
      },
      released: () => released,
    };
  }

  it('sends appended lines and ends when the container exits', async () => {
    const path = await logFile(L1);
    const out = sink();
    const latch = exitLatch();
    let done = false;
    const reading = readContainerLog(path, {
      follow: true,
      output: out.stream,
      waitForExit: latch.waitForExit,
    }).then(() => {
      done = true;
    });
    await until(() => out.text() === 'one\n', 'the existing line');
    await appendFile(path, L2);
    await until(() => out.text() === 'one\ntwo\n', 'the appended line');
    // A record is sent only once its newline is written.
    await appendFile(path, '2024-01-01T00:00:03Z stdout F half');
    await new Promise((r) => setTimeout(r, 100));
    expect(out.text()).toBe('one\ntwo\n');
    await appendFile(path, ' and half\n' + L3);
    await until(() => out.text() === 'one\ntwo\nhalf and half\nthr', 'the completed record');
    expect(done).toBe(false);
    // The runtime writes the last output before it reports the exit.
    await appendFile(path, L4);
    latch.exit();
    await reading;
    expect(out.text()).toBe('one\ntwo\nhalf and half\nthree\n');
    expect(latch.released()).toBe(true);
  });

  it('with tailLines starts at the tail and keeps following', async () => {
    const path = await logFile(L1 + L2 + L4);
    const out = sink();
    const latch = exitLatch();
    const reading = readContainerLog(path, {
      follow: true,
      tailLines: 1,
      output: out.stream,
      waitForExit: latch.waitForExit,
    });
    await until(() => out.text() === 'ee\n', 'the tail');
    await appendFile(path, L1 + L2);
    await until(() => out.text() === 'ee\none\ntwo\n', 'the appended lines');
    latch.exit();
    await reading;
  });

  it('ends at once for a container that has already exited', async () => {
    const path = await logFile(L1 + L2);
    const out = sink();
    await readContainerLog(path, {
      follow: true,
      output: out.stream,
      waitForExit: () => Promise.resolve(),
    });
    expect(out.text()).toBe('one\ntwo\n');
  });

  it('stops when the client goes away', async () => {
    const path = await logFile(L1);
    const out = sink();
    const client = new AbortController();
    const latch = exitLatch();
    const reading = readContainerLog(path, {
      follow: true,
      output: out.stream,
      signal: client.signal,
      waitForExit: latch.waitForExit,
    });
    await until(() => out.text() === 'one\n', 'the first line');
    client.abort();
    await reading;
    expect(latch.released()).toBe(true);
  });

  it('stops when the output closes', async () => {
    const path = await logFile(L1);
    const out = sink();
    const reading = readContainerLog(path, { follow: true, output: out.stream });
    await until(() => out.text() === 'one\n', 'the first line');
    out.stream.destroy();
    await reading;
  });

  it('stops at limitBytes while following', async () => {
    const path = await logFile(L1);
    const out = sink();
    const reading = readContainerLog(path, { follow: true, limitBytes: 7, output: out.stream });
    await until(() => out.text() === 'one\n', 'the first line');
    await appendFile(path, L2 + L4);
    await reading;
    expect(out.text()).toBe('one\ntwo');
  });

  it('does not apply tailLines as a line limit while following', async () => {
    const path = await logFile(L1 + L2);
    const out = sink();
    const latch = exitLatch();
    const reading = readContainerLog(path, {
      follow: true,
      tailLines: 1,
      output: out.stream,
      waitForExit: latch.waitForExit,
    });
    await until(() => out.text() === 'two\n', 'the tail');
    await appendFile(path, L4 + L1);
    await until(() => out.text() === 'two\nee\none\n', 'more lines than tailLines');
    latch.exit();
    await reading;
  });

  /** Follows `path` on a fake clock (for the once-a-second re-read) until `latch.exit()`. */
  function followOnFakeClock(path: string) {
    const out = sink();
    const latch = exitLatch();
    const clock = new FakeClock();
    const reading = readContainerLog(path, {
      follow: true,
      output: out.stream,
      waitForExit: latch.waitForExit,
      clock,
    });
    return { out, latch, clock, reading };
  }

  it('follow continues into the new file after a rotation', async () => {
    const path = await containerLog(rec('old 1') + rec('old 2'));
    const { out, latch, clock, reading } = followOnFakeClock(path);
    await until(() => out.text() === 'old 1\nold 2\n', 'the existing lines');
    const old = await rotate(path, '20260101-000000');
    // conmon writes to the old file until it handles the reopen.
    await appendFile(old, rec('old 3'));
    await recreate(path, rec('new 1') + rec('new 2'));
    // Nothing tells the old watch about the new file: the once-a-second re-read finds it.
    await untilStepping(
      clock,
      () => out.text() === 'old 1\nold 2\nold 3\nnew 1\nnew 2\n',
      'the new file',
    );
    await appendFile(path, rec('new 3'));
    await untilStepping(clock, () => out.text().endsWith('new 2\nnew 3\n'), 'the appended line');
    latch.exit();
    await reading;
    expect(out.text()).toBe('old 1\nold 2\nold 3\nnew 1\nnew 2\nnew 3\n');
    // The reader closed the file it opened after the rotation.
    expect((await openFilesIn(dirname(path))) ?? 0).toBe(0);
  });

  it('follows two rotations in a row', async () => {
    const path = await containerLog(rec('a'));
    const { out, latch, clock, reading } = followOnFakeClock(path);
    await until(() => out.text() === 'a\n', 'the first file');
    await rotate(path, '20260101-000000');
    await recreate(path, rec('b'));
    await untilStepping(clock, () => out.text() === 'a\nb\n', 'the second file');
    await rotate(path, '20260101-000100');
    await recreate(path, rec('c'));
    // The exit comes before any re-read: the last read still finds the third file.
    latch.exit();
    await reading;
    expect(out.text()).toBe('a\nb\nc\n');
    expect((await openFilesIn(dirname(path))) ?? 0).toBe(0);
  });

  it('drops an unfinished record of the rotated file', async () => {
    const path = await containerLog(rec('a') + '2026-01-01T00:00:00Z stdout F cut sh');
    const { out, latch, reading } = followOnFakeClock(path);
    await until(() => out.text() === 'a\n', 'the first line');
    await rotate(path, '20260101-000000');
    await recreate(path, rec('b'));
    latch.exit();
    await reading;
    expect(out.text()).toBe('a\nb\n');
  });

  it('without follow, reads only the file it opened', async () => {
    const path = await containerLog(rec('a'));
    const log = await openContainerLog(path);
    try {
      const old = await rotate(path, '20260101-000000');
      await appendFile(old, rec('b'));
      await recreate(path, rec('c'));
      const out = sink();
      await log.read({ output: out.stream });
      expect(out.text()).toBe('a\nb\n');
    } finally {
      await log.close();
    }
  });
});
