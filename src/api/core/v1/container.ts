/**
 * core/v1: Containers (regular, init and ephemeral) and their ports, environment and mounts.
 */
import {
  atomicList,
  boolean,
  field,
  int32,
  mergeList,
  object,
  requiredField,
  string,
  type Infer,
} from '../../schema/schema.ts';
import {
  mountPropagationModeValues,
  protocolValues,
  pullPolicyValues,
  terminationMessagePolicyValues,
} from './enums.ts';
import { lifecycleSchema, probeSchema } from './probe.ts';
import { containerResizePolicySchema, resourceRequirementsSchema } from './resources.ts';
import { securityContextSchema } from './security.ts';
import {
  configMapKeySelectorSchema,
  objectFieldSelectorSchema,
  resourceFieldSelectorSchema,
  secretKeySelectorSchema,
} from './selectors.ts';

export const containerPortSchema = object(
  'io.k8s.api.core.v1.ContainerPort',
  'A network port a container listens on.',
  {
    name: field(
      string(),
      'Name of the port, an IANA_SVC_NAME unique within the pod, so services and probes can refer to it by name.',
      { proto: 1 },
    ),
    hostPort: field(
      int32(),
      'Port on the node that forwards to this port. Most containers do not need it; with hostNetwork it must equal containerPort.',
      { proto: 2 },
    ),
    containerPort: requiredField(int32(), "Port number on the pod's IP address, 1-65535.", {
      proto: 3,
    }),
    protocol: field(string({ enum: protocolValues }), 'TCP, UDP or SCTP. Defaults to TCP.', {
      default: 'TCP',
      proto: 4,
    }),
    hostIP: field(string(), 'Node IP address the hostPort binds to.', { proto: 5 }),
  },
);
export type ContainerPort = Infer<typeof containerPortSchema>;

export const configMapEnvSourceSchema = object(
  'io.k8s.api.core.v1.ConfigMapEnvSource',
  'A ConfigMap whose keys all become environment variables.',
  {
    name: field(string(), 'Name of the ConfigMap. Effectively required.', {
      default: '',
      proto: 1,
    }),
    optional: field(boolean(), 'When true, a missing ConfigMap is not an error.', { proto: 2 }),
  },
);
export type ConfigMapEnvSource = Infer<typeof configMapEnvSourceSchema>;

export const secretEnvSourceSchema = object(
  'io.k8s.api.core.v1.SecretEnvSource',
  'A Secret whose keys all become environment variables.',
  {
    name: field(string(), 'Name of the Secret. Effectively required.', { default: '', proto: 1 }),
    optional: field(boolean(), 'When true, a missing Secret is not an error.', { proto: 2 }),
  },
);
export type SecretEnvSource = Infer<typeof secretEnvSourceSchema>;

export const envFromSourceSchema = object(
  'io.k8s.api.core.v1.EnvFromSource',
  'A ConfigMap or Secret whose keys are all turned into environment variables.',
  {
    prefix: field(
      string(),
      'Prefix added to every variable name from this source; must be a C_IDENTIFIER.',
      { proto: 1 },
    ),
    configMapRef: field(configMapEnvSourceSchema, 'The ConfigMap to read.', { proto: 2 }),
    secretRef: field(secretEnvSourceSchema, 'The Secret to read.', { proto: 3 }),
  },
);
export type EnvFromSource = Infer<typeof envFromSourceSchema>;

export const envVarSourceSchema = object(
  'io.k8s.api.core.v1.EnvVarSource',
  'Where the value of an environment variable comes from: exactly one of the fields.',
  {
    fieldRef: field(
      objectFieldSelectorSchema,
      "A field of the pod: metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP or status.podIPs.",
      { proto: 1 },
    ),
    resourceFieldRef: field(
      resourceFieldSelectorSchema,
      'A request or limit of the container: limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory or requests.ephemeral-storage.',
      { proto: 2 },
    ),
    configMapKeyRef: field(
      configMapKeySelectorSchema,
      "A key of a ConfigMap in the pod's namespace.",
      { proto: 3 },
    ),
    secretKeyRef: field(secretKeySelectorSchema, "A key of a Secret in the pod's namespace.", {
      proto: 4,
    }),
  },
);
export type EnvVarSource = Infer<typeof envVarSourceSchema>;

