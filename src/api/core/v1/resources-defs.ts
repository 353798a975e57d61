/**
 * The core/v1 resources podbay serves, one `ResourceDef` each, with upstream v1.32's discovery
 * facts (names, short names, categories, verbs, subresources and their kinds), registry strategy
 * behaviour (status subresource, generation, unconditional update, create on update) and field
 * selectors (`GetAttrs` plus the v1 field label conversions).
 *
 * Not here, because they need the store or a clock (the API server's registry does them): pod
 * status and QoS class on create, namespace `spec.finalizers: [kubernetes]`, Service IP and port
 * allocation, graceful deletion, status wiping on main-resource updates.
 */
import { listOf } from '../../meta/v1.ts';
import type { KubeObject, ResourceDef, SubresourceDef, Verb } from '../../scheme.ts';
import { allVerbs } from '../../scheme.ts';
import { maybe } from './validation/common.ts';
import type { ObjectSchema } from '../../schema/schema.ts';
import type { ConfigMap, Secret, ServiceAccount } from './config.ts';
import {
  configMapListSchema,
  configMapSchema,
  secretListSchema,
  secretSchema,
  serviceAccountListSchema,
  serviceAccountSchema,
} from './config.ts';
import type { Event } from './event.ts';
import { eventListSchema, eventSchema } from './event.ts';
import type { LimitRange } from './limit-range.ts';
import { limitRangeListSchema, limitRangeSchema } from './limit-range.ts';
import type { Namespace } from './namespace.ts';
import { namespaceListSchema, namespaceSchema } from './namespace.ts';
import type { Node } from './node.ts';
import { nodeListSchema, nodeSchema } from './node.ts';
import type { PersistentVolume, PersistentVolumeClaim } from './persistent-volume.ts';
import {
  persistentVolumeClaimListSchema,
  persistentVolumeClaimSchema,
  persistentVolumeListSchema,
  persistentVolumeSchema,
} from './persistent-volume.ts';
import type { Binding, Pod, PodTemplate } from './pod.ts';
import {
  bindingSchema,
  podListSchema,
  podSchema,
  podTemplateListSchema,
  podTemplateSchema,
} from './pod.ts';
import type { ReplicationController } from './replication-controller.ts';
import {
  replicationControllerListSchema,
  replicationControllerSchema,
} from './replication-controller.ts';
import type { ResourceQuota } from './resource-quota.ts';
import { resourceQuotaListSchema, resourceQuotaSchema } from './resource-quota.ts';
import type { Endpoints, Service } from './service.ts';
import {
  endpointsListSchema,
  endpointsSchema,
  serviceListSchema,
  serviceSchema,
} from './service.ts';
import {
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultNothing,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPod,
  defaultPodTemplate,
  defaultReplicationController,
  defaultResourceQuota,
  defaultSecret,
  defaultService,
} from './defaults.ts';
import {
  validateBinding,
  validateConfigMap,
  validateConfigMapUpdate,
  validateEndpoints,
  validateEndpointsUpdate,
  validateEvent,
  validateEventUpdate,
  validateLimitRange,
  validateLimitRangeUpdate,
  validateNamespace,
  validateNamespaceStatusUpdate,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimStatusUpdate,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeStatusUpdate,
  validatePersistentVolumeUpdate,
  validatePod,
  validatePodStatusUpdate,
  validatePodTemplate,
  validatePodTemplateUpdate,
  validatePodUpdate,
  validateReplicationController,
  validateReplicationControllerStatusUpdate,
  validateReplicationControllerUpdate,
  validateResourceQuota,
  validateResourceQuotaStatusUpdate,
  validateResourceQuotaUpdate,
  validateSecret,
  validateSecretUpdate,
  validateService,
  validateServiceAccount,
  validateServiceAccountUpdate,
  validateServiceStatusUpdate,
  validateServiceUpdate,
} from './validation/index.ts';

