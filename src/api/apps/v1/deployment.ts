/**
 * apps/v1 Deployment: declarative rollouts of a pod template through ReplicaSets
 * (upstream `k8s.io/api/apps/v1`).
 */
import { podTemplateSpecSchema } from '../../core/v1/index.ts';
import { labelSelectorSchema, listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import {
  boolean,
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

export const rollingUpdateDeploymentSchema = object(
  a + 'RollingUpdateDeployment',
  'Limits of a rolling update of a Deployment.',
  {
    maxUnavailable: field(
      intOrString(),
      'How many desired pods may be unavailable during the update: a count or a percentage of spec.replicas (rounded down). Cannot be 0 when maxSurge is 0. Defaults to 25%.',
      { proto: 1 },
    ),
    maxSurge: field(
      intOrString(),
      'How many pods may be created above spec.replicas during the update: a count or a percentage (rounded up). Cannot be 0 when maxUnavailable is 0. Defaults to 25%.',
      { proto: 2 },
    ),
  },
);
export type RollingUpdateDeployment = Infer<typeof rollingUpdateDeploymentSchema>;

export const deploymentStrategySchema = object(
  a + 'DeploymentStrategy',
  'How a Deployment replaces old pods with new ones.',
  {
    type: field(
      string({ enum: ['Recreate', 'RollingUpdate'] as const }),
      'Recreate (delete every old pod first) or RollingUpdate (replace them gradually). Defaults to RollingUpdate.',
      { proto: 1 },
    ),
    rollingUpdate: field(
      rollingUpdateDeploymentSchema,
      'Parameters of a rolling update; only allowed when type is RollingUpdate.',
      { proto: 2 },
    ),
  },
);
export type DeploymentStrategy = Infer<typeof deploymentStrategySchema>;

export const deploymentSpecSchema = object(
  a + 'DeploymentSpec',
  'The desired state of a Deployment.',
  {
    replicas: field(int32(), 'Desired number of pods. Defaults to 1.', { proto: 1 }),
    selector: requiredField(
      labelSelectorSchema,
      "Label query over the pods this Deployment manages. Must match the template's labels. Immutable.",
      { proto: 2 },
    ),
    template: requiredField(
      podTemplateSpecSchema,
      'The pods to create. Its restartPolicy must be Always (the default).',
      { proto: 3 },
    ),
    strategy: field(
      deploymentStrategySchema,
      'How old pods are replaced by new ones. Defaults to a rolling update.',
      { patchStrategy: 'retainKeys', proto: 4 },
    ),
    minReadySeconds: field(
      int32(),
      'Seconds a new pod must be ready, with no container crashing, before it counts as available. Defaults to 0.',
      { proto: 5 },
    ),
    revisionHistoryLimit: field(
      int32(),
      'How many old ReplicaSets to keep for rollback. Defaults to 10.',
      { proto: 6 },
    ),
    paused: field(boolean(), 'When true, changes to the template do not start a rollout.', {
      proto: 7,
    }),
    progressDeadlineSeconds: field(
      int32(),
      'Seconds a rollout may go without progress before the Progressing condition reports ProgressDeadlineExceeded. Must exceed minReadySeconds. Defaults to 600.',
      { proto: 9 },
    ),
  },
);
export type DeploymentSpec = Infer<typeof deploymentSpecSchema>;

export const deploymentConditionSchema = object(
  a + 'DeploymentCondition',
  'One aspect of the state of a Deployment.',
  {
    type: requiredField(string(), 'Available, Progressing or ReplicaFailure.', { proto: 1 }),
    status: requiredField(string(), 'True, False or Unknown.', { proto: 2 }),
    lastUpdateTime: field(time(), 'When the condition was last written.', { proto: 6 }),
    lastTransitionTime: field(time(), 'When status last changed.', { proto: 7 }),
    reason: field(string(), 'Programmatic reason for the last transition, in CamelCase.', {
      proto: 4,
    }),
    message: field(string(), 'Human-readable detail about the transition.', { proto: 5 }),
  },
);
export type DeploymentCondition = Infer<typeof deploymentConditionSchema>;

export const deploymentStatusSchema = object(
  a + 'DeploymentStatus',
  'The most recently observed state of a Deployment.',
  {
    observedGeneration: field(int64(), 'The metadata.generation the controller last acted on.', {
      proto: 1,
    }),
    replicas: field(int32(), 'Pods of every ReplicaSet of this Deployment, not terminating.', {
      proto: 2,
    }),
    updatedReplicas: field(int32(), 'Pods with the current template, not terminating.', {
      proto: 3,
    }),
    readyReplicas: field(int32(), 'Pods with a Ready condition.', { proto: 7 }),
    availableReplicas: field(int32(), 'Pods ready for at least minReadySeconds.', { proto: 4 }),
    unavailableReplicas: field(
      int32(),
      'Pods still needed for the Deployment to be fully available: desired pods minus available ones.',
      { proto: 5 },
    ),
    conditions: mergeList(
      deploymentConditionSchema,
      'The latest observations of the state of the Deployment.',
      'type',
      { proto: 6 },
    ),
    collisionCount: field(
      int32(),
      'Counts hash collisions of the template; mixed into the name of the next ReplicaSet to avoid them.',
      { proto: 8 },
    ),
  },
);
export type DeploymentStatus = Infer<typeof deploymentStatusSchema>;

export const deploymentGVK = { group: 'apps', version: 'v1', kind: 'Deployment' } as const;

export const deploymentSchema = object(
  a + 'Deployment',
  'Declarative updates of a set of identical pods, through ReplicaSets.',
  {
    ...typeAndObjectMeta(),
    spec: field(deploymentSpecSchema, 'The desired state.', { proto: 2 }),
    status: field(deploymentStatusSchema, 'The observed state; written by the controller.', {
      proto: 3,
    }),
  },
  { gvk: [deploymentGVK] },
);
export type Deployment = Infer<typeof deploymentSchema>;

export const deploymentListSchema = listOf(deploymentSchema, deploymentGVK);
export type DeploymentList = Infer<typeof deploymentListSchema>;