export const envVarSchema = object(
  'io.k8s.api.core.v1.EnvVar',
  'One environment variable of a container.',
  {
    name: requiredField(string(), 'Name of the variable; must be a C_IDENTIFIER.', { proto: 1 }),
    value: field(
      string(),
      'The value. $(VAR) references to variables defined earlier (or service variables) are expanded; unknown references are left as they are, and $$ escapes a $. Defaults to the empty string.',
      { proto: 2 },
    ),
    valueFrom: field(
      envVarSourceSchema,
      'Take the value from a pod field, a resource, a ConfigMap or a Secret instead. Not allowed together with a non-empty value.',
      { proto: 3 },
    ),
  },
);
export type EnvVar = Infer<typeof envVarSchema>;

export const volumeMountSchema = object(
  'io.k8s.api.core.v1.VolumeMount',
  "Where a pod volume appears in a container's filesystem.",
  {
    name: requiredField(string(), 'Name of a volume of the pod.', { proto: 1 }),
    readOnly: field(boolean(), 'Mount read-only. Defaults to false.', { proto: 2 }),
    recursiveReadOnly: field(
      string(),
      'Whether a read-only mount is also read-only for submounts: Disabled (default), IfPossible (when the runtime supports it) or Enabled (fail the pod if unsupported). Only with readOnly true and mountPropagation None.',
      { proto: 7 },
    ),
    mountPath: requiredField(
      string(),
      "Path in the container where the volume is mounted; must not contain ':'.",
      { proto: 3 },
    ),
    subPath: field(
      string(),
      'Path inside the volume to mount instead of its root. Defaults to the root.',
      { proto: 4 },
    ),
    mountPropagation: field(
      string({ enum: mountPropagationModeValues }),
      'How mounts propagate between host and container: None (default), HostToContainer or Bidirectional (privileged containers only).',
      { proto: 5 },
    ),
    subPathExpr: field(
      string(),
      "Like subPath, but $(VAR) references to the container's environment are expanded. Not allowed together with subPath.",
      { proto: 6 },
    ),
  },
);
export type VolumeMount = Infer<typeof volumeMountSchema>;

export const volumeDeviceSchema = object(
  'io.k8s.api.core.v1.VolumeDevice',
  'Maps a raw block volume into a container as a device.',
  {
    name: requiredField(string(), 'Name of a persistentVolumeClaim volume of the pod.', {
      proto: 1,
    }),
    devicePath: requiredField(string(), 'Path of the device inside the container.', { proto: 2 }),
  },
);
export type VolumeDevice = Infer<typeof volumeDeviceSchema>;

