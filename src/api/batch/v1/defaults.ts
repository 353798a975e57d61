/**
 * Defaulting of batch/v1, as upstream `pkg/apis/batch/v1/defaults.go` in v1.32 plus the core/v1
 * defaulting its generated defaulters apply to the embedded pod templates.
 *
 * Every function mutates its argument in place and is idempotent. Admission calls them on create
 * and update, before validation. Upstream's Go `spec` is a value that is always present; an object
 * without one has nothing to default here, and validation rejects it (template, schedule and
 * jobTemplate are required).
 *
 * The Job's selector and the labels it adds to the pod template are not defaults: the Job registry
 * strategy generates them on create unless manualSelector is true.
 */
import { defaultPodTemplateSpec } from '../../core/v1/index.ts';
import type { CronJob } from './cron-job.ts';
import type { Job, JobSpec } from './job.ts';

/** math.MaxInt32: backoffLimit when only backoffLimitPerIndex limits retries. */
const maxInt32 = 2147483647;

/**
 * A field the schema marks required, read before validation has checked it is there: defaulting
 * runs first, so it may still be missing.
 */
function beforeValidation<T>(value: T): T | undefined {
  return value;
}

/**
 * Job:
 *   - completions and parallelism 1 when both are unset; otherwise parallelism 1 when unset
 *     (completions stays unset: any one success completes the Job);
 *   - backoffLimit 6, or MaxInt32 when backoffLimitPerIndex is set;
 *   - metadata.labels set to the pod template's labels when the Job has none (upstream also
 *     defaults objects read back from storage, so a Job ends up labelled with its generated
 *     selector labels);
 *   - completionMode NonIndexed; suspend false;
 *   - podFailurePolicy onPodConditions[].status True when empty;
 *   - podReplacementPolicy Failed with a podFailurePolicy, else TerminatingOrFailed (feature gate
 *     JobPodReplacementPolicy, on by default in v1.32);
 *   - manualSelector false;
 *   - the pod template's defaults.
 */
export function defaultJob(obj: Job): void {
  const spec = obj.spec;
  if (!spec) return;
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex === undefined ? 6 : maxInt32;
  const template = beforeValidation(spec.template);
  const templateLabels = template?.metadata?.labels;
  if (templateLabels && Object.keys(templateLabels).length > 0) {
    const metadata = (obj.metadata ??= {});
    // The same map, not a copy, as upstream: the selector labels the Job strategy later adds to
    // the template land on the Job's own labels too.
    if (Object.keys(metadata.labels ?? {}).length === 0) metadata.labels = templateLabels;
  }
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  defaultPodFailurePolicyConditions(spec);
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  if (template) defaultPodTemplateSpec(template);
}

/** An onPodConditions pattern without a status matches the condition being True. */
function defaultPodFailurePolicyConditions(spec: JobSpec): void {
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) {
      if (!pattern.status) pattern.status = 'True';
    }
  }
}

/**
 * CronJob: concurrencyPolicy Allow; suspend false; successfulJobsHistoryLimit 3;
 * failedJobsHistoryLimit 1; and the defaults of the pod template inside jobTemplate.
 *
 * The Job defaults (completions, backoffLimit, ...) are not applied to jobTemplate.spec: upstream
 * applies them when the CronJob controller creates each Job. Neither is the onPodConditions status
 * default, which upstream v1.32 applies to Jobs only (v1.34 extended it to CronJobs).
 */
export function defaultCronJob(obj: CronJob): void {
  const spec = obj.spec;
  if (!spec) return;
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = beforeValidation(spec.jobTemplate)?.spec;
  const template = jobSpec ? beforeValidation(jobSpec.template) : undefined;
  if (template) defaultPodTemplateSpec(template);
}
