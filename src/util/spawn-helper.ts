/**
 * Runs short-lived host tools (runc, CNI plugins, mount, iptables, …) through one long-lived
 * helper process instead of `child_process.spawn` in the agent itself.
 *
 * Why: Node's spawn forks the whole agent process (libuv uses fork(), not vfork/posix_spawn, on
 * Linux) and blocks the event loop until the child has exec'd, which also means until the child
 * has torn down its copy of the agent's address space; after each fork every page the agent
 * writes takes a copy-on-write fault. With a ~150 MB server that was 5–10 ms of blocked event
 * loop per command on two loaded cores, and a 100-pod burst runs ~2,800 commands: 40% of the
 * event loop went to fork. The helper is a small Perl program (perl-base, an essential Debian
 * package; core modules only), a few MB, so its forks are cheap and never stop the event loop.
 *
 * Protocol (both directions): frames of `uint32be length` + fields, each `uint32be length` +
 * bytes.
 *   to the helper:   "s" id maxOutput flags cwd argc argv… envc env… input   start a process
 *                    "k" id signal                                       signal it (if not reaped)
 *                    "c" id                                              close our end of its fd 3
 *   from the helper: "x" id "e" code signal stdout stderr                it exited, stdio closed
 *                    "x" id "f" errno                                    could not start (exec failed)
 *                    "d" id bytes                                        it wrote this to fd 3 ("" at
 *                                                                        the end of fd 3)
 * A result comes once the process has exited and closed its stdout and stderr, as Node's 'close'
 * event. The child gets only stdio 0–2 (every other descriptor of the helper is close-on-exec:
 * CVE-2024-21626), the given environment and working directory, and default signal dispositions.
 * stdin carries `input` and is then closed; output beyond `maxOutputBytes` per stream is dropped.
 * Flags: "3" also gives the child a pipe as fd 3, read as it comes and apart from the result,
 * for programs that report on a descriptor and outlive their first process (conmon's sync
 * pipe); "S" starts the child in a session of its own (setsid), as `detached` does; "B" runs one
 * of the helper's built-ins (below) in the child instead of exec'ing a program.
 *
 * Built-ins: a pod start ran mount(8) for each container root and its /dev/shm, unshare(1) plus a
 * shell to pin its namespaces, and `runc start` per container; each program started costs 1–3 ms
 * of CPU here (exec, the dynamic loader, libmount; ~10 ms for runc), several times what the system
 * calls themselves do. The forked child makes those calls itself (Perl's syscall, with the numbers
 * for this architecture from SYSCALLS given at start; see `builtinsAvailable`) and reports as a
 * program would: exit 0, or 32 and a message on stderr. Calls that cannot wait on anything —
 * mounts of a tmpfs or an overlay, lazy unmounts — the helper makes itself, without the fork,
 * which with the child's exit costs several times the call (~2 ms of CPU here); it reports the
 * same way.
 *   mount SOURCE TARGET FSTYPE FLAGS DATA   mount(2); FSTYPE and DATA may be empty (NULL)
 *   umount FLAGS TARGET…                    umount2(2) of each target
 *   pin HOSTNAME NETFILE UTSFILE IPCFILE    unshare(2) the namespaces whose file is given, set the
 *                                           new UTS namespace's hostname, bring the new network
 *                                           namespace's lo up (CNI's loopback plugin, a Go
 *                                           program, need not run), and bind-mount each
 *                                           namespace onto its file (what `ip netns add` does)
 *   start FIFO PID                          what `runc start` does to a created container: read
 *                                           runc's exec fifo, on which the container's init
 *                                           (PID) waits, until the init's end closes (it has
 *                                           exec'd the container's process), then remove it; if
 *                                           the init dies first, fail as runc does. Exit 3: no
 *                                           fifo (not a created container: ask runc itself).
 *                                           Made by the helper itself, the fifo and a pidfd of
 *                                           the init watched with its other descriptors; in a
 *                                           child (polling the init) without pidfd_open
 *
 * The helper starts on first use and exits when the agent does (its stdin closes); it ignores
 * SIGINT (a terminal's Ctrl-C reaches the whole process group) so a shutting-down agent can
 * still run commands. Should it die, the running requests fail as a failed spawn would and the
 * next request starts a new one. Where perl cannot be run at all, `child_process.spawn` is used.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';

export interface RunProcessOptions {
  /** The whole environment of the child; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Written to the child's stdin, which is then closed (empty by default). */
  readonly input?: string;
  /** Per stream; more output is dropped. Default 1 MiB. */
  readonly maxOutputBytes?: number;
  /**
   * Gives the child a pipe as fd 3 and passes what it writes there as it arrives, then `null` at
   * its end (also after the process has exited: a daemon may keep the descriptor).
   */
  readonly onFd3?: (data: Buffer | null) => void;
  /** Starts the child in a new session (setsid), outside the agent's process group. */
  readonly newSession?: boolean;
  /** `file` names one of the helper's built-ins, not a program (see `builtinsAvailable`). */
  readonly builtin?: boolean;
}

