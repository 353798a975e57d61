/**
 * Issue 2, benchmark 5: the server's resident memory once it has started and sits idle, on an empty
 * data dir and with 10,000 pods; against etcd holding the same data, and an idle Node process (the
 * floor). All of them idle side by side, in the same interval.
 */
import type { BenchContext } from './lib/context.ts';
import { startEtcd } from './lib/etcd.ts';
import { podCount, podsFixture } from './lib/fixtures.ts';
import { startPodbay, type PodbayServer } from './lib/podbay.ts';
import { rssMb, spawnTracked } from './lib/processes.ts';
import { median, sleep } from './lib/stats.ts';
import type { BenchResult } from './lib/types.ts';

export const title = 'Idle memory (RSS)';

/**
 * When RSS is read, in seconds after the last process was ready. A podbay server's RSS falls by
 * ~20 MB some 10-20 s after it starts: V8 keeps the young generation it grew while starting (up to
 * 2 x 16 MB semi-spaces) until its memory reducer, which waits for a quiet allocation rate in
 * steps of 8 s, runs a memory-reducing GC. So the early reading depends on when that happened,
 * and the settled one (the last) is the idle figure.
 */
const samplesS = [10, 20, 30, 40];
/** Empty servers measured, side by side: the figure is their median. */
const emptyServers = 3;

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const fixture = await podsFixture(ctx);
  const idleNode = spawnTracked(process.execPath, ['-e', 'setInterval(() => {}, 1e6)']);
  ctx.defer(() => idleNode.stop());
  const empties: PodbayServer[] = [];
  for (let i = 0; i < emptyServers; i++) empties.push(await startPodbay(ctx));
  const loaded = await startPodbay(ctx, { dataDir: fixture.podbayDir });
  const etcdEmpty = await startEtcd(ctx);
  const etcdLoaded = await startEtcd(ctx, { dataDir: fixture.etcdDir });
  const readAll = (): Promise<number[]> =>
    Promise.all([...empties, loaded, etcdEmpty, etcdLoaded].map((p) => p.rssMb()));
  const start = performance.now();
  const series: number[][] = [];
  for (const at of samplesS) {
    await sleep(at * 1000 - (performance.now() - start));
    series.push(await readAll());
  }
  const n = await rssMb(idleNode.pid);
  const emptyMedian = (row: readonly number[]): number => median(row.slice(0, emptyServers));
  const first = series[0]!;
  const last = series[series.length - 1]!;
  const [p1, e0, e1] = last.slice(emptyServers);
  const p0 = emptyMedian(last);
  const fmt = (v: number): string => v.toFixed(1);
  const column = (i: number): string => series.map((row) => fmt(row[i]!)).join(' → ');
  const floor = { name: 'idle `node`', value: n };
  const target = (mb: number): { text: string; met: boolean } => ({
    text: '≤ 100 MB',
    met: mb <= 100,
  });
  const firstS = samplesS[0]!;
  const lastS = samplesS[samplesS.length - 1]!;
  return {
    figures: [
      {
        name: `idle RSS, empty data dir (median of ${emptyServers} servers), ${lastS} s after start`,
        value: p0,
        unit: 'MB',
        peer: { name: 'etcd, empty', value: e0! },
        floor,
        target: target(p0),
      },
      {
        name: `idle RSS, ${podCount.toLocaleString('en-US')} pods, ${lastS} s after start`,
        value: p1!,
        unit: 'MB',
        peer: { name: `etcd, ${podCount.toLocaleString('en-US')} pods' values`, value: e1! },
        floor,
        target: target(p1!),
      },
      {
        name: `the same, empty data dir, ${firstS} s after start`,
        value: emptyMedian(first),
        unit: 'MB',
        peer: { name: 'etcd, empty', value: first[emptyServers + 1]! },
        floor,
      },
      {
        name: `the same, ${podCount.toLocaleString('en-US')} pods, ${firstS} s after start`,
        value: first[emptyServers]!,
        unit: 'MB',
        peer: { name: 'etcd, pods', value: first[emptyServers + 2]! },
        floor,
      },
    ],
    notes: [
      `VmRSS from /proc/PID/status at ${samplesS.join(', ')} s after the last process was ready, ` +
        `all of them idle side by side in the same interval: ${emptyServers} podbay servers on ` +
        'empty data dirs, one with pods, two etcd members and an idle `node -e "setInterval(…)"` ' +
        `(read once, at the end). The target is judged on the last reading (${lastS} s).`,
      "Why it is read more than once: a podbay server grows V8's young generation while it " +
        'starts (loading its modules; on an empty data dir, making the CA and certificates too) ' +
        "and gives that back ~10-20 s later, when V8's memory reducer sees a quiet allocation rate " +
        '(it looks every 8 s). Readings (MB): ' +
        Array.from({ length: emptyServers }, (_, i) => `empty server ${i + 1}: ${column(i)}`).join(
          '; ',
        ) +
        `; with pods: ${column(emptyServers)}; etcd empty: ${column(emptyServers + 1)}; ` +
        `etcd with pods: ${column(emptyServers + 2)}.`,
      'The podbay server with pods was restarted on their ' +
        'data dir (pods bound to a node, see the LIST section), so its memory is what loading ' +
        'them takes, not what creating them left behind: podbay keeps every object decoded in its ' +
        "watch cache (with its JSON, once serialized: the scheduler's LIST at start does that), " +
        "and the in-process scheduler's informer holds a second decoded copy of every pod " +
        "(without its managedFields, which upstream's scheduler drops too).",
    ],
  };
}
