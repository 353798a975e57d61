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
      { proto: 1 },
    ),
    address: requiredField(string(), 'The address.', { proto: 2 }),
  },
);
export type NodeAddress = Infer<typeof nodeAddressSchema>;

export const nodeConditionSchema = object(
  'io.k8s.api.core.v1.NodeCondition',
  "One aspect of a node's state, e.g. Ready, MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable.",
  {
    type: requiredField(string(), 'Type of the condition, e.g. Ready.', { proto: 1 }),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.', {
      proto: 2,
    }),
    lastHeartbeatTime: field(time(), 'When the condition was last reported.', { proto: 3 }),
    lastTransitionTime: field(time(), 'When the status last changed.', { proto: 4 }),
    reason: field(
      string(),
      'One-word CamelCase reason for the last transition, e.g. KubeletReady.',
      { proto: 5 },
    ),
    message: field(string(), 'Human-readable detail about the last transition.', { proto: 6 }),
  },
);
export type NodeCondition = Infer<typeof nodeConditionSchema>;

export const daemonEndpointSchema = object(
  'io.k8s.api.core.v1.DaemonEndpoint',
  'The port of a daemon running on a node.',
  {
    Port: requiredField(int32(), 'Port number the daemon listens on.', { proto: 1 }),
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
      { proto: 1 },
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
      { proto: 1 },
    ),
    systemUUID: requiredField(string(), 'System UUID from the firmware.', { proto: 2 }),
    bootID: requiredField(string(), 'ID of the current boot; changes on every reboot.', {
      proto: 3,
    }),
    kernelVersion: requiredField(string(), 'Kernel version, as uname -r reports it.', { proto: 4 }),
    osImage: requiredField(
      string(),
      'Operating system name from /etc/os-release, e.g. Debian GNU/Linux 12 (bookworm).',
      { proto: 5 },
    ),
    containerRuntimeVersion: requiredField(
      string(),
      'Container runtime and its version, e.g. containerd://1.7.0.',
      { proto: 6 },
    ),
    kubeletVersion: requiredField(string(), 'Version of the kubelet (node agent), e.g. v1.32.0.', {
      proto: 7,
    }),
    kubeProxyVersion: requiredField(
      string(),
      'Deprecated: version of kube-proxy; not reliably reported.',
      { proto: 8 },
    ),
    operatingSystem: requiredField(string(), 'Operating system, e.g. linux.', { proto: 9 }),
    architecture: requiredField(string(), 'CPU architecture, e.g. amd64 or arm64.', { proto: 10 }),
  },
);
export type NodeSystemInfo = Infer<typeof nodeSystemInfoSchema>;

export const containerImageSchema = object(
  'io.k8s.api.core.v1.ContainerImage',
  'An image present on a node.',
  {
    names: atomicList(string(), 'Names (tags and digests) the image is known by.', { proto: 1 }),
    sizeBytes: field(int64(), 'Size of the image in bytes.', { proto: 2 }),
  },
);
export type ContainerImage = Infer<typeof containerImageSchema>;

export const attachedVolumeSchema = object(
  'io.k8s.api.core.v1.AttachedVolume',
  'A volume attached to a node.',
  {
    name: requiredField(string(), 'Name of the volume.', { proto: 1 }),
    devicePath: requiredField(string(), 'Path of the device where the volume is available.', {
      proto: 2,
    }),
  },
);
export type AttachedVolume = Infer<typeof attachedVolumeSchema>;

export const configMapNodeConfigSourceSchema = object(
  'io.k8s.api.core.v1.ConfigMapNodeConfigSource',
  'A ConfigMap holding kubelet configuration (dynamic kubelet configuration, removed; kept for compatibility).',
  {
    namespace: requiredField(string(), 'Namespace of the ConfigMap.', { proto: 1 }),
    name: requiredField(string(), 'Name of the ConfigMap.', { proto: 2 }),
    uid: field(string(), 'UID of the ConfigMap; forbidden in spec, required in status.', {
      proto: 3,
    }),
    resourceVersion: field(
      string(),
      'resourceVersion of the ConfigMap; forbidden in spec, required in status.',
      { proto: 4 },
    ),
    kubeletConfigKey: requiredField(
      string(),
      'Key of the ConfigMap holding the KubeletConfiguration.',
      { proto: 5 },
    ),
  },
);
export type ConfigMapNodeConfigSource = Infer<typeof configMapNodeConfigSourceSchema>;