export interface ProcessResult {
  /** The exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export interface RunningProcess {
  /**
   * Resolves once the process has exited and closed its output; rejects only when it could not
   * be started (an Error with `code`, e.g. ENOENT, and Node's message `spawn <file> ENOENT`).
   */
  readonly result: Promise<ProcessResult>;
  /** Sends a signal (default SIGTERM); nothing once the process is gone. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops reading fd 3 (with `onFd3`) and closes our end of it; `onFd3` is not called again. */
  closeFd3(): void;
}

const DEFAULT_MAX_OUTPUT = 1 << 20;

/** The system calls the built-ins make, by number (asm/unistd.h), for the architectures we know. */
type SyscallNumbers = Readonly<
  Record<'mount' | 'umount2' | 'unshare' | 'sethostname' | 'pidfd_open', number>
>;
const SYSCALLS: Partial<Record<string, SyscallNumbers>> = {
  x64: { mount: 165, umount2: 166, unshare: 272, sethostname: 170, pidfd_open: 434 },
  arm64: { mount: 40, umount2: 39, unshare: 97, sethostname: 161, pidfd_open: 434 },
};

/** The helper's Perl program (exported for the test that compiles it with warnings on). */
export const SPAWN_HELPER_SCRIPT = String.raw`
use strict; use warnings;
use POSIX qw(:sys_wait_h _exit);
my %NR = map { split /=/, $_, 2 } @ARGV; # system call numbers for the built-ins
use Fcntl qw(F_SETFD O_RDONLY O_NONBLOCK);
use IO::Select;
$SIG{PIPE} = 'IGNORE'; $SIG{INT} = 'IGNORE';
my $chld = 0; $SIG{CHLD} = sub { $chld = 1 };
binmode(STDIN); binmode(STDOUT);
my $rsel = IO::Select->new(\*STDIN); my $wsel = IO::Select->new();
my (%procs, %byfd, %bypid, %status, %fd3); my $inbuf = '';
sub writeall { my ($fh, $d) = @_; my $off = 0;
  while ($off < length $d) { my $n = syswrite($fh, $d, length($d) - $off, $off);
    if (!defined $n) { next if $!{EINTR}; exit 0; } $off += $n; } }
sub reply { my $p = pack('(N/a*)*', @_); writeall(\*STDOUT, pack('N', length $p) . $p); }
sub closefh { my ($p, $fh) = @_; $rsel->remove($fh); $wsel->remove($fh); delete $byfd{fileno $fh}; close $fh; }
sub closefd3 { my $fh = delete $fd3{$_[0]} or return; closefh(undef, $fh); }
# Built-ins run in a forked child, or here (see inline). Strings reach syscall as pointers,
# numbers (0: NULL) as integers. Their messages go to $errors, which the child writes to stderr.
my $errors = '';
sub failed { $errors .= "$_[0]: $!\n"; return 32; }
sub alive { open(my $s, '<', "/proc/$_[0]/stat") or return 0; my $l = <$s> // ''; return $l =~ /\)\s+([A-Za-z])/ && $1 ne 'Z' && $1 ne 'X'; }
sub builtin {
  my ($name, @a) = @_;
  if ($name eq 'mount') {
    my ($src, $dst, $type, $flags, $data) = @a;
    my $t = $type eq '' ? 0 : $type; my $d = $data eq '' ? 0 : $data;
    return syscall($NR{mount}, $src, $dst, $t, 0 + $flags, $d) == 0 ? 0 : failed("mount $dst");
  }
  if ($name eq 'umount') {
    my ($flags, @targets) = @a; my $code = 0;
    for my $t (@targets) { $code = failed("umount $t") if syscall($NR{umount2}, $t, 0 + $flags) != 0; }
    return $code;
  }
  if ($name eq 'pin') {
    my ($host, %file) = ($a[0], net => $a[1], uts => $a[2], ipc => $a[3]);
    my %clone = (net => 0x40000000, uts => 0x04000000, ipc => 0x08000000);
    my $flags = 0; $flags |= $clone{$_} for grep { $file{$_} ne '' } keys %clone;
    return failed('unshare') if syscall($NR{unshare}, $flags) != 0;
    if ($file{net} ne '') { # lo up, as CNI's loopback plugin would: SIOCGIFFLAGS, | IFF_UP, SIOCSIFFLAGS
      socket(my $s, 2, 2, 0) or return failed('socket'); # AF_INET, SOCK_DGRAM
      my $ifr = pack('a16 s x22', 'lo', 0); # struct ifreq
      ioctl($s, 0x8913, $ifr) or return failed('get the flags of lo');
      $ifr = pack('a16 s x22', 'lo', unpack('x16 s', $ifr) | 1);
      ioctl($s, 0x8914, $ifr) or return failed('bring lo up');
    }
    if ($file{uts} ne '') { return failed('sethostname') if syscall($NR{sethostname}, $host, length $host) != 0; }
    for my $ns (qw(net uts ipc)) {
      next if $file{$ns} eq '';
      my $src = "/proc/self/ns/$ns";
      return failed("bind $src to $file{$ns}") if syscall($NR{mount}, $src, $file{$ns}, 0, 4096, 0) != 0; # MS_BIND
    }
    return 0;
  }
  if ($name eq 'start') {
    my ($fifo, $pid) = @a;
    my $f;
    if (!sysopen($f, $fifo, O_RDONLY | O_NONBLOCK)) { return 3 if $!{ENOENT}; return failed("open $fifo"); }
    my $got = '';
    while (1) {
      my $rin = ''; vec($rin, fileno $f, 1) = 1;
      if (select(my $rout = $rin, undef, undef, 0.1) > 0) {
        my $n = sysread($f, my $buf, 64);
        if (!defined $n) { next if $!{EAGAIN} || $!{EINTR}; return failed("read $fifo"); }
        last if $n == 0; # the init's end closed: it exec'd the container's process (or died)
        $got .= $buf; next;
      }
      next if alive($pid);
      my $n = sysread($f, my $buf, 64); $got .= $buf if $n; # what it wrote before it went
      last;
    }
    if ($got eq '') { $errors .= "container process is already dead\n"; return 1; }
    return unlink($fifo) ? 0 : failed("remove $fifo");
  }
  $errors .= "unknown built-in $name\n"; return 2;
}
# Calls that return at once are made by the helper itself: a fork of it and the child's exit cost
# ~2 ms of CPU, several times the call. Those are mounts of a tmpfs or an overlay (no bind: a bind
# mount's source may be on a network filesystem that hangs) and lazy unmounts; anything else runs
# in a child, so one that blocks holds up only itself.
opendir(my $home, '.') or die "spawn helper: cannot open its working directory: $!\n";
sub inline {
  my ($name, @a) = @_;
  return ($a[2] eq 'tmpfs' || $a[2] eq 'overlay') && !(0 + $a[3] & 4096) if $name eq 'mount';
  return $name eq 'umount' && (0 + $a[0] & 2);
}
# start, made here too: the exec fifo and a pidfd of the init are watched with everything else,
# and the first to end it decides (the fifo's end: the init exec'd; the pidfd: the init died).
# False where the kernel has no pidfd_open (before 5.3): then it runs in a child as the others.
my %starts;
sub start_here {
  my ($id, $fifo, $pid) = @_;
  my $pidfd = syscall($NR{pidfd_open}, 0 + $pid, 0);
  return 0 if $pidfd < 0 && !$!{ESRCH};
  my $f;
  if (!sysopen($f, $fifo, O_RDONLY | O_NONBLOCK)) {
    my $missing = $!{ENOENT}; my $why = "open $fifo: $!\n";
    POSIX::close($pidfd) if $pidfd >= 0;
    reply('x', $id, 'e', $missing ? 3 : 32, 0, '', $missing ? '' : $why); return 1;
  }
  my $s = $starts{$id} = { id => $id, fifo => $fifo, fh => $f, got => '' };
  $byfd{fileno $f} = [undef, 'start', $f, $id]; $rsel->add($f);
  if ($pidfd < 0) { start_ended($id); return 1; } # ESRCH: the init is gone already
  open($s->{pidfd}, '<&=', $pidfd) or die "spawn helper: pidfd: $!\n";
  $byfd{$pidfd} = [undef, 'died', $s->{pidfd}, $id]; $rsel->add($s->{pidfd});
  return 1;
}
sub start_forget { my $s = delete $starts{$_[0]} or return; closefh(undef, $s->{fh}); closefh(undef, $s->{pidfd}) if $s->{pidfd}; return $s; }
sub start_ended {
  my $fh = $starts{$_[0]}{fh} or return;
  my $n = sysread($fh, my $buf, 64); $starts{$_[0]}{got} .= $buf if $n; # what it wrote before it went
  my $s = start_forget($_[0]);
  if ($s->{got} eq '') { reply('x', $s->{id}, 'e', 1, 0, '', "container process is already dead\n"); return; }
  if (unlink $s->{fifo}) { reply('x', $s->{id}, 'e', 0, 0, '', ''); return; }
  reply('x', $s->{id}, 'e', 32, 0, '', "remove $s->{fifo}: $!\n");
}
sub start {
  my ($id, $max, $flags, $cwd, @rest) = @_;
  my $argc = shift @rest; my @argv = splice(@rest, 0, $argc);
  my $envc = shift @rest; my @env = splice(@rest, 0, $envc); my $input = shift @rest;
  return if index($flags, 'B') >= 0 && $argv[0] eq 'start' && start_here($id, @argv[1, 2]);
  if (index($flags, 'B') >= 0 && inline(@argv)) {
    if ($cwd ne '' && !chdir $cwd) { reply('x', $id, 'f', 0 + $!); return; }
    $errors = ''; my $code = builtin(@argv);
    chdir $home or die "spawn helper: cannot return to its working directory: $!\n";
    reply('x', $id, 'e', $code, 0, '', $errors); return;
  }
  my ($ir, $iw, $or, $ow, $er, $ew, $sr, $sw, $xr, $xw);
  unless (pipe($ir, $iw) && pipe($or, $ow) && pipe($er, $ew) && pipe($sr, $sw)
    && (index($flags, '3') < 0 || pipe($xr, $xw))) { reply('x', $id, 'f', 0 + $!); return; }
  my $pid = fork();
  if (!defined $pid) { reply('x', $id, 'f', 0 + $!); return; }
  if ($pid == 0) {
    $SIG{$_} = 'DEFAULT' for qw(PIPE INT CHLD);
    POSIX::setsid() if index($flags, 'S') >= 0;
    POSIX::dup2(fileno $ir, 0); POSIX::dup2(fileno $ow, 1); POSIX::dup2(fileno $ew, 2);
    if ($xw) { if (fileno $xw == 3) { fcntl($xw, F_SETFD, 0); } else { POSIX::dup2(fileno $xw, 3); } }
    if ($cwd ne '' && !chdir $cwd) { syswrite($sw, pack('N', 0 + $!)); _exit(127); }
    %ENV = (); for (@env) { my ($k, $v) = split /=/, $_, 2; $ENV{$k} = $v // ''; }
    if (index($flags, 'B') >= 0) { close $sw; $errors = ''; my $code = builtin(@argv); syswrite(STDERR, $errors); _exit($code); }
    exec { $argv[0] } @argv or do { syswrite($sw, pack('N', 0 + $!)); _exit(127); };
  }
  close $ir; close $ow; close $ew; close $sw; close $xw if $xw;
  my $st = ''; while (1) { my $n = sysread($sr, $st, 4 - length $st, length $st); last if defined $n && ($n == 0 || length $st == 4); next if !defined $n && $!{EINTR}; last if !defined $n; }
  close $sr;
  if (length $st == 4) { waitpid($pid, 0); close $iw; close $or; close $er; close $xr if $xr; reply('x', $id, 'f', unpack('N', $st)); return; }
  my $p = { id => $id, pid => $pid, max => $max, out => '', err => '', open => 2, in => $input };
  $procs{$id} = $p; $bypid{$pid} = $p;
  $byfd{fileno $or} = [$p, 'out', $or]; $byfd{fileno $er} = [$p, 'err', $er];
  $rsel->add($or, $er);
  if ($xr) { $fd3{$id} = $xr; $byfd{fileno $xr} = [undef, 'fd3', $xr, $id]; $rsel->add($xr); }
  if (length $input) { $byfd{fileno $iw} = [$p, 'in', $iw]; $iw->blocking(0); $wsel->add($iw); } else { close $iw; }
}
sub reap {
  $chld = 0;
  while ((my $pid = waitpid(-1, WNOHANG)) > 0) { $status{$pid} = $?; }
  for my $pid (keys %status) {
    my $p = $bypid{$pid}; if (!$p) { delete $status{$pid}; next; }
    next if $p->{open} > 0;
    my $st = delete $status{$pid}; delete $bypid{$pid}; delete $procs{$p->{id}};
    for my $e (values %byfd) { closefh($e->[0], $e->[2]) if defined $e->[0] && $e->[0] == $p; }
    reply('x', $p->{id}, 'e', ($st & 127) ? '' : ($st >> 8), $st & 127, $p->{out}, $p->{err});
  }
}
while (1) {
  reap();
  my $waiting = grep { $_->{open} == 0 } values %procs;
  my ($r, $w) = IO::Select->select($rsel, $wsel->count ? $wsel : undef, undef, $waiting ? 0.05 : 1);
  for my $fh (@{$w || []}) {
    my $e = $byfd{fileno $fh} or next; my $p = $e->[0];
    my $n = syswrite($fh, $p->{in});
    if (!defined $n) { next if $!{EAGAIN} || $!{EINTR}; $p->{in} = ''; } else { substr($p->{in}, 0, $n, ''); }
    closefh($p, $fh) if $p->{in} eq '';
  }
  for my $fh (@{$r || []}) {
    if (fileno($fh) == 0) {
      my $n = sysread(STDIN, $inbuf, 65536, length $inbuf);
      if (!defined $n) { next if $!{EINTR}; exit 0; }
      exit 0 if $n == 0;
      while (length $inbuf >= 4) {
        my $len = unpack('N', $inbuf); last if length $inbuf < 4 + $len;
        my @f = unpack('(N/a*)*', substr($inbuf, 4, $len)); substr($inbuf, 0, 4 + $len, '');
        my $op = shift @f;
        if ($op eq 's') { start(@f); }
        elsif ($op eq 'k' && start_forget($f[0])) { reply('x', $f[0], 'e', '', $f[1], '', ''); }
        elsif ($op eq 'k') { my $p = $procs{$f[0]}; kill($f[1], $p->{pid}) if $p && !exists $status{$p->{pid}}; }
        elsif ($op eq 'c') { closefd3($f[0]); }
      }
      next;
    }
    next if !defined fileno $fh; # closed by an earlier event of this round (a start's other end)
    my $e = $byfd{fileno $fh} or next; my ($p, $which) = @$e;
    if ($which eq 'died') { start_ended($e->[3]); next; }
    my $buf; my $n = sysread($fh, $buf, 65536);
    if (!defined $n) { next if $!{EINTR} || $!{EAGAIN}; $n = 0; }
    if ($which eq 'start') { if ($n) { $starts{$e->[3]}{got} .= $buf; } else { start_ended($e->[3]); } next; }
    if ($which eq 'fd3') { reply('d', $e->[3], $n ? $buf : ''); closefd3($e->[3]) if $n == 0; next; }
    if ($n == 0) { closefh($p, $fh); $p->{open}--; next; }
    my $room = $p->{max} - length $p->{$which};
    $p->{$which} .= substr($buf, 0, $room) if $room > 0;
  }
}
`;

