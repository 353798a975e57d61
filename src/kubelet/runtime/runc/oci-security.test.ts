import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerConfig, LinuxContainerSecurity } from '../types.ts';
import {
  applySecurity,
  ContainerSecurityError,
  hostDevices,
  ImageFileCache,
  parseGroup,
  parsePasswd,
  parseSeccompProfile,
  readFileInRoot,
  resolveUser,
  seccompFor,
  secureOciSpec,
} from './oci-security.ts';
import { buildOciSpec, DEFAULT_MASKED_PATHS, type OciSpecInput } from './oci-spec.ts';

const security: LinuxContainerSecurity = {
  privileged: false,
  runAsUser: 0,
  runAsGroup: 0,
  runAsGroupFromImage: true,
  supplementalGroups: [],
  capabilitiesAdd: [],
  capabilitiesDrop: [],
  readOnlyRootfs: false,
  noNewPrivileges: true,
};

const config: ContainerConfig = {
  name: 'app',
  attempt: 0,
  imageId: 'sha256:abc',
  imageRef: 'busybox',
  args: ['sh'],
  env: [],
  workingDir: '/',
  mounts: [],
  logPath: '/var/log/pods/x/app/0.log',
  stdin: false,
  stdinOnce: false,
  tty: false,
  resources: { cpuShares: 2, cpuPeriod: 100_000, oomScoreAdj: 1000 },
  security,
  stopSignal: 'SIGTERM',
  labels: {},
  annotations: {},
};

const specInput = (c: ContainerConfig): OciSpecInput => ({
  containerId: 'c'.repeat(64),
  config: c,
  rootfs: '/rootfs',
  sandbox: {
    hostname: 'h',
    hostsPath: '/sb/hosts',
    resolvConfPath: '/sb/resolv.conf',
    hostnamePath: '/sb/hostname',
    hostPID: false,
  },
  cgroupsPath: '/podbay/x',
  cgroupVersion: 1,
  swapAccounting: false,
  privilegedCapabilities: ['CAP_CHOWN', 'CAP_SYS_ADMIN'],
  minOomScoreAdj: -1000,
});

const withSec = (s: Partial<LinuxContainerSecurity>): ContainerConfig => ({
  ...config,
  security: { ...security, ...s },
});

const passwd = parsePasswd(
  [
    'root:x:0:0:root:/root:/bin/sh',
    '# a comment',
    'daemon:x:1:1::/:/bin/false',
    'app:x:1000:1001::/home/app:/bin/sh',
    'broken:x:notanumber:1::/:/bin/sh',
    'nobody:x:65534:65534::/:/bin/false',
  ].join('\n'),
);
const group = parseGroup(
  [
    'root:x:0:',
    'app:x:1001:app',
    'audio:x:29:app,other',
    'video:x:44: other , app ',
    'wheel:x:10:root',
    'bad:x:x:app',
  ].join('\n'),
);

describe('parsePasswd / parseGroup', () => {
  it('reads entries and skips comments and malformed lines', () => {
    expect(passwd.map((e) => e.name)).toEqual(['root', 'daemon', 'app', 'nobody']);
    expect(passwd[2]).toEqual({ name: 'app', uid: 1000, gid: 1001 });
    expect(group.find((g) => g.name === 'video')?.members).toEqual(['other', 'app']);
    expect(group.some((g) => g.name === 'bad')).toBe(false);
  });
});

