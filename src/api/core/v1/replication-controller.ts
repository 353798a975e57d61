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
    type: requiredField(string(), 'Type of the condition, e.g. ReplicaFailure.'),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.'),
    lastTransitionTime: field(time(), 'When the status last changed.'),
    reason: field(string(), 'Reason for the last transition.'),
    message: field(string(), 'Human-readable detail about the last transition.'),
  },
);
export type ReplicationControllerCondition = Infer<typeof replicationControllerConditionSchema>;

export const replicationControllerSpecSchema = object(
  'io.k8s.api.core.v1.ReplicationControllerSpec',
  'The desired state of a replication controller.',
  {
    replicas: field(int32(), 'Number of pods to run. Defaults to 1.'),
    minReadySeconds: field(
      int32(),
      'Seconds a new pod must be ready, without crashing, to count as available. Defaults to 0.',
    ),
    selector: field(
      map(string(), { mapType: 'atomic' }),
      'Labels of the pods it manages. Defaults to the labels of the template.',
    ),
    template: field(
      podTemplateSpecSchema,
      'Pods created when too few exist; restartPolicy must be Always.',
    ),
  },
);
export type ReplicationControllerSpec = Infer<typeof replicationControllerSpecSchema>;

export const replicationControllerStatusSchema = object(
  'io.k8s.api.core.v1.ReplicationControllerStatus',
  'The observed state of a replication controller.',
  {
    replicas: requiredField(int32(), 'Number of pods observed.'),
    fullyLabeledReplicas: field(int32(), 'Number of pods with all the labels of the template.'),
    readyReplicas: field(int32(), 'Number of ready pods.'),
    availableReplicas: field(int32(), 'Number of pods ready for at least minReadySeconds.'),
    observedGeneration: field(int64(), 'The metadata.generation this status was computed for.'),
    conditions: mergeList(
      replicationControllerConditionSchema,
      'Conditions of the replication controller.',
      'type',
    ),
  },
);
export type ReplicationControllerStatus = Infer<typeof replicationControllerStatusSchema>;

export const replicationControllerSchema = object(
  'io.k8s.api.core.v1.ReplicationController',
  'Keeps a number of copies of a pod running; the predecessor of ReplicaSet and Deployment.',
  {
    ...typeAndObjectMeta(),
    spec: field(replicationControllerSpecSchema, 'Desired state: replicas, selector, template.'),
    status: field(replicationControllerStatusSchema, 'Observed state. Read-only for users.'),
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
