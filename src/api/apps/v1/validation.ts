/**
 * Validation of apps/v1 (Deployment, ReplicaSet, DaemonSet, StatefulSet, ControllerRevision) as
 * upstream v1.32 does it: `pkg/apis/apps/validation` plus what the registry strategies add
 * (selector immutability, the generic registry's metadata checks on update). Messages, error
 * types and field paths are upstream's, so a 422 reads as on a real cluster:
 *
 *   Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value:
 *   map[string]string{"app":"api"}: `selector` does not match template `labels`
 *
 * Every function is pure, returns the errors in upstream's order and never throws. Callers run
 * defaulting first (`defaults.ts`); a missing `spec` or pod template is validated as the defaulted
 * empty value Go would have, since Go decodes those value structs as present.
 *
 * As in v1.32, a StatefulSet's pod template is checked only for its labels, annotations,
 * restartPolicy and activeDeadlineSeconds, not as a pod spec, and its serviceName and
 * volumeClaimTemplates are not checked at all (only kept immutable).
 *
 * Known differences from upstream, all behind feature gates that are off in v1.32 or in registry
 * bookkeeping podbay does not keep: a StatefulSet's `rollingUpdate.maxUnavailable` is ignored
 * (MaxUnavailableStatefulSet is alpha; upstream drops the field), and a DaemonSet's
 * `templateGeneration` (the `deprecated.daemonset.template.generation` annotation) is only
 * checked to be non-negative.
 */
import {
  defaultPodTemplateSpec,
  validatePodTemplateSpec,
  type PodTemplateSpec,
} from '../../core/v1/index.ts';
import type { LabelSelector, ObjectMeta } from '../../meta/v1.ts';
import type { LabelsSelector } from '../../labels/selector.ts';
import type { FieldErrorList } from '../../validation/field-errors.ts';
import { Path, forbidden, invalid, notSupported, required } from '../../validation/field-errors.ts';
import { validateNonnegativeField } from '../../validation/generic.ts';
import { GoLiteral, goQuote } from '../../validation/go-format.ts';
import { isValidPercent } from '../../validation/names.ts';
import { validateLabelSelector } from '../../validation/object-meta.ts';
import type { ControllerRevision } from './controller-revision.ts';
import type {
  DaemonSet,
  DaemonSetSpec,
  DaemonSetStatus,
  RollingUpdateDaemonSet,
} from './daemon-set.ts';
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultReplicaSet,
  defaultStatefulSet,
} from './defaults.ts';
import type {
  Deployment,
  DeploymentSpec,
  DeploymentStatus,
  DeploymentStrategy,
} from './deployment.ts';
import type { ReplicaSet, ReplicaSetSpec, ReplicaSetStatus } from './replica-set.ts';
import type { StatefulSet, StatefulSetSpec, StatefulSetStatus } from './stateful-set.ts';
import {
  type IntOrStringValue,
  goIntOrString,
  goIntOrStringPointerText,
  goLabelSelector,
  goPointerText,
  goStringMap,
  immutableField,
  isEmptyMap,
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
} from './validation-helpers.ts';

const metadataPath = Path.root('metadata');
const specPath = Path.root('spec');
const statusPath = Path.root('status');

/** Options that depend on the old object of an update (upstream `PodValidationOptions`). */
export interface PodTemplateValidationOptions {
  /** The old template already had an invalid pod-deletion-cost annotation. */
  readonly allowInvalidPodDeletionCost?: boolean;
  /** The old selector already had label values that are not valid (DaemonSet only). */
  readonly allowInvalidLabelValueInSelector?: boolean;
}

// ---- shared ----------------------------------------------------------------------------------

const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

/** Upstream `GetDeletionCostFromPodAnnotations` fails: no `+`, no leading zero, a 32-bit integer. */
function invalidDeletionCost(annotations: Readonly<Record<string, string>> | undefined): boolean {
  const v = annotations?.[deletionCostAnnotation];
  if (v === undefined) return false;
  const first = v[0];
  const firstOk =
    first === '-' || v === '0' || (first !== undefined && first >= '1' && first <= '9');
  if (!firstOk || !/^-?[0-9]+$/.test(v)) return true;
  const n = Number(v);
  return n < -2147483648 || n > 2147483647;
}

/**
 * Upstream `GetValidationOptionsFromPodTemplate` for the options podbay's validators take: on an
 * update (an old template is given), an invalid deletion cost the old template already had is
 * tolerated.
 */
export function podTemplateValidationOptions(
  old: PodTemplateSpec | undefined,
): PodTemplateValidationOptions {
  return old ? { allowInvalidPodDeletionCost: invalidDeletionCost(old.metadata?.annotations) } : {};
}

