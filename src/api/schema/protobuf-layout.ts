/**
 * Facts of the Kubernetes protobuf wire format that the schema DSL does not carry, taken from the
 * upstream v1.32 Go types (`k8s.io/api`, `k8s.io/apimachinery`). The field numbers themselves are
 * the `proto` option of every field (see `schema.ts`); this file holds the two things a field
 * number cannot say:
 *
 *   - Inline embedded structs. Go embeds some structs with `json:",inline"` but gives the
 *     embedding its own protobuf field: `Volume` is `{name = 1, VolumeSource volumeSource = 2}`
 *     on the wire, while JSON (and our schema) flatten VolumeSource's fields into Volume. The
 *     fields listed here travel inside the nested message `proto` (each with its own number
 *     inside it); the other fields of the schema travel in the message itself.
 *
 *   - Which zero scalars Go's JSON encoding keeps. Go emits every non-pointer field on the wire,
 *     zero or not, so a decoded message holds zeros a JSON client would never send (`uid: ""`,
 *     `hostPort: 0`, `stdin: false`); Go's `omitempty` drops them again when the object is
 *     written as JSON. A zero survives only in a required field (no `omitempty`), in a field Go
 *     declares as a pointer (`replicas *int32`: sent only when set, so `replicas: 0` means 0),
 *     or in the few optional fields without `omitempty`. The last two are listed here, by
 *     schema name; every other optional string, integer or boolean field that decodes to its zero
 *     value is left out of the decoded object, exactly as a Go client's JSON body would leave it
 *     out.
 *
 * Both tables are keyed by OpenAPI component name and checked against the schemas by
 * `protobuf-schemas.test.ts` (every name and field exists, every kept field is a scalar).
 */

/** A Go struct embedded inline (`json:",inline"`) that protobuf sends as its own nested message. */
export interface InlineMessage {
  /** Field number of the nested message in the parent message. */
  readonly proto: number;
  /** The embedded Go struct's name, for decoding messages (`VolumeSource`). */
  readonly goName: string;
  /** The schema fields that live in the nested message (their `proto` is their number in it). */
  readonly fields: readonly string[];
}

/** Inline embedded messages by schema name. */
export const protobufInlineMessages: Readonly<Record<string, readonly InlineMessage[]>> = {
  'io.k8s.api.core.v1.ConfigMapEnvSource': [
    { proto: 1, goName: 'LocalObjectReference', fields: ['name'] },
  ],
  'io.k8s.api.core.v1.SecretEnvSource': [
    { proto: 1, goName: 'LocalObjectReference', fields: ['name'] },
  ],
  'io.k8s.api.core.v1.EphemeralContainer': [
    {
      proto: 1,
      goName: 'EphemeralContainerCommon',
      fields: [
        'name',
        'image',
        'command',
        'args',
        'workingDir',
        'ports',
        'envFrom',
        'env',
        'resources',
        'resizePolicy',
        'restartPolicy',
        'volumeMounts',
        'volumeDevices',
        'livenessProbe',
        'readinessProbe',
        'startupProbe',
        'lifecycle',
        'terminationMessagePath',
        'terminationMessagePolicy',
        'imagePullPolicy',
        'securityContext',
        'stdin',
        'stdinOnce',
        'tty',
      ],
    },
  ],
  'io.k8s.api.core.v1.PersistentVolumeSpec': [
    {
      proto: 2,
      goName: 'PersistentVolumeSource',
      fields: [
        'gcePersistentDisk',
        'awsElasticBlockStore',
        'hostPath',
        'glusterfs',
        'nfs',
        'rbd',
        'iscsi',
        'cinder',
        'cephfs',
        'fc',
        'flocker',
        'flexVolume',
        'azureFile',
        'vsphereVolume',
        'quobyte',
        'azureDisk',
        'photonPersistentDisk',
        'portworxVolume',
        'scaleIO',
        'local',
        'storageos',
        'csi',
      ],
    },
  ],
  'io.k8s.api.core.v1.Probe': [
    { proto: 1, goName: 'ProbeHandler', fields: ['exec', 'httpGet', 'tcpSocket', 'grpc'] },
  ],
  'io.k8s.api.core.v1.ConfigMapKeySelector': [
    { proto: 1, goName: 'LocalObjectReference', fields: ['name'] },
  ],
  'io.k8s.api.core.v1.SecretKeySelector': [
    { proto: 1, goName: 'LocalObjectReference', fields: ['name'] },
  ],
  'io.k8s.api.core.v1.ConfigMapVolumeSource': [
    { proto: 1, goName: 'LocalObjectReference', fields: ['name'] },
  ],
  'io.k8s.api.core.v1.SecretProjection': [
    { proto: 1, goName: 'LocalObjectReference', fields: ['name'] },
  ],
  'io.k8s.api.core.v1.ConfigMapProjection': [
    { proto: 1, goName: 'LocalObjectReference', fields: ['name'] },
  ],
  'io.k8s.api.core.v1.Volume': [
    {
      proto: 2,
      goName: 'VolumeSource',
      fields: [
        'hostPath',
        'emptyDir',
        'gcePersistentDisk',
        'awsElasticBlockStore',
        'gitRepo',
        'secret',
        'nfs',
        'iscsi',
        'glusterfs',
        'persistentVolumeClaim',
        'rbd',
        'flexVolume',
        'cinder',
        'cephfs',
        'flocker',
        'downwardAPI',
        'fc',
        'azureFile',
        'configMap',
        'vsphereVolume',
        'quobyte',
        'azureDisk',
        'photonPersistentDisk',
        'projected',
        'portworxVolume',
        'scaleIO',
        'storageos',
        'csi',
        'ephemeral',
        'image',
      ],
    },
  ],
};

