/**
 * podbay's RuntimeDefault seccomp profile, in the OCI runtime spec's `linux.seccomp` form: an
 * allow-list whose default action is SCMP_ACT_ERRNO (EPERM), equivalent in effect to the default
 * profile of containerd and moby (docker). What it keeps out of a default container:
 *
 *   - namespaces and mounts (unshare, setns, mount, umount, the new mount API, clone/clone3 with
 *     namespace flags) unless the container has CAP_SYS_ADMIN;
 *   - the kernel keyring (add_key, keyctl, request_key), kexec, module loading, bpf,
 *     perf_event_open, userfaultfd, io_uring, swapon/swapoff, reboot, clock setting, acct,
 *     quotactl, lookup_dcookie, open_by_handle_at, each unless the capability that upstream ties
 *     it to is in the container's bounding set;
 *   - socket(2) for AF_ALG and AF_VSOCK (kernel crypto and hypervisor sockets, recent CVE classes);
 *   - personality(2) other than the handful of values programs use.
 *
 * clone3 without CAP_SYS_ADMIN answers ENOSYS rather than EPERM: its flags live in memory that
 * seccomp cannot inspect, and ENOSYS makes glibc fall back to clone, whose flags are filtered.
 *
 * Names that the host's libseccomp does not know are skipped by runc, so listing syscalls newer
 * than the host is harmless; runc answers ENOSYS for syscalls newer than everything in the profile.
 */

/** The OCI runtime spec's seccomp section (the subset we produce and accept). */
export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: OciSyscall[];
}

export interface OciSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[];
}

export interface OciSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

const ENOSYS = 38;
const AF_ALG = 38;
const AF_VSOCK = 40;
/** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: any namespace flag. */
export const CLONE_NAMESPACE_FLAGS =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

/**
 * Always allowed, grouped by what they are for. Several exist only on some ABIs (the `*32`, `*64`
 * and `_time64` variants of 32-bit ones); runc skips what the architecture lacks.
 */