const readWrite: readonly Verb[] = ['get', 'patch', 'update'];
const proxyVerbs: readonly Verb[] = ['create', 'delete', 'get', 'patch', 'update'];
const namespaceVerbs: readonly Verb[] = [
  'create',
  'delete',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function status(kind: string): SubresourceDef {
  return { name: 'status', kind, verbs: readWrite };
}

/** A field selector getter set: label -> value as upstream's selectable field set holds it. */
type Fields<T> = Readonly<Record<string, (obj: T) => string | undefined>>;

const metaName = (o: KubeObject): string => o.metadata?.name ?? '';
const metaNamespace = (o: KubeObject): string => o.metadata?.namespace ?? '';

interface DefInput<T extends KubeObject> {
  readonly kind: string;
  readonly resource: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly verbs?: readonly Verb[];
  readonly subresources?: readonly SubresourceDef[];
  readonly schema: ObjectSchema<T>;
  readonly listSchema: ResourceDef<T>['listSchema'];
  readonly nameRule?: ResourceDef<T>['nameRule'];
  readonly tracksGeneration?: boolean;
  readonly allowCreateOnUpdate?: boolean;
  readonly fieldSelectors?: Fields<T>;
  readonly defaults?: (obj: T) => void;
  readonly validate: ResourceDef<T>['validate'];
  readonly validateUpdate: ResourceDef<T>['validateUpdate'];
  readonly validateStatusUpdate?: ResourceDef<T>['validateStatusUpdate'];
}

function def<T extends KubeObject>(d: DefInput<T>): ResourceDef<T> {
  const subresources = d.subresources ?? [];
  const base = {
    group: '',
    version: 'v1',
    kind: d.kind,
    resource: d.resource,
    singular: d.singular,
    namespaced: d.namespaced,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    verbs: d.verbs ?? allVerbs,
    subresources,
    schema: d.schema,
    listSchema: d.listSchema,
    nameRule: d.nameRule ?? 'subdomain',
    hasStatusSubresource: subresources.some((s) => s.name === 'status'),
    tracksGeneration: d.tracksGeneration ?? false,
    allowUnconditionalUpdate: true,
    allowCreateOnUpdate: d.allowCreateOnUpdate ?? false,
    fieldSelectors: {
      'metadata.name': metaName,
      ...(d.namespaced ? { 'metadata.namespace': metaNamespace } : {}),
      ...d.fieldSelectors,
    },
    defaults: d.defaults ?? defaultNothing,
    validate: d.validate,
    validateUpdate: d.validateUpdate,
  };
  return d.validateStatusUpdate ? { ...base, validateStatusUpdate: d.validateStatusUpdate } : base;
}

export const namespacesDef: ResourceDef<Namespace> = def<Namespace>({
  kind: 'Namespace',
  resource: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: namespaceVerbs,
  subresources: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  schema: namespaceSchema,
  listSchema: namespaceListSchema,
  nameRule: 'label',
  fieldSelectors: { 'status.phase': (o) => o.status?.phase ?? '' },
  defaults: defaultNamespace,
  validate: validateNamespace,
  validateUpdate: validateNamespaceUpdate,
  validateStatusUpdate: validateNamespaceStatusUpdate,
});

export const podsDef: ResourceDef<Pod> = def<Pod>({
  kind: 'Pod',
  resource: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  subresources: [
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    { name: 'ephemeralcontainers', kind: 'Pod', verbs: readWrite },
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    { name: 'proxy', kind: 'PodProxyOptions', verbs: proxyVerbs },
    status('Pod'),
  ],
  schema: podSchema,
  listSchema: podListSchema,
  fieldSelectors: {
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'spec.host': (o) => o.spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
    'status.phase': (o) => o.status?.phase ?? '',
    'status.podIP': (o) => o.status?.podIPs?.[0]?.ip ?? o.status?.podIP ?? '',
    'status.podIPs': () => '',
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName ?? '',
  },
  defaults: defaultPod,
  validate: validatePod,
  validateUpdate: validatePodUpdate,
  validateStatusUpdate: validatePodStatusUpdate,
});

export const bindingsDef: ResourceDef<Binding> = def<Binding>({
  kind: 'Binding',
  resource: 'bindings',
  singular: 'binding',
  namespaced: true,
  verbs: ['create'],
  schema: bindingSchema,
  listSchema: listOf(bindingSchema, { group: '', version: 'v1', kind: 'Binding' }),
  validate: (b) => validateBinding(b),
  validateUpdate: (b) => validateBinding(b),
});

export const nodesDef: ResourceDef<Node> = def<Node>({
  kind: 'Node',
  resource: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  subresources: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: proxyVerbs }, status('Node')],
  schema: nodeSchema,
  listSchema: nodeListSchema,
  fieldSelectors: { 'spec.unschedulable': (o) => String(o.spec?.unschedulable === true) },
  defaults: defaultNode,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  validateStatusUpdate: validateNodeUpdate,
});

