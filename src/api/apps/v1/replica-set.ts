/** apps/v1 ReplicaSet: keeps a number of identical pods running (upstream `k8s.io/api/apps/v1`). */
import { podTemplateSpecSchema } from '../../core/v1/index.ts';
import { labelSelectorSchema, listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import {
  field,
  int32,
  int64,
  mergeList,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';

const a = 'io.k8s.api.apps.v1.';

export const replicaSetSpecSchema = object(
  a + 'ReplicaSetSpec',
  'The desired state of a ReplicaSet.',
  {
    replicas: field(int32(), 'Desired number of pods. Defaults to 1.', { proto: 1 }),
    minReadySeconds: field(
      int32(),
      'Seconds a new pod must be ready, with no container crashing, before it counts as available. Defaults to 0.',
      { proto: 4 },
    ),
    selector: requiredField(
      labelSelectorSchema,
      "Label query over the pods counted towards replicas. Must match the template's labels.",
      { proto: 2 },
    ),
    template: field(podTemplateSpecSchema, 'The pods created when too few exist.', { proto: 3 }),
  },
);
export type ReplicaSetSpec = Infer<typeof replicaSetSpecSchema>;

export const replicaSetConditionSchema = object(
  a + 'ReplicaSetCondition',
  'One aspect of the state of a ReplicaSet.',
  {
    type: requiredField(string(), 'Type of the condition, e.g. ReplicaFailure.', { proto: 1 }),
    status: requiredField(string(), 'True, False or Unknown.', { proto: 2 }),
    lastTransitionTime: field(time(), 'When status last changed.', { proto: 3 }),
    reason: field(string(), 'Programmatic reason for the last transition, in CamelCase.', {
      proto: 4,
    }),
    message: field(string(), 'Human-readable detail about the transition.', { proto: 5 }),
  },
);
export type ReplicaSetCondition = Infer<typeof replicaSetConditionSchema>;

export const replicaSetStatusSchema = object(
  a + 'ReplicaSetStatus',
  'The most recently observed state of a ReplicaSet.',
  {
    replicas: requiredField(int32(), 'Pods the ReplicaSet currently owns, not terminating.', {
      proto: 1,
    }),
    fullyLabeledReplicas: field(int32(), 'Pods whose labels match the labels of the template.', {
      proto: 2,
    }),
    readyReplicas: field(int32(), 'Pods with a Ready condition.', { proto: 4 }),
    availableReplicas: field(int32(), 'Pods ready for at least minReadySeconds.', { proto: 5 }),
    observedGeneration: field(int64(), 'The metadata.generation the controller last acted on.', {
      proto: 3,
    }),
    conditions: mergeList(
      replicaSetConditionSchema,
      'The latest observations of the state of the ReplicaSet.',
      'type',
      { proto: 6 },
    ),
  },
);
export type ReplicaSetStatus = Infer<typeof replicaSetStatusSchema>;

export const replicaSetGVK = { group: 'apps', version: 'v1', kind: 'ReplicaSet' } as const;

export const replicaSetSchema = object(
  a + 'ReplicaSet',
  'Keeps the given number of pods matching a selector running.',
  {
    ...typeAndObjectMeta(),
    spec: field(replicaSetSpecSchema, 'The desired state.', { proto: 2 }),
    status: field(replicaSetStatusSchema, 'The observed state; written by the controller.', {
      proto: 3,
    }),
  },
  { gvk: [replicaSetGVK] },
);
export type ReplicaSet = Infer<typeof replicaSetSchema>;

export const replicaSetListSchema = listOf(replicaSetSchema, replicaSetGVK);
export type ReplicaSetList = Infer<typeof replicaSetListSchema>;
