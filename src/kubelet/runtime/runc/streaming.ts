/**
 * Exec, attach and port-forward for runc containers (the StreamingRuntime side of RuncRuntime):
 *
 *   exec          `runc exec --process <json> --pid-file <file> <id>` with the container's own
 *                 process settings (user, env, cwd, capabilities, rlimits, no_new_privs) and only
 *                 argv and the terminal flag replaced (TERM=xterm added for a tty, as containerd
 *                 does), run by the exec helper (stream-helpers.ts) with real pipes or in a pty.
 *                 Resizes go to the helper, which resizes its pty; runc passes that on. A client
 *                 that leaves, or a stopping server, SIGKILLs the exec'd process (its pid file)
 *                 and the helper's process group.
 *   attach        conmon's attach socket (`<attach dir>/<id>/attach`, SOCK_SEQPACKET) through the
 *                 attach relay; stdin only when the container was created with stdin (conmon
 *                 --stdin); resizes as `1 <rows> <cols>` lines on conmon's control FIFO
 *                 (`<bundle>/ctl`). Ends when conmon closes the socket (the container exited) or
 *                 the client leaves.
 *   port-forward  the port relay under `nsenter --net=<the sandbox's netns>`, connecting to
 *                 localhost:<port> in the pod (127.0.0.1, then ::1), spliced to the client's
 *                 stream with half-closes carried both ways; a hostNetwork pod's port is the
 *                 host's, connected to directly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { type Logger, silentLogger, errorMessage } from '../../../util/index.ts';
import {
  type AttachRequest,
  type ExecRequest,
  type PortForwardRequest,
  StreamingError,
  type TerminalSize,
  splice,
} from '../../streaming/index.ts';
import { prepareExec } from './runc-exec.ts';
import { ATTACH_RELAY, EXEC_HELPER, PORT_RELAY } from './stream-helpers.ts';

export interface HelperTools {
  /** Default: perl on PATH. */
  readonly perlPath?: string;
  /** Default: nsenter on PATH. */
  readonly nsenterPath?: string;
  readonly logger?: Logger;
}

/**
 * How long a tty exec waits for the client's first terminal size before it starts. kubectl sends
 * it right after the streams are set up, but on a loaded machine that took over 200 ms (a
 * command that asks for its size at once then saw 0x0); a client that never sends one only
 * delays its command by this much.
 */
const FIRST_SIZE_WAIT_MS = 1000;
/** After SIGKILLing an exec'd process, how long the helper gets to see it go. */
const KILL_GRACE_MS = 2000;

/** Lines the helper reports on fd 3 (and terminal sizes written to it). */
class ControlChannel {
  readonly socket: Duplex;
  private buffered = '';
  private ended = false;
  private readonly lines: string[] = [];
  private readonly waiters: ((line: string | undefined) => void)[] = [];

  constructor(socket: Duplex) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('utf8');
      for (;;) {
        const nl = this.buffered.indexOf('\n');
        if (nl < 0) break;
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      }
    });
    const end = (): void => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(undefined);
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', () => undefined);
  }

  /** The next line; undefined once the helper is gone. */
  next(): Promise<string | undefined> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  write(line: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(`${line}\n`);
  }
}

interface Helper {
  readonly child: ChildProcess;
  readonly control: ControlChannel;
  readonly exited: Promise<void>;
  /** SIGKILLs the helper's whole process group. */
  kill(): void;
}

function startHelper(
  command: string,
  args: readonly string[],
  stdin: boolean,
  log: Logger,
): Helper {
  const child = spawn(command, [...args], {
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
    // Its own process group, so the helper and its forks go together.
    detached: true,
  });
  const control = new ControlChannel(child.stdio[3] as Duplex);
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => {
      resolve();
    });
    child.once('error', (err) => {
      log.warn('streaming helper could not run', { command, err: err.message });
      resolve();
    });
  });
  child.stdin?.on('error', () => undefined);
  child.stdout?.on('error', () => undefined);
  child.stderr?.on('error', () => undefined);
  return {
    child,
    control,
    exited,
    kill() {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** The first line; an "error …" line becomes a StreamingError. */
async function expectOk(helper: Helper, what: string): Promise<void> {
  const line = await helper.control.next();
  if (line === 'ok') return;
  helper.kill();
  if (line?.startsWith('error ')) throw new StreamingError(line.slice(6));
  const stderr = await new Promise<string>((resolve) => {
    let text = '';
    helper.child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
    void helper.exited.then(() => {
      resolve(text.trim());
    });
  });
  throw new StreamingError(`${what}: the helper failed${stderr ? `: ${stderr}` : ''}`);
}

function waitEnd(stream: Readable | null | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!stream || stream.readableEnded || stream.destroyed) {
      resolve();
      return;
    }
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}

/** Resolves with the first terminal size, or undefined after `ms`. */
async function firstSize(
  sizes: AsyncIterator<TerminalSize>,
  ms: number,
): Promise<{ first?: TerminalSize; pending?: Promise<IteratorResult<TerminalSize>> }> {
  const next = sizes.next();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      resolve(undefined);
    }, ms);
  });
  const r = await Promise.race([next, timeout]);
  clearTimeout(timer);
  if (r === undefined) return { pending: next };
  return r.done ? {} : { first: r.value };
}

