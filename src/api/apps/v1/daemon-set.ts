/** apps/v1 DaemonSet: one pod per eligible node (upstream `k8s.io/api/apps/v1`). */
import { podTemplateSpecSchema } from '../../core/v1/index.ts';
import { labelSelectorSchema, listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import {
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

export const rollingUpdateDaemonSetSchema = object(
  a + 'RollingUpdateDaemonSet',
  'Limits of a rolling update of a DaemonSet.',
  {
    maxUnavailable: field(
      intOrString(),
      'How many nodes may be without an available daemon pod during the update: a count or a percentage of the desired nodes (rounded up). Cannot be 0 when maxSurge is 0. Defaults to 1.',
      { proto: 1 },
    ),
    maxSurge: field(
      intOrString(),
      'How many nodes may run an extra, updated pod while their old one is still available: a count or a percentage of the desired nodes (rounded up). Cannot be 0 when maxUnavailable is 0. Defaults to 0.',
      { proto: 2 },
    ),
  },
);
export type RollingUpdateDaemonSet = Infer<typeof rollingUpdateDaemonSetSchema>;

export const daemonSetUpdateStrategySchema = object(
  a + 'DaemonSetUpdateStrategy',
  'How a DaemonSet replaces its pods when the template changes.',
  {
    type: field(
      string({ enum: ['OnDelete', 'RollingUpdate'] as const }),
      'RollingUpdate (replace pods gradually) or OnDelete (replace a pod only when it is deleted). Defaults to RollingUpdate.',
      { proto: 1 },
    ),
    rollingUpdate: field(
      rollingUpdateDaemonSetSchema,
      'Parameters of a rolling update; only allowed when type is RollingUpdate.',
      { proto: 2 },
    ),
  },
);
export type DaemonSetUpdateStrategy = Infer<typeof daemonSetUpdateStrategySchema>;

export const daemonSetSpecSchema = object(
  a + 'DaemonSetSpec',
  'The desired state of a DaemonSet.',
  {
    selector: requiredField(
      labelSelectorSchema,
      "Label query over the pods this DaemonSet manages. Must match the template's labels. Immutable.",
      { proto: 1 },
    ),
    template: requiredField(
      podTemplateSpecSchema,
      'The pod to run on every eligible node. Its restartPolicy must be Always (the default).',
      { proto: 2 },
    ),
    updateStrategy: field(
      daemonSetUpdateStrategySchema,
      'How pods are replaced when the template changes. Defaults to a rolling update.',
      { proto: 3 },
    ),
    minReadySeconds: field(
      int32(),
      'Seconds a new pod must be ready, with no container crashing, before it counts as available. Defaults to 0.',
      { proto: 4 },
    ),
    revisionHistoryLimit: field(
      int32(),
      'How many old ControllerRevisions to keep for rollback. Defaults to 10.',
      { proto: 6 },
    ),
  },
);
export type DaemonSetSpec = Infer<typeof daemonSetSpecSchema>;

export const daemonSetConditionSchema = object(
  a + 'DaemonSetCondition',
  'One aspect of the state of a DaemonSet.',
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
export type DaemonSetCondition = Infer<typeof daemonSetConditionSchema>;

export const daemonSetStatusSchema = object(
  a + 'DaemonSetStatus',
  'The most recently observed state of a DaemonSet.',
  {
    currentNumberScheduled: requiredField(
      int32(),
      'Nodes that run at least one daemon pod and should run one.',
      { proto: 1 },
    ),
    numberMisscheduled: requiredField(
      int32(),
      'Nodes that run a daemon pod but should not run one.',
      { proto: 2 },
    ),
    desiredNumberScheduled: requiredField(
      int32(),
      'Nodes that should run the daemon pod (including those already running it).',
      { proto: 3 },
    ),
    numberReady: requiredField(
      int32(),
      'Nodes that should run the daemon pod and have one or more of them ready.',
      { proto: 4 },
    ),
    observedGeneration: field(int64(), 'The metadata.generation the controller last acted on.', {
      proto: 5,
    }),
    updatedNumberScheduled: field(int32(), 'Nodes running the updated daemon pod.', { proto: 6 }),
    numberAvailable: field(
      int32(),
      'Nodes that should run the daemon pod and have one or more of them available (ready for minReadySeconds).',
      { proto: 7 },
    ),
    numberUnavailable: field(
      int32(),
      'Nodes that should run the daemon pod but have none of them available.',
      { proto: 8 },
    ),
    collisionCount: field(
      int32(),
      'Counts hash collisions of the template; mixed into the name of the next ControllerRevision to avoid them.',
      { proto: 9 },
    ),
    conditions: mergeList(
      daemonSetConditionSchema,
      'The latest observations of the state of the DaemonSet.',
      'type',
      { proto: 10 },
    ),
  },
);
export type DaemonSetStatus = Infer<typeof daemonSetStatusSchema>;

export const daemonSetGVK = { group: 'apps', version: 'v1', kind: 'DaemonSet' } as const;

export const daemonSetSchema = object(
  a + 'DaemonSet',
  'Runs a copy of a pod on every node that matches its constraints.',
  {
    ...typeAndObjectMeta(),
    spec: field(daemonSetSpecSchema, 'The desired state.', { proto: 2 }),
    status: field(daemonSetStatusSchema, 'The observed state; written by the controller.', {
      proto: 3,
    }),
  },
  { gvk: [daemonSetGVK] },
);
export type DaemonSet = Infer<typeof daemonSetSchema>;

export const daemonSetListSchema = listOf(daemonSetSchema, daemonSetGVK);
export type DaemonSetList = Infer<typeof daemonSetListSchema>;
