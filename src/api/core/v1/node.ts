/**
 * core/v1: Node: spec (taints, pod CIDRs), status (capacity, conditions, addresses, system info,
 * images).
 */
import {
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
  setList,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import { conditionStatusValues, nodePhaseValues } from './enums.ts';
import { taintSchema } from './affinity.ts';

export const nodeAddressSchema = object(
  'io.k8s.api.core.v1.NodeAddress',
  'One address of a node.',
  {
    type: requiredField(
      string(),
      'Kind of address: Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.',
    ),
    address: requiredField(string(), 'The address.'),
  },
);
export type NodeAddress = Infer<typeof nodeAddressSchema>;

export const nodeConditionSchema = object(
  'io.k8s.api.core.v1.NodeCondition',
  "One aspect of a node's state, e.g. Ready, MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable.",
  {
    type: requiredField(string(), 'Type of the condition, e.g. Ready.'),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.'),
    lastHeartbeatTime: field(time(), 'When the condition was last reported.'),
    lastTransitionTime: field(time(), 'When the status last changed.'),
    reason: field(
      string(),
      'One-word CamelCase reason for the last transition, e.g. KubeletReady.',
    ),
    message: field(string(), 'Human-readable detail about the last transition.'),
  },
);
export type NodeCondition = Infer<typeof nodeConditionSchema>;

export const daemonEndpointSchema = object(
  'io.k8s.api.core.v1.DaemonEndpoint',
  'The port of a daemon running on a node.',
  {
    Port: requiredField(int32(), 'Port number the daemon listens on.'),
  },
);
export type DaemonEndpoint = Infer<typeof daemonEndpointSchema>;

export const nodeDaemonEndpointsSchema = object(
  'io.k8s.api.core.v1.NodeDaemonEndpoints',
  'Ports of the daemons running on a node.',
  {
    kubeletEndpoint: field(
      daemonEndpointSchema,
      "Port the kubelet's API listens on (logs, exec, port-forward).",
    ),
  },
);
export type NodeDaemonEndpoints = Infer<typeof nodeDaemonEndpointsSchema>;

export const nodeSystemInfoSchema = object(
  'io.k8s.api.core.v1.NodeSystemInfo',
  'Identifiers and software versions reported by a node.',
  {
    machineID: requiredField(
      string(),
      'Machine ID from /etc/machine-id; the preferred unique identifier of the machine.',
    ),
    systemUUID: requiredField(string(), 'System UUID from the firmware.'),
    bootID: requiredField(string(), 'ID of the current boot; changes on every reboot.'),
    kernelVersion: requiredField(string(), 'Kernel version, as uname -r reports it.'),
    osImage: requiredField(
      string(),
      'Operating system name from /etc/os-release, e.g. Debian GNU/Linux 12 (bookworm).',
    ),
    containerRuntimeVersion: requiredField(
      string(),
      'Container runtime and its version, e.g. containerd://1.7.0.',
    ),
    kubeletVersion: requiredField(string(), 'Version of the kubelet (node agent), e.g. v1.32.0.'),
    kubeProxyVersion: requiredField(
      string(),
      'Deprecated: version of kube-proxy; not reliably reported.',
    ),
    operatingSystem: requiredField(string(), 'Operating system, e.g. linux.'),
    architecture: requiredField(string(), 'CPU architecture, e.g. amd64 or arm64.'),
  },
);
export type NodeSystemInfo = Infer<typeof nodeSystemInfoSchema>;

export const containerImageSchema = object(
  'io.k8s.api.core.v1.ContainerImage',
  'An image present on a node.',
  {
    names: atomicList(string(), 'Names (tags and digests) the image is known by.'),
    sizeBytes: field(int64(), 'Size of the image in bytes.'),
  },
);
export type ContainerImage = Infer<typeof containerImageSchema>;

export const attachedVolumeSchema = object(
  'io.k8s.api.core.v1.AttachedVolume',
  'A volume attached to a node.',
  {
    name: requiredField(string(), 'Name of the volume.'),
    devicePath: requiredField(string(), 'Path of the device where the volume is available.'),
  },
);
export type AttachedVolume = Infer<typeof attachedVolumeSchema>;

export const configMapNodeConfigSourceSchema = object(
  'io.k8s.api.core.v1.ConfigMapNodeConfigSource',
  'A ConfigMap holding kubelet configuration (dynamic kubelet configuration, removed; kept for compatibility).',
  {
    namespace: requiredField(string(), 'Namespace of the ConfigMap.'),
    name: requiredField(string(), 'Name of the ConfigMap.'),
    uid: field(string(), 'UID of the ConfigMap; forbidden in spec, required in status.'),
    resourceVersion: field(
      string(),
      'resourceVersion of the ConfigMap; forbidden in spec, required in status.',
    ),
    kubeletConfigKey: requiredField(
      string(),
      'Key of the ConfigMap holding the KubeletConfiguration.',
    ),
  },
);
export type ConfigMapNodeConfigSource = Infer<typeof configMapNodeConfigSourceSchema>;

export const nodeConfigSourceSchema = object(
  'io.k8s.api.core.v1.NodeConfigSource',
  "Where a node's configuration comes from (dynamic kubelet configuration, removed; kept for compatibility).",
  {
    configMap: field(configMapNodeConfigSourceSchema, 'A ConfigMap holding the configuration.'),
  },
);
export type NodeConfigSource = Infer<typeof nodeConfigSourceSchema>;

export const nodeConfigStatusSchema = object(
  'io.k8s.api.core.v1.NodeConfigStatus',
  'State of the dynamically assigned kubelet configuration (feature removed; kept for compatibility).',
  {
    assigned: field(
      nodeConfigSourceSchema,
      'The configuration the node has stored and will try to use.',
    ),
    active: field(nodeConfigSourceSchema, 'The configuration the node is using.'),
    lastKnownGood: field(
      nodeConfigSourceSchema,
      'The configuration the node falls back to if the assigned one fails.',
    ),
    error: field(string(), 'Problem applying the assigned configuration, if any.'),
  },
);
export type NodeConfigStatus = Infer<typeof nodeConfigStatusSchema>;

export const nodeRuntimeHandlerFeaturesSchema = object(
  'io.k8s.api.core.v1.NodeRuntimeHandlerFeatures',
  'Features a runtime handler supports.',
  {
    recursiveReadOnlyMounts: field(
      boolean(),
      'Whether the handler supports recursively read-only mounts.',
    ),
    userNamespaces: field(
      boolean(),
      'Whether the handler supports user namespaces (hostUsers false), including for volumes.',
    ),
  },
);
export type NodeRuntimeHandlerFeatures = Infer<typeof nodeRuntimeHandlerFeaturesSchema>;

export const nodeRuntimeHandlerSchema = object(
  'io.k8s.api.core.v1.NodeRuntimeHandler',
  'A runtime handler available on a node (the handler of a RuntimeClass).',
  {
    name: field(string(), 'Name of the handler; empty for the default one.'),
    features: field(nodeRuntimeHandlerFeaturesSchema, 'Features the handler supports.'),
  },
);
export type NodeRuntimeHandler = Infer<typeof nodeRuntimeHandlerSchema>;

export const nodeFeaturesSchema = object(
  'io.k8s.api.core.v1.NodeFeatures',
  "Features the node's container runtime supports, whatever the handler.",
  {
    supplementalGroupsPolicy: field(
      boolean(),
      'Whether the runtime supports supplementalGroupsPolicy and reports ContainerUser.',
    ),
  },
);
export type NodeFeatures = Infer<typeof nodeFeaturesSchema>;

export const nodeSpecSchema = object(
  'io.k8s.api.core.v1.NodeSpec',
  'The desired state of a node.',
  {
    podCIDR: field(string(), 'IP range pod addresses on this node are taken from.'),
    podCIDRs: setList(
      string(),
      'IP ranges for pods on this node, at most one per family; the first must equal podCIDR.',
    ),
    providerID: field(string(), 'ID of the node at the cloud provider, as <provider>://<id>.'),
    unschedulable: field(
      boolean(),
      'When true, no new pods are scheduled onto the node (kubectl cordon). Defaults to false.',
    ),
    taints: atomicList(
      taintSchema,
      'Taints of the node, repelling pods that do not tolerate them.',
    ),
    configSource: field(
      nodeConfigSourceSchema,
      'Deprecated: source of dynamic kubelet configuration; the feature is removed.',
    ),
    externalID: field(string(), 'Deprecated and unused.'),
  },
);
export type NodeSpec = Infer<typeof nodeSpecSchema>;

export const nodeStatusSchema = object(
  'io.k8s.api.core.v1.NodeStatus',
  'The observed state of a node, reported by its kubelet.',
  {
    capacity: field(
      map(quantity()),
      'Total resources of the node: cpu, memory, ephemeral-storage, pods, hugepages and extended resources.',
    ),
    allocatable: field(
      map(quantity()),
      'Resources available to pods, after system reservations. Defaults to capacity.',
    ),
    phase: field(
      string({ enum: nodePhaseValues }),
      'Deprecated and never set: Pending, Running or Terminated.',
    ),
    conditions: mergeList(
      nodeConditionSchema,
      'Conditions of the node, e.g. Ready, MemoryPressure, DiskPressure, PIDPressure.',
      'type',
    ),
    addresses: mergeList(
      nodeAddressSchema,
      'Addresses of the node. The merge key type is not unique enough; replace the whole list when patching.',
      'type',
    ),
    daemonEndpoints: field(nodeDaemonEndpointsSchema, 'Ports of daemons running on the node.'),
    nodeInfo: field(
      nodeSystemInfoSchema,
      "Identifiers and versions of the node's machine and software.",
    ),
    images: atomicList(containerImageSchema, 'Container images present on the node.'),
    volumesInUse: atomicList(string(), 'Attachable volumes mounted on the node.'),
    volumesAttached: atomicList(attachedVolumeSchema, 'Volumes attached to the node.'),
    config: field(nodeConfigStatusSchema, 'Deprecated: state of dynamic kubelet configuration.'),
    runtimeHandlers: atomicList(
      nodeRuntimeHandlerSchema,
      'Runtime handlers available on the node.',
    ),
    features: field(nodeFeaturesSchema, "Features the node's container runtime supports."),
  },
);
export type NodeStatus = Infer<typeof nodeStatusSchema>;

export const nodeSchema = object(
  'io.k8s.api.core.v1.Node',
  'A machine (physical or virtual) that runs pods, registered by its kubelet.',
  {
    ...typeAndObjectMeta(),
    spec: field(nodeSpecSchema, 'Desired state of the node: pod CIDRs, taints, schedulability.'),
    status: field(
      nodeStatusSchema,
      'Observed state of the node, reported by its kubelet. Read-only for users.',
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Node' }] },
);
export type Node = Infer<typeof nodeSchema>;

export const nodeListSchema = listOf(nodeSchema, { group: '', version: 'v1', kind: 'Node' });
export type NodeList = Infer<typeof nodeListSchema>;
