import { describe, it, expect } from 'vitest';
import type { CronJob, Job, JobCondition, JobSpec, JobStatus } from '../../api/index.ts';
import {
  cronJobTableConvertor,
  jobCompletions,
  jobDuration,
  jobStatus,
  jobTableConvertor,
} from './batch-tables.ts';

const now = Date.parse('2025-03-01T12:00:00Z');
const sec = 1000;
const min = 60 * sec;
const hour = 60 * min;

function ago(ms: number): string {
  return new Date(now - ms).toISOString().replace('.000Z', 'Z');
}

const template: JobSpec['template'] = {
  spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] },
};

function job(opts: {
  spec?: Partial<JobSpec>;
  status?: JobStatus;
  conditions?: JobCondition[];
  deleting?: boolean;
}): Job {
  const j: Job = {
    metadata: { name: 'pi', namespace: 'default', creationTimestamp: ago(20 * min) },
    spec: {
      template,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': '5f0c7e1a' } },
      ...opts.spec,
    },
  };
  const status: JobStatus = { ...opts.status };
  if (opts.conditions) status.conditions = opts.conditions;
  j.status = status;
  if (opts.deleting) j.metadata!.deletionTimestamp = ago(sec);
  return j;
}

const condition = (type: string, value: 'True' | 'False' = 'True'): JobCondition => ({
  type,
  status: value,
});

describe('job STATUS', () => {
  it.each<[string, Parameters<typeof job>[0], string]>([
    ['no conditions', {}, 'Running'],
    [
      'complete',
      { conditions: [condition('SuccessCriteriaMet'), condition('Complete')] },
      'Complete',
    ],
    ['failed', { conditions: [condition('FailureTarget'), condition('Failed')] }, 'Failed'],
    [
      'complete wins over a deletion',
      { conditions: [condition('Complete')], deleting: true },
      'Complete',
    ],
    ['being deleted', { deleting: true }, 'Terminating'],
    [
      'being deleted while suspended',
      { conditions: [condition('Suspended')], deleting: true },
      'Terminating',
    ],
    ['suspended', { conditions: [condition('Suspended')] }, 'Suspended'],
    ['resumed (Suspended False)', { conditions: [condition('Suspended', 'False')] }, 'Running'],
    ['about to fail', { conditions: [condition('FailureTarget')] }, 'FailureTarget'],
    [
      'success criteria met, not yet complete (v1.32 shows Running)',
      { conditions: [condition('SuccessCriteriaMet')] },
      'Running',
    ],
    [
      'the first condition of a type decides',
      { conditions: [condition('Complete', 'False'), condition('Complete')] },
      'Running',
    ],
  ])('%s', (_name, opts, want) => {
    expect(jobStatus(job(opts))).toBe(want);
  });
});

describe('job COMPLETIONS and DURATION', () => {
  it.each<[string, Partial<JobSpec>, JobStatus, string]>([
    ['fixed completions', { completions: 3, parallelism: 1 }, { succeeded: 1 }, '1/3'],
    ['fixed completions, none yet', { completions: 5 }, {}, '0/5'],
    ['work queue, one pod', { parallelism: 1 }, { succeeded: 0 }, '0/1'],
    ['work queue, parallel', { parallelism: 4 }, { succeeded: 1 }, '1/1 of 4'],
    ['no completions or parallelism', {}, {}, '0/1'],
  ])('%s', (_name, spec, status, want) => {
    expect(jobCompletions(job({ spec, status }))).toBe(want);
  });

  it.each<[string, JobStatus, string]>([
    ['not started', {}, ''],
    ['running for 30s', { startTime: ago(30 * sec) }, '30s'],
    ['running for 12 minutes', { startTime: ago(12 * min) }, '12m'],
    [
      'completed in 2m5s',
      { startTime: ago(10 * min), completionTime: ago(10 * min - 125 * sec) },
      '2m5s',
    ],
  ])('%s', (_name, status, want) => {
    expect(jobDuration(job({ status }), now)).toBe(want);
  });
});

describe('job rows', () => {
  it('prints every cell', () => {
    const j = job({
      spec: { completions: 1, parallelism: 1 },
      status: { startTime: ago(15 * min), completionTime: ago(14 * min), succeeded: 1 },
      conditions: [condition('SuccessCriteriaMet'), condition('Complete')],
    });
    expect(jobTableConvertor.cells(j, now)).toEqual([
      'pi',
      'Complete',
      '1/1',
      '60s',
      '20m',
      'pi',
      'perl:5.34',
      'batch.kubernetes.io/controller-uid=5f0c7e1a',
    ]);
  });

  it('has upstream columns', () => {
    expect(jobTableConvertor.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Completions', 0],
      ['Duration', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
  });
});

describe('cronjobs', () => {
  function cronJob(fields: Partial<CronJob['spec']> & object, status?: CronJob['status']): CronJob {
    const cj: CronJob = {
      metadata: { name: 'backup', creationTimestamp: ago(3 * 24 * hour) },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } }, ...fields },
    };
    if (status) cj.status = status;
    return cj;
  }

  it.each<[string, CronJob, unknown[]]>([
    [
      'never run, defaults',
      cronJob({ suspend: false }),
      ['backup', '0 3 * * *', '<none>', 'False', 0, '<none>', '3d', 'pi', 'perl:5.34', '<none>'],
    ],
    [
      'suspended, with a time zone',
      cronJob({ suspend: true, timeZone: 'Europe/Berlin' }),
      [
        'backup',
        '0 3 * * *',
        'Europe/Berlin',
        'True',
        0,
        '<none>',
        '3d',
        'pi',
        'perl:5.34',
        '<none>',
      ],
    ],
    [
      'suspend unset, one job running',
      cronJob(
        {},
        {
          active: [{ kind: 'Job', name: 'backup-28990000', namespace: 'default' }],
          lastScheduleTime: ago(9 * hour),
        },
      ),
      ['backup', '0 3 * * *', '<none>', '<unset>', 1, '9h', '3d', 'pi', 'perl:5.34', '<none>'],
    ],
  ])('%s', (_name, cj, want) => {
    expect(cronJobTableConvertor.cells(cj, now)).toEqual(want);
  });

  it('has upstream columns', () => {
    expect(cronJobTableConvertor.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Schedule', 'string', 0],
      ['Timezone', 'string', 0],
      ['Suspend', 'boolean', 0],
      ['Active', 'integer', 0],
      ['Last Schedule', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ]);
  });
});
