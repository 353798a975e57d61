/**
 * The patches the real kubectl (v1.32) sends, applied to live objects as a server stores them
 * (defaults filled in, server-only fields present). Each patch body is written the way kubectl
 * computes it: `apply` sends a three-way strategic merge patch (last-applied, new manifest, live)
 * with `$setElementOrder` and `$retainKeys`, `edit` and `set image` a two-way one, `label`,
 * `annotate` and `scale` JSON merge patches, `patch` whatever `--type` says.
 */
import { describe, it, expect } from 'vitest';
import { applyPatch, decodePatch, type PatchType } from './apply-patch.ts';
import type { JsonObject } from './json-value.ts';
import { deploymentSchema, podSchema, scaleSchema } from './testing/schemas.ts';
import { frozen } from './testing/helpers.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function liveDeployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: '6f1c',
      resourceVersion: '1042',
      generation: 3,
      labels: { app: 'web' },
      annotations: { [LAST_APPLIED]: '{"old":true}', 'deployment.kubernetes.io/revision': '3' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              args: ['--port=80', '--verbose'],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'MODE', value: 'prod' },
                { name: 'LOG', value: 'info' },
              ],
              volumeMounts: [
                { name: 'cfg', mountPath: '/etc/web' },
                { name: 'data', mountPath: '/data' },
              ],
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
            },
            { name: 'sidecar', image: 'envoy:1.30', imagePullPolicy: 'IfNotPresent' },
          ],
          volumes: [
            { name: 'cfg', configMap: { name: 'web-cfg', defaultMode: 420 } },
            { name: 'data', emptyDir: {} },
          ],
          tolerations: [
            { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: { observedGeneration: 3, replicas: 2 },
  };
}

/** Sends a body exactly as kubectl would: through decoding, then applying. */
function send(
  type: PatchType,
  body: unknown,
  live: JsonObject,
  schema = deploymentSchema,
): JsonObject {
  const { patch, strictErrors } = decodePatch({ type, body: JSON.stringify(body) });
  expect(strictErrors).toEqual([]);
  return applyPatch({ type, original: frozen(live), patch, schema });
}

const podSpec = (d: JsonObject): JsonObject =>
  ((d.spec as JsonObject).template as JsonObject).spec as JsonObject;
const containers = (d: JsonObject): JsonObject[] => podSpec(d).containers as JsonObject[];
const web = (d: JsonObject): JsonObject => containers(d)[0] as JsonObject;
const lastApplied = (manifest: string): JsonObject => ({
  metadata: { annotations: { [LAST_APPLIED]: manifest } },
});

