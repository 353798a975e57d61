import { spawn, spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRoot, missing } from '../../test/support/prerequisites.ts';
import { isMountPoint } from './mount-point.ts';
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

  it('refuses built-ins where it does not know the system call numbers', async () => {
    const unknown = new SpawnHelper({ syscalls: null });
    expect(unknown.builtinsAvailable).toBe(false);
    await expect(
      unknown.run('umount', ['0', '/nonexistent'], { builtin: true }).result,
    ).rejects.toThrow('no built-in umount here');
  });

  describe.skipIf(missing({ root: isRoot, 'a known architecture': helper.builtinsAvailable }))(
    'built-ins (root)',
    () => {
      const TMPFS_MAGIC = 0x01021994;
      const NSFS_MAGIC = 0x6e736673;
      const builtin = (name: string, args: readonly string[], cwd?: string) =>
        helper.run(name, args, { builtin: true, ...(cwd !== undefined ? { cwd } : {}) }).result;

      it('mounts with flags and options (relative to the working directory), and unmounts', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'spawn-builtin-'));
        await mkdir(join(dir, 'm'));
        try {
          // MS_NOSUID | MS_NODEV | MS_NOEXEC; the target given relative to cwd.
          const r = await builtin(
            'mount',
            ['shm', 'm', 'tmpfs', String(2 | 4 | 8), 'size=1m'],
            dir,
          );
          expect(r.stderr.toString()).toBe('');
          expect(r.code).toBe(0);
          expect((await statfs(join(dir, 'm'))).type).toBe(TMPFS_MAGIC);
          const line = (await readFile('/proc/self/mountinfo', 'utf8'))
            .split('\n')
            .find((l) => l.includes(` ${join(dir, 'm')} `));
          expect(line).toMatch(/ rw,nosuid,nodev,noexec[ ,]/);
          expect(line).toMatch(/size=1024k/);
          // The helper made that call itself (a tmpfs mount returns at once), in `dir`: it is back
          // in its own working directory, where programs started without one run.
          const pwd = await helper.run('/bin/sh', ['-c', 'pwd']).result;
          expect(pwd.stdout.toString()).toBe(`${process.cwd()}\n`);
          const u = await builtin('umount', ['0', join(dir, 'm')]);
          expect(u.code).toBe(0);
          expect(await isMountPoint(join(dir, 'm'))).toBe(false);
        } finally {
          spawnSync('umount', [join(dir, 'm')]);
          await rm(dir, { recursive: true, force: true });
        }
      }, 10_000);

      it('fails as mount(8) would: exit 32 and the reason on stderr', async () => {
        const r = await builtin('mount', ['none', '/nonexistent/podbay-target', 'tmpfs', '0', '']);
        expect(r.code).toBe(32);
        expect(r.stderr.toString()).toBe(
          'mount /nonexistent/podbay-target: No such file or directory\n',
        );
        const u = await builtin('umount', ['0', '/nonexistent/podbay-target']);
        expect(u.code).toBe(32);
        expect(u.stderr.toString()).toMatch(/^umount \/nonexistent\/podbay-target: /);
      });

      it('pins new namespaces on files, with the hostname set in the new UTS namespace', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'spawn-pin-'));
        const files = ['net', 'uts', 'ipc'].map((ns) => join(dir, ns));
        try {
          for (const f of files) await writeFile(f, '');
          const [net, uts, ipc] = files as [string, string, string];
          const r = await builtin('pin', ['pinned-host', net, uts, ipc]);
          expect(r.stderr.toString()).toBe('');
          expect(r.code).toBe(0);
          for (const f of files) expect((await statfs(f)).type).toBe(NSFS_MAGIC);
          const inside = spawnSync(
            'nsenter',
            [`--uts=${uts}`, `--net=${net}`, 'sh', '-c', 'hostname; ip -o link | cut -d: -f2,3'],
            {
              encoding: 'utf8',
            },
          );
          // Its own hostname and a network namespace with nothing but lo, which is up.
          expect(inside.stdout).toMatch(/^pinned-host\n lo: <LOOPBACK,UP,LOWER_UP> [^\n]*\n$/);
          expect(spawnSync('hostname', { encoding: 'utf8' }).stdout).not.toBe('pinned-host\n');
        } finally {
          spawnSync('umount', files);
          await rm(dir, { recursive: true, force: true });
        }
      }, 10_000);
    },
  );

  describe.skipIf(missing({ 'a known architecture': helper.builtinsAvailable }))(
    "the start built-in (runc's exec fifo)",
    () => {
      /**
       * Stands in for runc init: waits on the fifo, writes "0", takes its time (as an init may,
       * with its last steps), then exec's `sleep`, which closes its end.
       */
      const fakeInit = (fifo: string) =>
        spawn(
          'perl',
          [
            '-e',
            'use Fcntl; open(my $f, ">", $ARGV[0]) or die; syswrite($f, "0"); select(undef, undef, undef, 0.3); ' +
              'fcntl($f, F_SETFD, FD_CLOEXEC); exec("sleep", "30") or die',
            fifo,
          ],
          { stdio: 'ignore' },
        );
      const start = (fifo: string, pid: number) =>
        helper.run('start', [fifo, String(pid)], { builtin: true }).result;

      /** Runs `fn` with a fresh exec fifo, removed afterwards. */
      const withFifo = async (fn: (fifo: string) => Promise<void>): Promise<void> => {
        const dir = await mkdtemp(join(tmpdir(), 'spawn-start-'));
        const fifo = join(dir, 'exec.fifo');
        spawnSync('mkfifo', [fifo]);
        try {
          await fn(fifo);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      };

      it("returns once the init has exec'd its process, and removes the fifo", () =>
        withFifo(async (fifo) => {
          const init = fakeInit(fifo);
          try {
            const r = await start(fifo, init.pid ?? 0);
            expect(r.stderr.toString()).toBe('');
            expect(r.code).toBe(0);
            const cmdline = await readFile(`/proc/${String(init.pid)}/cmdline`, 'utf8');
            expect(cmdline.split('\0')[0]).toBe('sleep');
            await expect(statfs(fifo)).rejects.toThrow('ENOENT');
          } finally {
            init.kill('SIGKILL');
          }
        }));

      it('fails when the init dies before it opens the fifo, and says so', () =>
        withFifo(async (fifo) => {
          const gone = spawn('true');
          await new Promise((resolve) => gone.once('exit', resolve));
          const r = await start(fifo, gone.pid ?? 0);
          expect(r.code).toBe(1);
          expect(r.stderr.toString()).toBe('container process is already dead\n');
        }));

      it('fails when the init dies while it waits on the fifo', () =>
        withFifo(async (fifo) => {
          const dying = spawn('sleep', ['0.3']);
          try {
            const r = await start(fifo, dying.pid ?? 0);
            expect(r.code).toBe(1);
            expect(r.stderr.toString()).toBe('container process is already dead\n');
          } finally {
            dying.kill('SIGKILL');
          }
        }));

      it('ends a start that waits when it is killed, as a killed process', () =>
        withFifo(async (fifo) => {
          const idle = spawn('sleep', ['30']);
          try {
            const running = helper.run('start', [fifo, String(idle.pid ?? 0)], { builtin: true });
            await new Promise((r) => setTimeout(r, 100));
            running.kill('SIGKILL');
            expect(await running.result).toMatchObject({ code: null, signal: 'SIGKILL' });
            // The fifo stays for whoever starts the container next.
            expect((await lstat(fifo)).isFIFO()).toBe(true);
          } finally {
            idle.kill('SIGKILL');
          }
        }));

      it('exits 3 when there is no fifo (not a created container)', async () => {
        const r = await start('/nonexistent/exec.fifo', process.pid);
        expect(r.code).toBe(3);
      });
    },
  );
});
