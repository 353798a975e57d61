import { describe, expect, it } from 'vitest';
import type { ContainerConfig } from '../types.ts';
import {
  buildOciSpec,
  containerCapabilities,
  DEFAULT_CAPABILITIES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_READONLY_PATHS,
  type OciSpecInput,
} from './oci-spec.ts';

const config: ContainerConfig = {
  name: 'app',
  attempt: 1,
  imageId: 'sha256:abc',
  imageRef: 'busybox',
  args: ['sh', '-c', 'echo hi'],
  env: [
    { name: 'PATH', value: '/bin' },
    { name: 'A', value: 'b=c' },
  ],
  workingDir: '/work',
  mounts: [],
  logPath: '/var/log/pods/x/app/1.log',
  stdin: false,
  stdinOnce: false,
  tty: false,
  resources: { cpuShares: 102, cpuPeriod: 100_000, oomScoreAdj: 1000 },
  security: {
    privileged: false,
    runAsUser: 1000,
    runAsGroup: 2000,
    supplementalGroups: [3000],
    capabilitiesAdd: [],
    capabilitiesDrop: [],
    readOnlyRootfs: false,
    noNewPrivileges: true,
  },
  stopSignal: 'SIGTERM',
  labels: {},
  annotations: {},
};

const input: OciSpecInput = {
  containerId: 'c'.repeat(64),
  config,
  rootfs: '/var/lib/podbay/rootfs/c',
  sandbox: {
    hostname: 'web-0',
    hostsPath: '/sb/hosts',
    resolvConfPath: '/sb/resolv.conf',
    hostnamePath: '/sb/hostname',
    shmPath: '/sb/shm',
    netnsPath: '/run/netns/podbay-s',
    utsnsPath: '/run/podbay/ns/s/uts',
    ipcnsPath: '/run/podbay/ns/s/ipc',
    hostPID: false,
  },
  cgroupsPath: '/podbay/burstable/podu/ccc',
  cgroupVersion: 1,
  swapAccounting: true,
  privilegedCapabilities: ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN'],
  minOomScoreAdj: -1000,
};

const with_ = (c: Partial<ContainerConfig>, i: Partial<OciSpecInput> = {}): OciSpecInput => ({
  ...input,
  ...i,
  config: { ...config, ...c },
});