interface Pending {
  readonly resolve: (r: ProcessResult) => void;
  readonly reject: (err: Error) => void;
  readonly file: string;
}

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);
const errnoNames = new Map<number, string>(
  Object.entries(constants.errno).map(([name, n]) => [n, name]),
);

function spawnError(file: string, errno: number): Error {
  const code = errnoNames.get(errno) ?? `E${errno}`;
  return Object.assign(new Error(`spawn ${file} ${code}`), { code, errno: -errno });
}

function frame(fields: readonly (string | Buffer)[]): Buffer {
  const total = Buffer.alloc(4);
  const parts: Buffer[] = [total];
  let len = 0;
  for (const f of fields) {
    const b = typeof f === 'string' ? Buffer.from(f) : f;
    const head = Buffer.alloc(4);
    head.writeUInt32BE(b.length);
    parts.push(head, b);
    len += 4 + b.length;
  }
  total.writeUInt32BE(len);
  return Buffer.concat(parts);
}

function parseFields(payload: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off + 4 <= payload.length;) {
    const n = payload.readUInt32BE(off);
    out.push(payload.subarray(off + 4, off + 4 + n));
    off += 4 + n;
  }
  return out;
}

type HelperProcess = ChildProcessByStdio<Writable, Readable, null>;

/** One helper process and the requests in flight on it (see the file comment). */
export class SpawnHelper {
  private child: HelperProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Listeners of children's fd 3, until its end or closeFd3 (they can outlive `pending`). */
  private readonly fd3 = new Map<number, (data: Buffer | null) => void>();
  private nextId = 1;
  private input: Buffer = Buffer.alloc(0);
  /** Set once perl could not be started: everything goes to child_process.spawn. */
  private unavailable = false;
  private readonly perlPath: string;
  private readonly syscalls: SyscallNumbers | undefined;

