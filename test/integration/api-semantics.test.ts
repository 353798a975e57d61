/**
 * API semantics a client relies on, checked through the real request handler (in-process, memory
 * store): status codes, reasons and messages as a real kube-apiserver gives them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configMapSchema, encodeProtobuf } from '../../src/api/index.ts';
import { at, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const cm = (
  name: string,
  data: Record<string, string> = { a: '1' },
  labels?: Record<string, string>,
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'busybox' }], ...extra },
});

const cms = '/api/v1/namespaces/default/configmaps';
const pods = '/api/v1/namespaces/default/pods';

describe('create, get, update', () => {
  it('assigns uid, creationTimestamp and a resourceVersion, and answers 201', async () => {
    const r = await h.request('POST', cms, cm('a'));
    expect(r.status).toBe(201);
    expect(at(r.body, 'metadata.uid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(at(r.body, 'metadata.creationTimestamp')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const get = await h.request('GET', `${cms}/a`);
    expect(get.status).toBe(200);
    expect(at(get.body, 'metadata.resourceVersion')).toBe(at(r.body, 'metadata.resourceVersion'));
  });

  it('refuses a duplicate with 409 AlreadyExists', async () => {
    await h.request('POST', cms, cm('a'));
    const r = await h.request('POST', cms, cm('a'));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'AlreadyExists',
      message: 'configmaps "a" already exists',
    });
  });

  it('generates names from generateName', async () => {
    const r = await h.request('POST', cms, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'gen-' },
    });
    expect(r.status).toBe(201);
    expect(at(r.body, 'metadata.name')).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('answers a stale resourceVersion with 409 Conflict', async () => {
    const created = await h.request('POST', cms, cm('a'));
    const rv = at(created.body, 'metadata.resourceVersion') as string;
    const first = await h.request('PUT', `${cms}/a`, {
      ...cm('a', { a: '2' }),
      metadata: { name: 'a', resourceVersion: rv },
    });
    expect(first.status).toBe(200);
    const stale = await h.request('PUT', `${cms}/a`, {
      ...cm('a', { a: '3' }),
      metadata: { name: 'a', resourceVersion: rv },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('allows an update without resourceVersion (unconditional), as every built-in kind does', async () => {
    await h.request('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('d'));
    const r = await h.request(
      'PUT',
      '/apis/apps/v1/namespaces/default/deployments/d',
      deployment('d', 2),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ spec: { replicas: 2 }, metadata: { generation: 2 } });
  });

  it('refuses a create into a namespace that does not exist', async () => {
    const r = await h.request('POST', '/api/v1/namespaces/nowhere/configmaps', cm('a'));
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "nowhere" not found' });
  });

  it('retries concurrent patches of one object on a lost race instead of answering 409', async () => {
    await h.request('POST', cms, cm('a'));
    const patches = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        h.request(
          'PATCH',
          `${cms}/a`,
          { data: { [`k${i}`]: String(i) } },
          { 'content-type': 'application/merge-patch+json' },
        ),
      ),
    );
    expect(patches.map((p) => p.status)).toEqual(Array(8).fill(200));
    const get = await h.request('GET', `${cms}/a`);
    expect(Object.keys(at(get.body, 'data') as object).sort()).toEqual(
      ['a', 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'].sort(),
    );
  });

  it('does not write an update that changes nothing', async () => {
    const created = await h.request('POST', cms, cm('a'));
    const same = await h.request('PUT', `${cms}/a`, {
      ...cm('a'),
      metadata: { name: 'a', resourceVersion: at(created.body, 'metadata.resourceVersion') },
    });
    expect(at(same.body, 'metadata.resourceVersion')).toBe(
      at(created.body, 'metadata.resourceVersion'),
    );
  });
});

function deployment(name: string, replicas = 1) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'nginx' }] },
      },
    },
  };
}

describe('protobuf request bodies', () => {
  // client-go's typed clients (kubectl create namespace/configmap/secret …) send protobuf.
  const protobuf = { 'content-type': 'application/vnd.kubernetes.protobuf' };

  it('creates an object sent as protobuf, as its JSON twin would be', async () => {
    const body = Buffer.from(
      encodeProtobuf(cm('pb', { k: 'v' }), configMapSchema, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
      }),
    );
    const r = await h.request('POST', '/api/v1/namespaces/default/configmaps', body, protobuf);
    expect(r.status).toBe(201);
    expect(at(r.body, 'data')).toEqual({ k: 'v' });
    expect(at(r.body, 'metadata.namespace')).toBe('default');
  });

  it('refuses a truncated protobuf body with 400 naming the kind', async () => {
    const body = Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x7f]);
    const r = await h.request('POST', '/api/v1/namespaces/default/configmaps', body, protobuf);
    expect(r.status).toBe(400);
    expect(at(r.body, 'message')).toMatch(/ConfigMap/);
    const list = await h.request('GET', '/api/v1/namespaces/default/configmaps');
    expect(at(list.body, 'items')).toEqual([]);
  });
});

describe('generation and the status subresource', () => {
  const base = '/apis/apps/v1/namespaces/default/deployments';

  it('bumps generation on spec changes only, and keeps status and spec apart both ways', async () => {
    const created = await h.request('POST', base, deployment('d'));
    expect(at(created.body, 'metadata.generation')).toBe(1);
    expect(at(created.body, 'status')).toBeUndefined();

    const scaled = await h.request(
      'PATCH',
      `${base}/d`,
      { spec: { replicas: 3 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(at(scaled.body, 'metadata.generation')).toBe(2);

    // A status write through the main resource is ignored ...
    const ignored = await h.request(
      'PATCH',
      `${base}/d`,
      { status: { replicas: 7 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(at(ignored.body, 'status.replicas')).toBeUndefined();
    // ... and a spec write through /status too, without bumping generation.
    const status = await h.request(
      'PATCH',
      `${base}/d/status`,
      { spec: { replicas: 9 }, status: { replicas: 3, observedGeneration: 2 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(status.status).toBe(200);
    expect(at(status.body, 'status.replicas')).toBe(3);
    expect(at(status.body, 'spec.replicas')).toBe(3);
    expect(at(status.body, 'metadata.generation')).toBe(2);
  });

  it('serves scale as autoscaling/v1 Scale and writes spec.replicas through it', async () => {
    await h.request('POST', base, deployment('d'));
    const scale = await h.request('GET', `${base}/d/scale`);
    expect(scale.body).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 1 },
      status: { selector: 'app=d' },
    });
    const patched = await h.request(
      'PATCH',
      `${base}/d/scale`,
      { spec: { replicas: 4 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(patched.body).toMatchObject({ spec: { replicas: 4 } });
    const d = await h.request('GET', `${base}/d`);
    expect(d.body).toMatchObject({ spec: { replicas: 4 }, metadata: { generation: 2 } });
    const negative = await h.request(
      'PATCH',
      `${base}/d/scale`,
      { spec: { replicas: -1 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(negative.status).toBe(422);
    expect(negative.body).toMatchObject({
      message:
        'Scale.autoscaling "d" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    });
  });
});

describe('the ephemeralcontainers subresource', () => {
  it('defaults the containers kubectl debug adds (a body without imagePullPolicy is valid)', async () => {
    expect((await h.request('POST', pods, pod('p'))).status).toBe(201);
    const r = await h.request(
      'PATCH',
      `${pods}/p/ephemeralcontainers`,
      {
        spec: {
          ephemeralContainers: [
            { name: 'dbg', image: 'busybox:1', targetContainerName: 'app', stdin: true },
          ],
        },
      },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(at(r.body, 'spec.ephemeralContainers.0')).toMatchObject({
      name: 'dbg',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
  });
});

describe('selectors and pagination', () => {
  it('filters by label (equality and set-based) and field selectors', async () => {
    await h.request('POST', cms, cm('a', {}, { app: 'web', tier: 'front' }));
    await h.request('POST', cms, cm('b', {}, { app: 'web', tier: 'back' }));
    await h.request('POST', cms, cm('c', {}, { app: 'db' }));
    const names = async (q: string) => {
      const r = await h.request('GET', `${cms}?${q}`);
      return (at(r.body, 'items') as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    };
    expect(await names('labelSelector=app%3Dweb')).toEqual(['a', 'b']);
    expect(await names('labelSelector=tier%20in%20(back)')).toEqual(['b']);
    expect(await names('labelSelector=!tier')).toEqual(['c']);
    expect(await names('fieldSelector=metadata.name%3Db')).toEqual(['b']);
    expect(await names('fieldSelector=metadata.name!%3Db')).toEqual(['a', 'c']);
  });

  it('rejects unknown field selectors and malformed label selectors with 400', async () => {
    const field = await h.request('GET', `${cms}?fieldSelector=spec.nodeName%3Dx`);
    expect(field.status).toBe(400);
    expect(field.body).toMatchObject({ message: 'field label not supported: spec.nodeName' });
    const podField = await h.request(
      'GET',
      `${pods}?fieldSelector=spec.nodeName%3Dx,status.phase%3DPending`,
    );
    expect(podField.status).toBe(200);
    const label = await h.request('GET', `${cms}?labelSelector=a%20in%20b`);
    expect(label.status).toBe(400);
  });

  it("pages with limit and continue, consistently at the first page's revision", async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await h.request('POST', cms, cm(n));
    const p1 = await h.request('GET', `${cms}?limit=2`);
    expect((at(p1.body, 'items') as unknown[]).length).toBe(2);
    expect(at(p1.body, 'metadata.remainingItemCount')).toBe(3);
    const token = at(p1.body, 'metadata.continue') as string;
    // Changes after the first page do not show in later pages.
    await h.request('DELETE', `${cms}/d`);
    await h.request('POST', cms, cm('f'));
    const p2 = await h.request('GET', `${cms}?limit=2&continue=${encodeURIComponent(token)}`);
    const p3 = await h.request(
      'GET',
      `${cms}?limit=2&continue=${encodeURIComponent(at(p2.body, 'metadata.continue') as string)}`,
    );
    const names = [p1, p2, p3].flatMap((p) =>
      (at(p.body, 'items') as { metadata: { name: string } }[]).map((i) => i.metadata.name),
    );
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(at(p3.body, 'metadata.continue')).toBeUndefined();
    expect(at(p2.body, 'metadata.resourceVersion')).toBe(at(p1.body, 'metadata.resourceVersion'));
  });
});

describe('watch', () => {
  it('streams changes after a resourceVersion, in order', async () => {
    const list = await h.request('GET', cms);
    const rv = at(list.body, 'metadata.resourceVersion') as string;
    const w = await h.watch(`${cms}?watch=true&resourceVersion=${rv}`);
    await h.request('POST', cms, cm('a'));
    await h.request(
      'PATCH',
      `${cms}/a`,
      { data: { a: '2' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    await h.request('DELETE', `${cms}/a`);
    const events = await w.next(3);
    w.stop();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const rvs = events.map((e) => Number(e.object.metadata?.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
  });

  it('starts with the current state when no resourceVersion is given', async () => {
    await h.request('POST', cms, cm('a'));
    const w = await h.watch(`${cms}?watch=true`);
    const [first] = await w.next(1);
    w.stop();
    expect(first).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
  });

  it('reports an object leaving a label selection as DELETED', async () => {
    await h.request('POST', cms, cm('a', {}, { app: 'web' }));
    const w = await h.watch(`${cms}?watch=true&labelSelector=app%3Dweb`);
    await w.next(1);
    await h.request(
      'PATCH',
      `${cms}/a`,
      { metadata: { labels: { app: 'db' } } },
      { 'content-type': 'application/merge-patch+json' },
    );
    const events = await w.next(2);
    w.stop();
    expect(events[1]?.type).toBe('DELETED');
  });

  it('answers a compacted resourceVersion with 410 Gone, so clients re-list', async () => {
    await h.request('POST', cms, cm('a'));
    await h.request('POST', cms, cm('b'));
    const rv = Number(at((await h.request('GET', cms)).body, 'metadata.resourceVersion'));
    await h.store.compact(rv);
    // A fresh server's cache window starts at its own start; restart it over the same store.
    const list = await h.request('GET', `${cms}?limit=1`);
    const token = at(list.body, 'metadata.continue') as string;
    await h.request('POST', cms, cm('c'));
    await h.store.compact(await h.store.currentRevision());
    const expired = await h.request('GET', `${cms}?limit=1&continue=${encodeURIComponent(token)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ reason: 'Expired' });
  });

  it('sends bookmarks and the initial-events-end marker when asked', async () => {
    await h.request('POST', cms, cm('a'));
    const w = await h.watch(
      `${cms}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    const events = await w.next(2);
    w.stop();
    expect(events[0]?.type).toBe('ADDED');
    expect(events[1]).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
  });
});

describe('deletion', () => {
  it('deletes an unscheduled pod at once', async () => {
    await h.request('POST', pods, pod('p'));
    const r = await h.request('DELETE', `${pods}/p`);
    expect(r.status).toBe(200);
    expect((await h.request('GET', `${pods}/p`)).status).toBe(404);
  });

  it('deletes a scheduled pod gracefully: deletionTimestamp now + grace, object kept', async () => {
    await h.request('POST', pods, pod('p', { nodeName: 'n1', terminationGracePeriodSeconds: 30 }));
    const r = await h.request('DELETE', `${pods}/p`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ metadata: { deletionGracePeriodSeconds: 30 } });
    const kept = await h.request('GET', `${pods}/p`);
    expect(kept.status).toBe(200);
    // A later delete may shorten the period; 0 (what the kubelet sends when done) removes it.
    const forced = await h.request('DELETE', `${pods}/p`, { gracePeriodSeconds: 0 });
    expect(forced.status).toBe(200);
    expect((await h.request('GET', `${pods}/p`)).status).toBe(404);
  });

  it('keeps a pod whose grace period ran out until the kubelet deletes it with grace 0', async () => {
    await h.request('POST', pods, pod('p', { nodeName: 'n1', terminationGracePeriodSeconds: 1 }));
    await h.request('DELETE', `${pods}/p`);
    await new Promise((r) => setTimeout(r, 1100));
    // The kubelet's last status write after the period must not delete the object itself.
    const cur = await h.request('GET', `${pods}/p`);
    const status = await h.request('PUT', `${pods}/p/status`, {
      ...(cur.body as object),
      status: { phase: 'Failed' },
    });
    expect(status.status).toBe(200);
    expect((await h.request('GET', `${pods}/p`)).status).toBe(200);
    const done = await h.request('DELETE', `${pods}/p`, { gracePeriodSeconds: 0 });
    expect(done.status).toBe(200);
    expect((await h.request('GET', `${pods}/p`)).status).toBe(404);
  });

  it('keeps an object with finalizers until they are removed', async () => {
    await h.request('POST', cms, {
      ...cm('a'),
      metadata: { name: 'a', finalizers: ['example.com/hold'] },
    });
    const del = await h.request('DELETE', `${cms}/a`);
    expect(del.status).toBe(200);
    const held = await h.request('GET', `${cms}/a`);
    expect(at(held.body, 'metadata.deletionTimestamp')).toBeDefined();
    await h.request('PATCH', `${cms}/a`, [{ op: 'remove', path: '/metadata/finalizers' }], {
      'content-type': 'application/json-patch+json',
    });
    expect((await h.request('GET', `${cms}/a`)).status).toBe(404);
  });

  it('honours delete preconditions', async () => {
    await h.request('POST', cms, cm('a'));
    const r = await h.request('DELETE', `${cms}/a`, { preconditions: { uid: 'nope' } });
    expect(r.status).toBe(409);
    expect(at(r.body, 'message')).toContain('Precondition failed: UID in precondition: nope');
  });

  it('records foreground propagation as the foregroundDeletion finalizer', async () => {
    await h.request('POST', cms, cm('a'));
    await h.request('DELETE', `${cms}/a`, { propagationPolicy: 'Foreground' });
    const held = await h.request('GET', `${cms}/a`);
    expect(at(held.body, 'metadata.finalizers')).toEqual(['foregroundDeletion']);
  });

  it('answers a deleted ConfigMap with a Success status', async () => {
    await h.request('POST', cms, cm('a'));
    const r = await h.request('DELETE', `${cms}/a`);
    expect(r.body).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'a', kind: 'configmaps' },
    });
  });

  it('marks a deleted namespace Terminating and refuses new content in it', async () => {
    await h.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'doomed' },
    });
    const del = await h.request('DELETE', '/api/v1/namespaces/doomed');
    expect(del.body).toMatchObject({ status: { phase: 'Terminating' } });
    const r = await h.request('POST', '/api/v1/namespaces/doomed/configmaps', cm('a'));
    expect(r.status).toBe(403);
    expect(at(r.body, 'message')).toBe(
      'configmaps "a" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    );
    // Finalizing (what the namespace controller does when it is empty) removes it.
    await h.request('PUT', '/api/v1/namespaces/doomed/finalize', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'doomed' },
      spec: { finalizers: [] },
    });
    expect((await h.request('GET', '/api/v1/namespaces/doomed')).status).toBe(404);
  });

  it('refuses to delete the system namespaces', async () => {
    const r = await h.request('DELETE', '/api/v1/namespaces/kube-system');
    expect(r.status).toBe(403);
  });
});

describe('dry run, field validation, immutability', () => {
  it('dryRun=All writes nothing', async () => {
    const before = await h.store.currentRevision();
    const r = await h.request('POST', `${cms}?dryRun=All`, cm('a'));
    expect(r.status).toBe(201);
    expect(await h.store.currentRevision()).toBe(before);
    expect((await h.request('GET', `${cms}/a`)).status).toBe(404);
  });

  it('fieldValidation=Strict rejects unknown and duplicate fields, Warn warns, Ignore drops', async () => {
    const body =
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"1"},"bogus":1,"data":{"y":"2"}}';
    const strict = await h.request('POST', `${cms}?fieldValidation=Strict`, body);
    expect(strict.status).toBe(400);
    expect(at(strict.body, 'message')).toContain(
      'strict decoding error: unknown field "bogus", duplicate field "data"',
    );
    const warn = await h.request('POST', `${cms}?fieldValidation=Warn`, body);
    expect(warn.status).toBe(201);
    expect(warn.headers['warning']).toContain('unknown field \\"bogus\\"');
    const ignore = await h.request(
      'POST',
      `${cms}?fieldValidation=Ignore`,
      body.replace('"name":"a"', '"name":"b"'),
    );
    expect(ignore.status).toBe(201);
    expect(ignore.headers['warning']).toBeUndefined();
  });

  it('keeps the pod spec immutable with the upstream error', async () => {
    await h.request('POST', pods, pod('p'));
    const r = await h.request(
      'PATCH',
      `${pods}/p`,
      { spec: { restartPolicy: 'Never' } },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(r.status).toBe(422);
    expect(at(r.body, 'message')).toContain(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`',
    );
    const image = await h.request(
      'PATCH',
      `${pods}/p`,
      { spec: { containers: [{ name: 'app', image: 'busybox:2' }] } },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(image.status).toBe(200);
  });
});

describe('pods', () => {
  it('starts Pending with its QoS class and the server-side defaults', async () => {
    const r = await h.request('POST', pods, pod('p'));
    expect(r.body).toMatchObject({
      spec: {
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
        terminationGracePeriodSeconds: 30,
        serviceAccountName: 'default',
        priority: 0,
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
  });

  it('binds a pod to a node once', async () => {
    await h.request('POST', pods, pod('p'));
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p' },
      target: { kind: 'Node', name: 'n1' },
    };
    expect((await h.request('POST', `${pods}/p/binding`, binding)).status).toBe(201);
    const bound = await h.request('GET', `${pods}/p`);
    expect(bound.body).toMatchObject({
      spec: { nodeName: 'n1' },
      status: { conditions: [{ type: 'PodScheduled', status: 'True' }] },
    });
    const again = await h.request('POST', `${pods}/p/binding`, binding);
    expect(again.status).toBe(409);
    expect(at(again.body, 'message')).toContain('is already assigned to node "n1"');
  });
});
