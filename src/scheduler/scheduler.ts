/**
 * The scheduler (upstream kube-scheduler with the default profile): assigns pods that name no
 * node to one, through the API, as `default-scheduler` (or `schedulerName`).
 *
 * Informers feed two structures:
 * - pods with spec.nodeName (any scheduler's, not Succeeded/Failed) and nodes → the cache
 *   (NodeInfos with requests and ports), together with pods this scheduler has assumed;
 * - unscheduled pods whose spec.schedulerName is ours → the scheduling queue; node and pod
 *   changes wake the pods they may help.
 *
 *   scheduleOne (one pod at a time; the cycle is synchronous up to assume):
 *     1. pop a pod; skip it if it is being deleted or already assumed
 *     2. filter and score the nodes (framework.ts); none fits → PostFilter (preemption)
 *     3. fits: assume it onto the chosen node (the next pod sees it there at once) and bind in
 *        the background: POST pods/<name>/binding, event Scheduled "Successfully assigned
 *        <ns>/<name> to <node>"; a failed binding forgets the pod and requeues it
 *     4. does not fit: requeue it, event FailedScheduling (Warning) and condition PodScheduled
 *        False, reason Unschedulable (SchedulerError for internal errors), with upstream's message
 *
 * Pods with spec.nodeName set are never scheduled here (they are the kubelet's), nor pods being
 * deleted, nor pods whose schedulingGates are not yet removed.
 */
import {
  metaTime,
  type Node,
  type ObjectReference,
  type Pod,
  type PodCondition,
} from '../api/index.ts';
import {
  ApiEventRecorder,
  Informer,
  deletedObject,
  isNotFound,
  stripManagedFields,
  waitForCacheSync,
  type EventRecorder,
  type ResourceClient,
  type ResourceRef,
  type RestClient,
} from '../client/index.ts';
import {
  lifetimeAbortController,
  realClock,
  silentLogger,
  type Clock,
  type Logger,
} from '../util/index.ts';
import { errNoNodesAvailable, truncateMessage } from './framework/fit-error.ts';
import type { Framework } from './framework/framework.ts';
import { podName } from './framework/node-info.ts';
import { Status } from './framework/status.ts';
import { CycleState, actionDelete, type ClusterEvent } from './framework/types.ts';
import { SchedulerCache } from './internal/cache.ts';
import { eventNodeAdd, nodeSchedulingPropertiesChange } from './internal/node-events.ts';
import { SchedulingQueue, queueKey, type QueuedPodInfo } from './internal/scheduling-queue.ts';
import { newDefaultFramework } from './plugins/registry.ts';

export const defaultSchedulerName = 'default-scheduler';

const podsRef: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'pods',
  namespaced: true,
  kind: 'Pod',
};
const nodesRef: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  namespaced: false,
  kind: 'Node',
};

const eventAssignedPodDelete: ClusterEvent = {
  resource: 'AssignedPod',
  action: actionDelete,
  label: 'AssignedPodDelete',
};

export interface SchedulerOptions {
  /** How the scheduler reaches the API (in `podbay server`: the in-process transport). */
  readonly client: RestClient;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Pods whose spec.schedulerName is this are ours. Default `default-scheduler`. */
  readonly schedulerName?: string;
  /** Where events go; default an ApiEventRecorder reporting as the scheduler name. */
  readonly recorder?: EventRecorder;
  /** Randomness for breaking score ties, in [0, 1). */
  readonly random?: () => number;
  /** Back-off after a failed attempt: 1 s doubling to 10 s by default (upstream's). */
  readonly podInitialBackoffMs?: number;
  readonly podMaxBackoffMs?: number;
  /** Unschedulable pods are retried after this long even without a relevant event. 5 min. */
  readonly podMaxInUnschedulablePodsDurationMs?: number;
  /** Share of nodes to find feasible before scoring; 0 = upstream's adaptive default. */
  readonly percentageOfNodesToScore?: number;
}

function podRef(pod: Pod): ObjectReference {
  const m = pod.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    ...(m?.namespace ? { namespace: m.namespace } : {}),
    name: m?.name ?? '',
    ...(m?.uid ? { uid: m.uid } : {}),
    ...(m?.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
  };
}

