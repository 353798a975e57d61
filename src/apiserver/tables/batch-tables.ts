/**
 * Tables of batch/v1 resources (upstream printers, v1.32): jobs and cronjobs.
 *
 * A job's STATUS is the first that applies of: Complete, Failed (their conditions True),
 * Terminating (being deleted), Suspended, FailureTarget (their conditions True), else Running.
 * v1.32 has no SuccessCriteriaMet status: such a job shows Running until it is Complete.
 */
import type { CronJob, Job, JobCondition } from '../../api/index.ts';
import {
  ageColumn,
  column,
  containerCells,
  containersColumn,
  formatLabelSelector,
  imagesColumn,
  selectorColumn,
} from './cell-format.ts';
import { humanDuration, parseTimestamp, translateTimestampSince } from './human-duration.ts';
import { nameColumn, typedTableConvertor } from './table-convertor.ts';

/** The first condition of that type decides. */
function conditionTrue(conditions: readonly JobCondition[] | undefined, type: string): boolean {
  return conditions?.find((c) => c.type === type)?.status === 'True';
}

export function jobStatus(job: Job): string {
  const conditions = job.status?.conditions;
  if (conditionTrue(conditions, 'Complete')) return 'Complete';
  if (conditionTrue(conditions, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (conditionTrue(conditions, 'Suspended')) return 'Suspended';
  if (conditionTrue(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/**
 * COMPLETIONS: `succeeded/completions`; a job without completions is done after one success:
 * `succeeded/1`, or `succeeded/1 of parallelism` when it runs several pods at once.
 */
export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** DURATION: from start to completion, or to now while running; empty before it started. */
export function jobDuration(job: Job, now: number): string {
  const start = parseTimestamp(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTimestamp(job.status?.completionTime) ?? now;
  return humanDuration(end - start);
}

export const jobTableConvertor = typedTableConvertor<Job>(
  [
    nameColumn,
    column(
      'Status',
      'string',
      'Complete, Failed, Terminating, Suspended, FailureTarget or Running.',
    ),
    column('Completions', 'string', 'Succeeded pods out of the completions the job needs.'),
    column('Duration', 'string', 'How long the job ran, or has been running.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (job, now) => {
    const [names, images] = containerCells(job.spec?.template.spec?.containers);
    return [
      job.metadata?.name ?? '',
      jobStatus(job),
      jobCompletions(job),
      jobDuration(job, now),
      translateTimestampSince(job.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(job.spec?.selector),
    ];
  },
);

function boolCell(value: boolean | undefined): string {
  if (value === undefined) return '<unset>';
  return value ? 'True' : 'False';
}

export const cronJobTableConvertor = typedTableConvertor<CronJob>(
  [
    nameColumn,
    column('Schedule', 'string', 'When jobs are started, in cron syntax.'),
    column('Timezone', 'string', 'The time zone of the schedule.'),
    column('Suspend', 'boolean', 'Whether starting new jobs is paused.'),
    column('Active', 'integer', 'How many of its jobs are running.'),
    column('Last Schedule', 'string', 'How long ago a job was last started.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (cj, now) => {
    const jobSpec = cj.spec?.jobTemplate.spec;
    const [names, images] = containerCells(jobSpec?.template.spec?.containers);
    const last = cj.status?.lastScheduleTime;
    return [
      cj.metadata?.name ?? '',
      cj.spec?.schedule ?? '',
      cj.spec?.timeZone ?? '<none>',
      boolCell(cj.spec?.suspend),
      cj.status?.active?.length ?? 0,
      last ? translateTimestampSince(last, now) : '<none>',
      translateTimestampSince(cj.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
);
