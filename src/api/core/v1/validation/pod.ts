/**
 * Pods as upstream v1.32 validates them: create (`ValidatePodCreate`), update of the main
 * resource (`ValidatePodUpdate`, with its Forbidden message and trailing spec diff), the status
 * subresource (`ValidatePodStatusUpdate`), the ephemeralcontainers subresource
 * (`ValidatePodEphemeralContainersUpdate`), bindings, and PodTemplates.
 *
 * The registry's generic update checks (`validateCommonFields`: metadata as a path segment, then
 * the metadata update rules) come first in every update's list, as upstream's `BeforeUpdate`
 * prepends them; identical messages are dropped when the list is aggregated.
 */
import type { ValidationContext } from '../../../scheme.ts';
import type { Container, EphemeralContainer } from '../container.ts';
import type { Toleration } from '../affinity.ts';
import type { Binding, Pod, PodSpec, PodTemplate } from '../pod.ts';
import type { ContainerStatus } from '../pod-status.ts';
import { ephemeralContainerSchema } from '../container.ts';
import { podSpecSchema } from '../pod.ts';
import {
  Path,
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../validation/field-errors.ts';
import { GoLiteral, goQuote } from '../../../validation/go-format.ts';
import {
  deepEqual,
  fieldImmutableErrorMsg,
  nameIsDNSSubdomain,
} from '../../../validation/generic.ts';
import { isIPv4, isValidIP, parseIPSloppy } from '../../../validation/ip.ts';
import { isValidGroupID, isValidUserID } from '../../../validation/names.ts';
import {
  type Errs,
  list,
  map,
  maybe,
  nameErrors,
  str,
  validateCommonUpdateFields,
  validateCoreObjectMeta,
  validateCoreObjectMetaUpdate,
  validateQualifiedName,
} from './common.ts';
import { validateContainerImageWhitespace } from './containers.ts';
import {
  type PodSpecValidationOptions,
  validatePodSpec,
  validatePodSpecificAnnotations,
  validatePodTemplateSpec,
  validateSecurityAnnotationsMatchFields,
  validateTolerations,
} from './pod-spec.ts';
import { specDiff } from './spec-diff.ts';

const metadataPath = Path.root('metadata');
const annotationsPath = metadataPath.child('annotations');
const specPath = Path.root('spec');
const statusPath = Path.root('status');

const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
const appArmorContainerPrefix = 'container.apparmor.security.beta.kubernetes.io/';
const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

function podSpecOf(pod: Pod): PodSpec {
  return pod.spec ?? { containers: [] };
}

function containersOf(spec: PodSpec): readonly Container[] {
  return list(spec.containers as Container[] | undefined);
}

const canonicalIntRe = /^(-?[1-9][0-9]*|0)$/;

/** Options upstream derives from the old pod: an invalid deletion cost already present stays allowed. */
function podOptions(pod: Pod, old: Pod | undefined): PodSpecValidationOptions {
  const oldCost = old?.metadata?.annotations?.[deletionCostAnnotation];
  const allowInvalidPodDeletionCost = oldCost !== undefined && !canonicalIntRe.test(oldCost);
  const podName = str(pod.metadata?.name);
  return { resourceIsPod: true, allowInvalidPodDeletionCost, ...(podName ? { podName } : {}) };
}

/** Upstream `validatePodMetadataAndSpec`. */
function validatePodMetadataAndSpec(pod: Pod, opts: PodSpecValidationOptions): Errs {
  const spec = podSpecOf(pod);
  const errs = validateCoreObjectMeta(pod.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(
    ...validatePodSpecificAnnotations(pod.metadata?.annotations, spec, annotationsPath, opts),
  );
  errs.push(...validatePodSpec(spec, specPath, opts));
  if (!str(spec.serviceAccountName)) {
    list(spec.volumes).forEach((v, vi) => {
      list(v.projected?.sources).forEach((s, si) => {
        if (s.serviceAccountToken) {
          errs.push(
            forbidden(
              specPath
                .child('volumes')
                .index(vi)
                .child('projected')
                .child('sources')
                .index(si)
                .child('serviceAccountToken'),
              'must not be specified when serviceAccountName is not set',
            ),
          );
        }
      });
    });
  }
  errs.push(...validateContainerImageWhitespace(containersOf(spec), specPath.child('containers')));
  errs.push(
    ...validateContainerImageWhitespace(
      list(spec.initContainers),
      specPath.child('initContainers'),
    ),
  );
  return errs;
}

/** A new Pod (upstream `ValidatePodCreate`). */
export function validatePod(pod: Pod, _ctx?: ValidationContext): Errs {
  const spec = podSpecOf(pod);
  const errs = validatePodMetadataAndSpec(pod, podOptions(pod, undefined));
  if (list(spec.ephemeralContainers).length > 0) {
    errs.push(forbidden(specPath.child('ephemeralContainers'), 'cannot be set on create'));
  }
  if (str(spec.nodeName) && list(spec.schedulingGates).length !== 0) {
    errs.push(
      forbidden(
        specPath.child('nodeName'),
        'cannot be set until all schedulingGates have been cleared',
      ),
    );
  }
  errs.push(...validateSecurityAnnotationsMatchFields(pod.metadata, spec, specPath));
  return errs;
}

/** Upstream `ValidatePodSpecificAnnotationUpdates`. */
function validatePodAnnotationUpdates(pod: Pod, old: Pod, opts: PodSpecValidationOptions): Errs {
  const errs: Errs = [];
  const n = map(pod.metadata?.annotations);
  const o = map(old.metadata?.annotations);
  for (const [k, oldVal] of Object.entries(o)) {
    if (Object.hasOwn(n, k) && n[k] === oldVal) continue;
    if (k.startsWith(appArmorContainerPrefix)) {
      errs.push(forbidden(annotationsPath.key(k), 'may not remove or update AppArmor annotations'));
    }
    if (k === mirrorPodAnnotation) {
      errs.push(
        forbidden(annotationsPath.key(k), 'may not remove or update mirror pod annotation'),
      );
    }
  }
  for (const k of Object.keys(n)) {
    if (Object.hasOwn(o, k)) continue;
    if (k.startsWith(appArmorContainerPrefix)) {
      errs.push(forbidden(annotationsPath.key(k), 'may not add AppArmor annotations'));
    }
    if (k === mirrorPodAnnotation)
      errs.push(forbidden(annotationsPath.key(k), 'may not add mirror pod annotation'));
  }
  errs.push(
    ...validatePodSpecificAnnotations(
      pod.metadata?.annotations,
      podSpecOf(pod),
      annotationsPath,
      opts,
    ),
  );
  return errs;
}

function validateContainerUpdates(
  next: readonly Container[],
  prev: readonly Container[],
  path: Path,
): { errs: Errs; stop: boolean } {
  if (next.length !== prev.length) {
    return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  }
  const errs: Errs = [];
  next.forEach((c, i) => {
    const image = str(c.image);
    if (!image) errs.push(required(path.index(i).child('image')));
    if (image.trim().length !== image.length) {
      errs.push(
        invalid(
          path.index(i).child('image'),
          image,
          'must not have leading or trailing whitespace',
        ),
      );
    }
  });
  return { errs, stop: false };
}

function tolerationEqualIgnoringSeconds(a: Toleration, b: Toleration): boolean {
  return (
    str(a.key) === str(b.key) &&
    str(a.operator) === str(b.operator) &&
    str(a.value) === str(b.value) &&
    str(a.effect) === str(b.effect)
  );
}

/** Upstream `validateOnlyAddedTolerations`. */
function validateOnlyAddedTolerations(
  next: readonly Toleration[],
  prev: readonly Toleration[],
  path: Path,
): Errs {
  for (const old of prev) {
    if (!next.some((t) => tolerationEqualIgnoringSeconds(old, t))) {
      return [
        forbidden(path, 'existing toleration can not be modified except its tolerationSeconds'),
      ];
    }
  }
  return validateTolerations(next, path);
}

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
].join(',');

/** Semantic equality of specs: missing, null and empty lists or maps are the same. */
function sameSpec(a: unknown, b: unknown): boolean {
  return deepEqual(prune(a), prune(b));
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(prune);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined && p !== null) {
        out[k] = p;
        any = true;
      }
    }
    return any ? out : {};
  }
  return v;
}

