/**
 * core/v1: Pod, its spec and templates (PodTemplateSpec is what workload controllers embed),
 * PodTemplate and Binding.
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
  type Infer,
} from '../../schema/schema.ts';
import { listOf, objectMetaSchema, typeAndObjectMeta } from '../../meta/v1.ts';
import { dnsPolicyValues, preemptionPolicyValues, restartPolicyValues } from './enums.ts';
import { affinitySchema, tolerationSchema, topologySpreadConstraintSchema } from './affinity.ts';
import { containerSchema, ephemeralContainerSchema } from './container.ts';
import { podStatusSchema } from './pod-status.ts';
import { localObjectReferenceSchema, objectReferenceSchema } from './references.ts';
import { resourceRequirementsSchema } from './resources.ts';
import { podSecurityContextSchema } from './security.ts';
import { volumeSchema } from './volume.ts';

export const hostAliasSchema = object(
  'io.k8s.api.core.v1.HostAlias',
  "An extra entry for the pod's /etc/hosts file.",
  {
    ip: requiredField(string(), 'IP address of the entry.', { proto: 1 }),
    hostnames: atomicList(string(), 'Host names that resolve to the IP address.', { proto: 2 }),
  },
);
export type HostAlias = Infer<typeof hostAliasSchema>;

export const podDNSConfigOptionSchema = object(
  'io.k8s.api.core.v1.PodDNSConfigOption',
  'One resolver option (an options line entry of resolv.conf).',
  {
    name: field(string(), 'Name of the option, e.g. ndots. Required.', { proto: 1 }),
    value: field(string(), 'Value of the option, if it takes one.', { proto: 2 }),
  },
);
export type PodDNSConfigOption = Infer<typeof podDNSConfigOptionSchema>;

export const podDNSConfigSchema = object(
  'io.k8s.api.core.v1.PodDNSConfig',
  'DNS settings added to those the dnsPolicy produces.',
  {
    nameservers: atomicList(
      string(),
      'Name server IP addresses, appended to those of the policy (duplicates removed).',
      { proto: 1 },
    ),
    searches: atomicList(
      string(),
      'Search domains, appended to those of the policy (duplicates removed).',
      { proto: 2 },
    ),
    options: atomicList(
      podDNSConfigOptionSchema,
      'Resolver options, merged with those of the policy; these win.',
      { proto: 3 },
    ),
  },
);
export type PodDNSConfig = Infer<typeof podDNSConfigSchema>;

export const podReadinessGateSchema = object(
  'io.k8s.api.core.v1.PodReadinessGate',
  'A pod condition that must be True for the pod to be Ready.',
  {
    conditionType: requiredField(string(), 'Type of the pod condition.', { proto: 1 }),
  },
);
export type PodReadinessGate = Infer<typeof podReadinessGateSchema>;

export const podOSSchema = object(
  'io.k8s.api.core.v1.PodOS',
  "The operating system a pod's containers run on.",
  {
    name: requiredField(
      string(),
      'linux or windows. Fixes which OS-specific fields may be set; treat other values as if unset.',
      { proto: 1 },
    ),
  },
);
export type PodOS = Infer<typeof podOSSchema>;

export const podSchedulingGateSchema = object(
  'io.k8s.api.core.v1.PodSchedulingGate',
  'A gate that keeps a pod from being scheduled while present.',
  {
    name: requiredField(string(), 'Name of the gate; unique within the pod.', { proto: 1 }),
  },
);
export type PodSchedulingGate = Infer<typeof podSchedulingGateSchema>;

export const podResourceClaimSchema = object(
  'io.k8s.api.core.v1.PodResourceClaim',
  'Names a ResourceClaim (or a template to create one from) that the pod needs, so its containers can use it.',
  {
    name: requiredField(
      string(),
      'Name of this claim within the pod, a DNS label; containers refer to it.',
      { proto: 1 },
    ),
    resourceClaimName: field(
      string(),
      "Name of an existing ResourceClaim in the pod's namespace. Exactly one of this and resourceClaimTemplateName.",
      { proto: 3 },
    ),
    resourceClaimTemplateName: field(
      string(),
      "Name of a ResourceClaimTemplate in the pod's namespace; a claim is created from it for this pod and deleted with it. Exactly one of this and resourceClaimName.",
      { proto: 4 },
    ),
  },
);
export type PodResourceClaim = Infer<typeof podResourceClaimSchema>;

export const podSpecSchema = object(
  'io.k8s.api.core.v1.PodSpec',
  'The desired state of a pod: its containers, volumes, scheduling constraints and runtime settings.',
  {
    volumes: mergeList(volumeSchema, 'Volumes the containers of the pod can mount.', 'name', {
      strategy: 'merge,retainKeys',
      proto: 1,
    }),
    initContainers: mergeList(
      containerSchema,
      "Containers that run one after another, each to completion, before the regular containers start; one with restartPolicy Always is a sidecar that keeps running. A failure is handled by the pod's restartPolicy. Names are unique across all containers. Cannot be updated.",
      'name',
      { proto: 20 },
    ),
    containers: requiredField(
      array(containerSchema),
      'The regular containers of the pod; at least one. Containers cannot be added or removed after creation.',
      {
        patchStrategy: 'merge',
        patchMergeKey: 'name',
        listType: 'map',
        listMapKeys: ['name'],
        proto: 2,
      },
    ),
    ephemeralContainers: mergeList(
      ephemeralContainerSchema,
      'Ephemeral (debugging) containers. Cannot be set at creation or changed by an update; add them through the pods/ephemeralcontainers subresource.',
      'name',
      { proto: 34 },
    ),
    restartPolicy: field(
      string({ enum: restartPolicyValues }),
      'When containers are restarted after they exit: Always, OnFailure or Never. Defaults to Always; some controllers allow only a subset.',
      { proto: 3 },
    ),
    terminationGracePeriodSeconds: field(
      int64(),
      'Seconds between the stop signal and the kill when the pod is deleted; 0 kills at once. A delete request may shorten it. Defaults to 30.',
      { proto: 4 },
    ),
    activeDeadlineSeconds: field(
      int64(),
      'Seconds, counted from startTime, the pod may be active before the kubelet fails it (reason DeadlineExceeded) and kills its containers. Must be positive.',
      { proto: 5 },
    ),
    dnsPolicy: field(
      string({ enum: dnsPolicyValues }),
      "How the pod's DNS is set up: ClusterFirst (cluster DNS, the default), ClusterFirstWithHostNet (cluster DNS even with hostNetwork), Default (the node's resolver) or None (only dnsConfig).",
      { proto: 6 },
    ),
    nodeSelector: field(
      map(string(), { mapType: 'atomic' }),
      'Labels a node must have for the pod to be scheduled onto it.',
      { proto: 7 },
    ),
    serviceAccountName: field(
      string(),
      'Name of the ServiceAccount the pod runs as. Defaults to default.',
      { proto: 8 },
    ),
    serviceAccount: field(string(), 'Deprecated alias of serviceAccountName.', { proto: 9 }),
    automountServiceAccountToken: field(
      boolean(),
      "Whether an API token for the service account is mounted into the containers. Defaults to the service account's setting, else true.",
      { proto: 21 },
    ),
    nodeName: field(
      string(),
      "Node the pod is bound to. Set by the scheduler (or directly, to bypass it); once set, that node's kubelet runs the pod.",
      { proto: 10 },
    ),
    hostNetwork: field(
      boolean(),
      "Use the node's network namespace; container ports are then ports of the node. Defaults to false.",
      { proto: 11 },
    ),
    hostPID: field(boolean(), "Use the node's PID namespace. Defaults to false.", { proto: 12 }),
    hostIPC: field(boolean(), "Use the node's IPC namespace. Defaults to false.", { proto: 13 }),
    shareProcessNamespace: field(
      boolean(),
      "Give all containers of the pod one PID namespace, so they can see and signal each other's processes (no container's process is PID 1). Not allowed with hostPID. Defaults to false.",
      { proto: 27 },
    ),
    securityContext: field(
      podSecurityContextSchema,
      "Pod-level security settings, also defaults for each container's securityContext. Defaults to empty.",
      { proto: 14 },
    ),
    imagePullSecrets: mergeList(
      localObjectReferenceSchema,
      "Secrets in the pod's namespace with registry credentials for pulling the pod's images.",
      'name',
      { proto: 15 },
    ),
    hostname: field(
      string(),
      "Host name of the pod. Defaults to the pod's name (truncated to 63 characters).",
      { proto: 16 },
    ),
    subdomain: field(
      string(),
      'Subdomain of the pod: its fully qualified name becomes <hostname>.<subdomain>.<namespace>.svc.<cluster domain>. Unset means no domain name.',
      { proto: 17 },
    ),
    affinity: field(
      affinitySchema,
      'Node affinity, pod affinity and pod anti-affinity rules for scheduling.',
      { proto: 18 },
    ),
    schedulerName: field(
      string(),
      'Scheduler that places the pod. Defaults to default-scheduler.',
      { proto: 19 },
    ),
    tolerations: atomicList(tolerationSchema, 'Taints the pod tolerates.', { proto: 22 }),
    hostAliases: mergeList(hostAliasSchema, "Extra entries for the pod's /etc/hosts file.", 'ip', {
      proto: 23,
    }),
    priorityClassName: field(
      string(),
      "Name of a PriorityClass giving the pod's priority; system-node-critical and system-cluster-critical are built in. Unset uses the default class, or priority 0.",
      { proto: 24 },
    ),
    priority: field(
      int32(),
      'Priority of the pod; higher is more important. Filled in from priorityClassName by admission, which rejects a value set by the user.',
      { proto: 25 },
    ),
    dnsConfig: field(podDNSConfigSchema, 'DNS settings added to those of the dnsPolicy.', {
      proto: 26,
    }),
    readinessGates: atomicList(
      podReadinessGateSchema,
      'Extra pod conditions that must be True, besides all containers being ready, for the pod to be Ready.',
      { proto: 28 },
    ),
    runtimeClassName: field(
      string(),
      'Name of the RuntimeClass (node.k8s.io) that runs the pod; the pod does not run if it does not exist. Unset uses the default runtime handler.',
      { proto: 29 },
    ),
    enableServiceLinks: field(
      boolean(),
      'Inject Docker-link style environment variables (<SERVICE>_SERVICE_HOST, ...) for the services of the namespace. Defaults to true.',
      { proto: 30 },
    ),
    preemptionPolicy: field(
      string({ enum: preemptionPolicyValues }),
      'Whether the pod may preempt lower-priority pods: PreemptLowerPriority (the default) or Never.',
      { proto: 31 },
    ),
    overhead: field(
      map(quantity()),
      "Resources used by the pod's sandbox on top of its containers, filled in from the RuntimeClass at admission; may not be set on create.",
      { proto: 32 },
    ),
    topologySpreadConstraints: mergeList(
      topologySpreadConstraintSchema,
      'How the pod and similar pods must be spread across zones, nodes or other domains; all constraints apply.',
      'topologyKey',
      { keys: ['topologyKey', 'whenUnsatisfiable'], proto: 33 },
    ),
    setHostnameAsFQDN: field(
      boolean(),
      'Set the kernel host name to the fully qualified domain name instead of the short name. Defaults to false.',
      { proto: 35 },
    ),
    os: field(
      podOSSchema,
      "The OS the pod's containers run on; restricts which OS-specific fields may be set.",
      { proto: 36 },
    ),
    hostUsers: field(
      boolean(),
      "Use the node's user namespace. Set false to run the pod in its own user namespace, where root in the container is unprivileged on the node. Defaults to true. Beta (UserNamespacesSupport feature, off by default).",
      { proto: 37 },
    ),
    schedulingGates: mergeList(
      podSchedulingGateSchema,
      'While any gate is present, the pod is not scheduled (it stays SchedulingGated). Gates can only be set at creation and removed afterwards.',
      'name',
      { proto: 38 },
    ),
    resourceClaims: mergeList(
      podResourceClaimSchema,
      'ResourceClaims that must be allocated before the pod starts; containers use them by name. Alpha (DynamicResourceAllocation); immutable.',
      'name',
      { strategy: 'merge,retainKeys', proto: 39 },
    ),
    resources: field(
      resourceRequirementsSchema,
      'Total CPU and memory requests and limits for all containers together, which may share them. Alpha (PodLevelResources feature); cpu and memory only.',
      { proto: 40 },
    ),
  },
);
export type PodSpec = Infer<typeof podSpecSchema>;

export const podSchema = object(
  'io.k8s.api.core.v1.Pod',
  'A group of containers that share network, storage and a lifecycle and run together on one node; the smallest unit Kubernetes schedules.',
  {
    ...typeAndObjectMeta(),
    spec: field(podSpecSchema, 'Desired state of the pod.', { proto: 2 }),
    status: field(
      podStatusSchema,
      'Observed state of the pod, written by the kubelet and the scheduler. Read-only for users; may lag behind.',
      { proto: 3 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Pod' }] },
);
export type Pod = Infer<typeof podSchema>;

export const podListSchema = listOf(podSchema, { group: '', version: 'v1', kind: 'Pod' });
export type PodList = Infer<typeof podListSchema>;

export const podTemplateSpecSchema = object(
  'io.k8s.api.core.v1.PodTemplateSpec',
  "A pod's metadata and spec, from which controllers create pods.",
  {
    metadata: field(objectMetaSchema, 'Labels, annotations and other metadata given to each pod.', {
      proto: 1,
    }),
    spec: field(podSpecSchema, 'Spec given to each pod.', { proto: 2 }),
  },
);
export type PodTemplateSpec = Infer<typeof podTemplateSpecSchema>;

export const podTemplateSchema = object(
  'io.k8s.api.core.v1.PodTemplate',
  'A stored pod template.',
  {
    ...typeAndObjectMeta(),
    template: field(podTemplateSpecSchema, 'The template.', { proto: 2 }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'PodTemplate' }] },
);
export type PodTemplate = Infer<typeof podTemplateSchema>;

export const podTemplateListSchema = listOf(podTemplateSchema, {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
});
export type PodTemplateList = Infer<typeof podTemplateListSchema>;

export const bindingSchema = object(
  'io.k8s.api.core.v1.Binding',
  'Binds one object to another; the scheduler posts one to pods/binding to assign a pod to a node.',
  {
    ...typeAndObjectMeta(),
    target: requiredField(objectReferenceSchema, 'The object to bind to, e.g. a Node.', {
      proto: 2,
    }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Binding' }] },
);
export type Binding = Infer<typeof bindingSchema>;
