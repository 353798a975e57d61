/**
 * Small Perl programs the runc streaming code runs as helper processes, for the three things
 * Node cannot do itself (perl-base is an essential Debian package, and these use only its core
 * modules, Socket and POSIX). Each starts per request, so start-up counts: POSIX is loaded only
 * where it is needed (a terminal, a child's exit) and no IO::Handle method is called (the control
 * channel is written with syswrite), which keeps an exec's helper start at ~3 ms instead of ~13:
 *
 *   EXEC_HELPER    runs `runc exec` with real pipes (a socket as stdin breaks `cat /dev/stdin`,
 *                  which is what Node's child stdio would give) or, for a tty, inside a
 *                  pseudo-terminal it allocates (/dev/ptmx), as CRI-O runs runc exec under a pty:
 *                  runc copies that terminal's size to the container's terminal on start and on
 *                  every SIGWINCH, which the kernel sends when we resize ours.
 *   ATTACH_RELAY   talks to conmon's attach socket, a SOCK_SEQPACKET socket (Node's net module
 *                  speaks only SOCK_STREAM): every packet from conmon starts with the stream it
 *                  came from (2 stdout, 3 stderr).
 *   PORT_RELAY     run under `nsenter --net=<pod netns>`: connects to localhost:<port> inside
 *                  the pod's network namespace and copies bytes both ways.
 *
 * Every helper reports on fd 3 (a socketpair from Node), one line per event:
 *   "ok"                 started / connected
 *   "exit <code>"        (exec) the command's exit status, 128+n for signal n
 *   "error <message>"    could not start or connect; the message is for the user
 * and the exec helper reads terminal sizes from fd 3 ("<rows> <cols>\n").
 *
 * Each copying direction runs in its own process (a fork), blocking, so a slow reader on one side
 * never stalls the other. Buffers are 256 KiB: port-forward must reach well over 100 MB/s.
 */

/**
 * argv: mode ("pipe" | "tty"), pid file, "1" to read stdin or "0", initial rows, initial cols,
 * then the runc command line. runc writes the pid file once the command runs; until then what
 * runc prints is its own error, kept back, and reported as "error …" if runc fails (exit 255).
 */
