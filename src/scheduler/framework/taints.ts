/**
 * Taints and tolerations (upstream core/v1 helpers), and the taints a node's conditions imply.
 *
 * Upstream, the node lifecycle controller turns conditions into NoSchedule taints
 * (TaintNodesByCondition): Ready=False → node.kubernetes.io/not-ready, Ready=Unknown →
 * node.kubernetes.io/unreachable, MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable=True →
 * their own keys. podbay has no such controller, so the scheduler derives the same taints from the
 * conditions itself; a node without a Ready condition counts as not ready. Pods tolerate them
 * exactly as they would the real taints.
 */
import type { Node, Taint, Toleration } from '../../api/index.ts';

export const taintNodeNotReady = 'node.kubernetes.io/not-ready';
export const taintNodeUnreachable = 'node.kubernetes.io/unreachable';
export const taintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
export const taintNodeMemoryPressure = 'node.kubernetes.io/memory-pressure';
export const taintNodeDiskPressure = 'node.kubernetes.io/disk-pressure';
export const taintNodePIDPressure = 'node.kubernetes.io/pid-pressure';
export const taintNodeNetworkUnavailable = 'node.kubernetes.io/network-unavailable';

const pressureTaints: Readonly<Record<string, string>> = {
  MemoryPressure: taintNodeMemoryPressure,
  DiskPressure: taintNodeDiskPressure,
  PIDPressure: taintNodePIDPressure,
  NetworkUnavailable: taintNodeNetworkUnavailable,
};

/** The NoSchedule taints the node's conditions stand for (see the top of the file). */
export function conditionTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!ready || ready.status === 'False') {
    out.push({ key: taintNodeNotReady, effect: 'NoSchedule' });
  } else if (ready.status === 'Unknown') {
    out.push({ key: taintNodeUnreachable, effect: 'NoSchedule' });
  }
  for (const c of conditions) {
    const key = pressureTaints[c.type];
    if (key && c.status === 'True') out.push({ key, effect: 'NoSchedule' });
  }
  return out;
}

/** The node's taints plus those its conditions imply (without duplicates). */
export function effectiveTaints(node: Node): Taint[] {
  const taints = [...(node.spec?.taints ?? [])];
  for (const t of conditionTaints(node)) {
    if (!taints.some((x) => x.key === t.key && x.effect === t.effect)) taints.push(t);
  }
  return taints;
}

/** Whether one toleration tolerates one taint (upstream Toleration.ToleratesTaint). */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(
  tolerations: readonly Toleration[] | undefined,
  taint: Taint,
): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/**
 * The first taint (in node order) passing `filter` that no toleration tolerates, or undefined
 * (upstream FindMatchingUntoleratedTaint).
 */
export function findMatchingUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
  filter: (t: Taint) => boolean,
): Taint | undefined {
  return taints.find((t) => filter(t) && !tolerationsTolerateTaint(tolerations, t));
}

/** NoSchedule and NoExecute taints keep pods off a node (upstream DoNotScheduleTaintsFilterFunc). */
export function doNotScheduleTaint(t: Taint): boolean {
  return t.effect === 'NoSchedule' || t.effect === 'NoExecute';
}
