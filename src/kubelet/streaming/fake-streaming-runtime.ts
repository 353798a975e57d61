/**
 * A StreamingRuntime without containers, for tests of everything between the client and the
 * runtime (protocols, the kubelet server, the API server's proxy, kubectl):
 *
 *   exec   a few built-in commands, or handlers by command name:
 *            cat               stdin to stdout until stdin ends
 *            echo ARGS…        ARGS joined by spaces, and a newline
 *            sh -c 'exit N'    exit code N (any other script: exit 0)
 *            true | false      exit 0 | 1
 *            stderr TEXT       TEXT on stderr
 *            sizes             (tty) one line `WxH` per terminal size received, until stdin
 *                              ends or brings ^D (a terminal's end of input)
 *            sleep             until the session is aborted
 *          anything else rejects with runc's "executable file not found in $PATH".
 *   attach writes `attached to <id>\n`, then stdin to stdout until stdin ends or the client
 *          leaves.
 *   portForward connects to 127.0.0.1:<port> on the host (`portMap` may redirect), as if the pod's
 *          network namespace were the host's.
 *
 * Every call is recorded in `calls`, with the terminal sizes it received.
 */
import { connect } from 'node:net';
import type { Writable } from 'node:stream';
import { splice } from './splice.ts';
import {
  type AttachRequest,
  type ExecRequest,
  type PortForwardRequest,
  StreamingError,
  type StreamingRuntime,
  type TerminalSize,
} from './types.ts';

export type FakeExecHandler = (req: ExecRequest) => Promise<number>;

export interface FakeStreamingCall {
  readonly op: 'exec' | 'attach' | 'portForward';
  readonly id: string;
  readonly command?: readonly string[];
  readonly port?: number;
  readonly tty?: boolean;
  readonly stdin?: boolean;
  readonly resizes: TerminalSize[];
  /** Set once the call has returned; `aborted` when its signal fired first. */
  ended?: 'done' | 'aborted' | 'failed';
}

export interface FakeStreamingRuntimeOptions {
  /** Handlers by command name, tried before the built-ins. */
  readonly handlers?: Readonly<Record<string, FakeExecHandler>>;
  /** Where a forwarded port goes on the host; default 127.0.0.1 and the same port. */
  readonly portMap?: (sandboxId: string, port: number) => { host: string; port: number };
  /**
   * Milliseconds before an exec's command starts (default 0). A real `runc exec` takes tens of
   * milliseconds; tests that drive kubectl need some of that, as kubectl's WebSocket client drops
   * frames that arrive before it has set up its streams ("Unknown stream id"), output and exit
   * status included, and then fails with "closed all streams".
   */
  readonly execStartDelayMs?: number;
}

function write(w: Writable | undefined, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!w || w.destroyed || w.writableEnded) {
      resolve();
      return;
    }
    w.write(text, () => {
      resolve();
    });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else
      signal.addEventListener('abort', () => {
        resolve();
      });
  });
}

/** Copies stdin to stdout (or discards it) until stdin ends or the signal aborts. */
function copyStdin(req: ExecRequest | AttachRequest, echo = true): Promise<void> {
  return new Promise((resolve) => {
    const stdin = req.stdin;
    if (!stdin) {
      resolve();
      return;
    }
    const done = (): void => {
      stdin.unpipe();
      req.signal.removeEventListener('abort', done);
      resolve();
    };
    if (req.stdout && echo) stdin.pipe(req.stdout, { end: false });
    else stdin.resume();
    stdin.once('end', done);
    stdin.once('close', done);
    req.signal.addEventListener('abort', done);
  });
}

/** Reads stdin until it ends, brings ^D, or the signal aborts. */
function untilEndOfInput(req: ExecRequest): Promise<void> {
  return new Promise((resolve) => {
    const stdin = req.stdin;
    if (!stdin) {
      resolve();
      return;
    }
    const done = (): void => {
      stdin.off('data', onData);
      req.signal.removeEventListener('abort', done);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      if (chunk.includes(4)) done();
    };
    stdin.on('data', onData);
    stdin.once('end', done);
    stdin.once('close', done);
    req.signal.addEventListener('abort', done);
  });
}

