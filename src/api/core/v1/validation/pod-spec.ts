/**
 * Pod specs wherever they appear (Pods, PodTemplates, every workload's template), as upstream
 * v1.32 `ValidatePodSpec` and `ValidatePodTemplateSpec`, with the checks in upstream's order so
 * that aggregated messages list errors as a real cluster does.
 *
 * Fields of v1.32 alpha or default-off features (resourceClaims, pod-level resources, hostUsers,
 * supplementalGroupsPolicy, seLinuxChangePolicy, resizePolicy, image volumes) are dropped by
 * defaulting before validation, as upstream's strategies drop them; they are not validated here.
 *
 * Upstream quirks kept: `shareProcessNamespace` errors are reported under `securityContext` (where
 * the internal type keeps it); pod affinity namespaces under `namespace`; scheduling gate name
 * errors at the gate's index; template labels at `template.labels` (not `metadata.labels`).
 */
import type { ObjectMeta } from '../../../meta/v1.ts';
import type {
  Affinity,
  NodeSelector,
  NodeSelectorRequirement,
  PodAffinityTerm,
  Toleration,
  TopologySpreadConstraint,
} from '../affinity.ts';
import type { Container } from '../container.ts';
import type { PodDNSConfig, PodSpec, PodTemplateSpec } from '../pod.ts';
import type { PodSecurityContext } from '../security.ts';
import type { Path } from '../../../validation/field-errors.ts';
import {
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../validation/field-errors.ts';
import { goStringSlice, utf8Length } from '../../../validation/go-format.ts';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../../../validation/generic.ts';
import { isValidIP } from '../../../validation/ip.ts';
import { isValidGroupID, isValidLabelValue, isValidUserID } from '../../../validation/names.ts';
import {
  validateAnnotations,
  validateLabelName,
  validateLabelSelector,
  validateLabels,
} from '../../../validation/object-meta.ts';
import {
  type Errs,
  goJSONUnmarshalError,
  list,
  map,
  maybe,
  nameErrors,
  str,
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateQualifiedName,
} from './common.ts';
import {
  type ContainerValidationOptions,
  validateAppArmorProfile,
  validateContainers,
  validateEphemeralContainers,
  validateInitContainers,
  validateResourceRequirements,
  validateSeccompProfile,
  validateWindowsOptions,
} from './containers.ts';
import { validateLocalDescendingPath, validateVolumes } from './volumes.ts';

export interface PodSpecValidationOptions {
  /** The spec is a Pod's, not a template's (hostPort must then equal containerPort with hostNetwork). */
  readonly resourceIsPod: boolean;
  /** The pod's name, when validating a Pod (generic ephemeral volume claim names). */
  readonly podName?: string;
  /** Tolerate an invalid pod-deletion-cost annotation (an old object already had one). */
  readonly allowInvalidPodDeletionCost?: boolean;
}

// ---- pod-specific annotations -----------------------------------------------------------------

const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
const tolerationsAnnotation = 'scheduler.alpha.kubernetes.io/tolerations';
const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';
const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerPrefix = 'container.seccomp.security.alpha.kubernetes.io/';
const appArmorContainerPrefix = 'container.apparmor.security.beta.kubernetes.io/';

const deletionCostRe = /^(-?[1-9][0-9]*|0|-0*[0-9]+)$/;

/** Upstream `GetDeletionCostFromPodAnnotations` accepts the value (a 32-bit integer, no `+`, no leading 0). */
function validDeletionCost(v: string): boolean {
  if (!deletionCostRe.test(v)) return false;
  if (!(v[0] === '-' || v === '0' || (v[0] !== undefined && v[0] >= '1' && v[0] <= '9')))
    return false;
  const n = Number(v);
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
}

function validateSeccompAnnotationValue(p: string, path: Path): Errs {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return [];
  if (p.startsWith('localhost/'))
    return validateLocalDescendingPath(p.slice('localhost/'.length), path);
  return [invalid(path, p, 'must be a valid seccomp profile')];
}

function visitContainerNames(spec: PodSpec | undefined): Set<string> {
  const names = new Set<string>();
  for (const c of list(spec?.initContainers)) names.add(str(c.name));
  for (const c of list(spec?.containers)) names.add(str(c.name));
  for (const c of list(spec?.ephemeralContainers)) names.add(str(c.name));
  return names;
}

/** Upstream `ValidatePodSpecificAnnotations`. */
export function validatePodSpecificAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  spec: PodSpec | undefined,
  path: Path,
  opts: PodSpecValidationOptions,
): Errs {
  const errs: Errs = [];
  const a = map(annotations);
  const mirror = a[mirrorPodAnnotation];
  if (mirror !== undefined && !str(spec?.nodeName)) {
    errs.push(
      invalid(
        path.key(mirrorPodAnnotation),
        mirror,
        'must set spec.nodeName if mirror pod annotation is set',
      ),
    );
  }
  const tolerations = a[tolerationsAnnotation];
  if (tolerations) {
    const err = goJSONUnmarshalError(tolerations, 'array', '[]core.Toleration');
    if (err) errs.push(invalid(path, tolerationsAnnotation, err));
    else {
      const parsed = JSON.parse(tolerations) as Toleration[] | null;
      if (parsed?.length)
        errs.push(...validateTolerations(parsed, path.child(tolerationsAnnotation)));
    }
  }
  const cost = a[deletionCostAnnotation];
  if (!opts.allowInvalidPodDeletionCost && cost !== undefined && !validDeletionCost(cost)) {
    errs.push(invalid(path.key(deletionCostAnnotation), cost, 'must be a 32bit integer'));
  }
  const seccompPod = a[seccompPodAnnotation];
  if (seccompPod !== undefined) {
    errs.push(...validateSeccompAnnotationValue(seccompPod, path.child(seccompPodAnnotation)));
  }
  let names: Set<string> | undefined;
  for (const [k, v] of Object.entries(a)) {
    if (k.startsWith(seccompContainerPrefix)) {
      errs.push(...validateSeccompAnnotationValue(v, path.child(k)));
    }
    if (k.startsWith(appArmorContainerPrefix)) {
      const container = k.slice(appArmorContainerPrefix.length);
      names ??= visitContainerNames(spec);
      if (!names.has(container)) errs.push(invalid(path.key(k), container, 'container not found'));
      if (
        v !== '' &&
        v !== 'runtime/default' &&
        v !== 'unconfined' &&
        !v.startsWith('localhost/')
      ) {
        errs.push(invalid(path.key(k), v, `invalid AppArmor profile name: ${JSON.stringify(v)}`));
      }
    }
  }
  return errs;
}

