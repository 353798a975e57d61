/**
 * Test schemas mirroring the parts of apps/v1 Deployment and core/v1 PodSpec that server-side
 * apply cares about, with upstream's markers: containers a list-map on name, ports on
 * containerPort+protocol (protocol defaulting to TCP), env on name, args atomic, finalizers a
 * set, labels granular, nodeSelector an atomic map, the label selector an atomic struct,
 * tolerations atomic, imagePullSecrets a list-map of atomic references.
 */
import {
  any,
  array,
  atomicList,
  boolean,
  field,
  int32,
  int64,
  intOrString,
  map,
  mergeList,
  object,
  quantity,
  requiredField,
  string,
  stringMap,
  typeAndObjectMeta,
  labelSelectorSchema,
} from '../../../api/index.ts';

const core = 'io.k8s.api.core.v1.';
const apps = 'io.k8s.api.apps.v1.';

export const containerPortSchema = object(core + 'ContainerPort', 'A port.', {
  name: field(string(), 'Port name.'),
  containerPort: requiredField(int32(), 'Port number.'),
  protocol: field(string(), 'Protocol.', { default: 'TCP' }),
  hostPort: field(int32(), 'Host port.'),
});

export const envVarSchema = object(core + 'EnvVar', 'An environment variable.', {
  name: requiredField(string(), 'Name.'),
  value: field(string(), 'Value.'),
});

export const resourcesSchema = object(core + 'ResourceRequirements', 'Resources.', {
  limits: field(map(quantity()), 'Limits.'),
  requests: field(map(quantity()), 'Requests.'),
});

export const containerSchema = object(core + 'Container', 'A container.', {
  name: requiredField(string(), 'Name.'),
  image: field(string(), 'Image.'),
  command: atomicList(string(), 'Command.'),
  args: atomicList(string(), 'Arguments.'),
  ports: mergeList(containerPortSchema, 'Ports.', 'containerPort', {
    keys: ['containerPort', 'protocol'],
  }),
  env: mergeList(envVarSchema, 'Environment.', 'name'),
  resources: field(resourcesSchema, 'Resources.'),
  imagePullPolicy: field(string(), 'Pull policy.'),
  terminationMessagePath: field(string(), 'Termination message path.'),
  terminationMessagePolicy: field(string(), 'Termination message policy.'),
});

export const localObjectReferenceSchema = object(
  core + 'LocalObjectReference',
  'A reference.',
  { name: field(string(), 'Name.') },
  { atomic: true },
);

export const tolerationSchema = object(core + 'Toleration', 'A toleration.', {
  key: field(string(), 'Key.'),
  operator: field(string(), 'Operator.'),
  value: field(string(), 'Value.'),
  effect: field(string(), 'Effect.'),
  tolerationSeconds: field(int64(), 'Seconds.'),
});

export const podSecurityContextSchema = object(core + 'PodSecurityContext', 'Security.', {
  runAsUser: field(int64(), 'User.'),
  runAsNonRoot: field(boolean(), 'Non-root.'),
});

export const podSpecSchema = object(core + 'PodSpec', 'A pod spec.', {
  containers: requiredField(array(containerSchema), 'Containers.', {
    patchStrategy: 'merge',
    patchMergeKey: 'name',
    listType: 'map',
    listMapKeys: ['name'],
  }),
  initContainers: mergeList(containerSchema, 'Init containers.', 'name'),
  nodeSelector: field(map(string(), { mapType: 'atomic' }), 'Node selector.'),
  restartPolicy: field(string(), 'Restart policy.'),
  dnsPolicy: field(string(), 'DNS policy.'),
  schedulerName: field(string(), 'Scheduler.'),
  terminationGracePeriodSeconds: field(int64(), 'Grace period.'),
  securityContext: field(podSecurityContextSchema, 'Security context.'),
  tolerations: atomicList(tolerationSchema, 'Tolerations.'),
  imagePullSecrets: mergeList(localObjectReferenceSchema, 'Pull secrets.', 'name'),
});

export const podTemplateSpecSchema = object(core + 'PodTemplateSpec', 'A pod template.', {
  metadata: field(typeAndObjectMeta().metadata.schema, 'Metadata.'),
  spec: field(podSpecSchema, 'Spec.'),
});

export const rollingUpdateSchema = object(apps + 'RollingUpdateDeployment', 'Rolling update.', {
  maxUnavailable: field(intOrString(), 'Max unavailable.'),
  maxSurge: field(intOrString(), 'Max surge.'),
});

export const strategySchema = object(apps + 'DeploymentStrategy', 'Strategy.', {
  type: field(string(), 'Type.'),
  rollingUpdate: field(rollingUpdateSchema, 'Rolling update.'),
});

export const deploymentSpecSchema = object(apps + 'DeploymentSpec', 'Deployment spec.', {
  replicas: field(int32(), 'Replicas.'),
  selector: requiredField(labelSelectorSchema, 'Selector.'),
  template: requiredField(podTemplateSpecSchema, 'Template.'),
  strategy: field(strategySchema, 'Strategy.'),
  minReadySeconds: field(int32(), 'Min ready seconds.'),
  revisionHistoryLimit: field(int32(), 'History limit.'),
  progressDeadlineSeconds: field(int32(), 'Deadline.'),
  paused: field(boolean(), 'Paused.'),
});

export const deploymentStatusSchema = object(apps + 'DeploymentStatus', 'Deployment status.', {
  observedGeneration: field(int64(), 'Observed generation.'),
  replicas: field(int32(), 'Replicas.'),
  readyReplicas: field(int32(), 'Ready replicas.'),
  conditions: mergeList(
    object(apps + 'DeploymentCondition', 'A condition.', {
      type: requiredField(string(), 'Type.'),
      status: requiredField(string(), 'Status.'),
      reason: field(string(), 'Reason.'),
    }),
    'Conditions.',
    'type',
  ),
});

export const deploymentSchema = object(
  apps + 'Deployment',
  'A deployment.',
  {
    ...typeAndObjectMeta(),
    spec: field(deploymentSpecSchema, 'Spec.'),
    status: field(deploymentStatusSchema, 'Status.'),
  },
  { gvk: [{ group: 'apps', version: 'v1', kind: 'Deployment' }] },
);

/** A schema with an open (preserve-unknown-fields) struct and a map of lists. */
export const openSchema = object(
  'io.example.v1.Widget',
  'A widget.',
  {
    ...typeAndObjectMeta(),
    spec: field(
      object(
        'io.example.v1.WidgetSpec',
        'Open spec.',
        { size: field(int32(), 'Size.') },
        {
          preserveUnknownFields: true,
        },
      ),
      'Spec.',
    ),
    data: field(any(), 'Opaque data.'),
    tags: field(map(array(string())), 'Tags.'),
    labels: field(stringMap(), 'Labels.'),
  },
  { gvk: [{ group: 'example.io', version: 'v1', kind: 'Widget' }] },
);