describe('buildOciSpec', () => {
  it('writes the process: argv, env with HOSTNAME first, cwd, user, rlimit, no_new_privs', () => {
    const s = buildOciSpec(input);
    expect(s.process.args).toEqual(['sh', '-c', 'echo hi']);
    expect(s.process.env).toEqual(['HOSTNAME=web-0', 'PATH=/bin', 'A=b=c']);
    expect(s.process.cwd).toBe('/work');
    expect(s.process.user).toEqual({ uid: 1000, gid: 2000, additionalGids: [3000] });
    expect(s.process.rlimits).toEqual([
      { type: 'RLIMIT_NOFILE', hard: 1_048_576, soft: 1_048_576 },
    ]);
    expect(s.process.noNewPrivileges).toBe(true);
    expect(s.process.terminal).toBe(false);
    expect(s.process.capabilities.bounding).toEqual(DEFAULT_CAPABILITIES);
    expect(s.process.capabilities.inheritable).toEqual([]);
    expect(s.root).toEqual({ path: '/var/lib/podbay/rootfs/c', readonly: false });
  });

  it("joins the sandbox's pinned namespaces and gets its own mount and pid namespace", () => {
    expect(buildOciSpec(input).linux.namespaces).toEqual([
      { type: 'mount' },
      { type: 'pid' },
      { type: 'network', path: '/run/netns/podbay-s' },
      { type: 'uts', path: '/run/podbay/ns/s/uts' },
      { type: 'ipc', path: '/run/podbay/ns/s/ipc' },
    ]);
  });

  it("joins a target container's PID namespace instead of the pod's (ephemeral containers)", () => {
    const target = '/proc/4242/ns/pid';
    for (const sandbox of [
      input.sandbox,
      { ...input.sandbox, pidnsPath: '/run/podbay/ns/s/pid' },
      { ...input.sandbox, hostPID: true },
    ]) {
      const pid = buildOciSpec({
        ...input,
        sandbox,
        targetPidnsPath: target,
      }).linux.namespaces.filter((n) => n.type === 'pid');
      expect(pid).toEqual([{ type: 'pid', path: target }]);
    }
  });

  it("uses the host's namespaces for hostNetwork/hostIPC/hostPID, and a cgroup namespace on v2", () => {
    const s = buildOciSpec({
      ...input,
      cgroupVersion: 2,
      sandbox: {
        hostname: 'node',
        hostsPath: '/sb/hosts',
        resolvConfPath: '/sb/resolv.conf',
        hostnamePath: '/sb/hostname',
        hostPID: true,
      },
    });
    expect(s.linux.namespaces).toEqual([{ type: 'mount' }, { type: 'cgroup' }]);
    expect(s.mounts.find((m) => m.destination === '/dev/shm')?.source).toBe('/dev/shm');
  });

  it("mounts containerd's defaults, the pod's /etc files and shm, then the container's own", () => {
    const s = buildOciSpec(
      with_({
        mounts: [
          { containerPath: '/data/cache', hostPath: '/v/cache', readOnly: false },
          { containerPath: '/data', hostPath: '/v/data', readOnly: true },
          { containerPath: '/scratch', hostPath: '', readOnly: false, tmpfs: { sizeBytes: 1024 } },
        ],
      }),
    );
    expect(s.mounts.map((m) => m.destination)).toEqual([
      '/proc',
      '/dev',
      '/dev/pts',
      '/dev/mqueue',
      '/sys',
      '/sys/fs/cgroup',
      '/dev/shm',
      '/etc/hosts',
      '/etc/resolv.conf',
      '/etc/hostname',
      '/data',
      '/scratch',
      '/data/cache',
    ]);
    const by = (d: string) => s.mounts.find((m) => m.destination === d);
    expect(by('/sys')?.options).toContain('ro');
    expect(by('/dev/shm')).toMatchObject({ source: '/sb/shm', type: 'bind' });
    expect(by('/etc/hosts')).toMatchObject({
      source: '/sb/hosts',
      options: ['rbind', 'rprivate', 'rw'],
    });
    expect(by('/data')).toMatchObject({ source: '/v/data', options: ['rbind', 'rprivate', 'ro'] });
    expect(by('/scratch')).toMatchObject({
      type: 'tmpfs',
      options: ['nosuid', 'nodev', 'mode=1777', 'size=1024', 'rw'],
    });
  });

  it('leaves out a pod /etc file the container mounts itself', () => {
    const s = buildOciSpec(
      with_({ mounts: [{ containerPath: '/etc/hosts', hostPath: '/mine', readOnly: true }] }),
    );
    expect(s.mounts.filter((m) => m.destination === '/etc/hosts')).toEqual([
      {
        destination: '/etc/hosts',
        type: 'bind',
        source: '/mine',
        options: ['rbind', 'rprivate', 'ro'],
      },
    ]);
  });

  it('masks and write-protects /proc paths as containerd does', () => {
    const s = buildOciSpec(input);
    expect(s.linux.maskedPaths).toEqual(DEFAULT_MASKED_PATHS);
    expect(s.linux.readonlyPaths).toEqual(DEFAULT_READONLY_PATHS);
    expect(s.linux.resources.devices).toEqual([{ allow: false, access: 'rwm' }]);
  });

  it('maps resources: shares, quota with period, memory with swap = limit, pids, cgroupsPath', () => {
    const s = buildOciSpec(
      with_({
        resources: {
          cpuShares: 512,
          cpuQuota: 50_000,
          cpuPeriod: 100_000,
          memoryLimitBytes: 20 << 20,
          oomScoreAdj: -997,
          pidsLimit: 50,
        },
      }),
    );
    expect(s.linux.cgroupsPath).toBe('/podbay/burstable/podu/ccc');
    expect(s.linux.resources.cpu).toEqual({ shares: 512, quota: 50_000, period: 100_000 });
    expect(s.linux.resources.memory).toEqual({ limit: 20 << 20, swap: 20 << 20 });
    expect(s.linux.resources.pids).toEqual({ limit: 50 });
    expect(s.process.oomScoreAdj).toBe(-997);
  });

  it('leaves out unlimited resources and swap without swap accounting', () => {
    const unlimited = buildOciSpec(
      with_({ resources: { cpuShares: 0, cpuPeriod: 100_000, oomScoreAdj: 1000 } }),
    );
    expect(unlimited.linux.resources.cpu).toEqual({ shares: 2 });
    expect(unlimited.linux.resources.memory).toBeUndefined();
    expect(unlimited.linux.resources.pids).toBeUndefined();
    const noSwap = buildOciSpec(
      with_(
        {
          resources: {
            cpuShares: 2,
            cpuPeriod: 100_000,
            oomScoreAdj: 0,
            memoryLimitBytes: 1 << 20,
          },
        },
        { swapAccounting: false },
      ),
    );
    expect(noSwap.linux.resources.memory).toEqual({ limit: 1 << 20 });
  });

  it('raises oom_score_adj to what the host allows and caps RLIMIT_NOFILE', () => {
    const s = buildOciSpec(
      with_(
        { resources: { cpuShares: 2, cpuPeriod: 100_000, oomScoreAdj: -997 } },
        { minOomScoreAdj: 0, nofile: 20_000 },
      ),
    );
    expect(s.process.oomScoreAdj).toBe(0);
    expect(s.process.rlimits[0]).toEqual({ type: 'RLIMIT_NOFILE', hard: 20_000, soft: 20_000 });
  });

  it('gives a privileged container every host capability, writable /sys, no masks, all devices', () => {
    const s = buildOciSpec(
      with_({ security: { ...config.security, privileged: true, noNewPrivileges: true } }),
    );
    expect(s.process.capabilities.effective).toEqual([
      'CAP_CHOWN',
      'CAP_SYS_ADMIN',
      'CAP_NET_ADMIN',
    ]);
    expect(s.process.noNewPrivileges).toBe(false);
    expect(s.linux.maskedPaths).toEqual([]);
    expect(s.linux.readonlyPaths).toEqual([]);
    expect(s.mounts.find((m) => m.destination === '/sys')?.options).toContain('rw');
    expect(s.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
  });

  it('read-only root: root and the /etc binds read-only; a tty: terminal', () => {
    const s = buildOciSpec(
      with_({ tty: true, security: { ...config.security, readOnlyRootfs: true } }),
    );
    expect(s.root.readonly).toBe(true);
    expect(s.mounts.find((m) => m.destination === '/etc/resolv.conf')?.options).toContain('ro');
    expect(s.process.terminal).toBe(true);
  });
});

describe('containerCapabilities', () => {
  const caps = (add: string[], drop: string[]) =>
    containerCapabilities(
      { ...config, security: { ...config.security, capabilitiesAdd: add, capabilitiesDrop: drop } },
      ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN'],
    );

  it('adds and drops with or without the CAP_ prefix', () => {
    const c = caps(['NET_ADMIN', 'CAP_SYS_TIME'], ['net_raw', 'CAP_MKNOD']);
    expect(c).toContain('CAP_NET_ADMIN');
    expect(c).toContain('CAP_SYS_TIME');
    expect(c).not.toContain('CAP_NET_RAW');
    expect(c).not.toContain('CAP_MKNOD');
  });

  it('drop ALL then add some keeps only those', () => {
    expect(caps(['NET_BIND_SERVICE'], ['ALL'])).toEqual(['CAP_NET_BIND_SERVICE']);
  });

  it('add ALL gives what the host has', () => {
    expect(caps(['ALL'], ['KILL'])).toEqual(['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  });
});
