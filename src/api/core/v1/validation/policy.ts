/**
 * LimitRanges, ResourceQuotas and ReplicationControllers as upstream v1.32 validates them.
 *
 * Quantities upstream reports by value (`Invalid value: resource.Quantity{...}`) are rendered as
 * Go prints them (see `goQuantity`).
 */
import type { ValidationContext } from '../../../scheme.ts';
import type { LimitRange } from '../limit-range.ts';
import type { ReplicationController } from '../replication-controller.ts';
import type { ResourceQuota } from '../resource-quota.ts';
import {
  Path,
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../validation/field-errors.ts';
import { GoLiteral, goQuote } from '../../../validation/go-format.ts';
import { fieldImmutableErrorMsg } from '../../../validation/generic.ts';
import { isQualifiedName } from '../../../validation/names.ts';
import {
  type Errs,
  goQuantity,
  isOvercommitAllowed,
  isStandardQuotaResourceName,
  list,
  map,
  metaUpdate,
  parseQty,
  str,
  validateContainerResourceName,
  validateCoreObjectMeta,
  validateResourceName,
  validateResourceQuantityValue,
} from './common.ts';
import { validatePodTemplateSpec } from './pod-spec.ts';

// ---- LimitRange -------------------------------------------------------------------------------

const limitTypes = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

function validateLimitRangeTypeName(value: string, path: Path): Errs {
  const errs = isQualifiedName(value).map((m) => invalid(path, value, m));
  if (errs.length) return errs;
  if (!value.includes('/') && !limitTypes.has(value)) {
    errs.push(invalid(path, value, 'must be a standard limit type or fully qualified'));
  }
  return errs;
}

function validateLimitRangeResourceName(type: string, name: string, path: Path): Errs {
  return type === 'Pod' || type === 'Container'
    ? validateContainerResourceName(name, path)
    : validateResourceName(name, path);
}

const maxMilliValue = 9223372036854775n;

/** Go's `%f` of a float64. */
function goPercentF(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  return n.toFixed(6);
}

/** A new LimitRange (upstream `ValidateLimitRange`; updates use the same rules). */
export function validateLimitRange(lr: LimitRange, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(lr.metadata, { namespaced: true, nameRule: 'subdomain' });
  const types = new Set<string>();
  const limitsPath = Path.root('spec', 'limits');
  list(lr.spec?.limits).forEach((limit, i) => {
    const at = limitsPath.index(i);
    const type = str(limit.type);
    errs.push(...validateLimitRangeTypeName(type, at.child('type')));
    if (types.has(type)) errs.push(duplicate(at.child('type'), type));
    types.add(type);
    const keys = new Set<string>();
    const collect = (
      m: Readonly<Record<string, string>> | undefined,
      key: string,
    ): Map<string, string> => {
      const out = new Map<string, string>();
      for (const [k, q] of Object.entries(map(m))) {
        errs.push(...validateLimitRangeResourceName(type, k, at.child(key).key(k)));
        keys.add(k);
        out.set(k, q);
      }
      return out;
    };
    const max = collect(limit.max, 'max');
    const min = collect(limit.min, 'min');
    let defaults = new Map<string, string>();
    let defaultRequests = new Map<string, string>();
    if (type === 'Pod') {
      if (Object.keys(map(limit.default)).length > 0) {
        errs.push(forbidden(at.child('default'), "may not be specified when `type` is 'Pod'"));
      }
      if (Object.keys(map(limit.defaultRequest)).length > 0) {
        errs.push(
          forbidden(at.child('defaultRequest'), "may not be specified when `type` is 'Pod'"),
        );
      }
    } else {
      defaults = collect(limit.default, 'default');
      defaultRequests = collect(limit.defaultRequest, 'defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage')) {
      errs.push(
        required(
          at.child('limits'),
          'either minimum or maximum storage value is required, but neither was provided',
        ),
      );
    }
    const ratios = collect(limit.maxLimitRequestRatio, 'maxLimitRequestRatio');
    for (const k of keys) {
      const minT = min.get(k);
      const maxT = max.get(k);
      const defT = defaults.get(k);
      const reqT = defaultRequests.get(k);
      const ratioT = ratios.get(k);
      const q = (t: string): ReturnType<typeof parseQty> => parseQty(t);
      const s = (t: string): string => parseQty(t).toString();
      if (minT !== undefined && maxT !== undefined && q(minT).cmp(q(maxT)) > 0) {
        errs.push(
          invalid(
            at.child('min').key(k),
            goQuantity(minT),
            `min value ${s(minT)} is greater than max value ${s(maxT)}`,
          ),
        );
      }
      if (reqT !== undefined && minT !== undefined && q(minT).cmp(q(reqT)) > 0) {
        errs.push(
          invalid(
            at.child('defaultRequest').key(k),
            goQuantity(reqT),
            `min value ${s(minT)} is greater than default request value ${s(reqT)}`,
          ),
        );
      }
      if (reqT !== undefined && maxT !== undefined && q(reqT).cmp(q(maxT)) > 0) {
        errs.push(
          invalid(
            at.child('defaultRequest').key(k),
            goQuantity(reqT),
            `default request value ${s(reqT)} is greater than max value ${s(maxT)}`,
          ),
        );
      }
      if (reqT !== undefined && defT !== undefined && q(reqT).cmp(q(defT)) > 0) {
        errs.push(
          invalid(
            at.child('defaultRequest').key(k),
            goQuantity(reqT),
            `default request value ${s(reqT)} is greater than default limit value ${s(defT)}`,
          ),
        );
      }
      if (defT !== undefined && minT !== undefined && q(minT).cmp(q(defT)) > 0) {
        errs.push(
          invalid(
            at.child('default').key(k),
            goQuantity(minT),
            `min value ${s(minT)} is greater than default value ${s(defT)}`,
          ),
        );
      }
      if (defT !== undefined && maxT !== undefined && q(defT).cmp(q(maxT)) > 0) {
        errs.push(
          invalid(
            at.child('default').key(k),
            goQuantity(maxT),
            `default value ${s(defT)} is greater than max value ${s(maxT)}`,
          ),
        );
      }
      if (ratioT !== undefined && q(ratioT).cmp(parseQty('1')) < 0) {
        errs.push(
          invalid(
            at.child('maxLimitRequestRatio').key(k),
            goQuantity(ratioT),
            `ratio ${s(ratioT)} is less than 1`,
          ),
        );
      }
      if (ratioT !== undefined && minT !== undefined && maxT !== undefined) {
        let ratio = Number(q(ratioT).value());
        let minV = Number(q(minT).value());
        let maxV = Number(q(maxT).value());
        if (
          q(ratioT).value() < maxMilliValue &&
          q(minT).value() < maxMilliValue &&
          q(maxT).value() < maxMilliValue
        ) {
          ratio = Number(q(ratioT).milliValue()) / 1000;
          minV = Number(q(minT).milliValue());
          maxV = Number(q(maxT).milliValue());
        }
        const limitRatio = maxV / minV;
        if (ratio > limitRatio) {
          errs.push(
            invalid(
              at.child('maxLimitRequestRatio').key(k),
              goQuantity(ratioT),
              `ratio ${s(ratioT)} is greater than max/min = ${goPercentF(limitRatio)}`,
            ),
          );
        }
      }
      if (
        !isOvercommitAllowed(k) &&
        defT !== undefined &&
        reqT !== undefined &&
        q(defT).cmp(q(reqT)) !== 0
      ) {
        errs.push(
          invalid(
            at.child('defaultRequest').key(k),
            goQuantity(reqT),
            `default value ${s(defT)} must equal to defaultRequest value ${s(reqT)} in ${k}`,
          ),
        );
      }
    }
  });
  return errs;
}

/** An update of a LimitRange: the same rules as a create, after the metadata rules. */
export function validateLimitRangeUpdate(
  lr: LimitRange,
  old: LimitRange,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(lr.metadata, old.metadata, true);
  errs.push(...validateLimitRange(lr));
  return errs;
}

// ---- ResourceQuota ----------------------------------------------------------------------------

const quotaScopes = new Set([
  'Terminating',
  'NotTerminating',
  'BestEffort',
  'NotBestEffort',
  'PriorityClass',
  'CrossNamespacePodAffinity',
]);
const podCountResources = new Set(['pods']);
const podComputeResources = new Set([
  'cpu',
  'memory',
  'limits.cpu',
  'limits.memory',
  'requests.cpu',
  'requests.memory',
]);

function scopeValidForResource(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return podCountResources.has(resource) || podComputeResources.has(resource);
    case 'BestEffort':
      return podCountResources.has(resource);
    default:
      return true;
  }
}

