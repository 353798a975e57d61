/**
 * Reads a CRI-format container log file into a writable, with the options of `kubectl logs`
 * (PodLogOptions), the way the kubelet's CRI log reader does:
 *
 *   1. open the file (symlinks resolved, so the watch below sees the real file);
 *   2. `tailLines`: start at the last N records (a record still being written is not counted);
 *      without `follow`, stop after N records;
 *   3. for each record: skip it if it is not CRI format, or older than `since`; prefix it with its
 *      timestamp (`timestamps`) when it starts a line (a partial record continues the line, so the
 *      next record gets no prefix); cut it at `limitBytes` and stop there;
 *   4. at the end of the file: without `follow`, write what is left (a last record without its
 *      newline) and stop. With `follow`, wait for the file to change (fs.watch, plus a re-read every
 *      second in case an event was missed, as the kubelet does) and read on; once the container
 *      has exited, read to the end one last time and stop. A record without its newline is left
 *      until the runtime finishes it.
 *
 * The reader stops early, without error, when `signal` aborts (the client went away) or the
 * output closes. Output goes out in one write per block read, and waits for the writable to drain,
 * so a slow client slows the reader instead of filling memory.
 *
 * With `follow`, the reader follows log rotation (the kubelet renames the file and the runtime
 * re-creates it): at the end of the file, when the path names a new file, it reads the old one to
 * its end and goes on from the start of the new one. As upstream, rotated files are not read for
 * `tailLines` or `previous`. Only the CRI format is read (not docker JSON logs).
 */
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  errorMessage,
  type Clock,
  type Logger,
  realClock,
  silentLogger,
} from '../../util/index.ts';
import { formatLogTimestamp, parseCriLogLine, timestampNanos } from './cri-log-line.ts';
import { findTailOffset } from './tail-offset.ts';

/** What to return, after upstream's `LogOptions` (from PodLogOptions). */
export interface ContainerLogReadOptions {
  /** Where the log goes; stdout and stderr records are interleaved as written. */
  readonly output: Writable;
  /** Keep reading as the file grows, until the container exits or `signal` aborts. */
  readonly follow?: boolean;
  /** Only the last N records (N ≥ 0); undefined: the whole file. */
  readonly tailLines?: number;
  /** Skip records older than this (milliseconds since the epoch). */
  readonly sinceMs?: number;
  /** Prefix each line with its RFC 3339 timestamp, nanoseconds fixed-width. */
  readonly timestamps?: boolean;
  /** Stop after this many bytes (≥ 1), cutting the last line. */
  readonly limitBytes?: number;
  /**
   * For `follow`: resolves once the container has exited (at once if it already has). Called once,
   * with a signal that aborts when the reader stops; the implementation must drop its listeners
   * then. Without it, follow lasts until `signal` aborts.
   */
  readonly waitForExit?: (signal: AbortSignal) => Promise<void>;
  /** Aborts when the client goes away; the reader then stops and resolves. */
  readonly signal?: AbortSignal;
  /** For the once-a-second re-read while following. */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export class ContainerLogError extends Error {
  override readonly name = 'ContainerLogError';
}

const READ_SIZE = 64 * 1024;
/** A record longer than this without a newline is not CRI output; it is dropped, not buffered. */
const MAX_RECORD = 4 * 1024 * 1024;
/** How often a follower re-reads the file without a change event (the kubelet's force check). */
const FORCE_CHECK_MS = 1000;
const NEWLINE = 0x0a;

/**
 * An open container log. `openContainerLog` fails (ContainerLogError) before anything is written,
 * so a server can still answer with an error status.
 */
export class ContainerLogFile {
  readonly path: string;
  private readonly file: FileHandle;

  constructor(path: string, file: FileHandle) {
    this.path = path;
    this.file = file;
  }

  /** Streams the log with `opts`; resolves when done or stopped. Throws only on I/O errors. */
  read(opts: ContainerLogReadOptions): Promise<void> {
    return new LogRead(this.path, this.file, opts).run();
  }

  /** Closes the file. Idempotent. */
  async close(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }
}

/** Opens a container log (following symlinks, as the kubelet resolves them first). */
export async function openContainerLog(path: string): Promise<ContainerLogFile> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    throw new ContainerLogError(
      `failed to try resolving symlinks in path ${JSON.stringify(path)}: ${errorMessage(err)}`,
    );
  }
  try {
    return new ContainerLogFile(real, await open(real, 'r'));
  } catch (err) {
    throw new ContainerLogError(
      `failed to open log file ${JSON.stringify(real)}: ${errorMessage(err)}`,
    );
  }
}

/** Opens, reads with `opts`, and closes. */
export async function readContainerLog(path: string, opts: ContainerLogReadOptions): Promise<void> {
  const log = await openContainerLog(path);
  try {
    await log.read(opts);
  } finally {
    await log.close();
  }
}