// prettier-ignore
const ALWAYS: Readonly<Record<string, readonly string[]>> = {
  files: [
    'access', 'chdir', 'chmod', 'chown', 'chown32', 'close', 'close_range', 'copy_file_range',
    'creat', 'dup', 'dup2', 'dup3', 'faccessat', 'faccessat2', 'fadvise64', 'fadvise64_64',
    'fallocate', 'fchdir', 'fchmod', 'fchmodat', 'fchmodat2', 'fchown', 'fchown32', 'fchownat',
    'fcntl', 'fcntl64', 'fdatasync', 'flock', 'fstat', 'fstat64', 'fstatat64', 'fstatfs',
    'fstatfs64', 'fsync', 'ftruncate', 'ftruncate64', 'futimesat', 'getcwd', 'getdents',
    'getdents64', 'lchown', 'lchown32', 'link', 'linkat', '_llseek', 'lseek', 'lstat', 'lstat64',
    'mkdir', 'mkdirat', 'mknod', 'mknodat', 'name_to_handle_at', 'newfstatat', 'open', 'openat',
    'openat2', 'pread64', 'preadv', 'preadv2', 'pwrite64', 'pwritev', 'pwritev2', 'read',
    'readahead', 'readlink', 'readlinkat', 'readv', 'rename', 'renameat', 'renameat2', 'rmdir',
    'sendfile', 'sendfile64', 'splice', 'stat', 'stat64', 'statfs', 'statfs64', 'statx',
    'symlink', 'symlinkat', 'sync', 'sync_file_range', 'syncfs', 'tee', 'truncate', 'truncate64',
    'umask', 'unlink', 'unlinkat', 'utime', 'utimensat', 'utimensat_time64', 'utimes', 'vmsplice',
    'write', 'writev', 'cachestat', 'statmount', 'listmount',
  ],
  xattrs: [
    'fgetxattr', 'flistxattr', 'fremovexattr', 'fsetxattr', 'getxattr', 'getxattrat', 'lgetxattr',
    'listxattr', 'listxattrat', 'llistxattr', 'lremovexattr', 'lsetxattr', 'removexattr',
    'removexattrat', 'setxattr', 'setxattrat',
  ],
  events: [
    'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_pwait', 'epoll_pwait2',
    'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'fanotify_mark', 'inotify_add_watch',
    'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'poll', 'ppoll', 'ppoll_time64',
    'pselect6', 'pselect6_time64', 'select', '_newselect', 'signalfd', 'signalfd4', 'pipe',
    'pipe2', 'ioctl',
  ],
  aio: ['io_cancel', 'io_destroy', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64',
    'io_setup', 'io_submit', 'ioprio_get', 'ioprio_set'],
  processes: [
    'capget', 'capset', 'execve', 'execveat', 'exit', 'exit_group', 'fork', 'vfork', 'getcpu',
    'getegid', 'getegid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getgroups',
    'getgroups32', 'getpgid', 'getpgrp', 'getpid', 'getppid', 'getpriority', 'getresgid',
    'getresgid32', 'getresuid', 'getresuid32', 'getrlimit', 'ugetrlimit', 'get_robust_list',
    'getrusage', 'getsid', 'get_thread_area', 'gettid', 'getuid', 'getuid32', 'prctl',
    'prlimit64', 'restart_syscall', 'rseq', 'setfsgid', 'setfsgid32', 'setfsuid', 'setfsuid32',
    'setgid', 'setgid32', 'setgroups', 'setgroups32', 'setpgid', 'setpriority', 'setregid',
    'setregid32', 'setresgid', 'setresgid32', 'setresuid', 'setresuid32', 'setreuid',
    'setreuid32', 'setrlimit', 'set_robust_list', 'setsid', 'set_thread_area', 'set_tid_address',
    'setuid', 'setuid32', 'sysinfo', 'times', 'uname', 'wait4', 'waitid', 'waitpid', 'seccomp',
    'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'pidfd_open',
    'pidfd_send_signal', 'process_mrelease', 'lsm_get_self_attr', 'lsm_list_modules',
    'lsm_set_self_attr', 'uretprobe',
  ],
  memory: [
    'brk', 'madvise', 'membarrier', 'memfd_create', 'memfd_secret', 'mincore', 'mlock', 'mlock2',
    'mlockall', 'map_shadow_stack', 'mmap', 'mmap2', 'mprotect', 'mremap', 'mseal', 'msync',
    'munlock', 'munlockall', 'munmap', 'pkey_alloc', 'pkey_free', 'pkey_mprotect',
    'remap_file_pages',
  ],
  futexes: ['futex', 'futex_requeue', 'futex_time64', 'futex_wait', 'futex_waitv', 'futex_wake'],
  time: [
    'adjtimex', 'alarm', 'clock_adjtime', 'clock_adjtime64', 'clock_getres', 'clock_getres_time64',
    'clock_gettime', 'clock_gettime64', 'clock_nanosleep', 'clock_nanosleep_time64', 'getitimer',
    'gettimeofday', 'nanosleep', 'pause', 'setitimer', 'time', 'timer_create', 'timer_delete',
    'timer_getoverrun', 'timer_gettime', 'timer_gettime64', 'timer_settime', 'timer_settime64',
    'timerfd_create', 'timerfd_gettime', 'timerfd_gettime64', 'timerfd_settime',
    'timerfd_settime64',
  ],
  signals: [
    'kill', 'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn',
    'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_tgsigqueueinfo',
    'sigaltstack', 'sigprocmask', 'sigreturn', 'tgkill', 'tkill',
  ],
  sysvIpcAndMqueues: [
    'ipc', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'semctl', 'semget', 'semop', 'semtimedop',
    'semtimedop_time64', 'shmat', 'shmctl', 'shmdt', 'shmget', 'mq_getsetattr', 'mq_notify',
    'mq_open', 'mq_timedreceive', 'mq_timedreceive_time64', 'mq_timedsend', 'mq_timedsend_time64',
    'mq_unlink',
  ],
  // socket(2) itself is filtered by address family below.
  network: [
    'accept', 'accept4', 'bind', 'connect', 'getpeername', 'getsockname', 'getsockopt', 'listen',
    'recv', 'recvfrom', 'recvmmsg', 'recvmmsg_time64', 'recvmsg', 'send', 'sendmmsg', 'sendmsg',
    'sendto', 'setsockopt', 'shutdown', 'socketcall', 'socketpair',
  ],
  scheduling: [
    'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_get_priority_max',
    'sched_get_priority_min', 'sched_getscheduler', 'sched_rr_get_interval',
    'sched_rr_get_interval_time64', 'sched_setaffinity', 'sched_setattr', 'sched_setparam',
    'sched_setscheduler', 'sched_yield',
  ],
  // Safe since Linux 4.8, where seccomp runs after ptrace can change a syscall.
  tracing: ['ptrace', 'process_vm_readv', 'process_vm_writev'],
  random: ['getrandom'],
};

/** Per-architecture extras (keys are Node's process.arch). */
// prettier-ignore
const ARCH_SYSCALLS: Readonly<Record<string, readonly string[]>> = {
  x64: ['arch_prctl', 'modify_ldt'],
  ia32: ['modify_ldt'],
  arm: ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'],
  arm64: ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'],
  ppc64: ['sync_file_range2', 'swapcontext'],
  s390x: ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr'],
  riscv64: ['riscv_flush_icache', 'riscv_hwprobe'],
};

