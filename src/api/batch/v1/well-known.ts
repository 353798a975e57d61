/** Well-known labels, annotations and names of batch/v1 objects (upstream `k8s.io/api/batch/v1`). */

/** Label the Job strategy adds to a Job's pod template and selector: the Job's name. */
export const jobNameLabel = 'batch.kubernetes.io/job-name';

/** Label the Job strategy adds to a Job's pod template and selector: the Job's UID. */
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';

/** The older, unprefixed form of jobNameLabel, still added alongside it. */
export const legacyJobNameLabel = 'job-name';

/** The older, unprefixed form of controllerUidLabel, still added alongside it. */
export const legacyControllerUidLabel = 'controller-uid';

/** Annotation (and, since v1.28, label) with the completion index of a pod of an Indexed Job. */
export const jobCompletionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';

/** Finalizer the Job controller puts on pods until it has counted them in the Job's status. */
export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';

/** Annotation on a Job created by a CronJob: the scheduled time of that run (RFC 3339). */
export const cronJobScheduledTimestampAnnotation =
  'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** Annotation on pods of a Job with backoffLimitPerIndex: failures of that index so far. */
export const jobIndexFailureCountAnnotation = 'batch.kubernetes.io/job-index-failure-count';

/** Annotation on pods of a Job with backoffLimitPerIndex: failures ignored by the pod failure policy. */
export const jobIndexIgnoredFailureCountAnnotation =
  'batch.kubernetes.io/job-index-ignored-failure-count';

/** spec.managedBy value (or no value) meaning the built-in Job controller reconciles the Job. */
export const jobControllerName = 'kubernetes.io/job-controller';
