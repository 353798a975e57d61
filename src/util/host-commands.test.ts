import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRoot, missing } from '../../test/support/prerequisites.ts';
import {
  mountCommand,
  pinNamespacesCommand,
  umountCommand,
  type HostCommand,
} from './host-commands.ts';
import { isMountPoint } from './mount-point.ts';
import { SpawnHelper } from './spawn-helper.ts';

describe('host commands', () => {
  it('are built-in requests where the helper has them', () => {
    expect(
      mountCommand(
        {
          source: 'shm',
          target: '/t',
          fstype: 'tmpfs',
          flags: ['nosuid', 'nodev', 'noexec'],
          data: 'size=1m',
        },
        true,
      ),
    ).toEqual({ file: 'mount', args: ['shm', '/t', 'tmpfs', '14', 'size=1m'], builtin: true });
    expect(
      mountCommand({ source: '/proc/1/fd/3', target: '/t', flags: ['bind', 'ro'] }, true),
    ).toEqual({
      file: 'mount',
      args: ['/proc/1/fd/3', '/t', '', '4097', ''],
      builtin: true,
    });
    expect(umountCommand(['/a', '/b'], { detach: true }, true)).toEqual({
      file: 'umount',
      args: ['2', '/a', '/b'],
      builtin: true,
    });
    expect(pinNamespacesCommand({ hostname: 'h', net: '/n', ipc: '/i' }, true)).toEqual({
      file: 'pin',
      args: ['h', '/n', '', '/i'],
      builtin: true,
    });
  });

  it('are the util-linux tools elsewhere, the hostname an argument and never part of the script', () => {
    expect(
      mountCommand(
        { source: 'overlay', target: '/t', fstype: 'overlay', data: 'lowerdir=a:b,upperdir=/u' },
        false,
      ),
    ).toEqual({
      file: 'mount',
      args: [
        '--no-canonicalize',
        '-t',
        'overlay',
        '-o',
        'lowerdir=a:b,upperdir=/u',
        'overlay',
        '/t',
      ],
      builtin: false,
    });
    expect(
      mountCommand({ source: '/proc/1/fd/3', target: '/t', flags: ['bind'] }, false).args,
    ).toEqual(['--no-canonicalize', '--bind', '/proc/1/fd/3', '/t']);
    expect(umountCommand(['/a'], { detach: true }, false)).toEqual({
      file: 'umount',
      args: ['-l', '/a'],
      builtin: false,
    });
    expect(pinNamespacesCommand({ hostname: '$(reboot)', net: '/n', uts: '/u' }, false)).toEqual({
      file: 'unshare',
      args: [
        '--net=/n',
        '--uts=/u',
        '--',
        '/bin/sh',
        '-c',
        'printf %s "$1" > /proc/sys/kernel/hostname',
        'sh',
        '$(reboot)',
      ],
      builtin: false,
    });
  });

  describe.skipIf(missing({ root: isRoot }))('run, both ways, to the same effect (root)', () => {
    const helper = new SpawnHelper();
    afterAll(() => {
      helper.close();
    });
    const run = (c: HostCommand) => helper.run(c.file, c.args, { builtin: c.builtin }).result;

    // The built-ins only where the helper knows this architecture's system calls.
    const ways: [string, boolean][] = [
      ...(helper.builtinsAvailable ? [['built-ins', true] as [string, boolean]] : []),
      ['util-linux', false],
    ];
    it.each(ways)(
      '%s: a tmpfs with flags mounts and unmounts; namespaces are pinned with the hostname set',
      async (_, builtins) => {
        const dir = await mkdtemp(join(tmpdir(), 'host-commands-'));
        const target = join(dir, 'm');
        const files = ['net', 'uts'].map((n) => join(dir, n)) as [string, string];
        try {
          await mkdir(target);
          const m = await run(
            mountCommand(
              {
                source: 'shm',
                target,
                fstype: 'tmpfs',
                flags: ['nosuid', 'noexec'],
                data: 'size=1m',
              },
              builtins,
            ),
          );
          expect(m.code).toBe(0);
          const line = (await readFile('/proc/self/mountinfo', 'utf8'))
            .split('\n')
            .find((l) => l.includes(` ${target} `));
          expect(line).toMatch(/ rw,nosuid,noexec[ ,]/);
          expect((await run(umountCommand([target], {}, builtins))).code).toBe(0);
          expect(await isMountPoint(target)).toBe(false);

          for (const f of files) await writeFile(f, '');
          const p = await run(
            pinNamespacesCommand({ hostname: 'pin-test', net: files[0], uts: files[1] }, builtins),
          );
          expect(p.code).toBe(0);
          for (const f of files) expect((await statfs(f)).type).toBe(0x6e736673); // nsfs
          expect(
            spawnSync('nsenter', [`--uts=${files[1]}`, 'hostname'], { encoding: 'utf8' }).stdout,
          ).toBe('pin-test\n');
          expect((await run(umountCommand(files, {}, builtins))).code).toBe(0);
        } finally {
          spawnSync('umount', [target, ...files]);
          await rm(dir, { recursive: true, force: true });
        }
      },
      10_000,
    );
  });
});
