import { describe, expect, it } from 'vitest';
import { elementOf, fieldOf, type ObjectSchema } from '../../schema/schema.ts';
import {
  cronJobListSchema,
  cronJobSchema,
  cronJobSpecSchema,
  cronJobStatusSchema,
  jobConditionSchema,
  jobListSchema,
  jobSchema,
  jobSpecSchema,
  jobStatusSchema,
  jobTemplateSpecSchema,
  podFailurePolicyOnExitCodesRequirementSchema,
  podFailurePolicyRuleSchema,
  podFailurePolicySchema,
  successPolicySchema,
  uncountedTerminatedPodsSchema,
} from './index.ts';

const requiredOf = (s: ObjectSchema): string[] =>
  Object.entries(s.fields)
    .filter(([, f]) => f.required)
    .map(([k]) => k)
    .sort();

describe('batch/v1 top-level kinds', () => {
  for (const [schema, list, kind] of [
    [jobSchema, jobListSchema, 'Job'],
    [cronJobSchema, cronJobListSchema, 'CronJob'],
  ] as const) {
    it(`${kind} has gvk batch/v1 and a ${kind}List`, () => {
      expect(schema.name).toBe(`io.k8s.api.batch.v1.${kind}`);
      expect(schema.gvk).toEqual([{ group: 'batch', version: 'v1', kind }]);
      expect(list.gvk).toEqual([{ group: 'batch', version: 'v1', kind: `${kind}List` }]);
      expect(elementOf(fieldOf(list, 'items')?.schema)).toBe(schema);
    });
  }
});

describe('Job', () => {
  it('spec has every v1.32 field, only template required', () => {
    expect(Object.keys(jobSpecSchema.fields).sort()).toEqual([
      'activeDeadlineSeconds',
      'backoffLimit',
      'backoffLimitPerIndex',
      'completionMode',
      'completions',
      'managedBy',
      'manualSelector',
      'maxFailedIndexes',
      'parallelism',
      'podFailurePolicy',
      'podReplacementPolicy',
      'selector',
      'successPolicy',
      'suspend',
      'template',
      'ttlSecondsAfterFinished',
    ]);
    expect(requiredOf(jobSpecSchema)).toEqual(['template']);
    expect(fieldOf(jobSpecSchema, 'activeDeadlineSeconds')?.schema).toEqual({
      kind: 'integer',
      format: 'int64',
    });
    expect(fieldOf(jobSpecSchema, 'completionMode')?.schema).toMatchObject({
      enum: ['Indexed', 'NonIndexed'],
    });
    expect(fieldOf(jobSpecSchema, 'podReplacementPolicy')?.schema).toMatchObject({
      enum: ['Failed', 'TerminatingOrFailed'],
    });
  });

  it('status conditions carry a merge key but are an atomic list for apply', () => {
    expect(fieldOf(jobStatusSchema, 'conditions')).toMatchObject({
      patchStrategy: 'merge',
      patchMergeKey: 'type',
      listType: 'atomic',
    });
    expect(fieldOf(jobStatusSchema, 'conditions')?.listMapKeys).toBeUndefined();
    expect(Object.keys(jobConditionSchema.fields)).toContain('lastProbeTime');
  });

  it('status counters, index strings and uncounted pods', () => {
    for (const k of ['active', 'succeeded', 'failed', 'terminating', 'ready']) {
      expect(fieldOf(jobStatusSchema, k)?.schema).toEqual({ kind: 'integer', format: 'int32' });
    }
    for (const k of ['completedIndexes', 'failedIndexes']) {
      expect(fieldOf(jobStatusSchema, k)?.schema.kind).toBe('string');
    }
    expect(fieldOf(jobStatusSchema, 'startTime')?.schema).toEqual({ kind: 'time', micro: false });
    expect(fieldOf(uncountedTerminatedPodsSchema, 'failed')?.listType).toBe('set');
    expect(fieldOf(uncountedTerminatedPodsSchema, 'failed')?.patchStrategy).toBeUndefined();
  });

  it('pod failure and success policies', () => {
    expect(requiredOf(podFailurePolicySchema)).toEqual(['rules']);
    expect(fieldOf(podFailurePolicySchema, 'rules')?.listType).toBe('atomic');
    expect(fieldOf(podFailurePolicyRuleSchema, 'action')?.schema).toMatchObject({
      enum: ['Count', 'FailIndex', 'FailJob', 'Ignore'],
    });
    expect(requiredOf(podFailurePolicyOnExitCodesRequirementSchema)).toEqual([
      'operator',
      'values',
    ]);
    expect(fieldOf(podFailurePolicyOnExitCodesRequirementSchema, 'values')).toMatchObject({
      listType: 'set',
      schema: { kind: 'array', items: { kind: 'integer', format: 'int32' } },
    });
    expect(requiredOf(successPolicySchema)).toEqual(['rules']);
  });
});

describe('CronJob', () => {
  it('spec requires schedule and jobTemplate', () => {
    expect(requiredOf(cronJobSpecSchema)).toEqual(['jobTemplate', 'schedule']);
    expect(fieldOf(cronJobSpecSchema, 'jobTemplate')?.schema).toBe(jobTemplateSpecSchema);
    expect(fieldOf(cronJobSpecSchema, 'startingDeadlineSeconds')?.schema).toEqual({
      kind: 'integer',
      format: 'int64',
    });
    expect(fieldOf(cronJobSpecSchema, 'concurrencyPolicy')?.schema).toMatchObject({
      enum: ['Allow', 'Forbid', 'Replace'],
    });
  });

  it('JobTemplateSpec has metadata and a JobSpec, no apiVersion/kind', () => {
    expect(Object.keys(jobTemplateSpecSchema.fields).sort()).toEqual(['metadata', 'spec']);
    expect(fieldOf(jobTemplateSpecSchema, 'spec')?.schema).toBe(jobSpecSchema);
  });

  it('status lists active Jobs as atomic ObjectReferences', () => {
    const active = fieldOf(cronJobStatusSchema, 'active');
    expect(active?.listType).toBe('atomic');
    expect(elementOf(active?.schema)).toMatchObject({ name: 'io.k8s.api.core.v1.ObjectReference' });
    expect(fieldOf(cronJobStatusSchema, 'lastSuccessfulTime')?.schema.kind).toBe('time');
  });
});
