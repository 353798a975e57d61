/**
 * The official JavaScript client (`@kubernetes/client-node`) against `podbay server`: list, watch
 * and an informer, with nothing but the generated kubeconfig.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPodbay, type Podbay } from './support/podbay.ts';

let pb: Podbay;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  pb = await startPodbay();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(pb.kubeconfig);
});

afterAll(async () => {
  await pb.stop();
  await pb.cleanup();
});

const configMap = (name: string): k8s.V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { a: '1' },
});

describe('@kubernetes/client-node', () => {
  it('lists', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']),
    );
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('listed') });
    const cms = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: '' });
    expect(cms.items.map((c) => c.metadata?.name)).toContain('listed');
    expect(cms.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it('watches from a resourceVersion and sees changes in order', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const req = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata?.resourceVersion ?? '' },
      (type: string, obj: k8s.V1ConfigMap) => {
        seen.push(`${type} ${obj.metadata?.name ?? ''}`);
        if (seen.length === 3) done();
      },
      () => undefined,
    );
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('watched') });
    await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'watched', body: { data: { a: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'watched' });
    await finished;
    req.abort();
    expect(seen).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
  });

  it('keeps an informer in sync', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const added = new Promise<string>((r) => {
      informer.on('add', (obj: k8s.V1ConfigMap) => {
        if (obj.metadata?.name === 'informed') r(obj.metadata.name);
      });
    });
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('informed') });
    expect(await added).toBe('informed');
    expect(informer.list('default').map((c) => c.metadata?.name)).toContain('informed');
    await informer.stop();
  });
});
