// The same scenarios against the served schemas (src/api), with their defaulting.
import { describe, it, expect } from 'vitest';
import {
  defaultDeployment,
  defaultPod,
  type Deployment,
  deploymentSchema,
  type Pod,
  podSchema,
} from '../../api/index.ts';
import { apply, type ApplyOptions } from './apply.ts';
import { ApplyConflictError } from './errors.ts';
import { FieldSet } from './field-set.ts';
import { fieldPath } from './path-element.ts';
import { updateManagedFields } from './update.ts';

const t0 = new Date('2024-05-01T10:00:00Z');
const t1 = new Date('2024-05-01T10:05:00Z');
const t2 = new Date('2024-05-01T10:10:00Z');
const resetStatus = FieldSet.of(fieldPath('status'));

function deployment(replicas?: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** Stores an object the way the API server does: defaulted, with server-set metadata. */
function store<T extends Deployment | Pod>(obj: T, defaults: (o: T) => void): T {
  const o = structuredClone(obj);
  defaults(o);
  o.metadata = {
    ...o.metadata,
    uid: 'u-1',
    resourceVersion: '1',
    creationTimestamp: '2024-05-01T09:00:00Z',
  };
  return o;
}

function entriesOf(obj: { metadata?: { managedFields?: unknown } }): unknown {
  return obj.metadata?.managedFields;
}

const ssaDeployment = (
  live: Deployment | undefined,
  applied: unknown,
  o: Partial<ApplyOptions> = {},
): Deployment =>
  apply({
    live: live,
    applied,
    schema: deploymentSchema,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    manager: 'kubectl',
    force: false,
    now: t0,
    resetFields: resetStatus,
    ...o,
  }).object;

describe('real Deployment schema', () => {
  it('records kubectl create exactly as upstream', () => {
    const d = deployment(1);
    defaultDeployment(d);
    const [e] = updateManagedFields({
      live: undefined,
      updated: d,
      schema: deploymentSchema,
      manager: 'kubectl-create',
      apiVersion: 'apps/v1',
      now: t0,
      resetFields: resetStatus,
    });
    expect(JSON.stringify(e?.fieldsV1)).toBe(
      JSON.stringify({
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:progressDeadlineSeconds': {},
          'f:replicas': {},
          'f:revisionHistoryLimit': {},
          'f:selector': {},
          'f:strategy': {
            'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} },
            'f:type': {},
          },
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:imagePullPolicy': {},
                  'f:name': {},
                  'f:ports': {
                    '.': {},
                    'k:{"containerPort":80,"protocol":"TCP"}': {
                      '.': {},
                      'f:containerPort': {},
                      'f:protocol': {},
                    },
                  },
                  'f:resources': {},
                  'f:terminationMessagePath': {},
                  'f:terminationMessagePolicy': {},
                },
              },
              'f:dnsPolicy': {},
              'f:restartPolicy': {},
              'f:schedulerName': {},
              'f:securityContext': {},
              'f:terminationGracePeriodSeconds': {},
            },
          },
        },
      }),
    );
  });

  it('applies, conflicts with kubectl scale, and forces', () => {
    let live = store(ssaDeployment(undefined, deployment(2)), defaultDeployment);
    expect(entriesOf(live)).toEqual([
      expect.objectContaining({
        manager: 'kubectl',
        operation: 'Apply',
        fieldsV1: expect.objectContaining({
          'f:spec': expect.objectContaining({ 'f:replicas': {}, 'f:selector': {} }),
        }),
      }),
    ]);
    const scaled = structuredClone(live);
    if (scaled.spec) scaled.spec.replicas = 5;
    live = {
      ...scaled,
      metadata: {
        ...scaled.metadata,
        managedFields: updateManagedFields({
          live,
          updated: scaled,
          schema: deploymentSchema,
          manager: 'kubectl-scale',
          apiVersion: 'apps/v1',
          subresource: 'scale',
          now: t1,
        }),
      },
    };
    let conflict: unknown;
    try {
      ssaDeployment(live, deployment(3), { now: t2 });
    } catch (e) {
      conflict = e;
    }
    expect(conflict).toBeInstanceOf(ApplyConflictError);
    expect((conflict as ApplyConflictError).status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas',
    );
    const forced = ssaDeployment(live, deployment(3), { now: t2, force: true });
    expect(forced.spec?.replicas).toBe(3);
    expect((entriesOf(forced) as { manager: string }[]).map((e) => e.manager)).toEqual(['kubectl']);
  });
});