  constructor(opts: { perlPath?: string; syscalls?: SyscallNumbers | null } = {}) {
    this.perlPath = opts.perlPath ?? 'perl';
    this.syscalls = opts.syscalls === null ? undefined : (opts.syscalls ?? SYSCALLS[process.arch]);
  }

  /** Whether `builtin` requests can run here: perl runs, and we know this architecture's calls. */
  get builtinsAvailable(): boolean {
    return !this.unavailable && this.syscalls !== undefined;
  }

  run(file: string, args: readonly string[], opts: RunProcessOptions = {}): RunningProcess {
    if (opts.builtin === true && !this.builtinsAvailable) {
      const err = Object.assign(new Error(`spawn ${file}: no built-in ${file} here`), {
        code: 'ENOSYS',
      });
      return { result: Promise.reject(err), kill: () => undefined, closeFd3: () => undefined };
    }
    if (this.unavailable) return runDirectly(file, args, opts);
    const child = this.ensureStarted();
    const id = this.nextId++;
    let settled = false;
    const result = new Promise<ProcessResult>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => {
          settled = true;
          resolve(r);
        },
        reject: (e) => {
          settled = true;
          reject(e);
        },
        file,
      });
    });
    // A built-in runs no program: it needs no environment (and reading process.env is slow).
    const env = Object.entries(opts.builtin === true ? {} : (opts.env ?? process.env))
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    if (opts.onFd3) this.fd3.set(id, opts.onFd3);
    const flags = `${opts.onFd3 ? '3' : ''}${opts.newSession === true ? 'S' : ''}${opts.builtin === true ? 'B' : ''}`;
    this.ref();
    child.stdin.write(
      frame([
        's',
        String(id),
        String(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT),
        flags,
        opts.cwd ?? '',
        String(args.length + 1),
        file,
        ...args,
        String(env.length),
        ...env,
        opts.input ?? '',
      ]),
    );
    return {
      result,
      kill: (signal: NodeJS.Signals = 'SIGTERM') => {
        if (settled || this.child !== child) return;
        child.stdin.write(frame(['k', String(id), String(constants.signals[signal])]));
      },
      closeFd3: () => {
        if (!this.fd3.delete(id) || this.child !== child) return;
        child.stdin.write(frame(['c', String(id)]));
        if (this.idle()) this.unref();
      },
    };
  }

  /** Stops the helper (its running processes go on); later requests start a new one. */
  close(): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.stdin.end();
    this.failAll('the spawn helper was closed');
  }

  private ensureStarted(): HelperProcess {
    if (this.child) return this.child;
    const numbers = Object.entries(this.syscalls ?? {}).map(([name, nr]) => `${name}=${nr}`);
    const child = spawn(this.perlPath, ['-e', SPAWN_HELPER_SCRIPT, ...numbers], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child = child;
    child.stdin.on('error', () => {
      // It died; 'exit' fails what was in flight.
    });
    child.stdout.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (this.child === child) this.child = undefined;
      if (err.code === 'ENOENT') {
        // No perl: run these (and all later) requests the ordinary way.
        this.unavailable = true;
      }
      this.failAll(`the spawn helper failed: ${err.message}`);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      this.failAll(`the spawn helper exited (${signal ?? String(code)})`);
    });
    this.unref();
    return child;
  }

  private onData(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    while (this.input.length >= 4) {
      const len = this.input.readUInt32BE(0);
      if (this.input.length < 4 + len) break;
      const fields = parseFields(this.input.subarray(4, 4 + len));
      this.input = this.input.subarray(4 + len);
      this.onReply(fields);
    }
    if (this.idle()) this.unref();
  }

  private idle(): boolean {
    return this.pending.size === 0 && this.fd3.size === 0;
  }

  private onReply(fields: Buffer[]): void {
    const [op, idField, kind, ...rest] = fields;
    if (idField === undefined) return;
    const id = Number(idField.toString());
    if (op?.toString() === 'd') {
      const listener = this.fd3.get(id);
      if (kind === undefined || kind.length === 0) this.fd3.delete(id);
      listener?.(kind !== undefined && kind.length > 0 ? Buffer.from(kind) : null);
      return;
    }
    if (op?.toString() !== 'x') return;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (kind?.toString() === 'f') {
      this.fd3.delete(id);
      p.reject(spawnError(p.file, Number(rest[0]?.toString() ?? '0')));
      return;
    }
    const [code, sig, stdout, stderr] = rest;
    const codeText = code?.toString() ?? '';
    const signo = Number(sig?.toString() ?? '0');
    p.resolve({
      code: codeText === '' ? null : Number(codeText),
      signal: signo === 0 ? null : (signalNames.get(signo) ?? 'SIGKILL'),
      stdout: Buffer.from(stdout ?? Buffer.alloc(0)),
      stderr: Buffer.from(stderr ?? Buffer.alloc(0)),
    });
  }

  private failAll(why: string): void {
    this.input = Buffer.alloc(0);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(Object.assign(new Error(`spawn ${p.file}: ${why}`), { code: 'EHELPER' }));
    }
    // The helper held their fd 3: it is gone with it.
    const listeners = [...this.fd3.values()];
    this.fd3.clear();
    for (const listener of listeners) listener(null);
  }

  /** The helper keeps the process alive only while it runs something for us. */
  private ref(): void {
    const c = this.child;
    if (!c) return;
    c.ref();
    (c.stdout as Readable & { ref?: () => void }).ref?.();
    (c.stdin as Writable & { ref?: () => void }).ref?.();
  }

  private unref(): void {
    const c = this.child;
    if (!c) return;
    c.unref();
    (c.stdout as Readable & { unref?: () => void }).unref?.();
    (c.stdin as Writable & { unref?: () => void }).unref?.();
  }
}