/** The template as Go sees it: a missing one is the defaulted empty template. */
function templateOf(t: PodTemplateSpec | undefined): PodTemplateSpec {
  if (t) return t;
  const fresh: PodTemplateSpec = {};
  defaultPodTemplateSpec(fresh);
  return fresh;
}

function templateOptions(opts: PodTemplateValidationOptions): {
  allowInvalidPodDeletionCost?: boolean;
} {
  return opts.allowInvalidPodDeletionCost ? { allowInvalidPodDeletionCost: true } : {};
}

/** `must be greater than or equal to 0` for an optional field that is set. */
function nonnegativeIfSet(v: number | null | undefined, path: Path): FieldErrorList {
  return typeof v === 'number' ? validateNonnegativeField(v, path) : [];
}

/**
 * The selector checks of Deployments, ReplicaSets and StatefulSets: required, valid (strictly),
 * not empty. Returns the parsed selector, or null when it cannot be parsed.
 */
function validateRequiredSelector(
  sel: LabelSelector | null | undefined,
  kind: string,
  path: Path,
  errs: FieldErrorList,
): LabelsSelector | null {
  if (!sel) {
    errs.push(required(path, ''));
  } else {
    errs.push(...validateLabelSelector(sel, path));
    if (isEmptyMap(sel.matchLabels) && listOrEmpty(sel.matchExpressions).length === 0) {
      errs.push(invalid(path, goLabelSelector(sel), `empty selector is invalid for ${kind}`));
    }
  }
  return selectorOrNull(sel);
}

/** `<path>.metadata.labels: Invalid value: map[...]: `selector` does not match template `labels``. */
function selectorMatchesTemplate(
  selector: LabelsSelector,
  template: PodTemplateSpec,
  path: Path,
): FieldErrorList {
  const labels = template.metadata?.labels;
  if (!selector.empty() && !selector.matches(labels)) {
    return [
      invalid(
        path.child('metadata', 'labels'),
        goStringMap(labels),
        '`selector` does not match template `labels`',
      ),
    ];
  }
  return [];
}

/** restartPolicy must be Always and activeDeadlineSeconds unset (every long-running workload). */
function validateLongRunningTemplate(
  template: PodTemplateSpec,
  kind: string,
  path: Path,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const restartPolicy = stringOrEmpty(template.spec?.restartPolicy);
  if (restartPolicy !== 'Always') {
    errs.push(notSupported(path.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  }
  if (isSet(template.spec?.activeDeadlineSeconds)) {
    errs.push(
      forbidden(
        path.child('spec', 'activeDeadlineSeconds'),
        `activeDeadlineSeconds in ${kind} is not Supported`,
      ),
    );
  }
  return errs;
}

/**
 * Upstream `ValidatePodTemplateSpecForReplicaSet` (Deployments and ReplicaSets): the template
 * matches the selector, is a valid pod template, restarts Always and has no active deadline.
 */
function validatePodTemplateSpecForReplicaSet(
  template: PodTemplateSpec,
  selector: LabelsSelector,
  path: Path,
  opts: PodTemplateValidationOptions,
): FieldErrorList {
  const errs = selectorMatchesTemplate(selector, template, path);
  errs.push(...validatePodTemplateSpec(template, path, templateOptions(opts)));
  errs.push(...validateLongRunningTemplate(template, 'ReplicaSet', path));
  return errs;
}

/** A percentage string's value (`"25%"` → 25), or null when the value is not one. */
function percentValue(v: IntOrStringValue): number | null {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return null;
  return goAtoi(v.slice(0, -1));
}

/** Go's `strconv.Atoi`, with the error ignored (0), as `IntOrString.IntValue` uses it. */
function goAtoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) return 0;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : n > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

/** Upstream `getIntOrPercentValue`: a percentage's number, else `IntValue()`. */
function intOrPercentValue(v: IntOrStringValue): number {
  const p = percentValue(v);
  if (p !== null) return p;
  if (typeof v === 'string') return goAtoi(v);
  return typeof v === 'number' ? v : 0;
}

/** Upstream `ValidatePositiveIntOrPercent`: a valid percentage, or a non-negative integer. */
function validatePositiveIntOrPercent(v: IntOrStringValue, path: Path): FieldErrorList {
  if (typeof v === 'string')
    return isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m));
  return validateNonnegativeField(typeof v === 'number' ? v : 0, path);
}

/** Upstream `IsNotMoreThan100Percent`. */
function isNotMoreThan100Percent(v: IntOrStringValue, path: Path): FieldErrorList {
  const p = percentValue(v);
  if (p === null || p <= 100) return [];
  return [invalid(path, goIntOrString(v), 'must not be greater than 100%')];
}

// ---- Deployment ------------------------------------------------------------------------------

