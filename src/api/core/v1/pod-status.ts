/**
 * core/v1: The observed state of a pod: phase, conditions, container states and statuses, IPs.
 */
import {
  array,
  atomicList,
  boolean,
  field,
  int32,
  int64,
  map,
  mergeList,
  object,
  quantity,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';
import { conditionStatusValues, podPhaseValues, podQOSClassValues } from './enums.ts';
import { resourceRequirementsSchema } from './resources.ts';

export const podConditionSchema = object(
  'io.k8s.api.core.v1.PodCondition',
  "One aspect of a pod's state, e.g. PodScheduled, Initialized, ContainersReady or Ready.",
  {
    type: requiredField(
      string(),
      'Type of the condition: PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady, Ready, DisruptionTarget, or a custom readiness gate type.',
      { proto: 1 },
    ),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.', {
      proto: 2,
    }),
    lastProbeTime: field(time(), 'When the condition was last checked.', { proto: 3 }),
    lastTransitionTime: field(time(), 'When the status last changed.', { proto: 4 }),
    reason: field(
      string(),
      'One-word CamelCase reason for the last transition, e.g. Unschedulable.',
      { proto: 5 },
    ),
    message: field(string(), 'Human-readable detail about the last transition.', { proto: 6 }),
  },
);
export type PodCondition = Infer<typeof podConditionSchema>;

export const containerStateWaitingSchema = object(
  'io.k8s.api.core.v1.ContainerStateWaiting',
  'The container is not running yet (being created, pulling its image, backing off after a crash ...).',
  {
    reason: field(
      string(),
      'Short CamelCase reason, e.g. ContainerCreating, PodInitializing, ErrImagePull, ImagePullBackOff, CrashLoopBackOff or CreateContainerConfigError.',
      { proto: 1 },
    ),
    message: field(string(), 'Human-readable detail about why the container is waiting.', {
      proto: 2,
    }),
  },
);
export type ContainerStateWaiting = Infer<typeof containerStateWaitingSchema>;

export const containerStateRunningSchema = object(
  'io.k8s.api.core.v1.ContainerStateRunning',
  'The container is running.',
  {
    startedAt: field(time(), 'When the container was last (re)started.', { proto: 1 }),
  },
);
export type ContainerStateRunning = Infer<typeof containerStateRunningSchema>;

export const containerStateTerminatedSchema = object(
  'io.k8s.api.core.v1.ContainerStateTerminated',
  'The container ran and exited.',
  {
    exitCode: requiredField(int32(), 'Exit status of the process.', { proto: 1 }),
    signal: field(int32(), 'Signal that ended the process, if any.', { proto: 2 }),
    reason: field(
      string(),
      'Short CamelCase reason, e.g. Completed, Error, OOMKilled or StartError.',
      { proto: 3 },
    ),
    message: field(string(), 'Detail about the termination, e.g. the termination message.', {
      proto: 4,
    }),
    startedAt: field(time(), 'When this run of the container started.', { proto: 5 }),
    finishedAt: field(time(), 'When this run of the container ended.', { proto: 6 }),
    containerID: field(string(), 'ID of the container that ran, as <runtime>://<id>.', {
      proto: 7,
    }),
  },
);
export type ContainerStateTerminated = Infer<typeof containerStateTerminatedSchema>;

export const containerStateSchema = object(
  'io.k8s.api.core.v1.ContainerState',
  'The state of a container: exactly one of waiting, running or terminated. Nothing set means waiting.',
  {
    waiting: field(containerStateWaitingSchema, 'Set while the container is waiting to run.', {
      proto: 1,
    }),
    running: field(containerStateRunningSchema, 'Set while the container is running.', {
      proto: 2,
    }),
    terminated: field(containerStateTerminatedSchema, 'Set after the container exited.', {
      proto: 3,
    }),
  },
);
export type ContainerState = Infer<typeof containerStateSchema>;

export const volumeMountStatusSchema = object(
  'io.k8s.api.core.v1.VolumeMountStatus',
  'The mount of one volume as the runtime actually made it.',
  {
    name: requiredField(string(), 'Name of the volume mount.', { proto: 1 }),
    mountPath: requiredField(string(), 'Path of the mount in the container.', { proto: 2 }),
    readOnly: field(boolean(), 'Whether the mount is read-only.', { proto: 3 }),
    recursiveReadOnly: field(
      string(),
      'Disabled or Enabled for read-only mounts (an IfPossible request is reported as what it turned into); unset for read-write mounts.',
      { proto: 4 },
    ),
  },
);
export type VolumeMountStatus = Infer<typeof volumeMountStatusSchema>;

