/**
 * What marks a pod as static or mirror (upstream pkg/kubelet/types/pod_update.go and
 * pkg/kubelet/pod/mirror_client.go), shared by the file source, the pod workers, the status
 * manager and the mirror pods.
 *
 *   static pod  the kubelet's own pod, read from a manifest file: `kubernetes.io/config.source`
 *               is `file`, its UID is the hash in `kubernetes.io/config.hash`. It never exists in
 *               the API itself.
 *   mirror pod  its stand-in in the API (`<name>-<node>`), created by the kubelet, carrying
 *               `kubernetes.io/config.mirror: <hash of the static pod>`. The kubelet never runs
 *               it; it only writes the static pod's status to it.
 */
import type { Pod } from '../../api/index.ts';

/** Where the kubelet got a pod from: `file`, `http` or `api`. */
export const configSourceAnnotationKey = 'kubernetes.io/config.source';
/** The static pod's UID (the hash of its manifest). */
export const configHashAnnotationKey = 'kubernetes.io/config.hash';
/** When the kubelet first saw the pod (RFC 3339 with nanoseconds). */
export const configFirstSeenAnnotationKey = 'kubernetes.io/config.seen';
/** On a mirror pod: the hash of the static pod it mirrors. */
export const configMirrorAnnotationKey = 'kubernetes.io/config.mirror';

/** The value of `kubernetes.io/config.source` for pods from manifest files. */
export const fileSource = 'file';

/**
 * A pod the kubelet read from a manifest (upstream `IsStaticPod`: source other than `api`). The
 * hash must also be the pod's own UID: an API pod is never static, even if someone wrote these
 * annotations on it (a mirror pod carries them too, with the static pod's UID).
 */
export function isStaticPod(pod: Pod): boolean {
  const a = pod.metadata?.annotations;
  const source = a?.[configSourceAnnotationKey];
  return (
    source !== undefined &&
    source !== 'api' &&
    !!pod.metadata?.uid &&
    a?.[configHashAnnotationKey] === pod.metadata.uid &&
    a[configMirrorAnnotationKey] === undefined
  );
}

/** A pod in the API that stands in for a static pod (upstream `IsMirrorPod`). */
export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[configMirrorAnnotationKey] !== undefined;
}

/** The static pod's hash (its UID), from `kubernetes.io/config.hash`. */
export function staticPodHash(pod: Pod): string | undefined {
  return pod.metadata?.annotations?.[configHashAnnotationKey];
}

/** The hash of the static pod a mirror pod mirrors. */
export function mirrorPodHash(mirror: Pod): string | undefined {
  return mirror.metadata?.annotations?.[configMirrorAnnotationKey];
}

/** `<name>_<namespace>`: how the kubelet names a pod across sources (upstream GetPodFullName). */
export function podFullName(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}`;
}

/** Same name and namespace, and the mirror's hash is the static pod's (upstream IsMirrorPodOf). */
export function isMirrorPodOf(mirror: Pod, pod: Pod): boolean {
  if (podFullName(mirror) !== podFullName(pod)) return false;
  const hash = mirrorPodHash(mirror);
  return hash !== undefined && hash === staticPodHash(pod);
}

/** A static pod's name: the manifest's name, a hyphen, the node name in lower case. */
export function generatePodName(name: string, nodeName: string): string {
  return `${name}-${nodeName.toLowerCase()}`;
}
