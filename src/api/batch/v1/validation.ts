/**
 * Validation of batch/v1 (Job, CronJob) as upstream v1.32 does it: `pkg/apis/batch/validation`
 * with the options upstream's registry strategies pass (generated-selector labels required, the
 * strengthened Job status rules of the JobManagedBy feature, on by default in v1.32), plus the
 * generic registry's metadata checks on update. Messages, error types and field paths are
 * upstream's:
 *
 *   Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values:
 *   "OnFailure", "Never"
 *
 * Pure; returns errors in upstream's order; never throws. Callers run defaulting first and, for a
 * new Job, the registry's selector generation (it labels the template and fills the selector
 * unless `manualSelector` is true).
 *
 * Known differences: a bad value that upstream prints as a whole Go `PodTemplateSpec` struct
 * (`spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable`) is shown as JSON,
 * and rules upstream guards with feature gates that are off in v1.32 are not applied.
 */
import {
  defaultPodTemplateSpec,
  validatePodTemplateSpec,
  type PodTemplateSpec,
} from '../../core/v1/index.ts';
import {
  goLabelSelector,
  goPointerText,
  goStringMap,
  goTime,
  immutableField,
  isSet,
  labelSelectorHasInvalidLabelValue,
  listOrEmpty,
  maybe,
  numberOrZero,
  selectorOrNull,
  semanticEqual,
  stringOrEmpty,
  validateRegistryUpdateFields,
  validateWorkloadObjectMeta,
  validateWorkloadObjectMetaUpdate,
} from '../../apps/v1/validation-helpers.ts';
import { podTemplateValidationOptions } from '../../apps/v1/validation.ts';
import type { ObjectMeta } from '../../meta/v1.ts';
import type { FieldErrorList } from '../../validation/field-errors.ts';
import {
  Path,
  duplicate,
  invalid,
  notSupported,
  omitValue,
  required,
  tooLong,
  tooMany,
} from '../../validation/field-errors.ts';
import { validateNonnegativeField } from '../../validation/generic.ts';
import { GoLiteral, goQuote } from '../../validation/go-format.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  regexError,
} from '../../validation/names.ts';
import { validateLabelSelector } from '../../validation/object-meta.ts';
import type { CronJob, CronJobSpec } from './cron-job.ts';
import { defaultJob } from './defaults.ts';
import type {
  Job,
  JobCondition,
  JobSpec,
  JobStatus,
  JobTemplateSpec,
  PodFailurePolicy,
  PodFailurePolicyOnExitCodesRequirement,
  PodFailurePolicyOnPodConditionsPattern,
  PodFailurePolicyRule,
  SuccessPolicy,
  SuccessPolicyRule,
} from './job.ts';
import { parseCronSchedule, timeZoneLoadError } from './validation-cron.ts';
import {
  controllerUidLabel,
  jobNameLabel,
  legacyControllerUidLabel,
  legacyJobNameLabel,
} from './well-known.ts';

const metadataPath = Path.root('metadata');
const specPath = Path.root('spec');
const statusPath = Path.root('status');

const maxParallelismForIndexedJob = 100000;
const maxFailedIndexesForIndexedJob = 100000;
const completionsSoftLimit = 100000;
const parallelismLimitForHighCompletions = 10000;
const maxFailedIndexesLimitForHighCompletions = 10000;
const maxPodFailurePolicyRules = 20;
const maxPodFailurePolicyOnExitCodesValues = 255;
const maxPodFailurePolicyOnPodConditionsPatterns = 20;
const maxManagedByLength = 63;
const maxJobSuccessPolicySucceededIndexesLimit = 64 * 1024;
const maxSuccessPolicyRule = 20;

const podFailurePolicyActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const onExitCodesOperators = ['In', 'NotIn'];
const onPodConditionsStatuses = ['False', 'True', 'Unknown'];

/** Go's `%q` of a `[]string`: `["a" "b"]`. */
function goQuotedList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}

/** Options of a Job's validation that depend on the request (upstream `JobValidationOptions`). */
export interface JobValidationOptions {
  /** The old template had no invalid pod-deletion-cost annotation to tolerate. */
  readonly allowInvalidPodDeletionCost?: boolean;
  /** The old selector already had invalid label values. */
  readonly allowInvalidLabelValueInSelector?: boolean;
  /** Scheduling directives of the template may change (suspended Job that never started). */
  readonly allowMutableSchedulingDirectives?: boolean;
  /** The template must carry the batch.kubernetes.io/ labels of a generated selector. */
  readonly requirePrefixedLabels?: boolean;
}

function nonnegativeIfSet(v: number | null | undefined, path: Path): FieldErrorList {
  return typeof v === 'number' ? validateNonnegativeField(v, path) : [];
}

function templateOf(t: PodTemplateSpec | undefined): PodTemplateSpec {
  if (t) return t;
  const fresh: PodTemplateSpec = {};
  defaultPodTemplateSpec(fresh);
  return fresh;
}

function jobSpecOf(obj: Job): JobSpec {
  if (obj.spec) return obj.spec;
  const fresh = { spec: {} } as Job;
  defaultJob(fresh);
  return fresh.spec as JobSpec;
}

// ---- Go renderings -----------------------------------------------------------------------------

function goInt32Slice(values: readonly number[] | null | undefined): GoLiteral {
  return new GoLiteral(values ? `[]int32{${values.join(', ')}}` : '[]int32(nil)');
}

function goPodFailurePolicyRule(r: PodFailurePolicyRule): string {
  const conditions = r.onPodConditions;
  const condText = !conditions
    ? '[]batch.PodFailurePolicyOnPodConditionsPattern(nil)'
    : `[]batch.PodFailurePolicyOnPodConditionsPattern{${conditions
        .map(
          (c) =>
            `batch.PodFailurePolicyOnPodConditionsPattern{Type:${goQuote(stringOrEmpty(c.type))}, Status:${goQuote(
              stringOrEmpty(c.status),
            )}}`,
        )
        .join(', ')}}`;
  return `batch.PodFailurePolicyRule{Action:${goQuote(stringOrEmpty(r.action))}, OnExitCodes:${goPointerText(
    'batch.PodFailurePolicyOnExitCodesRequirement',
    isSet(r.onExitCodes),
  )}, OnPodConditions:${condText}}`;
}

function goPodFailurePolicy(p: PodFailurePolicy | null | undefined): GoLiteral | string {
  if (!p) return 'null';
  const rules = maybe(p.rules);
  const rulesText = !rules
    ? '[]batch.PodFailurePolicyRule(nil)'
    : `[]batch.PodFailurePolicyRule{${rules.map(goPodFailurePolicyRule).join(', ')}}`;
  return new GoLiteral(`batch.PodFailurePolicy{Rules:${rulesText}}`);
}

