/**
 * The file pod source (upstream pkg/kubelet/config/file.go and file_linux.go): the static pods of
 * a manifest directory (`--pod-manifest-path`), or of a single manifest file.
 *
 *   start() ─▶ first listing ─▶ handler.add(pod) for each ─▶ resolves (the source is "seen":
 *              housekeeping may now tell orphans from static pods)
 *   fs.watch event for a file ─▶ that file is read again
 *   every checkFrequencyMs (20 s) ─▶ the whole path is listed and read again (also what repairs a
 *              missed or failed watch, and re-establishes the watch)
 *        each pass ─▶ reconcile: the pods of all files (sorted by path; a second file with the
 *              same pod name is ignored with a warning) against what was emitted:
 *              new UID ─▶ add, UID gone ─▶ remove, same UID with other content ─▶ update
 *
 * Files: every regular file whose name does not start with a dot, one Pod each (YAML or JSON).
 * Directories are not recursed into. A file that cannot be read or decoded is logged (once per
 * distinct error) and contributes no pod, as upstream: a watch event keeps the file's previous
 * pod (an editor may be half-way through writing it), the next full listing drops it. A missing
 * path means no static pods (it may be created later).
 *
 * Since a pod's UID is the hash of its file, editing a file replaces the pod: remove(old UID),
 * then add(new UID). Pods emitted carry `kubernetes.io/config.source: file` and
 * `kubernetes.io/config.seen` (when this agent first saw that UID).
 *
 * Handlers are called synchronously from one loop, never concurrently; reads are serialised.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Pod } from '../../api/index.ts';
import {
  realClock,
  silentLogger,
  type Clock,
  type Logger,
  errorMessage,
} from '../../util/index.ts';
import { decodeStaticPod, maxManifestBytes } from './decode-static-pod.ts';
import {
  configFirstSeenAnnotationKey,
  configSourceAnnotationKey,
  fileSource,
  podFullName,
} from './static-pod.ts';

/** Who receives a source's pods. Calls are quick and synchronous. */
export interface PodSourceHandler {
  /** A new pod (a new file, or new content: a new UID). */
  add(pod: Pod): void;
  /** New content for a pod of the same UID (only when a manifest names its own metadata.uid). */
  update(pod: Pod): void;
  /** The pod is gone from the source (file removed, renamed away, or no longer valid). */
  remove(pod: Pod): void;
}

export interface FileSourceOptions {
  /** A directory of manifests, or one manifest file. */
  readonly path: string;
  readonly nodeName: string;
  readonly handler: PodSourceHandler;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Full re-listing period. Default 20 s (upstream fileCheckFrequency). */
  readonly checkFrequencyMs?: number;
  /** Also watch the path with fs.watch (default true). */
  readonly watch?: boolean;
}

type FileResult =
  | { readonly ok: true; readonly pod: Pod; readonly text: string }
  | { readonly ok: false; readonly error: string };

interface FileEntry {
  /** The last good pod of the file (kept over a failed read after a watch event). */
  good: { readonly pod: Pod; readonly text: string } | undefined;
  /** The last error, for logging each distinct one once. */
  error: string | undefined;
}

/** RFC 3339 with fractional seconds and trailing zeros trimmed, as Go's RFC3339Nano. */
function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/** The pod as text, without what the source adds, to tell a changed pod of the same UID. */
function podText(pod: Pod): string {
  return JSON.stringify(pod);
}

export class FileSource {
  private readonly opts: FileSourceOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** Per manifest path, sorted on use. */
  private readonly files = new Map<string, FileEntry>();
  /** What the handler has been given, by UID. */
  private readonly emitted = new Map<string, { pod: Pod; text: string }>();
  private readonly pendingFiles = new Set<string>();
  private pendingListing = false;
  private draining: Promise<void> | undefined;
  private watcher: FSWatcher | undefined;
  private cancelTimer: (() => void) | undefined;
  private stopped = false;
  private synced = false;
  private pathProblem: string | undefined;
  /** The path is one manifest file rather than a directory. */
  private singleFile = false;
  /** The inode of the directory being watched: a directory replaced since needs a new watch. */
  private watchedIno: number | undefined;
  private readonly duplicatesLogged = new Set<string>();

