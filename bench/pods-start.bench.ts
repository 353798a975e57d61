/**
 * Issue 3, benchmark 1: one pod at a time, from the POST of a two-container pod to both containers
 * running as a watch shows it, against `podman kube play` of the same manifest (until it returns:
 * podman waits for the containers to start) and the raw floor (netns + CNI ADD + two runc
 * create/start, scripted, bench/lib/raw-floor.ts; with podbay's default seccomp profile, and
 * without for reference). They alternate pod by pod, so a busy
 * moment of the shared machine hits them alike; each pod is deleted (and waited for) before the
 * next one starts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchPod } from './lib/bench-pod.ts';
import type { BenchContext } from './lib/context.ts';
import { lockPodBenchmarks } from './lib/pod-bench-lock.ts';
import { createCpuGroup } from './lib/cpu-group.ts';
import { busyboxImage, ms, until } from './lib/pod-fixtures.ts';
import { benchNamespace, startPodbayNode } from './lib/podbay-node.ts';
import { podStartPhases, type PodStartTimes } from './lib/pod-start-phases.ts';
import { startPodman } from './lib/podman.ts';
import { prepareRawFloor, type FloorVariant } from './lib/raw-floor.ts';
import { median, percentile } from './lib/stats.ts';
import type { BenchResult } from './lib/types.ts';

export const title = 'Pod start, one at a time (2 containers, POST to running)';

const pods = 30;
/**
 * podman runs every third pod: its teardown (`pod rm`) waits ~3.5 s here for the clean-up
 * processes conmon starts (container cleanup, one podman process per container), which would
 * make the whole benchmark too long at 30 pods.
 */
const podmanEvery = 3;
const warmups = 2;
/** Past this, the loop stops early (with fewer samples, said in the notes). */
const budgetMs = 130_000;
export const timeoutMs = 200_000;
const podTimeoutMs = 30_000;