export const EXEC_HELPER = String.raw`
use strict; use warnings;
my ($mode, $pidfile, $wantin, $rows, $cols, @cmd) = @ARGV;
open(my $ctl, '+<&=', 3) or die "no control fd: $!";
# A forked child leaves with _exit(2) (no END blocks, no flushes). POSIX is loaded only then: at
# start-up it would cost ~6 ms, a tenth of an exec.
sub hard_exit { require POSIX; POSIX::_exit($_[0]); }
fcntl($ctl, 2, 1); # F_SETFD FD_CLOEXEC: runc must not inherit it
$SIG{PIPE} = 'IGNORE';
binmode(STDIN); binmode(STDOUT); binmode(STDERR);
my $BUF = 262144;
sub report { my $l = shift; $l =~ s/[\r\n]+/ /g; $l =~ s/\s+$//; syswrite($ctl, "$l\n"); }
sub writeall { my ($fh, $data) = @_; my $off = 0;
  while ($off < length $data) { my $n = syswrite($fh, $data, length($data) - $off, $off);
    return 0 unless defined $n; $off += $n; } return 1; }
sub status_of { my $st = shift; return ($st & 127) ? 128 + ($st & 127) : ($st >> 8); }
my $master;
sub setsize { my $ws = pack('S4', $_[0], $_[1], 0, 0); ioctl($master, 0x5414, $ws); } # TIOCSWINSZ

my ($runc, $out, $err, $in_w);
if ($mode eq 'tty') {
  sysopen($master, '/dev/ptmx', 2 | 256) or do { report("error cannot open /dev/ptmx: $!"); exit 1 }; # O_RDWR|O_NOCTTY
  my $unlock = pack('i', 0); # ioctl may write back: it needs a variable, not a constant
  ioctl($master, 0x40045431, $unlock) or do { report("error unlockpt: $!"); exit 1 };
  my $n = pack('I', 0);
  ioctl($master, 0x80045430, $n) or do { report("error ptsname: $!"); exit 1 };
  my $slave = '/dev/pts/' . unpack('I', $n);
  setsize($rows, $cols) if $rows > 0 && $cols > 0;
  $runc = fork();
  if (!defined $runc) { report("error fork: $!"); exit 1 }
  if ($runc == 0) {
    require POSIX;
    POSIX::setsid();
    close($master);
    open(my $s, '+<', $slave) or hard_exit(126);
    my $t = POSIX::Termios->new; $t->getattr(fileno $s);
    $t->setlflag($t->getlflag & ~(POSIX::ECHO() | POSIX::ICANON() | POSIX::ISIG() | POSIX::IEXTEN()));
    $t->setiflag($t->getiflag & ~(POSIX::ICRNL() | POSIX::IXON() | POSIX::INLCR() | POSIX::IGNCR() | POSIX::BRKINT() | POSIX::ISTRIP()));
    $t->setoflag($t->getoflag & ~POSIX::OPOST());
    $t->setattr(fileno $s, POSIX::TCSANOW());
    open(STDIN, '<&', $s); open(STDOUT, '>&', $s); open(STDERR, '>&', $s);
    close($s);
    exec { $cmd[0] } @cmd or hard_exit(127);
  }
  $out = $master;
} else {
  pipe(my $in_r, $in_w) or do { report("error pipe: $!"); exit 1 };
  pipe($out, my $out_w) or do { report("error pipe: $!"); exit 1 };
  pipe($err, my $err_w) or do { report("error pipe: $!"); exit 1 };
  $runc = fork();
  if (!defined $runc) { report("error fork: $!"); exit 1 }
  if ($runc == 0) {
    if ($wantin eq '1') { open(STDIN, '<&', $in_r) } else { open(STDIN, '<', '/dev/null') }
    open(STDOUT, '>&', $out_w); open(STDERR, '>&', $err_w);
    exec { $cmd[0] } @cmd or hard_exit(127);
  }
  close($in_r); close($out_w); close($err_w);
  close($in_w) if $wantin ne '1';
}
report("ok");

# stdin pump: its own process, so a command that does not read cannot stall its output.
my $pump;
if ($wantin eq '1') {
  $pump = fork();
  if (defined $pump && $pump == 0) {
    close(STDOUT); close(STDERR); # the parent's, so their end reaches the client
    my $to = $mode eq 'tty' ? $master : $in_w;
    close($out) if $mode ne 'tty'; close($err) if $mode ne 'tty';
    while (1) { my $buf; my $n = sysread(STDIN, $buf, $BUF);
      last if !defined $n || $n == 0; last unless writeall($to, $buf); }
    close($to) if $mode ne 'tty';
    hard_exit(0);
  }
  close($in_w) if $mode ne 'tty';
}

# Output until every writer is gone; what runc says before the pid file exists is held back,
# each stream's apart: a quick command's own output may come before we see the pid file.
my $started = 0; my %held; my @heldorder;
sub hold { my ($to, $buf) = @_; my $k = fileno($to);
  push(@heldorder, $k) unless exists $held{$k}; $held{$k} = [$to, ($held{$k} ? $held{$k}[1] : '') . $buf]; }
sub release { for my $k (@heldorder) { writeall(@{$held{$k}}) } %held = (); @heldorder = (); }
sub heldtext { return join('', map { $held{$_}[1] } @heldorder); }
my %open = (fileno($out) => [$out, \*STDOUT]);
$open{fileno($err)} = [$err, \*STDERR] if $mode ne 'tty';
my $ctlbuf = '';
my $ctlopen = ($mode eq 'tty') ? 1 : 0;
while (%open) {
  my $rin = ''; vec($rin, $_, 1) = 1 for keys %open;
  vec($rin, fileno($ctl), 1) = 1 if $ctlopen;
  my $nfound = select(my $rout = $rin, undef, undef, $started ? undef : 0.05);
  $started = 1 if !$started && -e $pidfile;
  release() if $started && @heldorder;
  next if $nfound <= 0;
  if ($ctlopen && vec($rout, fileno($ctl), 1)) {
    my $n = sysread($ctl, my $buf, 1024);
    if (!$n) { $ctlopen = 0 } else {
      $ctlbuf .= $buf;
      while ($ctlbuf =~ s/^(\d+) (\d+)\n//) { setsize($1, $2); }
    }
  }
  for my $fd (keys %open) {
    next unless vec($rout, $fd, 1);
    my ($from, $to) = @{$open{$fd}};
    my $n = sysread($from, my $buf, $BUF);
    if (!$n) { delete $open{$fd}; next; }   # EOF, or EIO once the pty's last user is gone
    if ($started) { writeall($to, $buf) } else { hold($to, $buf) }
  }
}
waitpid($runc, 0);
my $code = status_of($?);
if ($pump) { kill('KILL', $pump); waitpid($pump, 0); }
if (!$started && !-e $pidfile && $code != 0) {
  my $why = heldtext(); $why =~ s/^\s+|\s+$//g;
  report("error " . ($why eq '' ? "runc exec exited with status $code" : $why));
  exit 0;
}
release();
report("exit $code");
exit 0;
`;

