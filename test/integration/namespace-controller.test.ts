import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allResourceDefs, createInProcessTransport } from '../../src/apiserver/index.ts';
import { RestClient } from '../../src/client/index.ts';
import { NamespaceController } from '../../src/controllers/index.ts';
import { at, startHarness, type Harness } from './harness.ts';

let h: Harness;
let abort: AbortController;
let running: Promise<void>;

beforeEach(async () => {
  h = await startHarness();
  abort = new AbortController();
  const client = new RestClient({
    transport: createInProcessTransport(h.api, {
      name: 'controller',
      groups: ['system:authenticated'],
    }),
  });
  const controller = new NamespaceController({
    client,
    namespacedResources: allResourceDefs.filter((d) => d.namespaced),
    recheckMs: 50,
  });
  running = controller.run(abort.signal);
});

afterEach(async () => {
  abort.abort();
  await running;
  await h.stop();
});

async function waitFor(fn: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('namespace controller', () => {
  it('empties a deleted namespace, then the namespace goes away', async () => {
    await h.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    });
    await h.request('POST', '/api/v1/namespaces/team/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    });
    await h.request('POST', '/api/v1/namespaces/team/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', image: 'busybox' }] },
    });
    await h.request('DELETE', '/api/v1/namespaces/team');
    await waitFor(async () => (await h.request('GET', '/api/v1/namespaces/team')).status === 404);
    expect((await h.request('GET', '/api/v1/namespaces/team/configmaps/c')).status).toBe(404);
    expect((await h.request('GET', '/api/v1/namespaces/team/pods/p')).status).toBe(404);
  });

  it('waits for content with finalizers and says so in the status', async () => {
    await h.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'held' },
    });
    await h.request('POST', '/api/v1/namespaces/held/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', finalizers: ['example.com/hold'] },
    });
    await h.request('DELETE', '/api/v1/namespaces/held');
    await waitFor(async () => {
      const ns = await h.request('GET', '/api/v1/namespaces/held');
      const conditions = (at(ns.body, 'status.conditions') ?? []) as {
        type: string;
        status: string;
      }[];
      return conditions.some(
        (c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True',
      );
    });
    await h.request(
      'PATCH',
      '/api/v1/namespaces/held/configmaps/c',
      { metadata: { finalizers: null } },
      { 'content-type': 'application/merge-patch+json' },
    );
    await waitFor(async () => (await h.request('GET', '/api/v1/namespaces/held')).status === 404);
  });
});
