/**
 * Issue 3, benchmark 3: what a running pod costs in memory. The resident memory of the podbay
 * server (control plane and node agent in one process) plus the conmon processes of its
 * containers, with 0 and with 50 running pods; the difference per pod is the per-pod cost.
 * Against podman's per-pod cost with a few pods (its conmons, one per container plus one for the
 * infra container, and the infra container's pause process: podman has no daemon), and conmon's
 * own resident memory per container in both.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchPod } from './lib/bench-pod.ts';
import type { BenchContext } from './lib/context.ts';
import { lockPodBenchmarks } from './lib/pod-bench-lock.ts';
import { busyboxImage, until } from './lib/pod-fixtures.ts';
import { startPodbayNode } from './lib/podbay-node.ts';
import { startPodman } from './lib/podman.ts';
import { rssMb } from './lib/processes.ts';
import { forEachLimit, median, sleep } from './lib/stats.ts';
import type { BenchResult } from './lib/types.ts';

export const title = 'Memory per running pod';

const pods = 50;
const podmanPods = 5;
const concurrency = 8;
const settleMs = 3_000;
const timeoutMs = 60_000;

/** Proportional set size in MB (shared pages split among their users), from smaps_rollup. */
async function pssMb(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const m = /^Pss:\s+(\d+) kB$/m.exec(text);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function sumOf(
  pids: readonly number[],
  f: (pid: number) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (const pid of pids) total += await f(pid).catch(() => 0);
  return total;
}

/** The median of 5 readings 200 ms apart (the server's heap moves with GC). */
async function steady(f: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < 5; i++) {
    values.push(await f());
    await sleep(200);
  }
  return median(values);
}

/** Children of `pid` (from its main thread's children file in /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text
    .split(' ')
    .filter((s) => s !== '')
    .map(Number);
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  await lockPodBenchmarks(ctx);
  const image = await busyboxImage(ctx);
  const node = await startPodbayNode(ctx, { image });
  const name = (i: number): string => `mem-${String(i).padStart(2, '0')}`;

  // Warm-up: a pod started and removed, so the 0-pod figure includes the code every pod runs.
  for (const w of ['warmup-0', 'warmup-1']) {
    await node.createPod(w);
    await node.watch.running(w, timeoutMs);
    await node.deletePod(w);
    await node.watch.gone(w, timeoutMs);
  }
  await until('warm-up pods removed', async () => (await node.runtimeObjects()) === 0, 30_000);
  await sleep(settleMs);
  const server0 = await steady(() => node.rssMb());

  await forEachLimit(pods, concurrency, async (i) => {
    await node.createPod(name(i));
  });
  for (let i = 0; i < pods; i++) await node.watch.running(name(i), timeoutMs);
  await sleep(settleMs);
  const conmons = await node.conmonPids();
  const server50 = await steady(() => node.rssMb());
  const conmonRss = await sumOf(conmons, rssMb);
  const conmonPss = await sumOf(conmons, pssMb);
  const serverPss = await pssMb(node.pid);
  const containers = pods * 2;
  if (conmons.length !== containers) {
    ctx.log(`expected ${containers} conmon processes, found ${conmons.length}`);
  }
  const perPod = (server50 + conmonRss - server0) / pods;
  ctx.log(
    `podbay: server ${server0.toFixed(1)} → ${server50.toFixed(1)} MB, ${conmons.length} conmons ${conmonRss.toFixed(1)} MB`,
  );
  await node.drain(timeoutMs);

  // podman: a few pods, its conmons and pause processes.
  const podman = await startPodman(ctx, image);
  const manifests = await ctx.tmpDir('manifests');
  for (let i = 0; i < podmanPods; i++) {
    const file = join(manifests, `${name(i)}.json`);
    await writeFile(file, JSON.stringify(benchPod(name(i), image.name)));
    await podman.kubePlay(file);
  }
  await sleep(settleMs);
  const podmanConmons = await podman.conmonPids();
  // The infra containers' pause processes: the children of the conmons whose container is one.
  const infraConmons: number[] = [];
  for (const pid of podmanConmons) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('-infra')) infraConmons.push(pid);
  }
  const pauses = (await Promise.all(infraConmons.map(childrenOf))).flat();
  const podmanConmonRss = await sumOf(podmanConmons, rssMb);
  const podmanConmonPss = await sumOf(podmanConmons, pssMb);
  const pauseRss = await sumOf(pauses, rssMb);
  const podmanPerPod = (podmanConmonRss + pauseRss) / podmanPods;
  ctx.log(
    `podman: ${podmanConmons.length} conmons ${podmanConmonRss.toFixed(1)} MB, ${pauses.length} pause ${pauseRss.toFixed(1)} MB`,
  );

  return {
    figures: [
      {
        name: 'per running pod: server growth + its conmons (RSS)',
        value: perPod,
        unit: 'MB',
        peer: { name: `podman ${podman.version}: conmons + pause per pod`, value: podmanPerPod },
      },
      {
        name: 'per running pod: server growth alone (RSS)',
        value: (server50 - server0) / pods,
        unit: 'MB',
      },
      {
        name: 'conmon per container (RSS)',
        value: conmonRss / Math.max(1, conmons.length),
        unit: 'MB',
        peer: {
          name: 'podman conmon per container',
          value: podmanConmonRss / Math.max(1, podmanConmons.length),
        },
      },
      {
        name: 'conmon per container (PSS)',
        value: conmonPss / Math.max(1, conmons.length),
        unit: 'MB',
        peer: {
          name: 'podman conmon per container',
          value: podmanConmonPss / Math.max(1, podmanConmons.length),
        },
      },
      { name: 'server RSS, 0 pods (after 2 warm-up pods)', value: server0, unit: 'MB' },
      { name: `server RSS, ${pods} running pods`, value: server50, unit: 'MB' },
    ],
    notes: [
      `podbay: \`podbay server\` with its node agent; VmRSS of the server process (median of 5 ` +
        `readings 200 ms apart, ${settleMs / 1000} s after the last change) with no pod (after two ` +
        `warm-up pods came and went) and with ${pods} running two-container busybox pods, plus ` +
        `the VmRSS of their ${conmons.length} conmon processes. Per pod = (server with ${pods} + ` +
        `conmons − server with 0) ÷ ${pods}. The containers' own processes are not counted. ` +
        `The server's PSS with ${pods} pods was ${serverPss.toFixed(1)} MB.`,
      `podman: ${podmanPods} pods of the same manifest by \`podman kube play\`; per pod = the RSS ` +
        `of its conmons (${podmanConmons.length} for ${podmanPods} pods: one per container and one ` +
        `for the infra container) and of the infra container's pause process ` +
        `(${pauses.length} found, ${pauseRss.toFixed(1)} MB together) ÷ ${podmanPods}; podman ` +
        'itself runs no process between commands.',
      'RSS counts shared pages (libc, the conmon binary) in every process; PSS divides them among ' +
        'the processes sharing them, which is closer to what one more conmon costs the machine.',
    ],
  };
}