/** The spec as Go sees it: a missing one is the defaulted empty spec. */
function deploymentSpecOf(obj: Deployment): DeploymentSpec {
  if (obj.spec) return obj.spec;
  const fresh = { spec: {} } as Deployment;
  defaultDeployment(fresh);
  return fresh.spec as DeploymentSpec;
}

function goDeploymentStrategy(s: DeploymentStrategy): GoLiteral {
  return new GoLiteral(
    `apps.DeploymentStrategy{Type:${goQuote(stringOrEmpty(s.type))}, RollingUpdate:${goPointerText(
      'apps.RollingUpdateDeployment',
      isSet(s.rollingUpdate),
    )}}`,
  );
}

function validateDeploymentStrategy(
  strategy: DeploymentStrategy | undefined,
  path: Path,
): FieldErrorList {
  const s = strategy ?? {};
  const type: string = stringOrEmpty(s.type);
  const errs: FieldErrorList = [];
  switch (type) {
    case 'Recreate':
      if (s.rollingUpdate) {
        errs.push(
          forbidden(
            path.child('rollingUpdate'),
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        );
      }
      break;
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!ru) {
        errs.push(
          required(path.child('rollingUpdate'), 'this should be defaulted and never be nil'),
        );
        break;
      }
      const p = path.child('rollingUpdate');
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(
          invalid(
            p.child('maxUnavailable'),
            goIntOrString(ru.maxUnavailable),
            'may not be 0 when `maxSurge` is 0',
          ),
        );
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
      break;
    }
    default:
      errs.push(notSupported(path, goDeploymentStrategy(s), ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

/** Upstream `ValidateDeploymentSpec`. */
function validateDeploymentSpec(
  spec: DeploymentSpec,
  path: Path,
  opts: PodTemplateValidationOptions,
): FieldErrorList {
  const errs = validateNonnegativeField(numberOrZero(spec.replicas), path.child('replicas'));
  const selector = validateRequiredSelector(
    spec.selector,
    'deployment',
    path.child('selector'),
    errs,
  );
  if (selector === null) {
    errs.push(
      invalid(path.child('selector'), goLabelSelector(spec.selector), 'invalid label selector'),
    );
  } else {
    errs.push(
      ...validatePodTemplateSpecForReplicaSet(
        templateOf(spec.template),
        selector,
        path.child('template'),
        opts,
      ),
    );
  }
  errs.push(...validateDeploymentStrategy(spec.strategy, path.child('strategy')));
  const minReadySeconds = numberOrZero(spec.minReadySeconds);
  errs.push(...validateNonnegativeField(minReadySeconds, path.child('minReadySeconds')));
  errs.push(...nonnegativeIfSet(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const progressDeadline = spec.progressDeadlineSeconds;
  if (typeof progressDeadline === 'number') {
    errs.push(...validateNonnegativeField(progressDeadline, path.child('progressDeadlineSeconds')));
    if (progressDeadline <= minReadySeconds) {
      errs.push(
        invalid(
          path.child('progressDeadlineSeconds'),
          progressDeadline,
          'must be greater than minReadySeconds',
        ),
      );
    }
  }
  return errs;
}

/** A new Deployment (upstream `ValidateDeployment`). */
export function validateDeployment(obj: Deployment): FieldErrorList {
  const errs = validateWorkloadObjectMeta(obj.metadata, 'subdomain', metadataPath);
  errs.push(
    ...validateDeploymentSpec(
      deploymentSpecOf(obj),
      specPath,
      podTemplateValidationOptions(undefined),
    ),
  );
  return errs;
}

/**
 * An update of a Deployment: the registry's metadata checks, upstream `ValidateDeploymentUpdate`,
 * and the apps/v1 rule that the selector is immutable.
 */
export function validateDeploymentUpdate(obj: Deployment, old: Deployment): FieldErrorList {
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  const spec = deploymentSpecOf(obj);
  errs.push(
    ...validateDeploymentSpec(spec, specPath, podTemplateValidationOptions(old.spec?.template)),
  );
  const oldSelector = deploymentSpecOf(old).selector;
  errs.push(
    ...immutableField(
      spec.selector,
      oldSelector,
      goLabelSelector(spec.selector),
      specPath.child('selector'),
    ),
  );
  return errs;
}

/** Upstream `IsDecremented` of a collision count, reported as upstream does. */
function collisionCountDecremented(
  now: number | null | undefined,
  before: number | null | undefined,
): FieldErrorList {
  const decremented = typeof before === 'number' && (typeof now !== 'number' || now < before);
  if (!decremented) return [];
  return [
    invalid(
      statusPath.child('collisionCount'),
      typeof now === 'number' ? now : 0,
      'cannot be decremented',
    ),
  ];
}

/** Upstream `ValidateDeploymentStatus`. */
function validateDeploymentStatus(status: DeploymentStatus, path: Path): FieldErrorList {
  const replicas = numberOrZero(status.replicas);
  const updated = numberOrZero(status.updatedReplicas);
  const ready = numberOrZero(status.readyReplicas);
  const available = numberOrZero(status.availableReplicas);
  const errs = validateNonnegativeField(
    numberOrZero(status.observedGeneration),
    path.child('observedGeneration'),
  );
  errs.push(...validateNonnegativeField(replicas, path.child('replicas')));
  errs.push(...validateNonnegativeField(updated, path.child('updatedReplicas')));
  errs.push(...validateNonnegativeField(ready, path.child('readyReplicas')));
  errs.push(...validateNonnegativeField(available, path.child('availableReplicas')));
  errs.push(
    ...validateNonnegativeField(
      numberOrZero(status.unavailableReplicas),
      path.child('unavailableReplicas'),
    ),
  );
  errs.push(...nonnegativeIfSet(status.collisionCount, path.child('collisionCount')));
  const msg = 'cannot be greater than status.replicas';
  if (updated > replicas) errs.push(invalid(path.child('updatedReplicas'), updated, msg));
  if (ready > replicas) errs.push(invalid(path.child('readyReplicas'), ready, msg));
  if (available > replicas) errs.push(invalid(path.child('availableReplicas'), available, msg));
  if (available > ready) {
    errs.push(
      invalid(path.child('availableReplicas'), available, 'cannot be greater than readyReplicas'),
    );
  }
  return errs;
}

/** An update through deployments/status (upstream `ValidateDeploymentStatusUpdate`). */
export function validateDeploymentStatusUpdate(obj: Deployment, old: Deployment): FieldErrorList {
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  errs.push(...validateDeploymentStatus(obj.status ?? {}, statusPath));
  errs.push(...collisionCountDecremented(obj.status?.collisionCount, old.status?.collisionCount));
  return errs;
}

// ---- ReplicaSet ------------------------------------------------------------------------------

function replicaSetSpecOf(obj: ReplicaSet): ReplicaSetSpec {
  if (obj.spec) return obj.spec;
  const fresh = { spec: {} } as ReplicaSet;
  defaultReplicaSet(fresh);
  return fresh.spec as ReplicaSetSpec;
}

/** Upstream `ValidateReplicaSetSpec` (its empty-selector message really says "deployment"). */
function validateReplicaSetSpec(
  spec: ReplicaSetSpec,
  path: Path,
  opts: PodTemplateValidationOptions,
): FieldErrorList {
  const errs = validateNonnegativeField(numberOrZero(spec.replicas), path.child('replicas'));
  errs.push(
    ...validateNonnegativeField(numberOrZero(spec.minReadySeconds), path.child('minReadySeconds')),
  );
  const selector = validateRequiredSelector(
    spec.selector,
    'deployment',
    path.child('selector'),
    errs,
  );
  if (selector === null) {
    errs.push(
      invalid(path.child('selector'), goLabelSelector(spec.selector), 'invalid label selector'),
    );
  } else {
    errs.push(
      ...validatePodTemplateSpecForReplicaSet(
        templateOf(spec.template),
        selector,
        path.child('template'),
        opts,
      ),
    );
  }
  return errs;
}

/** A new ReplicaSet (upstream `ValidateReplicaSet`). */
export function validateReplicaSet(obj: ReplicaSet): FieldErrorList {
  return validateReplicaSetWith(obj, podTemplateValidationOptions(undefined));
}

function validateReplicaSetWith(
  obj: ReplicaSet,
  opts: PodTemplateValidationOptions,
): FieldErrorList {
  const errs = validateWorkloadObjectMeta(obj.metadata, 'subdomain', metadataPath);
  errs.push(...validateReplicaSetSpec(replicaSetSpecOf(obj), specPath, opts));
  return errs;
}

/**
 * An update of a ReplicaSet. Upstream's strategy validates the object as new, then as an update
 * (so a spec error appears twice in the causes, once in the message), then the selector's
 * immutability.
 */
export function validateReplicaSetUpdate(obj: ReplicaSet, old: ReplicaSet): FieldErrorList {
  const opts = podTemplateValidationOptions(old.spec?.template);
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateReplicaSetWith(obj, opts));
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  const spec = replicaSetSpecOf(obj);
  errs.push(...validateReplicaSetSpec(spec, specPath, opts));
  errs.push(
    ...immutableField(
      spec.selector,
      replicaSetSpecOf(old).selector,
      goLabelSelector(spec.selector),
      specPath.child('selector'),
    ),
  );
  return errs;
}

/** Upstream `ValidateReplicaSetStatus`. */
function validateReplicaSetStatus(
  status: ReplicaSetStatus | undefined,
  path: Path,
): FieldErrorList {
  const s = status ?? ({} as Partial<ReplicaSetStatus>);
  const replicas = numberOrZero(s.replicas);
  const fullyLabeled = numberOrZero(s.fullyLabeledReplicas);
  const ready = numberOrZero(s.readyReplicas);
  const available = numberOrZero(s.availableReplicas);
  const errs = validateNonnegativeField(replicas, path.child('replicas'));
  errs.push(...validateNonnegativeField(fullyLabeled, path.child('fullyLabeledReplicas')));
  errs.push(...validateNonnegativeField(ready, path.child('readyReplicas')));
  errs.push(...validateNonnegativeField(available, path.child('availableReplicas')));
  errs.push(
    ...validateNonnegativeField(
      numberOrZero(s.observedGeneration),
      path.child('observedGeneration'),
    ),
  );
  const msg = 'cannot be greater than status.replicas';
  if (fullyLabeled > replicas)
    errs.push(invalid(path.child('fullyLabeledReplicas'), fullyLabeled, msg));
  if (ready > replicas) errs.push(invalid(path.child('readyReplicas'), ready, msg));
  if (available > replicas) errs.push(invalid(path.child('availableReplicas'), available, msg));
  if (available > ready) {
    errs.push(
      invalid(path.child('availableReplicas'), available, 'cannot be greater than readyReplicas'),
    );
  }
  return errs;
}

/** An update through replicasets/status (upstream `ValidateReplicaSetStatusUpdate`). */
export function validateReplicaSetStatusUpdate(obj: ReplicaSet, old: ReplicaSet): FieldErrorList {
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  errs.push(...validateReplicaSetStatus(obj.status, statusPath));
  return errs;
}

// ---- DaemonSet -------------------------------------------------------------------------------

/** Annotation that carries the internal `spec.templateGeneration` of a DaemonSet in apps/v1. */
const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

function daemonSetSpecOf(obj: DaemonSet): DaemonSetSpec {
  if (obj.spec) return obj.spec;
  const fresh = { spec: {} } as DaemonSet;
  defaultDaemonSet(fresh);
  return fresh.spec as DaemonSetSpec;
}

/** The internal templateGeneration, read from its annotation as the v1 conversion does. */
function templateGeneration(meta: ObjectMeta | undefined): number {
  const v = meta?.annotations?.[templateGenerationAnnotation];
  if (v === undefined || !/^[+-]?[0-9]+$/.test(v)) return 0;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : 0;
}

function validateRollingUpdateDaemonSet(ru: RollingUpdateDaemonSet, path: Path): FieldErrorList {
  const mu = ru.maxUnavailable;
  const ms = ru.maxSurge;
  const errs = validatePositiveIntOrPercent(mu, path.child('maxUnavailable'));
  errs.push(...validatePositiveIntOrPercent(ms, path.child('maxSurge')));
  errs.push(...isNotMoreThan100Percent(mu, path.child('maxUnavailable')));
  errs.push(...isNotMoreThan100Percent(ms, path.child('maxSurge')));
  const hasUnavailable = intOrPercentValue(mu) !== 0;
  const hasSurge = intOrPercentValue(ms) !== 0;
  if (hasUnavailable && hasSurge) {
    errs.push(
      invalid(
        path.child('maxSurge'),
        goIntOrString(ms),
        'may not be set when maxUnavailable is non-zero',
      ),
    );
  } else if (!hasUnavailable && !hasSurge) {
    errs.push(required(path.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  }
  return errs;
}

function validateDaemonSetUpdateStrategy(
  strategy: DaemonSetSpec['updateStrategy'],
  path: Path,
): FieldErrorList {
  const s = strategy ?? {};
  const type: string = stringOrEmpty(s.type);
  switch (type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      if (!s.rollingUpdate) return [required(path.child('rollingUpdate'), '')];
      return validateRollingUpdateDaemonSet(s.rollingUpdate, path.child('rollingUpdate'));
    default:
      return [
        notSupported(
          path,
          new GoLiteral(
            `apps.DaemonSetUpdateStrategy{Type:${goQuote(type)}, RollingUpdate:${goPointerText(
              'apps.RollingUpdateDaemonSet',
              isSet(s.rollingUpdate),
            )}}`,
          ),
          ['RollingUpdate', 'OnDelete'],
        ),
      ];
  }
}

/** Upstream `ValidateDaemonSetSpec`. */
function validateDaemonSetSpec(
  spec: DaemonSetSpec,
  generation: number,
  path: Path,
  opts: PodTemplateValidationOptions,
): FieldErrorList {
  const template = templateOf(spec.template);
  const errs = validateLabelSelector(spec.selector, path.child('selector'), {
    allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector === true,
  });
  const selector = selectorOrNull(spec.selector);
  if (selector !== null && !selector.matches(template.metadata?.labels)) {
    errs.push(
      invalid(
        path.child('template', 'metadata', 'labels'),
        goStringMap(template.metadata?.labels),
        '`selector` does not match template `labels`',
      ),
    );
  }
  const sel = maybe(spec.selector);
  if (sel && isEmptyMap(sel.matchLabels) && listOrEmpty(sel.matchExpressions).length === 0) {
    errs.push(
      invalid(
        path.child('selector'),
        goLabelSelector(sel),
        'empty selector is invalid for daemonset',
      ),
    );
  }
  errs.push(...validatePodTemplateSpec(template, path.child('template'), templateOptions(opts)));
  errs.push(...validateLongRunningTemplate(template, 'DaemonSet', path.child('template')));
  errs.push(
    ...validateNonnegativeField(numberOrZero(spec.minReadySeconds), path.child('minReadySeconds')),
  );
  errs.push(...validateNonnegativeField(generation, path.child('templateGeneration')));
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy, path.child('updateStrategy')));
  errs.push(...nonnegativeIfSet(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  return errs;
}

/** A new DaemonSet (upstream `ValidateDaemonSet`). */
export function validateDaemonSet(obj: DaemonSet): FieldErrorList {
  return validateDaemonSetWith(obj, podTemplateValidationOptions(undefined));
}

function validateDaemonSetWith(obj: DaemonSet, opts: PodTemplateValidationOptions): FieldErrorList {
  const errs = validateWorkloadObjectMeta(obj.metadata, 'subdomain', metadataPath);
  errs.push(
    ...validateDaemonSetSpec(
      daemonSetSpecOf(obj),
      templateGeneration(obj.metadata),
      specPath,
      opts,
    ),
  );
  return errs;
}

/**
 * An update of a DaemonSet: validated as new, then as an update, then the selector's
 * immutability (upstream's strategy). A selector that already had invalid label values may keep
 * them.
 */
export function validateDaemonSetUpdate(obj: DaemonSet, old: DaemonSet): FieldErrorList {
  const opts: PodTemplateValidationOptions = {
    ...podTemplateValidationOptions(old.spec?.template),
    allowInvalidLabelValueInSelector: labelSelectorHasInvalidLabelValue(old.spec?.selector),
  };
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateDaemonSetWith(obj, opts));
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  const spec = daemonSetSpecOf(obj);
  errs.push(...validateDaemonSetSpec(spec, templateGeneration(obj.metadata), specPath, opts));
  errs.push(
    ...immutableField(
      spec.selector,
      daemonSetSpecOf(old).selector,
      goLabelSelector(spec.selector),
      specPath.child('selector'),
    ),
  );
  return errs;
}

function validateDaemonSetStatus(status: DaemonSetStatus | undefined, path: Path): FieldErrorList {
  const s = status ?? ({} as Partial<DaemonSetStatus>);
  const fields: (keyof DaemonSetStatus)[] = [
    'currentNumberScheduled',
    'numberMisscheduled',
    'desiredNumberScheduled',
    'numberReady',
    'observedGeneration',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberUnavailable',
  ];
  const errs: FieldErrorList = [];
  for (const f of fields) errs.push(...validateNonnegativeField(numberOrZero(s[f]), path.child(f)));
  errs.push(...nonnegativeIfSet(s.collisionCount, path.child('collisionCount')));
  return errs;
}

/** An update through daemonsets/status (upstream `ValidateDaemonSetStatusUpdate`). */
export function validateDaemonSetStatusUpdate(obj: DaemonSet, old: DaemonSet): FieldErrorList {
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  errs.push(...validateDaemonSetStatus(obj.status, statusPath));
  errs.push(...collisionCountDecremented(obj.status?.collisionCount, old.status?.collisionCount));
  return errs;
}

// ---- StatefulSet -----------------------------------------------------------------------------

function statefulSetSpecOf(obj: StatefulSet): StatefulSetSpec {
  if (obj.spec) return obj.spec;
  const fresh = { spec: {} } as StatefulSet;
  defaultStatefulSet(fresh);
  return fresh.spec as StatefulSetSpec;
}

function validateRetentionPolicyType(v: string | undefined, path: Path): FieldErrorList {
  const value = stringOrEmpty(v);
  if (value === 'Retain' || value === 'Delete') return [];
  return [notSupported(path, value, ['Retain', 'Delete'])];
}

function validateStatefulSetUpdateStrategy(spec: StatefulSetSpec, path: Path): FieldErrorList {
  const strategy = spec.updateStrategy ?? {};
  const type: string = stringOrEmpty(strategy.type);
  const ru = strategy.rollingUpdate;
  switch (type) {
    case '':
      return [required(path, '')];
    case 'OnDelete':
      if (!ru) return [];
      return [
        invalid(
          path.child('rollingUpdate'),
          new GoLiteral(
            `apps.RollingUpdateStatefulSetStrategy{Partition:${numberOrZero(ru.partition)}, MaxUnavailable:${goIntOrStringPointerText(undefined)}}`,
          ),
          "only allowed for updateStrategy 'RollingUpdate'",
        ),
      ];
    case 'RollingUpdate':
      if (!ru) return [];
      return validateNonnegativeField(
        numberOrZero(ru.partition),
        path.child('rollingUpdate', 'partition'),
      );
    default:
      return [
        invalid(
          path,
          new GoLiteral(
            `apps.StatefulSetUpdateStrategy{Type:${goQuote(type)}, RollingUpdate:${goPointerText(
              'apps.RollingUpdateStatefulSetStrategy',
              isSet(ru),
            )}}`,
          ),
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      ];
  }
}

/**
 * Upstream `ValidatePodTemplateSpecForStatefulSet`: the template matches the selector and has
 * valid labels and annotations. The pod spec itself is not validated for StatefulSets in v1.32.
 */
function validatePodTemplateSpecForStatefulSet(
  template: PodTemplateSpec,
  selector: LabelsSelector,
  path: Path,
  opts: PodTemplateValidationOptions,
): FieldErrorList {
  const errs = selectorMatchesTemplate(selector, template, path);
  // Core's template validation checks, in this order, the labels (at `<path>.labels`), the
  // annotations and the pod-specific annotations (at `<path>.annotations...`) before the pod spec;
  // a StatefulSet keeps exactly those first checks.
  const labelsPath = path.child('labels').toString();
  const annotationsPath = path.child('annotations').toString();
  for (const e of validatePodTemplateSpec(template, path, templateOptions(opts))) {
    if (isUnder(e.field, labelsPath) || isUnder(e.field, annotationsPath)) errs.push(e);
  }
  return errs;
}

function isUnder(field: string, prefix: string): boolean {
  return field === prefix || field.startsWith(prefix + '[') || field.startsWith(prefix + '.');
}

/** Upstream `ValidateStatefulSetSpec`. */
function validateStatefulSetSpec(
  spec: StatefulSetSpec,
  path: Path,
  opts: PodTemplateValidationOptions,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const policy: string = stringOrEmpty(spec.podManagementPolicy);
  if (policy === '') {
    errs.push(required(path.child('podManagementPolicy'), ''));
  } else if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    errs.push(
      invalid(path.child('podManagementPolicy'), policy, "must be 'OrderedReady' or 'Parallel'"),
    );
  }
  errs.push(...validateStatefulSetUpdateStrategy(spec, path.child('updateStrategy')));
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    const rp = path.child('persistentVolumeClaimRetentionPolicy');
    errs.push(...validateRetentionPolicyType(retention.whenDeleted, rp.child('whenDeleted')));
    errs.push(...validateRetentionPolicyType(retention.whenScaled, rp.child('whenScaled')));
  }
  errs.push(...validateNonnegativeField(numberOrZero(spec.replicas), path.child('replicas')));
  errs.push(
    ...validateNonnegativeField(numberOrZero(spec.minReadySeconds), path.child('minReadySeconds')),
  );
  if (spec.ordinals) {
    errs.push(
      ...validateNonnegativeField(numberOrZero(spec.ordinals.start), path.child('ordinals.start')),
    );
  }
  const selector = validateRequiredSelector(
    spec.selector,
    'statefulset',
    path.child('selector'),
    errs,
  );
  const template = templateOf(spec.template);
  if (selector === null) {
    errs.push(invalid(path.child('selector'), goLabelSelector(spec.selector), ''));
  } else {
    errs.push(
      ...validatePodTemplateSpecForStatefulSet(template, selector, path.child('template'), opts),
    );
  }
  errs.push(...validateLongRunningTemplate(template, 'StatefulSet', path.child('template')));
  return errs;
}

/** A new StatefulSet (upstream `ValidateStatefulSet`); its name must be a DNS label. */
export function validateStatefulSet(obj: StatefulSet): FieldErrorList {
  const errs = validateWorkloadObjectMeta(obj.metadata, 'label', metadataPath);
  errs.push(
    ...validateStatefulSetSpec(
      statefulSetSpecOf(obj),
      specPath,
      podTemplateValidationOptions(undefined),
    ),
  );
  return errs;
}

/** The spec fields an update may change, replaced by the old values for the comparison. */
const mutableStatefulSetFields: ReadonlySet<string> = new Set([
  'replicas',
  'template',
  'updateStrategy',
  'minReadySeconds',
  'ordinals',
  'persistentVolumeClaimRetentionPolicy',
]);

/**
 * An update of a StatefulSet (upstream `ValidateStatefulSetUpdate`): the spec is validated (the
 * name is not, so old subdomain names stay updatable) and only replicas, ordinals, template,
 * updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
 */
export function validateStatefulSetUpdate(obj: StatefulSet, old: StatefulSet): FieldErrorList {
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  const spec = statefulSetSpecOf(obj);
  const oldSpec = statefulSetSpecOf(old);
  errs.push(
    ...validateStatefulSetSpec(spec, specPath, podTemplateValidationOptions(old.spec?.template)),
  );
  const immutablePart = (s: StatefulSetSpec): Record<string, unknown> =>
    Object.fromEntries(Object.entries(s).filter(([k]) => !mutableStatefulSetFields.has(k)));
  if (!semanticEqual(immutablePart(spec), immutablePart(oldSpec))) {
    errs.push(
      forbidden(
        specPath,
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

function validateStatefulSetStatus(
  status: StatefulSetStatus | undefined,
  path: Path,
): FieldErrorList {
  const s = status ?? ({} as Partial<StatefulSetStatus>);
  const replicas = numberOrZero(s.replicas);
  const ready = numberOrZero(s.readyReplicas);
  const current = numberOrZero(s.currentReplicas);
  const updated = numberOrZero(s.updatedReplicas);
  const available = numberOrZero(s.availableReplicas);
  const errs = validateNonnegativeField(replicas, path.child('replicas'));
  errs.push(...validateNonnegativeField(ready, path.child('readyReplicas')));
  errs.push(...validateNonnegativeField(current, path.child('currentReplicas')));
  errs.push(...validateNonnegativeField(updated, path.child('updatedReplicas')));
  errs.push(...validateNonnegativeField(available, path.child('availableReplicas')));
  errs.push(...nonnegativeIfSet(s.observedGeneration, path.child('observedGeneration')));
  errs.push(...nonnegativeIfSet(s.collisionCount, path.child('collisionCount')));
  const msg = 'cannot be greater than status.replicas';
  if (ready > replicas) errs.push(invalid(path.child('readyReplicas'), ready, msg));
  if (current > replicas) errs.push(invalid(path.child('currentReplicas'), current, msg));
  if (updated > replicas) errs.push(invalid(path.child('updatedReplicas'), updated, msg));
  if (available > replicas) errs.push(invalid(path.child('availableReplicas'), available, msg));
  if (available > ready) {
    errs.push(
      invalid(
        path.child('availableReplicas'),
        available,
        'cannot be greater than status.readyReplicas',
      ),
    );
  }
  return errs;
}

/** An update through statefulsets/status (upstream `ValidateStatefulSetStatusUpdate`). */
export function validateStatefulSetStatusUpdate(
  obj: StatefulSet,
  old: StatefulSet,
): FieldErrorList {
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateStatefulSetStatus(obj.status, statusPath));
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  errs.push(...collisionCountDecremented(obj.status?.collisionCount, old.status?.collisionCount));
  return errs;
}

// ---- ControllerRevision ----------------------------------------------------------------------

/** Go's `%#v` of the `runtime.Unknown` a revision's data decodes to. */
function goRawData(data: unknown): GoLiteral | string {
  if (data === undefined || data === null) return 'null';
  const bytes = new TextEncoder().encode(JSON.stringify(data));
  const hex = Array.from(bytes, (b) => `0x${b.toString(16)}`).join(', ');
  return new GoLiteral(
    `runtime.Unknown{TypeMeta:runtime.TypeMeta{APIVersion:"", Kind:""}, Raw:[]uint8{${hex}}, ContentEncoding:"", ContentType:"application/json"}`,
  );
}

/** A new ControllerRevision (upstream `ValidateControllerRevision`). */
export function validateControllerRevision(obj: ControllerRevision): FieldErrorList {
  const errs = validateWorkloadObjectMeta(obj.metadata, 'subdomain', metadataPath);
  if (obj.data === undefined || obj.data === null) {
    errs.push(required('data', 'data is mandatory'));
  }
  errs.push(...validateNonnegativeField(numberOrZero(obj.revision), 'revision'));
  return errs;
}

/**
 * An update of a ControllerRevision (upstream `ValidateControllerRevisionUpdate`): valid as a new
 * one, and its data unchanged.
 */
export function validateControllerRevisionUpdate(
  obj: ControllerRevision,
  old: ControllerRevision,
): FieldErrorList {
  const errs = validateRegistryUpdateFields(
    obj.metadata,
    old.metadata,
    { namespaced: true, allowUnconditionalUpdate: true },
    metadataPath,
  );
  errs.push(...validateWorkloadObjectMetaUpdate(obj.metadata, old.metadata, true, metadataPath));
  errs.push(...validateControllerRevision(obj));
  if (JSON.stringify(obj.data ?? null) !== JSON.stringify(old.data ?? null)) {
    errs.push(invalid('data', goRawData(obj.data), 'field is immutable'));
  }
  return errs;
}
