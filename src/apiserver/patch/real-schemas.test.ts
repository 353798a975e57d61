/**
 * The engines against the project's real Pod schema (`src/api/core/v1`), whose patch metadata must
 * match upstream's struct tags: containers and env merge on name, ports on containerPort,
 * volumeMounts on mountPath, volumes merge with retainKeys, conditions on type, finalizers as a set,
 * ownerReferences on uid, tolerations and args atomic.
 */
import { describe, it, expect } from 'vitest';
import { podSchema } from '../../api/index.ts';
import { applyPatch } from './apply-patch.ts';
import type { JsonObject } from './json-value.ts';
import { frozen } from './testing/helpers.ts';

function smp(original: JsonObject, patch: unknown): JsonObject {
  return applyPatch({
    type: 'strategic',
    original: frozen(original),
    patch: frozen(patch),
    schema: podSchema,
  });
}

const live = (): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    finalizers: ['example.com/keep'],
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1', controller: true },
    ],
  },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.25',
        args: ['-a', '-b'],
        env: [{ name: 'A', value: '1' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
      { name: 'sidecar', image: 'envoy' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'a', operator: 'Exists' }],
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'PodScheduled', status: 'True' },
    ],
  },
});

describe('strategic merge patch with the real Pod schema', () => {
  it('merges containers, env, ports and volumeMounts by their keys', () => {
    const out = smp(live(), {
      spec: {
        containers: [
          {
            name: 'web',
            env: [{ name: 'B', value: '2' }],
            ports: [{ containerPort: 80, name: 'http' }],
            volumeMounts: [{ mountPath: '/data', readOnly: true }],
          },
        ],
      },
    });
    const [web, sidecar] = (out.spec as JsonObject).containers as JsonObject[];
    expect(web).toEqual({
      name: 'web',
      image: 'nginx:1.25',
      args: ['-a', '-b'],
      env: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' },
      ],
      ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }],
      volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
    });
    expect(sidecar).toEqual({ name: 'sidecar', image: 'envoy' });
  });

  it('replaces atomic args and tolerations', () => {
    const out = smp(live(), {
      spec: {
        containers: [{ name: 'web', args: ['-c'] }],
        tolerations: [{ key: 'b', operator: 'Exists' }],
      },
    });
    expect(((out.spec as JsonObject).containers as JsonObject[])[0]?.args).toEqual(['-c']);
    expect((out.spec as JsonObject).tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });

  it('switches a volume source with $retainKeys', () => {
    const out = smp(live(), {
      spec: {
        '$setElementOrder/volumes': [{ name: 'data' }],
        volumes: [
          {
            $retainKeys: ['configMap', 'name'],
            configMap: { name: 'cfg' },
            emptyDir: null,
            name: 'data',
          },
        ],
      },
    });
    expect((out.spec as JsonObject).volumes).toEqual([
      { name: 'data', configMap: { name: 'cfg' } },
    ]);
  });

  it('merges finalizers as a set and ownerReferences by uid', () => {
    const out = smp(live(), {
      metadata: {
        finalizers: ['example.com/new', 'example.com/keep'],
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web-1',
            uid: 'rs-1',
            blockOwnerDeletion: true,
          },
        ],
      },
    });
    expect(out.metadata).toMatchObject({
      finalizers: ['example.com/new', 'example.com/keep'],
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-1',
          uid: 'rs-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
  });

  it('merges status conditions by type', () => {
    const out = smp(live(), { status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    expect((out.status as JsonObject).conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ]);
  });

  it('removes a container with $patch: delete', () => {
    const out = smp(live(), {
      spec: {
        '$setElementOrder/containers': [{ name: 'web' }],
        containers: [{ $patch: 'delete', name: 'sidecar' }],
      },
    });
    expect(((out.spec as JsonObject).containers as JsonObject[]).map((c) => c.name)).toEqual([
      'web',
    ]);
  });
});
