/**
 * The context a benchmark runs in: its temp dirs and processes are cleaned up when it ends (also on
 * failure), and fixtures shared between benchmarks (the 10,000 pods) are built once per run.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';

type Cleanup = () => Promise<void> | void;

/** Everything alive, so that an interrupted run (Ctrl-C, a crash) still kills and removes it. */
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();

/** Kills every tracked child and removes every tracked temp dir, synchronously. */
export function emergencyCleanup(): void {
  for (const child of liveChildren) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  liveChildren.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

/** Remembers a child until it exits, for `emergencyCleanup`. */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

export class BenchContext {
  private readonly cleanups: Cleanup[] = [];
  private readonly fixtures = new Map<string, Promise<unknown>>();

  /** The repository root (where package.json and bin/podbay are). */
  readonly repoRoot: string;
  /** The `podbay` command every benchmark runs (a snapshot of the build, see run.ts). */
  readonly podbayBin: string;
  readonly name: string;
  private readonly root: BenchContext | undefined;

  constructor(opts: { repoRoot: string; podbayBin: string; name: string; root?: BenchContext }) {
    this.repoRoot = opts.repoRoot;
    this.podbayBin = opts.podbayBin;
    this.name = opts.name;
    this.root = opts.root;
  }

  /** A context for one benchmark; shared fixtures live in this (the run's) context. */
  child(name: string): BenchContext {
    return new BenchContext({
      repoRoot: this.repoRoot,
      podbayBin: this.podbayBin,
      name,
      root: this.root ?? this,
    });
  }

  log(message: string): void {
    process.stderr.write(`bench ${this.name}: ${message}\n`);
  }

  /** Runs `fn` when this context closes (last registered, first run). */
  defer(fn: Cleanup): void {
    this.cleanups.push(fn);
  }

  /** A fresh temp dir, removed when this context closes. */
  async tmpDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `podbay-bench-${prefix}-`));
    liveDirs.add(dir);
    this.defer(async () => {
      await rm(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    });
    return dir;
  }

  /**
   * A fixture built at most once per run, by whichever benchmark asks first; what it creates (temp
   * dirs) lives until the whole run ends. Shared fixtures must leave no process running.
   */
  shared<T>(key: string, build: (ctx: BenchContext) => Promise<T>): Promise<T> {
    const root = this.root ?? this;
    let fixture = root.fixtures.get(key) as Promise<T> | undefined;
    if (!fixture) {
      fixture = build(root);
      root.fixtures.set(key, fixture);
    }
    return fixture;
  }

  /** Runs the cleanups; a failing one is reported and the others still run. */
  async close(): Promise<void> {
    while (this.cleanups.length > 0) {
      const fn = this.cleanups.pop()!;
      try {
        await fn();
      } catch (err) {
        this.log(`cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