/** The seccomp architectures a process of this ABI may use (native plus its compat ABIs). */
const ARCHITECTURES: Readonly<Record<string, readonly string[]>> = {
  x64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  ia32: ['SCMP_ARCH_X86'],
  arm64: ['SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64'],
  arm: ['SCMP_ARCH_ARM'],
  ppc64: ['SCMP_ARCH_PPC64LE'],
  s390x: ['SCMP_ARCH_S390', 'SCMP_ARCH_S390X'],
  riscv64: ['SCMP_ARCH_RISCV64'],
  loong64: ['SCMP_ARCH_LOONGARCH64'],
};

/** What each capability unlocks beyond the always-allowed set. */
// prettier-ignore
const CAPABILITY_SYSCALLS: Readonly<Record<string, readonly string[]>> = {
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_ADMIN: [
    'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick',
    'lookup_dcookie', 'mount', 'mount_setattr', 'move_mount', 'open_tree', 'perf_event_open',
    'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'setns', 'syslog', 'umount',
    'umount2', 'unshare',
  ],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_MODULE: ['delete_module', 'init_module', 'finit_module'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv',
    'process_vm_writev', 'ptrace'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TIME: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_NICE: ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node'],
  CAP_SYSLOG: ['syslog'],
  CAP_BPF: ['bpf'],
  CAP_PERFMON: ['perf_event_open'],
};

/** personality(2) values programs set: PER_LINUX, UNAME26, PER_LINUX32 (+UNAME26), and the query. */
const PERSONALITIES = [0x0, 0x0008, 0x20000, 0x20008, 0xffffffff];

export interface DefaultProfileOptions {
  /** The container's bounding capabilities (`CAP_…`), which unlock the syscalls tied to them. */
  readonly capabilities: readonly string[];
  /** Node's process.arch naming; default the agent's own. */
  readonly arch?: string;
  /**
   * Whether the kernel runs x32 programs (x64 only; default true, see kernelRunsX32). Without
   * them the profile leaves SCMP_ARCH_X32 out: the kernel refuses those calls anyway, and
   * compiling the rules for x32 costs runc ~8 ms of CPU in every container start and exec.
   */
  readonly x32?: boolean;
}

/** The RuntimeDefault profile for a container with these capabilities on this architecture. */
export function defaultSeccompProfile(opts: DefaultProfileOptions): OciSeccomp {
  const arch = opts.arch ?? process.arch;
  const allow = (names: readonly string[]): OciSyscall => ({
    names: [...names],
    action: 'SCMP_ACT_ALLOW',
  });
  const syscalls: OciSyscall[] = [allow(Object.values(ALWAYS).flat())];
  const extra = ARCH_SYSCALLS[arch];
  if (extra) syscalls.push(allow(extra));

  // socket(2) for every family but AF_ALG (38) and AF_VSOCK (40). One condition per rule: runc
  // turns several conditions on the same argument into separate rules (an OR), so "!= 38 && != 40"
  // cannot be written as one rule. Families reached through socketcall(2) (32-bit x86) are not
  // filtered, as upstream.
  const socketRule = (op: string, value: number): OciSyscall => ({
    names: ['socket'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: 0, value, op }],
  });
  syscalls.push(
    socketRule('SCMP_CMP_LT', AF_ALG),
    socketRule('SCMP_CMP_EQ', AF_ALG + 1),
    socketRule('SCMP_CMP_GT', AF_VSOCK),
  );
  for (const p of PERSONALITIES) {
    syscalls.push({
      names: ['personality'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 0, value: p, op: 'SCMP_CMP_EQ' }],
    });
  }

  const caps = new Set(opts.capabilities);
  for (const [cap, names] of Object.entries(CAPABILITY_SYSCALLS)) {
    if (caps.has(cap)) syscalls.push(allow(names));
  }
  if (!caps.has('CAP_SYS_ADMIN')) {
    // clone without namespace flags; s390 passes the flags in the second argument.
    syscalls.push({
      names: ['clone'],
      action: 'SCMP_ACT_ALLOW',
      args: [
        {
          index: arch === 's390x' ? 1 : 0,
          value: CLONE_NAMESPACE_FLAGS,
          valueTwo: 0,
          op: 'SCMP_CMP_MASKED_EQ',
        },
      ],
    });
    syscalls.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS });
  }
  const architectures = (ARCHITECTURES[arch] ?? []).filter(
    (a) => a !== 'SCMP_ARCH_X32' || opts.x32 !== false,
  );
  return { defaultAction: 'SCMP_ACT_ERRNO', architectures, syscalls };
}