export async function run(ctx: BenchContext): Promise<BenchResult> {
  await lockPodBenchmarks(ctx);
  const image = await busyboxImage(ctx);
  const logFile = join(await ctx.tmpDir('node-log'), 'server.log');
  // Created first, so they are removed last (after the node's and the floor's clean-up).
  const podbayCpu = await createCpuGroup(ctx, 'podbay');
  const floorCpu = await createCpuGroup(ctx, 'floor');
  const node = await startPodbayNode(ctx, { image, logFile, cpuGroup: podbayCpu });
  const times: PodStartTimes[] = [];
  const podman = await startPodman(ctx, image);
  const floor = await prepareRawFloor(ctx, image, 1, { cpuGroup: floorCpu });
  const manifests = await ctx.tmpDir('manifests');

  const podbayOne = async (name: string): Promise<{ start: number; stop: number; cpu: number }> => {
    const c0 = await podbayCpu.usageMs();
    const t0 = performance.now();
    await node.createPod(name);
    const running = await node.watch.running(name, podTimeoutMs);
    const t1 = performance.now();
    const cpu = (await podbayCpu.usageMs()) - c0;
    times.push({
      name,
      postedAt: performance.timeOrigin + t0,
      runningAt: performance.timeOrigin + running,
    });
    await node.deletePod(name);
    await node.watch.gone(name, podTimeoutMs);
    // Gone from the API is not gone from the machine: wait for the runtime too.
    await until(
      `${name} removed by the agent`,
      async () => (await node.runtimeObjects()) === 0,
      podTimeoutMs,
    );
    return { start: running - t0, stop: performance.now() - t1, cpu };
  };
  const podmanOne = async (name: string): Promise<{ start: number; stop: number }> => {
    const file = join(manifests, `${name}.json`);
    await writeFile(file, JSON.stringify(benchPod(name, image.name)));
    const t0 = performance.now();
    await podman.kubePlay(file);
    const t1 = performance.now();
    const states = await podman.containerStates(name);
    const notRunning = [...states].filter(([, s]) => s !== 'running');
    if (states.size < 2 || notRunning.length > 0) {
      throw new Error(
        `podman kube play returned with containers not running: ${JSON.stringify([...states])}`,
      );
    }
    await podman.podRm(name);
    return { start: t1 - t0, stop: performance.now() - t1 };
  };
  const floorOne = async (
    variant: FloorVariant,
  ): Promise<{ start: number; stop: number; cpu: number }> => {
    const c0 = await floorCpu.usageMs();
    const t0 = performance.now();
    await floor.up(0, variant);
    const t1 = performance.now();
    const cpu = (await floorCpu.usageMs()) - c0;
    await floor.down(0);
    return { start: t1 - t0, stop: performance.now() - t1, cpu };
  };

  // Warm-up: podman builds its pause image on the first pod; JIT, page cache, the bridges.
  for (let i = 0; i < warmups; i++) {
    await podbayOne(`warmup-${i}`);
    await podmanOne(`warmup-${i}`);
    await floorOne('seccomp');
    await floorOne('bare');
  }

  const samples = {
    podbay: [] as number[],
    podman: [] as number[],
    floor: [] as number[],
    bare: [] as number[],
  };
  const stops = { podbay: [] as number[], podman: [] as number[], floor: [] as number[] };
  const cpus = { podbay: [] as number[], floor: [] as number[], bare: [] as number[] };
  const started = performance.now();
  for (let i = 0; i < pods && performance.now() - started < budgetMs; i++) {
    const name = `start-${String(i).padStart(2, '0')}`;
    const p = await podbayOne(name);
    if (i % podmanEvery === 0) {
      const q = await podmanOne(name);
      samples.podman.push(q.start);
      stops.podman.push(q.stop);
    }
    const f = await floorOne('seccomp');
    const b = await floorOne('bare');
    samples.podbay.push(p.start);
    samples.floor.push(f.start);
    samples.bare.push(b.start);
    cpus.podbay.push(p.cpu);
    cpus.floor.push(f.cpu);
    cpus.bare.push(b.cpu);
    stops.podbay.push(p.stop);
    stops.floor.push(f.stop);
  }
  const n = samples.podbay.length;
  // Where podbay's time went (the warm-up pods left out).
  const phases = await podStartPhases(
    logFile,
    benchNamespace,
    times.filter((t) => t.name.startsWith('start-')),
  );
  ctx.log(
    `${n} pods (podman ${samples.podman.length}): podbay p50 ${ms(median(samples.podbay))} ms, podman ${ms(median(samples.podman))} ms, floor ${ms(median(samples.floor))} ms (without seccomp ${ms(median(samples.bare))} ms)`,
  );

  const p50 = {
    podbay: median(samples.podbay),
    podman: median(samples.podman),
    floor: median(samples.floor),
  };
  const p99 = {
    podbay: percentile(samples.podbay, 99),
    podman: percentile(samples.podman, 99),
    floor: percentile(samples.floor, 99),
  };
  const list = (v: number[]): string => v.map((x) => Math.round(x)).join(', ');
  return {
    figures: [
      {
        name: 'pod start p50',
        value: p50.podbay,
        unit: 'ms',
        peer: { name: `podman ${podman.version} kube play`, value: p50.podman },
        floor: {
          name: 'netns + CNI + 2× runc create/start (RuntimeDefault seccomp, as podbay)',
          value: p50.floor,
        },
        target: {
          text: '≤ 1.5× floor and ≥ 3× faster than podman',
          met: p50.podbay <= 1.5 * p50.floor && p50.podbay * 3 <= p50.podman,
        },
      },
      {
        name: 'pod start p99',
        value: p99.podbay,
        unit: 'ms',
        peer: { name: 'podman kube play', value: p99.podman },
        floor: { name: 'raw floor', value: p99.floor },
      },
      {
        name: 'pod start p50, against the floor without seccomp',
        value: p50.podbay,
        unit: 'ms',
        floor: { name: 'raw floor, no seccomp profile', value: median(samples.bare) },
      },
      {
        name: 'CPU time per pod start, p50',
        value: median(cpus.podbay),
        unit: 'ms',
        floor: { name: 'raw floor', value: median(cpus.floor) },
      },
      {
        name: 'CPU time per pod start, p50, against the floor without seccomp',
        value: median(cpus.podbay),
        unit: 'ms',
        floor: { name: 'raw floor, no seccomp profile', value: median(cpus.bare) },
      },
      {
        name: 'pod teardown p50 (DELETE to removed)',
        value: median(stops.podbay),
        unit: 'ms',
        peer: { name: 'podman pod rm -f -t 0', value: median(stops.podman) },
        floor: { name: 'runc delete + CNI DEL + netns del', value: median(stops.floor) },
      },
    ],
    notes: [
      `${n} pods for podbay and the floor${n < pods ? ` (the ${budgetMs / 1000} s budget ran out before ${pods})` : ''}, ` +
        `${samples.podman.length} for podman (1 pod in ${podmanEvery}: its teardown waits ~3.5 s for the ` +
        'clean-up processes conmon starts, one podman per container), one at a time, alternating ' +
        `pod by pod after ${warmups} warm-up pods each. ` +
        'The pod: two busybox-static containers (`sh -c "trap \'exit 0\' TERM; sleep 3600 & wait"`), ' +
        'image imported beforehand (`podbay image import`, `podman load` of the same docker-archive).',
      'podbay: `podbay server` with its node agent (runc, conmon, CNI bridge, cgroupfs) from dist/; ' +
        'time from sending the POST to the arrival of the watch event that shows both containers ' +
        'running (the pod-startup SLO\'s "observed via watch"); scheduling, the status write and the ' +
        'watch are in it. Teardown: DELETE (grace period 2 s; the containers exit on SIGTERM) until ' +
        'the watch delivers the deletion and the runtime has no sandbox or container left.',
      `podman ${podman.version} (runc, CNI, cgroupfs, a private --root): \`podman kube play\` of the ` +
        'same manifest until it returns (it waits for the containers to start; checked with `podman ' +
        'ps` afterwards, untimed). Its network runs the plugins podbay runs for a pod without host ' +
        "ports (bridge without per-pod masquerade; podman's portmap, firewall and tuning plugins are removed from its conflist, " +
        'and it brings up loopback itself). podman also starts an ' +
        'infra (pause) container per pod; podbay pins namespaces without one.',
      `Floor: one \`sh\` script with no orchestration: \`ip netns add\`, CNI ADD of ${floor.plugins.join(', ')} ` +
        "(podbay's conflist for a pod without host ports, on a bridge and subnet of its own), and " +
        '`runc create` + `runc start` of ' +
        'the two containers from bundles written in advance, sharing one read-only root. No image ' +
        'mounts, monitor, logs, pod cgroup or API. Its containers run under the RuntimeDefault ' +
        'seccomp profile podbay gives every container by default (from the build measured; ' +
        "containerd's and podman's defaults are alike), so that podbay and the floor run the same " +
        'containers: runc init compiles the profile, ~9 ms of CPU and of wall time per container ' +
        'here (x86-64 and i386; this kernel has no x32). The floor without a profile (`runc spec` as it is) ran in the same rotation and is ' +
        'reported beside it.',
      'CPU time per start: user + system time, from POST to running, of a cgroup holding the ' +
        'podbay server (and so its conmons, runc, CNI plugins, mount, …), and of one holding the ' +
        "floor's script; the containers' own processes are not in it (runc moves them to theirs).",
      `Where podbay's time went: when each step ended, after the POST (medians over its pods, from ` +
        `its log, millisecond resolution): ${phases.map((ph) => `${ph.name} ${ms(ph.ms)} ms`).join('; ')}.`,
      `Samples (ms): podbay ${list(samples.podbay)}; podman ${list(samples.podman)}; floor ${list(samples.floor)}; floor without seccomp ${list(samples.bare)}.`,
    ],
  };
}
