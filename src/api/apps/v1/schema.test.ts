import { describe, expect, it } from 'vitest';
import { elementOf, fieldOf, type ObjectSchema } from '../../schema/schema.ts';
import {
  controllerRevisionListSchema,
  controllerRevisionSchema,
  daemonSetListSchema,
  daemonSetSchema,
  daemonSetSpecSchema,
  daemonSetStatusSchema,
  deploymentConditionSchema,
  deploymentListSchema,
  deploymentSchema,
  deploymentSpecSchema,
  deploymentStatusSchema,
  deploymentStrategySchema,
  replicaSetListSchema,
  replicaSetSchema,
  replicaSetSpecSchema,
  replicaSetStatusSchema,
  rollingUpdateDeploymentSchema,
  rollingUpdateStatefulSetStrategySchema,
  statefulSetListSchema,
  statefulSetSchema,
  statefulSetSpecSchema,
  statefulSetStatusSchema,
} from './index.ts';

const requiredOf = (s: ObjectSchema): string[] =>
  Object.entries(s.fields)
    .filter(([, f]) => f.required)
    .map(([k]) => k)
    .sort();

describe('apps/v1 top-level kinds', () => {
  const kinds: [ObjectSchema, ObjectSchema, string][] = [
    [deploymentSchema, deploymentListSchema, 'Deployment'],
    [replicaSetSchema, replicaSetListSchema, 'ReplicaSet'],
    [daemonSetSchema, daemonSetListSchema, 'DaemonSet'],
    [statefulSetSchema, statefulSetListSchema, 'StatefulSet'],
    [controllerRevisionSchema, controllerRevisionListSchema, 'ControllerRevision'],
  ];
  for (const [schema, list, kind] of kinds) {
    it(`${kind} has gvk apps/v1 and a ${kind}List of it`, () => {
      expect(schema.name).toBe(`io.k8s.api.apps.v1.${kind}`);
      expect(schema.gvk).toEqual([{ group: 'apps', version: 'v1', kind }]);
      expect(list.name).toBe(`io.k8s.api.apps.v1.${kind}List`);
      expect(list.gvk).toEqual([{ group: 'apps', version: 'v1', kind: `${kind}List` }]);
      expect(elementOf(fieldOf(list, 'items')?.schema)).toBe(schema);
      expect(fieldOf(schema, 'metadata')?.schema).toMatchObject({
        name: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      });
    });
  }
});

describe('Deployment', () => {
  it('spec requires selector and template, and the strategy patches with retainKeys', () => {
    expect(requiredOf(deploymentSpecSchema)).toEqual(['selector', 'template']);
    expect(fieldOf(deploymentSpecSchema, 'strategy')).toMatchObject({
      patchStrategy: 'retainKeys',
      schema: deploymentStrategySchema,
    });
    expect(fieldOf(deploymentSpecSchema, 'template')?.schema).toMatchObject({
      name: 'io.k8s.api.core.v1.PodTemplateSpec',
    });
    expect(fieldOf(deploymentSpecSchema, 'selector')?.schema).toMatchObject({
      name: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
    });
  });

  it('strategy type is an enum and rolling update limits are IntOrString', () => {
    expect(fieldOf(deploymentStrategySchema, 'type')?.schema).toMatchObject({
      enum: ['Recreate', 'RollingUpdate'],
    });
    for (const k of ['maxSurge', 'maxUnavailable']) {
      expect(fieldOf(rollingUpdateDeploymentSchema, k)?.schema.kind).toBe('int-or-string');
    }
  });

  it('int32 counters and int64 observedGeneration', () => {
    for (const k of [
      'replicas',
      'minReadySeconds',
      'revisionHistoryLimit',
      'progressDeadlineSeconds',
    ]) {
      expect(fieldOf(deploymentSpecSchema, k)?.schema).toEqual({
        kind: 'integer',
        format: 'int32',
      });
    }
    expect(fieldOf(deploymentStatusSchema, 'observedGeneration')?.schema).toEqual({
      kind: 'integer',
      format: 'int64',
    });
    expect(fieldOf(deploymentStatusSchema, 'collisionCount')?.schema).toEqual({
      kind: 'integer',
      format: 'int32',
    });
  });

  it('status conditions merge on type and carry lastUpdateTime', () => {
    expect(fieldOf(deploymentStatusSchema, 'conditions')).toMatchObject({
      patchStrategy: 'merge',
      patchMergeKey: 'type',
      listType: 'map',
      listMapKeys: ['type'],
    });
    expect(fieldOf(deploymentConditionSchema, 'lastUpdateTime')?.schema).toEqual({
      kind: 'time',
      micro: false,
    });
    expect(requiredOf(deploymentConditionSchema)).toEqual(['status', 'type']);
  });
});

