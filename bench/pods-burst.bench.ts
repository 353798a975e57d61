/**
 * Issue 3, benchmark 2: 100 pods created at once (16 concurrent creating clients) until the watch
 * shows every one with both containers running; then all deleted at once until the watch has
 * delivered every deletion and the runtime holds nothing. Against the raw floor doing the same 100
 * pods with the same concurrency (bench/lib/raw-floor.ts), and against podman: `podman kube play`
 * of the same pods with the same number of concurrent commands. podbay and the floor take turns
 * for three rounds and the median round counts: one round moved by ±10% with the machine's mood.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchPod } from './lib/bench-pod.ts';
import type { BenchContext } from './lib/context.ts';
import { lockPodBenchmarks } from './lib/pod-bench-lock.ts';
import { createCpuGroup } from './lib/cpu-group.ts';
import { busyboxImage, ms, until } from './lib/pod-fixtures.ts';
import { startPodbayNode } from './lib/podbay-node.ts';
import { startPodman } from './lib/podman.ts';
import { prepareRawFloor } from './lib/raw-floor.ts';
import { forEachLimit, median, percentile } from './lib/stats.ts';
import type { BenchResult } from './lib/types.ts';

export const title = '100 pods at once (2 containers each): all running, all gone';

const pods = 100;
/**
 * podman gets fewer pods: 16 concurrent `kube play` took ~0.4 s per pod here and its `pod rm`
 * about as long, so 100 would take well over a minute each way. Compared as pods per second.
 */
const podmanPods = 20;
const concurrency = 16;
const runningTimeoutMs = 60_000;
const targetMs = 8_000;
/** podbay's and the floor's bursts, alternating; the median is reported. */
const rounds = 3;
export const timeoutMs = 360_000;

interface PodbayRound {
  /** First POST to all running, ms. */
  readonly start: number;
  readonly postedAll: number;
  /** Each pod's POST to its running event, ms. */
  readonly perPod: readonly number[];
  /** First DELETE to all gone from the watch, and to the runtime empty, ms. */
  readonly gone: number;
  readonly clean: number;
  /** CPU time per pod started, and per pod removed, ms. */
  readonly cpuStart: number;
  readonly cpuStop: number;
}

interface FloorRound {
  readonly start: number;
  readonly stop: number;
  readonly cpuStart: number;
  readonly cpuStop: number;
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  await lockPodBenchmarks(ctx);
  const image = await busyboxImage(ctx);
  // Created first, so they are removed last (after the node's and the floor's clean-up).
  const podbayCpu = await createCpuGroup(ctx, 'podbay');
  const floorCpu = await createCpuGroup(ctx, 'floor');
  const node = await startPodbayNode(ctx, { image, cpuGroup: podbayCpu });
  const floor = await prepareRawFloor(ctx, image, pods, { cpuGroup: floorCpu });
  const podman = await startPodman(ctx, image);
  const manifests = await ctx.tmpDir('manifests');
  const name = (i: number): string => `burst-${String(i).padStart(3, '0')}`;

  // Warm-up: one pod each (JIT, the bridges, podman's pause image).
  await node.createPod('warmup');
  await node.watch.running('warmup', runningTimeoutMs);
  await node.deletePod('warmup');
  await node.watch.gone('warmup', runningTimeoutMs);
  await until('warm-up pod removed', async () => (await node.runtimeObjects()) === 0, 30_000);
  await floor.up(0);
  await floor.down(0);
  for (let i = 0; i < podmanPods; i++) {
    await writeFile(
      join(manifests, `${name(i)}.json`),
      JSON.stringify(benchPod(name(i), image.name)),
    );
  }
  await podman.kubePlay(join(manifests, `${name(0)}.json`));
  await podman.podRm(name(0));

  // Rounds of podbay then the floor, so that each has its share of a shared machine's good and
  // bad moments; the median round is reported.
  const podbayRuns: PodbayRound[] = [];
  const floorRuns: FloorRound[] = [];
  for (let r = 0; r < rounds; r++) {
    podbayRuns.push(await podbayRound((i) => `burst-${r}-${String(i).padStart(3, '0')}`));
    floorRuns.push(await floorRound());
  }

