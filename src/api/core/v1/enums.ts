/**
 * Closed value sets of core/v1, as `const` arrays (used as schema enums) and string-literal unions.
 *
 * The arrays below are exactly the values upstream marks as the enum of each type (plus
 * ConditionStatus, which upstream documents as True/False/Unknown). Decoding uses them only where
 * the schema does; the unions are what code should use.
 */

export const appArmorProfileTypeValues = ['Unconfined', 'RuntimeDefault', 'Localhost'] as const;
export type AppArmorProfileType = (typeof appArmorProfileTypeValues)[number];

export const azureDataDiskCachingModeValues = ['None', 'ReadOnly', 'ReadWrite'] as const;
export type AzureDataDiskCachingMode = (typeof azureDataDiskCachingModeValues)[number];

export const azureDataDiskKindValues = ['Shared', 'Dedicated', 'Managed'] as const;
export type AzureDataDiskKind = (typeof azureDataDiskKindValues)[number];

export const claimResourceStatusValues = [
  'ControllerResizeInProgress',
  'ControllerResizeInfeasible',
  'NodeResizePending',
  'NodeResizeInProgress',
  'NodeResizeInfeasible',
] as const;
export type ClaimResourceStatus = (typeof claimResourceStatusValues)[number];

export const conditionStatusValues = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof conditionStatusValues)[number];

export const dnsPolicyValues = [
  'ClusterFirstWithHostNet',
  'ClusterFirst',
  'Default',
  'None',
] as const;
export type DNSPolicy = (typeof dnsPolicyValues)[number];

export const hostPathTypeValues = [
  '',
  'DirectoryOrCreate',
  'Directory',
  'FileOrCreate',
  'File',
  'Socket',
  'CharDevice',
  'BlockDevice',
] as const;
export type HostPathType = (typeof hostPathTypeValues)[number];

export const ipFamilyValues = ['IPv4', 'IPv6', ''] as const;
export type IPFamily = (typeof ipFamilyValues)[number];

export const ipFamilyPolicyValues = ['SingleStack', 'PreferDualStack', 'RequireDualStack'] as const;
export type IPFamilyPolicy = (typeof ipFamilyPolicyValues)[number];

export const mountPropagationModeValues = ['None', 'HostToContainer', 'Bidirectional'] as const;
export type MountPropagationMode = (typeof mountPropagationModeValues)[number];

export const namespacePhaseValues = ['Active', 'Terminating'] as const;
export type NamespacePhase = (typeof namespacePhaseValues)[number];

export const nodeInclusionPolicyValues = ['Ignore', 'Honor'] as const;
export type NodeInclusionPolicy = (typeof nodeInclusionPolicyValues)[number];

export const nodePhaseValues = ['Pending', 'Running', 'Terminated'] as const;
export type NodePhase = (typeof nodePhaseValues)[number];

export const nodeSelectorOperatorValues = [
  'In',
  'NotIn',
  'Exists',
  'DoesNotExist',
  'Gt',
  'Lt',
] as const;
export type NodeSelectorOperator = (typeof nodeSelectorOperatorValues)[number];

export const persistentVolumeAccessModeValues = [
  'ReadWriteOnce',
  'ReadOnlyMany',
  'ReadWriteMany',
  'ReadWriteOncePod',
] as const;
export type PersistentVolumeAccessMode = (typeof persistentVolumeAccessModeValues)[number];

export const persistentVolumeClaimModifyVolumeStatusValues = [
  'Pending',
  'InProgress',
  'Infeasible',
] as const;
export type PersistentVolumeClaimModifyVolumeStatus =
  (typeof persistentVolumeClaimModifyVolumeStatusValues)[number];

export const persistentVolumeClaimPhaseValues = ['Pending', 'Bound', 'Lost'] as const;
export type PersistentVolumeClaimPhase = (typeof persistentVolumeClaimPhaseValues)[number];

export const persistentVolumeModeValues = ['Block', 'Filesystem'] as const;
export type PersistentVolumeMode = (typeof persistentVolumeModeValues)[number];

export const persistentVolumePhaseValues = [
  'Pending',
  'Available',
  'Bound',
  'Released',
  'Failed',
] as const;
export type PersistentVolumePhase = (typeof persistentVolumePhaseValues)[number];

export const persistentVolumeReclaimPolicyValues = ['Recycle', 'Delete', 'Retain'] as const;
export type PersistentVolumeReclaimPolicy = (typeof persistentVolumeReclaimPolicyValues)[number];

export const podFSGroupChangePolicyValues = ['OnRootMismatch', 'Always'] as const;
export type PodFSGroupChangePolicy = (typeof podFSGroupChangePolicyValues)[number];

export const podPhaseValues = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
export type PodPhase = (typeof podPhaseValues)[number];

export const podQOSClassValues = ['Guaranteed', 'Burstable', 'BestEffort'] as const;
export type PodQOSClass = (typeof podQOSClassValues)[number];

