/**
 * The image store's writer lock, shared by every process that writes DATA_DIR/images (the node
 * agent and `podbay image import|rm` run beside it). It is a kernel flock(2) on DATA_DIR/images/lock,
 * held by a small `flock` child process for as long as the critical section runs: Node has no flock
 * API, and a kernel lock is released by the kernel when its holder dies, so a crashed writer never
 * leaves the store locked (a lock file with a pid in it would need stale-lock guessing).
 *
 * Readers take no lock: the index is replaced atomically (write to a temp file, rename), so they see
 * the old or the new one. Writers hold the lock only for the short commit steps, never while an
 * archive is read or unpacked.
 *
 * Mounting a container root only needs other mounts not to be excluded, just garbage collection:
 * it takes the lock shared (withSharedLock), so the roots of many pods starting at once are set up
 * side by side instead of one after another. A shared lock is taken on a descriptor this process
 * opened, by `flock --shared <fd>`, which exits once it holds it: the lock stays with the open file
 * (flock(2) locks belong to it), costs one short-lived process, and goes when the descriptor is
 * closed, or this process dies. Shared holders that overlap in this process share one such
 * descriptor, so a burst of pod starts runs one flock, not one per container. The descriptor is
 * kept for `idleHoldMs` (default 2 s) after the last shared holder leaves, so pods started one
 * after another do not run one each either: `flock` is a fork of the whole agent, which stops its
 * event loop for 5-25 ms. An exclusive writer in this process has it closed at once; one in
 * another process (`podbay image rm`) waits at most that much longer.
 */
import { spawn } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { ImageError } from './types.ts';
import { errorMessage } from '../../util/index.ts';

export interface StoreLockOptions {
  /** How long to wait for another writer; default 120 s. */
  readonly timeoutMs?: number;
  /** How long the shared lock is kept after its last holder left; default 2 s. */
  readonly idleHoldMs?: number;
}

interface SharedHold {
  readonly file: Promise<FileHandle>;
  holders: number;
  /** Set while nobody holds it: closes it unless a holder comes first. */
  idleTimer?: NodeJS.Timeout;
}

export class StoreLock {
  private readonly timeoutSeconds: number;
  /**
   * The shared lock this process holds while any of its shared holders runs: they all use one
   * descriptor, so a burst of container mounts costs one flock process, not one each.
   */
  private sharedHold: SharedHold | undefined;
  /** Serialises this process's writers, so they queue here instead of as flock processes. */
  private tail: Promise<unknown> = Promise.resolve();
  /** This process's writers waiting for the lock: the shared hold is not kept idle for them. */
  private writersWaiting = 0;

  private readonly path: string;
  private readonly idleHoldMs: number;

  constructor(path: string, opts: StoreLockOptions = {}) {
    this.path = path;
    this.timeoutSeconds = Math.max(1, Math.ceil((opts.timeoutMs ?? 120_000) / 1000));
    this.idleHoldMs = opts.idleHoldMs ?? 2_000;
  }

  /** Runs `fn` holding the lock (in this process and across processes); releases it however `fn` ends. */
  withLock<T>(fn: () => Promise<T>): Promise<T> {
    this.writersWaiting++;
    const run = this.tail.then(async () => {
      let release: () => Promise<void>;
      try {
        const idle = this.sharedHold;
        if (idle?.holders === 0) await this.closeSharedHold(idle);
        release = await this.acquire();
      } finally {
        this.writersWaiting--;
      }
      try {
        return await fn();
      } finally {
        await release();
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `fn` holding the lock shared: alongside other shared holders (in this process or others),
   * never alongside an exclusive one. Releases it however `fn` ends.
   */
  async withSharedLock<T>(fn: () => Promise<T>): Promise<T> {
    let hold = this.sharedHold;
    if (!hold) {
      const acquired = this.lockShared();
      acquired.catch(() => undefined);
      hold = { file: acquired, holders: 0 };
      this.sharedHold = hold;
    }
    clearTimeout(hold.idleTimer);
    hold.holders++;
    try {
      await hold.file;
      return await fn();
    } finally {
      if (--hold.holders === 0) {
        const failed = await hold.file.then(
          () => false,
          () => true,
        );
        if (hold.holders > 0) {
          // Another holder came in meanwhile.
        } else if (failed || this.writersWaiting > 0 || this.idleHoldMs === 0) {
          await this.closeSharedHold(hold);
        } else {
          const idle = hold;
          idle.idleTimer = setTimeout(() => {
            void this.closeSharedHold(idle);
          }, this.idleHoldMs);
          idle.idleTimer.unref();
        }
      }
    }
  }

  /** Closes the shared descriptor, which releases its lock (unless a holder came back). */
  private async closeSharedHold(hold: SharedHold): Promise<void> {
    if (hold.holders > 0) return;
    clearTimeout(hold.idleTimer);
    if (this.sharedHold === hold) this.sharedHold = undefined;
    await hold.file.then((f) => f.close()).catch(() => undefined);
  }

  /** Opens the lock file and takes the shared lock on it (`flock --shared <fd>`). */
  private async lockShared(): Promise<FileHandle> {
    const file = await open(this.path, 'a').catch((e: unknown) => {
      throw new ImageError(`cannot lock the image store (${this.path}): ${errorMessage(e)}`);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('flock', ['--shared', '--timeout', String(this.timeoutSeconds), '3'], {
          stdio: ['ignore', 'ignore', 'pipe', file.fd],
        });
        let err = '';
        child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
        child.on('error', (e) => {
          reject(new ImageError(`cannot lock the image store: cannot run flock: ${e.message}`));
        });
        child.on('close', (code) => {
          if (code === 0) resolve();
          else
            reject(
              new ImageError(
                code === 1 && err === ''
                  ? `timed out after ${this.timeoutSeconds}s waiting for the image store lock ${this.path}`
                  : `cannot lock the image store (${this.path}): ${err.trim() || `flock exited with ${code ?? 'a signal'}`}`,
              ),
            );
        });
      });
      return file;
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  private acquire(): Promise<() => Promise<void>> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        'flock',
        [
          '--exclusive',
          '--timeout',
          String(this.timeoutSeconds),
          this.path,
          'sh',
          '-c',
          'echo locked; exec cat >/dev/null',
        ],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      let locked = false;
      const closed = new Promise<void>((resolveClosed) => {
        child.on('close', (code) => {
          if (!locked)
            reject(
              new ImageError(
                code === 1 && err === ''
                  ? `timed out after ${this.timeoutSeconds}s waiting for the image store lock ${this.path}`
                  : `cannot lock the image store (${this.path}): ${err.trim() || `flock exited with ${code ?? 'a signal'}`}`,
              ),
            );
          resolveClosed();
        });
      });
      child.on('error', (e) => {
        reject(new ImageError(`cannot lock the image store: cannot run flock: ${e.message}`));
      });
      child.stdin.on('error', () => {
        // flock exited (timeout or error); 'close' reports it.
      });
      child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        if (!locked && out.includes('locked')) {
          locked = true;
          resolve(async () => {
            child.stdin.end();
            await closed;
          });
        }
      });
    });
  }
}
