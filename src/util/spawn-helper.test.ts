import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { SPAWN_HELPER_SCRIPT, SpawnHelper } from './spawn-helper.ts';

describe('SpawnHelper', () => {
  const helper = new SpawnHelper();
  afterAll(() => {
    helper.close();
  });

  it("compiles without warnings (they would land on the agent's stderr at every start)", () => {
    const r = spawnSync('perl', ['-c', '-e', SPAWN_HELPER_SCRIPT], { encoding: 'utf8' });
    expect(r.stderr).toBe('-e syntax OK\n');
  });

  it('gives the exit code, stdout and stderr, with the input on stdin', async () => {
    const r = await helper.run('sh', ['-c', 'echo out; echo err >&2; cat; exit 3'], {
      input: 'in\n',
    }).result;
    expect(r).toMatchObject({ code: 3, signal: null });
    expect(r.stdout.toString()).toBe('out\nin\n');
    expect(r.stderr.toString()).toBe('err\n');
  });

  it('passes the environment and working directory, and nothing else', async () => {
    const r = await helper.run('sh', ['-c', 'echo "$FOO"; pwd; env | wc -l; ls /proc/self/fd'], {
      env: { FOO: 'a=b c', PATH: process.env['PATH'] },
      cwd: '/tmp',
    }).result;
    const [foo, cwd, envLines, ...fds] = r.stdout.toString().trim().split('\n');
    expect(foo).toBe('a=b c');
    expect(cwd).toBe('/tmp');
    // FOO, PATH and what sh sets itself (PWD, SHLVL, _): nothing of the agent's.
    expect(Number(envLines)).toBeLessThanOrEqual(5);
    // stdio, the one ls opened to list them, and whatever this test runner itself was given
    // without close-on-exec: none of the helper's own pipes.
    const inherited = spawnSync('sh', ['-c', 'ls /proc/self/fd'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n');
    expect(fds.sort()).toEqual(inherited.sort());
  });

  it('fails like spawn when the program cannot be run', async () => {
    await expect(helper.run('/nonexistent/tool', []).result).rejects.toMatchObject({
      code: 'ENOENT',
      message: 'spawn /nonexistent/tool ENOENT',
    });
    await expect(helper.run('true', [], { cwd: '/nonexistent-dir' }).result).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('signals a running process and reports the signal', async () => {
    const p = helper.run('sleep', ['30']);
    setTimeout(() => {
      p.kill('SIGKILL');
    }, 50);
    await expect(p.result).resolves.toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  it('restores default signal dispositions in the child', async () => {
    const r = await helper.run('sh', ['-c', 'grep -E "^Sig(Ign|Blk)" /proc/self/status']).result;
    expect(r.stdout.toString()).toMatch(/SigIgn:\s+0+\n/);
  });

  it('does not hang on input the child never reads, and delivers large input', async () => {
    const big = 'x'.repeat(300_000);
    await expect(helper.run('sh', ['-c', 'exit 0'], { input: big }).result).resolves.toMatchObject({
      code: 0,
    });
    const wc = await helper.run('wc', ['-c'], { input: big }).result;
    expect(wc.stdout.toString().trim()).toBe('300000');
  });

  it('caps the output it keeps', async () => {
    const r = await helper.run('sh', ['-c', 'head -c 200000 /dev/zero'], {
      maxOutputBytes: 1000,
    }).result;
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(1000);
  });

  it('runs many processes at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => helper.run('sh', ['-c', `echo ${i}`]).result),
    );
    expect(results.map((r) => Number(r.stdout.toString()))).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  describe.each([
    ['the helper', () => helper],
    [
      'the fallback without perl',
      () => {
        const direct = new SpawnHelper({ perlPath: '/nonexistent/perl' });
        // Makes it find out that perl is missing, so that the next requests run directly.
        void direct.run('true', []).result.catch(() => undefined);
        return direct;
      },
    ],
  ])('fd 3 and sessions, through %s', (_, get) => {
    /** Collects what arrives on fd 3 until its end. */
    const collect = (): { onFd3: (d: Buffer | null) => void; ended: Promise<string> } => {
      let text = '';
      let end: (s: string) => void = () => undefined;
      const ended = new Promise<string>((resolve) => (end = resolve));
      return {
        onFd3: (d) => {
          if (d === null) end(text);
          else text += d.toString();
        },
        ended,
      };
    };

    it('delivers fd 3 as it comes, also from a daemon that outlives the process, apart from the result', async () => {
      const runner = await Promise.resolve(get());
      await new Promise((resolve) => setTimeout(resolve, 50));
      const fd3 = collect();
      // The process exits at once; the background sleeper still holds fd 3, then reports on it.
      const p = runner.run(
        'sh',
        ['-c', '(sleep 0.3; echo late >&3) >/dev/null 2>&1 & echo early >&3; echo out'],
        {
          onFd3: fd3.onFd3,
        },
      );
      let ended = false;
      void fd3.ended.then(() => (ended = true));
      const r = await p.result;
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toBe('out\n');
      // The result did not wait for the daemon's fd 3.
      expect(ended).toBe(false);
      expect(await fd3.ended).toBe('early\nlate\n');
    });

    it('stops delivering fd 3 once it is closed', async () => {
      const runner = get();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const seen: (string | null)[] = [];
      const p = runner.run(
        'sh',
        ['-c', 'echo first >&3; (sleep 0.3; echo second >&3) >/dev/null 2>&1 &'],
        {
          onFd3: (d) => seen.push(d === null ? null : d.toString()),
        },
      );
      await p.result;
      await new Promise((resolve) => setTimeout(resolve, 100));
      p.closeFd3();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen).toEqual(['first\n']);
    });

    it('gives no fd 3 without onFd3, and a new session with newSession', async () => {
      const runner = get();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const plain = await runner.run('sh', [
        '-c',
        'test -e /proc/self/fd/3 && echo has-fd3; echo $$ $(cut -d" " -f6 /proc/$$/stat)',
      ]).result;
      const [pid, sid] = plain.stdout.toString().trim().split(' ');
      expect(plain.stdout.toString()).not.toContain('has-fd3');
      expect(sid).not.toBe(pid);
      const own = await runner.run('sh', ['-c', 'echo $$ $(cut -d" " -f6 /proc/$$/stat)'], {
        newSession: true,
      }).result;
      const [pid2, sid2] = own.stdout.toString().trim().split(' ');
      expect(sid2).toBe(pid2);
    });
  });

  it('falls back to child_process.spawn without perl', async () => {
    const direct = new SpawnHelper({ perlPath: '/nonexistent/perl' });
    // The first request may fail with the helper; later ones run directly.
    await direct.run('true', []).result.catch(() => undefined);
    const r = await direct.run('sh', ['-c', 'echo ok; exit 4']).result;
    expect(r).toMatchObject({ code: 4, signal: null });
    expect(r.stdout.toString()).toBe('ok\n');
  });
});
