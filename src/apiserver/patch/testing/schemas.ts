/**
 * Test schemas for the patch engines: the parts of Pod, Deployment and Scale whose patch metadata
 * matters, written with the schema DSL and carrying upstream's struct tags (containers merge on
 * `name`, ports on `containerPort`, env on `name`, volumeMounts on `mountPath`, volumes
 * `merge,retainKeys` on `name`, Deployment `strategy` `retainKeys`, tolerations/args atomic,
 * finalizers a set). The real schemas live in `src/api`; these keep the tests independent of them.
 */
import {
  atomicList,
  field,
  int32,
  intOrString,
  labelSelectorSchema,
  map,
  mergeList,
  object,
  objectMetaSchema,
  quantity,
  requiredField,
  string,
  stringMap,
  boolean,
  int64,
  any,
} from '../../../api/index.ts';

const t = 'test.podbay.v1.';

const keyToPath = object(t + 'KeyToPath', 'A key projected to a path.', {
  key: requiredField(string(), 'The key.'),
  path: requiredField(string(), 'The path.'),
});

const volume = object(t + 'Volume', 'A volume.', {
  name: requiredField(string(), 'Volume name.'),
  emptyDir: field(
    object(t + 'EmptyDirVolumeSource', 'Scratch space.', {
      medium: field(string(), 'Storage medium.'),
      sizeLimit: field(quantity(), 'Size limit.'),
    }),
    'Scratch space.',
  ),
  configMap: field(
    object(t + 'ConfigMapVolumeSource', 'A config map.', {
      name: field(string(), 'Config map name.'),
      items: atomicList(keyToPath, 'Projected keys.'),
      defaultMode: field(int32(), 'File mode.'),
    }),
    'A config map.',
  ),
  secret: field(
    object(t + 'SecretVolumeSource', 'A secret.', {
      secretName: field(string(), 'Secret name.'),
    }),
    'A secret.',
  ),
  hostPath: field(
    object(t + 'HostPathVolumeSource', 'A host path.', {
      path: requiredField(string(), 'Path on the host.'),
      type: field(string(), 'Type of the path.'),
    }),
    'A host path.',
  ),
});

const containerPort = object(t + 'ContainerPort', 'A port.', {
  name: field(string(), 'Port name.'),
  containerPort: requiredField(int32(), 'Port number.'),
  protocol: field(string(), 'Protocol.'),
  hostPort: field(int32(), 'Host port.'),
});

const envVar = object(t + 'EnvVar', 'An environment variable.', {
  name: requiredField(string(), 'Name.'),
  value: field(string(), 'Value.'),
  valueFrom: field(any(), 'Source of the value.'),
});

const volumeMount = object(t + 'VolumeMount', 'A mount.', {
  name: requiredField(string(), 'Volume name.'),
  mountPath: requiredField(string(), 'Mount path.'),
  readOnly: field(boolean(), 'Read only.'),
});

const resources = object(t + 'ResourceRequirements', 'Resources.', {
  limits: field(map(quantity()), 'Limits.'),
  requests: field(map(quantity()), 'Requests.'),
});

export const containerSchema = object(t + 'Container', 'A container.', {
  name: requiredField(string(), 'Container name.'),
  image: field(string(), 'Image.'),
  command: atomicList(string(), 'Entrypoint.'),
  args: atomicList(string(), 'Arguments.'),
  ports: mergeList(containerPort, 'Ports.', 'containerPort', {
    keys: ['containerPort', 'protocol'],
  }),
  env: mergeList(envVar, 'Environment.', 'name'),
  volumeMounts: mergeList(volumeMount, 'Mounts.', 'mountPath'),
  resources: field(resources, 'Resources.'),
  imagePullPolicy: field(string(), 'Pull policy.'),
});

const toleration = object(t + 'Toleration', 'A toleration.', {
  key: field(string(), 'Taint key.'),
  operator: field(string(), 'Operator.'),
  value: field(string(), 'Value.'),
  effect: field(string(), 'Effect.'),
  tolerationSeconds: field(int64(), 'Seconds.'),
});

