/**
 * Resource definitions for the OpenAPI tests, built from the real schemas with upstream's
 * discovery facts (resources, scopes, verbs, subresources and their kinds). Behaviour fields
 * (defaulting, validation) are inert: the documents never call them.
 */
import {
  allVerbs,
  configMapListSchema,
  configMapSchema,
  cronJobListSchema,
  cronJobSchema,
  daemonSetListSchema,
  daemonSetSchema,
  deploymentListSchema,
  deploymentSchema,
  endpointSliceListSchema,
  endpointSliceSchema,
  jobListSchema,
  jobSchema,
  leaseListSchema,
  leaseSchema,
  namespaceListSchema,
  namespaceSchema,
  nodeListSchema,
  nodeSchema,
  podListSchema,
  podSchema,
  replicaSetListSchema,
  replicaSetSchema,
  secretListSchema,
  secretSchema,
  serviceListSchema,
  serviceSchema,
  statefulSetListSchema,
  statefulSetSchema,
  type ObjectSchema,
  type ResourceDef,
  type SubresourceDef,
  type Verb,
} from '../../../api/index.ts';

interface DefInput {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  schema: ObjectSchema;
  listSchema: ObjectSchema;
  shortNames?: string[];
  subresources?: SubresourceDef[];
  verbs?: readonly Verb[];
}

export function testDef(d: DefInput): ResourceDef {
  return {
    group: d.group,
    version: d.version,
    kind: d.kind,
    resource: d.resource,
    singular: d.kind.toLowerCase(),
    namespaced: d.namespaced,
    shortNames: d.shortNames ?? [],
    categories: [],
    verbs: d.verbs ?? allVerbs,
    subresources: d.subresources ?? [],
    schema: d.schema,
    listSchema: d.listSchema,
    nameRule: 'subdomain',
    hasStatusSubresource: (d.subresources ?? []).some((s) => s.name === 'status'),
    tracksGeneration: false,
    allowUnconditionalUpdate: true,
    allowCreateOnUpdate: false,
    fieldSelectors: {},
    defaults: () => undefined,
    validate: () => [],
    validateUpdate: () => [],
  } as ResourceDef;
}

const rw: Verb[] = ['get', 'patch', 'update'];
const status = (kind: string): SubresourceDef => ({ name: 'status', kind, verbs: rw });
const scale: SubresourceDef = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: rw,
};

export const podDef = testDef({
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  namespaced: true,
  schema: podSchema,
  listSchema: podListSchema,
  shortNames: ['po'],
  subresources: [
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'binding', kind: 'Binding', verbs: ['create'] },
    { name: 'ephemeralcontainers', kind: 'Pod', verbs: rw },
    { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    {
      name: 'proxy',
      kind: 'PodProxyOptions',
      verbs: ['create', 'delete', 'get', 'patch', 'update'],
    },
    status('Pod'),
  ],
});

export const namespaceDef = testDef({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  namespaced: false,
  schema: namespaceSchema,
  listSchema: namespaceListSchema,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }, status('Namespace')],
});

export const coreTestDefs: readonly ResourceDef[] = [
  podDef,
  namespaceDef,
  testDef({
    group: '',
    version: 'v1',
    kind: 'Node',
    resource: 'nodes',
    namespaced: false,
    schema: nodeSchema,
    listSchema: nodeListSchema,
    shortNames: ['no'],
    subresources: [
      {
        name: 'proxy',
        kind: 'NodeProxyOptions',
        verbs: ['create', 'delete', 'get', 'patch', 'update'],
      },
      status('Node'),
    ],
  }),
  testDef({
    group: '',
    version: 'v1',
    kind: 'Service',
    resource: 'services',
    namespaced: true,
    schema: serviceSchema,
    listSchema: serviceListSchema,
    shortNames: ['svc'],
    subresources: [
      {
        name: 'proxy',
        kind: 'ServiceProxyOptions',
        verbs: ['create', 'delete', 'get', 'patch', 'update'],
      },
      status('Service'),
    ],
  }),
  testDef({
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    resource: 'configmaps',
    namespaced: true,
    schema: configMapSchema,
    listSchema: configMapListSchema,
    shortNames: ['cm'],
  }),
  testDef({
    group: '',
    version: 'v1',
    kind: 'Secret',
    resource: 'secrets',
    namespaced: true,
    schema: secretSchema,
    listSchema: secretListSchema,
  }),
];

export const deploymentDef = testDef({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  namespaced: true,
  schema: deploymentSchema,
  listSchema: deploymentListSchema,
  shortNames: ['deploy'],
  subresources: [scale, status('Deployment')],
});

export const appsTestDefs: readonly ResourceDef[] = [
  deploymentDef,
  testDef({
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    resource: 'replicasets',
    namespaced: true,
    schema: replicaSetSchema,
    listSchema: replicaSetListSchema,
    shortNames: ['rs'],
    subresources: [scale, status('ReplicaSet')],
  }),
  testDef({
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    resource: 'statefulsets',
    namespaced: true,
    schema: statefulSetSchema,
    listSchema: statefulSetListSchema,
    shortNames: ['sts'],
    subresources: [scale, status('StatefulSet')],
  }),
  testDef({
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    resource: 'daemonsets',
    namespaced: true,
    schema: daemonSetSchema,
    listSchema: daemonSetListSchema,
    shortNames: ['ds'],
    subresources: [status('DaemonSet')],
  }),
];

export const otherTestDefs: readonly ResourceDef[] = [
  testDef({
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    resource: 'jobs',
    namespaced: true,
    schema: jobSchema,
    listSchema: jobListSchema,
    subresources: [status('Job')],
  }),
  testDef({
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    resource: 'cronjobs',
    namespaced: true,
    schema: cronJobSchema,
    listSchema: cronJobListSchema,
    shortNames: ['cj'],
    subresources: [status('CronJob')],
  }),
  testDef({
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    resource: 'leases',
    namespaced: true,
    schema: leaseSchema,
    listSchema: leaseListSchema,
  }),
  testDef({
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    resource: 'endpointslices',
    namespaced: true,
    schema: endpointSliceSchema,
    listSchema: endpointSliceListSchema,
  }),
];

/** Every test definition: core/v1, apps/v1, batch/v1, coordination.k8s.io/v1, discovery.k8s.io/v1. */
export const allTestDefs: readonly ResourceDef[] = [
  ...coreTestDefs,
  ...appsTestDefs,
  ...otherTestDefs,
];
