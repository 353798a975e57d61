/**
 * Defaulting of apps/v1, as upstream `pkg/apis/apps/v1/defaults.go` plus the core/v1 defaulting its
 * generated defaulters apply to embedded types (the pod template of every kind, the claim templates
 * of a StatefulSet).
 *
 * apps/v1 does not default `spec.selector` or `metadata.labels` from the template's labels (the
 * older extensions/v1beta1 and apps/v1beta1 did): a missing selector is a validation error.
 *
 * Every function mutates its argument in place and is idempotent. Admission calls them on create
 * and update, before validation. Upstream's Go `spec` is a value that is always present; an object
 * without one has nothing to default here, and validation rejects it (selector and template are
 * required).
 */
import {
  defaultPersistentVolumeClaim,
  defaultPodTemplateSpec,
  type PodTemplateSpec,
} from '../../core/v1/index.ts';
import type { DaemonSet } from './daemon-set.ts';
import type { Deployment } from './deployment.ts';
import type { ReplicaSet } from './replica-set.ts';
import type { StatefulSet } from './stateful-set.ts';

function defaultTemplate(template: PodTemplateSpec | undefined): void {
  if (template) defaultPodTemplateSpec(template);
}

/**
 * Deployment: replicas 1; strategy RollingUpdate with maxUnavailable and maxSurge 25%;
 * revisionHistoryLimit 10; progressDeadlineSeconds 600; and the pod template's defaults.
 */
export function defaultDeployment(obj: Deployment): void {
  const spec = obj.spec;
  if (!spec) return;
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = (strategy.rollingUpdate ??= {});
    rollingUpdate.maxUnavailable ??= '25%';
    rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec.template);
}

/** ReplicaSet: replicas 1, and the pod template's defaults. */
export function defaultReplicaSet(obj: ReplicaSet): void {
  const spec = obj.spec;
  if (!spec) return;
  spec.replicas ??= 1;
  defaultTemplate(spec.template);
}

/**
 * DaemonSet: updateStrategy RollingUpdate with maxUnavailable 1 and maxSurge 0;
 * revisionHistoryLimit 10; and the pod template's defaults.
 */
export function defaultDaemonSet(obj: DaemonSet): void {
  const spec = obj.spec;
  if (!spec) return;
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = (strategy.rollingUpdate ??= {});
    rollingUpdate.maxUnavailable ??= 1;
    rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec.template);
}

/**
 * StatefulSet: podManagementPolicy OrderedReady; updateStrategy RollingUpdate (with an empty
 * rollingUpdate when the type was unset) and partition 0 when rollingUpdate is present;
 * persistentVolumeClaimRetentionPolicy Retain/Retain; replicas 1; revisionHistoryLimit 10; the pod
 * template's defaults; and the core/v1 PersistentVolumeClaim defaults of every volume claim
 * template (status.phase Pending, spec.volumeMode Filesystem, quantities rounded).
 *
 * `rollingUpdate.maxUnavailable` is not defaulted: upstream does so only behind the
 * MaxUnavailableStatefulSet feature gate, off by default in v1.32.
 */
export function defaultStatefulSet(obj: StatefulSet): void {
  const spec = obj.spec;
  if (!spec) return;
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) {
    strategy.rollingUpdate.partition ??= 0;
  }
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec.template);
  for (const claim of spec.volumeClaimTemplates ?? []) defaultPersistentVolumeClaim(claim);
}
