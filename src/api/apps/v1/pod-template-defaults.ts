/**
 * SEAM — core/v1 defaulting of embedded pod templates.
 *
 * Upstream's generated defaulters apply the core/v1 defaults (SetDefaults_PodSpec, _Container,
 * _Probe, _Volume, resource lists ...) to the pod template inside every Deployment, ReplicaSet,
 * DaemonSet, StatefulSet, Job and CronJob. That defaulting belongs to core/v1, which does not
 * provide it yet; the apps/v1 and batch/v1 defaulters call it only through this function.
 *
 * Until it is connected, this applies no defaults. To connect it, replace the body below with a
 * call to core/v1's `defaultPodTemplateSpec` (same signature); nothing else changes. This file is
 * deliberately not exported from the apps/v1 index, so it never shadows the core/v1 function.
 */
import type { PodTemplateSpec } from '../../core/v1/index.ts';

/** Applies the core/v1 defaults to a pod template in place (idempotent). Not yet connected. */
export function defaultPodTemplateSpec(_template: PodTemplateSpec): void {
  // Not connected yet: see the note at the top of this file.
}