export const containerSchema = object(
  'io.k8s.api.core.v1.Container',
  'One container of a pod: its image, command, environment, resources, ports, mounts, probes and security settings.',
  {
    name: requiredField(
      string(),
      'Name of the container, a DNS label unique within the pod. Cannot be updated.',
      { proto: 1 },
    ),
    image: field(
      string(),
      'Image reference, e.g. nginx:1.27 or registry.example.com/app@sha256:.... May be left empty in a template for a controller to fill in; a pod needs it.',
      { proto: 2 },
    ),
    command: atomicList(
      string(),
      "Entrypoint, run without a shell; replaces the image's ENTRYPOINT. $(VAR) references to the container's environment are expanded; $$ escapes a $. Cannot be updated.",
      { proto: 3 },
    ),
    args: atomicList(
      string(),
      "Arguments to the entrypoint; replace the image's CMD. $(VAR) references are expanded as in command. Cannot be updated.",
      { proto: 4 },
    ),
    workingDir: field(
      string(),
      "Working directory of the entrypoint. Defaults to the image's (or the runtime's) default. Cannot be updated.",
      { proto: 5 },
    ),
    ports: mergeList(
      containerPortSchema,
      'Ports the container listens on. Informational for the most part (a port not listed is still reachable), but names here can be used by services and probes. Cannot be updated.',
      'containerPort',
      { keys: ['containerPort', 'protocol'], proto: 6 },
    ),
    envFrom: atomicList(
      envFromSourceSchema,
      'ConfigMaps and Secrets whose keys all become environment variables. A later source wins over an earlier one, and env wins over all of them. Cannot be updated.',
      { proto: 19 },
    ),
    env: mergeList(
      envVarSchema,
      'Environment variables of the container. Cannot be updated.',
      'name',
      { proto: 7 },
    ),
    resources: field(
      resourceRequirementsSchema,
      'CPU, memory and other resources the container requests and is limited to.',
      { proto: 8 },
    ),
    resizePolicy: atomicList(
      containerResizePolicySchema,
      'How each resource may be resized in place (cpu, memory).',
      { proto: 23 },
    ),
    restartPolicy: field(
      string(),
      'Container-level restart policy. Only for init containers, and only Always: that makes the init container a sidecar that starts in order, keeps running (restarted whenever it exits) next to the regular containers and is stopped after them.',
      { proto: 24 },
    ),
    volumeMounts: mergeList(
      volumeMountSchema,
      "Pod volumes mounted into the container's filesystem. Cannot be updated.",
      'mountPath',
      { proto: 9 },
    ),
    volumeDevices: mergeList(
      volumeDeviceSchema,
      'Raw block volumes mapped into the container as devices.',
      'devicePath',
      { proto: 21 },
    ),
    livenessProbe: field(
      probeSchema,
      'Checks the container is alive; after failureThreshold failures it is killed and restarted according to the restart policy. Cannot be updated.',
      { proto: 10 },
    ),
    readinessProbe: field(
      probeSchema,
      'Checks the container can serve; while it fails the pod is not Ready and is removed from service endpoints. Cannot be updated.',
      { proto: 11 },
    ),
    startupProbe: field(
      probeSchema,
      'Checks the container has finished starting; liveness and readiness probes wait until it succeeds, and if it fails the container is killed as for a liveness failure. Cannot be updated.',
      { proto: 22 },
    ),
    lifecycle: field(
      lifecycleSchema,
      'Hooks run after the container starts and before it stops. Cannot be updated.',
      { proto: 12 },
    ),
    terminationMessagePath: field(
      string(),
      "File in the container whose contents become the termination message in the container's status (at most 4096 bytes; 12 KiB across the pod). Defaults to /dev/termination-log. Cannot be updated.",
      { proto: 13 },
    ),
    terminationMessagePolicy: field(
      string({ enum: terminationMessagePolicyValues }),
      'File (read terminationMessagePath) or FallbackToLogsOnError (use the end of the log, at most 2048 bytes or 80 lines, when the file is empty and the container failed). Defaults to File. Cannot be updated.',
      { proto: 20 },
    ),
    imagePullPolicy: field(
      string({ enum: pullPolicyValues }),
      'Always, Never or IfNotPresent. Defaults to Always when the tag is :latest or missing, otherwise IfNotPresent. Cannot be updated.',
      { proto: 14 },
    ),
    securityContext: field(
      securityContextSchema,
      "Security settings of the container; they override the pod's securityContext where both set a field.",
      { proto: 15 },
    ),
    stdin: field(
      boolean(),
      'Keep a stdin buffer open for the container (for attach). When false, reads from stdin get EOF. Defaults to false.',
      { proto: 16 },
    ),
    stdinOnce: field(
      boolean(),
      'Close stdin after the first attach session ends, so the process sees EOF; stdin stays closed until the container restarts. Defaults to false.',
      { proto: 17 },
    ),
    tty: field(
      boolean(),
      'Allocate a terminal for the container; needs stdin. Defaults to false.',
      { proto: 18 },
    ),
  },
);
export type Container = Infer<typeof containerSchema>;

