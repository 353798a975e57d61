import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPABILITIES } from './oci-spec.ts';
import {
  CLONE_NAMESPACE_FLAGS,
  defaultSeccompProfile,
  type OciSeccomp,
} from './seccomp-default.ts';

/** Names allowed without conditions. */
function unconditional(p: OciSeccomp): Set<string> {
  const out = new Set<string>();
  for (const r of p.syscalls ?? []) {
    if (r.action === 'SCMP_ACT_ALLOW' && (r.args ?? []).length === 0)
      for (const n of r.names) out.add(n);
  }
  return out;
}

function rulesFor(p: OciSeccomp, name: string) {
  return (p.syscalls ?? []).filter((r) => r.names.includes(name));
}

const defaults = defaultSeccompProfile({ capabilities: DEFAULT_CAPABILITIES, arch: 'x64' });

describe('defaultSeccompProfile', () => {
  it('is an allow-list: EPERM by default, for the native and compat ABIs of the architecture', () => {
    expect(defaults.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(defaults.defaultErrnoRet).toBeUndefined(); // runc's default errno is EPERM
    expect(defaults.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(defaultSeccompProfile({ capabilities: [], arch: 'arm64' }).architectures).toEqual([
      'SCMP_ARCH_ARM',
      'SCMP_ARCH_AARCH64',
    ]);
  });

  it('leaves x32 out for a kernel without it, and only x32', () => {
    const noX32 = defaultSeccompProfile({
      capabilities: DEFAULT_CAPABILITIES,
      arch: 'x64',
      x32: false,
    });
    expect(noX32.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    expect(noX32.syscalls).toEqual(defaults.syscalls);
    expect(
      defaultSeccompProfile({ capabilities: [], arch: 'x64', x32: true }).architectures,
    ).toContain('SCMP_ARCH_X32');
  });

  it('allows what ordinary programs need', () => {
    const allowed = unconditional(defaults);
    for (const name of [
      'read',
      'write',
      'openat',
      'execve',
      'fork',
      'wait4',
      'mmap',
      'futex',
      'epoll_wait',
      'clock_gettime',
      'getrandom',
      'rseq',
      'statx',
      'pipe2',
      'accept4',
      'sendmsg',
      'setuid',
      'capset',
      'prctl',
      'mknodat',
      'arch_prctl',
      'ptrace',
    ]) {
      expect(allowed, name).toContain(name);
    }
    expect(allowed.size).toBeGreaterThan(330);
  });

  it('keeps escape and host-wide syscalls out of a default container', () => {
    const allowed = unconditional(defaults);
    for (const name of [
      'mount',
      'umount2',
      'unshare',
      'setns',
      'pivot_root',
      'keyctl',
      'add_key',
      'request_key',
      'bpf',
      'perf_event_open',
      'kexec_load',
      'init_module',
      'finit_module',
      'open_by_handle_at',
      'userfaultfd',
      'io_uring_setup',
      'swapon',
      'reboot',
      'settimeofday',
      'clock_settime',
      'acct',
      'quotactl',
      'syslog',
      'iopl',
      'ioperm',
      'fsopen',
      'move_mount',
      'clone',
      'clone3',
      'socket',
      'personality',
      'vhangup',
      'mbind',
      'kcmp',
      'pidfd_getfd',
      'lookup_dcookie',
    ]) {
      expect(allowed, name).not.toContain(name);
    }
  });

  it('allows socket(2) for every family but AF_ALG (38) and AF_VSOCK (40), one condition per rule', () => {
    const rules = rulesFor(defaults, 'socket');
    expect(rules.map((r) => r.args)).toEqual([
      [{ index: 0, value: 38, op: 'SCMP_CMP_LT' }],
      [{ index: 0, value: 39, op: 'SCMP_CMP_EQ' }],
      [{ index: 0, value: 40, op: 'SCMP_CMP_GT' }],
    ]);
    const allows = (family: number): boolean =>
      rules.some((r) => {
        const a = r.args?.[0];
        if (!a) return true;
        return a.op === 'SCMP_CMP_LT'
          ? family < a.value
          : a.op === 'SCMP_CMP_GT'
            ? family > a.value
            : family === a.value;
      });
    expect(allows(2)).toBe(true); // AF_INET
    expect(allows(16)).toBe(true); // AF_NETLINK
    expect(allows(17)).toBe(true); // AF_PACKET (CAP_NET_RAW decides)
    expect(allows(38)).toBe(false);
    expect(allows(39)).toBe(true);
    expect(allows(40)).toBe(false);
    expect(allows(44)).toBe(true);
  });

  it('allows clone without namespace flags and answers clone3 with ENOSYS without CAP_SYS_ADMIN', () => {
    expect(CLONE_NAMESPACE_FLAGS).toBe(0x7e020000);
    expect(rulesFor(defaults, 'clone')).toEqual([
      {
        names: ['clone'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
      },
    ]);
    expect(rulesFor(defaults, 'clone3')).toEqual([
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
    ]);
    const s390 = defaultSeccompProfile({ capabilities: [], arch: 's390x' });
    expect(rulesFor(s390, 'clone')[0]?.args?.[0]?.index).toBe(1);
  });

  it('allows only the usual personality(2) values', () => {
    expect(rulesFor(defaults, 'personality').map((r) => r.args?.[0]?.value)).toEqual([
      0, 8, 0x20000, 0x20008, 0xffffffff,
    ]);
  });

  it.each([
    ['CAP_SYS_ADMIN', ['mount', 'umount2', 'unshare', 'setns', 'clone', 'clone3', 'bpf', 'fsopen']],
    ['CAP_SYS_PTRACE', ['kcmp', 'pidfd_getfd', 'process_madvise']],
    ['CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module']],
    ['CAP_SYS_TIME', ['settimeofday', 'clock_settime']],
    ['CAP_SYS_BOOT', ['reboot']],
    ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
    ['CAP_SYS_RAWIO', ['iopl', 'ioperm']],
    ['CAP_SYS_NICE', ['mbind', 'set_mempolicy']],
    ['CAP_BPF', ['bpf']],
    ['CAP_PERFMON', ['perf_event_open']],
    ['CAP_SYSLOG', ['syslog']],
  ])('unlocks the syscalls tied to %s', (cap, names) => {
    const p = unconditional(
      defaultSeccompProfile({ capabilities: [...DEFAULT_CAPABILITIES, cap], arch: 'x64' }),
    );
    for (const n of names) expect(p, n).toContain(n);
  });

  it('allows chroot only with CAP_SYS_CHROOT (in the default set)', () => {
    expect(unconditional(defaults)).toContain('chroot');
    expect(unconditional(defaultSeccompProfile({ capabilities: [], arch: 'x64' }))).not.toContain(
      'chroot',
    );
  });

  it('with CAP_SYS_ADMIN has no clone filter and no clone3 ENOSYS rule', () => {
    const p = defaultSeccompProfile({ capabilities: ['CAP_SYS_ADMIN'], arch: 'x64' });
    expect(rulesFor(p, 'clone3').every((r) => r.action === 'SCMP_ACT_ALLOW')).toBe(true);
    expect(rulesFor(p, 'clone').every((r) => r.args === undefined)).toBe(true);
  });

  it('adds per-architecture syscalls only on that architecture', () => {
    expect(unconditional(defaults)).toContain('modify_ldt');
    const arm = unconditional(defaultSeccompProfile({ capabilities: [], arch: 'arm64' }));
    expect(arm).not.toContain('arch_prctl');
    expect(arm).toContain('set_tls');
  });

  it('is plain JSON that runc can read (no duplicate names in the unconditional rule)', () => {
    const first = defaults.syscalls?.[0];
    expect(first?.action).toBe('SCMP_ACT_ALLOW');
    expect(new Set(first?.names).size).toBe(first?.names.length);
    expect(JSON.parse(JSON.stringify(defaults))).toEqual(defaults);
  });
});
