/** batch/v1 Job: pods that run to completion (upstream `k8s.io/api/batch/v1`). */
import { podTemplateSpecSchema } from '../../core/v1/index.ts';
import { labelSelectorSchema, listOf, objectMetaSchema, typeAndObjectMeta } from '../../meta/v1.ts';
import {
  array,
  atomicList,
  boolean,
  field,
  int32,
  int64,
  mergeList,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';

const b = 'io.k8s.api.batch.v1.';

export const podFailurePolicyOnExitCodesRequirementSchema = object(
  b + 'PodFailurePolicyOnExitCodesRequirement',
  'Matches a failed pod by the exit codes of its containers.',
  {
    containerName: field(
      string(),
      'Only this container (regular or init) is checked. When unset, every container is.',
      { proto: 1 },
    ),
    operator: requiredField(
      string({ enum: ['In', 'NotIn'] as const }),
      'In: some terminated container exited with one of the values. NotIn: some terminated container exited with a code that is not among them. Exit code 0 never matches.',
      { proto: 2 },
    ),
    values: requiredField(
      array(int32()),
      'The exit codes, sorted and without duplicates; at most 255. 0 is not allowed with In.',
      { listType: 'set', proto: 3 },
    ),
  },
);
export type PodFailurePolicyOnExitCodesRequirement = Infer<
  typeof podFailurePolicyOnExitCodesRequirementSchema
>;

export const podFailurePolicyOnPodConditionsPatternSchema = object(
  b + 'PodFailurePolicyOnPodConditionsPattern',
  'Matches a failed pod by one of its conditions.',
  {
    type: requiredField(string(), 'The pod condition type that must be present.', { proto: 1 }),
    status: requiredField(string(), 'The status the condition must have. Defaults to True.', {
      proto: 2,
    }),
  },
);
export type PodFailurePolicyOnPodConditionsPattern = Infer<
  typeof podFailurePolicyOnPodConditionsPatternSchema
>;

export const podFailurePolicyRuleSchema = object(
  b + 'PodFailurePolicyRule',
  'What to do with a failed pod that matches; exactly one of onExitCodes and onPodConditions must be set.',
  {
    action: requiredField(
      string({ enum: ['Count', 'FailIndex', 'FailJob', 'Ignore'] as const }),
      'FailJob (fail the Job and terminate its pods), FailIndex (fail the index, with backoffLimitPerIndex), Ignore (do not count the failure against backoffLimit) or Count (count it, as by default).',
      { proto: 1 },
    ),
    onExitCodes: field(
      podFailurePolicyOnExitCodesRequirementSchema,
      'Matches on container exit codes.',
      { proto: 2 },
    ),
    onPodConditions: atomicList(
      podFailurePolicyOnPodConditionsPatternSchema,
      'Matches when any of these pod conditions is present; at most 20.',
      { proto: 3 },
    ),
  },
);
export type PodFailurePolicyRule = Infer<typeof podFailurePolicyRuleSchema>;

export const podFailurePolicySchema = object(
  b + 'PodFailurePolicy',
  'How failed pods affect the Job.',
  {
    rules: requiredField(
      array(podFailurePolicyRuleSchema),
      'Evaluated in order; the first rule that matches a failed pod decides. At most 20.',
      { listType: 'atomic', proto: 1 },
    ),
  },
);
export type PodFailurePolicy = Infer<typeof podFailurePolicySchema>;

export const successPolicyRuleSchema = object(
  b + 'SuccessPolicyRule',
  'When an Indexed Job counts as succeeded; at least one of the fields must be set.',
  {
    succeededIndexes: field(
      string(),
      'Indexes that must all succeed, as a comma-separated list of numbers and ranges ("1,3-5,7"), within 0..completions-1.',
      { proto: 1 },
    ),
    succeededCount: field(
      int32(),
      'How many indexes (of succeededIndexes, when set) must succeed.',
      { proto: 2 },
    ),
  },
);
export type SuccessPolicyRule = Infer<typeof successPolicyRuleSchema>;

export const successPolicySchema = object(
  b + 'SuccessPolicy',
  'When a Job may be declared succeeded before all its pods complete (Indexed Jobs only).',
  {
    rules: requiredField(
      array(successPolicyRuleSchema),
      'The Job succeeds as soon as any rule is met; at most 20.',
      { listType: 'atomic', proto: 1 },
    ),
  },
);
export type SuccessPolicy = Infer<typeof successPolicySchema>;

export const jobSpecSchema = object(b + 'JobSpec', 'The desired behaviour of a Job.', {
  parallelism: field(
    int32(),
    'Most pods running at once. Defaults to 1; 0 pauses the Job (prefer suspend).',
    { proto: 1 },
  ),
  completions: field(
    int32(),
    'Successful pods needed for the Job to complete. Unset means any one success completes it once all pods have ended. Defaults to 1 when parallelism is also unset.',
    { proto: 2 },
  ),
  activeDeadlineSeconds: field(
    int64(),
    'Seconds, counted from startTime, the Job may be active before it is failed and its pods terminated. Restarts when the Job is resumed.',
    { proto: 3 },
  ),
  podFailurePolicy: field(
    podFailurePolicySchema,
    'Rules for handling failed pods; requires restartPolicy Never.',
    { proto: 11 },
  ),
  successPolicy: field(
    successPolicySchema,
    'When an Indexed Job counts as succeeded. Unset means when every index has succeeded.',
    { proto: 16 },
  ),
  backoffLimit: field(
    int32(),
    'Retries before the Job is failed. Defaults to 6, or to the largest int32 when backoffLimitPerIndex is set.',
    { proto: 7 },
  ),
  backoffLimitPerIndex: field(
    int32(),
    'Retries per index of an Indexed Job before that index is failed.',
    { proto: 12 },
  ),
  maxFailedIndexes: field(
    int32(),
    'Failed indexes after which the whole Job is failed; needs backoffLimitPerIndex.',
    { proto: 13 },
  ),
  selector: field(
    labelSelectorSchema,
    'Label query over the pods of the Job. Normally generated by the system; set it only with manualSelector.',
    { proto: 4 },
  ),
  manualSelector: field(
    boolean(),
    'When true, you pick the selector and pod labels yourself; when false or unset, the system generates unique ones.',
    { proto: 5 },
  ),
  template: requiredField(
    podTemplateSpecSchema,
    'The pods to run. restartPolicy must be Never or OnFailure.',
    { proto: 6 },
  ),
  ttlSecondsAfterFinished: field(
    int32(),
    'Seconds after the Job finishes (Complete or Failed) before it is deleted automatically. Unset means never.',
    { proto: 8 },
  ),
  completionMode: field(
    string({ enum: ['Indexed', 'NonIndexed'] as const }),
    'NonIndexed (any completions successes finish the Job) or Indexed (each index 0..completions-1 needs one success; pods get their index in an annotation, a label and JOB_COMPLETION_INDEX). Defaults to NonIndexed.',
    { proto: 9 },
  ),
  suspend: field(
    boolean(),
    'When true, no pods are created and running ones are terminated. Defaults to false.',
    { proto: 10 },
  ),
  podReplacementPolicy: field(
    string({ enum: ['Failed', 'TerminatingOrFailed'] as const }),
    'When a replacement pod is created: TerminatingOrFailed (as soon as the old one is terminating) or Failed (only once it has fully failed). Defaults to Failed with a podFailurePolicy, else TerminatingOrFailed.',
    { proto: 14 },
  ),
  managedBy: field(
    string(),
    'The controller that reconciles this Job; kubernetes.io/job-controller or unset for the built-in one. Immutable.',
    { proto: 15 },
  ),
});
export type JobSpec = Infer<typeof jobSpecSchema>;

export const jobConditionSchema = object(b + 'JobCondition', 'One aspect of the state of a Job.', {
  type: requiredField(
    string(),
    'Complete, Failed, Suspended, FailureTarget or SuccessCriteriaMet.',
    { proto: 1 },
  ),
  status: requiredField(string(), 'True, False or Unknown.', { proto: 2 }),
  lastProbeTime: field(time(), 'When the condition was last checked.', { proto: 3 }),
  lastTransitionTime: field(time(), 'When status last changed.', { proto: 4 }),
  reason: field(string(), 'Programmatic reason for the last transition, in CamelCase.', {
    proto: 5,
  }),
  message: field(string(), 'Human-readable detail about the transition.', { proto: 6 }),
});
export type JobCondition = Infer<typeof jobConditionSchema>;

export const uncountedTerminatedPodsSchema = object(
  b + 'UncountedTerminatedPods',
  'Finished pods the controller has not yet counted in the status counters.',
  {
    succeeded: field(array(string()), 'UIDs of succeeded pods.', { listType: 'set', proto: 1 }),
    failed: field(array(string()), 'UIDs of failed pods.', { listType: 'set', proto: 2 }),
  },
);
export type UncountedTerminatedPods = Infer<typeof uncountedTerminatedPodsSchema>;

export const jobStatusSchema = object(b + 'JobStatus', 'The observed state of a Job.', {
  conditions: mergeList(
    jobConditionSchema,
    'The latest observations of the state of the Job. A finished Job has Complete or Failed set to True.',
    'type',
    { listType: 'atomic', proto: 1 },
  ),
  startTime: field(
    time(),
    'When the controller started the Job; reset when a suspended Job is resumed.',
    { proto: 2 },
  ),
  completionTime: field(time(), 'When the Job completed successfully; never set for failed Jobs.', {
    proto: 3,
  }),
  active: field(int32(), 'Pending and running pods, not terminating.', { proto: 4 }),
  succeeded: field(int32(), 'Pods that reached phase Succeeded.', { proto: 5 }),
  failed: field(int32(), 'Pods that reached phase Failed.', { proto: 6 }),
  terminating: field(
    int32(),
    'Pods being terminated (with a deletionTimestamp, not yet Succeeded or Failed).',
    { proto: 11 },
  ),
  completedIndexes: field(
    string(),
    'For Indexed Jobs: the succeeded indexes, as a compressed, sorted list of numbers and ranges ("1,3-5,7").',
    { proto: 7 },
  ),
  failedIndexes: field(
    string(),
    'For Indexed Jobs with backoffLimitPerIndex: the failed indexes, in the same format as completedIndexes.',
    { proto: 10 },
  ),
  uncountedTerminatedPods: field(
    uncountedTerminatedPodsSchema,
    'Finished pods not yet added to the counters; the controller counts them before removing its finalizer.',
    { proto: 8 },
  ),
  ready: field(int32(), 'Active pods with a Ready condition.', { proto: 9 }),
});
export type JobStatus = Infer<typeof jobStatusSchema>;

export const jobGVK = { group: 'batch', version: 'v1', kind: 'Job' } as const;

export const jobSchema = object(
  b + 'Job',
  'A finite task: runs pods until enough of them succeed.',
  {
    ...typeAndObjectMeta(),
    spec: field(jobSpecSchema, 'The desired behaviour.', { proto: 2 }),
    status: field(jobStatusSchema, 'The observed state; written by the controller.', { proto: 3 }),
  },
  { gvk: [jobGVK] },
);
export type Job = Infer<typeof jobSchema>;

export const jobListSchema = listOf(jobSchema, jobGVK);
export type JobList = Infer<typeof jobListSchema>;

export const jobTemplateSpecSchema = object(
  b + 'JobTemplateSpec',
  'The Job a CronJob creates on each run.',
  {
    metadata: field(objectMetaSchema, 'Metadata of the created Jobs.', { proto: 1 }),
    spec: field(jobSpecSchema, 'The desired behaviour of the created Jobs.', { proto: 2 }),
  },
);
export type JobTemplateSpec = Infer<typeof jobTemplateSpecSchema>;