  async function podbayRound(podName: (i: number) => string): Promise<PodbayRound> {
    // Create all, wait for all running.
    const posted = new Array<number>(pods);
    const cpu0 = await podbayCpu.usageMs();
    const t0 = performance.now();
    const allRunning = Promise.all(
      Array.from({ length: pods }, (_, i) => node.watch.running(podName(i), runningTimeoutMs)),
    );
    await forEachLimit(pods, concurrency, async (i) => {
      posted[i] = performance.now();
      await node.createPod(podName(i));
    });
    const postedAll = performance.now() - t0;
    const runningAt = await allRunning;
    const start = Math.max(...runningAt) - t0;
    const cpu1 = await podbayCpu.usageMs();
    ctx.log(`podbay: ${pods} pods running in ${ms(start)} ms (POSTs done in ${ms(postedAll)} ms)`);

    // Delete all, until the watch and the runtime have none.
    const d0 = performance.now();
    const allGone = Promise.all(
      Array.from({ length: pods }, (_, i) => node.watch.gone(podName(i), runningTimeoutMs)),
    );
    await forEachLimit(pods, concurrency, async (i) => {
      await node.deletePod(podName(i));
    });
    const gone = Math.max(...(await allGone)) - d0;
    await until(
      'the runtime to be empty',
      async () => (await node.runtimeObjects()) === 0,
      60_000,
      20,
    );
    const clean = performance.now() - d0;
    const cpu2 = await podbayCpu.usageMs();
    ctx.log(`podbay: all deleted in ${ms(gone)} ms, runtime empty after ${ms(clean)} ms`);
    return {
      start,
      postedAll,
      perPod: runningAt.map((t, i) => t - posted[i]!),
      gone,
      clean,
      cpuStart: (cpu1 - cpu0) / pods,
      cpuStop: (cpu2 - cpu1) / pods,
    };
  }

  /** The same pods, same concurrency, under podbay's default seccomp profile. */
  async function floorRound(): Promise<FloorRound> {
    const fcpu0 = await floorCpu.usageMs();
    const f0 = performance.now();
    await forEachLimit(pods, concurrency, (i) => floor.up(i, 'seccomp'));
    const start = performance.now() - f0;
    const fcpu1 = await floorCpu.usageMs();
    const f1 = performance.now();
    await forEachLimit(pods, concurrency, (i) => floor.down(i));
    const stop = performance.now() - f1;
    const fcpu2 = await floorCpu.usageMs();
    ctx.log(`floor: up ${ms(start)} ms, down ${ms(stop)} ms`);
    return { start, stop, cpuStart: (fcpu1 - fcpu0) / pods, cpuStop: (fcpu2 - fcpu1) / pods };
  }

  // Once more without the seccomp profile, for reference.
  const fcpu2 = await floorCpu.usageMs();
  const b0 = performance.now();
  await forEachLimit(pods, concurrency, (i) => floor.up(i, 'bare'));
  const bareStart = performance.now() - b0;
  const bcpu = (await floorCpu.usageMs()) - fcpu2;
  await forEachLimit(pods, concurrency, (i) => floor.down(i));
  ctx.log(`floor without seccomp: up ${ms(bareStart)} ms`);

  const mid = <R>(runs: readonly R[], of: (r: R) => number): number => median(runs.map(of));
  const podbayStart = mid(podbayRuns, (r) => r.start);
  const podbayGone = mid(podbayRuns, (r) => r.gone);
  const podbayClean = mid(podbayRuns, (r) => r.clean);
  const perPod = podbayRuns.flatMap((r) => r.perPod);
  const floorStart = mid(floorRuns, (r) => r.start);
  const floorStop = mid(floorRuns, (r) => r.stop);
  const rounded = (runs: readonly { start: number }[]): string =>
    runs.map((r) => ms(r.start)).join(', ');

  // podman: the same pods (fewer), as many `kube play` commands at once.
  const p0 = performance.now();
  await forEachLimit(podmanPods, concurrency, (i) =>
    podman.kubePlay(join(manifests, `${name(i)}.json`)),
  );
  const podmanStart = performance.now() - p0;
  const p1 = performance.now();
  await forEachLimit(podmanPods, concurrency, (i) => podman.podRm(name(i)));
  const podmanStop = performance.now() - p1;
  ctx.log(`podman: up ${ms(podmanStart)} ms, down ${ms(podmanStop)} ms`);

