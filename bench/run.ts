/**
 * The benchmark runner (`npm run bench`, which builds first and runs this as dist/bench/run.js).
 *
 *   node dist/bench/run.js [--only NAME[,NAME...]]
 *
 * Runs every `*.bench` module beside this file, in name order, each with its own context (its
 * servers are stopped and temp dirs removed when it ends, also when it fails), prints the figures
 * and writes them into bench/RESULTS.md. Exits 1 if a benchmark failed; a missed target is a
 * figure to record, not a failure.
 *
 * The servers run from a copy of bin/ and dist/ taken at the start, so that a rebuild of dist/
 * during the run (other work in the same checkout) cannot change what is measured halfway.
 * PODBAY_BIN=/path/to/bin/podbay benchmarks another build instead.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BenchContext, emergencyCleanup } from './lib/context.ts';
import { etcdBinary, etcdVersion } from './lib/etcd.ts';
import { describeMachine, formatValue, mergeResults, sectionMarkdown } from './lib/report.ts';
import type { BenchModule, BenchResult } from './lib/types.ts';

/** No single benchmark may take longer than this, unless its module says otherwise. */
const moduleTimeoutMs = 150_000;

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'podbay'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no podbay checkout above ${from}`);
  }
}

function parseArgs(argv: readonly string[]): { only: string[] } {
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--only' && argv[i + 1] !== undefined) only.push(...argv[++i]!.split(','));
    else if (arg.startsWith('--only=')) only.push(...arg.slice(7).split(','));
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run bench [-- --only NAME[,NAME...]]\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument ${arg}\n`);
      process.exit(2);
    }
  }
  return { only: only.filter((n) => n !== '') };
}

/** What is measured: PODBAY_BIN, or this checkout's commit (the build may hold uncommitted work). */
async function podbayBuild(repoRoot: string): Promise<string> {
  const bin = process.env['PODBAY_BIN'];
  if (bin !== undefined) return `from PODBAY_BIN=${bin}`;
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
    });
    return `built from commit ${stdout.trim()} and the working tree`;
  } catch {
    return 'built from this checkout';
  }
}

/** Copies bin/, dist/ (without dist/bench) and package.json into `dir`; returns its bin/podbay. */
async function snapshotBuild(repoRoot: string, dir: string): Promise<string> {
  await cp(join(repoRoot, 'bin'), join(dir, 'bin'), { recursive: true });
  await cp(join(repoRoot, 'dist'), join(dir, 'dist'), {
    recursive: true,
    filter: (src) => src !== join(repoRoot, 'dist', 'bench'),
  });
  await cp(join(repoRoot, 'package.json'), join(dir, 'package.json'));
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'bin', 'podbay');
}

async function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`${what} took longer than ${ms / 1000} s`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function printResult(name: string, result: BenchResult): void {
  for (const f of result.figures) {
    const parts = [`${name}: ${f.name}: ${formatValue(f.value, f.unit)}`];
    if (f.peer) parts.push(`${f.peer.name} ${formatValue(f.peer.value, f.unit)}`);
    if (f.floor) parts.push(`${f.floor.name} ${formatValue(f.floor.value, f.unit)}`);
    if (f.target) parts.push(`target ${f.target.text}: ${f.target.met ? 'met' : 'MISSED'}`);
    process.stdout.write(`${parts.join(' | ')}\n`);
  }
}

async function main(): Promise<number> {
  const here = dirname(fileURLToPath(import.meta.url));
  const ext = extname(fileURLToPath(import.meta.url));
  const repoRoot = findRepoRoot(here);
  const { only } = parseArgs(process.argv.slice(2));

  const files = (await readdir(here)).filter((f) => f.endsWith(`.bench${ext}`)).sort();
  const available = files.map((f) => basename(f, `.bench${ext}`));
  const unknown = only.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: no benchmark named ${unknown.join(', ')}; there are: ${available.join(', ')}\n`,
    );
    return 2;
  }
  if (
    process.env['PODBAY_BIN'] === undefined &&
    !existsSync(join(repoRoot, 'dist', 'cmd', 'main.js'))
  ) {
    process.stderr.write('bench: dist/ is not built; run `npm run bench` (it builds first)\n');
    return 1;
  }
  if (!existsSync(etcdBinary)) {
    process.stderr.write(`bench: ${etcdBinary} is missing; run \`sh scripts/setup.sh\` as root\n`);
    return 1;
  }
  const etcd = await etcdVersion();
  const build = await podbayBuild(repoRoot);

  const setup = new BenchContext({ repoRoot, podbayBin: '', name: 'run' });
  const podbayBin =
    process.env['PODBAY_BIN'] ?? (await snapshotBuild(repoRoot, await setup.tmpDir('build')));
  const root = new BenchContext({ repoRoot, podbayBin, name: 'run' });
  root.defer(() => setup.close());
  const sections = new Map<string, string>();
  const raw: Record<string, unknown> = {};
  let failed = 0;
  try {
    for (const [i, file] of files.entries()) {
      const name = available[i]!;
      if (only.length > 0 && !only.includes(name)) continue;
      const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
      const ctx = root.child(name);
      const machine = describeMachine(etcd, build);
      const start = performance.now();
      ctx.log('running');
      try {
        const result = await withTimeout(name, mod.timeoutMs ?? moduleTimeoutMs, mod.run(ctx));
        sections.set(name, sectionMarkdown(name, mod.title, machine, result));
        raw[name] = { machine, ...result };
        printResult(name, result);
      } catch (err) {
        failed++;
        ctx.log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      } finally {
        await ctx.close();
        ctx.log(`done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    await root.close();
  }

  if (sections.size > 0) {
    const resultsPath = join(repoRoot, 'bench', 'RESULTS.md');
    const old = existsSync(resultsPath) ? await readFile(resultsPath, 'utf8') : '';
    await writeFile(resultsPath, mergeResults(old, sections, available));
    await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
    await writeFile(
      join(repoRoot, 'bench', 'results', 'latest.json'),
      `${JSON.stringify(raw, null, 2)}\n`,
    );
    process.stderr.write(`bench: wrote ${resultsPath}\n`);
  }
  if (failed > 0) process.stderr.write(`bench: ${failed} benchmark(s) failed\n`);
  return failed > 0 ? 1 : 0;
}

process.on('exit', emergencyCleanup);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping servers\n`);
    emergencyCleanup();
    process.exit(130);
  });
}
process.exit(await main());