describe('resolveUser', () => {
  it.each<
    [
      string,
      Partial<LinuxContainerSecurity>,
      { uid: number; gid: number; additionalGids: number[] },
    ]
  >([
    ['image without USER: root, groups of root', {}, { uid: 0, gid: 0, additionalGids: [0, 10] }],
    [
      'runAsUser with a passwd entry: its primary group, its /etc/group groups',
      { runAsUser: 1000 },
      { uid: 1000, gid: 1001, additionalGids: [29, 44, 1001] },
    ],
    [
      'runAsUser without an entry: gid 0',
      { runAsUser: 4242 },
      { uid: 4242, gid: 0, additionalGids: [0] },
    ],
    [
      'runAsGroup given: it wins over passwd',
      { runAsUser: 1000, runAsGroup: 3000, runAsGroupFromImage: false },
      { uid: 1000, gid: 3000, additionalGids: [29, 44, 3000] },
    ],
    [
      'runAsUsername resolved by name',
      { runAsUsername: 'app', runAsUser: 99 },
      { uid: 1000, gid: 1001, additionalGids: [29, 44, 1001] },
    ],
    [
      'fsGroup and supplementalGroups merged, sorted, without duplicates',
      { runAsUser: 1000, supplementalGroups: [5000, 29, 4000] },
      { uid: 1000, gid: 1001, additionalGids: [29, 44, 1001, 4000, 5000] },
    ],
    [
      'Strict: no /etc/group groups',
      { runAsUser: 1000, supplementalGroups: [5000], supplementalGroupsPolicy: 'Strict' },
      { uid: 1000, gid: 1001, additionalGids: [1001, 5000] },
    ],
  ])('%s', (_name, s, want) => {
    expect(resolveUser({ ...security, ...s }, passwd, group)).toEqual(want);
  });

  it('fails for a user name the image does not have', () => {
    expect(() => resolveUser({ ...security, runAsUsername: 'ghost' }, passwd, group)).toThrow(
      new ContainerSecurityError('unable to find user ghost: no matching entries in passwd file'),
    );
    expect(() => resolveUser({ ...security, runAsUsername: 'app' }, undefined, undefined)).toThrow(
      ContainerSecurityError,
    );
  });

  it('works without passwd and group files (numeric users)', () => {
    expect(resolveUser({ ...security, runAsUser: 7 }, undefined, undefined)).toEqual({
      uid: 7,
      gid: 0,
      additionalGids: [0],
    });
  });
});

describe('readFileInRoot', () => {
  let root: string;
  let outside: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'podbay-rootfs-'));
    outside = await mkdtemp(path.join(tmpdir(), 'podbay-host-'));
    await mkdir(path.join(root, 'etc'));
    await writeFile(path.join(outside, 'passwd'), 'host:x:0:0::/:/bin/sh\n');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('reads a plain file', async () => {
    await writeFile(path.join(root, 'etc/passwd'), 'a:x:1:1::/:/bin/sh\n');
    expect(await readFileInRoot(root, 'etc/passwd')).toBe('a:x:1:1::/:/bin/sh\n');
  });

  it('resolves an absolute symlink inside the root, never on the host', async () => {
    await mkdir(path.join(root, 'real'));
    await writeFile(path.join(root, 'real/passwd'), 'inside:x:1:1::/:/bin/sh\n');
    await symlink('/real/passwd', path.join(root, 'etc/passwd'));
    expect(await readFileInRoot(root, 'etc/passwd')).toBe('inside:x:1:1::/:/bin/sh\n');
    // The same link pointing at the host's copy of the file reads nothing.
    await rm(path.join(root, 'etc/passwd'));
    await symlink(path.join(outside, 'passwd'), path.join(root, 'etc/passwd'));
    expect(await readFileInRoot(root, 'etc/passwd')).toBeUndefined();
  });

  it('keeps `..` at the root and follows relative links inside it', async () => {
    await writeFile(path.join(root, 'group'), 'g:x:5:\n');
    await symlink('../../../../../group', path.join(root, 'etc/group'));
    expect(await readFileInRoot(root, 'etc/group')).toBe('g:x:5:\n');
    await rm(path.join(root, 'etc'), { recursive: true });
    await symlink(`../../../..${outside}`, path.join(root, 'etc'));
    expect(await readFileInRoot(root, 'etc/passwd')).toBeUndefined();
  });

  it('gives up on symlink loops and non-regular files', async () => {
    await symlink('passwd', path.join(root, 'etc/passwd'));
    expect(await readFileInRoot(root, 'etc/passwd')).toBeUndefined();
    await rm(path.join(root, 'etc/passwd'));
    await mkdir(path.join(root, 'etc/passwd'));
    expect(await readFileInRoot(root, 'etc/passwd')).toBeUndefined();
    await rm(path.join(root, 'etc/passwd'), { recursive: true });
    await symlink('/dev/zero', path.join(root, 'etc/passwd'));
    expect(await readFileInRoot(root, 'etc/passwd')).toBeUndefined();
  });

  it('secureOciSpec resolves the user from the mounted root filesystem', async () => {
    await writeFile(path.join(root, 'etc/passwd'), 'web:x:33:33::/:/bin/sh\n');
    await writeFile(path.join(root, 'etc/group'), 'www:x:33:\nlog:x:4:web\n');
    const c = withSec({ runAsUsername: 'web', supplementalGroups: [2000] });
    const spec = await secureOciSpec(buildOciSpec(specInput(c)), c, { rootfs: root, arch: 'x64' });
    expect(spec.process.user).toEqual({ uid: 33, gid: 33, additionalGids: [4, 33, 2000] });
    expect(spec.linux.seccomp?.defaultAction).toBe('SCMP_ACT_ERRNO');
  });
});