export const linuxContainerUserSchema = object(
  'io.k8s.api.core.v1.LinuxContainerUser',
  'The Linux identity the first process of a container started with.',
  {
    uid: requiredField(int64(), 'Primary UID.', { proto: 1 }),
    gid: requiredField(int64(), 'Primary GID.', { proto: 2 }),
    supplementalGroups: atomicList(int64(), 'Supplemental GIDs.', { proto: 3 }),
  },
);
export type LinuxContainerUser = Infer<typeof linuxContainerUserSchema>;

export const containerUserSchema = object(
  'io.k8s.api.core.v1.ContainerUser',
  'The identity the first process of a container started with (a privileged process may change it later).',
  {
    linux: field(linuxContainerUserSchema, 'Linux UID, GID and supplemental groups.', { proto: 1 }),
  },
);
export type ContainerUser = Infer<typeof containerUserSchema>;

export const resourceHealthSchema = object(
  'io.k8s.api.core.v1.ResourceHealth',
  'Health of one device allocated to a pod.',
  {
    resourceID: requiredField(string(), 'Unique ID of the device on the node.', { proto: 1 }),
    health: field(string(), 'Healthy, Unhealthy or Unknown.', { proto: 2 }),
  },
);
export type ResourceHealth = Infer<typeof resourceHealthSchema>;

export const resourceStatusSchema = object(
  'io.k8s.api.core.v1.ResourceStatus',
  'Health of the devices behind one resource allocated to a container.',
  {
    name: requiredField(
      string(),
      "Name of the resource: a resource name from the container's spec, or claim:<claim>/<request> for dynamically allocated resources.",
      { proto: 1 },
    ),
    resources: field(array(resourceHealthSchema), 'Health of each device, by resource ID.', {
      listType: 'map',
      listMapKeys: ['resourceID'],
      proto: 2,
    }),
  },
);
export type ResourceStatus = Infer<typeof resourceStatusSchema>;

export const containerStatusSchema = object(
  'io.k8s.api.core.v1.ContainerStatus',
  'The observed state of one container of a pod.',
  {
    name: requiredField(string(), 'Name of the container.', { proto: 1 }),
    state: field(containerStateSchema, 'Current state: waiting, running or terminated.', {
      proto: 2,
    }),
    lastState: field(
      containerStateSchema,
      'State of the previous run (usually terminated), kept to debug crashes and restarts; empty before the first restart.',
      { proto: 3 },
    ),
    ready: requiredField(
      boolean(),
      'Whether the container passes its readiness probe (or, without one, has started).',
      { proto: 4 },
    ),
    restartCount: requiredField(
      int32(),
      'How many times the container has been restarted. Never negative; may be reset if the node loses its state.',
      { proto: 5 },
    ),
    image: requiredField(
      string(),
      'Image the container runs, as resolved by the runtime (may differ from the spec).',
      { proto: 6 },
    ),
    imageID: requiredField(string(), 'ID (usually a digest) of the image the container runs.', {
      proto: 7,
    }),
    containerID: field(string(), 'ID of the container, as <runtime>://<id>.', { proto: 8 }),
    started: field(
      boolean(),
      'Whether the container has finished its postStart hook and passed its startup probe. False after every restart until then; unset means false.',
      { proto: 9 },
    ),
    allocatedResources: field(
      map(quantity()),
      'Resources the node allocated to the container: its requests at admission, updated when a resize is admitted.',
      { proto: 10 },
    ),
    resources: field(
      resourceRequirementsSchema,
      'Requests and limits actually applied to the running container.',
      { proto: 11 },
    ),
    volumeMounts: mergeList(
      volumeMountStatusSchema,
      'Volume mounts as actually made.',
      'mountPath',
      { proto: 12 },
    ),
    user: field(containerUserSchema, "Identity of the container's first process.", { proto: 13 }),
    allocatedResourcesStatus: mergeList(
      resourceStatusSchema,
      'Health of the devices allocated to the container.',
      'name',
      { proto: 14 },
    ),
  },
);
export type ContainerStatus = Infer<typeof containerStatusSchema>;