export const eventsDef: ResourceDef<Event> = def<Event>({
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  schema: eventSchema,
  listSchema: eventListSchema,
  nameRule: 'path-segment',
  allowCreateOnUpdate: true,
  fieldSelectors: {
    'involvedObject.kind': (o) => maybe(o.involvedObject)?.kind ?? '',
    'involvedObject.namespace': (o) => maybe(o.involvedObject)?.namespace ?? '',
    'involvedObject.name': (o) => maybe(o.involvedObject)?.name ?? '',
    'involvedObject.uid': (o) => maybe(o.involvedObject)?.uid ?? '',
    'involvedObject.apiVersion': (o) => maybe(o.involvedObject)?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => maybe(o.involvedObject)?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => maybe(o.involvedObject)?.fieldPath ?? '',
    reason: (o) => o.reason ?? '',
    reportingComponent: (o) => o.reportingComponent ?? '',
    source: (o) => o.source?.component || o.reportingComponent || '',
    type: (o) => o.type ?? '',
  },
  validate: validateEvent,
  validateUpdate: validateEventUpdate,
});

export const configMapsDef: ResourceDef<ConfigMap> = def<ConfigMap>({
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  schema: configMapSchema,
  listSchema: configMapListSchema,
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
});

export const secretsDef: ResourceDef<Secret> = def<Secret>({
  kind: 'Secret',
  resource: 'secrets',
  singular: 'secret',
  namespaced: true,
  schema: secretSchema,
  listSchema: secretListSchema,
  fieldSelectors: { type: (o) => o.type ?? '' },
  defaults: defaultSecret,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
});

export const serviceAccountsDef: ResourceDef<ServiceAccount> = def<ServiceAccount>({
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  subresources: [
    {
      name: 'token',
      kind: 'TokenRequest',
      group: 'authentication.k8s.io',
      version: 'v1',
      verbs: ['create'],
    },
  ],
  schema: serviceAccountSchema,
  listSchema: serviceAccountListSchema,
  validate: validateServiceAccount,
  validateUpdate: validateServiceAccountUpdate,
});

export const servicesDef: ResourceDef<Service> = def<Service>({
  kind: 'Service',
  resource: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  subresources: [
    { name: 'proxy', kind: 'ServiceProxyOptions', verbs: proxyVerbs },
    status('Service'),
  ],
  schema: serviceSchema,
  listSchema: serviceListSchema,
  nameRule: 'dns1035',
  allowCreateOnUpdate: true,
  fieldSelectors: {
    'spec.clusterIP': (o) => o.spec?.clusterIP ?? '',
    'spec.type': (o) => o.spec?.type ?? '',
  },
  defaults: defaultService,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  validateStatusUpdate: validateServiceStatusUpdate,
});

