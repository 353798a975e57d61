import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/index.ts';
import {
  namespacedBy,
  parseKernelVersion,
  safeSysctlAllowlist,
  SysctlAllowlist,
} from './sysctl-allowlist.ts';

describe('safeSysctlAllowlist', () => {
  it("is v1.32's list on a current kernel", () => {
    expect(safeSysctlAllowlist([6, 1])).toEqual([
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
      'net.ipv4.ip_local_reserved_ports',
      'net.ipv4.tcp_keepalive_time',
      'net.ipv4.tcp_fin_timeout',
      'net.ipv4.tcp_keepalive_intvl',
      'net.ipv4.tcp_keepalive_probes',
      'net.ipv4.tcp_rmem',
      'net.ipv4.tcp_wmem',
    ]);
  });

  it('drops sysctls an older (or unknown) kernel does not namespace', () => {
    const old = safeSysctlAllowlist([4, 5]);
    expect(old).toContain('net.ipv4.tcp_keepalive_time');
    expect(old).not.toContain('net.ipv4.tcp_fin_timeout');
    expect(old).not.toContain('net.ipv4.tcp_rmem');
    expect(safeSysctlAllowlist(undefined)).toEqual([
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
    ]);
  });

  it('reads kernel releases', () => {
    expect(parseKernelVersion('6.1.0-18-amd64')).toEqual([6, 1]);
    expect(parseKernelVersion('4.15.0')).toEqual([4, 15]);
    expect(parseKernelVersion('weird')).toBeUndefined();
  });
});

describe('namespacedBy', () => {
  it.each([
    ['kernel.sem', 'ipc'],
    ['kernel.shmmax', 'ipc'],
    ['kernel.msgmax', 'ipc'],
    ['fs.mqueue.msg_max', 'ipc'],
    ['net.core.somaxconn', 'net'],
    ['kernel.core_pattern', undefined],
    ['vm.swappiness', undefined],
  ])('%s → %s', (name, ns) => {
    expect(namespacedBy(name)).toBe(ns);
  });
});

describe('SysctlAllowlist', () => {
  const list = new SysctlAllowlist([
    ...safeSysctlAllowlist([6, 1]),
    'kernel.msg*',
    'net.core.somaxconn',
  ]);
  const pod = (
    sysctls: { name: string; value: string }[],
    spec: { hostNetwork?: boolean; hostIPC?: boolean } = {},
  ): Pod => ({
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'c' }], securityContext: { sysctls }, ...spec },
  });

  it.each<[string, Pod, string | undefined]>([
    ['no sysctls', pod([]), undefined],
    [
      'safe ones',
      pod([
        { name: 'net.ipv4.tcp_syncookies', value: '1' },
        { name: 'kernel.shm_rmid_forced', value: '1' },
      ]),
      undefined,
    ],
    ['slash form', pod([{ name: 'net/ipv4/ip_local_port_range', value: '1 2' }]), undefined],
    ['an allowed unsafe one', pod([{ name: 'net.core.somaxconn', value: '1024' }]), undefined],
    ['an allowed unsafe prefix', pod([{ name: 'kernel.msgmax', value: '1' }]), undefined],
    [
      'an unsafe one',
      pod([{ name: 'kernel.core_pattern', value: '|/x' }]),
      'forbidden sysctl: "kernel.core_pattern" not allowlisted',
    ],
    [
      'a namespaced but unlisted one',
      pod([{ name: 'net.ipv4.ip_forward', value: '1' }]),
      'forbidden sysctl: "net.ipv4.ip_forward" not allowlisted',
    ],
    [
      'net with hostNetwork',
      pod([{ name: 'net.ipv4.tcp_syncookies', value: '1' }], { hostNetwork: true }),
      'forbidden sysctl: "net.ipv4.tcp_syncookies" not allowed with host net enabled',
    ],
    [
      'ipc with hostIPC',
      pod([{ name: 'kernel.shm_rmid_forced', value: '1' }], { hostIPC: true }),
      'forbidden sysctl: "kernel.shm_rmid_forced" not allowed with host ipc enabled',
    ],
    [
      'ipc prefix with hostIPC',
      pod([{ name: 'kernel.msgmax', value: '1' }], { hostIPC: true }),
      'forbidden sysctl: "kernel.msgmax" not allowed with host ipc enabled',
    ],
  ])('%s', (_name, p, message) => {
    const r = list.admit(p);
    if (message === undefined) expect(r).toBeUndefined();
    else expect(r).toEqual({ reason: 'SysctlForbidden', message });
  });

  it('refuses patterns that are not namespaced, as the kubelet does at start-up', () => {
    expect(() => new SysctlAllowlist(['kernel.core_pattern'])).toThrow(
      'the sysctl "kernel.core_pattern" are not known to be namespaced',
    );
    expect(() => new SysctlAllowlist(['vm.*'])).toThrow(
      'the sysctls "vm.*" are not known to be namespaced',
    );
  });
});
