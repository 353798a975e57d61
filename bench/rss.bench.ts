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
import { sleep } from './lib/stats.ts';
import type { BenchResult } from './lib/types.ts';

export const title = 'Idle memory (RSS)';

const idleMs = 10_000;

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const fixture = await podsFixture(ctx);
  const idleNode = spawnTracked(process.execPath, ['-e', 'setInterval(() => {}, 1e6)']);
  ctx.defer(() => idleNode.stop());
  const empty = await startPodbay(ctx);
  const loaded = await startPodbay(ctx, { dataDir: fixture.podbayDir });
  const etcdEmpty = await startEtcd(ctx);
  const etcdLoaded = await startEtcd(ctx, { dataDir: fixture.etcdDir });
  await sleep(idleMs);
  const [p0, p1, e0, e1, n] = await Promise.all([
    empty.rssMb(),
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
        name: 'idle RSS, empty data dir',
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
        'the two podbay servers, two etcd members and an idle `node -e "setInterval(…)"` ran ' +
        'side by side in the same interval. The podbay server with pods was restarted on their ' +
        'data dir (pods bound to a node, see the LIST section), so its memory is what loading ' +
        'them takes, not what creating them left behind: podbay keeps every object decoded in its ' +
        "watch cache (with its JSON, once serialized: the scheduler's LIST at start does that), " +
        "and the in-process scheduler's informer holds a second decoded copy of every pod.",
    ],
  };
}
