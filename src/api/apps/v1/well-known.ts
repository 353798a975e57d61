/** Well-known labels and annotations of apps/v1 objects (upstream `k8s.io/api/apps/v1`). */

/** Label with the hash of the ControllerRevision a DaemonSet or StatefulSet pod was created from. */
export const controllerRevisionHashLabelKey = 'controller-revision-hash';

/** Label a StatefulSet puts on each of its pods, with the pod's name. */
export const statefulSetPodNameLabel = 'statefulset.kubernetes.io/pod-name';

/** Label a StatefulSet puts on each of its pods, with the pod's ordinal. */
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** Label with the hash of the pod template, added to a Deployment's ReplicaSets and their pods. */
export const defaultDeploymentUniqueLabelKey = 'pod-template-hash';

/** Annotation on a Deployment and its ReplicaSets: the rollout revision number. */
export const deploymentRevisionAnnotation = 'deployment.kubernetes.io/revision';
