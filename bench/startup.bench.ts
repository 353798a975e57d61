/**
 * Issue 2, benchmark 4: server cold start, from spawning `./bin/podbay server` until it printed
 * `podbay: ready` and /readyz answers ok, on an empty data dir and on an existing one; against
 * `node -e 0` started the same way (the floor: starting Node at all). The LIST benchmark notes the
 * start on a data dir with 10,000 pods.
 */
import { spawn } from 'node:child_process';
import type { BenchContext } from './lib/context.ts';
import { startPodbay } from './lib/podbay.ts';
import { median } from './lib/stats.ts';
import type { BenchResult, Figure } from './lib/types.ts';

export const title = 'Server cold start';

const repeats = 5;

function nodeStartMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => {
      resolve(performance.now() - start);
    });
  });
}

/** Starts podbay on `dataDir` (a fresh dir if none), stops it; returns its startup times. */
async function startOnce(
  ctx: BenchContext,
  dataDir?: string,
): Promise<{ readyzMs: number; readyLineMs: number; dataDir: string }> {
  const scope = ctx.child(ctx.name);
  try {
    const server = await startPodbay(scope, dataDir === undefined ? {} : { dataDir });
    await server.stop();
    return { ...server.startup, dataDir: server.dataDir };
  } finally {
    await scope.close();
  }
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const existingDir = await ctx.tmpDir('existing');
  await startOnce(ctx, existingDir);

  const floor: number[] = [];
  const empty: number[] = [];
  const emptyLine: number[] = [];
  const existing: number[] = [];
  // Interleaved, so that a busy moment of the machine hits every kind alike.
  for (let i = 0; i < repeats; i++) {
    floor.push(await nodeStartMs());
    const dir = await ctx.tmpDir('empty');
    const e = await startOnce(ctx, dir);
    empty.push(e.readyzMs);
    emptyLine.push(e.readyLineMs);
    existing.push((await startOnce(ctx, existingDir)).readyzMs);
  }
  const nodeFloor = { name: '`node -e 0`', value: median(floor) };
  const within = (ms: number): { text: string; met: boolean } => ({
    text: '≤ 1 s',
    met: ms <= 1000,
  });
  const figures: Figure[] = [
    {
      name: 'cold start, empty data dir',
      value: median(empty),
      unit: 'ms',
      floor: nodeFloor,
      target: within(median(empty)),
    },
    {
      name: 'cold start, existing data dir',
      value: median(existing),
      unit: 'ms',
      floor: nodeFloor,
      target: within(median(existing)),
    },
  ];
  const list = (xs: number[]): string => xs.map((x) => Math.round(x)).join(', ');
  return {
    figures,
    notes: [
      'From spawning `node bin/podbay server --listen 127.0.0.1:0 --no-agent --data-dir DIR` ' +
        'until it has printed `podbay: ready` and `GET /readyz` (HTTPS, polled every 2 ms) ' +
        `answered 200; median of ${repeats}, the kinds interleaved. An empty data dir includes ` +
        'creating the CA and five certificates (node:crypto keys and signatures, our DER writer); an existing ' +
        'one has them and a few objects. Both load a few hundred compiled modules from dist/ ' +
        "through Node 20's ESM loader.",
      `Runs (ms): empty ${list(empty)} (ready line ${list(emptyLine)}); existing ` +
        `${list(existing)}; node -e 0 ${list(floor)}.`,
    ],
  };
}