type Step = 'more' | 'done';

/** The state of one read. */
class LogRead {
  private readonly path: string;
  /** The file being read: the one `ContainerLogFile` opened, or `ownFile` after a rotation. */
  private file: FileHandle;
  /** A file this reader opened after a rotation, so it closes it (the first one is not ours). */
  private ownFile: FileHandle | undefined;
  private readonly opts: ContainerLogReadOptions;
  private readonly logger: Logger;
  private readonly clock: Clock;
  /** Aborts when the reader stops for any reason: client gone, output closed, or done. */
  private readonly stop = new AbortController();
  private readonly sinceNanos: bigint | undefined;
  private position = 0;
  /** Records left to write without follow and with tailLines; Infinity otherwise. */
  private linesLeft: number;
  private bytesLeft: number;
  private isNewLine = true;
  /** Bytes of a record whose newline has not been read yet. */
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private skippingLongRecord = false;
  private out: Buffer[] = [];
  private exited = false;

  constructor(path: string, file: FileHandle, opts: ContainerLogReadOptions) {
    this.path = path;
    this.file = file;
    this.opts = opts;
    this.logger = (opts.logger ?? silentLogger).with({ path });
    this.clock = opts.clock ?? realClock;
    this.sinceNanos = opts.sinceMs === undefined ? undefined : BigInt(opts.sinceMs) * 1_000_000n;
    const tail = opts.tailLines;
    this.linesLeft = tail !== undefined && tail >= 0 && !opts.follow ? tail : Infinity;
    this.bytesLeft =
      opts.limitBytes !== undefined && opts.limitBytes >= 0 ? opts.limitBytes : Infinity;
  }

  async run(): Promise<void> {
    const { output, signal } = this.opts;
    const onGone = (): void => {
      this.stop.abort();
    };
    signal?.addEventListener('abort', onGone, { once: true });
    output.once('close', onGone);
    output.once('error', onGone);
    let watcher: Watcher | undefined;
    try {
      if (signal?.aborted) return;
      const size = (await this.file.stat()).size;
      if (this.opts.tailLines !== undefined) {
        this.position = await findTailOffset(this.file, size, this.opts.tailLines);
      }
      if (this.opts.follow && this.opts.waitForExit) {
        this.opts.waitForExit(this.stop.signal).then(
          () => {
            this.exited = true;
            watcher?.wake();
          },
          () => undefined,
        );
      }
      for (;;) {
        // The runtime writes a container's output before it reports the exit, so a read that
        // starts after the exit is known is the last one needed.
        const finalRead = this.exited;
        if ((await this.readToEnd()) === 'done' || this.stop.signal.aborted) return;
        if (!this.opts.follow) {
          this.endOfFile();
          await this.flush();
          return;
        }
        if (await this.rotated()) {
          // The runtime closes the old file before it creates the new one: finish the old one.
          if ((await this.readToEnd()) === 'done') return;
          if (await this.reopen()) {
            // The watch follows the renamed old file: drop it, so one on the new file is made
            // below. Read the new file first, even when this was the final read.
            watcher?.close();
            watcher = undefined;
            continue;
          }
        }
        if (finalRead) return;
        if (!watcher) {
          // Watch from now on, and read once more: a write may have come before the watch.
          watcher = new Watcher(this.path, this.clock, this.logger, this.stop.signal);
          continue;
        }
        if (!this.exited) await watcher.next();
      }
    } finally {
      this.stop.abort();
      watcher?.close();
      signal?.removeEventListener('abort', onGone);
      output.off('close', onGone);
      output.off('error', onGone);
      await this.ownFile?.close().catch(() => undefined);
    }
  }

  /** Whether the path now names another file than the open one (the log was rotated). */
  private async rotated(): Promise<boolean> {
    let now: Stats;
    try {
      now = await stat(this.path);
    } catch {
      // Not there: renamed, and not re-created yet. Keep the old file, which may still grow.
      return false;
    }
    const current = await this.file.stat();
    return now.ino !== current.ino || now.dev !== current.dev;
  }

  /** Switches to the file now at the path, from its start. False if it is gone again. */
  private async reopen(): Promise<boolean> {
    let file: FileHandle;
    try {
      file = await open(this.path, 'r');
    } catch {
      return false;
    }
    this.logger.debug('log rotated; following the new file');
    await this.ownFile?.close().catch(() => undefined);
    this.file = this.ownFile = file;
    this.position = 0;
    // An unfinished record in the old file will never be finished.
    this.pending = [];
    this.pendingSize = 0;
    this.skippingLongRecord = false;
    return true;
  }

  /** Reads and writes records up to the current end of the file. */
  private async readToEnd(): Promise<Step> {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    for (;;) {
      if (this.stop.signal.aborted) return 'done';
      const { bytesRead } = await this.file.read(buf, 0, READ_SIZE, this.position);
      if (bytesRead === 0) return 'more';
      this.position += bytesRead;
      const step = this.records(buf.subarray(0, bytesRead));
      await this.flush();
      if (step === 'done') return 'done';
    }
  }