function goScopes(scopes: readonly string[]): GoLiteral {
  return new GoLiteral(`[]core.ResourceQuotaScope{${scopes.map(goQuote).join(', ')}}`);
}

function validateQuotaResourceName(name: string, path: Path): Errs {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !isStandardQuotaResourceName(name)) {
    errs.push(invalid(path, name, 'must be a standard resource for quota'));
  }
  return errs;
}

function validateQuotaList(rl: Readonly<Record<string, string>> | undefined, path: Path): Errs {
  const errs: Errs = [];
  for (const [k, v] of Object.entries(map(rl))) {
    errs.push(...validateQuotaResourceName(k, path.key(k)));
    errs.push(...validateResourceQuantityValue(k, v, path.key(k)));
  }
  return errs;
}

function validateQuotaSpec(rq: ResourceQuota): Errs {
  const spec = rq.spec ?? {};
  const specPath = Path.root('spec');
  const errs = validateQuotaList(spec.hard, specPath.child('hard'));
  const hard = Object.keys(map(spec.hard)).sort();
  const scopes = list(spec.scopes) as readonly string[];
  if (scopes.length) {
    const p = specPath.child('scopes');
    for (const scope of scopes) {
      if (!quotaScopes.has(scope)) errs.push(invalid(p, goScopes(scopes), 'unsupported scope'));
      for (const k of hard) {
        if (isStandardQuotaResourceName(k) && !scopeValidForResource(scope, k)) {
          errs.push(invalid(p, goScopes(scopes), 'unsupported scope applied to resource'));
        }
      }
    }
    const set = new Set(scopes);
    if (set.has('BestEffort') && set.has('NotBestEffort'))
      errs.push(invalid(p, goScopes(scopes), 'conflicting scopes'));
    if (set.has('Terminating') && set.has('NotTerminating'))
      errs.push(invalid(p, goScopes(scopes), 'conflicting scopes'));
  }
  const selector = spec.scopeSelector;
  if (selector) {
    const p = specPath.child('scopeSelector').child('matchExpressions');
    const seen = new Set<string>();
    for (const req of list(selector.matchExpressions)) {
      const scope: string = str(req.scopeName);
      const op: string = str(req.operator);
      if (!quotaScopes.has(scope))
        errs.push(invalid(p.child('scopeName'), scope, 'unsupported scope'));
      for (const k of hard) {
        if (isStandardQuotaResourceName(k) && !scopeValidForResource(scope, k)) {
          errs.push(invalid(p, JSON.stringify(selector), 'unsupported scope applied to resource'));
        }
      }
      if (
        [
          'BestEffort',
          'NotBestEffort',
          'Terminating',
          'NotTerminating',
          'CrossNamespacePodAffinity',
        ].includes(scope) &&
        op !== 'Exists'
      ) {
        errs.push(
          invalid(
            p.child('operator'),
            op,
            "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
          ),
        );
      }
      const values = list(req.values);
      switch (op) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) {
            errs.push(
              required(
                p.child('values'),
                "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
              ),
            );
          }
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length !== 0) {
            errs.push(
              invalid(
                p.child('values'),
                new GoLiteral(`[]string{${values.map(goQuote).join(', ')}}`),
                "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
              ),
            );
          }
          break;
        default:
          errs.push(invalid(p.child('operator'), op, 'not a valid selector operator'));
      }
      seen.add(scope);
    }
    if (
      (seen.has('BestEffort') && seen.has('NotBestEffort')) ||
      (seen.has('Terminating') && seen.has('NotTerminating'))
    ) {
      errs.push(invalid(p, goScopes(scopes), 'conflicting scopes'));
    }
  }
  return errs;
}

