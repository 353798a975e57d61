/**
 * Container log rotation, as the kubelet's ContainerLogManager (pkg/kubelet/logs) does it. Every
 * `monitorPeriodMs` (10 s), each running container whose log file has reached `maxSize` bytes gets
 * its log rotated:
 *
 *   1. what an interrupted rotation left goes: `*.tmp` files, and a rotated file whose `.gz`
 *      already exists;
 *   2. the oldest rotated files go, so that with the current file and the one about to be rotated
 *      there are at most `maxFiles`;
 *   3. the rotated files left are compressed (`<file>.gz`; the newest rotated file stays plain);
 *   4. the log is renamed to `<log>.<YYYYMMDD-HHMMSS>` and the runtime reopens it (CRI
 *      ReopenContainerLog: conmon starts a new file at the path). When it cannot, the rename is
 *      undone and the next round tries again.
 *
 * A running container whose log file is missing gets a new one the same way. Only running
 * containers are looked at: an exited one writes nothing more. `kubectl logs` reads the current
 * file, as upstream; a follower moves on to the new file (read-container-log.ts).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { errorMessage, type Clock, type Logger } from '../../util/index.ts';
import type { ContainerRuntime } from '../runtime/index.ts';

/** Upstream's kubelet defaults (containerLogMaxSize 10Mi, containerLogMaxFiles 5). */
export const DEFAULT_CONTAINER_LOG_MAX_SIZE = 10 * 1024 * 1024;
export const DEFAULT_CONTAINER_LOG_MAX_FILES = 5;
const DEFAULT_MONITOR_PERIOD_MS = 10_000;

const TMP_SUFFIX = '.tmp';
const GZ_SUFFIX = '.gz';

/** When logs are rotated (the kubelet's containerLogMaxSize and containerLogMaxFiles). */
export interface ContainerLogPolicy {
  /** Rotate a log once it has this many bytes (> 0). */
  readonly maxSize?: number;
  /** Files per container log at most, the current one included (≥ 2). */
  readonly maxFiles?: number;
}

export interface ContainerLogManagerOptions extends ContainerLogPolicy {
  readonly runtime: Pick<ContainerRuntime, 'listContainers' | 'reopenContainerLog'>;
  readonly monitorPeriodMs?: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class ContainerLogManager {
  private readonly opts: ContainerLogManagerOptions;
  private readonly maxSize: number;
  private readonly maxFiles: number;
  private readonly log: Logger;

  constructor(opts: ContainerLogManagerOptions) {
    this.opts = opts;
    this.maxSize = opts.maxSize ?? DEFAULT_CONTAINER_LOG_MAX_SIZE;
    this.maxFiles = opts.maxFiles ?? DEFAULT_CONTAINER_LOG_MAX_FILES;
    if (!(this.maxSize > 0)) throw new RangeError('the container log max size must be positive');
    if (!Number.isInteger(this.maxFiles) || this.maxFiles < 2) {
      throw new RangeError('the container log max files must be an integer of at least 2');
    }
    this.log = opts.logger.with({ component: 'container-log-manager' });
  }

  /** Rotates every monitor period until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const period = this.opts.monitorPeriodMs ?? DEFAULT_MONITOR_PERIOD_MS;
    while (!signal.aborted) {
      try {
        await this.opts.clock.sleep(period, signal);
      } catch {
        return; // aborted
      }
      await this.rotateLogs();
    }
  }

  /** One round over the running containers; a failure with one does not stop the others. */
  async rotateLogs(): Promise<void> {
    let containers;
    try {
      containers = await this.opts.runtime.listContainers();
    } catch (err) {
      this.log.warn('cannot list containers for log rotation', { err: errorMessage(err) });
      return;
    }
    for (const c of containers) {
      if (c.state !== 'running' || c.logPath === '') continue;
      try {
        await this.rotateIfNeeded(c.id, c.logPath);
      } catch (err) {
        this.log.warn('container log rotation failed', {
          containerId: c.id,
          path: c.logPath,
          err: errorMessage(err),
        });
      }
    }
  }

  private async rotateIfNeeded(id: string, logPath: string): Promise<void> {
    let size: number;
    try {
      size = (await stat(logPath)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Lost, e.g. by a rotation whose reopen failed after the agent stopped: a new file.
      await this.opts.runtime.reopenContainerLog(id);
      return;
    }
    if (size < this.maxSize) return;
    this.log.debug('rotating a container log', { path: logPath, size });
    let rotated = await this.cleanUpUnused(await rotatedLogs(logPath));
    rotated = await this.removeExcess(rotated);
    for (const file of rotated) if (!file.endsWith(GZ_SUFFIX)) await compress(file);
    await this.rotateLatest(id, logPath);
  }

  /** Step 1: `*.tmp` files, and rotated files already compressed (their `.gz` exists). */
  private async cleanUpUnused(files: readonly string[]): Promise<string[]> {
    const present = new Set(files);
    const inUse: string[] = [];
    for (const f of files) {
      if (f.endsWith(TMP_SUFFIX) || present.has(f + GZ_SUFFIX)) await rm(f, { force: true });
      else inUse.push(f);
    }
    return inUse;
  }

  /** Step 2: the oldest rotated files, down to maxFiles - 2 (oldest first, so readers of newer files go on). */
  private async removeExcess(files: readonly string[]): Promise<string[]> {
    const sorted = [...files].sort();
    const excess = Math.max(0, sorted.length - (this.maxFiles - 2));
    for (const f of sorted.slice(0, excess)) await rm(f, { force: true });
    return sorted.slice(excess);
  }

  /** Step 4: the current file becomes the newest rotated one; the runtime starts a new one. */
  private async rotateLatest(id: string, logPath: string): Promise<void> {
    const rotated = `${logPath}.${rotationTimestamp(new Date(this.opts.clock.now()))}`;
    await rename(logPath, rotated);
    try {
      await this.opts.runtime.reopenContainerLog(id);
    } catch (err) {
      // Put it back, so the next round tries again (and nothing is lost meanwhile).
      await rename(rotated, logPath).catch((renameErr: unknown) => {
        this.log.error('cannot put a rotated container log back', {
          path: logPath,
          rotated,
          err: errorMessage(renameErr),
        });
      });
      throw err;
    }
  }
}

/**
 * Removes a container's log file and its rotated files, as the kubelet's container log manager
 * does when the container is removed.
 */
export async function removeContainerLogs(logPath: string): Promise<void> {
  await rm(logPath, { force: true });
  for (const f of await rotatedLogs(logPath)) await rm(f, { force: true });
}

/** The files beside `logPath` named `<log>.<anything>`: rotated logs, compressed or in progress. */
async function rotatedLogs(logPath: string): Promise<string[]> {
  const prefix = `${basename(logPath)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(logPath));
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(prefix)).map((n) => join(dirname(logPath), n));
}

/** Step 3 for one file: gzip to `<file>.tmp`, renamed to `<file>.gz`, then the original goes. */
async function compress(file: string): Promise<void> {
  const tmp = file + TMP_SUFFIX;
  try {
    await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp, { mode: 0o644 }));
    await rename(tmp, file + GZ_SUFFIX);
  } finally {
    await rm(tmp, { force: true });
  }
  await rm(file, { force: true });
}

/** Go's "20060102-150405" layout, in local time, as the kubelet names rotated logs. */
export function rotationTimestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return (
    `${String(d.getFullYear())}${p(d.getMonth() + 1)}${p(d.getDate())}-` +
    `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
  );
}
