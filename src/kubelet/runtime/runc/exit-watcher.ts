/**
 * Notices container exits the moment conmon records them: conmon writes `<exit-dir>/<id>` (a
 * temporary file renamed into place) when the container's init exits, and an inotify watch on that
 * directory (fs.watch) tells us at once, with no polling. `scan` reads the whole directory, for the
 * start of an agent (exits that happened while it was down) and as a safety net on every relist.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../../util/index.ts';
import { localFs } from '../../../util/index.ts';

// conmon's exit files on the runtime's tmpfs: synchronous underneath (util/local-fs.ts).
const { readFile, readdir, stat } = localFs;

export interface ExitRecord {
  readonly exitCode: number;
  /** The exit file's mtime: when conmon saw the exit (Unix ms). */
  readonly finishedAt: number;
}

const ID = /^[0-9a-f]{64}$/;

/** Reads `<dir>/<id>`: undefined while it does not exist (or is not complete yet). */
export async function readExitFile(dir: string, id: string): Promise<ExitRecord | undefined> {
  const file = path.join(dir, id);
  try {
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const code = Number.parseInt(text.trim(), 10);
    if (!Number.isFinite(code)) return undefined;
    // conmon writes -1 when it could not learn the status (e.g. a timeout kill).
    return { exitCode: code < 0 ? 255 : code, finishedAt: Math.floor(st.mtimeMs) };
  } catch {
    return undefined;
  }
}

export class ExitWatcher {
  private watcher: FSWatcher | undefined;

  private readonly dir: string;
  private readonly onExit: (id: string) => void;
  private readonly logger: Logger;

  constructor(dir: string, onExit: (id: string) => void, logger: Logger) {
    this.dir = dir;
    this.onExit = onExit;
    this.logger = logger;
  }

  start(): void {
    if (this.watcher) return;
    this.watcher = watch(this.dir, { persistent: false }, (_event, filename) => {
      // conmon renames a temporary `<id>.XXXXXX` into place; only the final name counts.
      if (typeof filename === 'string' && ID.test(filename)) this.onExit(filename);
    });
    this.watcher.on('error', (err) => {
      this.logger.error('exit directory watch failed; exits are found on relist only', {
        dir: this.dir,
        err,
      });
      this.stop();
    });
  }

  /** Ids with an exit file now. */
  async scan(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((f) => ID.test(f));
    } catch {
      return [];
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