/** A new ResourceQuota (upstream `ValidateResourceQuota`). */
export function validateResourceQuota(rq: ResourceQuota, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(rq.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validateQuotaSpec(rq));
  errs.push(...validateQuotaList(rq.status?.hard, Path.root('status', 'hard')));
  errs.push(...validateQuotaList(rq.status?.used, Path.root('status', 'used')));
  return errs;
}

/** An update of a ResourceQuota: the spec rules, and scopes may not change. */
export function validateResourceQuotaUpdate(
  rq: ResourceQuota,
  old: ResourceQuota,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(rq.metadata, old.metadata, true);
  errs.push(...validateQuotaSpec(rq));
  const next = new Set(list(rq.spec?.scopes));
  const prev = new Set(list(old.spec?.scopes) as readonly string[]);
  if (next.size !== prev.size || [...next].some((s) => !prev.has(s))) {
    errs.push(
      invalid(Path.root('spec', 'scopes'), goScopes(list(rq.spec?.scopes)), fieldImmutableErrorMsg),
    );
  }
  return errs;
}

/** An update through resourcequotas/status. */
export function validateResourceQuotaStatusUpdate(
  rq: ResourceQuota,
  old: ResourceQuota,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(rq.metadata, old.metadata, true);
  if (!str(rq.metadata?.resourceVersion)) errs.push(required(Path.root('resourceVersion')));
  errs.push(...validateQuotaList(rq.status?.hard, Path.root('status', 'hard')));
  errs.push(...validateQuotaList(rq.status?.used, Path.root('status', 'used')));
  return errs;
}

