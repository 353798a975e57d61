/** batch/v1 CronJob: Jobs on a schedule (upstream `k8s.io/api/batch/v1`). */
import { objectReferenceSchema } from '../../core/v1/index.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import {
  atomicList,
  boolean,
  field,
  int32,
  int64,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';
import { jobTemplateSpecSchema } from './job.ts';

const b = 'io.k8s.api.batch.v1.';

export const cronJobSpecSchema = object(b + 'CronJobSpec', 'The schedule and Job of a CronJob.', {
  schedule: requiredField(string(), 'When to run, in cron format ("*/5 * * * *", "@hourly").', {
    proto: 1,
  }),
  timeZone: field(
    string(),
    'IANA time zone the schedule is read in (e.g. Europe/Paris). Unset means the time zone of the controller manager.',
    { proto: 8 },
  ),
  startingDeadlineSeconds: field(
    int64(),
    'Seconds after a scheduled time within which a missed run may still start; later, the run counts as missed.',
    { proto: 2 },
  ),
  concurrencyPolicy: field(
    string({ enum: ['Allow', 'Forbid', 'Replace'] as const }),
    'What to do when a run is due while the previous Job is still active: Allow (run both), Forbid (skip the new run) or Replace (replace the old Job). Defaults to Allow.',
    { proto: 3 },
  ),
  suspend: field(
    boolean(),
    'When true, no further runs start; Jobs already running are left alone. Defaults to false.',
    { proto: 4 },
  ),
  jobTemplate: requiredField(jobTemplateSpecSchema, 'The Job to create on each run.', { proto: 5 }),
  successfulJobsHistoryLimit: field(
    int32(),
    'How many successful finished Jobs to keep. Defaults to 3.',
    { proto: 6 },
  ),
  failedJobsHistoryLimit: field(int32(), 'How many failed finished Jobs to keep. Defaults to 1.', {
    proto: 7,
  }),
});
export type CronJobSpec = Infer<typeof cronJobSpecSchema>;

export const cronJobStatusSchema = object(b + 'CronJobStatus', 'The observed state of a CronJob.', {
  active: atomicList(objectReferenceSchema, 'The Jobs of this CronJob that are running.', {
    proto: 1,
  }),
  lastScheduleTime: field(time(), 'When a Job was last scheduled.', { proto: 4 }),
  lastSuccessfulTime: field(time(), 'When a Job last completed successfully.', { proto: 5 }),
});
export type CronJobStatus = Infer<typeof cronJobStatusSchema>;

export const cronJobGVK = { group: 'batch', version: 'v1', kind: 'CronJob' } as const;

export const cronJobSchema = object(
  b + 'CronJob',
  'Creates Jobs on a repeating schedule.',
  {
    ...typeAndObjectMeta(),
    spec: field(cronJobSpecSchema, 'The schedule and the Job to run.', { proto: 2 }),
    status: field(cronJobStatusSchema, 'The observed state; written by the controller.', {
      proto: 3,
    }),
  },
  { gvk: [cronJobGVK] },
);
export type CronJob = Infer<typeof cronJobSchema>;

export const cronJobListSchema = listOf(cronJobSchema, cronJobGVK);
export type CronJobList = Infer<typeof cronJobListSchema>;
