/**
 * The batch/v1 resources podbay serves, as upstream v1.32's registry defines them: `jobs` (status
 * subresource, field selector `status.successful`) and `cronjobs` (short name `cj`, status
 * subresource), both in the `all` category, tracking `metadata.generation`, updatable without a
 * resourceVersion, never created by a PUT.
 */
import { eraseResourceType } from '../../apps/v1/resources.ts';
import { allVerbs, type ResourceDef } from '../../scheme.ts';
import { cronJobListSchema, cronJobSchema } from './cron-job.ts';
import type { CronJob } from './cron-job.ts';
import { defaultCronJob, defaultJob } from './defaults.ts';
import { jobListSchema, jobSchema } from './job.ts';
import type { Job } from './job.ts';
import {
  validateCronJob,
  validateCronJobStatusUpdate,
  validateCronJobUpdate,
  validateJob,
  validateJobStatusUpdate,
  validateJobUpdate,
} from './validation.ts';

const subresourceVerbs = ['get', 'patch', 'update'] as const;

const batchWorkload = {
  group: 'batch',
  version: 'v1',
  namespaced: true,
  categories: ['all'],
  verbs: allVerbs,
  nameRule: 'subdomain',
  hasStatusSubresource: true,
  tracksGeneration: true,
  allowUnconditionalUpdate: true,
  allowCreateOnUpdate: false,
} as const;

export const jobResource: ResourceDef<Job> = {
  ...batchWorkload,
  kind: 'Job',
  resource: 'jobs',
  singular: 'job',
  shortNames: [],
  subresources: [{ name: 'status', kind: 'Job', verbs: subresourceVerbs }],
  schema: jobSchema,
  listSchema: jobListSchema,
  fieldSelectors: { 'status.successful': (job) => String(job.status?.succeeded ?? 0) },
  defaults: defaultJob,
  validate: validateJob,
  validateUpdate: validateJobUpdate,
  validateStatusUpdate: validateJobStatusUpdate,
};

export const cronJobResource: ResourceDef<CronJob> = {
  ...batchWorkload,
  kind: 'CronJob',
  resource: 'cronjobs',
  singular: 'cronjob',
  shortNames: ['cj'],
  subresources: [{ name: 'status', kind: 'CronJob', verbs: subresourceVerbs }],
  schema: cronJobSchema,
  listSchema: cronJobListSchema,
  fieldSelectors: {},
  defaults: defaultCronJob,
  validate: validateCronJob,
  validateUpdate: validateCronJobUpdate,
  validateStatusUpdate: validateCronJobStatusUpdate,
};

/** Every batch/v1 resource. */
export const batchV1Resources: readonly ResourceDef[] = [
  eraseResourceType(cronJobResource),
  eraseResourceType(jobResource),
];