  /** Splits a block into records (keeping an unfinished one for later) and handles each. */
  private records(block: Buffer): Step {
    let start = 0;
    for (;;) {
      const nl = block.indexOf(NEWLINE, start);
      if (nl < 0) {
        this.keepPending(block.subarray(start));
        return 'more';
      }
      const piece = block.subarray(start, nl + 1);
      start = nl + 1;
      if (this.skippingLongRecord) {
        this.skippingLongRecord = false;
        continue;
      }
      let record = piece;
      if (this.pendingSize > 0) {
        record = Buffer.concat([...this.pending, piece]);
        this.pending = [];
        this.pendingSize = 0;
      }
      if (this.record(record) === 'done') return 'done';
    }
  }

  private keepPending(rest: Buffer): void {
    if (rest.length === 0 || this.skippingLongRecord) return;
    if (this.pendingSize + rest.length > MAX_RECORD) {
      this.logger.warn('dropping a log record longer than the limit', { limit: MAX_RECORD });
      this.pending = [];
      this.pendingSize = 0;
      this.skippingLongRecord = true;
      return;
    }
    // Copy: the read buffer is reused.
    this.pending.push(Buffer.from(rest));
    this.pendingSize += rest.length;
  }

  /** At the end of the file without follow: the last record, even without its newline. */
  private endOfFile(): void {
    if (this.pendingSize === 0 || this.linesLeft === 0) return;
    const record = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingSize = 0;
    this.record(record);
  }

  private record(record: Buffer): Step {
    if (this.linesLeft <= 0) return 'done';
    const line = parseCriLogLine(record);
    if (typeof line === 'string') {
      this.logger.debug('skipping a log record that is not CRI format', { err: line });
      return 'more';
    }
    const skip = this.sinceNanos !== undefined && timestampNanos(line.timestamp) < this.sinceNanos;
    if (!skip) {
      let bytes = line.log;
      if (this.opts.timestamps && this.isNewLine) {
        bytes = Buffer.concat([Buffer.from(formatLogTimestamp(line.timestamp) + ' '), bytes]);
      }
      if (bytes.length > this.bytesLeft) bytes = bytes.subarray(0, this.bytesLeft);
      this.out.push(bytes);
      this.bytesLeft -= bytes.length;
      if (this.bytesLeft <= 0) return 'done';
    }
    this.linesLeft--;
    this.isNewLine = line.log.length === 0 || line.log[line.log.length - 1] === NEWLINE;
    return this.linesLeft <= 0 ? 'done' : 'more';
  }

  /** Writes what the last block produced, waiting while the output is full. */
  private async flush(): Promise<void> {
    if (this.out.length === 0) return;
    const chunk =
      this.out.length === 1 ? (this.out[0] ?? Buffer.alloc(0)) : Buffer.concat(this.out);
    this.out = [];
    const output = this.opts.output;
    if (this.stop.signal.aborted || output.destroyed || output.writableEnded) {
      this.stop.abort();
      return;
    }
    if (!output.write(chunk)) {
      try {
        await once(output, 'drain', { signal: this.stop.signal });
      } catch {
        // Stopped while waiting: the client went away.
      }
    }
  }
}

/**
 * Change notifications for one file: fs.watch events, a force re-check every second, and `wake()`
 * (the container exited). `next()` resolves at the first of these since the previous call.
 */
class Watcher {
  private readonly fsWatcher: FSWatcher | undefined;
  private readonly clock: Clock;
  private readonly signal: AbortSignal;
  private dirty = false;
  private waiting: (() => void) | undefined;

  constructor(path: string, clock: Clock, logger: Logger, signal: AbortSignal) {
    this.clock = clock;
    this.signal = signal;
    try {
      this.fsWatcher = watch(path, { persistent: false }, () => {
        this.wake();
      });
      this.fsWatcher.on('error', (err) => {
        logger.debug('log watch failed; re-reading every second', { err: errorMessage(err) });
      });
    } catch (err) {
      logger.debug('cannot watch the log; re-reading every second', { err: errorMessage(err) });
    }
  }

  wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) w();
    else this.dirty = true;
  }

  async next(): Promise<void> {
    if (this.dirty || this.signal.aborted) {
      this.dirty = false;
      return;
    }
    let cancelTimer = (): void => undefined;
    const onAbort = (): void => {
      this.wake();
    };
    try {
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        cancelTimer = this.clock.setTimeout(() => {
          this.wake();
        }, FORCE_CHECK_MS);
        this.signal.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      cancelTimer();
      this.signal.removeEventListener('abort', onAbort);
      this.dirty = false;
    }
  }

  close(): void {
    this.fsWatcher?.close();
  }
}
