/**
 * core/v1: ReplicationController, the predecessor of ReplicaSet.
 */
import {
  field,
  int32,
  int64,
  map,
  mergeList,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import { conditionStatusValues } from './enums.ts';
import { podTemplateSpecSchema } from './pod.ts';

export const replicationControllerConditionSchema = object(
  'io.k8s.api.core.v1.ReplicationControllerCondition',
  "One aspect of a replication controller's state, e.g. ReplicaFailure.",
  {
    type: requiredField(string(), 'Type of the condition, e.g. ReplicaFailure.', { proto: 1 }),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.', {
      proto: 2,
    }),
    lastTransitionTime: field(time(), 'When the status last changed.', { proto: 3 }),
    reason: field(string(), 'Reason for the last transition.', { proto: 4 }),
    message: field(string(), 'Human-readable detail about the last transition.', { proto: 5 }),
  },
);
export type ReplicationControllerCondition = Infer<typeof replicationControllerConditionSchema>;

export const replicationControllerSpecSchema = object(
  'io.k8s.api.core.v1.ReplicationControllerSpec',
  'The desired state of a replication controller.',
  {
    replicas: field(int32(), 'Number of pods to run. Defaults to 1.', { proto: 1 }),
    minReadySeconds: field(
      int32(),
      'Seconds a new pod must be ready, without crashing, to count as available. Defaults to 0.',
      { proto: 4 },
    ),
    selector: field(
      map(string(), { mapType: 'atomic' }),
      'Labels of the pods it manages. Defaults to the labels of the template.',
      { proto: 2 },
    ),
    template: field(
      podTemplateSpecSchema,
      'Pods created when too few exist; restartPolicy must be Always.',
      { proto: 3 },
    ),
  },
);
export type ReplicationControllerSpec = Infer<typeof replicationControllerSpecSchema>;

export const replicationControllerStatusSchema = object(
  'io.k8s.api.core.v1.ReplicationControllerStatus',
  'The observed state of a replication controller.',
  {
    replicas: requiredField(int32(), 'Number of pods observed.', { proto: 1 }),
    fullyLabeledReplicas: field(int32(), 'Number of pods with all the labels of the template.', {
      proto: 2,
    }),
    readyReplicas: field(int32(), 'Number of ready pods.', { proto: 4 }),
    availableReplicas: field(int32(), 'Number of pods ready for at least minReadySeconds.', {
      proto: 5,
    }),
    observedGeneration: field(int64(), 'The metadata.generation this status was computed for.', {
      proto: 3,
    }),
    conditions: mergeList(
      replicationControllerConditionSchema,
      'Conditions of the replication controller.',
      'type',
      { proto: 6 },
    ),
  },
);
export type ReplicationControllerStatus = Infer<typeof replicationControllerStatusSchema>;

export const replicationControllerSchema = object(
  'io.k8s.api.core.v1.ReplicationController',
  'Keeps a number of copies of a pod running; the predecessor of ReplicaSet and Deployment.',
  {
    ...typeAndObjectMeta(),
    spec: field(replicationControllerSpecSchema, 'Desired state: replicas, selector, template.', {
      proto: 2,
    }),
    status: field(replicationControllerStatusSchema, 'Observed state. Read-only for users.', {
      proto: 3,
    }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'ReplicationController' }] },
);
export type ReplicationController = Infer<typeof replicationControllerSchema>;

export const replicationControllerListSchema = listOf(replicationControllerSchema, {
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
});
export type ReplicationControllerList = Infer<typeof replicationControllerListSchema>;
