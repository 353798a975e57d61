/**
 * activeDeadlineSeconds (upstream pkg/kubelet/active_deadline.go): a pod that has been active on
 * the node (since its status.startTime) for that long is failed with reason DeadlineExceeded,
 * and its containers are killed.
 */
import type { Pod, PodStatus } from '../../api/index.ts';

export const activeDeadlineReason = 'DeadlineExceeded';
export const activeDeadlineMessage =
  'Pod was active on the node longer than the specified deadline';

/**
 * Milliseconds left before the pod's active deadline (0 or less: past it); undefined when the
 * pod has no deadline or has not started yet.
 */
export function activeDeadlineRemainingMs(
  pod: Pod,
  status: PodStatus | undefined,
  now: number,
): number | undefined {
  const seconds = pod.spec?.activeDeadlineSeconds;
  if (seconds === undefined) return undefined;
  const start = Date.parse(status?.startTime ?? pod.status?.startTime ?? '');
  if (!Number.isFinite(start)) return undefined;
  return start + seconds * 1000 - now;
}

/** Upstream pastActiveDeadline. */
export function pastActiveDeadline(pod: Pod, status: PodStatus | undefined, now: number): boolean {
  const remaining = activeDeadlineRemainingMs(pod, status, now);
  return remaining !== undefined && remaining <= 0;
}
