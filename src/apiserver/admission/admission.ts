/**
 * Admission: the built-in plugins every write passes after the strategy and before validation, as
 * kube-apiserver's default chain runs them (only the ones that affect what podbay serves):
 *
 *   NamespaceLifecycle       no new objects in a missing or terminating namespace; the system
 *                            namespaces cannot be deleted
 *   ServiceAccount           pods run as the `default` service account unless they name one;
 *                            mirror pods are left as they are and may not reference a service
 *                            account, a secret or a service account token
 *   Priority                 pods get their priority (0, or a built-in class's value)
 *   DefaultTolerationSeconds pods tolerate not-ready/unreachable nodes for 300 s
 */
import type { Container, Namespace, Pod, ResourceDef, Toleration } from '../../api/index.ts';
import { ApiError, forbidden, notFound } from '../errors.ts';
import type { Admission } from '../storage/resource-storage.ts';

/** Namespaces that always exist and cannot be deleted. */
export const immortalNamespaces = ['default', 'kube-system', 'kube-public'] as const;

/** Priority of the built-in priority classes. */
export const builtinPriorityClasses: Readonly<Record<string, number>> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

export const defaultTolerationSeconds = 300;

export interface AdmissionOptions {
  /** Looks up a namespace (from the watch cache). */
  readonly namespace: (name: string) => Namespace | undefined;
}

function isNamespace(def: ResourceDef): boolean {
  return def.group === '' && def.resource === 'namespaces';
}

function isPod(def: ResourceDef): boolean {
  return def.group === '' && def.resource === 'pods';
}

/** A kubelet's stand-in for a static pod (upstream MirrorPodAnnotationKey). */
const mirrorPodAnnotationKey = 'kubernetes.io/config.mirror';

/** Whether the pod names any Secret (upstream podutil.VisitPodSecretNames, all containers). */
function referencesSecrets(pod: Pod): boolean {
  const spec = pod.spec;
  if (!spec) return false;
  if (spec.imagePullSecrets?.some((r) => r.name)) return true;
  const containers: Pick<Container, 'env' | 'envFrom'>[] = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...(spec.ephemeralContainers ?? []),
  ];
  for (const c of containers) {
    if (c.envFrom?.some((e) => e.secretRef?.name)) return true;
    if (c.env?.some((e) => e.valueFrom?.secretKeyRef?.name)) return true;
  }
  for (const v of spec.volumes ?? []) {
    const named = [
      v.secret?.secretName,
      v.azureFile?.secretName,
      v.cephfs?.secretRef?.name,
      v.cinder?.secretRef?.name,
      v.flexVolume?.secretRef?.name,
      v.rbd?.secretRef?.name,
      v.scaleIO?.secretRef.name,
      v.iscsi?.secretRef?.name,
      v.storageos?.secretRef?.name,
      v.csi?.nodePublishSecretRef?.name,
      ...(v.projected?.sources?.map((s) => s.secret?.name) ?? []),
    ];
    if (named.some((n) => n)) return true;
  }
  return false;
}

/**
 * ServiceAccount admission for a mirror pod: its spec is the kubelet's copy of a static pod and
 * is not changed; what it may reference is limited, as upstream (403s with upstream's words).
 */
function admitMirrorPod(pod: Pod): void {
  const refuse = (why: string): ApiError =>
    forbidden({ group: '', resource: 'pods' }, pod.metadata?.name ?? '', why);
  const spec = pod.spec;
  if (spec?.serviceAccountName) throw refuse('a mirror pod may not reference service accounts');
  if (referencesSecrets(pod)) throw refuse('a mirror pod may not reference secrets');
  for (const v of spec?.volumes ?? []) {
    if (v.projected?.sources?.some((s) => s.serviceAccountToken)) {
      throw refuse('a mirror pod may not use ServiceAccountToken volume projections');
    }
  }
}

function admitPodCreate(pod: Pod): void {
  const spec = pod.spec;
  if (!spec) return;
  // ServiceAccount: the deprecated `serviceAccount` mirrors serviceAccountName.
  if (pod.metadata?.annotations?.[mirrorPodAnnotationKey] !== undefined) {
    admitMirrorPod(pod);
  } else {
    spec.serviceAccountName ||= spec.serviceAccount || 'default';
    spec.serviceAccount = spec.serviceAccountName;
  }

  // Priority.
  const className = spec.priorityClassName;
  if (className) {
    const value = builtinPriorityClasses[className];
    if (value === undefined) {
      throw new ApiError(
        403,
        'Forbidden',
        `pods "${pod.metadata?.name ?? ''}" is forbidden: no PriorityClass with name ${className} was found`,
      );
    }
    if (spec.priority !== undefined && spec.priority !== value) {
      throw new ApiError(
        403,
        'Forbidden',
        `pods "${pod.metadata?.name ?? ''}" is forbidden: the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
      );
    }
    spec.priority = value;
  } else {
    spec.priority ??= 0;
  }
  spec.preemptionPolicy ??= 'PreemptLowerPriority';

  // DefaultTolerationSeconds.
  const tolerations: Toleration[] = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const covered = tolerations.some(
      (t) =>
        (t.key === key || (!t.key && t.operator === 'Exists')) &&
        (!t.effect || t.effect === 'NoExecute'),
    );
    if (!covered) {
      tolerations.push({
        key,
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: defaultTolerationSeconds,
      });
    }
  }
  spec.tolerations = tolerations;
}

export function createAdmission(opts: AdmissionOptions): Admission {
  return {
    admit({ operation, def, namespace, object, subresource }) {
      if (operation === 'DELETE') {
        const name = object.metadata?.name ?? '';
        if (isNamespace(def) && (immortalNamespaces as readonly string[]).includes(name)) {
          throw forbidden(
            { group: '', resource: 'namespaces' },
            name,
            'this namespace may not be deleted',
          );
        }
        return;
      }
      if (def.namespaced && namespace && operation === 'CREATE') {
        const ns = opts.namespace(namespace);
        if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
        if (ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp) {
          throw forbidden(
            { group: def.group, resource: def.resource },
            object.metadata?.name ?? '',
            `unable to create new content in namespace ${namespace} because it is being terminated`,
          );
        }
      }
      if (isPod(def) && operation === 'CREATE' && !subresource) admitPodCreate(object);
    },
  };
}