// ---- tolerations, affinity, topology ----------------------------------------------------------

const tolerationOperators = ['Equal', 'Exists'];
const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Upstream `ValidateTolerations`. */
export function validateTolerations(tolerations: readonly Toleration[], path: Path): Errs {
  const errs: Errs = [];
  tolerations.forEach((t, i) => {
    const at = path.index(i);
    const key = str(t.key);
    const op: string = str(t.operator);
    const effect: string = str(t.effect);
    const value = str(t.value);
    if (key) errs.push(...validateLabelName(key, at.child('key')));
    if (!key && op !== 'Exists') {
      errs.push(
        invalid(
          at.child('operator'),
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      errs.push(
        invalid(
          at.child('effect'),
          effect,
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    }
    switch (op) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(value);
        if (msgs.length) errs.push(invalid(at.child('operator'), value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (value)
          errs.push(
            invalid(at.child('operator'), value, "value must be empty when `operator` is 'Exists'"),
          );
        break;
      default:
        errs.push(notSupported(at.child('operator'), op, tolerationOperators));
    }
    if (effect && !taintEffects.includes(effect))
      errs.push(notSupported(at.child('effect'), effect, taintEffects));
  });
  return errs;
}

/** Upstream `ValidateNodeSelectorRequirement` (v1.32: values are not checked as label values). */
function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, path: Path): Errs {
  const errs: Errs = [];
  const values = list(rq.values);
  const op: string = str(rq.operator);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(
          required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"),
        );
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(
          forbidden(
            path.child('values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) {
        errs.push(
          required(
            path.child('values'),
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
          ),
        );
      }
      break;
    default:
      errs.push(invalid(path.child('operator'), op, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(rq.key), path.child('key')));
  return errs;
}

function validateNodeFieldSelectorRequirement(rq: NodeSelectorRequirement, path: Path): Errs {
  const errs: Errs = [];
  const values = list(rq.values);
  const op: string = str(rq.operator);
  if (op === 'In' || op === 'NotIn') {
    if (values.length !== 1) {
      errs.push(
        required(
          path.child('values'),
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
    }
  } else {
    errs.push(invalid(path.child('operator'), op, 'not a valid selector operator'));
  }
  const key = str(rq.key);
  if (key !== 'metadata.name')
    errs.push(invalid(path.child('key'), key, 'not a valid field selector key'));
  else
    values.forEach((v, i) =>
      errs.push(...nameErrors(nameIsDNSSubdomain, v, path.child('values').index(i))),
    );
  return errs;
}

/** Upstream `ValidateNodeSelector`: at least one term; each term's expressions and fields. */
export function validateNodeSelector(ns: NodeSelector, path: Path): Errs {
  const termsPath = path.child('nodeSelectorTerms');
  const terms = list(ns.nodeSelectorTerms);
  if (terms.length === 0) return [required(termsPath, 'must have at least one node selector term')];
  const errs: Errs = [];
  terms.forEach((term, i) => {
    const at = termsPath.index(i);
    list(term.matchExpressions).forEach((rq, j) =>
      errs.push(...validateNodeSelectorRequirement(rq, at.child('matchExpressions').index(j))),
    );
    list(term.matchFields).forEach((rq, j) =>
      errs.push(...validateNodeFieldSelectorRequirement(rq, at.child('matchFields').index(j))),
    );
  });
  return errs;
}

function validateLabelKeys(path: Path, keys: readonly string[], hasSelector: boolean): Errs {
  if (keys.length === 0) return [];
  if (!hasSelector) return [forbidden(path, 'must not be specified when labelSelector is not set')];
  const errs: Errs = [];
  keys.forEach((k, i) => errs.push(...validateLabelName(k, path.index(i))));
  return errs;
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: Path): Errs {
  const errs = validateLabelSelector(term.labelSelector, path.child('labelSelector'));
  errs.push(...validateLabelSelector(term.namespaceSelector, path.child('namespaceSelector')));
  for (const ns of list(term.namespaces)) {
    for (const m of nameIsDNSLabel(ns, false)) errs.push(invalid(path.child('namespace'), ns, m));
  }
  const matchKeys = list(term.matchLabelKeys);
  const mismatchKeys = list(term.mismatchLabelKeys);
  const sel = term.labelSelector;
  errs.push(...validateLabelKeys(path.child('matchLabelKeys'), matchKeys, !!sel));
  errs.push(...validateLabelKeys(path.child('mismatchLabelKeys'), mismatchKeys, !!sel));
  if (sel) {
    const index = new Map<string, number>();
    matchKeys.forEach((k, i) => index.set(k, i));
    const selectorKeys = new Set(Object.keys(map(sel.matchLabels)));
    for (const expr of list(sel.matchExpressions)) {
      const i = index.get(expr.key);
      if (i !== undefined && selectorKeys.has(expr.key)) {
        errs.push(
          invalid(path.index(i), expr.key, 'exists in both matchLabelKeys and labelSelector'),
        );
      }
      selectorKeys.add(expr.key);
    }
  }
  const mismatch = new Set(mismatchKeys);
  matchKeys.forEach((k, i) => {
    if (mismatch.has(k)) {
      errs.push(
        invalid(
          path.child('matchLabelKeys').index(i),
          k,
          'exists in both matchLabelKeys and mismatchLabelKeys',
        ),
      );
    }
  });
  const topologyKey = str(term.topologyKey);
  if (!topologyKey) errs.push(required(path.child('topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, path.child('topologyKey')));
  return errs;
}

function validateWeight(weight: number | undefined, path: Path): Errs {
  const w = weight ?? 0;
  return w <= 0 || w > 100 ? [invalid(path, w, 'must be in the range 1-100')] : [];
}

function validatePodAffinityTerms(
  aff: NonNullable<Affinity['podAffinity']> | NonNullable<Affinity['podAntiAffinity']>,
  path: Path,
): Errs {
  const errs: Errs = [];
  list(aff.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
    errs.push(
      ...validatePodAffinityTerm(
        t,
        path.child('requiredDuringSchedulingIgnoredDuringExecution').index(i),
      ),
    ),
  );
  list(aff.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    const at = path.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    errs.push(...validateWeight(t.weight, at.child('weight')));
    errs.push(...validatePodAffinityTerm(t.podAffinityTerm, at.child('podAffinityTerm')));
  });
  return errs;
}

/** Upstream `validateAffinity`. */
export function validateAffinity(affinity: Affinity | undefined, path: Path): Errs {
  if (!affinity) return [];
  const errs: Errs = [];
  const na = affinity.nodeAffinity;
  if (na) {
    const p = path.child('nodeAffinity');
    if (na.requiredDuringSchedulingIgnoredDuringExecution) {
      errs.push(
        ...validateNodeSelector(
          na.requiredDuringSchedulingIgnoredDuringExecution,
          p.child('requiredDuringSchedulingIgnoredDuringExecution'),
        ),
      );
    }
    list(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const at = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      errs.push(...validateWeight(t.weight, at.child('weight')));
      const pref = at.child('preference');
      list(maybe(t.preference)?.matchExpressions).forEach((rq, j) =>
        errs.push(...validateNodeSelectorRequirement(rq, pref.child('matchExpressions').index(j))),
      );
      list(maybe(t.preference)?.matchFields).forEach((rq, j) =>
        errs.push(...validateNodeFieldSelectorRequirement(rq, pref.child('matchFields').index(j))),
      );
    });
  }
  if (affinity.podAffinity)
    errs.push(...validatePodAffinityTerms(affinity.podAffinity, path.child('podAffinity')));
  if (affinity.podAntiAffinity) {
    errs.push(...validatePodAffinityTerms(affinity.podAntiAffinity, path.child('podAntiAffinity')));
  }
  return errs;
}

const scheduleActions = ['DoNotSchedule', 'ScheduleAnyway'];
const inclusionPolicies = ['Honor', 'Ignore'];

function validateTopologySpreadConstraints(
  constraints: readonly TopologySpreadConstraint[],
  path: Path,
): Errs {
  const errs: Errs = [];
  constraints.forEach((c, i) => {
    const at = path.index(i);
    const maxSkew = c.maxSkew as number | undefined;
    if ((maxSkew ?? 0) <= 0)
      errs.push(invalid(at.child('maxSkew'), maxSkew ?? 0, 'must be greater than zero'));
    const key = str(c.topologyKey);
    if (!key) errs.push(required(at.child('topologyKey'), 'can not be empty'));
    const action: string = str(c.whenUnsatisfiable);
    if (!scheduleActions.includes(action))
      errs.push(notSupported(at.child('whenUnsatisfiable'), action, scheduleActions));
    for (let j = i + 1; j < constraints.length; j++) {
      const other = constraints[j];
      if (other && str(other.topologyKey) === key && str(other.whenUnsatisfiable) === action) {
        errs.push(duplicate(at.child('{topologyKey, whenUnsatisfiable}'), `{${key}, ${action}}`));
        break;
      }
    }
    if (c.minDomains !== undefined) {
      const p = at.child('minDomains');
      if (c.minDomains <= 0) errs.push(invalid(p, c.minDomains, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') {
        errs.push(
          invalid(
            p,
            c.minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`,
          ),
        );
      }
    }
    const policy = (v: string | undefined, k: string): void => {
      if (v !== undefined && !inclusionPolicies.includes(v))
        errs.push(notSupported(at.child(k), v, inclusionPolicies));
    };
    policy(c.nodeAffinityPolicy, 'nodeAffinityPolicy');
    policy(c.nodeTaintsPolicy, 'nodeTaintsPolicy');
    const keys = list(c.matchLabelKeys);
    if (keys.length) {
      const p = at.child('matchLabelKeys');
      const selectorKeys = new Set<string>();
      if (c.labelSelector) {
        for (const k of Object.keys(map(c.labelSelector.matchLabels))) selectorKeys.add(k);
        for (const e of list(c.labelSelector.matchExpressions)) selectorKeys.add(e.key);
      } else {
        errs.push(forbidden(p, 'must not be specified when labelSelector is not set'));
      }
      keys.forEach((k, j) => {
        errs.push(...validateLabelName(k, p.index(j)));
        if (selectorKeys.has(k))
          errs.push(invalid(p.index(j), k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    errs.push(...validateLabelSelector(c.labelSelector, at.child('labelSelector')));
  });
  return errs;
}

// ---- DNS --------------------------------------------------------------------------------------

const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validatePodDNSConfig(cfg: PodDNSConfig | undefined, dnsPolicy: string, path: Path): Errs {
  const errs: Errs = [];
  if (dnsPolicy === 'None') {
    if (!cfg) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (list(cfg.nameservers).length === 0) {
      return [
        required(
          path.child('nameservers'),
          'must provide at least one DNS nameserver when `dnsPolicy` is None',
        ),
      ];
    }
  }
  if (!cfg) return errs;
  const nameservers = list(cfg.nameservers);
  if (nameservers.length > 3) {
    errs.push(
      invalid(
        path.child('nameservers'),
        goStringSlice(nameservers),
        'must not have more than 3 nameservers',
      ),
    );
  }
  nameservers.forEach((ns, i) => errs.push(...isValidIP(path.child('nameservers').index(i), ns)));
  const searches = list(cfg.searches);
  if (searches.length > 32) {
    errs.push(
      invalid(
        path.child('searches'),
        goStringSlice(searches),
        'must not have more than 32 search paths',
      ),
    );
  }
  if (utf8Length(searches.join(' ')) > 2048) {
    errs.push(
      invalid(
        path.child('searches'),
        goStringSlice(searches),
        'must not have more than 2048 characters (including spaces) in the search list',
      ),
    );
  }
  searches.forEach((s, i) => {
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.push(...validateDNS1123Subdomain(trimmed, path.child('searches').index(i)));
  });
  list(cfg.options).forEach((o, i) => {
    if (!str(o.name)) errs.push(required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

// ---- pod security context ---------------------------------------------------------------------

const sysctlRe = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const sysctlRegexText = '^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$';
const fsGroupPolicies = ['Always', 'OnRootMismatch'];

const ipcSysctls = new Set([
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced',
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
]);

/** A sysctl written with `/` separators (`net/ipv4/ip_forward`) in its `.` form. */
function normalizeSysctl(name: string): string {
  const slash = name.indexOf('/');
  const dot = name.indexOf('.');
  if (slash < 0 || (dot >= 0 && dot < slash)) return name;
  let out = '';
  for (const ch of name) out += ch === '.' ? '/' : ch === '/' ? '.' : ch;
  return out;
}

/** The kernel namespace a sysctl lives in: 'net', 'ipc' or '' (node-level or unknown). */
function sysctlNamespace(name: string): 'net' | 'ipc' | '' {
  const n = normalizeSysctl(name);
  if (n === 'net' || n.startsWith('net.')) return 'net';
  if (ipcSysctls.has(n) || n === 'fs.mqueue' || n.startsWith('fs.mqueue.')) return 'ipc';
  return '';
}

function validatePodSecurityContext(spec: PodSpec, path: Path): Errs {
  const sc: PodSecurityContext | undefined = spec.securityContext;
  const errs: Errs = [];
  if (!sc) return errs;
  if (sc.fsGroup !== undefined) {
    for (const m of isValidGroupID(sc.fsGroup))
      errs.push(invalid(path.child('fsGroup'), sc.fsGroup, m));
  }
  if (sc.runAsUser !== undefined) {
    for (const m of isValidUserID(sc.runAsUser))
      errs.push(invalid(path.child('runAsUser'), sc.runAsUser, m));
  }
  if (sc.runAsGroup !== undefined) {
    for (const m of isValidGroupID(sc.runAsGroup))
      errs.push(invalid(path.child('runAsGroup'), sc.runAsGroup, m));
  }
  list(sc.supplementalGroups).forEach((g, i) => {
    for (const m of isValidGroupID(g))
      errs.push(invalid(path.child('supplementalGroups').index(i), g, m));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(
      invalid(
        path.child('shareProcessNamespace'),
        true,
        'ShareProcessNamespace and HostPID cannot both be enabled',
      ),
    );
  }
  const sysctls = list(sc.sysctls);
  if (sysctls.length) {
    const p = path.child('sysctls');
    const seen = new Set<string>();
    sysctls.forEach((s, i) => {
      const name = str(s.name);
      const at = p.index(i).child('name');
      if (!name) errs.push(required(at));
      else if (utf8Length(name) > 253 || !sysctlRe.test(name)) {
        errs.push(
          invalid(at, name, `must have at most 253 characters and match regex ${sysctlRegexText}`),
        );
      } else if (seen.has(name)) errs.push(duplicate(at, name));
      const ns = sysctlNamespace(name);
      if (spec.hostNetwork === true && ns === 'net') {
        errs.push(invalid(at, name, "may not be specified when 'hostNetwork' is true"));
      } else if (spec.hostIPC === true && ns === 'ipc') {
        errs.push(invalid(at, name, "may not be specified when 'hostIPC' is true"));
      }
      seen.add(name);
    });
  }
  const fsPolicy: string | undefined = sc.fsGroupChangePolicy;
  if (fsPolicy !== undefined && !fsGroupPolicies.includes(fsPolicy)) {
    errs.push(notSupported(path.child('fsGroupChangePolicy'), fsPolicy, fsGroupPolicies));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  errs.push(...validateWindowsOptions(sc.windowsOptions, path.child('windowsOptions')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, path.child('appArmorProfile')));
  return errs;
}

// ---- OS ---------------------------------------------------------------------------------------

interface ContainerVisit {
  readonly c: Container;
  readonly path: Path;
}

function allContainers(spec: PodSpec, path: Path): ContainerVisit[] {
  const out: ContainerVisit[] = [];
  list(spec.initContainers).forEach((c, i) =>
    out.push({ c, path: path.child('initContainers').index(i) }),
  );
  list(spec.containers as Container[] | undefined).forEach((c, i) =>
    out.push({ c, path: path.child('containers').index(i) }),
  );
  list(spec.ephemeralContainers).forEach((c, i) =>
    out.push({ c, path: path.child('ephemeralContainers').index(i) }),
  );
  return out;
}

const forWindows = 'cannot be set for a windows pod';

function validateOS(spec: PodSpec, path: Path): Errs {
  const os = spec.os;
  if (!os) return [];
  const p = path.child('os');
  const name: string = str(os.name);
  if (!name) return [required(p.child('name'), 'cannot be empty')];
  if (name !== 'linux' && name !== 'windows') return [notSupported(p, name, ['linux', 'windows'])];
  const errs: Errs = [];
  if (name === 'linux') {
    if (spec.securityContext?.windowsOptions) {
      errs.push(
        forbidden(
          path.child('securityContext').child('windowsOptions'),
          'windows options cannot be set for a linux pod',
        ),
      );
    }
    for (const { c, path: cp } of allContainers(spec, path)) {
      if (c.securityContext?.windowsOptions) {
        errs.push(
          forbidden(
            cp.child('securityContext').child('windowsOptions'),
            'windows options cannot be set for a linux pod',
          ),
        );
      }
    }
    return errs;
  }
  const sc = spec.securityContext;
  const scp = path.child('securityContext');
  if (sc) {
    if (sc.appArmorProfile) errs.push(forbidden(scp.child('appArmorProfile'), forWindows));
    if (sc.seLinuxOptions) errs.push(forbidden(scp.child('seLinuxOptions'), forWindows));
  }
  if (spec.hostUsers !== undefined) errs.push(forbidden(path.child('hostUsers'), forWindows));
  if (spec.hostPID === true) errs.push(forbidden(path.child('hostPID'), forWindows));
  if (spec.hostIPC === true) errs.push(forbidden(path.child('hostIPC'), forWindows));
  if (sc) {
    if (sc.seccompProfile) errs.push(forbidden(scp.child('seccompProfile'), forWindows));
    if (sc.fsGroup !== undefined) errs.push(forbidden(scp.child('fsGroup'), forWindows));
    if (sc.fsGroupChangePolicy !== undefined)
      errs.push(forbidden(scp.child('fsGroupChangePolicy'), forWindows));
    if (list(sc.sysctls).length) errs.push(forbidden(scp.child('sysctls'), forWindows));
  }
  if (spec.shareProcessNamespace !== undefined)
    errs.push(forbidden(path.child('shareProcessNamespace'), forWindows));
  if (sc) {
    if (sc.runAsUser !== undefined) errs.push(forbidden(scp.child('runAsUser'), forWindows));
    if (sc.runAsGroup !== undefined) errs.push(forbidden(scp.child('runAsGroup'), forWindows));
    if (sc.supplementalGroups !== undefined)
      errs.push(forbidden(scp.child('supplementalGroups'), forWindows));
  }
  for (const { c, path: cp } of allContainers(spec, path)) {
    const csc = c.securityContext;
    if (!csc) continue;
    const at = cp.child('securityContext');
    if (csc.appArmorProfile) errs.push(forbidden(at.child('appArmorProfile'), forWindows));
    if (csc.seLinuxOptions) errs.push(forbidden(at.child('seLinuxOptions'), forWindows));
    if (csc.seccompProfile) errs.push(forbidden(at.child('seccompProfile'), forWindows));
    if (csc.capabilities) errs.push(forbidden(at.child('capabilities'), forWindows));
    if (csc.readOnlyRootFilesystem !== undefined)
      errs.push(forbidden(at.child('readOnlyRootFilesystem'), forWindows));
    if (csc.privileged !== undefined) errs.push(forbidden(at.child('privileged'), forWindows));
    if (csc.allowPrivilegeEscalation !== undefined) {
      errs.push(forbidden(at.child('allowPrivilegeEscalation'), forWindows));
    }
    if (csc.procMount !== undefined) errs.push(forbidden(at.child('procMount'), forWindows));
    if (csc.runAsUser !== undefined) errs.push(forbidden(at.child('runAsUser'), forWindows));
    if (csc.runAsGroup !== undefined) errs.push(forbidden(at.child('runAsGroup'), forWindows));
  }
  return errs;
}

function validateWindowsHostProcess(spec: PodSpec, path: Path): Errs {
  const podHP = spec.securityContext?.windowsOptions?.hostProcess;
  let count = 0;
  let hpCount = 0;
  const errs: Errs = [];
  for (const { c, path: cp } of allContainers(spec, path)) {
    count++;
    const chp = c.securityContext?.windowsOptions?.hostProcess;
    if (podHP !== undefined && chp !== undefined && podHP !== chp) {
      errs.push(
        invalid(
          cp.child('securityContext', 'windowsOptions', 'hostProcess'),
          chp,
          `pod hostProcess value must be identical if both are specified, was ${String(podHP)}`,
        ),
      );
    }
    if (chp === true || (chp === undefined && podHP === true)) hpCount++;
  }
  if (hpCount > 0) {
    if (hpCount !== count) {
      errs.push(
        invalid(
          path,
          '',
          'If pod contains any hostProcess containers then all containers must be HostProcess containers',
        ),
      );
    }
    if (spec.hostNetwork !== true) {
      errs.push(
        invalid(
          path.child('hostNetwork'),
          false,
          'hostNetwork must be true if pod contains any hostProcess containers',
        ),
      );
    }
  }
  return errs;
}

// ---- the spec ---------------------------------------------------------------------------------

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const preemptionPolicies = ['PreemptLowerPriority', 'Never'];
const maxInt32 = 2147483647;

/** Upstream `ValidatePodSpec`, checks in upstream's order. */
export function validatePodSpec(spec: PodSpec, path: Path, opts: PodSpecValidationOptions): Errs {
  const errs: Errs = [];
  const grace = spec.terminationGracePeriodSeconds;
  if (grace === undefined) errs.push(required(path.child('terminationGracePeriodSeconds')));
  const containerOpts: ContainerValidationOptions = {
    gracePeriod: grace,
    hostUsers: spec.hostUsers !== false,
  };
  const { volumes, errs: volErrs } = validateVolumes(
    list(spec.volumes),
    opts.podName,
    path.child('volumes'),
  );
  errs.push(...volErrs);
  const containers = list(spec.containers as Container[] | undefined);
  const inits = list(spec.initContainers);
  errs.push(...validateContainers(containers, volumes, path.child('containers'), containerOpts));
  errs.push(
    ...validateInitContainers(
      inits,
      containers,
      volumes,
      path.child('initContainers'),
      containerOpts,
    ),
  );
  errs.push(
    ...validateEphemeralContainers(
      list(spec.ephemeralContainers),
      containers,
      inits,
      volumes,
      path.child('ephemeralContainers'),
      containerOpts,
    ),
  );
  if (spec.hostNetwork === true) {
    containers.forEach((c, i) => {
      list(c.ports).forEach((port, j) => {
        const hp = port.hostPort ?? 0;
        const cp = port.containerPort as number | undefined;
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(
            invalid(
              path.child('containers').index(i).child('ports').index(j).child('hostPort'),
              hp,
              'must match `containerPort` when `hostNetwork` is true',
            ),
          );
        }
      });
    });
  }
  const restartPolicy: string = str(spec.restartPolicy);
  if (!restartPolicy) errs.push(required(path.child('restartPolicy')));
  else if (!restartPolicies.includes(restartPolicy)) {
    errs.push(notSupported(path.child('restartPolicy'), restartPolicy, restartPolicies));
  }
  const dnsPolicy: string = str(spec.dnsPolicy);
  if (!dnsPolicy) errs.push(required(path.child('dnsPolicy')));
  else if (!dnsPolicies.includes(dnsPolicy))
    errs.push(notSupported(path.child('dnsPolicy'), dnsPolicy, dnsPolicies));
  errs.push(...validateLabels(spec.nodeSelector, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec, path.child('securityContext')));
  errs.push(...validateAffinity(spec.affinity, path.child('affinity')));
  errs.push(...validatePodDNSConfig(spec.dnsConfig, dnsPolicy, path.child('dnsConfig')));
  list(spec.readinessGates).forEach((g, i) =>
    errs.push(
      ...validateQualifiedName(
        str(g.conditionType),
        path.child('readinessGates').index(i).child('conditionType'),
      ),
    ),
  );
  const gates = new Set<string>();
  list(spec.schedulingGates).forEach((g, i) => {
    const at = path.child('schedulingGates').index(i);
    const name = str(g.name);
    errs.push(...validateQualifiedName(name, at));
    if (gates.has(name)) errs.push(duplicate(at, name));
    gates.add(name);
  });
  errs.push(
    ...validateTopologySpreadConstraints(
      list(spec.topologySpreadConstraints),
      path.child('topologySpreadConstraints'),
    ),
  );
  errs.push(...validateWindowsHostProcess(spec, path));
  const sa = str(spec.serviceAccountName);
  if (sa) errs.push(...nameErrors(nameIsDNSSubdomain, sa, path.child('serviceAccountName')));
  const nodeName = str(spec.nodeName);
  if (nodeName) errs.push(...nameErrors(nameIsDNSSubdomain, nodeName, path.child('nodeName')));
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && (ads < 1 || ads > maxInt32)) {
    errs.push(
      invalid(
        path.child('activeDeadlineSeconds'),
        ads,
        `must be between 1 and ${maxInt32}, inclusive`,
      ),
    );
  }
  const hostname = str(spec.hostname);
  if (hostname) errs.push(...validateDNS1123Label(hostname, path.child('hostname')));
  const subdomain = str(spec.subdomain);
  if (subdomain) errs.push(...validateDNS1123Label(subdomain, path.child('subdomain')));
  const tolerations = list(spec.tolerations);
  if (tolerations.length) errs.push(...validateTolerations(tolerations, path.child('tolerations')));
  list(spec.hostAliases).forEach((ha, i) => {
    const at = path.child('hostAliases').index(i);
    errs.push(...isValidIP(at.child('ip'), str(ha.ip)));
    list(ha.hostnames).forEach((h, j) =>
      errs.push(...validateDNS1123Subdomain(h, at.child('hostnames').index(j))),
    );
  });
  const pcn = str(spec.priorityClassName);
  if (pcn) errs.push(...nameErrors(nameIsDNSSubdomain, pcn, path.child('priorityClassName')));
  if (spec.runtimeClassName !== undefined) {
    errs.push(
      ...nameErrors(nameIsDNSSubdomain, spec.runtimeClassName, path.child('runtimeClassName')),
    );
  }
  const pp: string | undefined = spec.preemptionPolicy;
  if (pp !== undefined) {
    if (!pp) errs.push(required(path.child('preemptionPolicy')));
    else if (!preemptionPolicies.includes(pp)) {
      errs.push(notSupported(path.child('preemptionPolicy'), pp, preemptionPolicies));
    }
  }
  if (spec.overhead)
    errs.push(...validateResourceRequirements({ limits: spec.overhead }, path.child('overhead')));
  errs.push(...validateOS(spec, path));
  return errs;
}

// ---- annotations vs fields (seccomp, AppArmor) ------------------------------------------------

function seccompMismatch(
  annotation: string,
  sp: { type?: string; localhostProfile?: string },
  path: Path,
): Errs {
  switch (str(sp.type)) {
    case 'Unconfined':
      return annotation === 'unconfined'
        ? []
        : [forbidden(path.child('type'), 'seccomp type in annotation and field must match')];
    case 'RuntimeDefault':
      return annotation === 'runtime/default' || annotation === 'docker/default'
        ? []
        : [forbidden(path.child('type'), 'seccomp type in annotation and field must match')];
    case 'Localhost':
      if (!annotation.startsWith('localhost/')) {
        return [forbidden(path.child('type'), 'seccomp type in annotation and field must match')];
      }
      if (
        sp.localhostProfile === undefined ||
        annotation.slice('localhost/'.length) !== sp.localhostProfile
      ) {
        return [
          forbidden(
            path.child('localhostProfile'),
            'seccomp profile in annotation and field must match',
          ),
        ];
      }
      return [];
    default:
      return [];
  }
}

/** Upstream `validateSeccompAnnotationsAndFields` and `validateAppArmorAnnotationsAndFieldsMatchOnCreate`. */
export function validateSecurityAnnotationsMatchFields(
  meta: ObjectMeta | undefined,
  spec: PodSpec,
  path: Path,
): Errs {
  const a = map(meta?.annotations);
  const errs: Errs = [];
  const podSeccomp = spec.securityContext?.seccompProfile;
  const podSeccompAnnotation = a[seccompPodAnnotation];
  if (podSeccomp && podSeccompAnnotation !== undefined) {
    errs.push(
      ...seccompMismatch(
        podSeccompAnnotation,
        podSeccomp,
        path.child('securityContext').child('seccompProfile'),
      ),
    );
  }
  const visits = allContainers(spec, path);
  for (const { c, path: cp } of visits) {
    const sp = c.securityContext?.seccompProfile;
    const ann = a[seccompContainerPrefix + str(c.name)];
    if (sp && ann !== undefined) {
      errs.push(...seccompMismatch(ann, sp, cp.child('securityContext').child('seccompProfile')));
    }
  }
  if (spec.os?.name === 'windows') return errs;
  const podProfile = spec.securityContext?.appArmorProfile;
  for (const { c, path: cp } of visits) {
    const profile = c.securityContext?.appArmorProfile ?? podProfile;
    if (!profile) continue;
    const ann = a[appArmorContainerPrefix + str(c.name)];
    if (ann === undefined) continue;
    const p = cp.child('securityContext').child('appArmorProfile');
    const typeMismatch = forbidden(
      p.child('type'),
      'apparmor type in annotation and field must match',
    );
    switch (profile.type) {
      case 'Unconfined':
        if (ann !== 'unconfined') errs.push(typeMismatch);
        break;
      case 'RuntimeDefault':
        if (ann !== 'runtime/default') errs.push(typeMismatch);
        break;
      case 'Localhost':
        if (!ann.startsWith('localhost/')) errs.push(typeMismatch);
        else if (
          profile.localhostProfile === undefined ||
          ann.slice('localhost/'.length) !== profile.localhostProfile
        ) {
          errs.push(
            forbidden(
              p.child('localhostProfile'),
              'apparmor profile in annotation and field must match',
            ),
          );
        }
        break;
    }
  }
  return errs;
}

// ---- templates --------------------------------------------------------------------------------

/**
 * Upstream `ValidatePodTemplateSpec`, for PodTemplates and every workload's template: the
 * template's labels and annotations (reported at `<path>.labels` / `<path>.annotations`), the pod
 * spec (as a template: hostPort may stay 0 with hostNetwork), and no ephemeral containers.
 */
export function validatePodTemplateSpec(
  template: PodTemplateSpec | undefined,
  path: Path,
  opts: Partial<PodSpecValidationOptions> = {},
): Errs {
  const t = template ?? {};
  const spec: PodSpec = t.spec ?? { containers: [] };
  const specOpts: PodSpecValidationOptions = { ...opts, resourceIsPod: false };
  const errs = validateLabels(t.metadata?.labels, path.child('labels'));
  errs.push(...validateAnnotations(t.metadata?.annotations, path.child('annotations')));
  errs.push(
    ...validatePodSpecificAnnotations(
      t.metadata?.annotations,
      spec,
      path.child('annotations'),
      specOpts,
    ),
  );
  errs.push(...validatePodSpec(spec, path.child('spec'), specOpts));
  errs.push(...validateSecurityAnnotationsMatchFields(t.metadata, spec, path.child('spec')));
  if (list(spec.ephemeralContainers).length > 0) {
    errs.push(
      forbidden(
        path.child('spec', 'ephemeralContainers'),
        'ephemeral containers not allowed in pod template',
      ),
    );
  }
  return errs;
}