function goSuccessPolicy(p: SuccessPolicy | null | undefined): GoLiteral | string {
  if (!p) return 'null';
  const rules = maybe(p.rules);
  const rulesText = !rules
    ? '[]batch.SuccessPolicyRule(nil)'
    : `[]batch.SuccessPolicyRule{${rules
        .map(
          (r) =>
            `batch.SuccessPolicyRule{SucceededIndexes:${goPointerText(
              'string',
              typeof r.succeededIndexes === 'string',
            )}, SucceededCount:${goPointerText('int32', typeof r.succeededCount === 'number')}}`,
        )
        .join(', ')}}`;
  return new GoLiteral(`batch.SuccessPolicy{Rules:${rulesText}}`);
}

function goUIDSlice(values: readonly string[] | null | undefined): string {
  return values ? `[]types.UID{${values.map(goQuote).join(', ')}}` : '[]types.UID(nil)';
}

/** A string field whose schema type is an enum, read as the string the client sent. */
function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A pointer bad value: its target, or "null". */
function ptr(v: string | number | boolean | null | undefined): string | number | boolean {
  return v === undefined || v === null ? 'null' : v;
}

// ---- index lists (completedIndexes, failedIndexes, succeededIndexes) ---------------------------

class IndexesError extends Error {}

/** Go's `strconv.Atoi` for an index, with upstream's error text. */
function indexAtoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    throw new IndexesError(`cannot convert string to integer for index: ${goQuote(s)}`);
  }
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    throw new IndexesError(`cannot convert string to integer for index: ${goQuote(s)}`);
  }
  return Number(n);
}

function parseIndexInterval(interval: string, completions: number): [number, number] {
  const limits = interval.split('-');
  if (limits.length > 2) {
    throw new IndexesError(
      `the fragment ${goQuote(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`,
    );
  }
  const first = limits[0] ?? '';
  const x = indexAtoi(first);
  if (x >= completions) throw new IndexesError(`too large index: ${goQuote(first)}`);
  if (limits.length > 1) {
    const second = limits[1] ?? '';
    const y = indexAtoi(second);
    if (y >= completions) throw new IndexesError(`too large index: ${goQuote(second)}`);
    if (x >= y) throw new IndexesError(`non-increasing order, previous: ${x}, current: ${y}`);
    return [x, y];
  }
  return [x, x];
}

/** Upstream `validateIndexesFormat`: the number of indexes, or the parse error. */
function validateIndexesFormat(indexes: string, completions: number): number {
  if (indexes.length === 0) return 0;
  let last: number | null = null;
  let total = 0;
  for (const interval of indexes.split(',')) {
    const [x, y] = parseIndexInterval(interval, completions);
    if (last !== null && last >= x) {
      throw new IndexesError(`non-increasing order, previous: ${last}, current: ${x}`);
    }
    total += y - x + 1;
    last = y;
  }
  return total;
}

function indexesError(indexes: string, completions: number): string | null {
  try {
    validateIndexesFormat(indexes, completions);
    return null;
  } catch (e) {
    if (e instanceof IndexesError) return e.message;
    throw e;
  }
}

function tryInterval(interval: string, completions: number): [number, number] | null {
  try {
    return parseIndexInterval(interval, completions);
  } catch (e) {
    if (e instanceof IndexesError) return null;
    throw e;
  }
}

/** Upstream `validateFailedIndexesNotOverlapCompleted`. */
function failedOverlapsCompleted(
  completed: string,
  failed: string,
  completions: number,
): string | null {
  if (completed.length === 0 || failed.length === 0) return null;
  const cs = completed.split(',');
  const fs = failed.split(',');
  let ci = 0;
  let fi = 0;
  let c = tryInterval(cs[0] ?? '', completions);
  let f = tryInterval(fs[0] ?? '', completions);
  while (ci < cs.length && fi < fs.length) {
    if (c === null) {
      ci++;
      if (ci < cs.length) c = tryInterval(cs[ci] ?? '', completions);
    } else if (f === null) {
      fi++;
      if (fi < fs.length) f = tryInterval(fs[fi] ?? '', completions);
    } else {
      if (c[0] <= f[1] && f[0] <= c[1]) {
        return `failedIndexes and completedIndexes overlap at index: ${Math.max(c[0], f[0])}`;
      }
      if (c[0] <= f[0]) {
        ci++;
        if (ci < cs.length) c = tryInterval(cs[ci] ?? '', completions);
      } else {
        fi++;
        if (fi < fs.length) f = tryInterval(fs[fi] ?? '', completions);
      }
    }
  }
  return null;
}

// ---- Job spec --------------------------------------------------------------------------------

/** Upstream `IsDomainPrefixedPath`. */
function validateDomainPrefixedPath(value: string, path: Path): FieldErrorList {
  if (value.length === 0) return [required(path, '')];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) {
    return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(rest)) {
    errs.push(invalid(path, rest, regexError('Invalid path', httpPathFmt)));
  }
  return errs;
}

function validateOnExitCodes(
  req: PodFailurePolicyOnExitCodesRequirement,
  path: Path,
  containerNames: ReadonlySet<string>,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const operator: string = stringOrEmpty(req.operator);
  if (operator === '') {
    errs.push(
      required(path.child('operator'), `valid values: ${goQuotedList(onExitCodesOperators)}`),
    );
  } else if (!onExitCodesOperators.includes(operator)) {
    errs.push(notSupported(path.child('operator'), operator, onExitCodesOperators));
  }
  if (typeof req.containerName === 'string' && !containerNames.has(req.containerName)) {
    errs.push(
      invalid(
        path.child('containerName'),
        req.containerName,
        'must be one of the container or initContainer names in the pod template',
      ),
    );
  }
  const valuesPath = path.child('values');
  const values = req.values as readonly number[] | null | undefined;
  const list = listOrEmpty(values);
  if (list.length === 0) {
    errs.push(invalid(valuesPath, goInt32Slice(values), 'at least one value is required'));
  } else if (list.length > maxPodFailurePolicyOnExitCodesValues) {
    errs.push(tooMany(valuesPath, list.length, maxPodFailurePolicyOnExitCodesValues));
  }
  let ordered = true;
  const seen = new Set<number>();
  for (let j = 0; j < list.length; j++) {
    const v = list[j] ?? 0;
    const vp = valuesPath.index(j);
    if (operator === 'In' && v === 0) {
      errs.push(invalid(vp, 0, 'must not be 0 for the In operator'));
    }
    if (seen.has(v)) errs.push(duplicate(vp, v));
    else seen.add(v);
    const prev = list[j - 1];
    if (prev !== undefined && prev > v) ordered = false;
  }
  if (!ordered) errs.push(invalid(valuesPath, goInt32Slice(values), 'must be ordered'));
  return errs;
}

function validateOnPodConditions(
  patterns: readonly PodFailurePolicyOnPodConditionsPattern[],
  path: Path,
): FieldErrorList {
  const errs: FieldErrorList = [];
  if (patterns.length > maxPodFailurePolicyOnPodConditionsPatterns) {
    errs.push(tooMany(path, patterns.length, maxPodFailurePolicyOnPodConditionsPatterns));
  }
  patterns.forEach((p, j) => {
    const pp = path.index(j);
    const type = stringOrEmpty(p.type);
    errs.push(...isQualifiedName(type).map((m) => invalid(pp.child('type'), type, m)));
    const status = stringOrEmpty(p.status);
    if (status === '') {
      errs.push(
        required(pp.child('status'), `valid values: ${goQuotedList(onPodConditionsStatuses)}`),
      );
    } else if (!onPodConditionsStatuses.includes(status)) {
      errs.push(notSupported(pp.child('status'), status, onPodConditionsStatuses));
    }
  });
  return errs;
}