export const preemptionPolicyValues = ['PreemptLowerPriority', 'Never'] as const;
export type PreemptionPolicy = (typeof preemptionPolicyValues)[number];

export const procMountTypeValues = ['Default', 'Unmasked'] as const;
export type ProcMountType = (typeof procMountTypeValues)[number];

export const protocolValues = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof protocolValues)[number];

export const pullPolicyValues = ['Always', 'Never', 'IfNotPresent'] as const;
export type PullPolicy = (typeof pullPolicyValues)[number];

export const resourceQuotaScopeValues = [
  'Terminating',
  'NotTerminating',
  'BestEffort',
  'NotBestEffort',
  'PriorityClass',
  'CrossNamespacePodAffinity',
] as const;
export type ResourceQuotaScope = (typeof resourceQuotaScopeValues)[number];

export const restartPolicyValues = ['Always', 'OnFailure', 'Never'] as const;
export type RestartPolicy = (typeof restartPolicyValues)[number];

export const scopeSelectorOperatorValues = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
export type ScopeSelectorOperator = (typeof scopeSelectorOperatorValues)[number];

export const seccompProfileTypeValues = ['Unconfined', 'RuntimeDefault', 'Localhost'] as const;
export type SeccompProfileType = (typeof seccompProfileTypeValues)[number];

export const serviceAffinityValues = ['ClientIP', 'None'] as const;
export type ServiceAffinity = (typeof serviceAffinityValues)[number];

export const serviceExternalTrafficPolicyValues = ['Cluster', 'Local'] as const;
export type ServiceExternalTrafficPolicy = (typeof serviceExternalTrafficPolicyValues)[number];

export const serviceInternalTrafficPolicyValues = ['Cluster', 'Local'] as const;
export type ServiceInternalTrafficPolicy = (typeof serviceInternalTrafficPolicyValues)[number];

export const serviceTypeValues = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
export type ServiceType = (typeof serviceTypeValues)[number];

export const supplementalGroupsPolicyValues = ['Merge', 'Strict'] as const;
export type SupplementalGroupsPolicy = (typeof supplementalGroupsPolicyValues)[number];

export const taintEffectValues = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof taintEffectValues)[number];

export const terminationMessagePolicyValues = ['File', 'FallbackToLogsOnError'] as const;
export type TerminationMessagePolicy = (typeof terminationMessagePolicyValues)[number];

export const tolerationOperatorValues = ['Exists', 'Equal'] as const;
export type TolerationOperator = (typeof tolerationOperatorValues)[number];

export const uriSchemeValues = ['HTTP', 'HTTPS'] as const;
export type URIScheme = (typeof uriSchemeValues)[number];

export const unsatisfiableConstraintActionValues = ['DoNotSchedule', 'ScheduleAnyway'] as const;
export type UnsatisfiableConstraintAction = (typeof unsatisfiableConstraintActionValues)[number];

// ---- documented values that the schema does not enforce (upstream leaves these sets open) -------

/** Built-in pod condition types; readiness gates may add others. */
export type PodConditionType =
  | 'PodScheduled'
  | 'PodReadyToStartContainers'
  | 'Initialized'
  | 'ContainersReady'
  | 'Ready'
  | 'DisruptionTarget';

/** Built-in node condition types. */
export type NodeConditionType =
  'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'NetworkUnavailable';

/** Node address types. */
export type NodeAddressType =
  'Hostname' | 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS';

/** The only value a container-level restartPolicy may have (it makes an init container a sidecar). */
export type ContainerRestartPolicy = 'Always';

/** What resizing a resource in place does to the container. */
export type ResourceResizeRestartPolicy = 'NotRequired' | 'RestartContainer';

/** Progress of an in-place resize (`status.resize`). */
export type PodResizeStatus = 'Proposed' | 'InProgress' | 'Deferred' | 'Infeasible';

/** `volumeMounts[].recursiveReadOnly`. */
export type RecursiveReadOnlyMode = 'Disabled' | 'IfPossible' | 'Enabled';

/** `status.loadBalancer.ingress[].ipMode`. */
export type LoadBalancerIPMode = 'VIP' | 'Proxy';

/** Event types. */
export type EventType = 'Normal' | 'Warning';

/** Built-in Secret types; any other non-empty string is allowed too. */
export type SecretType =
  | 'Opaque'
  | 'kubernetes.io/service-account-token'
  | 'kubernetes.io/dockercfg'
  | 'kubernetes.io/dockerconfigjson'
  | 'kubernetes.io/basic-auth'
  | 'kubernetes.io/ssh-auth'
  | 'kubernetes.io/tls'
  | 'bootstrap.kubernetes.io/token';

/** `PodLogOptions.stream`. */
export type PodLogStream = 'All' | 'Stdout' | 'Stderr';
