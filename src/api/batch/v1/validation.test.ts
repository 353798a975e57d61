import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../validation/field-errors.ts';
import type { CronJob } from './cron-job.ts';
import type { Job, JobStatus } from './job.ts';
import { cronJobResource, jobResource } from './resources.ts';

const ctx = { namespace: 'default' };

/**
 * What the Job registry does on create before validation (upstream `generateSelector`): unless
 * manualSelector is true, label the template with the Job's uid and name and select the uid.
 */
function generateSelector(job: Job): void {
  const spec = job.spec;
  if (!spec || spec.manualSelector === true) return;
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const meta = (spec.template.metadata ??= {});
  const labels = (meta.labels ??= {});
  labels['job-name'] ??= name;
  labels['batch.kubernetes.io/job-name'] ??= name;
  labels['controller-uid'] ??= uid;
  labels['batch.kubernetes.io/controller-uid'] ??= uid;
  spec.selector ??= {};
  spec.selector.matchLabels = { ...spec.selector.matchLabels };
  spec.selector.matchLabels['batch.kubernetes.io/controller-uid'] ??= uid;
}

/** Defaults, generates the selector and validates a new Job. */
function createJob(manifest: Job): string {
  const job = structuredClone(manifest);
  jobResource.defaults(job);
  generateSelector(job);
  return formatFieldErrors(jobResource.validate(job, ctx));
}

/** A stored Job (created as above) and its update. */
function stored(manifest: Job): Job {
  const job = structuredClone(manifest);
  jobResource.defaults(job);
  generateSelector(job);
  return job;
}

function updateJob(old: Job, mutate: (j: Job) => void): string {
  const job = structuredClone(old);
  mutate(job);
  jobResource.defaults(job);
  return formatFieldErrors(jobResource.validateUpdate(job, old, ctx));
}

function updateStatus(old: Job, status: JobStatus): string {
  const job = structuredClone(old);
  job.status = status;
  const check = jobResource.validateStatusUpdate;
  if (!check) throw new Error('jobs have a status subresource');
  return formatFieldErrors(check(job, old, ctx));
}

function job(mutate: (j: Job) => void = () => undefined): Job {
  const j: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'u-1', resourceVersion: '7' },
    spec: {
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'pi', image: 'perl:5.34', command: ['perl', '-e', 'print 1'] }],
        },
      },
    },
  };
  mutate(j);
  return j;
}

function indexed(completions: number, mutate: (j: Job) => void = () => undefined): Job {
  return job((j) => {
    j.spec!.completionMode = 'Indexed';
    j.spec!.completions = completions;
    j.spec!.parallelism = completions;
    mutate(j);
  });
}

type Case = readonly [name: string, manifest: Job, expected: string];