describe('ImageFileCache', () => {
  let roots: string[];
  beforeEach(async () => {
    roots = [];
    for (let i = 0; i < 2; i++) {
      const r = await mkdtemp(path.join(tmpdir(), 'podbay-rootfs-'));
      await mkdir(path.join(r, 'etc'));
      roots.push(r);
    }
  });
  afterEach(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  it("reads an image's file once: later containers of the image get the first read", async () => {
    const [first = '', second = ''] = roots;
    await writeFile(path.join(first, 'etc/passwd'), 'a:x:1:1::/:/bin/sh\n');
    const cache = new ImageFileCache();
    expect(await cache.reader('sha256:aa', first)('etc/passwd')).toBe('a:x:1:1::/:/bin/sh\n');
    // A second container of the same image: its root is not read (it is empty here).
    expect(await cache.reader('sha256:aa', second)('etc/passwd')).toBe('a:x:1:1::/:/bin/sh\n');
    // Another image is read from its own root; an absent file is an answer too.
    expect(await cache.reader('sha256:bb', second)('etc/passwd')).toBeUndefined();
    await writeFile(path.join(second, 'etc/passwd'), 'b:x:2:2::/:/bin/sh\n');
    expect(await cache.reader('sha256:bb', second)('etc/passwd')).toBeUndefined();
  });

  it('forgets the oldest image beyond its size', async () => {
    const [first = ''] = roots;
    await writeFile(path.join(first, 'etc/group'), 'g:x:5:\n');
    const cache = new ImageFileCache(1);
    expect(await cache.reader('sha256:aa', first)('etc/group')).toBe('g:x:5:\n');
    expect(await cache.reader('sha256:bb', first)('etc/group')).toBe('g:x:5:\n');
    await writeFile(path.join(first, 'etc/group'), 'h:x:6:\n');
    expect(await cache.reader('sha256:aa', first)('etc/group')).toBe('h:x:6:\n');
  });
});

describe('seccompFor', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'podbay-seccomp-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const caps = ['CAP_CHOWN'];

  it('defaults to RuntimeDefault, built for the capabilities', async () => {
    const p = await seccompFor(config, caps, { arch: 'x64' });
    expect(p?.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p?.syscalls?.some((r) => r.names.includes('chroot'))).toBe(false);
  });

  it('is none for Unconfined and for privileged containers whatever the profile', async () => {
    expect(await seccompFor(withSec({ seccomp: { type: 'Unconfined' } }), caps)).toBeUndefined();
    expect(
      await seccompFor(withSec({ privileged: true, seccomp: { type: 'RuntimeDefault' } }), caps),
    ).toBeUndefined();
  });

  it('loads a Localhost profile (OCI format)', async () => {
    const file = path.join(dir, 'audit.json');
    await writeFile(
      file,
      JSON.stringify({
        defaultAction: 'SCMP_ACT_LOG',
        architectures: ['SCMP_ARCH_X86_64'],
        syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
      }),
    );
    expect(
      await seccompFor(withSec({ seccomp: { type: 'Localhost', path: file } }), caps, {
        arch: 'x64',
      }),
    ).toEqual({
      defaultAction: 'SCMP_ACT_LOG',
      architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }],
    });
  });

  it('fails with containerd words for a missing or broken Localhost profile', async () => {
    const missing = path.join(dir, 'nope.json');
    await expect(
      seccompFor(withSec({ seccomp: { type: 'Localhost', path: missing } }), caps),
    ).rejects.toThrow(
      `failed to generate seccomp spec opts: cannot load seccomp profile "${missing}": open ${missing}: no such file or directory`,
    );
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"defaultAction": "SCMP_ACT_NOPE"}');
    await expect(
      seccompFor(withSec({ seccomp: { type: 'Localhost', path: broken } }), caps),
    ).rejects.toThrow(
      `failed to generate seccomp spec opts: decoding seccomp profile failed "${broken}": unknown defaultAction "SCMP_ACT_NOPE"`,
    );
  });
});

