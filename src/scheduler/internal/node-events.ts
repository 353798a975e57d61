/**
 * Which scheduling-relevant properties of a node changed (upstream eventhandlers.go
 * nodeSchedulingPropertiesChange). A node's status is rewritten every few seconds for heartbeats;
 * only these changes may make a waiting pod schedulable, so only they wake the queue.
 */
import type { Node } from '../../api/index.ts';
import { effectiveTaints } from '../framework/taints.ts';
import {
  actionAdd,
  actionUpdateNodeAllocatable,
  actionUpdateNodeAnnotation,
  actionUpdateNodeCondition,
  actionUpdateNodeLabel,
  actionUpdateNodeTaint,
  type ClusterEvent,
} from '../framework/types.ts';

export const eventNodeAdd: ClusterEvent = {
  resource: 'Node',
  action: actionAdd,
  label: 'NodeAdd',
};

const ev = (action: number, label: string): ClusterEvent => ({ resource: 'Node', action, label });

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function conditionStatuses(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of node.status?.conditions ?? []) out[c.type] = c.status;
  return out;
}

export function nodeSchedulingPropertiesChange(newNode: Node, oldNode: Node): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (Boolean(newNode.spec?.unschedulable) !== Boolean(oldNode.spec?.unschedulable)) {
    events.push(ev(actionUpdateNodeTaint, 'NodeSpecUnschedulableChange'));
  }
  if (!same(newNode.status?.allocatable, oldNode.status?.allocatable)) {
    events.push(ev(actionUpdateNodeAllocatable, 'NodeAllocatableChange'));
  }
  if (!same(newNode.metadata?.labels, oldNode.metadata?.labels)) {
    events.push(ev(actionUpdateNodeLabel, 'NodeLabelChange'));
  }
  // Conditions count as taints here (see framework/taints.ts), so compare the effective taints.
  if (!same(effectiveTaints(newNode), effectiveTaints(oldNode))) {
    events.push(ev(actionUpdateNodeTaint, 'NodeTaintChange'));
  }
  if (!same(conditionStatuses(newNode), conditionStatuses(oldNode))) {
    events.push(ev(actionUpdateNodeCondition, 'NodeConditionChange'));
  }
  if (!same(newNode.metadata?.annotations, oldNode.metadata?.annotations)) {
    events.push(ev(actionUpdateNodeAnnotation, 'NodeAnnotationChange'));
  }
  return events;
}
