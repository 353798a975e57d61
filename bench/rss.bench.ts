/**
 * Issue 2, benchmark 5: the server's resident memory after it started and sat idle for 10 s, on an
 * empty data dir and with 10,000 pods; against etcd holding the same data, and an idle Node process
 * (the floor). All of them idle side by side, in the same 10 s.
 */
import type { BenchContext } from './lib/context.ts';
import { startEtcd } from './lib/etcd.ts';
import { podCount, podsFixture } from './lib/fixtures.ts';
import { startPodbay } from './lib/podbay.ts';
import { rssMb, spawnTracked } from './lib/processes.ts';
import { median, sleep } from './lib/stats.ts';
import type { BenchResult } from './lib/types.ts';

export const title = 'Idle memory (RSS)';

const idleMs = 10_000;
/**
 * Empty servers measured: one process's RSS varies by up to ~20 MB from start to start here (the
 * same build, 80 to 100 MB), with how its threads' malloc arenas happened to grow, so the figure is
 * the median of three started side by side.
 */
const emptyServers = 3;

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const fixture = await podsFixture(ctx);
  const idleNode = spawnTracked(process.execPath, ['-e', 'setInterval(() => {}, 1e6)']);
  ctx.defer(() => idleNode.stop());
  const empties = [];
  for (let i = 0; i < emptyServers; i++) empties.push(await startPodbay(ctx));
  const loaded = await startPodbay(ctx, { dataDir: fixture.podbayDir });
  const etcdEmpty = await startEtcd(ctx);
  const etcdLoaded = await startEtcd(ctx, { dataDir: fixture.etcdDir });
  await sleep(idleMs);
  const emptyRss = await Promise.all(empties.map((s) => s.rssMb()));
  const p0 = median(emptyRss);
  const [p1, e0, e1, n] = await Promise.all([
    loaded.rssMb(),
    etcdEmpty.rssMb(),
    etcdLoaded.rssMb(),
    rssMb(idleNode.pid),
  ]);
  const floor = { name: 'idle `node`', value: n };
  const target = (mb: number): { text: string; met: boolean } => ({
    text: '≤ 100 MB',
    met: mb <= 100,
  });
  return {
    figures: [
      {
        name: `idle RSS, empty data dir (median of ${emptyServers} servers)`,
        value: p0,
        unit: 'MB',
        peer: { name: 'etcd, empty', value: e0 },
        floor,
        target: target(p0),
      },
      {
        name: `idle RSS, ${podCount.toLocaleString('en-US')} pods`,
        value: p1,
        unit: 'MB',
        peer: { name: `etcd, ${podCount.toLocaleString('en-US')} pods' values`, value: e1 },
        floor,
        target: target(p1),
      },
    ],
    notes: [
      `VmRSS from /proc/PID/status after the server was ready and then idle for ${idleMs / 1000} s; ` +
        `the podbay servers (${emptyServers} on empty data dirs: ` +
        `${emptyRss.map((v) => v.toFixed(1)).join(', ')} MB; one with pods), two etcd members and ` +
        'an idle `node -e "setInterval(…)"` ran side by side in the same interval. The podbay server with pods was restarted on their ' +
        'data dir (pods bound to a node, see the LIST section), so its memory is what loading ' +
        'them takes, not what creating them left behind: podbay keeps every object decoded in its ' +
        "watch cache (with its JSON, once serialized: the scheduler's LIST at start does that), " +
        "and the in-process scheduler's informer holds a second decoded copy of every pod " +
        "(without its managedFields, which upstream's scheduler drops too).",
    ],
  };
}