/** child_process.spawn with the same contract, where the helper cannot run. */
function runDirectly(
  file: string,
  args: readonly string[],
  opts: RunProcessOptions,
): RunningProcess {
  const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const child = spawn(file, [...args], {
    stdio: ['pipe', 'pipe', 'pipe', ...(opts.onFd3 ? (['pipe'] as const) : [])],
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.newSession === true ? { detached: true } : {}),
  });
  const fd3 = child.stdio[3] as Readable | undefined;
  let onFd3 = opts.onFd3;
  if (fd3 && onFd3) {
    fd3.on('data', (b: Buffer) => onFd3?.(b));
    fd3.on('error', () => undefined);
    fd3.on('close', () => {
      const listener = onFd3;
      onFd3 = undefined;
      listener?.(null);
    });
  }
  const result = new Promise<ProcessResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (outLen < max) out.push(b.subarray(0, max - outLen));
      outLen += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errLen < max) err.push(b.subarray(0, max - errLen));
      errLen += b.length;
    });
    child.on('error', reject);
    // Not 'close': that also waits for fd 3, which a daemonised child may keep.
    let open = 3;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const done = (): void => {
      if (--open > 0 || !exit) return;
      resolve({ ...exit, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    };
    child.stdout.on('close', done);
    child.stderr.on('close', done);
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      done();
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
  return {
    result,
    kill: (signal: NodeJS.Signals = 'SIGTERM') => {
      child.kill(signal);
    },
    closeFd3: () => {
      onFd3 = undefined;
      fd3?.destroy();
    },
  };
}

let shared: SpawnHelper | undefined;

/**
 * Runs `file args…` through the process-wide helper: what the agent's command runners use in
 * place of `child_process.spawn` for commands that run to completion.
 */
export function runProcess(
  file: string,
  args: readonly string[],
  opts: RunProcessOptions = {},
): RunningProcess {
  shared ??= new SpawnHelper();
  return shared.run(file, args, opts);
}

/** Whether `runProcess(name, args, { builtin: true })` can run the helper's built-ins here. */
export function builtinsAvailable(): boolean {
  shared ??= new SpawnHelper();
  return shared.builtinsAvailable;
}
