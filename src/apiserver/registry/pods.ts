/**
 * Pods: what the API server itself decides about a pod (upstream `pkg/registry/core/pod`).
 *   - create: status starts as Pending with the QoS class; a pod with scheduling gates is marked
 *     PodScheduled=False/SchedulingGated;
 *   - status writes (the kubelet's) cannot change the spec, owner references or the QoS class;
 *   - deletion is graceful: the grace period is the request's, else the pod's own
 *     terminationGracePeriodSeconds; pods never scheduled, or already finished, go at once.
 */
import {
  metaTime,
  podQOSClass,
  type DeleteOptions,
  type Pod,
  type ResourceDef,
} from '../../api/index.ts';
import { defaultStrategy, keepAllButStatus, type Strategy } from '../storage/strategy.ts';

export function podGracePeriod(pod: Pod, options: DeleteOptions): number {
  let period = options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 0;
  if (!pod.spec?.nodeName) period = 0;
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') period = 0;
  if (period < 0) period = 1;
  return period;
}

export function podStrategy(def: ResourceDef<Pod>): Strategy<Pod> {
  return defaultStrategy(def, {
    prepareForCreate(pod, ctx) {
      pod.status = { phase: 'Pending', qosClass: podQOSClass(pod) };
      if (pod.spec?.schedulingGates?.length) {
        pod.status.conditions = [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'SchedulingGated',
            message: 'Scheduling is blocked due to non-empty scheduling gates',
            lastTransitionTime: metaTime(ctx.now),
          },
        ];
      }
    },
    prepareForStatusUpdate(pod, old) {
      keepAllButStatus(pod, old);
      // The QoS class is fixed at creation; older kubelets dropped it, so fill it back in.
      if (pod.status && !pod.status.qosClass && old.status?.qosClass) {
        pod.status.qosClass = old.status.qosClass;
      }
    },
    gracePeriod: podGracePeriod,
    returnsDeletedObject: true,
  });
}
