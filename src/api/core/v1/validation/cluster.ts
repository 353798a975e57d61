/**
 * Namespaces, Nodes and (core/v1) Events as upstream v1.32 validates them.
 *
 * Upstream quirks kept: a Node's taints are reported under `metadata.taints`; its resource
 * quantities at `status.capacity.<name>` (a dotted child, not a key); a Namespace's status phase
 * at `status.Phase`; create-time finalizer errors at `spec.finalizers` without an index.
 */
import type { ValidationContext } from '../../../scheme.ts';
import type { Taint } from '../affinity.ts';
import type { Event } from '../event.ts';
import type { Namespace } from '../namespace.ts';
import type { Node } from '../node.ts';
import type { FieldError } from '../../../validation/field-errors.ts';
import {
  Path,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../validation/field-errors.ts';
import { GoLiteral, goQuote, goStringSlice, utf8Length } from '../../../validation/go-format.ts';
import { isIPv4, isValidCIDR, parseCIDRSloppy } from '../../../validation/ip.ts';
import {
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../../../validation/names.ts';
import { validateLabelName, validateObjectMeta } from '../../../validation/object-meta.ts';
import {
  type Errs,
  goJSONUnmarshalError,
  list,
  map,
  maybe,
  metaUpdate,
  str,
  validateCoreObjectMeta,
  validateKubeFinalizerName,
  validateResourceQuantityValue,
} from './common.ts';

// ---- Namespace --------------------------------------------------------------------------------

const finalizersPath = Path.root('spec', 'finalizers');

function validateFinalizerName(value: string, path: Path): Errs {
  const errs = isQualifiedName(value).map((m) => invalid(path, value, m));
  errs.push(...validateKubeFinalizerName(value, path));
  return errs;
}

/** A new Namespace (upstream `ValidateNamespace`): a DNS label name, valid spec finalizers. */
export function validateNamespace(ns: Namespace, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(ns.metadata, { namespaced: false, nameRule: 'label' });
  for (const f of list(ns.spec?.finalizers)) errs.push(...validateFinalizerName(f, finalizersPath));
  return errs;
}

/** An update of a Namespace: metadata rules only (spec and status are kept by the strategy). */
export function validateNamespaceUpdate(
  ns: Namespace,
  old: Namespace,
  _ctx?: ValidationContext,
): Errs {
  return metaUpdate(ns.metadata, old.metadata, false);
}

/** An update through namespaces/status: the phase follows the deletion timestamp. */
export function validateNamespaceStatusUpdate(
  ns: Namespace,
  old: Namespace,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(ns.metadata, old.metadata, false);
  const phase = str(ns.status?.phase);
  const p = Path.root('status', 'Phase');
  if (!ns.metadata?.deletionTimestamp) {
    if (phase !== 'Active')
      errs.push(invalid(p, phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(invalid(p, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

/** An update through namespaces/finalize: each spec finalizer valid. */
export function validateNamespaceFinalizeUpdate(
  ns: Namespace,
  old: Namespace,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(ns.metadata, old.metadata, false);
  list(ns.spec?.finalizers).forEach((f, i) =>
    errs.push(...validateFinalizerName(f, finalizersPath.index(i))),
  );
  return errs;
}

// ---- Node -------------------------------------------------------------------------------------

const metadataPath = Path.root('metadata');
const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function goTaint(t: Taint): GoLiteral {
  return new GoLiteral(
    `core.Taint{Key:${goQuote(str(t.key))}, Value:${goQuote(str(t.value))}, Effect:${goQuote(str(t.effect))}, ` +
      `TimeAdded:${t.timeAdded === undefined ? '(*v1.Time)(nil)' : '(*v1.Time)(0xc000000000)'}}`,
  );
}

/** Upstream `validateNodeTaints`: keys, values, effects, and unique (key, effect) pairs. */
export function validateNodeTaints(taints: readonly Taint[], path: Path): Errs {
  const errs: Errs = [];
  const seen = new Set<string>();
  taints.forEach((t, i) => {
    const at = path.index(i);
    errs.push(...validateLabelName(str(t.key), at.child('key')));
    const value = str(t.value);
    const msgs = isValidLabelValue(value);
    if (msgs.length) errs.push(invalid(at.child('value'), value, msgs.join(';')));
    const effect: string = str(t.effect);
    if (!effect) errs.push(required(at.child('effect')));
    else if (!taintEffects.includes(effect))
      errs.push(notSupported(at.child('effect'), effect, taintEffects));
    const key = `${effect}\u0000${str(t.key)}`;
    if (seen.has(key)) {
      const dup: FieldError = {
        type: 'FieldValueDuplicate',
        field: at.toString(),
        badValue: goTaint(t),
        detail: 'taints must be unique by key and effect pair',
      };
      errs.push(dup);
      return;
    }
    seen.add(key);
  });
  return errs;
}

const taintsAnnotation = 'scheduler.alpha.kubernetes.io/taints';

function validateNodeAnnotations(node: Node): Errs {
  const value = node.metadata?.annotations?.[taintsAnnotation];
  if (!value) return [];
  const path = metadataPath.child('annotations');
  const err = goJSONUnmarshalError(value, 'array', '[]core.Taint');
  if (err) return [invalid(path, taintsAnnotation, err)];
  const taints: unknown = JSON.parse(value);
  return Array.isArray(taints) && taints.length
    ? validateNodeTaints(taints as Taint[], path.child(taintsAnnotation))
    : [];
}

function validateNodeResources(node: Node): Errs {
  const errs: Errs = [];
  for (const [k, v] of Object.entries(map(node.status?.capacity))) {
    errs.push(...validateResourceQuantityValue(k, v, Path.root('status', 'capacity', k)));
  }
  for (const [k, v] of Object.entries(map(node.status?.allocatable))) {
    errs.push(...validateResourceQuantityValue(k, v, Path.root('status', 'allocatable', k)));
  }
  return errs;
}

/** A new Node (upstream `ValidateNode`). */
export function validateNode(node: Node, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(node.metadata, { namespaced: false, nameRule: 'subdomain' });
  errs.push(...validateNodeAnnotations(node));
  const taints = list(node.spec?.taints);
  if (taints.length) errs.push(...validateNodeTaints(taints, metadataPath.child('taints')));
  errs.push(...validateNodeResources(node));
  const cidrs = list(node.spec?.podCIDRs);
  if (cidrs.length) {
    const p = Path.root('spec', 'podCIDRs');
    cidrs.forEach((c, i) => errs.push(...isValidCIDR(p.index(i), c)));
    if (cidrs.length > 1) {
      const fams = cidrs.map((c) => {
        const parsed = parseCIDRSloppy(c);
        return parsed && isIPv4(parsed.ip) ? 4 : 6;
      });
      if (!(fams.includes(4) && fams.includes(6)) || cidrs.length > 2) {
        errs.push(
          invalid(p, goStringSlice(cidrs), 'may specify no more than one CIDR for each IP family'),
        );
      }
      const seen = new Set<string>();
      cidrs.forEach((c, i) => {
        if (seen.has(c))
          errs.push({
            type: 'FieldValueDuplicate',
            field: p.index(i).toString(),
            badValue: c,
            detail: '',
          });
        seen.add(c);
      });
    }
  }
  return errs;
}

const podCIDRChange = 'node updates may not change podCIDR except from "" to valid';

/** An update of a Node (main resource or status; upstream `ValidateNodeUpdate`). */
export function validateNodeUpdate(node: Node, old: Node, _ctx?: ValidationContext): Errs {
  const errs = metaUpdate(node.metadata, old.metadata, false);
  errs.push(...validateNodeAnnotations(node));
  errs.push(...validateNodeResources(node));
  const seen = new Set<string>();
  list(node.status?.addresses).forEach((a, i) => {
    const key = `${str(a.type)}\u0000${str(a.address)}`;
    if (seen.has(key)) {
      errs.push({
        type: 'FieldValueDuplicate',
        field: Path.root('status', 'addresses').index(i).toString(),
        badValue: new GoLiteral(
          `core.NodeAddress{Type:${goQuote(str(a.type))}, Address:${goQuote(str(a.address))}}`,
        ),
        detail: '',
      });
    }
    seen.add(key);
  });
  const oldCIDRs = list(old.spec?.podCIDRs);
  const cidrs = list(node.spec?.podCIDRs);
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== cidrs.length)
      errs.push(forbidden(Path.root('spec', 'podCIDRs'), podCIDRChange));
    else {
      oldCIDRs.forEach((c, i) => {
        if (c !== cidrs[i]) errs.push(forbidden(Path.root('spec', 'podCIDRs'), podCIDRChange));
      });
    }
  }
  const oldProvider = str(old.spec?.providerID);
  if (oldProvider && oldProvider !== str(node.spec?.providerID)) {
    errs.push(
      forbidden(
        Path.root('spec', 'providerID'),
        'node updates may not change providerID except from "" to valid',
      ),
    );
  }
  const taints = list(node.spec?.taints);
  if (taints.length) errs.push(...validateNodeTaints(taints, metadataPath.child('taints')));
  if (str(node.spec?.externalID) !== str(old.spec?.externalID)) {
    errs.push(forbidden(Path.root('spec', 'externalID'), 'may not be updated'));
  }
  return errs;
}

// ---- Event (core/v1) --------------------------------------------------------------------------

/**
 * An Event written through core/v1 (upstream `legacyValidateEvent`; the strict events.k8s.io rules
 * do not apply to this API). Old-style events (no eventTime) must match their object's namespace;
 * new-style ones need reportingComponent, reportingInstance, action and reason within limits.
 * When that passes, the registry's generic metadata check (name as a path segment) applies.
 */
export function validateEvent(ev: Event, ctx?: ValidationContext): Errs {
  const errs = legacyValidateEvent(ev, ctx);
  if (errs.length) return errs;
  return validateObjectMeta(ev.metadata, { namespaced: true, nameRule: 'path-segment' });
}

const reportingComponentPath = Path.root('reportingComponent');

function legacyValidateEvent(ev: Event, ctx: ValidationContext | undefined): Errs {
  const errs: Errs = [];
  const namespace = str(maybe(ev.metadata)?.namespace) || str(ctx?.namespace);
  const involvedNs = str(maybe(ev.involvedObject)?.namespace);
  const nsPath = Path.root('involvedObject', 'namespace');
  const mismatch = 'does not match event.namespace';
  if (!ev.eventTime) {
    if (!involvedNs) {
      if (namespace !== '' && namespace !== 'default')
        errs.push(invalid(nsPath, involvedNs, mismatch));
    } else if (namespace !== involvedNs) {
      errs.push(invalid(nsPath, involvedNs, mismatch));
    }
  } else {
    if (!involvedNs && namespace !== 'default' && namespace !== 'kube-system') {
      errs.push(invalid(nsPath, involvedNs, mismatch));
    }
    // Requests through core/v1 see the field under its v1 name.
    const controller = str(ev.reportingComponent);
    if (!controller) errs.push(required(reportingComponentPath));
    for (const m of isQualifiedName(controller))
      errs.push(invalid(reportingComponentPath, controller, m));
    const instance = str(ev.reportingInstance);
    if (!instance) errs.push(required(Path.root('reportingInstance')));
    if (utf8Length(instance) > 128)
      errs.push(invalid(Path.root('reportingInstance'), '', 'can have at most 128 characters'));
    const action = str(ev.action);
    if (!action) errs.push(required(Path.root('action')));
    if (utf8Length(action) > 128)
      errs.push(invalid(Path.root('action'), '', 'can have at most 128 characters'));
    const reason = str(ev.reason);
    if (!reason) errs.push(required(Path.root('reason')));
    if (utf8Length(reason) > 128)
      errs.push(invalid(Path.root('reason'), '', 'can have at most 128 characters'));
    if (utf8Length(str(ev.message)) > 1024)
      errs.push(invalid(Path.root('message'), '', 'can have at most 1024 characters'));
  }
  for (const m of isDNS1123Subdomain(namespace))
    errs.push(invalid(Path.root('namespace'), namespace, m));
  return errs;
}

/** An update of an Event through core/v1: the same rules as a create. */
export function validateEventUpdate(ev: Event, old: Event, ctx?: ValidationContext): Errs {
  const errs = metaUpdate(ev.metadata, old.metadata, true);
  errs.push(...legacyValidateEvent(ev, ctx));
  return errs;
}