  return {
    figures: [
      {
        name: `${pods} pods: first POST to all running`,
        value: podbayStart,
        unit: 'ms',
        floor: { name: `raw floor, ${pods} pods`, value: floorStart },
        target: { text: `≤ ${targetMs / 1000} s`, met: podbayStart <= targetMs },
      },
      {
        name: `${pods} pods: first POST to all running, against the floor without seccomp`,
        value: podbayStart,
        unit: 'ms',
        floor: { name: `raw floor, no seccomp profile, ${pods} pods`, value: bareStart },
      },
      {
        name: 'pods started per second',
        value: (pods / podbayStart) * 1000,
        unit: 'ops/s',
        peer: {
          name: `podman ${podman.version} kube play, ${podmanPods} pods`,
          value: (podmanPods / podmanStart) * 1000,
        },
        floor: { name: `raw floor, ${pods} pods`, value: (pods / floorStart) * 1000 },
      },
      {
        name: 'CPU time per pod started',
        value: mid(podbayRuns, (r) => r.cpuStart),
        unit: 'ms',
        floor: { name: 'raw floor', value: mid(floorRuns, (r) => r.cpuStart) },
      },
      {
        name: 'CPU time per pod started, against the floor without seccomp',
        value: mid(podbayRuns, (r) => r.cpuStart),
        unit: 'ms',
        floor: { name: 'raw floor, no seccomp profile', value: bcpu / pods },
      },
      {
        name: 'per pod: its POST to running, p50',
        value: median(perPod),
        unit: 'ms',
      },
      {
        name: 'per pod: its POST to running, p99',
        value: percentile(perPod, 99),
        unit: 'ms',
      },
      {
        name: `${pods} pods: first DELETE to all gone (watch)`,
        value: podbayGone,
        unit: 'ms',
        floor: { name: `raw teardown, ${pods} pods`, value: floorStop },
      },
      {
        name: `${pods} pods: first DELETE to runtime empty`,
        value: podbayClean,
        unit: 'ms',
        floor: { name: `raw teardown, ${pods} pods`, value: floorStop },
      },
      {
        name: 'CPU time per pod removed',
        value: mid(podbayRuns, (r) => r.cpuStop),
        unit: 'ms',
        floor: { name: 'raw teardown', value: mid(floorRuns, (r) => r.cpuStop) },
      },
      {
        name: 'pods removed per second (to runtime empty)',
        value: (pods / podbayClean) * 1000,
        unit: 'ops/s',
        peer: {
          name: `podman pod rm -f -t 0, ${podmanPods} pods`,
          value: (podmanPods / podmanStop) * 1000,
        },
        floor: { name: `raw teardown, ${pods} pods`, value: (pods / floorStop) * 1000 },
      },
    ],
    notes: [
      `${pods} two-container busybox pods (as in the one-at-a-time section), created by ` +
        `${concurrency} concurrent clients (podbay: POSTs, all sent after ` +
        `${ms(mid(podbayRuns, (r) => r.postedAll))} ms; ` +
        `podman: \`podman kube play\` commands; floor: the per-pod scripts), after one warm-up pod each.`,
      'podbay: until the watch has shown every pod with both containers running; deletion (grace ' +
        'period 2 s, the containers exit on SIGTERM) until the watch delivered every deletion, and ' +
        'until the runtime also had no sandbox or container record left. Per-pod times are from ' +
        "that pod's POST to its running event.",
      `podman: ${podmanPods} of the pods (see the rates), until every \`kube play\` returned ` +
        `(each waits for its containers to start: ${ms(podmanStart)} ms); teardown is ` +
        `\`podman pod rm -f -t 0\` per pod (${ms(podmanStop)} ms). ` +
        'Floor: `ip netns add`, CNI ADD, two runc ' +
        'create/start per pod, and runc delete, CNI DEL, netns del, with no orchestration; its ' +
        "containers under podbay's default (RuntimeDefault) seccomp profile, as podbay's, and once " +
        'more without one for reference (runc init compiles the profile: ~9 ms of CPU per container ' +
        'here, for x86-64 and i386; this kernel has no x32).',
      'CPU time: user + system time of a cgroup holding the podbay server (so its conmons, runc, ' +
        'CNI plugins, mount and the like too), and of one holding the floor scripts, over the ' +
        "phase; the containers' own processes are not in it (runc moves them to theirs). On a busy " +
        'shared machine it moves less than the wall times, which include waiting for a core.',
      `${rounds} rounds of podbay then the floor (each figure is the median round; per-pod ` +
        `percentiles are over all rounds' pods), then the floor without seccomp and podman once. ` +
        `All pods running, by round (ms): podbay ${rounded(podbayRuns)}; floor ` +
        `${rounded(floorRuns)}. On this shared machine, compare the ratios of the same run.`,
    ],
  };
}