describe('Job validation', () => {
  it('accepts valid Jobs', () => {
    expect(createJob(job())).toBe('');
    expect(
      createJob(
        indexed(5, (j) => {
          j.spec!.backoffLimitPerIndex = 1;
          j.spec!.maxFailedIndexes = 2;
          j.spec!.successPolicy = { rules: [{ succeededIndexes: '0-2,4', succeededCount: 3 }] };
        }),
      ),
    ).toBe('');
    expect(
      createJob(
        job((j) => {
          j.spec!.template.spec!.restartPolicy = 'OnFailure';
          j.spec!.managedBy = 'example.com/batch-controller';
          j.spec!.ttlSecondsAfterFinished = 100;
        }),
      ),
    ).toBe('');
    expect(
      createJob(
        job((j) => {
          j.spec!.podFailurePolicy = {
            rules: [
              {
                action: 'FailJob',
                onExitCodes: { containerName: 'pi', operator: 'In', values: [1, 42] },
              },
              { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
            ],
          };
        }),
      ),
    ).toBe('');
    expect(
      createJob(
        job((j) => {
          j.spec!.manualSelector = true;
          j.spec!.selector = { matchLabels: { app: 'pi' } };
          j.spec!.template.metadata = { labels: { app: 'pi' } };
        }),
      ),
    ).toBe('');
  });

  const cases: Case[] = [
    [
      'restartPolicy left to default (Always)',
      job((j) => {
        delete j.spec!.template.spec!.restartPolicy;
      }),
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ],
    [
      'negative parallelism',
      job((j) => {
        j.spec!.parallelism = -1;
      }),
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'negative completions and activeDeadlineSeconds',
      job((j) => {
        j.spec!.completions = -1;
        j.spec!.activeDeadlineSeconds = -10;
      }),
      '[spec.completions: Invalid value: -1: must be greater than or equal to 0, spec.activeDeadlineSeconds: Invalid value: -10: must be greater than or equal to 0]',
    ],
    [
      'negative backoffLimit and ttlSecondsAfterFinished',
      job((j) => {
        j.spec!.backoffLimit = -1;
        j.spec!.ttlSecondsAfterFinished = -1;
      }),
      '[spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0, spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0]',
    ],
    [
      'an unknown completionMode',
      job((j) => {
        j.spec!.completionMode = 'Random' as 'Indexed';
      }),
      'spec.completionMode: Unsupported value: "Random": supported values: "NonIndexed", "Indexed"',
    ],
    [
      'Indexed without completions',
      job((j) => {
        j.spec!.completionMode = 'Indexed';
        j.spec!.parallelism = 2;
      }),
      'spec.completions: Required value: when completion mode is Indexed',
    ],
    [
      'backoffLimitPerIndex on a NonIndexed Job',
      job((j) => {
        j.spec!.backoffLimitPerIndex = 1;
      }),
      'spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode',
    ],
    [
      'maxFailedIndexes without backoffLimitPerIndex',
      indexed(3, (j) => {
        j.spec!.maxFailedIndexes = 1;
      }),
      'spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified',
    ],
    [
      'maxFailedIndexes above completions',
      indexed(3, (j) => {
        j.spec!.backoffLimitPerIndex = 1;
        j.spec!.maxFailedIndexes = 4;
      }),
      'spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions',
    ],
    [
      'Indexed parallelism above 100000',
      indexed(3, (j) => {
        j.spec!.parallelism = 100001;
      }),
      'spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed',
    ],
    [
      'an Indexed Job whose last pod hostname would be too long',
      indexed(10, (j) => {
        j.metadata!.name = 'a'.repeat(62);
      }),
      `metadata.name: Invalid value: "${'a'.repeat(62)}": will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-9`,
    ],
    [
      'a podFailurePolicy with restartPolicy OnFailure',
      job((j) => {
        j.spec!.template.spec!.restartPolicy = 'OnFailure';
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }],
        };
      }),
      'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
    ],
    [
      'a pod failure rule with no requirement',
      job((j) => {
        j.spec!.podFailurePolicy = { rules: [{ action: 'FailJob' }] };
      }),
      'spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
    ],
    [
      'a pod failure rule with both requirements',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [
            {
              action: 'Ignore',
              onExitCodes: { operator: 'NotIn', values: [0] },
              onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }],
            },
          ],
        };
      }),
      'spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported',
    ],
    [
      'exit code 0 with In',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [0, 1] } }],
        };
      }),
      'spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator',
    ],
    [
      'unordered exit codes',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [3, 1] } }],
        };
      }),
      'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{3, 1}: must be ordered',
    ],
    [
      'duplicate exit codes',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 1] } }],
        };
      }),
      'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Duplicate value: 1',
    ],
    [
      'no exit codes',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [] } }],
        };
      }),
      'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{}: at least one value is required',
    ],
    [
      'an unknown exit code operator',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'FailJob', onExitCodes: { operator: 'Between' as 'In', values: [1] } }],
        };
      }),
      'spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "Between": supported values: "In", "NotIn"',
    ],
    [
      'an exit code rule for an unknown container',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [
            {
              action: 'FailJob',
              onExitCodes: { containerName: 'sidecar', operator: 'In', values: [1] },
            },
          ],
        };
      }),
      'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "sidecar": must be one of the container or initContainer names in the pod template',
    ],
    [
      'an unknown pod failure action',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'Retry' as 'Count', onExitCodes: { operator: 'In', values: [1] } }],
        };
      }),
      'spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
    ],
    [
      'FailIndex without backoffLimitPerIndex',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }],
        };
      }),
      'spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set',
    ],
    [
      'an unknown pod condition status',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'Maybe' }] },
          ],
        };
      }),
      'spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
    ],
    [
      'podReplacementPolicy TerminatingOrFailed with a podFailurePolicy',
      job((j) => {
        j.spec!.podFailurePolicy = {
          rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [2] } }],
        };
        j.spec!.podReplacementPolicy = 'TerminatingOrFailed';
      }),
      'spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"',
    ],
    [
      'an unknown podReplacementPolicy',
      job((j) => {
        j.spec!.podReplacementPolicy = 'Always' as 'Failed';
      }),
      'spec.podReplacementPolicy: Unsupported value: "Always": supported values: "Failed", "TerminatingOrFailed"',
    ],
    [
      'a successPolicy on a NonIndexed Job',
      job((j) => {
        j.spec!.successPolicy = { rules: [{ succeededCount: 1 }] };
      }),
      'spec.successPolicy: Invalid value: batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{batch.SuccessPolicyRule{SucceededIndexes:(*string)(nil), SucceededCount:(*int32)(0xc000000000)}}}: requires indexed completion mode',
    ],
    [
      'succeededIndexes beyond completions',
      indexed(5, (j) => {
        j.spec!.successPolicy = { rules: [{ succeededIndexes: '0-2,7' }] };
      }),
      'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-2,7": error parsing succeededIndexes: too large index: "7"',
    ],
    [
      'succeededIndexes out of order',
      indexed(5, (j) => {
        j.spec!.successPolicy = { rules: [{ succeededIndexes: '3,1' }] };
      }),
      'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "3,1": error parsing succeededIndexes: non-increasing order, previous: 3, current: 1',
    ],
    [
      'succeededCount above completions',
      indexed(5, (j) => {
        j.spec!.successPolicy = { rules: [{ succeededCount: 6 }] };
      }),
      'spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)',
    ],
    [
      'succeededCount above the listed indexes',
      indexed(5, (j) => {
        j.spec!.successPolicy = { rules: [{ succeededIndexes: '0,1', succeededCount: 3 }] };
      }),
      'spec.successPolicy.rules[0].succeededCount: Invalid value: 3: must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)',
    ],
    [
      'an empty success rule',
      indexed(5, (j) => {
        j.spec!.successPolicy = { rules: [{}] };
      }),
      'spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified',
    ],
    [
      'a successPolicy without rules',
      indexed(5, (j) => {
        j.spec!.successPolicy = { rules: [] };
      }),
      'spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified',
    ],
    [
      'a managedBy that is not a domain-prefixed path',
      job((j) => {
        j.spec!.managedBy = 'custom';
      }),
      'spec.managedBy: Invalid value: "custom": must be a domain-prefixed path (such as "acme.io/foo")',
    ],
    [
      'a managedBy longer than 63 bytes',
      job((j) => {
        j.spec!.managedBy = `example.com/${'c'.repeat(60)}`;
      }),
      'spec.managedBy: Too long: may not be more than 63 bytes',
    ],
    [
      'a manual selector that does not select the template',
      job((j) => {
        j.spec!.manualSelector = true;
        j.spec!.selector = { matchLabels: { app: 'pi' } };
        j.spec!.template.metadata = { labels: { app: 'tau' } };
      }),
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"tau"}: `selector` does not match template `labels`',
    ],
    [
      'a manual selector that is missing',
      job((j) => {
        j.spec!.manualSelector = true;
        j.spec!.template.metadata = { labels: { app: 'pi' } };
      }),
      '[spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"pi"}: `selector` does not match template `labels`]',
    ],
    [
      'a generated selector whose job-name label was overridden',
      job((j) => {
        j.spec!.template.metadata = { labels: { 'job-name': 'other' } };
      }),
      'spec.template.metadata.labels[job-name]: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"u-1", "batch.kubernetes.io/job-name":"pi", "controller-uid":"u-1", "job-name":"other"}: must be \'pi\'',
    ],
    [
      'a selector of its own without manualSelector',
      job((j) => {
        j.spec!.selector = { matchLabels: { app: 'pi' } };
        j.spec!.template.metadata = { labels: { app: 'pi' } };
      }),
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"pi", "batch.kubernetes.io/controller-uid":"u-1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
    ],
    [
      'a Job without uid',
      job((j) => {
        delete j.metadata!.uid;
      }),
      'metadata.uid: Required value',
    ],
  ];

  it.each(cases)('rejects %s', (_name, manifest, expected) => {
    expect(createJob(manifest)).toBe(expected);
  });

  it('requires the generated labels when the registry did not add them', () => {
    const j = job();
    jobResource.defaults(j);
    j.spec!.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } };
    j.spec!.template.metadata = { labels: { 'batch.kubernetes.io/controller-uid': 'u-1' } };
    expect(formatFieldErrors(jobResource.validate(j, ctx))).toBe(
      "[spec.template.metadata.labels[controller-uid]: Required value: must be 'u-1', spec.template.metadata.labels[job-name]: Required value: must be 'pi', spec.template.metadata.labels[batch.kubernetes.io/job-name]: Required value: must be 'pi']",
    );
  });

  describe('updates', () => {
    const base = stored(job());

    it('accepts changes to mutable fields', () => {
      expect(
        updateJob(base, (j) => {
          j.spec!.parallelism = 3;
          j.spec!.activeDeadlineSeconds = 600;
          j.spec!.backoffLimit = 2;
          j.spec!.suspend = true;
          delete j.metadata!.resourceVersion;
        }),
      ).toBe('');
    });

    it('keeps completions immutable for NonIndexed Jobs', () => {
      expect(updateJob(base, (j) => (j.spec!.completions = 3))).toBe(
        'spec.completions: Invalid value: 3: field is immutable',
      );
    });

    it('lets Indexed Jobs scale completions together with parallelism', () => {
      const old = stored(indexed(3));
      expect(
        updateJob(old, (j) => {
          j.spec!.completions = 4;
          j.spec!.parallelism = 4;
        }),
      ).toBe('');
      expect(updateJob(old, (j) => (j.spec!.completions = 4))).toBe(
        'spec.completions: Invalid value: 4: can only be modified in tandem with spec.parallelism',
      );
    });

    it('keeps the template immutable', () => {
      const message = updateJob(
        base,
        (j) => (j.spec!.template.spec!.containers[0]!.image = 'perl:5.36'),
      );
      expect(message.startsWith('spec.template: Invalid value: ')).toBe(true);
      expect(message.endsWith(': field is immutable')).toBe(true);
    });

    it('lets a suspended Job that never started change its scheduling directives, labels and annotations', () => {
      const old = stored(
        job((j) => {
          j.spec!.suspend = true;
        }),
      );
      expect(
        updateJob(old, (j) => {
          const t = j.spec!.template;
          t.spec!.nodeSelector = { disk: 'ssd' };
          t.spec!.tolerations = [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }];
          t.spec!.affinity = {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
                ],
              },
            },
          };
          t.metadata!.annotations = { queue: 'high' };
          t.metadata!.labels = { ...t.metadata!.labels, team: 'data' };
        }),
      ).toBe('');
      const started = structuredClone(old);
      started.status = { startTime: '2024-01-01T00:00:00Z' };
      expect(
        updateJob(started, (j) => (j.spec!.template.spec!.nodeSelector = { disk: 'ssd' })),
      ).toMatch(/^spec\.template: Invalid value: .*: field is immutable$/);
    });

    it('keeps the selector immutable', () => {
      const old = stored(
        job((j) => {
          j.spec!.manualSelector = true;
          j.spec!.selector = { matchLabels: { app: 'pi' } };
          j.spec!.template.metadata = { labels: { app: 'pi', v: '1' } };
        }),
      );
      expect(
        updateJob(old, (j) => (j.spec!.selector = { matchLabels: { app: 'pi', v: '1' } })),
      ).toBe(
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"pi", "v":"1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      );
    });

    it('keeps the pod failure policy, completion mode, backoffLimitPerIndex and managedBy immutable', () => {
      const old = stored(
        job((j) => {
          j.spec!.podFailurePolicy = {
            rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }],
          };
        }),
      );
      expect(
        updateJob(old, (j) => {
          j.spec!.podFailurePolicy = {
            rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }],
          };
        }),
      ).toBe(
        'spec.podFailurePolicy: Invalid value: batch.PodFailurePolicy{Rules:[]batch.PodFailurePolicyRule{batch.PodFailurePolicyRule{Action:"Ignore", OnExitCodes:(*batch.PodFailurePolicyOnExitCodesRequirement)(0xc000000000), OnPodConditions:[]batch.PodFailurePolicyOnPodConditionsPattern(nil)}}}: field is immutable',
      );
      expect(updateJob(base, (j) => (j.spec!.managedBy = 'example.com/other'))).toBe(
        'spec.managedBy: Invalid value: "example.com/other": field is immutable',
      );
      const idx = stored(indexed(3, (j) => (j.spec!.backoffLimitPerIndex = 1)));
      expect(updateJob(idx, (j) => (j.spec!.backoffLimitPerIndex = 2))).toBe(
        'spec.backoffLimitPerIndex: Invalid value: 2: field is immutable',
      );
      expect(updateJob(idx, (j) => (j.spec!.completionMode = 'NonIndexed'))).toBe(
        '[spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode, spec.completionMode: Invalid value: "NonIndexed": field is immutable]',
      );
    });
  });

  describe('status updates', () => {
    const base = stored(job());
    const running = structuredClone(base);
    running.status = { active: 1, ready: 0, startTime: '2024-01-01T00:00:00Z' };

    it('accepts a normal progression', () => {
      expect(updateStatus(base, { active: 1, ready: 0, startTime: '2024-01-01T00:00:00Z' })).toBe(
        '',
      );
      expect(
        updateStatus(running, {
          succeeded: 1,
          active: 0,
          ready: 0,
          startTime: '2024-01-01T00:00:00Z',
          completionTime: '2024-01-01T00:01:00Z',
          conditions: [
            { type: 'SuccessCriteriaMet', status: 'True' },
            { type: 'Complete', status: 'True' },
          ],
        }),
      ).toBe('');
    });

    const cases: [string, Job, JobStatus, string][] = [
      [
        'a negative active count',
        base,
        { active: -1 },
        'status.active: Invalid value: -1: must be greater than or equal to 0',
      ],
      [
        'a decreased failed counter',
        (() => {
          const j = structuredClone(base);
          j.status = { failed: 3 };
          return j;
        })(),
        { failed: 1 },
        'status.failed: Invalid value: 1: cannot decrease the failed counter',
      ],
      [
        'Complete without completion time, start time or SuccessCriteriaMet',
        base,
        { conditions: [{ type: 'Complete', status: 'True' }] },
        '[status.completionTime: Required value: completionTime is required for Complete jobs, status.conditions: Invalid value: cannot set Complete=True condition without the SuccessCriteriaMet=true condition, status.startTime: Required value: startTime is required for finished job]',
      ],
      [
        'Failed without FailureTarget',
        running,
        {
          failed: 1,
          startTime: '2024-01-01T00:00:00Z',
          conditions: [{ type: 'Failed', status: 'True' }],
        },
        'status.conditions: Invalid value: cannot set Failed=True condition without the FailureTarget=true condition',
      ],
      [
        'more ready than active pods',
        running,
        { active: 1, ready: 2, startTime: '2024-01-01T00:00:00Z' },
        'status.ready: Invalid value: 2: cannot set more ready pods than active',
      ],
      [
        'a duplicate and an empty uncounted pod UID',
        running,
        {
          active: 1,
          startTime: '2024-01-01T00:00:00Z',
          uncountedTerminatedPods: { succeeded: ['', 'a'], failed: ['a'] },
        },
        '[status.uncountedTerminatedPods.succeeded[0]: Invalid value: "": must not be empty, status.uncountedTerminatedPods.failed[0]: Duplicate value: "a"]',
      ],
      [
        'completed indexes on a NonIndexed Job',
        running,
        { active: 1, startTime: '2024-01-01T00:00:00Z', completedIndexes: '0' },
        'status.completedIndexes: Invalid value: "0": cannot set non-empty completedIndexes when non-indexed completion mode',
      ],
      [
        'a completion time before the start time',
        running,
        {
          succeeded: 1,
          startTime: '2024-01-01T00:00:00Z',
          completionTime: '2023-12-31T23:00:00Z',
          conditions: [
            { type: 'SuccessCriteriaMet', status: 'True' },
            { type: 'Complete', status: 'True' },
          ],
        },
        'status.completionTime: Invalid value: 2023-12-31 23:00:00 +0000 UTC: must be equal to or after `startTime`',
      ],
      [
        'a removed start time while running',
        running,
        { active: 1 },
        'status.startTime: Required value: startTime cannot be removed for unsuspended job',
      ],
    ];

    it.each(cases)('rejects %s', (_name, old, status, expected) => {
      expect(updateStatus(old, status)).toBe(expected);
    });

    it('rejects disabling a terminal condition', () => {
      const done = structuredClone(running);
      done.status = {
        succeeded: 1,
        startTime: '2024-01-01T00:00:00Z',
        completionTime: '2024-01-01T00:01:00Z',
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True' },
          { type: 'Complete', status: 'True' },
        ],
      };
      expect(
        updateStatus(done, {
          succeeded: 1,
          startTime: '2024-01-01T00:00:00Z',
          completionTime: '2024-01-01T00:01:00Z',
          conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }],
        }),
      ).toBe(
        '[status.completionTime: Invalid value: 2024-01-01 00:01:00 +0000 UTC: cannot set completionTime when there is no Complete=True condition, status.conditions: Invalid value: cannot disable the terminal Complete=True condition]',
      );
      expect(
        updateStatus(done, {
          succeeded: 1,
          startTime: '2024-01-01T00:00:00Z',
          completionTime: '2024-01-01T00:02:00Z',
          conditions: [
            { type: 'SuccessCriteriaMet', status: 'True' },
            { type: 'Complete', status: 'True' },
          ],
        }),
      ).toBe(
        'status.completionTime: Invalid value: 2024-01-01 00:02:00 +0000 UTC: completionTime cannot be mutated',
      );
    });

    it('checks index lists of Indexed Jobs', () => {
      const old = stored(indexed(4, (j) => (j.spec!.backoffLimitPerIndex = 1)));
      old.status = { active: 2, startTime: '2024-01-01T00:00:00Z' };
      expect(
        updateStatus(old, {
          active: 2,
          startTime: '2024-01-01T00:00:00Z',
          completedIndexes: '0-1',
          failedIndexes: '1,3',
        }),
      ).toBe(
        'status.failedIndexes: Invalid value: "1,3": failedIndexes and completedIndexes overlap at index: 1',
      );
      expect(
        updateStatus(old, {
          active: 2,
          startTime: '2024-01-01T00:00:00Z',
          completedIndexes: '0,5',
        }),
      ).toBe(
        'status.completedIndexes: Invalid value: "0,5": error parsing completedIndexes: too large index: "5"',
      );
    });
  });
});