export const nodeConfigSourceSchema = object(
  'io.k8s.api.core.v1.NodeConfigSource',
  "Where a node's configuration comes from (dynamic kubelet configuration, removed; kept for compatibility).",
  {
    configMap: field(configMapNodeConfigSourceSchema, 'A ConfigMap holding the configuration.', {
      proto: 2,
    }),
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
      { proto: 1 },
    ),
    active: field(nodeConfigSourceSchema, 'The configuration the node is using.', { proto: 2 }),
    lastKnownGood: field(
      nodeConfigSourceSchema,
      'The configuration the node falls back to if the assigned one fails.',
      { proto: 3 },
    ),
    error: field(string(), 'Problem applying the assigned configuration, if any.', { proto: 4 }),
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
      { proto: 1 },
    ),
    userNamespaces: field(
      boolean(),
      'Whether the handler supports user namespaces (hostUsers false), including for volumes.',
      { proto: 2 },
    ),
  },
);
export type NodeRuntimeHandlerFeatures = Infer<typeof nodeRuntimeHandlerFeaturesSchema>;

export const nodeRuntimeHandlerSchema = object(
  'io.k8s.api.core.v1.NodeRuntimeHandler',
  'A runtime handler available on a node (the handler of a RuntimeClass).',
  {
    name: field(string(), 'Name of the handler; empty for the default one.', { proto: 1 }),
    features: field(nodeRuntimeHandlerFeaturesSchema, 'Features the handler supports.', {
      proto: 2,
    }),
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
      { proto: 1 },
    ),
  },
);
export type NodeFeatures = Infer<typeof nodeFeaturesSchema>;

export const nodeSpecSchema = object(
  'io.k8s.api.core.v1.NodeSpec',
  'The desired state of a node.',
  {
    podCIDR: field(string(), 'IP range pod addresses on this node are taken from.', { proto: 1 }),
    podCIDRs: setList(
      string(),
      'IP ranges for pods on this node, at most one per family; the first must equal podCIDR.',
      { proto: 7 },
    ),
    providerID: field(string(), 'ID of the node at the cloud provider, as <provider>://<id>.', {
      proto: 3,
    }),
    unschedulable: field(
      boolean(),
      'When true, no new pods are scheduled onto the node (kubectl cordon). Defaults to false.',
      { proto: 4 },
    ),
    taints: atomicList(
      taintSchema,
      'Taints of the node, repelling pods that do not tolerate them.',
      { proto: 5 },
    ),
    configSource: field(
      nodeConfigSourceSchema,
      'Deprecated: source of dynamic kubelet configuration; the feature is removed.',
      { proto: 6 },
    ),
    externalID: field(string(), 'Deprecated and unused.', { proto: 2 }),
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
      { proto: 1 },
    ),
    allocatable: field(
      map(quantity()),
      'Resources available to pods, after system reservations. Defaults to capacity.',
      { proto: 2 },
    ),
    phase: field(
      string({ enum: nodePhaseValues }),
      'Deprecated and never set: Pending, Running or Terminated.',
      { proto: 3 },
    ),
    conditions: mergeList(
      nodeConditionSchema,
      'Conditions of the node, e.g. Ready, MemoryPressure, DiskPressure, PIDPressure.',
      'type',
      { proto: 4 },
    ),
    addresses: mergeList(
      nodeAddressSchema,
      'Addresses of the node. The merge key type is not unique enough; replace the whole list when patching.',
      'type',
      { proto: 5 },
    ),
    daemonEndpoints: field(nodeDaemonEndpointsSchema, 'Ports of daemons running on the node.', {
      proto: 6,
    }),
    nodeInfo: field(
      nodeSystemInfoSchema,
      "Identifiers and versions of the node's machine and software.",
      { proto: 7 },
    ),
    images: atomicList(containerImageSchema, 'Container images present on the node.', { proto: 8 }),
    volumesInUse: atomicList(string(), 'Attachable volumes mounted on the node.', { proto: 9 }),
    volumesAttached: atomicList(attachedVolumeSchema, 'Volumes attached to the node.', {
      proto: 10,
    }),
    config: field(nodeConfigStatusSchema, 'Deprecated: state of dynamic kubelet configuration.', {
      proto: 11,
    }),
    runtimeHandlers: atomicList(
      nodeRuntimeHandlerSchema,
      'Runtime handlers available on the node.',
      { proto: 12 },
    ),
    features: field(nodeFeaturesSchema, "Features the node's container runtime supports.", {
      proto: 13,
    }),
  },
);
export type NodeStatus = Infer<typeof nodeStatusSchema>;

export const nodeSchema = object(
  'io.k8s.api.core.v1.Node',
  'A machine (physical or virtual) that runs pods, registered by its kubelet.',
  {
    ...typeAndObjectMeta(),
    spec: field(nodeSpecSchema, 'Desired state of the node: pod CIDRs, taints, schedulability.', {
      proto: 2,
    }),
    status: field(
      nodeStatusSchema,
      'Observed state of the node, reported by its kubelet. Read-only for users.',
      { proto: 3 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Node' }] },
);
export type Node = Infer<typeof nodeSchema>;

export const nodeListSchema = listOf(nodeSchema, { group: '', version: 'v1', kind: 'Node' });
export type NodeList = Infer<typeof nodeListSchema>;