describe('parseSeccompProfile', () => {
  it('reads moby-format profiles: archMap, includes and excludes against this container', () => {
    const moby = JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      archMap: [
        { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      ],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
        { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
        {
          names: ['clone'],
          action: 'SCMP_ACT_ALLOW',
          excludes: { caps: ['CAP_SYS_ADMIN'] },
          args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
        },
        { name: 'legacy', action: 'SCMP_ACT_ALLOW' },
      ],
    });
    const p = parseSeccompProfile(moby, ['CAP_CHOWN'], 'x64');
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(p.defaultErrnoRet).toBe(1);
    expect(p.syscalls?.map((r) => r.names)).toEqual([
      ['read', 'write'],
      ['arch_prctl'],
      ['clone'],
      ['legacy'],
    ]);
    const admin = parseSeccompProfile(moby, ['CAP_SYS_ADMIN'], 'arm64');
    expect(admin.syscalls?.map((r) => r.names)).toEqual([['read', 'write'], ['mount'], ['legacy']]);
  });

  it.each([
    ['[]', 'the profile must be a JSON object'],
    ['{}', 'unknown defaultAction undefined'],
    ['{"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}}', 'syscalls must be a list'],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"SCMP_ACT_ERRNO"}]}',
      'syscalls[0] names no syscall',
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"NOPE"}]}',
      'syscalls[0]: unknown action "NOPE"',
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":-1,"op":"SCMP_CMP_EQ"}]}]}',
      'syscalls[0].args[0].index must be a non-negative integer',
    ],
    [
      '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"op":"LIKE"}]}]}',
      'syscalls[0].args[0]: unknown op "LIKE"',
    ],
    ['not json', 'Unexpected token'],
  ])('refuses %s', (text, message) => {
    expect(() => parseSeccompProfile(text, [], 'x64')).toThrow(message);
  });
});

describe('applySecurity', () => {
  const user = { uid: 1000, gid: 1001, additionalGids: [1001] };

  it('writes user, no_new_privs, default masked and read-only paths, sysctls', () => {
    const c = withSec({ sysctls: { 'net.ipv4.ip_local_port_range': '1024 65000' } });
    const s = applySecurity(buildOciSpec(specInput(c)), c, { user });
    expect(s.process.user).toEqual({ uid: 1000, gid: 1001, additionalGids: [1001] });
    expect(s.process.noNewPrivileges).toBe(true);
    expect(s.linux.maskedPaths).toEqual(DEFAULT_MASKED_PATHS);
    expect(s.linux.readonlyPaths).toContain('/proc/sys');
    expect(s.linux.sysctl).toEqual({ 'net.ipv4.ip_local_port_range': '1024 65000' });
    expect(s.linux.seccomp).toBeUndefined();
    expect(s.linux.devices).toBeUndefined();
  });

  it('procMount Unmasked: no masked or read-only paths', () => {
    const c = withSec({ maskedPaths: [], readonlyPaths: [] });
    const s = applySecurity(buildOciSpec(specInput(c)), c, { user });
    expect(s.linux.maskedPaths).toEqual([]);
    expect(s.linux.readonlyPaths).toEqual([]);
  });

  it('privileged: host devices, no seccomp, no masks, no no_new_privs', () => {
    const c = withSec({ privileged: true, noNewPrivileges: true });
    const dev = {
      path: '/dev/sda',
      type: 'b' as const,
      major: 8,
      minor: 0,
      fileMode: 0o660,
      uid: 0,
      gid: 6,
    };
    const s = applySecurity(buildOciSpec(specInput(c)), c, {
      user,
      seccomp: { defaultAction: 'SCMP_ACT_ERRNO' },
      devices: [dev],
    });
    expect(s.linux.devices).toEqual([dev]);
    expect(s.linux.seccomp).toBeUndefined();
    expect(s.linux.maskedPaths).toEqual([]);
    expect(s.linux.readonlyPaths).toEqual([]);
    expect(s.process.noNewPrivileges).toBe(false);
    expect(s.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
  });

  it('leaves the input spec untouched', () => {
    const base = buildOciSpec(specInput(config));
    const before = JSON.stringify(base);
    applySecurity(base, config, { user, seccomp: { defaultAction: 'SCMP_ACT_ERRNO' } });
    expect(JSON.stringify(base)).toBe(before);
  });
});

describe('hostDevices', () => {
  it("lists the host's character devices with their numbers, skipping pts and the console", async () => {
    const devices = await hostDevices();
    expect(devices).toContainEqual(
      expect.objectContaining({ path: '/dev/null', type: 'c', major: 1, minor: 3 }),
    );
    expect(devices.some((d) => d.path.startsWith('/dev/pts/'))).toBe(false);
    expect(devices.some((d) => d.path === '/dev/console')).toBe(false);
  });
});