function validatePodFailurePolicy(
  spec: JobSpec,
  policy: PodFailurePolicy,
  path: Path,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const rulesPath = path.child('rules');
  const rules = listOrEmpty(policy.rules);
  if (rules.length > maxPodFailurePolicyRules) {
    errs.push(tooMany(rulesPath, rules.length, maxPodFailurePolicyRules));
  }
  const containerNames = new Set<string>();
  for (const c of listOrEmpty(maybe(spec.template)?.spec?.containers))
    containerNames.add(stringOrEmpty(c.name));
  for (const c of listOrEmpty(maybe(spec.template)?.spec?.initContainers))
    containerNames.add(stringOrEmpty(c.name));
  rules.forEach((rule, i) => {
    const rp = rulesPath.index(i);
    const action: string = stringOrEmpty(rule.action);
    if (action === '') {
      errs.push(
        required(rp.child('action'), `valid values: ${goQuotedList(podFailurePolicyActions)}`),
      );
    } else if (action === 'FailIndex') {
      if (typeof spec.backoffLimitPerIndex !== 'number') {
        errs.push(
          invalid(rp.child('action'), action, 'requires the backoffLimitPerIndex to be set'),
        );
      }
    } else if (!podFailurePolicyActions.includes(action)) {
      errs.push(notSupported(rp.child('action'), action, podFailurePolicyActions));
    }
    if (rule.onExitCodes) {
      errs.push(...validateOnExitCodes(rule.onExitCodes, rp.child('onExitCodes'), containerNames));
    }
    const conditions = listOrEmpty(rule.onPodConditions);
    if (conditions.length > 0) {
      errs.push(...validateOnPodConditions(conditions, rp.child('onPodConditions')));
    }
    if (rule.onExitCodes && conditions.length > 0) {
      errs.push(
        invalid(rp, omitValue, 'specifying both OnExitCodes and OnPodConditions is not supported'),
      );
    }
    if (!rule.onExitCodes && conditions.length === 0) {
      errs.push(
        invalid(rp, omitValue, 'specifying one of OnExitCodes and OnPodConditions is required'),
      );
    }
  });
  return errs;
}

function validateSuccessPolicyRule(
  rule: SuccessPolicyRule,
  completions: number | undefined,
  path: Path,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const indexes = rule.succeededIndexes;
  const count = rule.succeededCount;
  if (typeof count !== 'number' && typeof indexes !== 'string') {
    errs.push(
      required(path, 'at least one of succeededCount or succeededIndexes must be specified'),
    );
  }
  let total = 0;
  if (typeof indexes === 'string') {
    const ip = path.child('succeededIndexes');
    if (indexes.length > maxJobSuccessPolicySucceededIndexesLimit) {
      errs.push(tooLong(ip, maxJobSuccessPolicySucceededIndexesLimit));
    }
    if (completions !== undefined) {
      try {
        total = validateIndexesFormat(indexes, completions);
      } catch (e) {
        if (!(e instanceof IndexesError)) throw e;
        errs.push(invalid(ip, indexes, `error parsing succeededIndexes: ${e.message}`));
      }
    }
  }
  if (typeof count === 'number') {
    const cp = path.child('succeededCount');
    errs.push(...validateNonnegativeField(count, cp));
    if (completions !== undefined && count > completions) {
      errs.push(
        invalid(
          cp,
          count,
          `must be less than or equal to ${completions} (the number of specified completions)`,
        ),
      );
    }
    if (typeof indexes === 'string' && count > total) {
      errs.push(
        invalid(
          cp,
          count,
          `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`,
        ),
      );
    }
  }
  return errs;
}

function validateSuccessPolicy(spec: JobSpec, policy: SuccessPolicy, path: Path): FieldErrorList {
  const errs: FieldErrorList = [];
  const rulesPath = path.child('rules');
  const rules = listOrEmpty(policy.rules);
  if (rules.length === 0) {
    errs.push(
      required(
        rulesPath,
        'at least one rules must be specified when the successPolicy is specified',
      ),
    );
  }
  if (rules.length > maxSuccessPolicyRule)
    errs.push(tooMany(rulesPath, rules.length, maxSuccessPolicyRule));
  const completions = typeof spec.completions === 'number' ? spec.completions : undefined;
  rules.forEach((r, i) =>
    errs.push(...validateSuccessPolicyRule(r, completions, rulesPath.index(i))),
  );
  return errs;
}