export const endpointsDef: ResourceDef<Endpoints> = def<Endpoints>({
  kind: 'Endpoints',
  resource: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  schema: endpointsSchema,
  listSchema: endpointsListSchema,
  allowCreateOnUpdate: true,
  defaults: defaultEndpoints,
  validate: validateEndpoints,
  validateUpdate: validateEndpointsUpdate,
});

export const podTemplatesDef: ResourceDef<PodTemplate> = def<PodTemplate>({
  kind: 'PodTemplate',
  resource: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  schema: podTemplateSchema,
  listSchema: podTemplateListSchema,
  tracksGeneration: true,
  defaults: defaultPodTemplate,
  validate: validatePodTemplate,
  validateUpdate: validatePodTemplateUpdate,
});

export const replicationControllersDef: ResourceDef<ReplicationController> =
  def<ReplicationController>({
    kind: 'ReplicationController',
    resource: 'replicationcontrollers',
    singular: 'replicationcontroller',
    namespaced: true,
    shortNames: ['rc'],
    categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: readWrite },
      status('ReplicationController'),
    ],
    schema: replicationControllerSchema,
    listSchema: replicationControllerListSchema,
    tracksGeneration: true,
    fieldSelectors: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
    defaults: defaultReplicationController,
    validate: validateReplicationController,
    validateUpdate: validateReplicationControllerUpdate,
    validateStatusUpdate: validateReplicationControllerStatusUpdate,
  });

export const persistentVolumesDef: ResourceDef<PersistentVolume> = def<PersistentVolume>({
  kind: 'PersistentVolume',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  subresources: [status('PersistentVolume')],
  schema: persistentVolumeSchema,
  listSchema: persistentVolumeListSchema,
  // No conversion function of its own: the default one also accepts metadata.namespace.
  fieldSelectors: { 'metadata.namespace': () => '' },
  defaults: defaultPersistentVolume,
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  validateStatusUpdate: validatePersistentVolumeStatusUpdate,
});

export const persistentVolumeClaimsDef: ResourceDef<PersistentVolumeClaim> =
  def<PersistentVolumeClaim>({
    kind: 'PersistentVolumeClaim',
    resource: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: [status('PersistentVolumeClaim')],
    schema: persistentVolumeClaimSchema,
    listSchema: persistentVolumeClaimListSchema,
    defaults: defaultPersistentVolumeClaim,
    validate: validatePersistentVolumeClaim,
    validateUpdate: validatePersistentVolumeClaimUpdate,
    validateStatusUpdate: validatePersistentVolumeClaimStatusUpdate,
  });

export const limitRangesDef: ResourceDef<LimitRange> = def<LimitRange>({
  kind: 'LimitRange',
  resource: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  schema: limitRangeSchema,
  listSchema: limitRangeListSchema,
  allowCreateOnUpdate: true,
  defaults: defaultLimitRange,
  validate: validateLimitRange,
  validateUpdate: validateLimitRangeUpdate,
});

export const resourceQuotasDef: ResourceDef<ResourceQuota> = def<ResourceQuota>({
  kind: 'ResourceQuota',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  subresources: [status('ResourceQuota')],
  schema: resourceQuotaSchema,
  listSchema: resourceQuotaListSchema,
  defaults: defaultResourceQuota,
  validate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
  validateStatusUpdate: validateResourceQuotaStatusUpdate,
});

/** Every core/v1 resource podbay serves, in discovery order (alphabetical, as upstream lists them). */
export const coreV1Resources: readonly ResourceDef[] = [
  bindingsDef,
  configMapsDef,
  endpointsDef,
  eventsDef,
  limitRangesDef,
  namespacesDef,
  nodesDef,
  persistentVolumeClaimsDef,
  persistentVolumesDef,
  podsDef,
  podTemplatesDef,
  replicationControllersDef,
  resourceQuotasDef,
  secretsDef,
  serviceAccountsDef,
  servicesDef,
] as unknown as readonly ResourceDef[];
