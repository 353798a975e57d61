/**
 * The Perl helpers on their own, without runc or conmon (no root): the exec helper runs a shell
 * in runc's place (writing the pid file itself), the port relay runs without nsenter against a
 * local TCP server, and the attach relay talks to a small SOCK_SEQPACKET server playing conmon.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACH_RELAY, EXEC_HELPER, PORT_RELAY } from './stream-helpers.ts';
import { missing } from '../../../../test/support/prerequisites.ts';

const havePerl = existsSync('/usr/bin/perl');

interface Run {
  stdout: string;
  stderr: string;
  control: string[];
}

/** Runs a helper, feeding stdin and control lines, and collects everything it writes. */
function run(
  script: string,
  args: string[],
  opts: { stdin?: string; control?: string[]; stdinDelayMs?: number; controlDelayMs?: number } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('perl', ['-e', script, ...args], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const control = child.stdio[3] as Duplex;
    let stdout = '';
    let stderr = '';
    let ctl = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    control.on('data', (c: Buffer) => (ctl += c.toString()));
    control.on('error', () => undefined);
    setTimeout(() => {
      for (const line of opts.control ?? []) control.write(`${line}\n`);
    }, opts.controlDelayMs ?? 0);
    setTimeout(() => {
      child.stdin.end(opts.stdin ?? '');
    }, opts.stdinDelayMs ?? 0);
    child.on('close', () => {
      resolve({ stdout, stderr, control: ctl.split('\n').filter(Boolean) });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'podbay-helpers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for runc: writes the pid file, then runs `script`. */
function fakeRunc(pidFile: string, script: string): string[] {
  return ['/bin/sh', '-c', `echo $$ > ${pidFile}; ${script}`];
}

describe.skipIf(missing({ perl: havePerl }))('exec helper', () => {
  it('pipe mode: stdin, stdout and stderr as real pipes, and the exit code', async () => {
    const pid = path.join(dir, 'p1.pid');
    const r = await run(
      EXEC_HELPER,
      ['pipe', pid, '1', '0', '0', ...fakeRunc(pid, 'cat /dev/stdin; echo to-stderr >&2; exit 3')],
      { stdin: 'through a pipe\n' },
    );
    expect(r.stdout).toBe('through a pipe\n');
    expect(r.stderr).toBe('to-stderr\n');
    expect(r.control).toEqual(['ok', 'exit 3']);
  });

  it('pipe mode without stdin gives the command /dev/null', async () => {
    const pid = path.join(dir, 'p2.pid');
    const r = await run(EXEC_HELPER, [
      'pipe',
      pid,
      '0',
      '0',
      '0',
      ...fakeRunc(pid, 'cat; echo done'),
    ]);
    expect(r.stdout).toBe('done\n');
    expect(r.control).toEqual(['ok', 'exit 0']);
  });

  it('reports a signal as 128+n', async () => {
    const pid = path.join(dir, 'p3.pid');
    const r = await run(EXEC_HELPER, ['pipe', pid, '0', '0', '0', ...fakeRunc(pid, 'kill -9 $$')]);
    expect(r.control).toEqual(['ok', 'exit 137']);
  });

  it('holds back what runc says before the command started, and reports it as the error', async () => {
    const pid = path.join(dir, 'never.pid');
    const r = await run(EXEC_HELPER, [
      'pipe',
      pid,
      '0',
      '0',
      '0',
      '/bin/sh',
      '-c',
      'echo "exec failed: unable to start container process: exec: \\"nosuch\\": executable file not found in \\$PATH" >&2; exit 255',
    ]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    expect(r.control).toEqual([
      'ok',
      'error exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH',
    ]);
  });

  it('keeps stdout and stderr apart when the output comes before the pid file is seen', async () => {
    // The command writes both streams, then the pid file appears: all of it is held back first.
    const pid = path.join(dir, 'late.pid');
    const r = await run(EXEC_HELPER, [
      'pipe',
      pid,
      '0',
      '0',
      '0',
      '/bin/sh',
      '-c',
      `echo out; echo err >&2; sleep 0.2; echo $$ > ${pid}; exit 3`,
    ]);
    expect(r).toEqual({ stdout: 'out\n', stderr: 'err\n', control: ['ok', 'exit 3'] });
  });

  it('tty mode: a terminal of the initial size, resized on request, raw (no echo)', async () => {
    const pid = path.join(dir, 'p4.pid');
    const r = await run(
      EXEC_HELPER,
      [
        'tty',
        pid,
        '1',
        '40',
        '120',
        ...fakeRunc(
          pid,
          'test -t 0 && echo is-a-tty; stty size; read line; stty size; echo "got $line"',
        ),
      ],
      { control: ['30 100'], controlDelayMs: 300, stdin: 'typed\n', stdinDelayMs: 600 },
    );
    // The size changes before the line is read; no local echo of "typed".
    expect(r.stdout.split(/\r?\n/)).toEqual(['is-a-tty', '40 120', '30 100', 'got typed', '']);
    expect(r.control).toEqual(['ok', 'exit 0']);
  });
});

describe.skipIf(missing({ perl: havePerl }))('port relay', () => {
  it('connects to localhost:<port>, copies both ways and carries the half-close', async () => {
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      let got = '';
      socket.on('data', (c: Buffer) => (got += c.toString()));
      socket.on('end', () => {
        socket.end(`echo:${got}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const r = await run(PORT_RELAY, [String(port)], { stdin: 'request bytes' });
      expect(r.stdout).toBe('echo:request bytes');
      expect(r.control).toEqual(['ok', 'exit 0']);
    } finally {
      server.close();
    }
  });

  it('says why it cannot connect, as containerd words it', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const r = await run(PORT_RELAY, [String(port)]);
    expect(r.control).toEqual([
      `error IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6: dial tcp6 [::1]:${port}: connect: ${r.control[0]?.split(': connect: ').at(-1) ?? ''}`,
    ]);
    expect(r.control[0]).toMatch(
      /^error IPv4: dial tcp4 127\.0\.0\.1:\d+: connect: connection refused IPv6: /,
    );
  });
});

/** A conmon stand-in: one SOCK_SEQPACKET client; echoes stdin packets back as stdout. */
const FAKE_CONMON = String.raw`
use strict; use warnings;
use Socket qw(AF_UNIX SOCK_SEQPACKET pack_sockaddr_un SOMAXCONN);
my ($dir) = @ARGV;
chdir($dir) or die;
socket(my $l, AF_UNIX, SOCK_SEQPACKET, 0) or die "socket: $!";
bind($l, pack_sockaddr_un('attach')) or die "bind: $!";
listen($l, 1) or die;
print "ready\n"; STDOUT->flush();
accept(my $c, $l) or die;
send($c, "\x02hello on stdout\n", 0);
send($c, "\x03hello on stderr\n", 0);
while (1) { my $r = recv($c, my $buf, 65536, 0); last if !defined $r || length($buf) == 0;
  send($c, "\x02" . "stdin:" . $buf, 0); }
send($c, "\x02bye\n", 0);
close($c);
`;

describe.skipIf(missing({ perl: havePerl }))('attach relay', () => {
  it('demultiplexes conmon’s packets onto stdout and stderr and sends stdin as packets', async () => {
    const conmon = spawn('perl', ['-e', FAKE_CONMON, dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => {
      conmon.stdout.once('data', () => {
        resolve();
      });
    });
    try {
      const r = await run(ATTACH_RELAY, [dir, 'attach', '1'], { stdin: 'typed' });
      expect(r.stdout).toBe('hello on stdout\nstdin:typedbye\n');
      expect(r.stderr).toBe('hello on stderr\n');
      expect(r.control).toEqual(['ok', 'exit 0']);
    } finally {
      conmon.kill();
      await rm(path.join(dir, 'attach'), { force: true });
    }
  });

  it('says so when there is no attach socket', async () => {
    const r = await run(ATTACH_RELAY, [dir, 'missing', '0']);
    expect(r.control[0]).toMatch(/^error cannot connect to the attach socket: /);
  });
});
