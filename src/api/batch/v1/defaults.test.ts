import { describe, expect, it } from 'vitest';
import { defaultPodTemplateSpec, type PodTemplateSpec } from '../../core/v1/index.ts';
import { defaultCronJob, defaultJob, type CronJob, type Job, type JobSpec } from './index.ts';

const template = (labels?: Record<string, string>): PodTemplateSpec => ({
  ...(labels ? { metadata: { labels } } : {}),
  spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] },
});
const defaulted = (t: PodTemplateSpec): PodTemplateSpec => {
  defaultPodTemplateSpec(t);
  return t;
};

/** The defaults every Job gets when nothing else decides. */
const common = {
  backoffLimit: 6,
  completionMode: 'NonIndexed',
  suspend: false,
  podReplacementPolicy: 'TerminatingOrFailed',
  manualSelector: false,
} as const satisfies Partial<JobSpec>;

function check<T>(fn: (o: T) => void, input: T, want: T): void {
  const obj = structuredClone(input);
  fn(obj);
  expect(obj).toEqual(want);
  fn(obj);
  expect(obj).toEqual(want);
}

describe('defaultJob', () => {
  const job = (spec: JobSpec, labels?: Record<string, string>): Job => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', ...(labels ? { labels } : {}) },
    spec,
  });
  const cases: { name: string; in: Job; want: Job }[] = [
    {
      name: 'completions and parallelism both unset: both 1',
      in: job({ template: template() }),
      want: job({ template: defaulted(template()), completions: 1, parallelism: 1, ...common }),
    },
    {
      name: 'only completions set: parallelism 1',
      in: job({ template: template(), completions: 5 }),
      want: job({ template: defaulted(template()), completions: 5, parallelism: 1, ...common }),
    },
    {
      name: 'only parallelism set: completions stays unset (work queue)',
      in: job({ template: template(), parallelism: 3 }),
      want: job({ template: defaulted(template()), parallelism: 3, ...common }),
    },
    {
      name: 'parallelism 0 is kept',
      in: job({ template: template(), parallelism: 0, completions: 2 }),
      want: job({ template: defaulted(template()), parallelism: 0, completions: 2, ...common }),
    },
    {
      name: 'backoffLimitPerIndex makes backoffLimit MaxInt32',
      in: job({
        template: template(),
        completions: 4,
        completionMode: 'Indexed',
        backoffLimitPerIndex: 1,
      }),
      want: job({
        template: defaulted(template()),
        ...common,
        completions: 4,
        parallelism: 1,
        completionMode: 'Indexed',
        backoffLimitPerIndex: 1,
        backoffLimit: 2147483647,
      }),
    },
    {
      name: 'explicit backoffLimit, suspend, manualSelector and podReplacementPolicy are kept',
      in: job({
        template: template(),
        backoffLimit: 0,
        suspend: true,
        manualSelector: true,
        podReplacementPolicy: 'Failed',
      }),
      want: job({
        template: defaulted(template()),
        completions: 1,
        parallelism: 1,
        ...common,
        backoffLimit: 0,
        suspend: true,
        manualSelector: true,
        podReplacementPolicy: 'Failed',
      }),
    },
    {
      name: 'a podFailurePolicy makes podReplacementPolicy Failed and condition status True',
      in: job({
        template: template(),
        podFailurePolicy: {
          rules: [
            {
              action: 'Ignore',
              onPodConditions: [{ type: 'DisruptionTarget' } as { type: string; status: string }],
            },
            { action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue', status: 'False' }] },
            { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
          ],
        },
      }),
      want: job({
        template: defaulted(template()),
        completions: 1,
        parallelism: 1,
        ...common,
        podReplacementPolicy: 'Failed',
        podFailurePolicy: {
          rules: [
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
            { action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue', status: 'False' }] },
            { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
          ],
        },
      }),
    },
    {
      name: "a Job without labels takes its template's labels",
      in: job({ template: template({ app: 'pi' }) }),
      want: job(
        { template: defaulted(template({ app: 'pi' })), completions: 1, parallelism: 1, ...common },
        { app: 'pi' },
      ),
    },
    {
      name: 'a Job with labels keeps its own',
      in: job({ template: template({ app: 'pi' }) }, { team: 'x' }),
      want: job(
        { template: defaulted(template({ app: 'pi' })), completions: 1, parallelism: 1, ...common },
        { team: 'x' },
      ),
    },
    {
      name: 'no spec: nothing to default',
      in: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' } },
      want: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      check(defaultJob, c.in, c.want);
    });
  }

  it("shares the template's label map with the Job, as upstream does", () => {
    const obj = job({ template: template({ app: 'pi' }) });
    defaultJob(obj);
    const labels = obj.spec?.template.metadata?.labels;
    expect(labels).toBeDefined();
    if (labels) labels['job-name'] = 'pi';
    expect(obj.metadata?.labels).toEqual({ app: 'pi', 'job-name': 'pi' });
  });

  it('does not throw when the required template is missing', () => {
    const obj = job({ parallelism: 2 } as JobSpec);
    defaultJob(obj);
    expect(obj.spec).toEqual({ parallelism: 2, ...common });
  });
});

describe('defaultCronJob', () => {
  const cron = (spec: CronJob['spec']): CronJob => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c' },
    ...(spec ? { spec } : {}),
  });
  const cases: { name: string; in: CronJob; want: CronJob }[] = [
    {
      name: 'every default, and only the pod template inside jobTemplate is defaulted',
      in: cron({ schedule: '*/5 * * * *', jobTemplate: { spec: { template: template() } } }),
      want: cron({
        schedule: '*/5 * * * *',
        jobTemplate: { spec: { template: defaulted(template()) } },
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      }),
    },
    {
      name: 'explicit values, including zero history limits, are kept',
      in: cron({
        schedule: '@hourly',
        jobTemplate: { spec: { template: template() } },
        concurrencyPolicy: 'Forbid',
        suspend: true,
        successfulJobsHistoryLimit: 0,
        failedJobsHistoryLimit: 0,
      }),
      want: cron({
        schedule: '@hourly',
        jobTemplate: { spec: { template: defaulted(template()) } },
        concurrencyPolicy: 'Forbid',
        suspend: true,
        successfulJobsHistoryLimit: 0,
        failedJobsHistoryLimit: 0,
      }),
    },
    {
      name: 'onPodConditions status inside jobTemplate is not defaulted in v1.32',
      in: cron({
        schedule: '@daily',
        jobTemplate: {
          spec: {
            template: template(),
            podFailurePolicy: {
              rules: [
                { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: '' }] },
              ],
            },
          },
        },
      }),
      want: cron({
        schedule: '@daily',
        jobTemplate: {
          spec: {
            template: defaulted(template()),
            podFailurePolicy: {
              rules: [
                { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: '' }] },
              ],
            },
          },
        },
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      }),
    },
    { name: 'no spec: nothing to default', in: cron(undefined), want: cron(undefined) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      check(defaultCronJob, c.in, c.want);
    });
  }
});