describe('kubectl apply (three-way strategic merge patch)', () => {
  it('removes a container deleted from the manifest and keeps the other as it was', () => {
    const live = liveDeployment();
    const out = send(
      'strategic',
      {
        ...lastApplied('{"new":true}'),
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }],
              containers: [{ $patch: 'delete', name: 'sidecar' }],
            },
          },
        },
      },
      live,
    );
    expect(containers(out)).toEqual([containers(live)[0]]);
    expect((out.metadata as JsonObject).annotations).toEqual({
      [LAST_APPLIED]: '{"new":true}',
      'deployment.kubernetes.io/revision': '3',
    });
    expect(out.status).toEqual(live.status);
  });

  it('changes one env var, keeping the order and the other variables', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
              containers: [
                {
                  '$setElementOrder/env': [{ name: 'MODE' }, { name: 'LOG' }],
                  env: [{ name: 'LOG', value: 'debug' }],
                  name: 'web',
                },
              ],
            },
          },
        },
      },
      liveDeployment(),
    );
    expect(web(out).env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'LOG', value: 'debug' },
    ]);
    expect(containers(out).map((c) => c.name)).toEqual(['web', 'sidecar']);
  });

  it('adds an env var at the position the manifest gives it', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
              containers: [
                {
                  '$setElementOrder/env': [{ name: 'MODE' }, { name: 'TZ' }, { name: 'LOG' }],
                  env: [{ name: 'TZ', value: 'UTC' }],
                  name: 'web',
                },
              ],
            },
          },
        },
      },
      liveDeployment(),
    );
    expect(web(out).env).toEqual([
      { name: 'MODE', value: 'prod' },
      { name: 'TZ', value: 'UTC' },
      { name: 'LOG', value: 'info' },
    ]);
  });

  it('adds a container at the end of the list when the manifest puts it there', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [
                { name: 'web' },
                { name: 'sidecar' },
                { name: 'log' },
              ],
              containers: [{ image: 'busybox:1.36', name: 'log' }],
            },
          },
        },
      },
      liveDeployment(),
    );
    expect(containers(out).map((c) => c.name)).toEqual(['web', 'sidecar', 'log']);
    expect(containers(out)[2]).toEqual({ image: 'busybox:1.36', name: 'log' });
  });

  it('reorders containers without touching them', () => {
    const live = liveDeployment();
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] },
          },
        },
      },
      live,
    );
    expect(containers(out)).toEqual([containers(live)[1], containers(live)[0]]);
  });

  it('removes a volume and its mount', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
              '$setElementOrder/volumes': [{ name: 'cfg' }],
              containers: [
                {
                  '$setElementOrder/volumeMounts': [{ mountPath: '/etc/web' }],
                  name: 'web',
                  volumeMounts: [{ $patch: 'delete', mountPath: '/data' }],
                },
              ],
              volumes: [{ $patch: 'delete', name: 'data' }],
            },
          },
        },
      },
      liveDeployment(),
    );
    expect(podSpec(out).volumes).toEqual([
      { name: 'cfg', configMap: { name: 'web-cfg', defaultMode: 420 } },
    ]);
    expect(web(out).volumeMounts).toEqual([{ name: 'cfg', mountPath: '/etc/web' }]);
  });

  it('switches a volume from emptyDir to hostPath with $retainKeys', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/volumes': [{ name: 'cfg' }, { name: 'data' }],
              volumes: [
                {
                  $retainKeys: ['hostPath', 'name'],
                  emptyDir: null,
                  hostPath: { path: '/srv/data', type: 'DirectoryOrCreate' },
                  name: 'data',
                },
              ],
            },
          },
        },
      },
      liveDeployment(),
    );
    expect(podSpec(out).volumes).toEqual([
      { name: 'cfg', configMap: { name: 'web-cfg', defaultMode: 420 } },
      { name: 'data', hostPath: { path: '/srv/data', type: 'DirectoryOrCreate' } },
    ]);
  });

  it('switches the rollout strategy to Recreate, clearing rollingUpdate', () => {
    const out = send(
      'strategic',
      { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
      liveDeployment(),
    );
    expect((out.spec as JsonObject).strategy).toEqual({ type: 'Recreate' });
  });

  it('replaces atomic lists whole: an argument removed, tolerations changed', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
              containers: [{ args: ['--port=80'], name: 'web' }],
              tolerations: [{ effect: 'NoExecute', key: 'gpu', operator: 'Exists' }],
            },
          },
        },
      },
      liveDeployment(),
    );
    expect(web(out).args).toEqual(['--port=80']);
    expect(podSpec(out).tolerations).toEqual([
      { effect: 'NoExecute', key: 'gpu', operator: 'Exists' },
    ]);
  });

  it('changes replicas and drops a field removed from the manifest', () => {
    const live = liveDeployment();
    (live.spec as JsonObject).minReadySeconds = 10;
    const out = send('strategic', { spec: { minReadySeconds: null, replicas: 4 } }, live);
    expect(out.spec).toMatchObject({ replicas: 4 });
    expect(out.spec).not.toHaveProperty('minReadySeconds');
  });

  it('changes a port of a container, merging ports on containerPort', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
              containers: [
                {
                  '$setElementOrder/ports': [{ containerPort: 8080 }],
                  name: 'web',
                  ports: [
                    { containerPort: 8080, name: 'http' },
                    { $patch: 'delete', containerPort: 80 },
                  ],
                },
              ],
            },
          },
        },
      },
      liveDeployment(),
    );
    expect(web(out).ports).toEqual([{ containerPort: 8080, name: 'http' }]);
  });
});

