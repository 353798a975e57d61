/**
 * The kubelet's bookkeeping on sandboxes and containers, kept in their labels and annotations so
 * that a restarted agent can adopt what is already running (upstream kuberuntime/labels.go uses
 * the same keys): which pod and container a runtime object belongs to, the container's
 * restartCount, the hash of its spec (to notice a changed image), and where its termination
 * message file lives.
 */
import { createHash } from 'node:crypto';
import type { Container, Pod } from '../api/index.ts';

export const podNameLabel = 'io.kubernetes.pod.name';
export const podNamespaceLabel = 'io.kubernetes.pod.namespace';
export const podUidLabel = 'io.kubernetes.pod.uid';
export const containerNameLabel = 'io.kubernetes.container.name';
export const managedLabel = 'io.kubernetes.managed';

export const containerHashAnnotation = 'io.kubernetes.container.hash';
export const restartCountAnnotation = 'io.kubernetes.container.restartCount';
export const terminationMessagePathAnnotation = 'io.kubernetes.container.terminationMessagePath';
export const terminationMessagePolicyAnnotation =
  'io.kubernetes.container.terminationMessagePolicy';
export const podTerminationGracePeriodAnnotation = 'io.kubernetes.pod.terminationGracePeriod';
/** podbay's own: the host file bind-mounted at terminationMessagePath (read after the exit). */
export const terminationMessageHostPathAnnotation = 'podbay.io/termination-message-host-path';
/** podbay's own: which kind of container it is ('init', 'sidecar', 'app' or 'ephemeral'). */
export const containerKindAnnotation = 'podbay.io/container-kind';

export function newSandboxLabels(pod: Pod): Record<string, string> {
  return {
    ...(pod.metadata?.labels ?? {}),
    [podNameLabel]: pod.metadata?.name ?? '',
    [podNamespaceLabel]: pod.metadata?.namespace ?? '',
    [podUidLabel]: pod.metadata?.uid ?? '',
    [managedLabel]: 'true',
  };
}

export function newContainerLabels(pod: Pod, container: Container): Record<string, string> {
  return {
    [podNameLabel]: pod.metadata?.name ?? '',
    [podNamespaceLabel]: pod.metadata?.namespace ?? '',
    [podUidLabel]: pod.metadata?.uid ?? '',
    [containerNameLabel]: container.name,
    [managedLabel]: 'true',
  };
}

/**
 * The hash of a container's spec, as upstream's HashContainer: a change (in practice, a new
 * image: the only mutable container field) means the running container must be replaced.
 */
export function hashContainer(container: Container): string {
  return createHash('sha256').update(stableJson(container)).digest('hex').slice(0, 16);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** restartCount as stored on the container; 0 when missing or unreadable (as upstream). */
export function restartCountOf(annotations: Readonly<Record<string, string>>): number {
  const n = Number(annotations[restartCountAnnotation]);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}
