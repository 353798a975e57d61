/**
 * Connects a client stream (a SPDY data stream, a WebSocket channel pair) to a target (a TCP
 * socket, a helper process's stdio) in both directions, with half-closes carried across: the
 * client ending its half ends the target's input (the pod's server sees EOF), the target's output
 * ending ends the client's half (the client sees FIN).
 *
 * Done when both directions are done; at once when either side is destroyed (a client RST, a
 * connection reset in the pod) or `signal` aborts. Once one direction is done, the other may sit
 * idle only `lingerMs` (default 30 s) before both are closed, so a server in the pod that ignores
 * EOF cannot hold the stream forever (containerd gives it 1 s, idle or not).
 */
import type { Readable, Writable } from 'node:stream';

export interface SpliceTarget {
  /** Where the client's bytes go. */
  readonly input: Writable;
  /** What goes back to the client. */
  readonly output: Readable;
  /** Tears the target down (closes the socket, kills the process). */
  destroy(): void;
}

export interface SpliceOptions {
  readonly signal?: AbortSignal;
  readonly lingerMs?: number;
  /** Timers and time for the linger; default the global ones (injected in tests). */
  readonly setTimer?: (fn: () => void, ms: number) => () => void;
  readonly now?: () => number;
}

export interface SpliceResult {
  /** Bytes from the client to the target, and back. */
  readonly up: number;
  readonly down: number;
  /** Why it ended before both directions were done, if it did. */
  readonly cut?: 'client' | 'target' | 'aborted' | 'linger';
}

const defaultTimer = (fn: () => void, ms: number): (() => void) => {
  const t = setTimeout(fn, ms);
  return () => {
    clearTimeout(t);
  };
};

export function splice(
  client: Readable & Writable,
  target: SpliceTarget,
  opts: SpliceOptions = {},
): Promise<SpliceResult> {
  const lingerMs = opts.lingerMs ?? 30_000;
  const setTimer = opts.setTimer ?? defaultTimer;
  const now = opts.now ?? Date.now;
  return new Promise((resolve) => {
    let up = 0;
    let down = 0;
    let upDone = false;
    let downDone = false;
    let clientReadEnded = false;
    let clientWriteFinished = false;
    let settled = false;
    let lastMove = 0;
    let cancelLinger: () => void = () => undefined;

    const settle = (cut?: SpliceResult['cut']): void => {
      if (settled) return;
      settled = true;
      cancelLinger();
      client.off('data', onClientData);
      target.output.off('data', onTargetData);
      opts.signal?.removeEventListener('abort', onAbort);
      if (cut) {
        target.destroy();
        if (!client.destroyed) {
          if (cut === 'target' || cut === 'linger') client.end();
          else client.destroy();
        }
      } else {
        target.destroy();
      }
      resolve(cut ? { up, down, cut } : { up, down });
    };

    const check = (): void => {
      if (upDone && downDone) {
        settle();
        return;
      }
      if (upDone || downDone) armLinger();
    };

    const armLinger = (): void => {
      cancelLinger();
      lastMove = now();
      const tick = (): void => {
        const idle = now() - lastMove;
        if (idle >= lingerMs) settle('linger');
        else cancelLinger = setTimer(tick, lingerMs - idle);
      };
      cancelLinger = setTimer(tick, lingerMs);
    };

    const onClientData = (chunk: Buffer): void => {
      up += chunk.length;
      lastMove = now();
      if (!target.input.write(chunk)) {
        client.pause();
        target.input.once('drain', () => {
          client.resume();
        });
      }
    };
    const onTargetData = (chunk: Buffer): void => {
      down += chunk.length;
      lastMove = now();
      if (!client.write(chunk)) {
        target.output.pause();
        client.once('drain', () => {
          target.output.resume();
        });
      }
    };
    const onAbort = (): void => {
      settle('aborted');
    };

    client.on('data', onClientData);
    client.once('end', () => {
      clientReadEnded = true;
      target.input.end(() => {
        upDone = true;
        check();
      });
    });
    client.once('finish', () => {
      clientWriteFinished = true;
    });
    client.once('close', () => {
      // Closed before both halves ended: the client reset the stream or its connection went.
      if (!(clientReadEnded && clientWriteFinished)) settle('client');
    });
    client.on('error', () => {
      settle('client');
    });

    target.output.on('data', onTargetData);
    target.output.once('end', () => {
      client.end(() => {
        clientWriteFinished = true;
        downDone = true;
        check();
      });
    });
    target.output.once('close', () => {
      if (!target.output.readableEnded) settle('target');
    });
    target.output.on('error', () => {
      settle('target');
    });
    target.input.on('error', () => {
      // The target stopped reading (EPIPE): what the client still sends has nowhere to go.
      upDone = true;
      client.resume();
      check();
    });

    if (opts.signal?.aborted) {
      settle('aborted');
      return;
    }
    opts.signal?.addEventListener('abort', onAbort);
  });
}