/** Upstream's unexported `validateJobSpec`: everything but the selector. */
function validateJobSpecFields(
  spec: JobSpec,
  path: Path,
  opts: JobValidationOptions,
): FieldErrorList {
  const errs: FieldErrorList = [];
  errs.push(...nonnegativeIfSet(spec.parallelism, path.child('parallelism')));
  errs.push(...nonnegativeIfSet(spec.completions, path.child('completions')));
  errs.push(...nonnegativeIfSet(spec.activeDeadlineSeconds, path.child('activeDeadlineSeconds')));
  errs.push(...nonnegativeIfSet(spec.backoffLimit, path.child('backoffLimit')));
  errs.push(
    ...nonnegativeIfSet(spec.ttlSecondsAfterFinished, path.child('ttlSecondsAfterFinished')),
  );
  errs.push(...nonnegativeIfSet(spec.backoffLimitPerIndex, path.child('backoffLimitPerIndex')));
  const maxFailed = spec.maxFailedIndexes;
  const perIndex = spec.backoffLimitPerIndex;
  const completions = spec.completions;
  const parallelism = spec.parallelism;
  if (typeof maxFailed === 'number') {
    errs.push(...validateNonnegativeField(maxFailed, path.child('maxFailedIndexes')));
    if (typeof perIndex !== 'number') {
      errs.push(required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
    }
  }
  if (typeof spec.managedBy === 'string') {
    errs.push(...validateDomainPrefixedPath(spec.managedBy, path.child('managedBy')));
    if (spec.managedBy.length > maxManagedByLength) {
      errs.push(tooLong(path.child('managedBy'), maxManagedByLength));
    }
  }
  const mode: string | undefined =
    typeof spec.completionMode === 'string' ? spec.completionMode : undefined;
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') {
      errs.push(notSupported(path.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
    }
    if (mode === 'Indexed') {
      if (typeof completions !== 'number') {
        errs.push(required(path.child('completions'), 'when completion mode is Indexed'));
      }
      if (typeof parallelism === 'number' && parallelism > maxParallelismForIndexedJob) {
        errs.push(
          invalid(
            path.child('parallelism'),
            parallelism,
            `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`,
          ),
        );
      }
      if (
        typeof completions === 'number' &&
        typeof maxFailed === 'number' &&
        maxFailed > completions
      ) {
        errs.push(
          invalid(
            path.child('maxFailedIndexes'),
            maxFailed,
            'must be less than or equal to completions',
          ),
        );
      }
      if (typeof maxFailed === 'number' && maxFailed > maxFailedIndexesForIndexedJob) {
        errs.push(
          invalid(
            path.child('maxFailedIndexes'),
            maxFailed,
            `must be less than or equal to ${maxFailedIndexesForIndexedJob}`,
          ),
        );
      }
      if (
        typeof completions === 'number' &&
        completions > completionsSoftLimit &&
        typeof perIndex === 'number'
      ) {
        if (typeof maxFailed !== 'number') {
          errs.push(
            required(
              path.child('maxFailedIndexes'),
              `must be specified when completions is above ${completionsSoftLimit}`,
            ),
          );
        }
        const tail = `when completions are above ${completionsSoftLimit} and used with backoff limit per index`;
        if (typeof parallelism === 'number' && parallelism > parallelismLimitForHighCompletions) {
          errs.push(
            invalid(
              path.child('parallelism'),
              parallelism,
              `must be less than or equal to ${parallelismLimitForHighCompletions} ${tail}`,
            ),
          );
        }
        if (typeof maxFailed === 'number' && maxFailed > maxFailedIndexesLimitForHighCompletions) {
          errs.push(
            invalid(
              path.child('maxFailedIndexes'),
              maxFailed,
              `must be less than or equal to ${maxFailedIndexesLimitForHighCompletions} ${tail}`,
            ),
          );
        }
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (typeof perIndex === 'number') {
      errs.push(
        invalid(path.child('backoffLimitPerIndex'), perIndex, 'requires indexed completion mode'),
      );
    }
    if (typeof maxFailed === 'number') {
      errs.push(
        invalid(path.child('maxFailedIndexes'), maxFailed, 'requires indexed completion mode'),
      );
    }
  }
  if (spec.podFailurePolicy) {
    errs.push(
      ...validatePodFailurePolicy(spec, spec.podFailurePolicy, path.child('podFailurePolicy')),
    );
  }
  if (spec.successPolicy) {
    if (mode !== 'Indexed') {
      errs.push(
        invalid(
          path.child('successPolicy'),
          goSuccessPolicy(spec.successPolicy),
          'requires indexed completion mode',
        ),
      );
    } else {
      errs.push(...validateSuccessPolicy(spec, spec.successPolicy, path.child('successPolicy')));
    }
  }
  const replacement = optionalString(spec.podReplacementPolicy);
  if (replacement !== undefined) {
    const rp = path.child('podReplacementPolicy');
    if (spec.podFailurePolicy) {
      if (replacement !== 'Failed') errs.push(notSupported(rp, replacement, ['Failed']));
    } else if (replacement !== 'Failed' && replacement !== 'TerminatingOrFailed') {
      errs.push(notSupported(rp, replacement, ['Failed', 'TerminatingOrFailed']));
    }
  }
  const template = templateOf(spec.template);
  errs.push(
    ...validatePodTemplateSpec(
      template,
      path.child('template'),
      opts.allowInvalidPodDeletionCost ? { allowInvalidPodDeletionCost: true } : {},
    ),
  );
  const restartPolicy = stringOrEmpty(template.spec?.restartPolicy);
  const restartPath = path.child('template', 'spec', 'restartPolicy');
  if (restartPolicy === 'Always' || restartPolicy === '') {
    errs.push(required(restartPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(notSupported(restartPath, restartPolicy, ['OnFailure', 'Never']));
  } else if (spec.podFailurePolicy && restartPolicy !== 'Never') {
    errs.push(
      invalid(
        restartPath,
        restartPolicy,
        'only "Never" is supported when podFailurePolicy is specified',
      ),
    );
  }
  return errs;
}

/** Upstream `ValidateJobSpec`: the fields, then the selector and that it selects the template. */
function validateJobSpec(spec: JobSpec, path: Path, opts: JobValidationOptions): FieldErrorList {
  const errs = validateJobSpecFields(spec, path, opts);
  if (!spec.selector) {
    errs.push(required(path.child('selector'), ''));
  } else {
    errs.push(
      ...validateLabelSelector(spec.selector, path.child('selector'), {
        allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector === true,
      }),
    );
  }
  const selector = selectorOrNull(spec.selector);
  const labels = maybe(spec.template)?.metadata?.labels;
  if (selector !== null && !selector.matches(labels)) {
    errs.push(
      invalid(
        path.child('template', 'metadata', 'labels'),
        goStringMap(labels),
        '`selector` does not match template `labels`',
      ),
    );
  }
  return errs;
}

/** Upstream `ValidateHasLabel`. */
function validateHasLabel(
  meta: ObjectMeta | undefined,
  path: Path,
  key: string,
  expected: string,
): FieldErrorList {
  const labels = meta?.labels;
  const actual = labels?.[key];
  const at = path.child('labels').key(key);
  if (actual === undefined) return [required(at, `must be '${expected}'`)];
  if (actual !== expected) return [invalid(at, goStringMap(labels), `must be '${expected}'`)];
  return [];
}

/**
 * Upstream `validateGeneratedSelector`: unless the selector is manual, the template carries the
 * labels the registry generated from the Job's uid and name, and the selector selects them.
 */
function validateGeneratedSelector(
  obj: Job,
  spec: JobSpec,
  requirePrefixed: boolean,
): FieldErrorList {
  if (spec.manualSelector === true || !spec.selector) return [];
  const errs: FieldErrorList = [];
  const uid = stringOrEmpty(obj.metadata?.uid);
  const name = stringOrEmpty(obj.metadata?.name);
  if (uid === '') errs.push(required(metadataPath.child('uid'), ''));
  const templateMeta = maybe(spec.template)?.metadata;
  const tp = specPath.child('template', 'metadata');
  errs.push(...validateHasLabel(templateMeta, tp, legacyControllerUidLabel, uid));
  errs.push(...validateHasLabel(templateMeta, tp, legacyJobNameLabel, name));
  const expected: Record<string, string> = {};
  if (requirePrefixed) {
    errs.push(...validateHasLabel(templateMeta, tp, controllerUidLabel, uid));
    errs.push(...validateHasLabel(templateMeta, tp, jobNameLabel, name));
    expected[controllerUidLabel] = uid;
    expected[jobNameLabel] = name;
  }
  expected[legacyControllerUidLabel] = uid;
  expected[legacyJobNameLabel] = name;
  const selector = selectorOrNull(spec.selector);
  if (selector !== null && !selector.matches(expected)) {
    errs.push(
      invalid(
        specPath.child('selector'),
        goLabelSelector(spec.selector),
        '`selector` not auto-generated',
      ),
    );
  }
  return errs;
}

/** Upstream `ValidateJob`. */
function validateJobWith(obj: Job, opts: JobValidationOptions): FieldErrorList {
  const spec = jobSpecOf(obj);
  const errs = validateWorkloadObjectMeta(obj.metadata, 'subdomain', metadataPath);
  errs.push(...validateGeneratedSelector(obj, spec, opts.requirePrefixedLabels === true));
  errs.push(...validateJobSpec(spec, specPath, opts));
  const completions = spec.completions;
  if (spec.completionMode === 'Indexed' && typeof completions === 'number' && completions > 0) {
    const name = stringOrEmpty(obj.metadata?.name);
    const hostname = `${name}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) {
      errs.push(
        invalid(
          metadataPath.child('name'),
          name,
          `will not able to create pod with invalid DNS label: ${hostname}`,
        ),
      );
    }
  }
  return errs;
}

/** A new Job (upstream strategy `Validate`): the generated selector labels must all be there. */
export function validateJob(obj: Job): FieldErrorList {
  return validateJobWith(obj, { requirePrefixedLabels: true });
}

/** Upstream `validationOptionsForJob` for an update. */
function jobUpdateOptions(old: Job): JobValidationOptions {
  const oldSpec = old.spec;
  const oldTemplate = maybe(oldSpec?.template);
  const labels = oldTemplate?.metadata?.labels ?? {};
  return {
    allowInvalidPodDeletionCost:
      podTemplateValidationOptions(oldTemplate).allowInvalidPodDeletionCost === true,
    allowInvalidLabelValueInSelector: labelSelectorHasInvalidLabelValue(oldSpec?.selector),
    allowMutableSchedulingDirectives: oldSpec?.suspend === true && !isSet(old.status?.startTime),
    requirePrefixedLabels: jobNameLabel in labels && controllerUidLabel in labels,
  };
}

/**
 * The old template with what a suspended, never-started Job may change taken from the new one
 * (upstream `validatePodTemplateUpdate` with AllowMutableSchedulingDirectives).
 */
function withMutableSchedulingDirectives(
  template: PodTemplateSpec,
  old: PodTemplateSpec,
): PodTemplateSpec {
  const oldCopy = structuredClone(old);
  const spec = template.spec;
  const oldSpec = (oldCopy.spec ??= { containers: [] });
  const affinity = spec?.affinity;
  const oldAffinity = oldSpec.affinity;
  if (!affinity && oldAffinity) {
    delete oldAffinity.nodeAffinity;
    if (!oldAffinity.podAffinity && !oldAffinity.podAntiAffinity) delete oldSpec.affinity;
  } else if (affinity && !oldAffinity) {
    oldSpec.affinity = affinity.nodeAffinity ? { nodeAffinity: affinity.nodeAffinity } : {};
  } else if (affinity && oldAffinity) {
    if (affinity.nodeAffinity) oldAffinity.nodeAffinity = affinity.nodeAffinity;
    else delete oldAffinity.nodeAffinity;
  }
  if (spec?.nodeSelector === undefined) delete oldSpec.nodeSelector;
  else oldSpec.nodeSelector = spec.nodeSelector;
  if (spec?.tolerations === undefined) delete oldSpec.tolerations;
  else oldSpec.tolerations = spec.tolerations;
  if (spec?.schedulingGates === undefined) delete oldSpec.schedulingGates;
  else oldSpec.schedulingGates = spec.schedulingGates;
  const meta = (oldCopy.metadata ??= {});
  const labels = template.metadata?.labels;
  const annotations = template.metadata?.annotations;
  if (labels === undefined) delete meta.labels;
  else meta.labels = labels;
  if (annotations === undefined) delete meta.annotations;
  else meta.annotations = annotations;
  return oldCopy;
}

/** Upstream `ValidateJobSpecUpdate`. */
function validateJobSpecUpdate(
  spec: JobSpec,
  oldSpec: JobSpec,
  opts: JobValidationOptions,
): FieldErrorList {
  const errs = validateJobSpec(spec, specPath, opts);
  const completionsPath = specPath.child('completions');
  if (spec.completionMode !== 'Indexed') {
    errs.push(
      ...immutableField(
        spec.completions,
        oldSpec.completions,
        ptr(spec.completions),
        completionsPath,
      ),
    );
  } else if (
    !semanticEqual(spec.completions, oldSpec.completions) &&
    typeof spec.completions === 'number' &&
    spec.completions !== spec.parallelism
  ) {
    errs.push(
      invalid(
        completionsPath,
        spec.completions,
        'can only be modified in tandem with spec.parallelism',
      ),
    );
  }
  errs.push(
    ...immutableField(
      spec.selector,
      oldSpec.selector,
      goLabelSelector(spec.selector),
      specPath.child('selector'),
    ),
  );
  const template = templateOf(spec.template);
  let oldTemplate = templateOf(oldSpec.template);
  if (opts.allowMutableSchedulingDirectives)
    oldTemplate = withMutableSchedulingDirectives(template, oldTemplate);
  errs.push(...immutableField(template, oldTemplate, template, specPath.child('template')));
  errs.push(
    ...immutableField(
      spec.completionMode,
      oldSpec.completionMode,
      ptr(spec.completionMode),
      specPath.child('completionMode'),
    ),
  );
  errs.push(
    ...immutableField(
      spec.podFailurePolicy,
      oldSpec.podFailurePolicy,
      goPodFailurePolicy(spec.podFailurePolicy),
      specPath.child('podFailurePolicy'),
    ),
  );
  errs.push(
    ...immutableField(
      spec.backoffLimitPerIndex,
      oldSpec.backoffLimitPerIndex,
      ptr(spec.backoffLimitPerIndex),
      specPath.child('backoffLimitPerIndex'),
    ),
  );
  errs.push(
    ...immutableField(
      spec.managedBy,
      oldSpec.managedBy,
      ptr(spec.managedBy),
      specPath.child('managedBy'),
    ),
  );
  errs.push(
    ...immutableField(
      spec.successPolicy,
      oldSpec.successPolicy,
      goSuccessPolicy(spec.successPolicy),
      specPath.child('successPolicy'),
    ),
  );
  return errs;
}

/**
 * An update of a Job: validated as new (with the update's options), then as an update: the
 * selector, completion mode, pod failure and success policies, backoffLimitPerIndex and managedBy
 * are immutable; completions may change only for Indexed Jobs, together with parallelism; the
 * template is immutable, except the scheduling directives, labels and annotations of a suspended
 * Job that never started.
 */
export function validateJobUpdate(obj: Job, old: Job): FieldErrorList {
  const opts = jobUpdateOptions(old);
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateJobWith(obj, opts));
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  errs.push(...validateJobSpecUpdate(jobSpecOf(obj), jobSpecOf(old), opts));
  return errs;
}

// ---- Job status ------------------------------------------------------------------------------

function conditionTrue(conditions: readonly JobCondition[] | undefined, type: string): boolean {
  return listOrEmpty(conditions).some((c) => c.type === type && c.status === 'True');
}

function sameTime(a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return (a ?? null) === (b ?? null);
  return Date.parse(a) === Date.parse(b);
}

/** Which status rules apply (upstream `JobStatusValidationOptions`, JobManagedBy on). */
interface JobStatusRules {
  rejectDecreasingSucceededCounter: boolean;
  rejectInvalidCompletedIndexes: boolean;
  rejectInvalidFailedIndexes: boolean;
  rejectCompletedIndexesForNonIndexedJob: boolean;
  rejectFailedIndexesForNoBackoffLimitPerIndex: boolean;
  rejectFailedIndexesOverlappingCompleted: boolean;
  rejectFailedJobWithoutFailureTarget: boolean;
  rejectCompleteJobWithoutSuccessCriteriaMet: boolean;
  rejectFinishedJobWithActivePods: boolean;
  rejectFinishedJobWithoutStartTime: boolean;
  rejectFinishedJobWithUncountedTerminatedPods: boolean;
  rejectStartTimeUpdateForUnsuspendedJob: boolean;
  rejectCompletionTimeBeforeStartTime: boolean;
  rejectNotCompleteJobWithCompletionTime: boolean;
  rejectCompleteJobWithoutCompletionTime: boolean;
  rejectCompleteJobWithFailedCondition: boolean;
  rejectCompleteJobWithFailureTargetCondition: boolean;
  rejectMoreReadyThanActivePods: boolean;
  rejectFinishedJobWithTerminatingPods: boolean;
}

function isFinished(s: JobStatus | undefined): boolean {
  return conditionTrue(s?.conditions, 'Complete') || conditionTrue(s?.conditions, 'Failed');
}

/** Upstream `getStatusValidationOptions`: most rules apply only when their fields changed. */
function statusRules(obj: Job, old: Job): JobStatusRules {
  const s = obj.status;
  const o = old.status;
  const spec = obj.spec;
  const indexed = spec?.completionMode === 'Indexed';
  const completions = spec?.completions ?? null;
  const parallelism = spec?.parallelism ?? null;
  const changed = (type: string): boolean =>
    conditionTrue(s?.conditions, type) !== conditionTrue(o?.conditions, type);
  const finishedChanged = isFinished(s) !== isFinished(o);
  const completeChanged = changed('Complete');
  const failedChanged = changed('Failed');
  const failureTargetChanged = changed('FailureTarget');
  const successCriteriaMetChanged = changed('SuccessCriteriaMet');
  const completedIndexesChanged =
    stringOrEmpty(s?.completedIndexes) !== stringOrEmpty(o?.completedIndexes);
  const failedIndexesChanged = (s?.failedIndexes ?? null) !== (o?.failedIndexes ?? null);
  const activeChanged = numberOrZero(s?.active) !== numberOrZero(o?.active);
  const readyChanged = (s?.ready ?? null) !== (o?.ready ?? null);
  const terminatingChanged = (s?.terminating ?? null) !== (o?.terminating ?? null);
  const startTimeChanged = !sameTime(s?.startTime, o?.startTime);
  const completionTimeChanged = !sameTime(s?.completionTime, o?.completionTime);
  const uncountedChanged = !semanticEqual(s?.uncountedTerminatedPods, o?.uncountedTerminatedPods);
  return {
    rejectDecreasingSucceededCounter: !indexed || completions !== parallelism,
    rejectInvalidCompletedIndexes: completedIndexesChanged,
    rejectInvalidFailedIndexes: failedIndexesChanged,
    rejectCompletedIndexesForNonIndexedJob: completedIndexesChanged,
    rejectFailedIndexesForNoBackoffLimitPerIndex: failedIndexesChanged,
    rejectFailedIndexesOverlappingCompleted: failedIndexesChanged || completedIndexesChanged,
    rejectFailedJobWithoutFailureTarget: failedChanged || failedIndexesChanged,
    rejectCompleteJobWithoutSuccessCriteriaMet: completeChanged || successCriteriaMetChanged,
    rejectFinishedJobWithActivePods: finishedChanged || activeChanged,
    rejectFinishedJobWithoutStartTime: finishedChanged || startTimeChanged,
    rejectFinishedJobWithUncountedTerminatedPods: finishedChanged || uncountedChanged,
    rejectStartTimeUpdateForUnsuspendedJob: startTimeChanged,
    rejectCompletionTimeBeforeStartTime: startTimeChanged || completionTimeChanged,
    rejectNotCompleteJobWithCompletionTime: completeChanged || completionTimeChanged,
    rejectCompleteJobWithoutCompletionTime: completeChanged || completionTimeChanged,
    rejectCompleteJobWithFailedCondition: completeChanged || failedChanged,
    rejectCompleteJobWithFailureTargetCondition: completeChanged || failureTargetChanged,
    rejectMoreReadyThanActivePods: readyChanged || activeChanged,
    rejectFinishedJobWithTerminatingPods: finishedChanged || terminatingChanged,
  };
}

/** Upstream `validateJobStatus`. */
function validateJobStatus(obj: Job, rules: JobStatusRules): FieldErrorList {
  const s = obj.status ?? {};
  const spec = obj.spec;
  const p = statusPath;
  const errs = validateNonnegativeField(numberOrZero(s.active), p.child('active'));
  errs.push(...validateNonnegativeField(numberOrZero(s.succeeded), p.child('succeeded')));
  errs.push(...validateNonnegativeField(numberOrZero(s.failed), p.child('failed')));
  errs.push(...nonnegativeIfSet(s.ready, p.child('ready')));
  errs.push(...nonnegativeIfSet(s.terminating, p.child('terminating')));
  const uncounted = s.uncountedTerminatedPods;
  if (uncounted) {
    const up = p.child('uncountedTerminatedPods');
    const seen = new Set<string>();
    const check = (uids: readonly string[] | undefined, name: string): void => {
      listOrEmpty(uids).forEach((uid, i) => {
        const at = up.child(name).index(i);
        if (uid === '') errs.push(invalid(at, uid, 'must not be empty'));
        else if (seen.has(uid)) errs.push(duplicate(at, uid));
        else seen.add(uid);
      });
    };
    check(uncounted.succeeded, 'succeeded');
    check(uncounted.failed, 'failed');
  }
  const conditions = s.conditions;
  const complete = conditionTrue(conditions, 'Complete');
  const failed = conditionTrue(conditions, 'Failed');
  const failureTarget = conditionTrue(conditions, 'FailureTarget');
  const successCriteriaMet = conditionTrue(conditions, 'SuccessCriteriaMet');
  const finished = complete || failed;
  const conditionsPath = p.child('conditions');
  if (rules.rejectCompleteJobWithFailedCondition && complete && failed) {
    errs.push(
      invalid(conditionsPath, omitValue, 'cannot set Complete=True and Failed=true conditions'),
    );
  }
  if (rules.rejectCompleteJobWithFailureTargetCondition && complete && failureTarget) {
    errs.push(
      invalid(
        conditionsPath,
        omitValue,
        'cannot set Complete=True and FailureTarget=true conditions',
      ),
    );
  }
  const completionTime = s.completionTime;
  const startTime = s.startTime;
  if (
    rules.rejectNotCompleteJobWithCompletionTime &&
    typeof completionTime === 'string' &&
    !complete
  ) {
    errs.push(
      invalid(
        p.child('completionTime'),
        goTime(completionTime),
        'cannot set completionTime when there is no Complete=True condition',
      ),
    );
  }
  if (
    rules.rejectCompleteJobWithoutCompletionTime &&
    typeof completionTime !== 'string' &&
    complete
  ) {
    errs.push(required(p.child('completionTime'), 'completionTime is required for Complete jobs'));
  }
  if (
    rules.rejectCompletionTimeBeforeStartTime &&
    typeof startTime === 'string' &&
    typeof completionTime === 'string' &&
    Date.parse(completionTime) < Date.parse(startTime)
  ) {
    errs.push(
      invalid(
        p.child('completionTime'),
        goTime(completionTime),
        'must be equal to or after `startTime`',
      ),
    );
  }
  if (rules.rejectFailedJobWithoutFailureTarget && failed && !failureTarget) {
    errs.push(
      invalid(
        conditionsPath,
        omitValue,
        'cannot set Failed=True condition without the FailureTarget=true condition',
      ),
    );
  }
  if (rules.rejectCompleteJobWithoutSuccessCriteriaMet && complete && !successCriteriaMet) {
    errs.push(
      invalid(
        conditionsPath,
        omitValue,
        'cannot set Complete=True condition without the SuccessCriteriaMet=true condition',
      ),
    );
  }
  const active = numberOrZero(s.active);
  if (rules.rejectFinishedJobWithActivePods && active > 0 && finished) {
    errs.push(invalid(p.child('active'), active, 'active>0 is invalid for finished job'));
  }
  if (rules.rejectFinishedJobWithoutStartTime && typeof startTime !== 'string' && finished) {
    errs.push(required(p.child('startTime'), 'startTime is required for finished job'));
  }
  if (
    rules.rejectFinishedJobWithUncountedTerminatedPods &&
    finished &&
    uncounted &&
    listOrEmpty(uncounted.failed).length + listOrEmpty(uncounted.succeeded).length > 0
  ) {
    errs.push(
      invalid(
        p.child('uncountedTerminatedPods'),
        new GoLiteral(
          `batch.UncountedTerminatedPods{Succeeded:${goUIDSlice(uncounted.succeeded)}, Failed:${goUIDSlice(uncounted.failed)}}`,
        ),
        'must be empty for finished job',
      ),
    );
  }
  const completions = spec?.completions;
  const completedIndexes = stringOrEmpty(s.completedIndexes);
  const failedIndexes = s.failedIndexes;
  if (rules.rejectInvalidCompletedIndexes && typeof completions === 'number') {
    const err = indexesError(completedIndexes, completions);
    if (err !== null) {
      errs.push(
        invalid(
          p.child('completedIndexes'),
          completedIndexes,
          `error parsing completedIndexes: ${err}`,
        ),
      );
    }
  }
  if (
    rules.rejectInvalidFailedIndexes &&
    typeof completions === 'number' &&
    typeof spec?.backoffLimitPerIndex === 'number' &&
    typeof failedIndexes === 'string'
  ) {
    const err = indexesError(failedIndexes, completions);
    if (err !== null) {
      errs.push(
        invalid(p.child('failedIndexes'), failedIndexes, `error parsing failedIndexes: ${err}`),
      );
    }
  }
  const indexed = spec?.completionMode === 'Indexed';
  if (rules.rejectCompletedIndexesForNonIndexedJob && completedIndexes.length !== 0 && !indexed) {
    errs.push(
      invalid(
        p.child('completedIndexes'),
        completedIndexes,
        'cannot set non-empty completedIndexes when non-indexed completion mode',
      ),
    );
  }
  if (
    rules.rejectFailedIndexesForNoBackoffLimitPerIndex &&
    typeof spec?.backoffLimitPerIndex !== 'number' &&
    typeof failedIndexes === 'string'
  ) {
    errs.push(
      invalid(
        p.child('failedIndexes'),
        failedIndexes,
        'cannot set non-null failedIndexes when backoffLimitPerIndex is null',
      ),
    );
  }
  if (
    rules.rejectFailedIndexesOverlappingCompleted &&
    typeof completions === 'number' &&
    typeof failedIndexes === 'string'
  ) {
    const err = failedOverlapsCompleted(completedIndexes, failedIndexes, completions);
    if (err !== null) errs.push(invalid(p.child('failedIndexes'), failedIndexes, err));
  }
  const terminating = s.terminating;
  if (
    rules.rejectFinishedJobWithTerminatingPods &&
    typeof terminating === 'number' &&
    terminating > 0 &&
    finished
  ) {
    errs.push(
      invalid(p.child('terminating'), terminating, 'terminating>0 is invalid for finished job'),
    );
  }
  if (rules.rejectMoreReadyThanActivePods && typeof s.ready === 'number' && s.ready > active) {
    errs.push(invalid(p.child('ready'), s.ready, 'cannot set more ready pods than active'));
  }
  if (successCriteriaMet && failed) {
    errs.push(
      invalid(
        conditionsPath,
        omitValue,
        'cannot set SuccessCriteriaMet=True and Failed=true conditions',
      ),
    );
  }
  if (successCriteriaMet && failureTarget) {
    errs.push(
      invalid(
        conditionsPath,
        omitValue,
        'cannot set SuccessCriteriaMet=True and FailureTarget=true conditions',
      ),
    );
  }
  if (spec?.successPolicy && !successCriteriaMet && complete) {
    errs.push(
      invalid(
        conditionsPath,
        omitValue,
        'cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True',
      ),
    );
  }
  return errs;
}

/**
 * An update through jobs/status (upstream `ValidateJobUpdateStatus` with the JobManagedBy rules):
 * counters non-negative and not decreasing, uncounted pod UIDs unique, terminal conditions
 * consistent and permanent, completion and start times coherent, index lists well-formed.
 */
export function validateJobStatusUpdate(obj: Job, old: Job): FieldErrorList {
  const rules = statusRules(obj, old);
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  errs.push(...validateJobStatus(obj, rules));
  const s = obj.status ?? {};
  const o = old.status ?? {};
  const conditionsPath = statusPath.child('conditions');
  for (const type of ['Failed', 'Complete', 'FailureTarget']) {
    if (conditionTrue(o.conditions, type) && !conditionTrue(s.conditions, type)) {
      errs.push(
        invalid(conditionsPath, omitValue, `cannot disable the terminal ${type}=True condition`),
      );
    }
  }
  const failed = numberOrZero(s.failed);
  if (failed < numberOrZero(o.failed)) {
    errs.push(invalid(statusPath.child('failed'), failed, 'cannot decrease the failed counter'));
  }
  const succeeded = numberOrZero(s.succeeded);
  if (rules.rejectDecreasingSucceededCounter && succeeded < numberOrZero(o.succeeded)) {
    errs.push(
      invalid(statusPath.child('succeeded'), succeeded, 'cannot decrease the succeeded counter'),
    );
  }
  if (
    typeof s.completionTime === 'string' &&
    typeof o.completionTime === 'string' &&
    !sameTime(s.completionTime, o.completionTime)
  ) {
    errs.push(
      invalid(
        statusPath.child('completionTime'),
        goTime(s.completionTime),
        'completionTime cannot be mutated',
      ),
    );
  }
  if (
    rules.rejectStartTimeUpdateForUnsuspendedJob &&
    typeof o.startTime === 'string' &&
    !sameTime(o.startTime, s.startTime) &&
    obj.spec?.suspend !== true
  ) {
    errs.push(
      required(statusPath.child('startTime'), 'startTime cannot be removed for unsuspended job'),
    );
  }
  const met = conditionTrue(s.conditions, 'SuccessCriteriaMet');
  const wasMet = conditionTrue(o.conditions, 'SuccessCriteriaMet');
  if (wasMet && !met) {
    errs.push(
      invalid(conditionsPath, omitValue, 'cannot disable the SuccessCriteriaMet=True condition'),
    );
  }
  if (conditionTrue(o.conditions, 'Complete') && !wasMet && met) {
    errs.push(
      invalid(
        conditionsPath,
        omitValue,
        'cannot set SuccessCriteriaMet=True for Job already has Complete=true conditions',
      ),
    );
  }
  return errs;
}

// ---- CronJob ---------------------------------------------------------------------------------

/** CronJob names leave room for the 11 characters of the Jobs' `-<timestamp>` suffix. */
const maxCronJobNameLength = 63 - 11;

const validTimeZoneCharacters = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** Upstream `validateTimeZone`. */
function validateTimeZone(timeZone: string | null | undefined, path: Path): FieldErrorList {
  if (typeof timeZone !== 'string') return [];
  if (timeZone.length === 0)
    return [invalid(path, timeZone, 'timeZone must be nil or non-empty string')];
  for (const part of timeZone.split('/')) {
    if (
      part === '.' ||
      part === '..' ||
      part.startsWith('-') ||
      !validTimeZoneCharacters.test(part)
    ) {
      return [invalid(path, timeZone, `unknown time zone ${timeZone}`)];
    }
  }
  const errs: FieldErrorList = [];
  if (timeZone.toLowerCase() === 'local') {
    errs.push(
      invalid(
        path,
        timeZone,
        'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      ),
    );
  }
  const loadError = timeZoneLoadError(timeZone);
  if (loadError !== null) errs.push(invalid(path, timeZone, loadError));
  return errs;
}

/** Upstream `ValidateJobTemplateSpec`: the Job spec, with a selector the CronJob will generate. */
function validateJobTemplateSpec(
  template: JobTemplateSpec | undefined,
  path: Path,
): FieldErrorList {
  const spec: JobSpec = template?.spec ?? ({} as JobSpec);
  const sp = path.child('spec');
  const errs = validateJobSpecFields(spec, sp, {});
  if (spec.selector) {
    errs.push(
      invalid(
        sp.child('selector'),
        goLabelSelector(spec.selector),
        '`selector` will be auto-generated',
      ),
    );
  }
  if (spec.manualSelector === true) {
    errs.push(notSupported(sp.child('manualSelector'), true, ['nil', 'false']));
  }
  return errs;
}

function validateCronJobSpec(spec: CronJobSpec, oldSpec: CronJobSpec | undefined): FieldErrorList {
  const errs: FieldErrorList = [];
  const schedule = stringOrEmpty(spec.schedule);
  const schedulePath = specPath.child('schedule');
  if (schedule.length === 0) {
    errs.push(required(schedulePath, ''));
  } else {
    const parseError = parseCronSchedule(schedule);
    if (parseError !== null) errs.push(invalid(schedulePath, schedule, parseError));
    const allowTZ = oldSpec !== undefined && stringOrEmpty(oldSpec.schedule).includes('TZ');
    if (allowTZ && schedule.includes('TZ') && typeof spec.timeZone === 'string') {
      errs.push(
        invalid(
          schedulePath,
          schedule,
          'cannot use both timeZone field and TZ or CRON_TZ in schedule',
        ),
      );
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(
        invalid(
          schedulePath,
          schedule,
          'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
        ),
      );
    }
  }
  errs.push(
    ...nonnegativeIfSet(spec.startingDeadlineSeconds, specPath.child('startingDeadlineSeconds')),
  );
  if (oldSpec === undefined || (oldSpec.timeZone ?? null) !== (spec.timeZone ?? null)) {
    errs.push(...validateTimeZone(spec.timeZone, specPath.child('timeZone')));
  }
  const policy: string = stringOrEmpty(spec.concurrencyPolicy);
  const policyPath = specPath.child('concurrencyPolicy');
  if (policy === '') errs.push(required(policyPath, ''));
  else if (policy !== 'Allow' && policy !== 'Forbid' && policy !== 'Replace') {
    errs.push(notSupported(policyPath, policy, ['Allow', 'Forbid', 'Replace']));
  }
  errs.push(...validateJobTemplateSpec(spec.jobTemplate, specPath.child('jobTemplate')));
  errs.push(
    ...nonnegativeIfSet(
      spec.successfulJobsHistoryLimit,
      specPath.child('successfulJobsHistoryLimit'),
    ),
  );
  errs.push(
    ...nonnegativeIfSet(spec.failedJobsHistoryLimit, specPath.child('failedJobsHistoryLimit')),
  );
  return errs;
}

/** The spec as Go sees it: a missing one is the zero value (no schedule, no policy). */
function cronJobSpecOf(obj: CronJob): CronJobSpec {
  return obj.spec ?? ({} as CronJobSpec);
}

/**
 * A new CronJob (upstream `ValidateCronJobCreate`): a parseable schedule, a known time zone, a
 * valid Job template, and a name short enough for the Jobs it will create.
 */
export function validateCronJob(obj: CronJob): FieldErrorList {
  const errs = validateWorkloadObjectMeta(obj.metadata, 'subdomain', metadataPath);
  errs.push(...validateCronJobSpec(cronJobSpecOf(obj), undefined));
  const name = stringOrEmpty(obj.metadata?.name);
  if (name.length > maxCronJobNameLength) {
    errs.push(
      invalid(
        metadataPath.child('name'),
        name,
        `must be no more than ${maxCronJobNameLength} characters`,
      ),
    );
  }
  return errs;
}

/**
 * An update of a CronJob (upstream `ValidateCronJobUpdate`): as a new one, except that the name is
 * not re-checked, a TZ= prefix may stay in a schedule that had one, and an unchanged time zone is
 * not re-checked.
 */
export function validateCronJobUpdate(obj: CronJob, old: CronJob): FieldErrorList {
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  errs.push(...validateCronJobSpec(cronJobSpecOf(obj), cronJobSpecOf(old)));
  return errs;
}

/**
 * An update through cronjobs/status: upstream's status strategy adds no rule of its own, so only
 * the registry's metadata checks apply.
 */
export function validateCronJobStatusUpdate(obj: CronJob, old: CronJob): FieldErrorList {
  return validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
}