describe('ReplicaSet and DaemonSet', () => {
  it('ReplicaSet: only selector is required in spec, replicas in status', () => {
    expect(requiredOf(replicaSetSpecSchema)).toEqual(['selector']);
    expect(requiredOf(replicaSetStatusSchema)).toEqual(['replicas']);
    expect(fieldOf(replicaSetStatusSchema, 'conditions')?.patchMergeKey).toBe('type');
  });

  it('DaemonSet: four required status counters', () => {
    expect(requiredOf(daemonSetSpecSchema)).toEqual(['selector', 'template']);
    expect(requiredOf(daemonSetStatusSchema)).toEqual([
      'currentNumberScheduled',
      'desiredNumberScheduled',
      'numberMisscheduled',
      'numberReady',
    ]);
    expect(fieldOf(daemonSetSpecSchema, 'updateStrategy')?.patchStrategy).toBeUndefined();
  });
});

describe('StatefulSet and ControllerRevision', () => {
  it('spec requires selector, template and serviceName', () => {
    expect(requiredOf(statefulSetSpecSchema)).toEqual(['selector', 'serviceName', 'template']);
  });

  it('volumeClaimTemplates are an atomic list of PersistentVolumeClaims', () => {
    const f = fieldOf(statefulSetSpecSchema, 'volumeClaimTemplates');
    expect(f?.listType).toBe('atomic');
    expect(f?.patchStrategy).toBeUndefined();
    expect(elementOf(f?.schema)).toMatchObject({
      name: 'io.k8s.api.core.v1.PersistentVolumeClaim',
    });
  });

  it('rolling update has an int32 partition and an IntOrString maxUnavailable', () => {
    expect(fieldOf(rollingUpdateStatefulSetStrategySchema, 'partition')?.schema).toEqual({
      kind: 'integer',
      format: 'int32',
    });
    expect(fieldOf(rollingUpdateStatefulSetStrategySchema, 'maxUnavailable')?.schema.kind).toBe(
      'int-or-string',
    );
    expect(fieldOf(statefulSetSpecSchema, 'podManagementPolicy')?.schema).toMatchObject({
      enum: ['OrderedReady', 'Parallel'],
    });
  });

  it('status: replicas required, availableReplicas optional, revisions are strings', () => {
    expect(requiredOf(statefulSetStatusSchema)).toEqual(['replicas']);
    expect(fieldOf(statefulSetStatusSchema, 'currentRevision')?.schema.kind).toBe('string');
    expect(fieldOf(statefulSetStatusSchema, 'availableReplicas')?.schema).toEqual({
      kind: 'integer',
      format: 'int32',
    });
  });

  it('ControllerRevision: data is free-form, revision a required int64', () => {
    expect(fieldOf(controllerRevisionSchema, 'data')?.schema.kind).toBe('any');
    expect(fieldOf(controllerRevisionSchema, 'revision')).toMatchObject({
      required: true,
      schema: { kind: 'integer', format: 'int64' },
    });
  });
});