export class FakeStreamingRuntime implements StreamingRuntime {
  readonly calls: FakeStreamingCall[] = [];
  private readonly opts: FakeStreamingRuntimeOptions;

  constructor(opts: FakeStreamingRuntimeOptions = {}) {
    this.opts = opts;
  }

  async exec(req: ExecRequest): Promise<{ exitCode: number }> {
    const call: FakeStreamingCall = {
      op: 'exec',
      id: req.containerId,
      command: [...req.command],
      tty: req.tty,
      stdin: req.stdin !== undefined,
      resizes: [],
    };
    this.calls.push(call);
    // Sizes keep coming until the session closes, after we return: not awaited.
    void this.collectSizes(req, call);
    try {
      const delay = this.opts.execStartDelayMs ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const exitCode = await this.run(req);
      call.ended = req.signal.aborted ? 'aborted' : 'done';
      return { exitCode };
    } catch (err) {
      call.ended = 'failed';
      throw err;
    }
  }

  async attach(req: AttachRequest): Promise<void> {
    const call: FakeStreamingCall = {
      op: 'attach',
      id: req.containerId,
      tty: req.tty,
      stdin: req.stdin !== undefined,
      resizes: [],
    };
    this.calls.push(call);
    void this.collectSizes(req, call);
    await write(req.stdout, `attached to ${req.containerId}\n`);
    if (req.stdin) await copyStdin(req);
    else await untilAborted(req.signal);
    call.ended = req.signal.aborted ? 'aborted' : 'done';
  }

  async portForward(req: PortForwardRequest): Promise<void> {
    const call: FakeStreamingCall = {
      op: 'portForward',
      id: req.sandboxId,
      port: req.port,
      resizes: [],
    };
    this.calls.push(call);
    const to = this.opts.portMap?.(req.sandboxId, req.port) ?? {
      host: '127.0.0.1',
      port: req.port,
    };
    const socket = connect({ host: to.host, port: to.port, allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          new StreamingError(
            `failed to connect to localhost:${req.port} inside namespace "${req.sandboxId}": dial tcp 127.0.0.1:${req.port}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`,
          ),
        );
      });
    }).catch((err: unknown) => {
      call.ended = 'failed';
      socket.destroy();
      throw err;
    });
    socket.setNoDelay(true);
    const result = await splice(
      req.stream,
      { input: socket, output: socket, destroy: () => socket.destroy() },
      { signal: req.signal },
    );
    call.ended = result.cut === 'aborted' ? 'aborted' : 'done';
  }

  private async collectSizes(
    req: ExecRequest | AttachRequest,
    call: FakeStreamingCall,
  ): Promise<void> {
    if (!req.resize) return;
    for await (const size of req.resize) {
      call.resizes.push(size);
      if (call.command?.[0] === 'sizes' && call.ended === undefined) {
        await write(req.stdout, `${size.width}x${size.height}\n`);
      }
    }
  }

  private async run(req: ExecRequest): Promise<number> {
    const [cmd = '', ...args] = req.command;
    const handler = this.opts.handlers?.[cmd];
    if (handler) return handler(req);
    switch (cmd) {
      case 'cat':
        await copyStdin(req);
        return 0;
      case 'echo':
        await write(req.stdout, `${args.join(' ')}\n`);
        return 0;
      case 'sh': {
        const m = args[0] === '-c' ? /^\s*exit\s+(\d+)\s*$/.exec(args[1] ?? '') : null;
        return m ? Number(m[1]) : 0;
      }
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'stderr':
        await write(req.stderr ?? req.stdout, args.join(' '));
        return 0;
      case 'sizes':
        await untilEndOfInput(req);
        return 0;
      case 'sleep':
        await untilAborted(req.signal);
        return 137;
      default:
        throw new StreamingError(
          `OCI runtime exec failed: exec failed: unable to start container process: exec: ${JSON.stringify(cmd)}: executable file not found in $PATH: unknown`,
        );
    }
  }
}
