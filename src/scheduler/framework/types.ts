/**
 * The scheduling framework's extension points, as upstream's (framework/interface.go), trimmed to
 * what podbay's plugins use. One scheduling cycle for a pod runs, in order:
 *
 *   PreFilter (once) → Filter (per node, first rejection wins) → PostFilter (only when no node
 *   fits: preemption) → PreScore (once) → Score (per feasible node) → NormalizeScore → pick a node
 *
 * PreFilter, Filter and Score are synchronous: the whole cycle up to assuming the pod runs without
 * yielding to the event loop, so the node infos it reads cannot change under it. PostFilter may
 * call the API and is asynchronous.
 *
 * Plugins also declare the cluster events that may make a pod they rejected schedulable
 * (EnqueueExtensions); the queue uses them to retry pods only when it can help.
 */
import type { Node, Pod } from '../../api/index.ts';
import type { NodeToStatus } from './fit-error.ts';
import type { NodeInfo } from './node-info.ts';
import type { Status } from './status.ts';

/** A typed key into CycleState. */
export interface StateKey<T> {
  readonly name: string;
  /** Type marker only; never set. */
  readonly type?: T;
}

export function stateKey<T>(name: string): StateKey<T> {
  return { name };
}

/** Per-cycle scratch space shared by a pod's plugins (upstream CycleState). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Filter plugins whose PreFilter returned Skip. */
  readonly skipFilterPlugins = new Set<string>();
  /** Score plugins whose PreScore returned Skip. */
  readonly skipScorePlugins = new Set<string>();

  read<T>(key: StateKey<T>): T | undefined {
    return this.data.get(key.name) as T | undefined;
  }

  write<T>(key: StateKey<T>, value: T): void {
    this.data.set(key.name, value);
  }
}

export interface Plugin {
  readonly name: string;
}

/** Node names a PreFilter plugin restricts the pod to; undefined means every node. */
export type PreFilterResult = ReadonlySet<string> | undefined;

export interface PreFilterPlugin extends Plugin {
  /** Skip status: this plugin's Filter has nothing to check for the pod. */
  preFilter(
    state: CycleState,
    pod: Pod,
  ): { readonly result?: PreFilterResult; readonly status?: Status | undefined };
}

export interface FilterPlugin extends Plugin {
  /** undefined when the node passes; else why not (Unschedulable or UnschedulableAndUnresolvable). */
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined;
}

/** What preemption decided: the node to nominate ('' clears the nomination), if any. */
export interface PostFilterResult {
  readonly nominatedNodeName: string;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(
    state: CycleState,
    pod: Pod,
    nodeToStatus: NodeToStatus,
    signal: AbortSignal,
  ): Promise<{ readonly result?: PostFilterResult; readonly status: Status }>;
}

export interface NodeScore {
  readonly name: string;
  score: number;
}

export interface ScorePlugin extends Plugin {
  readonly weight: number;
  /** Skip status: leave this plugin out for the pod (it adds nothing to any node). */
  preScore?(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | undefined;
  /** 0..100. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number;
  /** Rescales scores to 0..100 across the nodes, in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): void;
}

/** The highest score a plugin gives a node (upstream MaxNodeScore). */
export const maxNodeScore = 100;

// ---- cluster events (what may make a rejected pod schedulable) ---------------------------------

/** What changed. Pod events are about assigned pods, or about the unscheduled pod itself. */
export type EventResource = 'Node' | 'AssignedPod' | 'UnscheduledPod' | 'Pod' | '*';

/** Action bits (upstream ActionType); an update is as specific as we can tell. */
export const actionAdd = 1 << 0;
export const actionDelete = 1 << 1;
export const actionUpdateNodeAllocatable = 1 << 2;
export const actionUpdateNodeLabel = 1 << 3;
export const actionUpdateNodeTaint = 1 << 4;
export const actionUpdateNodeCondition = 1 << 5;
export const actionUpdateNodeAnnotation = 1 << 6;
export const actionUpdatePodLabel = 1 << 7;
export const actionUpdatePodScaleDown = 1 << 8;
export const actionUpdatePodToleration = 1 << 9;
export const actionUpdatePodSchedulingGatesEliminated = 1 << 10;
export const actionUpdatePodOther = 1 << 11;
export const actionUpdate =
  actionUpdateNodeAllocatable |
  actionUpdateNodeLabel |
  actionUpdateNodeTaint |
  actionUpdateNodeCondition |
  actionUpdateNodeAnnotation |
  actionUpdatePodLabel |
  actionUpdatePodScaleDown |
  actionUpdatePodToleration |
  actionUpdatePodSchedulingGatesEliminated |
  actionUpdatePodOther;
export const actionAll = actionAdd | actionDelete | actionUpdate;

export interface ClusterEvent {
  readonly resource: EventResource;
  readonly action: number;
  /** For logs: NodeAdd, AssignedPodDelete, UnschedulableTimeout, ... */
  readonly label: string;
}

/** Moves every unschedulable pod (the periodic flush). */
export const eventUnschedulableTimeout: ClusterEvent = {
  resource: '*',
  action: actionAll,
  label: 'UnschedulableTimeout',
};

/** Whether `incoming` is one of the events `registered` asks for (upstream MatchClusterEvents). */
export function matchClusterEvents(registered: ClusterEvent, incoming: ClusterEvent): boolean {
  if (registered.resource === '*' && registered.action === actionAll) return true;
  const resourceMatches =
    registered.resource === '*' ||
    registered.resource === incoming.resource ||
    (registered.resource === 'Pod' &&
      (incoming.resource === 'AssignedPod' || incoming.resource === 'UnscheduledPod'));
  return resourceMatches && (registered.action & incoming.action) !== 0;
}

/** Whether an event may make `pod` schedulable for the plugin that registered it. */
export type QueueingHintFn = (pod: Pod, oldObj: unknown, newObj: unknown) => boolean;

export interface ClusterEventWithHint {
  readonly event: ClusterEvent;
  /** Omitted: every matching event may help. */
  readonly hint?: QueueingHintFn;
}

export interface EnqueueExtensions {
  eventsToRegister(): readonly ClusterEventWithHint[];
}

export function isEnqueueExtensions(p: Plugin): p is Plugin & EnqueueExtensions {
  return typeof (p as Partial<EnqueueExtensions>).eventsToRegister === 'function';
}

/** Narrowing helpers for hints. */
export function asNode(o: unknown): Node | undefined {
  if (o === undefined || o === null) return undefined;
  return o;
}

export function asPod(o: unknown): Pod | undefined {
  if (o === undefined || o === null) return undefined;
  return o;
}