describe('kubectl edit and set image (two-way strategic merge patch)', () => {
  it('edits an image and removes a finalizer', () => {
    const live = liveDeployment();
    (live.metadata as JsonObject).finalizers = ['example.com/a', 'example.com/b'];
    const out = send(
      'strategic',
      {
        metadata: {
          '$deleteFromPrimitiveList/finalizers': ['example.com/a'],
          '$setElementOrder/finalizers': ['example.com/b'],
        },
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
              containers: [{ image: 'nginx:1.27', name: 'web' }],
            },
          },
        },
      },
      live,
    );
    expect((out.metadata as JsonObject).finalizers).toEqual(['example.com/b']);
    expect(web(out).image).toBe('nginx:1.27');
    expect(containers(out)[1]).toEqual(containers(live)[1]);
  });

  it('kubectl set image changes one container by name', () => {
    const out = send(
      'strategic',
      { spec: { template: { spec: { containers: [{ image: 'envoy:1.31', name: 'sidecar' }] } } } },
      liveDeployment(),
    );
    expect(containers(out).map((c) => [c.name, c.image])).toEqual([
      ['web', 'nginx:1.25'],
      ['sidecar', 'envoy:1.31'],
    ]);
  });

  it('kubectl rollout restart stamps the pod template', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            metadata: {
              annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' },
            },
          },
        },
      },
      liveDeployment(),
    );
    expect((out.spec as JsonObject).template).toMatchObject({
      metadata: {
        labels: { app: 'web' },
        annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' },
      },
    });
  });
});

describe('kubectl label, annotate and scale (JSON merge patch)', () => {
  it('adds, overwrites and removes labels', () => {
    const out = send(
      'merge',
      { metadata: { labels: { app: 'api', tier: 'backend' } } },
      liveDeployment(),
    );
    expect((out.metadata as JsonObject).labels).toEqual({ app: 'api', tier: 'backend' });
    const removed = send('merge', { metadata: { labels: { app: null } } }, liveDeployment());
    expect((removed.metadata as JsonObject).labels).toEqual({});
  });

  it('annotates with a resourceVersion precondition in the body', () => {
    const out = send(
      'merge',
      { metadata: { annotations: { note: 'hello' }, resourceVersion: '1042' } },
      liveDeployment(),
    );
    expect((out.metadata as JsonObject).annotations).toMatchObject({ note: 'hello' });
    expect((out.metadata as JsonObject).resourceVersion).toBe('1042');
  });

  it('scales through the scale subresource', () => {
    const scale: JsonObject = {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'default', resourceVersion: '1042' },
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=web' },
    };
    const out = send('merge', { spec: { replicas: 5 } }, scale, scaleSchema);
    expect(out).toEqual({ ...scale, spec: { replicas: 5 } });
  });
});

describe('kubectl patch', () => {
  it('--type strategic (the default) merges containers by name', () => {
    const out = send(
      'strategic',
      {
        spec: {
          template: {
            spec: { containers: [{ name: 'web', resources: { limits: { cpu: '500m' } } }] },
          },
        },
      },
      liveDeployment(),
    );
    expect(web(out).resources).toEqual({ limits: { cpu: '500m' } });
    expect(web(out).image).toBe('nginx:1.25');
  });

  it('--type json appends an argument and replaces the image', () => {
    const out = send(
      'json',
      [
        { op: 'add', path: '/spec/template/spec/containers/0/args/-', value: '--gzip' },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' },
        { op: 'test', path: '/metadata/labels/app', value: 'web' },
      ],
      liveDeployment(),
    );
    expect(web(out).args).toEqual(['--port=80', '--verbose', '--gzip']);
    expect(web(out).image).toBe('nginx:1.27');
  });

  it('--type merge replaces the whole containers list', () => {
    const out = send(
      'merge',
      { spec: { template: { spec: { containers: [{ name: 'only', image: 'busybox' }] } } } },
      liveDeployment(),
    );
    expect(containers(out)).toEqual([{ name: 'only', image: 'busybox' }]);
  });
});

describe('status patches from the node agent', () => {
  it('updates pod conditions by type, in the order given', () => {
    const pod: JsonObject = {
      metadata: { name: 'web', uid: 'u1' },
      spec: { containers: [{ name: 'web', image: 'nginx' }] },
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        ],
      },
    };
    const out = send(
      'strategic',
      {
        metadata: { uid: 'u1' },
        status: {
          '$setElementOrder/conditions': [
            { type: 'Initialized' },
            { type: 'Ready' },
            { type: 'PodScheduled' },
          ],
          conditions: [
            { status: 'True', type: 'Initialized' },
            { reason: null, status: 'True', type: 'Ready' },
          ],
          phase: 'Running',
        },
      },
      pod,
      podSchema,
    );
    expect(out.status).toEqual({
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
    });
  });
});