const localObjectReference = object(
  t + 'LocalObjectReference',
  'A reference.',
  { name: field(string(), 'Name.') },
  { atomic: true },
);

const hostAlias = object(t + 'HostAlias', 'A hosts entry.', {
  ip: requiredField(string(), 'Address.'),
  hostnames: atomicList(string(), 'Names.'),
});

export const podSpecSchema = object(t + 'PodSpec', 'A pod spec.', {
  containers: mergeList(containerSchema, 'Containers.', 'name'),
  initContainers: mergeList(containerSchema, 'Init containers.', 'name'),
  volumes: mergeList(volume, 'Volumes.', 'name', { strategy: 'merge,retainKeys' }),
  tolerations: atomicList(toleration, 'Tolerations.'),
  nodeSelector: field(stringMap(), 'Node selector.'),
  imagePullSecrets: mergeList(localObjectReference, 'Pull secrets.', 'name'),
  hostAliases: mergeList(hostAlias, 'Host aliases.', 'ip'),
  restartPolicy: field(string(), 'Restart policy.'),
  terminationGracePeriodSeconds: field(int64(), 'Grace period.'),
  serviceAccountName: field(string(), 'Service account.'),
});

const podCondition = object(t + 'PodCondition', 'A condition.', {
  type: requiredField(string(), 'Type.'),
  status: requiredField(string(), 'Status.'),
  reason: field(string(), 'Reason.'),
});

export const podSchema = object(t + 'Pod', 'A pod.', {
  apiVersion: field(string(), 'API version.'),
  kind: field(string(), 'Kind.'),
  metadata: field(objectMetaSchema, 'Metadata.'),
  spec: field(podSpecSchema, 'Spec.'),
  status: field(
    object(t + 'PodStatus', 'Pod status.', {
      phase: field(string(), 'Phase.'),
      conditions: mergeList(podCondition, 'Conditions.', 'type'),
    }),
    'Status.',
  ),
});

const podTemplateSpec = object(t + 'PodTemplateSpec', 'A pod template.', {
  metadata: field(objectMetaSchema, 'Template metadata.'),
  spec: field(podSpecSchema, 'Template spec.'),
});

const deploymentStrategy = object(t + 'DeploymentStrategy', 'How to roll out.', {
  type: field(string(), 'Recreate or RollingUpdate.'),
  rollingUpdate: field(
    object(t + 'RollingUpdateDeployment', 'Rolling update parameters.', {
      maxSurge: field(intOrString(), 'Surge.'),
      maxUnavailable: field(intOrString(), 'Unavailable.'),
    }),
    'Rolling update parameters.',
  ),
});

export const deploymentSchema = object(t + 'Deployment', 'A deployment.', {
  apiVersion: field(string(), 'API version.'),
  kind: field(string(), 'Kind.'),
  metadata: field(objectMetaSchema, 'Metadata.'),
  spec: field(
    object(t + 'DeploymentSpec', 'Deployment spec.', {
      replicas: field(int32(), 'Replicas.'),
      selector: field(labelSelectorSchema, 'Selector.'),
      template: field(podTemplateSpec, 'Template.'),
      strategy: field(deploymentStrategy, 'Strategy.', { patchStrategy: 'retainKeys' }),
      minReadySeconds: field(int32(), 'Min ready seconds.'),
    }),
    'Spec.',
  ),
});

export const scaleSchema = object(t + 'Scale', 'A scale subresource.', {
  apiVersion: field(string(), 'API version.'),
  kind: field(string(), 'Kind.'),
  metadata: field(objectMetaSchema, 'Metadata.'),
  spec: field(
    object(t + 'ScaleSpec', 'Desired.', { replicas: field(int32(), 'Replicas.') }),
    'Spec.',
  ),
  status: field(
    object(t + 'ScaleStatus', 'Observed.', {
      replicas: requiredField(int32(), 'Replicas.'),
      selector: field(string(), 'Selector.'),
    }),
    'Status.',
  ),
});
