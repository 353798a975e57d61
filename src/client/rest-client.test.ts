import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../api/index.ts';
import {
  ApiStatusError,
  NetworkError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
  isResourceExpired,
} from './errors.ts';
import { RestClient, leasesResource, resourcePath, type ResourceClient } from './rest-client.ts';
import { retryOnConflict } from './retry.ts';
import { TestApiServer } from './testing/test-api-server.ts';
import { HttpsTransport } from './transport.ts';
import type { WatchEvent } from './watch.ts';

interface Pod extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

const podsRef = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const nodesRef = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };

function pod(name: string, extra: Partial<Pod> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, ...extra };
}

describe('resourcePath', () => {
  it('builds core, group, namespaced, cluster-scoped and subresource paths', () => {
    expect(resourcePath(podsRef)).toBe('/api/v1/pods');
    expect(resourcePath(podsRef, { namespace: 'kube-system' })).toBe(
      '/api/v1/namespaces/kube-system/pods',
    );
    expect(resourcePath(podsRef, { namespace: 'ns', name: 'a b', subresource: 'status' })).toBe(
      '/api/v1/namespaces/ns/pods/a%20b/status',
    );
    expect(resourcePath(nodesRef, { namespace: 'ignored', name: 'n1' })).toBe('/api/v1/nodes/n1');
    expect(resourcePath(leasesResource, { namespace: 'kube-node-lease', name: 'n1' })).toBe(
      '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1',
    );
  });
});

