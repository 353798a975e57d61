/**
 * Pod cgroup names, shared by the real and fake managers: upstream's cgroupfs layout under our root
 * (`kubepods` → `podbay`): Guaranteed pods directly under the root, the others under their QoS tier.
 */
import type { QOSClass } from './types.ts';

/** The QoS tier a pod's cgroup lives in, relative to the root ('' for Guaranteed). */
export function qosTier(qos: QOSClass): string {
  switch (qos) {
    case 'Guaranteed':
      return '';
    case 'Burstable':
      return 'burstable';
    case 'BestEffort':
      return 'besteffort';
  }
}

/** `/podbay/burstable/pod<uid>` and the like; `root` starts with '/'. */
export function podCgroupName(root: string, podUid: string, qos: QOSClass): string {
  const tier = qosTier(qos);
  return [root.replace(/\/+$/, ''), tier, `pod${podUid}`].filter((p) => p !== '').join('/');
}
