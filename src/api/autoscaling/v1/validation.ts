/**
 * Validation of the autoscaling/v1 Scale a client writes to a `scale` subresource, as upstream
 * v1.32 `ValidateScale` does it: valid metadata (a DNS-subdomain name, a namespace) and
 * `spec.replicas` not negative. The API server reports the errors as a 422 for kind
 * `Scale.autoscaling`, then applies the replicas to the parent and validates the parent.
 */
import type { FieldErrorList } from '../../validation/field-errors.ts';
import { Path, invalid } from '../../validation/field-errors.ts';
import { validateObjectMeta } from '../../validation/object-meta.ts';
import type { Scale } from './scale.ts';

const replicasPath = Path.root('spec', 'replicas');

/** Upstream `ValidateScale`. */
export function validateScale(scale: Scale): FieldErrorList {
  const errs = validateObjectMeta(scale.metadata, { namespaced: true, nameRule: 'subdomain' });
  const replicas = scale.spec?.replicas;
  if (typeof replicas === 'number' && replicas < 0) {
    errs.push(invalid(replicasPath, replicas, 'must be greater than or equal to 0'));
  }
  return errs;
}