describe('RestClient against an HTTP API server', () => {
  let server: TestApiServer;
  let transport: HttpsTransport;
  let client: RestClient;
  let pods: ResourceClient<Pod>;

  beforeEach(async () => {
    server = new TestApiServer();
    transport = new HttpsTransport({ server: await server.start() });
    client = new RestClient({ transport, userAgent: 'podbay-kubelet/0.1.0' });
    pods = client.resource<Pod>(podsRef);
  });

  afterEach(async () => {
    transport.close();
    await server.close();
  });

  it('creates, gets, updates, lists and deletes, sending the user agent and JSON', async () => {
    const created = await pods.create(pod('web', { spec: { nodeName: 'n1' } }));
    expect(created.metadata?.resourceVersion).toBeDefined();
    expect(created.metadata?.uid).toBeDefined();
    const got = await pods.get('web', { namespace: 'default' });
    expect(got).toEqual(created);
    got.spec = { nodeName: 'n2' };
    const updated = await pods.update(got);
    expect(updated.spec?.nodeName).toBe('n2');
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );

    await pods.create(pod('db'));
    const list = await pods.list({ namespace: 'default' });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(['db', 'web']);
    // The wire omits kind/apiVersion on items; the client fills them in.
    expect(server.requests.at(-1)!.url).toBe('/api/v1/namespaces/default/pods');
    expect(list.items[0]).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    expect(list.metadata?.resourceVersion).toBe(String(server.resourceVersion));

    const status = await pods.delete('db', { namespace: 'default' });
    expect(status).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await pods.list()).items.map((p) => p.metadata?.name)).toEqual(['web']);

    for (const r of server.requests) {
      expect(r.headers['user-agent']).toBe('podbay-kubelet/0.1.0');
      expect(r.headers.accept).toBe('application/json');
    }
    const post = server.requestsMatching('/pods', 'POST')[0]!;
    expect(post.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post.body)).toMatchObject({ metadata: { name: 'web' } });
  });

  it('puts selectors, paging and write options in the query', async () => {
    await pods
      .list({
        labelSelector: 'app=web,tier!=db',
        fieldSelector: 'spec.nodeName=n1',
        limit: 500,
        continue: 'abc',
        resourceVersion: '0',
      })
      .catch(() => undefined);
    const u = new URL(server.requests.at(-1)!.url, 'http://x');
    expect(u.pathname).toBe('/api/v1/pods');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      labelSelector: 'app=web,tier!=db',
      fieldSelector: 'spec.nodeName=n1',
      limit: '500',
      continue: 'abc',
      resourceVersion: '0',
    });
    await pods.create(pod('x'), {
      dryRun: true,
      fieldManager: 'kubelet',
      fieldValidation: 'Strict',
    });
    expect(server.requests.at(-1)!.url).toBe(
      '/api/v1/namespaces/default/pods?dryRun=All&fieldManager=kubelet&fieldValidation=Strict',
    );
  });

  it('pages through a list with limit and continue', async () => {
    server.seed(
      '/api/v1/pods',
      Array.from({ length: 7 }, (_, i) => pod(`p${i}`)),
    );
    const names: string[] = [];
    let cont: string | undefined;
    do {
      const page = await pods.list({ limit: 3, ...(cont ? { continue: cont } : {}) });
      names.push(...page.items.map((p) => p.metadata!.name!));
      cont = page.metadata?.continue;
    } while (cont);
    expect(names).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(server.requestsMatching('limit=3')).toHaveLength(3);
  });

  it('patches with the content type of each patch kind', async () => {
    await pods.create(
      pod('web', { metadata: { name: 'web', namespace: 'default', labels: { a: '1' } } }),
    );
    const merged = await pods.patch(
      'web',
      'merge',
      { metadata: { labels: { b: '2' } } },
      { namespace: 'default' },
    );
    expect(merged.metadata?.labels).toEqual({ a: '1', b: '2' });
    await pods.patch(
      'web',
      'strategic',
      { metadata: { labels: { a: null } } },
      { namespace: 'default', subresource: 'status' },
    );
    const applied = await pods.apply(pod('web', { spec: { nodeName: 'n9' } }), {
      fieldManager: 'podbay',
      force: true,
    });
    expect(applied.spec?.nodeName).toBe('n9');
    const patches = server.requestsMatching('/pods/web', 'PATCH');
    expect(patches.map((r) => r.headers['content-type'])).toEqual([
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    expect(patches[1]!.url).toBe('/api/v1/namespaces/default/pods/web/status');
    expect(patches[2]!.url).toBe(
      '/api/v1/namespaces/default/pods/web?fieldManager=podbay&force=true',
    );
    const err = await pods
      .patch('web', 'json', [{ op: 'remove', path: '/spec' }], { namespace: 'default' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiStatusError);
    expect(server.requests.at(-1)!.headers['content-type']).toBe('application/json-patch+json');
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual([{ op: 'remove', path: '/spec' }]);
  });

  it('sends DeleteOptions as the body of delete and deleteCollection', async () => {
    await pods.create(
      pod('a', { metadata: { name: 'a', namespace: 'default', labels: { app: 'x' } } }),
    );
    await pods.create(
      pod('b', { metadata: { name: 'b', namespace: 'default', labels: { app: 'y' } } }),
    );
    await pods.delete('a', {
      namespace: 'default',
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
      preconditions: { uid: 'u' },
      dryRun: true,
    });
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u' },
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    });
    await pods.deleteCollection({ namespace: 'default', labelSelector: 'app=y' });
    expect(server.requests.at(-1)!.url).toBe(
      '/api/v1/namespaces/default/pods?labelSelector=app%3Dy',
    );
    expect(
      server.objects('/api/v1/pods').map((o) => (o['metadata'] as { name: string }).name),
    ).toEqual([]);
  });

  it('updates status and calls subresources', async () => {
    const created = await pods.create(pod('web'));
    const withStatus = await pods.updateStatus({ ...created, status: { phase: 'Running' } });
    expect(withStatus.status?.phase).toBe('Running');
    expect(server.requests.at(-1)!.url).toBe('/api/v1/namespaces/default/pods/web/status');
    expect(server.requests.at(-1)!.method).toBe('PUT');
    const s = await pods.getSubresource<Pod>('web', 'status', { namespace: 'default' });
    expect(s.status?.phase).toBe('Running');
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web' },
      target: { kind: 'Node', name: 'n1' },
    };
    const echoed = await pods.createSubresource('web', 'binding', binding, {
      namespace: 'default',
      fieldManager: 'sched',
    });
    expect(echoed).toEqual(binding);
    expect(server.requests.at(-1)!.url).toBe(
      '/api/v1/namespaces/default/pods/web/binding?fieldManager=sched',
    );
  });

  it('uses group paths and cluster scope', async () => {
    const leases = client.resource(leasesResource);
    await leases.create({ metadata: { name: 'l1', namespace: 'kube-system' } });
    expect(server.requests.at(-1)!.url).toBe(
      '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
    );
    const nodes = client.resource(nodesRef);
    await nodes.create({ metadata: { name: 'n1' } });
    await nodes.get('n1');
    expect(server.requests.at(-1)!.url).toBe('/api/v1/nodes/n1');
  });

  it('refuses object verbs on namespaced resources without a namespace', async () => {
    await expect(pods.get('x')).rejects.toBeInstanceOf(TypeError);
    await expect(pods.create({ metadata: { name: 'x' } })).rejects.toBeInstanceOf(TypeError);
    await expect(pods.update({ metadata: { namespace: 'd' } })).rejects.toBeInstanceOf(TypeError);
    expect(server.requests).toHaveLength(0);
  });

  it('turns Status answers into ApiStatusError with code, reason, message and details', async () => {
    const missing = await pods.get('nope', { namespace: 'default' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiStatusError);
    expect(isNotFound(missing)).toBe(true);
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound', message: '"nope" not found' });

    await pods.create(pod('web'));
    const dup = await pods.create(pod('web')).catch((e: unknown) => e);
    expect(isAlreadyExists(dup)).toBe(true);
    expect(isConflict(dup)).toBe(false);

    const stale = pod('web', {
      metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
    });
    const conflict = await pods.update(stale).catch((e: unknown) => e);
    expect(isConflict(conflict)).toBe(true);
    expect((conflict as ApiStatusError).message).toContain('the object has been modified');

    server.failNext(() => true, 1, 422, 'Invalid');
    const invalid = await pods.create(pod('bad')).catch((e: unknown) => e);
    expect(isInvalid(invalid)).toBe(true);
    server.failNext(() => true, 1, 403, 'Forbidden');
    expect(isForbidden(await pods.list().catch((e: unknown) => e))).toBe(true);
  });

  it('keeps network errors distinct from API errors', async () => {
    await server.close();
    const err = await pods.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).not.toBeInstanceOf(ApiStatusError);
    expect(isNotFound(err)).toBe(false);
  });

  it('watches from a resourceVersion: events in order, bookmarks, large events split in small writes', async () => {
    const first = await pods.create(pod('a'));
    server.splitWritesAt = 7;
    const ctl = new AbortController();
    const stream = await pods.watch({
      namespace: 'default',
      resourceVersion: first.metadata!.resourceVersion!,
      signal: ctl.signal,
    });
    const u = new URL(server.requests.at(-1)!.url, 'http://x');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      watch: 'true',
      resourceVersion: first.metadata!.resourceVersion,
      allowWatchBookmarks: 'true',
    });
    const events: WatchEvent<Pod>[] = [];
    const done = (async () => {
      for await (const e of stream) {
        events.push(e);
        if (events.length === 4) ctl.abort();
      }
    })().catch((e: unknown) => e);
    await pods.create(
      pod('b', {
        metadata: { name: 'b', namespace: 'default', annotations: { big: 'x'.repeat(100_000) } },
      }),
    );
    await pods.patch('a', 'merge', { spec: { nodeName: 'n1' } }, { namespace: 'default' });
    await pods.delete('b', { namespace: 'default' });
    server.bookmark();
    await done;
    expect(events.map((e) => `${e.type}:${e.object.metadata?.name ?? ''}`)).toEqual([
      'ADDED:b',
      'MODIFIED:a',
      'DELETED:b',
      'BOOKMARK:',
    ]);
    expect(events[0]!.object.metadata?.annotations?.['big']).toHaveLength(100_000);
    expect(events[3]!.object.metadata?.resourceVersion).toBe(String(server.resourceVersion));
  });

  it('surfaces a watch ERROR event as a 410 resource-expired error', async () => {
    await pods.create(pod('a'));
    server.compact();
    const stream = await pods.watch({ resourceVersion: '1' });
    let caught: unknown;
    try {
      for await (const _ of stream) {
        // no events expected
      }
    } catch (err) {
      caught = err;
    }
    expect(isResourceExpired(caught)).toBe(true);
    expect(isGone(caught)).toBe(false);
    expect((caught as ApiStatusError).code).toBe(410);
  });

  it('throws the Status of a watch refused outright', async () => {
    server.failNext((r) => r.url.includes('watch=true'), 1, 403, 'Forbidden');
    await expect(pods.watch()).rejects.toSatisfy(isForbidden);
  });

  it('retryOnConflict re-reads and retries until the write goes through', async () => {
    await pods.create(
      pod('web', { metadata: { name: 'web', namespace: 'default', labels: { n: '0' } } }),
    );
    let attempts = 0;
    await retryOnConflict(async () => {
      attempts++;
      const cur = await pods.get('web', { namespace: 'default' });
      if (attempts < 3) {
        // Someone else writes between our read and our write.
        server.mutate('/api/v1/pods', 'default/web', (o) => ({
          ...o,
          spec: { nodeName: `other-${attempts}` },
        }));
      }
      cur.metadata!.labels = { n: String(attempts) };
      return pods.update(cur);
    });
    expect(attempts).toBe(3);
    const final = await pods.get('web', { namespace: 'default' });
    expect(final.metadata?.labels).toEqual({ n: '3' });
    expect(final.spec?.nodeName).toBe('other-2');
  });

  it('retryOnConflict gives up after the default 5 attempts, and does not retry other errors', async () => {
    let attempts = 0;
    server.failNext((r) => r.method === 'PUT', 100, 409, 'Conflict');
    const err = await retryOnConflict(() => {
      attempts++;
      return pods.update(pod('web'));
    }).catch((e: unknown) => e);
    expect(isConflict(err)).toBe(true);
    expect(attempts).toBe(5);
    attempts = 0;
    const notFound = await retryOnConflict(() => {
      attempts++;
      return pods.get('missing', { namespace: 'default' });
    }).catch((e: unknown) => e);
    expect(isNotFound(notFound)).toBe(true);
    expect(attempts).toBe(1);
  });
});

describe('RestClient against non-Status failures', () => {
  it('synthesizes a Status from the HTTP code and the body text', async () => {
    const s = http.createServer((req, res) => {
      if (req.url === '/api/v1/namespaces/d/pods/x') {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html>no</html>');
      } else {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('bad gateway');
      }
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const transport = new HttpsTransport({
      server: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    });
    try {
      const pods = new RestClient({ transport }).resource(podsRef);
      const nf = await pods.get('x', { namespace: 'd' }).catch((e: unknown) => e);
      expect(isNotFound(nf)).toBe(true);
      const bad = await pods.list().catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(ApiStatusError);
      expect(bad).toMatchObject({ code: 502, reason: '' });
      expect((bad as ApiStatusError).message).toContain('bad gateway');
    } finally {
      transport.close();
      s.closeAllConnections();
      await new Promise<void>((r) =>
        s.close(() => {
          r();
        }),
      );
    }
  });
});
