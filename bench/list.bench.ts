/**
 * Issue 2, benchmark 3: LIST of 10,000 pods: the whole list as JSON, paged with limit=500, and as
 * the Table kubectl get asks for; against an etcd range read of 10,000 keys of the same size.
 */
import type { BenchContext } from './lib/context.ts';
import type { EtcdGrpcClient } from './lib/etcd-grpc.ts';
import { prefixEnd, startEtcd } from './lib/etcd.ts';
import { etcdPodPrefix, podCount, podNamespace, podsFixture } from './lib/fixtures.ts';
import type { HttpClient } from './lib/http.ts';
import { startPodbay, waitQuiet } from './lib/podbay.ts';
import { median } from './lib/stats.ts';
import type { BenchResult, Figure } from './lib/types.ts';

export const title = 'LIST of 10,000 pods';

const repeats = 3;
const pageSize = 500;
/** What kubectl get sends. */
const tableAccept =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface ListPage {
  metadata: { continue?: string };
  items?: unknown[];
  rows?: unknown[];
}

/** The continue token, found without parsing the page (list metadata comes first). */
function continueToken(body: Buffer): string | undefined {
  const head = body.subarray(0, 4096).toString('utf8');
  return /"continue":"([^"]+)"/.exec(head.slice(0, head.indexOf('"items"')))?.[1];
}

/**
 * Reads every page (or the one whole list when `limit` is 0). Returns the time until the last byte
 * of the last page arrived; the pages are parsed after that, to check every pod came back.
 */
async function listAll(
  client: HttpClient,
  limit: number,
  accept?: string,
): Promise<{ ms: number; count: number }> {
  const base = `/api/v1/namespaces/${podNamespace}/pods`;
  const bodies: Buffer[] = [];
  let cont: string | undefined;
  const start = performance.now();
  do {
    const query = new URLSearchParams();
    if (limit > 0) query.set('limit', String(limit));
    if (cont) query.set('continue', cont);
    const qs = query.toString();
    const body = await client.call(
      'GET',
      qs ? `${base}?${qs}` : base,
      undefined,
      200,
      accept ? { accept } : {},
    );
    bodies.push(body);
    cont = continueToken(body);
  } while (cont);
  const ms = performance.now() - start;
  let count = 0;
  for (const body of bodies) {
    const page = JSON.parse(body.toString('utf8')) as ListPage;
    count += (page.items ?? page.rows ?? []).length;
  }
  return { ms, count };
}

/** An etcd range read of the whole prefix, or in pages of `limit` keys as kube-apiserver does. */
async function rangeAll(
  client: EtcdGrpcClient,
  limit: number,
): Promise<{ ms: number; count: number }> {
  const end = prefixEnd(etcdPodPrefix);
  let key = etcdPodPrefix;
  let count = 0;
  const start = performance.now();
  for (;;) {
    const { kvs, more } = await client.range(key, end, limit);
    count += kvs.length;
    if (!more || kvs.length === 0) return { ms: performance.now() - start, count };
    key = `${kvs[kvs.length - 1]!.key.toString()}\0`;
  }
}

/** Median time of `repeats` runs after one warm-up, checking each saw every pod. */
async function timed(
  what: string,
  fn: () => Promise<{ ms: number; count: number }>,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const { ms, count } = await fn();
    if (count !== podCount) throw new Error(`${what}: got ${count} items, not ${podCount}`);
    if (i > 0) times.push(ms);
  }
  return median(times);
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const fixture = await podsFixture(ctx);
  const podbay = await startPodbay(ctx, { dataDir: fixture.podbayDir });
  const etcd = await startEtcd(ctx, { dataDir: fixture.etcdDir });
  const settleMs = await waitQuiet(podbay);

  const full = await timed('list', () => listAll(podbay.client, 0));
  const paged = await timed('paged list', () => listAll(podbay.client, pageSize));
  const table = await timed('table', () => listAll(podbay.client, 0, tableAccept));
  const tablePaged = await timed('paged table', () =>
    listAll(podbay.client, pageSize, tableAccept),
  );
  const rss = await podbay.rssMb();
  const etcdFull = await timed('etcd range', () => rangeAll(etcd.client, 0));
  const etcdPaged = await timed('etcd paged range', () => rangeAll(etcd.client, pageSize));

  const fullBytes = (await podbay.client.call('GET', `/api/v1/namespaces/${podNamespace}/pods`))
    .length;
  const rangePeer = { name: `etcd range, ${podCount} keys`, value: etcdFull };
  const pagedPeer = { name: `etcd range, pages of ${pageSize}`, value: etcdPaged };
  const figures: Figure[] = [
    { name: 'LIST, one response (JSON)', value: full, unit: 'ms', peer: rangePeer },
    { name: `LIST, limit=${pageSize} pages (JSON)`, value: paged, unit: 'ms', peer: pagedPeer },
    { name: 'LIST as Table, one response', value: table, unit: 'ms', peer: rangePeer },
    {
      name: `LIST as Table, limit=${pageSize} pages (kubectl get)`,
      value: tablePaged,
      unit: 'ms',
      peer: pagedPeer,
    },
  ];
  return {
    figures,
    notes: [
      `${podCount} pods, bound to a node (one container with ports, env, resources and a probe; ` +
        `${fixture.podBytes} bytes each as the API returns them) created first with 64 ` +
        `concurrent clients (${Math.round(fixture.podbayCreateRate)} pods/s; etcd took the same ` +
        `values at ${Math.round(fixture.etcdPutRate)} puts/s), then podbay restarted on that data ` +
        `(ready in ${Math.round(podbay.startup.readyzMs)} ms, quiet ${(settleMs / 1000).toFixed(1)} s ` +
        'later).',
      `Times are the median of ${repeats} after a warm-up, from sending the (first) request to ` +
        'the last byte of the (last) response; pages are parsed afterwards, to check all 10,000 ' +
        'came back (only the continue token is read in between). ' +
        `The one-response JSON list is ${(fullBytes / 2 ** 20).toFixed(1)} MiB.`,
      'etcd: gRPC `KV.Range` (linearizable, as kube-apiserver reads) of the whole prefix, and in ' +
        'pages of 500 keys, each starting after the last key of the previous page, as ' +
        "kube-apiserver pages; the values are 10,000 copies of one of podbay's pods as JSON. " +
        'Time until the response is received and decoded into key/value buffers.',
      `podbay's resident memory after these lists: ${rss.toFixed(0)} MB.`,
    ],
  };
}