function cronJob(mutate: (c: CronJob) => void = () => undefined): CronJob {
  const c: CronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default', uid: 'c-1', resourceVersion: '3' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox' }] },
          },
        },
      },
    },
  };
  mutate(c);
  return c;
}

function createCronJob(manifest: CronJob): string {
  const c = structuredClone(manifest);
  cronJobResource.defaults(c);
  return formatFieldErrors(cronJobResource.validate(c, ctx));
}

function updateCronJob(before: CronJob, after: CronJob): string {
  const old = structuredClone(before);
  const obj = structuredClone(after);
  cronJobResource.defaults(old);
  cronJobResource.defaults(obj);
  return formatFieldErrors(cronJobResource.validateUpdate(obj, old, ctx));
}

describe('CronJob validation', () => {
  it.each([
    ['a simple schedule', cronJob()],
    ['a descriptor', cronJob((c) => (c.spec!.schedule = '@hourly'))],
    [
      'named days and a time zone',
      cronJob((c) => {
        c.spec!.schedule = '30 8 * * MON-FRI';
        c.spec!.timeZone = 'Europe/Paris';
      }),
    ],
    [
      'history limits of 0',
      cronJob((c) => {
        c.spec!.successfulJobsHistoryLimit = 0;
        c.spec!.failedJobsHistoryLimit = 0;
        c.spec!.concurrencyPolicy = 'Forbid';
        c.spec!.startingDeadlineSeconds = 0;
      }),
    ],
  ])('accepts %s', (_name, manifest) => {
    expect(createCronJob(manifest)).toBe('');
  });

  const cases: [string, CronJob, string][] = [
    ['an empty schedule', cronJob((c) => (c.spec!.schedule = '')), 'spec.schedule: Required value'],
    [
      'a minute out of range',
      cronJob((c) => (c.spec!.schedule = '61 * * * *')),
      'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    ],
    [
      'four fields',
      cronJob((c) => (c.spec!.schedule = '* * * *')),
      'spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]',
    ],
    [
      'a bad @every duration',
      cronJob((c) => (c.spec!.schedule = '@every 5x')),
      'spec.schedule: Invalid value: "@every 5x": failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"',
    ],
    [
      'a TZ= prefix',
      cronJob((c) => (c.spec!.schedule = 'TZ=UTC 0 0 * * *')),
      'spec.schedule: Invalid value: "TZ=UTC 0 0 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ],
    [
      'an unknown time zone',
      cronJob((c) => (c.spec!.timeZone = 'Mars/Olympus')),
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    ],
    [
      'a time zone with the wrong case',
      cronJob((c) => (c.spec!.timeZone = 'europe/paris')),
      'spec.timeZone: Invalid value: "europe/paris": unknown time zone europe/paris',
    ],
    [
      'an empty time zone',
      cronJob((c) => (c.spec!.timeZone = '')),
      'spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string',
    ],
    [
      'the Local time zone',
      cronJob((c) => (c.spec!.timeZone = 'Local')),
      'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
    ],
    [
      'a time zone with a too long component',
      cronJob((c) => (c.spec!.timeZone = 'America/Argentina_Buenos_Aires')),
      'spec.timeZone: Invalid value: "America/Argentina_Buenos_Aires": unknown time zone America/Argentina_Buenos_Aires',
    ],
    [
      'an unknown concurrencyPolicy',
      cronJob((c) => (c.spec!.concurrencyPolicy = 'Sometimes' as 'Allow')),
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ],
    [
      'negative deadlines and limits',
      cronJob((c) => {
        c.spec!.startingDeadlineSeconds = -1;
        c.spec!.successfulJobsHistoryLimit = -1;
        c.spec!.failedJobsHistoryLimit = -2;
      }),
      '[spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0, spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0, spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0]',
    ],
    [
      'a Job template that restarts Always',
      cronJob((c) => (c.spec!.jobTemplate.spec!.template.spec!.restartPolicy = 'Always')),
      'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ],
    [
      'a Job template with a selector',
      cronJob((c) => (c.spec!.jobTemplate.spec!.selector = { matchLabels: { app: 'x' } })),
      'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
    ],
    [
      'a Job template with manualSelector',
      cronJob((c) => (c.spec!.jobTemplate.spec!.manualSelector = true)),
      'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
    ],
    [
      'a Job template with negative parallelism',
      cronJob((c) => (c.spec!.jobTemplate.spec!.parallelism = -1)),
      'spec.jobTemplate.spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'a name longer than 52 characters',
      cronJob((c) => (c.metadata!.name = 'c'.repeat(53))),
      `metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`,
    ],
  ];

  it.each(cases)('rejects %s', (_name, manifest, expected) => {
    expect(createCronJob(manifest)).toBe(expected);
  });

  it('does not re-check the name length on update', () => {
    const old = cronJob((c) => (c.metadata!.name = 'c'.repeat(60)));
    const after = structuredClone(old);
    after.spec!.suspend = true;
    expect(updateCronJob(old, after)).toBe('');
  });

  it('lets a schedule that already had TZ= keep it, but not together with timeZone', () => {
    const old = cronJob((c) => (c.spec!.schedule = 'TZ=UTC 0 0 * * *'));
    expect(
      updateCronJob(
        old,
        cronJob((c) => (c.spec!.schedule = 'TZ=UTC 0 1 * * *')),
      ),
    ).toBe('');
    expect(
      updateCronJob(
        old,
        cronJob((c) => {
          c.spec!.schedule = 'TZ=UTC 0 1 * * *';
          c.spec!.timeZone = 'Europe/Paris';
        }),
      ),
    ).toBe(
      'spec.schedule: Invalid value: "TZ=UTC 0 1 * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule',
    );
  });

  it('checks the status update only for the registry metadata rules', () => {
    const old = cronJob();
    const obj = cronJob((c) => {
      c.status = { lastScheduleTime: '2024-01-01T00:00:00Z' };
      c.metadata!.name = 'other';
    });
    const check = cronJobResource.validateStatusUpdate;
    expect(check).toBeDefined();
    expect(formatFieldErrors(check ? check(obj, old, ctx) : [])).toBe(
      'metadata.name: Invalid value: "other": field is immutable',
    );
  });
});