describe('real Pod schema', () => {
  const pod = (): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'default',
      finalizers: ['example.com/cleanup'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'abc' }],
    },
    spec: {
      nodeSelector: { disk: 'ssd' },
      tolerations: [{ key: 'k', operator: 'Exists' }],
      imagePullSecrets: [{ name: 'registry' }],
      containers: [
        {
          name: 'app',
          image: 'busybox',
          args: ['sleep', '1d'],
          env: [{ name: 'A', value: '1' }],
          ports: [{ containerPort: 8080, name: 'http' }],
        },
      ],
    },
  });

  it('encodes sets, list-maps, atomic lists and maps as upstream', () => {
    const r = apply({
      live: undefined,
      applied: pod(),
      schema: podSchema,
      apiVersion: 'v1',
      kind: 'Pod',
      manager: 'kubectl',
      force: false,
      now: t0,
      resetFields: resetStatus,
    });
    const [e] = entriesOf(r.object) as { fieldsV1: unknown }[];
    expect(e?.fieldsV1).toEqual({
      'f:metadata': {
        'f:finalizers': { 'v:"example.com/cleanup"': {} },
        'f:ownerReferences': {
          'k:{"uid":"abc"}': {},
        },
      },
      'f:spec': {
        'f:nodeSelector': {},
        'f:tolerations': {},
        'f:imagePullSecrets': { 'k:{"name":"registry"}': {} },
        'f:containers': {
          'k:{"name":"app"}': {
            '.': {},
            'f:name': {},
            'f:image': {},
            'f:args': {},
            'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
            'f:ports': {
              'k:{"containerPort":8080,"protocol":"TCP"}': {
                '.': {},
                'f:containerPort': {},
                'f:name': {},
              },
            },
          },
        },
      },
    });
  });

  it('records kubelet status writes with the condition times Go always writes', () => {
    const live = store(pod() as Pod, defaultPod);
    const withStatus: Pod = {
      ...structuredClone(live),
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' }],
      },
    };
    const entries = updateManagedFields({
      live: { ...live, metadata: { ...live.metadata, managedFields: [] } },
      updated: withStatus,
      schema: podSchema,
      manager: 'kubelet',
      apiVersion: 'v1',
      subresource: 'status',
      now: t1,
      resetFields: FieldSet.of(fieldPath('spec')),
    });
    // The stored pod had no managedFields at all: nothing is tracked, as upstream.
    expect(entries).toEqual([]);

    const created = updateManagedFields({
      live: undefined,
      updated: live,
      schema: podSchema,
      manager: 'kubectl-create',
      apiVersion: 'v1',
      now: t0,
      resetFields: resetStatus,
    });
    const tracked = updateManagedFields({
      live: { ...live, metadata: { ...live.metadata, managedFields: created } },
      updated: { ...withStatus, metadata: { ...live.metadata, managedFields: created } },
      schema: podSchema,
      manager: 'kubelet',
      apiVersion: 'v1',
      subresource: 'status',
      now: t1,
      resetFields: FieldSet.of(fieldPath('spec')),
    });
    expect(tracked[1]).toMatchObject({
      manager: 'kubelet',
      subresource: 'status',
      fieldsV1: {
        'f:status': {
          'f:conditions': {
            '.': {},
            'k:{"type":"Ready"}': {
              '.': {},
              'f:lastProbeTime': {},
              'f:lastTransitionTime': {},
              'f:status': {},
              'f:type': {},
            },
          },
          'f:phase': {},
        },
      },
    });
  });
});
