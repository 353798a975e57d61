/**
 * The coordination.k8s.io/v1 resources podbay serves: `leases`, as upstream v1.32's registry
 * defines them. A Lease has no status and no generation; a PUT to a missing name creates it, and
 * an update must carry a resourceVersion (leader election relies on that compare-and-swap).
 */
import { eraseResourceType } from '../../apps/v1/resources.ts';
import { allVerbs, type ResourceDef } from '../../scheme.ts';
import { leaseListSchema, leaseSchema } from './lease.ts';
import type { Lease } from './lease.ts';
import { validateLease, validateLeaseUpdate } from './validation.ts';

export const leaseResource: ResourceDef<Lease> = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  singular: 'lease',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: allVerbs,
  subresources: [],
  schema: leaseSchema,
  listSchema: leaseListSchema,
  nameRule: 'subdomain',
  hasStatusSubresource: false,
  tracksGeneration: false,
  allowUnconditionalUpdate: false,
  allowCreateOnUpdate: true,
  fieldSelectors: {},
  defaults: () => undefined,
  validate: validateLease,
  validateUpdate: validateLeaseUpdate,
};

/** Every coordination.k8s.io/v1 resource. */
export const coordinationV1Resources: readonly ResourceDef[] = [eraseResourceType(leaseResource)];