// ---- ReplicationController --------------------------------------------------------------------

function goLabelMap(m: Readonly<Record<string, string>>): GoLiteral {
  const keys = Object.keys(m).sort();
  return new GoLiteral(
    `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k] ?? '')}`).join(', ')}}`,
  );
}

function validateRCSpec(rc: ReplicationController): Errs {
  const spec = rc.spec ?? {};
  const specPath = Path.root('spec');
  const errs: Errs = [];
  const minReady = spec.minReadySeconds ?? 0;
  if (minReady < 0)
    errs.push(
      invalid(specPath.child('minReadySeconds'), minReady, 'must be greater than or equal to 0'),
    );
  const selector = map(spec.selector);
  const selectorKeys = Object.keys(selector);
  if (selectorKeys.length === 0) errs.push(required(specPath.child('selector')));
  const replicas = spec.replicas ?? 0;
  if (replicas < 0)
    errs.push(invalid(specPath.child('replicas'), replicas, 'must be greater than or equal to 0'));
  const tplPath = specPath.child('template');
  const template = spec.template;
  if (!template) {
    errs.push(required(tplPath));
    return errs;
  }
  const labels = map(template.metadata?.labels);
  if (selectorKeys.length && !selectorKeys.every((k) => labels[k] === selector[k])) {
    errs.push(
      invalid(
        tplPath.child('metadata', 'labels'),
        goLabelMap(labels),
        '`selector` does not match template `labels`',
      ),
    );
  }
  errs.push(...validatePodTemplateSpec(template, tplPath));
  const restartPolicy: string = str(template.spec?.restartPolicy);
  if (restartPolicy !== 'Always') {
    errs.push(notSupported(tplPath.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  }
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      forbidden(
        tplPath.child('spec', 'activeDeadlineSeconds'),
        'activeDeadlineSeconds in ReplicationController is not Supported',
      ),
    );
  }
  return errs;
}

/** A new ReplicationController (upstream `ValidateReplicationController`). */
export function validateReplicationController(
  rc: ReplicationController,
  _ctx?: ValidationContext,
): Errs {
  const errs = validateCoreObjectMeta(rc.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validateRCSpec(rc));
  return errs;
}

/** An update of a ReplicationController. */
export function validateReplicationControllerUpdate(
  rc: ReplicationController,
  old: ReplicationController,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(rc.metadata, old.metadata, true);
  errs.push(...validateRCSpec(rc));
  return errs;
}

/** An update through replicationcontrollers/status. */
export function validateReplicationControllerStatusUpdate(
  rc: ReplicationController,
  old: ReplicationController,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(rc.metadata, old.metadata, true);
  const s = rc.status;
  const p = Path.root('status');
  const replicas = s?.replicas ?? 0;
  const fully = s?.fullyLabeledReplicas ?? 0;
  const ready = s?.readyReplicas ?? 0;
  const available = s?.availableReplicas ?? 0;
  const observed = s?.observedGeneration ?? 0;
  const nonNeg = (v: number, k: string): void => {
    if (v < 0) errs.push(invalid(p.child(k), v, 'must be greater than or equal to 0'));
  };
  nonNeg(replicas, 'replicas');
  nonNeg(fully, 'fullyLabeledReplicas');
  nonNeg(ready, 'readyReplicas');
  nonNeg(available, 'availableReplicas');
  nonNeg(observed, 'observedGeneration');
  const msg = 'cannot be greater than status.replicas';
  if (fully > replicas) errs.push(invalid(p.child('fullyLabeledReplicas'), fully, msg));
  if (ready > replicas) errs.push(invalid(p.child('readyReplicas'), ready, msg));
  if (available > replicas) errs.push(invalid(p.child('availableReplicas'), available, msg));
  if (available > ready)
    errs.push(
      invalid(p.child('availableReplicas'), available, 'cannot be greater than readyReplicas'),
    );
  return errs;
}