// ------------------------------------------------------------------------------------ exec

export interface RuncStreamExecOptions extends HelperTools {
  readonly runcPath: string;
  readonly runcRoot: string;
  readonly containerId: string;
  readonly bundleDir: string;
  readonly req: ExecRequest;
}

export async function runcStreamExec(o: RuncStreamExecOptions): Promise<{ exitCode: number }> {
  const { req } = o;
  const log = o.logger ?? silentLogger;
  if (req.command.length === 0) throw new StreamingError('exec: no command given');
  const exec = await prepareExec(o, (p) => {
    const env = [...p.env];
    if (req.tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
    return { ...p, args: [...req.command], env, terminal: req.tty };
  });
  const { pidFile } = exec;
  let sizes: AsyncIterator<TerminalSize> | undefined;
  let pendingSize: Promise<IteratorResult<TerminalSize>> | undefined;
  let initial: TerminalSize | undefined;
  if (req.tty && req.resize) {
    sizes = req.resize[Symbol.asyncIterator]();
    const got = await firstSize(sizes, FIRST_SIZE_WAIT_MS);
    initial = got.first;
    pendingSize = got.pending;
  }
  const wantStdin = req.stdin !== undefined;
  const helper = startHelper(
    o.perlPath ?? 'perl',
    [
      '-e',
      EXEC_HELPER,
      req.tty ? 'tty' : 'pipe',
      pidFile,
      wantStdin ? '1' : '0',
      String(initial?.height ?? 0),
      String(initial?.width ?? 0),
      o.runcPath,
      ...exec.args,
    ],
    wantStdin,
    log,
  );
  let killed = false;
  const killExec = (): void => {
    if (killed) return;
    killed = true;
    void exec.killProcess().finally(() => {
      setTimeout(() => {
        helper.kill();
      }, KILL_GRACE_MS).unref();
    });
  };
  req.signal.addEventListener('abort', killExec);
  try {
    if (req.signal.aborted) killExec();
    await expectOk(helper, 'exec');
    const child = helper.child;
    if (req.stdin && child.stdin) req.stdin.pipe(child.stdin);
    if (req.stdout) child.stdout?.pipe(req.stdout, { end: false });
    else child.stdout?.resume();
    if (req.stderr) child.stderr?.pipe(req.stderr, { end: false });
    else child.stderr?.resume();
    const state = { done: false };
    if (sizes) {
      const iterator = sizes;
      void (async () => {
        let next = pendingSize ?? iterator.next();
        for (;;) {
          const r = await next;
          if (r.done || state.done) return;
          helper.control.write(`${r.value.height} ${r.value.width}`);
          next = iterator.next();
        }
      })().catch(() => undefined);
    }
    const result = await helper.control.next();
    state.done = true;
    await Promise.all([waitEnd(child.stdout), waitEnd(child.stderr)]);
    req.stdin?.unpipe();
    if (result?.startsWith('exit ')) return { exitCode: Number(result.slice(5)) };
    if (result?.startsWith('error ')) {
      throw new StreamingError(`OCI runtime exec failed: ${result.slice(6)}`);
    }
    if (req.signal.aborted) return { exitCode: 137 };
    throw new StreamingError('exec: the helper ended without a status');
  } finally {
    req.signal.removeEventListener('abort', killExec);
    helper.kill();
    await helper.exited;
    await exec.remove();
  }
}

// ---------------------------------------------------------------------------------- attach

export interface ConmonAttachOptions extends HelperTools {
  /** `<attach dir>/<id>`: conmon's link to the bundle, where its `attach` socket is. */
  readonly socketDir: string;
  /** conmon's control FIFO (`<bundle>/ctl`). */
  readonly ctlPath: string;
  /** Whether the container was created with stdin (conmon reads it only then). */
  readonly containerStdin: boolean;
  readonly req: AttachRequest;
}

export async function conmonAttach(o: ConmonAttachOptions): Promise<void> {
  const { req } = o;
  const log = o.logger ?? silentLogger;
  const wantStdin = req.stdin !== undefined && o.containerStdin;
  const helper = startHelper(
    o.perlPath ?? 'perl',
    ['-e', ATTACH_RELAY, o.socketDir, 'attach', wantStdin ? '1' : '0'],
    wantStdin,
    log,
  );
  const stop = (): void => {
    helper.kill();
  };
  req.signal.addEventListener('abort', stop);
  let ctl: FileHandle | undefined;
  try {
    if (req.signal.aborted) stop();
    await expectOk(helper, 'attach');
    const child = helper.child;
    const stdin = req.stdin;
    if (stdin && child.stdin) stdin.pipe(child.stdin);
    else stdin?.resume();
    if (req.stdout) child.stdout?.pipe(req.stdout, { end: false });
    else child.stdout?.resume();
    if (req.stderr) child.stderr?.pipe(req.stderr, { end: false });
    else child.stderr?.resume();
    const state = { done: false };
    if (req.tty && req.resize) {
      const resize = req.resize;
      void (async () => {
        for await (const size of resize) {
          if (state.done) return;
          ctl ??= await open(o.ctlPath, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
          await ctl.write(`1 ${size.height} ${size.width}\n`);
        }
      })().catch((err: unknown) => {
        log.debug('attach resize failed', {
          err: errorMessage(err),
        });
      });
    }
    await helper.control.next();
    state.done = true;
    await Promise.all([waitEnd(child.stdout), waitEnd(child.stderr)]);
    req.stdin?.unpipe();
  } finally {
    req.signal.removeEventListener('abort', stop);
    helper.kill();
    await helper.exited;
    await ctl?.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------- port-forward

export interface NetnsPortForwardOptions extends HelperTools {
  /** The pod's network namespace; undefined for a hostNetwork pod. */
  readonly netnsPath: string | undefined;
  readonly req: PortForwardRequest;
}

function connectFailure(req: PortForwardRequest, why: string): StreamingError {
  return new StreamingError(
    `failed to connect to localhost:${req.port} inside namespace ${JSON.stringify(req.sandboxId)}, ${why}`,
  );
}

export async function netnsPortForward(o: NetnsPortForwardOptions): Promise<void> {
  const { req } = o;
  const log = o.logger ?? silentLogger;
  if (o.netnsPath === undefined) {
    // hostNetwork: the pod's loopback is the host's.
    const socket = connect({ host: '127.0.0.1', port: req.port, allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          connectFailure(
            req,
            `IPv4: dial tcp4 127.0.0.1:${req.port}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`,
          ),
        );
      });
    });
    socket.setNoDelay(true);
    await splice(
      req.stream,
      { input: socket, output: socket, destroy: () => socket.destroy() },
      {
        signal: req.signal,
      },
    );
    return;
  }
  const helper = startHelper(
    o.nsenterPath ?? 'nsenter',
    [`--net=${o.netnsPath}`, '--', o.perlPath ?? 'perl', '-e', PORT_RELAY, String(req.port)],
    true,
    log,
  );
  const stop = (): void => {
    helper.kill();
  };
  req.signal.addEventListener('abort', stop);
  try {
    if (req.signal.aborted) stop();
    const line = await helper.control.next();
    if (line !== 'ok') {
      helper.kill();
      if (line?.startsWith('error ')) throw connectFailure(req, line.slice(6));
      throw new StreamingError(
        `cannot enter the network namespace of pod sandbox ${JSON.stringify(req.sandboxId)}`,
      );
    }
    const child = helper.child;
    const input = child.stdin;
    const output = child.stdout;
    if (!input || !output) throw new StreamingError('port-forward: the relay has no pipes');
    await splice(req.stream, { input, output, destroy: stop }, { signal: req.signal });
  } finally {
    req.signal.removeEventListener('abort', stop);
    helper.kill();
    await helper.exited;
  }
}