/** Read through a call, so a check after an await is not taken as already known. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function assigned(pod: Pod): boolean {
  return Boolean(pod.spec?.nodeName);
}

export class Scheduler {
  readonly schedulerName: string;
  private readonly client: RestClient;
  private readonly pods: ResourceClient<Pod>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly recorder: EventRecorder;
  private readonly ownRecorder: ApiEventRecorder | undefined;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  /** Bindings and status updates under way, awaited by `stop`. */
  private readonly background = new Set<Promise<void>>();
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private runSignal: AbortSignal | undefined;

  constructor(opts: SchedulerOptions) {
    this.client = opts.client;
    this.schedulerName = opts.schedulerName ?? defaultSchedulerName;
    this.clock = opts.clock ?? realClock;
    this.logger = (opts.logger ?? silentLogger).with({ component: this.schedulerName });
    this.pods = this.client.resource<Pod>(podsRef);
    if (opts.recorder) {
      this.recorder = opts.recorder;
    } else {
      this.ownRecorder = new ApiEventRecorder({
        client: this.client,
        component: this.schedulerName,
        clock: this.clock,
        logger: this.logger,
      });
      this.recorder = this.ownRecorder;
    }
    this.framework = newDefaultFramework({
      preemption: {
        nodeInfos: () => this.cache.nodeInfoList(),
        runFilterPlugins: (state, pod, ni) => this.framework.runFilterPlugins(state, pod, ni),
        latestPod: (pod) =>
          this.podInformer.store.getByName(pod.metadata?.namespace ?? '', pod.metadata?.name ?? ''),
        preemptPod: (preemptor, victim, node, signal) =>
          this.preemptPod(preemptor, victim, node, signal),
      },
      now: () => this.clock.now(),
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.percentageOfNodesToScore !== undefined
        ? { percentageOfNodesToScore: opts.percentageOfNodesToScore }
        : {}),
    });
    this.queue = new SchedulingQueue({
      clock: this.clock,
      logger: this.logger,
      registrations: this.framework.eventRegistrations(),
      ...(opts.podInitialBackoffMs !== undefined
        ? { podInitialBackoffMs: opts.podInitialBackoffMs }
        : {}),
      ...(opts.podMaxBackoffMs !== undefined ? { podMaxBackoffMs: opts.podMaxBackoffMs } : {}),
      ...(opts.podMaxInUnschedulablePodsDurationMs !== undefined
        ? { podMaxInUnschedulablePodsDurationMs: opts.podMaxInUnschedulablePodsDurationMs }
        : {}),
    });
    this.podInformer = new Informer<Pod>({
      listerWatcher: this.pods,
      // Finished pods hold no resources (upstream's scheduler informer selects the same).
      fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
      // The scheduler never reads managedFields; upstream's informers drop them too.
      transform: stripManagedFields,
      clock: this.clock,
      logger: this.logger,
      name: 'pods',
    });
    this.nodeInformer = new Informer<Node>({
      listerWatcher: this.client.resource<Node>(nodesRef),
      transform: stripManagedFields,
      clock: this.clock,
      logger: this.logger,
      name: 'nodes',
    });
    this.addEventHandlers();
  }

  /** Starts scheduling in the background; `stop()` ends it. Idempotent. */
  start(): void {
    if (this.abort) return;
    this.abort = lifetimeAbortController();
    const signal = this.abort.signal;
    this.running = this.run(signal).catch((err: unknown) => {
      if (!signal.aborted) this.logger.error('scheduler stopped', { err });
    });
  }

  /** Stops scheduling and waits for bindings and status updates under way to end. */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.queue.close();
    await this.running;
    while (this.background.size > 0) await Promise.all([...this.background]);
    await this.ownRecorder?.shutDown();
  }

  /** Lists and watches, waits for the caches, then schedules until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    this.runSignal = signal;
    const informers = Promise.all([this.podInformer.run(signal), this.nodeInformer.run(signal)]);
    const synced = await waitForCacheSync(signal, this.podInformer, this.nodeInformer);
    if (synced) {
      this.logger.info('scheduler started');
      this.queue.start();
      signal.addEventListener(
        'abort',
        () => {
          this.queue.close();
        },
        { once: true },
      );
      await this.scheduleLoop(signal);
    }
    await informers;
  }

  hasSynced(): boolean {
    return this.podInformer.hasSynced() && this.nodeInformer.hasSynced();
  }

  private responsibleForPod(pod: Pod): boolean {
    return (pod.spec?.schedulerName || defaultSchedulerName) === this.schedulerName;
  }

  // ---- informer handlers (they only update the cache and the queue) ----------------------------

  private addEventHandlers(): void {
    this.nodeInformer.addEventHandler({
      onAdd: (node) => {
        this.cache.addNode(node);
        this.queue.moveAllToActiveOrBackoffQueue(eventNodeAdd, undefined, node);
      },
      onUpdate: (oldNode, newNode) => {
        if (oldNode === newNode) return;
        this.cache.updateNode(newNode);
        for (const event of nodeSchedulingPropertiesChange(newNode, oldNode)) {
          this.queue.moveAllToActiveOrBackoffQueue(event, oldNode, newNode);
        }
      },
      onDelete: (obj) => {
        this.cache.removeNode(deletedObject(obj));
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => {
        if (assigned(pod)) this.cache.addPod(pod);
        else if (this.responsibleForPod(pod)) this.queue.add(pod);
      },
      onUpdate: (oldPod, newPod) => {
        if (oldPod === newPod) return;
        if (assigned(newPod)) {
          // Bound (by us or anyone): it leaves the queue and counts on its node.
          if (!assigned(oldPod)) this.queue.delete(oldPod);
          this.cache.addPod(newPod);
          return;
        }
        if (!this.responsibleForPod(newPod)) return;
        if (oldPod.metadata?.resourceVersion === newPod.metadata?.resourceVersion) return;
        // Our own binding is on its way; the informer will show the pod bound.
        if (this.cache.isAssumedPod(newPod)) return;
        this.queue.update(oldPod, newPod);
      },
      onDelete: (obj) => {
        const pod = deletedObject(obj);
        if (assigned(pod) || this.cache.isAssumedPod(pod)) {
          this.cache.removePod(pod);
          this.queue.moveAllToActiveOrBackoffQueue(eventAssignedPodDelete, pod, undefined);
          return;
        }
        if (this.responsibleForPod(pod)) this.queue.delete(pod);
      },
    });
  }

  // ---- the scheduling loop -----------------------------------------------------------------------

  private async scheduleLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const pInfo = await this.queue.pop(signal);
      if (!pInfo) return;
      try {
        await this.scheduleOne(pInfo, signal);
      } catch (err) {
        if (isAborted(signal)) return;
        this.logger.error('scheduling attempt failed', { pod: pInfo.key, err });
        this.handleSchedulingFailure(pInfo, Status.asStatus(err), undefined);
      }
    }
  }

  /** One attempt for one pod; see the steps at the top of the file. */
  private async scheduleOne(pInfo: QueuedPodInfo, signal: AbortSignal): Promise<void> {
    const pod = pInfo.pod;
    if (pod.metadata?.deletionTimestamp) {
      this.queue.done(pInfo.key);
      this.recorder.event(
        podRef(pod),
        'Warning',
        'FailedScheduling',
        `skip schedule deleting pod: ${podName(pod)}`,
      );
      return;
    }
    if (this.cache.isAssumedPod(pod)) {
      this.queue.done(pInfo.key);
      return;
    }
    const state = new CycleState();
    const result = this.framework.schedulePod(state, pod, this.cache.nodeInfoList());
    switch (result.kind) {
      case 'scheduled':
        this.assumeAndBind(pInfo, result.host, result.evaluatedNodes, result.feasibleNodes, signal);
        return;
      case 'noNodes':
        pInfo.unschedulablePlugins = new Set();
        // Debug: retried every few seconds while there are no nodes; the pod's status says why.
        this.logger.debug(
          'unable to schedule pod; no nodes are registered to the cluster; waiting',
          {
            pod: pInfo.key,
          },
        );
        this.handleSchedulingFailure(
          pInfo,
          new Status('UnschedulableAndUnresolvable').withError(new Error(errNoNodesAvailable)),
          '',
        );
        return;
      case 'error':
        pInfo.unschedulablePlugins = new Set();
        this.handleSchedulingFailure(pInfo, result.status, '');
        return;
      case 'unschedulable': {
        const fitError = result.fitError;
        pInfo.unschedulablePlugins = new Set(fitError.diagnosis.unschedulablePlugins);
        let nominated: string | undefined;
        for (const pl of this.framework.postFilterPlugins) {
          const { result: pf, status } = await pl.postFilter(
            state,
            pod,
            fitError.diagnosis.nodeToStatus,
            signal,
          );
          if (isAborted(signal)) {
            this.queue.done(pInfo.key);
            return;
          }
          fitError.diagnosis.postFilterMsg = status.message();
          if (pf) nominated = pf.nominatedNodeName;
          if (status.isSuccess()) break;
        }
        const message = fitError.message();
        this.logger.debug('unable to schedule pod; no fit; waiting', {
          pod: pInfo.key,
          err: message,
        });
        this.handleSchedulingFailure(
          pInfo,
          new Status('Unschedulable').withError(new Error(message)),
          nominated,
        );
        return;
      }
    }
  }

  private assumeAndBind(
    pInfo: QueuedPodInfo,
    host: string,
    evaluatedNodes: number,
    feasibleNodes: number,
    signal: AbortSignal,
  ): void {
    const pod = pInfo.pod;
    const assumedPod: Pod = {
      ...pod,
      spec: { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName: host },
    };
    try {
      this.cache.assumePod(assumedPod);
    } catch (err) {
      this.handleSchedulingFailure(pInfo, Status.asStatus(err), '');
      return;
    }
    this.track(this.bindingCycle(pInfo, assumedPod, host, evaluatedNodes, feasibleNodes, signal));
  }

  /** POSTs the Binding; on failure, forgets the assumed pod and requeues it. */
  private async bindingCycle(
    pInfo: QueuedPodInfo,
    assumedPod: Pod,
    host: string,
    evaluatedNodes: number,
    feasibleNodes: number,
    signal: AbortSignal,
  ): Promise<void> {
    const m = assumedPod.metadata;
    const name = m?.name ?? '';
    const namespace = m?.namespace ?? '';
    try {
      await this.pods.createSubresource(
        name,
        'binding',
        {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, ...(m?.uid ? { uid: m.uid } : {}) },
          target: { apiVersion: 'v1', kind: 'Node', name: host },
        },
        { namespace, signal },
      );
    } catch (err) {
      this.cache.forgetPod(assumedPod);
      if (signal.aborted) {
        this.queue.done(pInfo.key);
        return;
      }
      this.logger.warn('binding failed', { pod: pInfo.key, node: host, err });
      // The assumed pod held resources: pods waiting for room may fit now.
      this.queue.moveAllToActiveOrBackoffQueue(
        eventAssignedPodDelete,
        assumedPod,
        undefined,
        (p) => queueKey(p) !== pInfo.key,
      );
      pInfo.unschedulablePlugins = new Set();
      this.handleSchedulingFailure(pInfo, Status.asStatus(err), '');
      return;
    }
    this.cache.finishBinding(assumedPod);
    this.queue.done(pInfo.key);
    this.logger.info('successfully bound pod to node', {
      pod: pInfo.key,
      node: host,
      evaluatedNodes,
      feasibleNodes,
    });
    this.recorder.event(
      podRef(pInfo.pod),
      'Normal',
      'Scheduled',
      `Successfully assigned ${namespace}/${name} to ${host}`,
    );
  }

  /**
   * A failed attempt (upstream handleSchedulingFailure): requeue the pod unless it is gone or bound
   * meanwhile, record FailedScheduling, and set PodScheduled False. `nominated`: the node to
   * nominate ('' clears it), or undefined to leave the nomination alone.
   */
  private handleSchedulingFailure(
    pInfo: QueuedPodInfo,
    status: Status,
    nominated: string | undefined,
  ): void {
    const pod = pInfo.pod;
    const reason = status.isRejected() ? 'Unschedulable' : 'SchedulerError';
    const errMsg = status.message();
    const cached = this.podInformer.store.getByName(
      pod.metadata?.namespace ?? '',
      pod.metadata?.name ?? '',
    );
    if (!cached) {
      this.logger.info('pod does not exist in informer cache', { pod: pInfo.key });
      this.queue.done(pInfo.key);
    } else if (assigned(cached)) {
      this.logger.info('pod has been assigned to node; not adding it back to the queue', {
        pod: pInfo.key,
        node: cached.spec?.nodeName,
      });
      this.queue.done(pInfo.key);
    } else {
      pInfo.pod = cached;
      this.queue.addUnschedulableIfNotPresent(pInfo);
    }
    this.recorder.event(podRef(pod), 'Warning', 'FailedScheduling', truncateMessage(errMsg));
    this.track(
      this.updatePodScheduledCondition(
        cached ?? pod,
        { type: 'PodScheduled', status: 'False', reason, message: errMsg },
        nominated,
      ),
    );
  }

  /**
   * Sets a pod condition (and the nominated node) through a strategic merge patch of pods/status,
   * unless nothing would change; lastTransitionTime moves only when the status does (upstream
   * updatePod / UpdatePodCondition).
   */
  private async updatePodScheduledCondition(
    pod: Pod,
    condition: PodCondition,
    nominated: string | undefined,
  ): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === condition.type);
    const now = metaTime(this.clock.now());
    const lastTransitionTime =
      current && current.status === condition.status ? (current.lastTransitionTime ?? now) : now;
    const unchanged =
      current !== undefined &&
      current.status === condition.status &&
      (current.reason ?? '') === (condition.reason ?? '') &&
      (current.message ?? '') === (condition.message ?? '');
    const nominationChanges =
      nominated !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominated;
    if (unchanged && !nominationChanges) return;
    const status: Record<string, unknown> = {
      conditions: [{ ...condition, lastTransitionTime }],
    };
    if (nominationChanges) status['nominatedNodeName'] = nominated || null;
    try {
      await this.pods.patch(
        pod.metadata?.name ?? '',
        'strategic',
        { status },
        { namespace: pod.metadata?.namespace ?? '', subresource: 'status', signal: this.signal() },
      );
    } catch (err) {
      if (this.runSignal?.aborted) return;
      if (isNotFound(err)) return;
      this.logger.warn('error updating pod status', { pod: podName(pod), err });
    }
  }

  /** Evicts a preemption victim: DisruptionTarget condition, delete, "Preempted" event. */
  private async preemptPod(
    preemptor: Pod,
    victim: Pod,
    nodeName: string,
    signal: AbortSignal,
  ): Promise<void> {
    const name = victim.metadata?.name ?? '';
    const namespace = victim.metadata?.namespace ?? '';
    const condition: PodCondition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: `${preemptor.spec?.schedulerName || defaultSchedulerName}: preempting to accommodate a higher priority pod`,
      lastTransitionTime: metaTime(this.clock.now()),
    };
    try {
      await this.pods.patch(
        name,
        'strategic',
        { status: { conditions: [condition] } },
        { namespace, subresource: 'status', signal },
      );
      await this.pods.delete(name, { namespace, signal });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.logger.info('preemptor pod preempted victim pod', {
      pod: podName(preemptor),
      victim: podName(victim),
      node: nodeName,
    });
    this.recorder.event(
      podRef(victim),
      'Normal',
      'Preempted',
      `Preempted by pod ${preemptor.metadata?.uid ?? ''} on node ${nodeName}`,
    );
  }

  private signal(): AbortSignal {
    return this.runSignal ?? new AbortController().signal;
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((err: unknown) => {
        this.logger.error('background scheduler task failed', { err });
      })
      .finally(() => {
        this.background.delete(tracked);
      });
    this.background.add(tracked);
  }
}