export const ephemeralContainerSchema = object(
  'io.k8s.api.core.v1.EphemeralContainer',
  'A temporary container added to a running pod, usually for debugging (kubectl debug). It has no resource or scheduling guarantees, is never restarted and cannot be removed; add it through the pods/ephemeralcontainers subresource.',
  {
    name: requiredField(
      string(),
      'Name of the ephemeral container, a DNS label unique among all containers of the pod.',
      { proto: 1 },
    ),
    image: field(string(), 'Image reference of the ephemeral container.', { proto: 2 }),
    command: atomicList(
      string(),
      "Entrypoint, run without a shell; replaces the image's ENTRYPOINT. $(VAR) references to the container's environment are expanded; $$ escapes a $. Cannot be updated.",
      { proto: 3 },
    ),
    args: atomicList(
      string(),
      "Arguments to the entrypoint; replace the image's CMD. $(VAR) references are expanded as in command. Cannot be updated.",
      { proto: 4 },
    ),
    workingDir: field(
      string(),
      "Working directory of the entrypoint. Defaults to the image's (or the runtime's) default. Cannot be updated.",
      { proto: 5 },
    ),
    ports: mergeList(
      containerPortSchema,
      'Not allowed for ephemeral containers.',
      'containerPort',
      { keys: ['containerPort', 'protocol'], proto: 6 },
    ),
    envFrom: atomicList(
      envFromSourceSchema,
      'ConfigMaps and Secrets whose keys all become environment variables. A later source wins over an earlier one, and env wins over all of them. Cannot be updated.',
      { proto: 19 },
    ),
    env: mergeList(
      envVarSchema,
      'Environment variables of the container. Cannot be updated.',
      'name',
      { proto: 7 },
    ),
    resources: field(
      resourceRequirementsSchema,
      'Not allowed for ephemeral containers: they use resources already allocated to the pod.',
      { proto: 8 },
    ),
    resizePolicy: atomicList(containerResizePolicySchema, 'Not allowed for ephemeral containers.', {
      proto: 23,
    }),
    restartPolicy: field(string(), 'Not allowed for ephemeral containers.', { proto: 24 }),
    volumeMounts: mergeList(
      volumeMountSchema,
      'Pod volumes mounted into the container. subPath and subPathExpr are not allowed for ephemeral containers. Cannot be updated.',
      'mountPath',
      { proto: 9 },
    ),
    volumeDevices: mergeList(
      volumeDeviceSchema,
      'Raw block volumes mapped into the container as devices.',
      'devicePath',
      { proto: 21 },
    ),
    livenessProbe: field(probeSchema, 'Not allowed for ephemeral containers.', { proto: 10 }),
    readinessProbe: field(probeSchema, 'Not allowed for ephemeral containers.', { proto: 11 }),
    startupProbe: field(probeSchema, 'Not allowed for ephemeral containers.', { proto: 22 }),
    lifecycle: field(lifecycleSchema, 'Not allowed for ephemeral containers.', { proto: 12 }),
    terminationMessagePath: field(
      string(),
      "File in the container whose contents become the termination message in the container's status (at most 4096 bytes; 12 KiB across the pod). Defaults to /dev/termination-log. Cannot be updated.",
      { proto: 13 },
    ),
    terminationMessagePolicy: field(
      string({ enum: terminationMessagePolicyValues }),
      'File (read terminationMessagePath) or FallbackToLogsOnError (use the end of the log, at most 2048 bytes or 80 lines, when the file is empty and the container failed). Defaults to File. Cannot be updated.',
      { proto: 20 },
    ),
    imagePullPolicy: field(
      string({ enum: pullPolicyValues }),
      'Always, Never or IfNotPresent. Defaults to Always when the tag is :latest or missing, otherwise IfNotPresent. Cannot be updated.',
      { proto: 14 },
    ),
    securityContext: field(
      securityContextSchema,
      "Security settings of the ephemeral container; they override the pod's securityContext where both set a field.",
      { proto: 15 },
    ),
    stdin: field(
      boolean(),
      'Keep a stdin buffer open for the container (for attach). When false, reads from stdin get EOF. Defaults to false.',
      { proto: 16 },
    ),
    stdinOnce: field(
      boolean(),
      'Close stdin after the first attach session ends, so the process sees EOF; stdin stays closed until the container restarts. Defaults to false.',
      { proto: 17 },
    ),
    tty: field(
      boolean(),
      'Allocate a terminal for the container; needs stdin. Defaults to false.',
      { proto: 18 },
    ),
    targetContainerName: field(
      string(),
      "Name of a container of the pod whose namespaces (PID, IPC, ...) this container joins, e.g. to inspect its processes. Unset uses the pod's namespaces. Needs runtime support.",
      { proto: 2 },
    ),
  },
);
export type EphemeralContainer = Infer<typeof ephemeralContainerSchema>;
