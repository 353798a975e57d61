/**
 * Jobs (upstream `pkg/registry/batch/job`): unless `manualSelector` is true, the server generates
 * the selector and pod template labels from the job's uid, so a job's pods can never be confused
 * with another's. Status starts empty.
 */
import type { Job, ResourceDef } from '../../api/index.ts';
import { defaultStrategy, type Strategy } from '../storage/strategy.ts';

export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
const legacyControllerUidLabel = 'controller-uid';
const legacyJobNameLabel = 'job-name';

export function generateJobSelector(job: Job): void {
  const spec = job.spec;
  if (!spec || spec.manualSelector === true) return;
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const template = spec.template;
  const meta = (template.metadata ??= {});
  // In place: when defaulting gave the job the template's labels, they are the same map, and the
  // job shows the generated labels too, as upstream.
  Object.assign((meta.labels ??= {}), {
    [legacyControllerUidLabel]: uid,
    [controllerUidLabel]: uid,
    [legacyJobNameLabel]: name,
    [jobNameLabel]: name,
  });
  spec.selector ??= {};
  spec.selector.matchLabels = { ...spec.selector.matchLabels, [controllerUidLabel]: uid };
}

export function jobStrategy(def: ResourceDef<Job>): Strategy<Job> {
  return defaultStrategy(def, {
    prepareForCreate(job) {
      delete job.status;
      generateJobSelector(job);
    },
  });
}
