/**
 * The apps/v1 resources podbay serves, as upstream v1.32's registry defines them: names and short
 * names for discovery, scope, subresources (`status`; `scale` as an autoscaling/v1 Scale for
 * Deployments, ReplicaSets and StatefulSets), the `all` category for the workload kinds, and the
 * strategy flags (all of these kinds may be updated without a resourceVersion; none is created by
 * a PUT). The workload kinds track `metadata.generation`; ControllerRevisions do not.
 */
import { allVerbs, type KubeObject, type ResourceDef, type SubresourceDef } from '../../scheme.ts';
import { controllerRevisionListSchema, controllerRevisionSchema } from './controller-revision.ts';
import type { ControllerRevision } from './controller-revision.ts';
import { daemonSetListSchema, daemonSetSchema } from './daemon-set.ts';
import type { DaemonSet } from './daemon-set.ts';
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultReplicaSet,
  defaultStatefulSet,
} from './defaults.ts';
import { deploymentListSchema, deploymentSchema } from './deployment.ts';
import type { Deployment } from './deployment.ts';
import { replicaSetListSchema, replicaSetSchema } from './replica-set.ts';
import type { ReplicaSet } from './replica-set.ts';
import { statefulSetListSchema, statefulSetSchema } from './stateful-set.ts';
import type { StatefulSet } from './stateful-set.ts';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDaemonSetStatusUpdate,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentStatusUpdate,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetStatusUpdate,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetStatusUpdate,
  validateStatefulSetUpdate,
} from './validation.ts';

const subresourceVerbs = ['get', 'patch', 'update'] as const;

function statusOf(kind: string): SubresourceDef {
  return { name: 'status', kind, verbs: subresourceVerbs };
}

/** `<resource>/scale`: an autoscaling/v1 Scale. */
export const scaleSubresource: SubresourceDef = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: subresourceVerbs,
};

const workload = {
  group: 'apps',
  version: 'v1',
  namespaced: true,
  categories: ['all'],
  verbs: allVerbs,
  hasStatusSubresource: true,
  tracksGeneration: true,
  allowUnconditionalUpdate: true,
  allowCreateOnUpdate: false,
} as const;

export const deploymentResource: ResourceDef<Deployment> = {
  ...workload,
  kind: 'Deployment',
  resource: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  subresources: [statusOf('Deployment'), scaleSubresource],
  schema: deploymentSchema,
  listSchema: deploymentListSchema,
  nameRule: 'subdomain',
  fieldSelectors: {},
  defaults: defaultDeployment,
  validate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  validateStatusUpdate: validateDeploymentStatusUpdate,
};

export const replicaSetResource: ResourceDef<ReplicaSet> = {
  ...workload,
  kind: 'ReplicaSet',
  resource: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  subresources: [statusOf('ReplicaSet'), scaleSubresource],
  schema: replicaSetSchema,
  listSchema: replicaSetListSchema,
  nameRule: 'subdomain',
  fieldSelectors: { 'status.replicas': (rs) => String(rs.status?.replicas ?? 0) },
  defaults: defaultReplicaSet,
  validate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  validateStatusUpdate: validateReplicaSetStatusUpdate,
};

export const daemonSetResource: ResourceDef<DaemonSet> = {
  ...workload,
  kind: 'DaemonSet',
  resource: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  subresources: [statusOf('DaemonSet')],
  schema: daemonSetSchema,
  listSchema: daemonSetListSchema,
  nameRule: 'subdomain',
  fieldSelectors: {},
  defaults: defaultDaemonSet,
  validate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
  validateStatusUpdate: validateDaemonSetStatusUpdate,
};

export const statefulSetResource: ResourceDef<StatefulSet> = {
  ...workload,
  kind: 'StatefulSet',
  resource: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  subresources: [statusOf('StatefulSet'), scaleSubresource],
  schema: statefulSetSchema,
  listSchema: statefulSetListSchema,
  nameRule: 'label',
  fieldSelectors: {},
  defaults: defaultStatefulSet,
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: validateStatefulSetStatusUpdate,
};

export const controllerRevisionResource: ResourceDef<ControllerRevision> = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  resource: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: allVerbs,
  subresources: [],
  schema: controllerRevisionSchema,
  listSchema: controllerRevisionListSchema,
  nameRule: 'subdomain',
  hasStatusSubresource: false,
  tracksGeneration: false,
  allowUnconditionalUpdate: true,
  allowCreateOnUpdate: false,
  fieldSelectors: {},
  defaults: () => undefined,
  validate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
};

/** A definition as the scheme holds it, with the kind's own type erased. */
export function eraseResourceType<T extends KubeObject>(def: ResourceDef<T>): ResourceDef {
  return def as unknown as ResourceDef;
}

/** Every apps/v1 resource, in upstream's discovery order. */
export const appsV1Resources: readonly ResourceDef[] = [
  eraseResourceType(controllerRevisionResource),
  eraseResourceType(daemonSetResource),
  eraseResourceType(deploymentResource),
  eraseResourceType(replicaSetResource),
  eraseResourceType(statefulSetResource),
];