/** argv: the attach socket's directory, its name, "1" to forward stdin. */
export const ATTACH_RELAY = String.raw`
use strict; use warnings;
use Socket qw(AF_UNIX SOCK_SEQPACKET pack_sockaddr_un);
my ($dir, $name, $wantin) = @ARGV;
open(my $ctl, '+<&=', 3) or die "no control fd: $!";
# A forked child leaves with _exit(2) (no END blocks, no flushes). POSIX is loaded only then: at
# start-up it would cost ~6 ms, a tenth of an exec.
sub hard_exit { require POSIX; POSIX::_exit($_[0]); }
$SIG{PIPE} = 'IGNORE';
binmode(STDIN); binmode(STDOUT); binmode(STDERR);
sub report { my $l = shift; $l =~ s/[\r\n]+/ /g; syswrite($ctl, "$l\n"); }
sub writeall { my ($fh, $data) = @_; my $off = 0;
  while ($off < length $data) { my $n = syswrite($fh, $data, length($data) - $off, $off);
    return 0 unless defined $n; $off += $n; } return 1; }
# The socket path may exceed sockaddr_un's 108 bytes: connect relative to its directory.
chdir($dir) or do { report("error cannot reach the attach socket: $!"); exit 0 };
socket(my $s, AF_UNIX, SOCK_SEQPACKET, 0) or do { report("error socket: $!"); exit 0 };
connect($s, pack_sockaddr_un($name)) or do { report("error cannot connect to the attach socket: $!"); exit 0 };
report("ok");
my $pump;
if ($wantin eq '1') {
  $pump = fork();
  if (defined $pump && $pump == 0) {
    close(STDOUT); close(STDERR); # the parent's, so their end reaches the client
    # conmon reads at most 32767 bytes per packet.
    while (1) { my $n = sysread(STDIN, my $buf, 32767); last if !defined $n || $n == 0;
      last unless defined send($s, $buf, 0); }
    shutdown($s, 1);
    hard_exit(0);
  }
}
while (1) {
  my $r = recv($s, my $pkt, 65536, 0);
  last if !defined $r || length($pkt) == 0;
  my $pipe = ord(substr($pkt, 0, 1));
  my $data = substr($pkt, 1);
  if ($pipe == 3) { writeall(\*STDERR, $data) } else { writeall(\*STDOUT, $data) }
}
if ($pump) { kill('KILL', $pump); waitpid($pump, 0); }
report("exit 0");
exit 0;
`;

/** argv: the port. Run inside the pod's network namespace. */
export const PORT_RELAY = String.raw`
use strict; use warnings;
use Socket qw(AF_INET AF_INET6 SOCK_STREAM IPPROTO_TCP TCP_NODELAY pack_sockaddr_in pack_sockaddr_in6 inet_pton inet_aton);
my ($port) = @ARGV;
open(my $ctl, '+<&=', 3) or die "no control fd: $!";
# A forked child leaves with _exit(2) (no END blocks, no flushes). POSIX is loaded only then: at
# start-up it would cost ~6 ms, a tenth of an exec.
sub hard_exit { require POSIX; POSIX::_exit($_[0]); }
$SIG{PIPE} = 'IGNORE';
binmode(STDIN); binmode(STDOUT);
my $BUF = 262144;
sub report { my $l = shift; $l =~ s/[\r\n]+/ /g; syswrite($ctl, "$l\n"); }
sub writeall { my ($fh, $data) = @_; my $off = 0;
  while ($off < length $data) { my $n = syswrite($fh, $data, length($data) - $off, $off);
    return 0 unless defined $n; $off += $n; } return 1; }
my ($s, $e4, $e6);
if (socket(my $s4, AF_INET, SOCK_STREAM, 0)) {
  if (connect($s4, pack_sockaddr_in($port, inet_aton('127.0.0.1')))) { $s = $s4 } else { $e4 = "$!" }
} else { $e4 = "$!" }
if (!$s) {
  if (socket(my $s6, AF_INET6, SOCK_STREAM, 0)) {
    if (connect($s6, pack_sockaddr_in6($port, inet_pton(AF_INET6, '::1')))) { $s = $s6 } else { $e6 = "$!" }
  } else { $e6 = "$!" }
}
if (!$s) {
  report("error IPv4: dial tcp4 127.0.0.1:$port: connect: " . lc($e4) . " IPv6: dial tcp6 [::1]:$port: connect: " . lc($e6));
  exit 0;
}
setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
report("ok");
my $pump = fork();
if (defined $pump && $pump == 0) {
  close(STDOUT); # only the parent may hold it, or the client never sees the pod's end
  while (1) { my $n = sysread(STDIN, my $buf, $BUF); last if !defined $n || $n == 0;
    last unless writeall($s, $buf); }
  shutdown($s, 1);
  hard_exit(0);
}
while (1) { my $n = sysread($s, my $buf, $BUF); last if !defined $n || $n == 0;
  last unless writeall(\*STDOUT, $buf); }
close(STDOUT);
waitpid($pump, 0) if $pump;
report("exit 0");
exit 0;
`;
