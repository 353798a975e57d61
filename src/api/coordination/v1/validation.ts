/**
 * Validation of coordination.k8s.io/v1 Lease as upstream v1.32 does it
 * (`pkg/apis/coordination/validation`): a DNS-subdomain name, a positive lease duration and a
 * non-negative transition count. Leases may be updated only with a resourceVersion (upstream's
 * strategy does not allow unconditional updates).
 *
 * `strategy` and `preferredHolder` belong to coordinated leader election (the
 * CoordinatedLeaderElection feature gate, alpha and off in v1.32, under which upstream drops both
 * fields before validating), so they are not checked here.
 */
import type { FieldErrorList } from '../../validation/field-errors.ts';
import { Path, invalid } from '../../validation/field-errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta.ts';
import type { Lease, LeaseSpec } from './lease.ts';

const metadataPath = Path.root('metadata');
const specPath = Path.root('spec');

/** Upstream `ValidateLeaseSpec`. */
function validateLeaseSpec(spec: LeaseSpec | undefined): FieldErrorList {
  const errs: FieldErrorList = [];
  const duration = spec?.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) {
    errs.push(invalid(specPath.child('leaseDurationSeconds'), duration, 'must be greater than 0'));
  }
  const transitions = spec?.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) {
    errs.push(
      invalid(
        specPath.child('leaseTransitions'),
        transitions,
        'must be greater than or equal to 0',
      ),
    );
  }
  return errs;
}

/** A new Lease (upstream `ValidateLease`). */
export function validateLease(obj: Lease): FieldErrorList {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validateLeaseSpec(obj.spec));
  return errs;
}

/**
 * An update of a Lease: the registry's metadata checks, then upstream `ValidateLeaseUpdate`
 * (metadata update rules, a resourceVersion required, and the spec as on create).
 */
export function validateLeaseUpdate(obj: Lease, old: Lease): FieldErrorList {
  // The generic registry's checks (names as path segments, the update rules) ...
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameRule: 'path-segment' });
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata, { path: metadataPath }));
  // ... then the kind's own, which repeat the update rules (the 422 message shows each once).
  errs.push(...validateObjectMetaUpdate(obj.metadata, old.metadata, { path: metadataPath }));
  errs.push(...validateLeaseSpec(obj.spec));
  return errs;
}
