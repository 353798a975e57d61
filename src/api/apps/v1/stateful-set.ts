/**
 * apps/v1 StatefulSet: pods with stable names, ordinals and storage (upstream `k8s.io/api/apps/v1`).
 */
import { persistentVolumeClaimSchema, podTemplateSpecSchema } from '../../core/v1/index.ts';
import { labelSelectorSchema, listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import {
  atomicList,
  field,
  int32,
  int64,
  intOrString,
  mergeList,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';

const a = 'io.k8s.api.apps.v1.';

export const rollingUpdateStatefulSetStrategySchema = object(
  a + 'RollingUpdateStatefulSetStrategy',
  'Parameters of a rolling update of a StatefulSet.',
  {
    partition: field(
      int32(),
      'Only pods with an ordinal at or above this number are updated; the others keep the old revision, even when recreated. Defaults to 0.',
      { proto: 1 },
    ),
    maxUnavailable: field(
      intOrString(),
      'How many pods may be unavailable during the update: a count or a percentage of replicas (rounded up), at least 1. Defaults to 1. Alpha, behind the MaxUnavailableStatefulSet feature gate.',
      { proto: 2 },
    ),
  },
);
export type RollingUpdateStatefulSetStrategy = Infer<typeof rollingUpdateStatefulSetStrategySchema>;

export const statefulSetUpdateStrategySchema = object(
  a + 'StatefulSetUpdateStrategy',
  'How a StatefulSet replaces its pods when the template changes.',
  {
    type: field(
      string({ enum: ['OnDelete', 'RollingUpdate'] as const }),
      'RollingUpdate (replace pods one by one, highest ordinal first) or OnDelete (replace a pod only when it is deleted). Defaults to RollingUpdate.',
      { proto: 1 },
    ),
    rollingUpdate: field(
      rollingUpdateStatefulSetStrategySchema,
      'Parameters of a rolling update; only allowed when type is RollingUpdate.',
      { proto: 2 },
    ),
  },
);
export type StatefulSetUpdateStrategy = Infer<typeof statefulSetUpdateStrategySchema>;

export const statefulSetPersistentVolumeClaimRetentionPolicySchema = object(
  a + 'StatefulSetPersistentVolumeClaimRetentionPolicy',
  'What happens to the claims created from volumeClaimTemplates when the StatefulSet is deleted or scaled down.',
  {
    whenDeleted: field(
      string(),
      'Retain (keep the claims) or Delete (delete them) when the StatefulSet is deleted. Defaults to Retain.',
      { proto: 1 },
    ),
    whenScaled: field(
      string(),
      'Retain (keep the claims) or Delete (delete the claims of removed pods) when the StatefulSet is scaled down. Defaults to Retain.',
      { proto: 2 },
    ),
  },
);
export type StatefulSetPersistentVolumeClaimRetentionPolicy = Infer<
  typeof statefulSetPersistentVolumeClaimRetentionPolicySchema
>;

export const statefulSetOrdinalsSchema = object(
  a + 'StatefulSetOrdinals',
  'The numbering of the pods of a StatefulSet.',
  {
    start: field(
      int32(),
      'The ordinal of the first pod; pods are numbered start to start+replicas-1. Defaults to 0.',
      { proto: 1 },
    ),
  },
);
export type StatefulSetOrdinals = Infer<typeof statefulSetOrdinalsSchema>;

export const statefulSetSpecSchema = object(
  a + 'StatefulSetSpec',
  'The desired state of a StatefulSet.',
  {
    replicas: field(int32(), 'Desired number of pods. Defaults to 1.', { proto: 1 }),
    selector: requiredField(
      labelSelectorSchema,
      "Label query over the pods counted towards replicas. Must match the template's labels. Immutable.",
      { proto: 2 },
    ),
    template: requiredField(
      podTemplateSpecSchema,
      'The pods to create; each gets a unique, stable identity (name and ordinal).',
      { proto: 3 },
    ),
    volumeClaimTemplates: atomicList(
      persistentVolumeClaimSchema,
      'Claims each pod gets its own copy of, named <claim>-<pod>. A template whose name matches a volume of the pod template backs that volume.',
      { proto: 4 },
    ),
    serviceName: requiredField(
      string(),
      'The headless Service that gives the pods their network identity (pod.service.namespace.svc...).',
      { proto: 5 },
    ),
    podManagementPolicy: field(
      string({ enum: ['OrderedReady', 'Parallel'] as const }),
      'OrderedReady (create pods in order, each waiting for the previous to be ready; delete in reverse) or Parallel (all at once). Defaults to OrderedReady.',
      { proto: 6 },
    ),
    updateStrategy: field(
      statefulSetUpdateStrategySchema,
      'How pods are replaced when the template changes. Defaults to a rolling update.',
      { proto: 7 },
    ),
    revisionHistoryLimit: field(
      int32(),
      'How many old ControllerRevisions to keep for rollback. Defaults to 10.',
      { proto: 8 },
    ),
    minReadySeconds: field(
      int32(),
      'Seconds a new pod must be ready, with no container crashing, before it counts as available. Defaults to 0.',
      { proto: 9 },
    ),
    persistentVolumeClaimRetentionPolicy: field(
      statefulSetPersistentVolumeClaimRetentionPolicySchema,
      'Whether claims from volumeClaimTemplates are deleted with the StatefulSet or on scale-down. Defaults to Retain for both.',
      { proto: 10 },
    ),
    ordinals: field(
      statefulSetOrdinalsSchema,
      'The numbering of the pods. Defaults to starting at 0.',
      { proto: 11 },
    ),
  },
);
export type StatefulSetSpec = Infer<typeof statefulSetSpecSchema>;

export const statefulSetConditionSchema = object(
  a + 'StatefulSetCondition',
  'One aspect of the state of a StatefulSet.',
  {
    type: requiredField(string(), 'Type of the condition.', { proto: 1 }),
    status: requiredField(string(), 'True, False or Unknown.', { proto: 2 }),
    lastTransitionTime: field(time(), 'When status last changed.', { proto: 3 }),
    reason: field(string(), 'Programmatic reason for the last transition, in CamelCase.', {
      proto: 4,
    }),
    message: field(string(), 'Human-readable detail about the transition.', { proto: 5 }),
  },
);
export type StatefulSetCondition = Infer<typeof statefulSetConditionSchema>;

export const statefulSetStatusSchema = object(
  a + 'StatefulSetStatus',
  'The most recently observed state of a StatefulSet.',
  {
    observedGeneration: field(int64(), 'The metadata.generation the controller last acted on.', {
      proto: 1,
    }),
    replicas: requiredField(int32(), 'Pods the StatefulSet controller created.', { proto: 2 }),
    readyReplicas: field(int32(), 'Pods with a Ready condition.', { proto: 3 }),
    currentReplicas: field(int32(), 'Pods at the revision currentRevision.', { proto: 4 }),
    updatedReplicas: field(int32(), 'Pods at the revision updateRevision.', { proto: 5 }),
    currentRevision: field(
      string(),
      'The revision (ControllerRevision name) of the pods with ordinals below currentReplicas.',
      { proto: 6 },
    ),
    updateRevision: field(
      string(),
      'The revision (ControllerRevision name) the update is rolling pods to.',
      { proto: 7 },
    ),
    collisionCount: field(
      int32(),
      'Counts hash collisions of the template; mixed into the name of the next ControllerRevision to avoid them.',
      { proto: 9 },
    ),
    conditions: mergeList(
      statefulSetConditionSchema,
      'The latest observations of the state of the StatefulSet.',
      'type',
      { proto: 10 },
    ),
    availableReplicas: field(int32(), 'Pods ready for at least minReadySeconds.', { proto: 11 }),
  },
);
export type StatefulSetStatus = Infer<typeof statefulSetStatusSchema>;

export const statefulSetGVK = { group: 'apps', version: 'v1', kind: 'StatefulSet' } as const;

export const statefulSetSchema = object(
  a + 'StatefulSet',
  'A set of pods with stable, ordered identities and per-pod storage.',
  {
    ...typeAndObjectMeta(),
    spec: field(statefulSetSpecSchema, 'The desired state.', { proto: 2 }),
    status: field(statefulSetStatusSchema, 'The observed state; written by the controller.', {
      proto: 3,
    }),
  },
  { gvk: [statefulSetGVK] },
);
export type StatefulSet = Infer<typeof statefulSetSchema>;

export const statefulSetListSchema = listOf(statefulSetSchema, statefulSetGVK);
export type StatefulSetList = Infer<typeof statefulSetListSchema>;