export const podIPSchema = object('io.k8s.api.core.v1.PodIP', 'One IP address of a pod.', {
  ip: requiredField(string(), 'The IP address.', { proto: 1 }),
});
export type PodIP = Infer<typeof podIPSchema>;

export const hostIPSchema = object(
  'io.k8s.api.core.v1.HostIP',
  'One IP address of the node a pod runs on.',
  {
    ip: requiredField(string(), 'The IP address.', { proto: 1 }),
  },
);
export type HostIP = Infer<typeof hostIPSchema>;

export const podResourceClaimStatusSchema = object(
  'io.k8s.api.core.v1.PodResourceClaimStatus',
  "The name of the ResourceClaim generated for one of the pod's resource claims.",
  {
    name: requiredField(string(), 'Name of the entry in spec.resourceClaims.', { proto: 1 }),
    resourceClaimName: field(
      string(),
      "Name of the ResourceClaim generated in the pod's namespace; unset when none was needed.",
      { proto: 2 },
    ),
  },
);
export type PodResourceClaimStatus = Infer<typeof podResourceClaimStatusSchema>;

export const podStatusSchema = object(
  'io.k8s.api.core.v1.PodStatus',
  'The observed state of a pod. It may lag behind reality, e.g. when its node cannot reach the API server.',
  {
    phase: field(
      string({ enum: podPhaseValues }),
      "Summary of the pod's lifecycle: Pending (accepted, containers not all created yet), Running (bound, at least one container running or restarting), Succeeded (all containers exited 0 and will not restart), Failed (all exited, at least one with failure) or Unknown (the node cannot be reached).",
      { proto: 1 },
    ),
    conditions: mergeList(
      podConditionSchema,
      'Conditions of the pod: PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady, Ready and others.',
      'type',
      { proto: 2 },
    ),
    message: field(string(), "Human-readable detail about the pod's state.", { proto: 3 }),
    reason: field(
      string(),
      "Short CamelCase reason for the pod's state, e.g. Evicted or DeadlineExceeded.",
      { proto: 4 },
    ),
    nominatedNodeName: field(
      string(),
      'Node on which this pod preempted other pods and is expected to run once they are gone. Not a promise: the scheduler may still pick another node.',
      { proto: 11 },
    ),
    hostIP: field(
      string(),
      'Primary IP address of the node the pod runs on; empty before the pod starts.',
      { proto: 5 },
    ),
    hostIPs: field(
      array(hostIPSchema),
      'IP addresses of the node, primary first (matching hostIP).',
      { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic', proto: 16 },
    ),
    podIP: field(
      string(),
      'Primary IP address of the pod, routable at least within the cluster; empty until allocated.',
      { proto: 6 },
    ),
    podIPs: mergeList(
      podIPSchema,
      'IP addresses of the pod, at most one per family, primary first (matching podIP).',
      'ip',
      { proto: 12 },
    ),
    startTime: field(time(), 'When the kubelet accepted the pod, before pulling any image.', {
      proto: 7,
    }),
    initContainerStatuses: atomicList(
      containerStatusSchema,
      'Status of each init container, in spec order.',
      { proto: 10 },
    ),
    containerStatuses: atomicList(containerStatusSchema, 'Status of each regular container.', {
      proto: 8,
    }),
    qosClass: field(
      string({ enum: podQOSClassValues }),
      "Quality of service class from the containers' requests and limits: Guaranteed, Burstable or BestEffort.",
      { proto: 9 },
    ),
    ephemeralContainerStatuses: atomicList(
      containerStatusSchema,
      'Status of each ephemeral container that has run.',
      { proto: 13 },
    ),
    resize: field(
      string(),
      'State of a requested in-place resize: Proposed, InProgress, Deferred or Infeasible; empty when none is pending.',
      { proto: 14 },
    ),
    resourceClaimStatuses: mergeList(
      podResourceClaimStatusSchema,
      "Names of the ResourceClaims generated for the pod's claims.",
      'name',
      { strategy: 'merge,retainKeys', proto: 15 },
    ),
  },
);
export type PodStatus = Infer<typeof podStatusSchema>;