/**
 * Optional scalar fields whose zero value is kept when decoding (Go pointers, and the few fields
 * without `omitempty`), by schema name. Required fields always keep theirs.
 */
export const protobufZeroKeptFields: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': ['controller', 'blockOwnerDeletion'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': ['deletionGracePeriodSeconds'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta': ['remainingItemCount'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions': ['uid', 'resourceVersion'],
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': [
    'gracePeriodSeconds',
    'orphanDependents',
    'propagationPolicy',
    'ignoreStoreReadErrorWithClusterBreakingPotential',
  ],
  'io.k8s.api.apps.v1.DaemonSetSpec': ['revisionHistoryLimit'],
  'io.k8s.api.apps.v1.DaemonSetStatus': ['collisionCount'],
  'io.k8s.api.apps.v1.DeploymentSpec': [
    'replicas',
    'revisionHistoryLimit',
    'progressDeadlineSeconds',
  ],
  'io.k8s.api.apps.v1.DeploymentStatus': ['collisionCount'],
  'io.k8s.api.apps.v1.ReplicaSetSpec': ['replicas'],
  'io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy': ['partition'],
  'io.k8s.api.apps.v1.StatefulSetOrdinals': ['start'],
  'io.k8s.api.apps.v1.StatefulSetSpec': ['replicas', 'revisionHistoryLimit'],
  'io.k8s.api.apps.v1.StatefulSetStatus': ['collisionCount', 'availableReplicas'],
  'io.k8s.api.batch.v1.CronJobSpec': [
    'timeZone',
    'startingDeadlineSeconds',
    'suspend',
    'successfulJobsHistoryLimit',
    'failedJobsHistoryLimit',
  ],
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': ['containerName'],
  'io.k8s.api.batch.v1.SuccessPolicyRule': ['succeededIndexes', 'succeededCount'],
  'io.k8s.api.batch.v1.JobSpec': [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
    'manualSelector',
    'ttlSecondsAfterFinished',
    'completionMode',
    'suspend',
    'podReplacementPolicy',
    'managedBy',
  ],
  'io.k8s.api.batch.v1.JobStatus': ['terminating', 'failedIndexes', 'ready'],
  'io.k8s.api.coordination.v1.LeaseSpec': [
    'holderIdentity',
    'leaseDurationSeconds',
    'leaseTransitions',
    'strategy',
    'preferredHolder',
  ],
  'io.k8s.api.core.v1.Toleration': ['tolerationSeconds'],
  'io.k8s.api.core.v1.TopologySpreadConstraint': [
    'minDomains',
    'nodeAffinityPolicy',
    'nodeTaintsPolicy',
  ],
  'io.k8s.api.core.v1.ConfigMap': ['immutable'],
  'io.k8s.api.core.v1.Secret': ['immutable'],
  'io.k8s.api.core.v1.ServiceAccount': ['automountServiceAccountToken'],
  'io.k8s.api.core.v1.ConfigMapEnvSource': ['optional'],
  'io.k8s.api.core.v1.SecretEnvSource': ['optional'],
  'io.k8s.api.core.v1.VolumeMount': ['recursiveReadOnly', 'mountPropagation'],
  'io.k8s.api.core.v1.Container': ['restartPolicy'],
  'io.k8s.api.core.v1.EphemeralContainer': ['restartPolicy'],
  'io.k8s.api.core.v1.Event': ['reportingComponent', 'reportingInstance'],
  'io.k8s.api.core.v1.NodeRuntimeHandlerFeatures': ['recursiveReadOnlyMounts', 'userNamespaces'],
  'io.k8s.api.core.v1.NodeRuntimeHandler': ['name'],
  'io.k8s.api.core.v1.NodeFeatures': ['supplementalGroupsPolicy'],
  'io.k8s.api.core.v1.PodLogOptions': ['sinceSeconds', 'tailLines', 'limitBytes', 'stream'],
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': ['currentVolumeAttributesClassName'],
  'io.k8s.api.core.v1.AzureFilePersistentVolumeSource': ['secretNamespace'],
  'io.k8s.api.core.v1.GlusterfsPersistentVolumeSource': ['endpointsNamespace'],
  'io.k8s.api.core.v1.ISCSIPersistentVolumeSource': ['initiatorName'],
  'io.k8s.api.core.v1.LocalVolumeSource': ['fsType'],
  'io.k8s.api.core.v1.PersistentVolumeSpec': ['volumeMode', 'volumeAttributesClassName'],
  'io.k8s.api.core.v1.VolumeMountStatus': ['recursiveReadOnly'],
  'io.k8s.api.core.v1.ContainerStatus': ['started'],
  'io.k8s.api.core.v1.PodResourceClaimStatus': ['resourceClaimName'],
  'io.k8s.api.core.v1.PodDNSConfigOption': ['value'],
  'io.k8s.api.core.v1.PodResourceClaim': ['resourceClaimName', 'resourceClaimTemplateName'],
  'io.k8s.api.core.v1.PodSpec': [
    'terminationGracePeriodSeconds',
    'activeDeadlineSeconds',
    'automountServiceAccountToken',
    'shareProcessNamespace',
    'priority',
    'runtimeClassName',
    'enableServiceLinks',
    'preemptionPolicy',
    'setHostnameAsFQDN',
    'hostUsers',
  ],
  'io.k8s.api.core.v1.GRPCAction': ['service'],
  'io.k8s.api.core.v1.Probe': ['terminationGracePeriodSeconds'],
  'io.k8s.api.core.v1.TypedLocalObjectReference': ['apiGroup'],
  'io.k8s.api.core.v1.TypedObjectReference': ['apiGroup', 'namespace'],
  'io.k8s.api.core.v1.ReplicationControllerSpec': ['replicas'],
  'io.k8s.api.core.v1.WindowsSecurityContextOptions': [
    'gmsaCredentialSpecName',
    'gmsaCredentialSpec',
    'runAsUserName',
    'hostProcess',
  ],
  'io.k8s.api.core.v1.SeccompProfile': ['localhostProfile'],
  'io.k8s.api.core.v1.AppArmorProfile': ['localhostProfile'],
  'io.k8s.api.core.v1.SecurityContext': [
    'privileged',
    'runAsUser',
    'runAsGroup',
    'runAsNonRoot',
    'readOnlyRootFilesystem',
    'allowPrivilegeEscalation',
    'procMount',
  ],
  'io.k8s.api.core.v1.PodSecurityContext': [
    'runAsUser',
    'runAsGroup',
    'runAsNonRoot',
    'supplementalGroupsPolicy',
    'fsGroup',
    'fsGroupChangePolicy',
    'seLinuxChangePolicy',
  ],
  'io.k8s.api.core.v1.ConfigMapKeySelector': ['optional'],
  'io.k8s.api.core.v1.SecretKeySelector': ['optional'],
  'io.k8s.api.core.v1.ServicePort': ['appProtocol'],
  'io.k8s.api.core.v1.ClientIPConfig': ['timeoutSeconds'],
  'io.k8s.api.core.v1.PortStatus': ['error'],
  'io.k8s.api.core.v1.LoadBalancerIngress': ['ipMode'],
  'io.k8s.api.core.v1.ServiceSpec': [
    'ipFamilyPolicy',
    'allocateLoadBalancerNodePorts',
    'loadBalancerClass',
    'internalTrafficPolicy',
    'trafficDistribution',
  ],
  'io.k8s.api.core.v1.EndpointAddress': ['nodeName'],
  'io.k8s.api.core.v1.EndpointPort': ['appProtocol'],
  'io.k8s.api.core.v1.KeyToPath': ['mode'],
  'io.k8s.api.core.v1.HostPathVolumeSource': ['type'],
  'io.k8s.api.core.v1.SecretVolumeSource': ['defaultMode', 'optional'],
  'io.k8s.api.core.v1.ISCSIVolumeSource': ['initiatorName'],
  'io.k8s.api.core.v1.DownwardAPIVolumeFile': ['mode'],
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': ['defaultMode'],
  'io.k8s.api.core.v1.FCVolumeSource': ['lun'],
  'io.k8s.api.core.v1.ConfigMapVolumeSource': ['defaultMode', 'optional'],
  'io.k8s.api.core.v1.AzureDiskVolumeSource': ['cachingMode', 'fsType', 'readOnly', 'kind'],
  'io.k8s.api.core.v1.SecretProjection': ['optional'],
  'io.k8s.api.core.v1.ConfigMapProjection': ['optional'],
  'io.k8s.api.core.v1.ServiceAccountTokenProjection': ['expirationSeconds'],
  'io.k8s.api.core.v1.ClusterTrustBundleProjection': ['name', 'signerName', 'optional'],
  'io.k8s.api.core.v1.ProjectedVolumeSource': ['defaultMode'],
  'io.k8s.api.core.v1.CSIVolumeSource': ['readOnly', 'fsType'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': [
    'storageClassName',
    'volumeMode',
    'volumeAttributesClassName',
  ],
  'io.k8s.api.discovery.v1.EndpointConditions': ['ready', 'serving', 'terminating'],
  'io.k8s.api.discovery.v1.Endpoint': ['hostname', 'nodeName', 'zone'],
  'io.k8s.api.discovery.v1.EndpointPort': ['name', 'protocol', 'port', 'appProtocol'],
};