function validateNodeSelectorMutation(
  next: Readonly<Record<string, string>>,
  prev: Readonly<Record<string, string>>,
): Errs {
  for (const [k, v] of Object.entries(prev)) {
    if (next[k] !== v) {
      return [
        invalid(
          specPath.child('nodeSelector'),
          goStringMap(next),
          'only additions to spec.nodeSelector are allowed (no mutations or deletions)',
        ),
      ];
    }
  }
  return [];
}

/** Go's `%#v` of a `map[string]string` (keys sorted, as fmt prints maps). */
function goStringMap(m: Readonly<Record<string, string>>): GoLiteral {
  const keys = Object.keys(m).sort();
  return new GoLiteral(
    `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(m[k] ?? '')}`).join(', ')}}`,
  );
}

/** An update of a Pod through the main resource (upstream `ValidatePodUpdate`). */
export function validatePodUpdate(pod: Pod, old: Pod, _ctx?: ValidationContext): Errs {
  const errs = validateCommonUpdateFields(pod.metadata, old.metadata, true, true);
  const opts = podOptions(pod, old);
  errs.push(...validateCoreObjectMetaUpdate(pod.metadata, old.metadata, true));
  errs.push(...validatePodMetadataAndSpec(pod, opts));
  errs.push(...validatePodAnnotationUpdates(pod, old, opts));
  const spec = podSpecOf(pod);
  const oldSpec = podSpecOf(old);
  const c = validateContainerUpdates(
    containersOf(spec),
    containersOf(oldSpec),
    specPath.child('containers'),
  );
  errs.push(...c.errs);
  if (c.stop) return errs;
  const ic = validateContainerUpdates(
    list(spec.initContainers),
    list(oldSpec.initContainers),
    specPath.child('initContainers'),
  );
  errs.push(...ic.errs);
  if (ic.stop) return errs;
  const adsPath = specPath.child('activeDeadlineSeconds');
  const ads = spec.activeDeadlineSeconds;
  const oldAds = oldSpec.activeDeadlineSeconds;
  if (ads !== undefined) {
    if (ads < 0 || ads > 2147483647) {
      errs.push(invalid(adsPath, ads, 'must be between 0 and 2147483647, inclusive'));
      return errs;
    }
    if (oldAds !== undefined && oldAds < ads) {
      errs.push(invalid(adsPath, ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldAds !== undefined) {
    errs.push(invalid(adsPath, 'null', 'must not update from a positive integer to nil value'));
  }
  errs.push(
    ...validateOnlyAddedTolerations(
      list(spec.tolerations),
      list(oldSpec.tolerations),
      specPath.child('tolerations'),
    ),
  );
  const newGates = list(spec.schedulingGates);
  if (newGates.length) {
    const oldNames = new Set(list(oldSpec.schedulingGates).map((g) => str(g.name)));
    const added = new Map<string, number>();
    newGates.forEach((g, i) => added.set(str(g.name), i));
    for (const [name, i] of added) {
      if (!oldNames.has(name)) {
        errs.push(
          forbidden(
            specPath.child('schedulingGates').index(i).child('name'),
            `only deletion is allowed, but found new scheduling gate '${name}'`,
          ),
        );
      }
    }
  }
  if (sameSpec(spec, oldSpec)) return errs;
  const munged = structuredClone(spec);
  munged.containers = containersOf(munged).map(
    (ctr, i) => ({ ...ctr, image: containersOf(oldSpec)[i]?.image }) as Container,
  );
  if (munged.initContainers) {
    munged.initContainers = munged.initContainers.map(
      (ctr, i) => ({ ...ctr, image: oldSpec.initContainers?.[i]?.image }) as Container,
    );
  }
  setOrDelete(munged, 'activeDeadlineSeconds', oldSpec.activeDeadlineSeconds);
  setOrDelete(munged, 'schedulingGates', oldSpec.schedulingGates);
  setOrDelete(munged, 'tolerations', oldSpec.tolerations);
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  if (list(oldSpec.schedulingGates).length > 0) {
    const oldSelector = map(oldSpec.nodeSelector);
    if (!sameSpec(munged.nodeSelector, oldSpec.nodeSelector)) {
      errs.push(...validateNodeSelectorMutation(map(munged.nodeSelector), oldSelector));
      setOrDelete(munged, 'nodeSelector', oldSpec.nodeSelector);
    }
    const oldNA = oldSpec.affinity?.nodeAffinity;
    const newNA = munged.affinity?.nodeAffinity;
    if (!sameSpec(oldNA, newNA)) {
      errs.push(...validateNodeAffinityMutation(newNA, oldNA));
      if (!munged.affinity && oldNA) munged.affinity = { nodeAffinity: oldNA };
      else if (
        munged.affinity &&
        !oldSpec.affinity &&
        !munged.affinity.podAffinity &&
        !munged.affinity.podAntiAffinity
      ) {
        delete munged.affinity;
      } else if (munged.affinity) {
        setOrDelete(munged.affinity, 'nodeAffinity', oldNA);
      }
    }
  }
  if (!sameSpec(munged, oldSpec)) {
    errs.push(
      forbidden(
        specPath,
        `pod updates may not change fields other than ${updatablePodSpecFields}\n${specDiff(oldSpec, munged, podSpecSchema)}`,
      ),
    );
  }
  return errs;
}

function setOrDelete<T extends object, K extends keyof T>(
  obj: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value === undefined) Reflect.deleteProperty(obj, key);
  else obj[key] = value;
}

type NodeAffinity = NonNullable<NonNullable<PodSpec['affinity']>['nodeAffinity']>;

function validateNodeAffinityMutation(
  next: NodeAffinity | undefined,
  prev: NodeAffinity | undefined,
): Errs {
  const termsOld = prev?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!termsOld) return [];
  const termsNew = list(next?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms);
  const path = specPath.child(
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
    'nodeSelectorTerms',
  );
  if (termsOld.length > 0 && termsOld.length !== termsNew.length) {
    return [
      invalid(
        path,
        JSON.stringify(termsNew),
        'no additions/deletions to non-empty NodeSelectorTerms list are allowed',
      ),
    ];
  }
  const errs: Errs = [];
  termsOld.forEach((o, i) => {
    const n = termsNew[i];
    if (!n || !onlyAdditions(n, o)) {
      errs.push(
        invalid(
          path.index(i),
          JSON.stringify(n ?? {}),
          'only additions are allowed (no mutations or deletions)',
        ),
      );
    }
  });
  return errs;
}

function onlyAdditions(
  n: { matchExpressions?: unknown[]; matchFields?: unknown[] },
  o: { matchExpressions?: unknown[]; matchFields?: unknown[] },
): boolean {
  const oe = list(o.matchExpressions);
  const of = list(o.matchFields);
  const ne = list(n.matchExpressions);
  const nf = list(n.matchFields);
  if (oe.length === 0 && of.length === 0 && (ne.length > 0 || nf.length > 0)) return false;
  if (oe.length > 0 && (ne.length < oe.length || !deepEqual(ne.slice(0, oe.length), oe)))
    return false;
  if (of.length > 0 && (nf.length < of.length || !deepEqual(nf.slice(0, of.length), of)))
    return false;
  return true;
}

// ---- status -----------------------------------------------------------------------------------

const systemConditions = new Set(['PodScheduled', 'Ready', 'Initialized']);

function validateStateTransitions(
  next: readonly ContainerStatus[],
  prev: readonly ContainerStatus[],
  path: Path,
  restartPolicy: string,
  restartable: ReadonlySet<string>,
): Errs {
  if (restartPolicy === 'Always') return [];
  const errs: Errs = [];
  prev.forEach((o, i) => {
    const term = o.state?.terminated;
    if (!term) return;
    if (term.exitCode !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable.has(str(o.name))) return;
    for (const n of next) {
      if (str(o.name) === str(n.name) && !n.state?.terminated) {
        errs.push(
          forbidden(
            path.index(i).child('state'),
            'may not be transitioned to non-terminated state',
          ),
        );
      }
    }
  });
  return errs;
}

function validateIPList(ips: readonly { ip?: string }[], path: Path, goType: string): Errs {
  const lit = (p: { ip?: string }): string => `core.${goType}{IP:${goQuote(str(p.ip))}}`;
  const errs: Errs = [];
  ips.forEach((p, i) => errs.push(...isValidIP(path.index(i), str(p.ip))));
  if (ips.length > 1) {
    let v4 = 0;
    let v6 = 0;
    for (const p of ips) {
      const parsed = parseIPSloppy(str(p.ip));
      if (parsed && isIPv4(parsed)) v4++;
      else if (parsed) v6++;
    }
    const dual = v4 === 1 && v6 === 1;
    if (!dual || ips.length > 2) {
      errs.push(
        invalid(
          path,
          new GoLiteral(`[]core.${goType}{${ips.map(lit).join(', ')}}`),
          'may specify no more than one IP for each IP family',
        ),
      );
    }
    const seen = new Set<string>();
    ips.forEach((p, i) => {
      const ip = str(p.ip);
      if (seen.has(ip)) errs.push(duplicate(path.index(i), new GoLiteral(lit(p))));
      seen.add(ip);
    });
  }
  return errs;
}

/** The pod's IPs as upstream's conversion derives them (podIP wins over a differing podIPs[0]). */
function effectivePodIPs(status: NonNullable<Pod['status']>): readonly { ip?: string }[] {
  const podIP = str(status.podIP);
  const podIPs = list(status.podIPs);
  if (podIP && (podIPs.length === 0 || str(podIPs[0]?.ip) !== podIP)) return [{ ip: podIP }];
  return podIPs;
}

/** An update through pods/status (upstream `ValidatePodStatusUpdate`). */
export function validatePodStatusUpdate(pod: Pod, old: Pod, _ctx?: ValidationContext): Errs {
  const errs = validateCommonUpdateFields(pod.metadata, old.metadata, true, true);
  const opts = podOptions(pod, old);
  errs.push(...validateCoreObjectMetaUpdate(pod.metadata, old.metadata, true));
  errs.push(...validatePodAnnotationUpdates(pod, old, opts));
  const status = pod.status ?? {};
  const oldStatus = old.status ?? {};
  list(status.conditions).forEach((c, i) => {
    const type = str(c.type);
    if (!systemConditions.has(type)) {
      errs.push(
        ...validateQualifiedName(type, metadataPath.child('conditions').index(i).child('Type')),
      );
    }
  });
  const spec = podSpecOf(pod);
  const oldSpec = podSpecOf(old);
  if (str(spec.nodeName) !== str(oldSpec.nodeName)) {
    errs.push(forbidden(statusPath.child('nodeName'), 'may not be changed directly'));
  }
  const nominated = str(status.nominatedNodeName);
  if (nominated !== str(oldStatus.nominatedNodeName) && nominated) {
    errs.push(...nameErrors(nameIsDNSSubdomain, nominated, statusPath.child('nominatedNodeName')));
  }
  const qos = str(status.qosClass);
  if (qos !== str(oldStatus.qosClass))
    errs.push(invalid(statusPath.child('qosClass'), qos, fieldImmutableErrorMsg));
  const restartPolicy: string = str(oldSpec.restartPolicy);
  const sidecars = new Set(
    list(oldSpec.initContainers)
      .filter((c) => c.restartPolicy === 'Always')
      .map((c) => str(c.name)),
  );
  errs.push(
    ...validateStateTransitions(
      list(status.containerStatuses),
      list(oldStatus.containerStatuses),
      statusPath.child('containerStatuses'),
      restartPolicy,
      new Set(),
    ),
  );
  errs.push(
    ...validateStateTransitions(
      list(status.initContainerStatuses),
      list(oldStatus.initContainerStatuses),
      statusPath.child('initContainerStatuses'),
      restartPolicy,
      sidecars,
    ),
  );
  errs.push(
    ...validateStateTransitions(
      list(status.ephemeralContainerStatuses),
      list(oldStatus.ephemeralContainerStatuses),
      statusPath.child('ephemeralContainerStatuses'),
      'Never',
      new Set(),
    ),
  );
  errs.push(...validateIPList(effectivePodIPs(status), statusPath.child('podIPs'), 'PodIP'));
  const hostIPs = list(status.hostIPs);
  if (hostIPs.length) {
    const hp = statusPath.child('hostIPs');
    const first = str(hostIPs[0]?.ip);
    if (str(status.hostIP) !== first)
      errs.push(invalid(hp.index(0).child('ip'), first, 'must be equal to `hostIP`'));
    errs.push(...validateIPList(hostIPs, hp, 'HostIP'));
  }
  const os = str(spec.os?.name) || 'linux';
  const users = (list: readonly ContainerStatus[] | undefined, key: string): void => {
    (list ?? []).forEach((cs, i) => {
      const user = cs.user;
      if (!user) return;
      const p = statusPath.child(key).index(i).child('linux');
      if (os === 'windows') {
        if (user.linux) errs.push(forbidden(p, 'cannot be set for a windows pod'));
      } else if (os === 'linux' && user.linux) {
        for (const m of isValidUserID(user.linux.uid))
          errs.push(invalid(p.child('uid'), user.linux.uid, m));
        for (const m of isValidGroupID(user.linux.gid))
          errs.push(invalid(p.child('gid'), user.linux.gid, m));
        (user.linux.supplementalGroups ?? []).forEach((g, j) => {
          for (const m of isValidGroupID(g))
            errs.push(invalid(p.child('supplementalGroups').index(j), g, m));
        });
      }
    });
  };
  users(status.containerStatuses, 'containerStatuses');
  users(status.initContainerStatuses, 'initContainerStatuses');
  users(status.ephemeralContainerStatuses, 'ephemeralContainerStatuses');
  return errs;
}

// ---- ephemeral containers ---------------------------------------------------------------------

/**
 * An update through pods/ephemeralcontainers (upstream `ValidatePodEphemeralContainersUpdate`):
 * the new pod is valid, static pods refuse, and existing ephemeral containers are neither removed
 * nor changed. The API server keeps everything but `spec.ephemeralContainers` from the old pod
 * before calling this, as upstream's strategy does.
 */
export function validatePodEphemeralContainersUpdate(
  pod: Pod,
  old: Pod,
  _ctx?: ValidationContext,
): Errs {
  const errs = validateCommonUpdateFields(pod.metadata, old.metadata, true, true);
  const opts = podOptions(pod, old);
  errs.push(...validateCoreObjectMetaUpdate(pod.metadata, old.metadata, true));
  errs.push(...validatePodMetadataAndSpec(pod, opts));
  errs.push(...validatePodAnnotationUpdates(pod, old, opts));
  if (old.metadata?.annotations?.[mirrorPodAnnotation] !== undefined) {
    return [forbidden('', 'static pods do not support ephemeral containers')];
  }
  const path = specPath.child('ephemeralContainers');
  const byName = new Map<string, EphemeralContainer>();
  for (const ec of list(pod.spec?.ephemeralContainers)) byName.set(str(ec.name), ec);
  for (const o of list(old.spec?.ephemeralContainers)) {
    const n = byName.get(str(o.name));
    if (!n) {
      errs.push(
        forbidden(
          path,
          `existing ephemeral containers ${JSON.stringify(str(o.name))} may not be removed\n`,
        ),
      );
    } else if (!sameSpec(o, n)) {
      errs.push(
        forbidden(
          path,
          `existing ephemeral containers ${JSON.stringify(str(o.name))} may not be changed\n${specDiff(o, n, ephemeralContainerSchema)}`,
        ),
      );
    }
  }
  return errs;
}

// ---- bindings and templates -------------------------------------------------------------------

/**
 * A Binding posted to pods/binding or bindings (upstream `ValidatePodBinding`). Upstream returns
 * these errors as a plain aggregate error (so a client sees a 500 with this text), not a 422.
 */
export function validateBinding(binding: Binding): Errs {
  const errs: Errs = [];
  const kind = str(maybe(binding.target)?.kind);
  if (kind && kind !== 'Node')
    errs.push(notSupported(Path.root('target', 'kind'), kind, ['Node', '<empty>']));
  if (!str(maybe(binding.target)?.name)) errs.push(required(Path.root('target', 'name')));
  return errs;
}

const templatePath = Path.root('template');

/** A new PodTemplate (upstream `ValidatePodTemplate`). */
export function validatePodTemplate(obj: PodTemplate, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(obj.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validatePodTemplateSpec(obj.template, templatePath));
  return errs;
}

/** An update of a PodTemplate (upstream `ValidatePodTemplateUpdate`). */
export function validatePodTemplateUpdate(
  obj: PodTemplate,
  old: PodTemplate,
  _ctx?: ValidationContext,
): Errs {
  const errs = validateCommonUpdateFields(obj.metadata, old.metadata, true, true);
  errs.push(...validateCoreObjectMetaUpdate(obj.metadata, old.metadata, true));
  errs.push(...validatePodTemplateSpec(obj.template, templatePath));
  return errs;
}