  constructor(opts: FileSourceOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.logger ?? silentLogger).with({ source: 'file', path: opts.path });
  }

  /** Lists the path once (handler.add for each pod), then keeps watching. Resolves after that. */
  async start(): Promise<void> {
    this.log.info('watching the static pod path');
    await this.relist();
    this.synced = true;
    this.schedule();
  }

  /** Stops watching; the pods stay as they are (the agent stops, it does not remove them). */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Read through a call: it changes while we await. */
  private isStopped(): boolean {
    return this.stopped;
  }

  /** True once the first listing was handed to the handler (upstream "source seen"). */
  hasSynced(): boolean {
    return this.synced;
  }

  /** The pods handed out and not removed. */
  pods(): Pod[] {
    return [...this.emitted.values()].map((e) => e.pod);
  }

  get(uid: string): Pod | undefined {
    return this.emitted.get(uid)?.pod;
  }

  /** Lists and reads everything now (what the period does); resolves when handled. */
  relist(): Promise<void> {
    this.pendingListing = true;
    return this.drain();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancelTimer?.();
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      void this.relist().finally(() => {
        this.schedule();
      });
    }, this.opts.checkFrequencyMs ?? 20_000);
  }

  private onWatchEvent(filename: string | null): void {
    if (this.stopped) return;
    if (this.singleFile) {
      // The parent directory is watched: only the manifest itself matters.
      if (filename !== null && filename !== basename(this.opts.path)) return;
      this.pendingListing = true;
    } else if (filename === null) {
      this.pendingListing = true;
    } else if (!filename.startsWith('.')) {
      this.pendingFiles.add(join(this.opts.path, filename));
    } else {
      return;
    }
    void this.drain();
  }

  /** One loop at a time reads files and reconciles; later requests join the running loop. */
  private drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        while (!this.stopped && (this.pendingListing || this.pendingFiles.size > 0)) {
          if (this.pendingListing) {
            this.pendingListing = false;
            this.pendingFiles.clear();
            await this.listAll();
          } else {
            const files = [...this.pendingFiles];
            this.pendingFiles.clear();
            for (const file of files) await this.readOne(file);
          }
          this.reconcile();
        }
      } catch (err) {
        this.log.error('static pod source failed', { err: errorMessage(err) });
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /** The whole path: which files exist, and each one read (failures drop the file's pod). */
  private async listAll(): Promise<void> {
    const path = this.opts.path;
    let paths: string[] = [];
    let watchTarget: string | undefined;
    try {
      const st = await stat(path);
      if (st.isDirectory()) {
        this.singleFile = false;
        paths = await this.listDir(path);
        watchTarget = path;
        this.reportPath(undefined);
      } else if (st.isFile()) {
        this.singleFile = true;
        paths = [path];
        watchTarget = dirname(path);
        this.reportPath(undefined);
      } else {
        this.reportPath('path is not a directory or file');
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.reportPath(code === 'ENOENT' ? 'path does not exist, ignoring' : errorMessage(err));
    }
    for (const p of [...this.files.keys()]) {
      if (!paths.includes(p)) this.files.delete(p);
    }
    for (const p of paths) {
      const result = await this.readFile(p);
      const entry = this.entry(p);
      entry.good = result.ok ? { pod: result.pod, text: result.text } : undefined;
      this.noteError(p, entry, result.ok ? undefined : result.error);
    }
    await this.ensureWatch(watchTarget);
  }

  private async listDir(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const dirent of await readdir(dir, { withFileTypes: true })) {
      if (dirent.name.startsWith('.')) continue;
      const p = join(dir, dirent.name);
      let st;
      try {
        // Follows symlinks, as upstream's os.Stat: a link to a manifest is a manifest.
        st = await stat(p);
      } catch (err) {
        this.log.debug('could not get metadata', { file: p, err: errorMessage(err) });
        continue;
      }
      if (st.isDirectory()) {
        this.log.debug('not recursing into a directory of the static pod path', { file: p });
      } else if (st.isFile()) {
        out.push(p);
      } else {
        this.log.debug('not a regular file; ignored', { file: p });
      }
    }
    return out.sort();
  }

  /** A watch event for one file: a failed read keeps its previous pod until the next listing. */
  private async readOne(p: string): Promise<void> {
    let st;
    try {
      st = await stat(p);
    } catch {
      this.files.delete(p);
      return;
    }
    if (!st.isFile()) {
      this.files.delete(p);
      return;
    }
    const result = await this.readFile(p);
    const entry = this.entry(p);
    if (result.ok) entry.good = { pod: result.pod, text: result.text };
    this.noteError(p, entry, result.ok ? undefined : result.error);
  }

  private entry(p: string): FileEntry {
    let e = this.files.get(p);
    if (!e) {
      e = { good: undefined, error: undefined };
      this.files.set(p, e);
    }
    return e;
  }

  private async readFile(p: string): Promise<FileResult> {
    let data: Buffer;
    try {
      const fh = await open(p, 'r');
      try {
        // Read in chunks up to the limit, so a huge file costs no more than the limit.
        const chunks: Buffer[] = [];
        let n = 0;
        for (;;) {
          const chunk = Buffer.allocUnsafe(64 * 1024);
          const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
          if (bytesRead === 0) break;
          n += bytesRead;
          if (n > maxManifestBytes) {
            return {
              ok: false,
              error: `${p}: the read limit is reached (${maxManifestBytes} bytes)`,
            };
          }
          chunks.push(chunk.subarray(0, bytesRead));
        }
        data = Buffer.concat(chunks, n);
      } finally {
        await fh.close();
      }
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
    if (data.length === 0) return { ok: false, error: `file was empty: ${p}` };
    const decoded = decodeStaticPod({ data, path: p, nodeName: this.opts.nodeName });
    if (!decoded.ok) return decoded;
    return { ok: true, pod: decoded.pod, text: podText(decoded.pod) };
  }

  private noteError(p: string, entry: FileEntry, error: string | undefined): void {
    if (error !== undefined && error !== entry.error) {
      this.log.error('could not process manifest file', { file: p, err: error });
    } else if (error === undefined && entry.error !== undefined) {
      this.log.info('manifest file is valid again', { file: p });
    }
    entry.error = error;
  }

  private reportPath(problem: string | undefined): void {
    if (problem !== undefined && problem !== this.pathProblem) {
      this.log.warn('unable to read the static pod path', { err: problem });
    }
    this.pathProblem = problem;
  }

  /**
   * Watches `target` (the directory, or the single manifest's directory), again when it was
   * replaced since (a watch follows the inode, not the name); none when the path is missing.
   */
  private async ensureWatch(target: string | undefined): Promise<void> {
    if (this.stopped || this.opts.watch === false) return;
    let ino: number | undefined;
    if (target !== undefined) {
      try {
        ino = (await stat(target)).ino;
      } catch {
        ino = undefined;
      }
    }
    if (this.watcher && ino !== undefined && ino === this.watchedIno) return;
    this.watcher?.close();
    this.watcher = undefined;
    this.watchedIno = undefined;
    // stop() may have come while we awaited.
    if (target === undefined || ino === undefined || this.isStopped()) return;
    try {
      const w = watch(target, { persistent: false }, (_event, filename) => {
        this.onWatchEvent(filename);
      });
      w.on('error', (err) => {
        this.log.debug('watch failed; relying on the periodic listing', { err: errorMessage(err) });
        w.close();
        if (this.watcher === w) {
          this.watcher = undefined;
          this.watchedIno = undefined;
        }
      });
      this.watcher = w;
      this.watchedIno = ino;
    } catch (err) {
      this.log.debug('cannot watch the static pod path', { err: errorMessage(err) });
    }
  }

  /** Hands the differences between the files' pods and what was emitted to the handler. */
  private reconcile(): void {
    const wanted = new Map<string, { pod: Pod; text: string }>();
    const byName = new Map<string, string>();
    for (const p of [...this.files.keys()].sort()) {
      const good = this.files.get(p)?.good;
      if (!good) continue;
      const name = podFullName(good.pod);
      const holder = byName.get(name);
      if (holder !== undefined) {
        const key = `${p}\u0000${holder}`;
        if (!this.duplicatesLogged.has(key)) {
          this.duplicatesLogged.add(key);
          this.log.error('ignoring a manifest: its pod name is already used by another file', {
            file: p,
            pod: `${good.pod.metadata?.namespace ?? ''}/${good.pod.metadata?.name ?? ''}`,
            usedBy: holder,
          });
        }
        continue;
      }
      byName.set(name, p);
      wanted.set(good.pod.metadata?.uid ?? '', good);
    }
    const { handler } = this.opts;
    for (const [uid, e] of [...this.emitted]) {
      if (wanted.has(uid)) continue;
      this.emitted.delete(uid);
      this.log.info('static pod removed', { pod: nsName(e.pod), podUID: uid });
      handler.remove(e.pod);
    }
    for (const [uid, w] of wanted) {
      const prev = this.emitted.get(uid);
      if (prev?.text === w.text) continue;
      const seen =
        prev?.pod.metadata?.annotations?.[configFirstSeenAnnotationKey] ??
        rfc3339Nano(this.clock.now());
      const pod = structuredClone(w.pod);
      pod.metadata = {
        ...pod.metadata,
        annotations: {
          ...pod.metadata?.annotations,
          [configSourceAnnotationKey]: fileSource,
          [configFirstSeenAnnotationKey]: seen,
        },
      };
      this.emitted.set(uid, { pod, text: w.text });
      if (prev) {
        this.log.info('static pod changed', { pod: nsName(pod), podUID: uid });
        handler.update(pod);
      } else {
        this.log.info('static pod added', { pod: nsName(pod), podUID: uid });
        handler.add(pod);
      }
    }
    // Forget duplicate warnings that no longer apply, so a new clash is reported again.
    for (const key of [...this.duplicatesLogged]) {
      const [p] = key.split('\u0000');
      if (p === undefined || !this.files.has(p)) this.duplicatesLogged.delete(key);
    }
  }
}

function nsName(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
