/**
 * core/v1: ResourceQuota: per-namespace limits on total resource use and object counts.
 */
import {
  atomicList,
  field,
  map,
  object,
  quantity,
  requiredField,
  string,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import { resourceQuotaScopeValues, scopeSelectorOperatorValues } from './enums.ts';

export const scopedResourceSelectorRequirementSchema = object(
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement',
  'One condition on a quota scope: a scope name, an operator and values.',
  {
    scopeName: requiredField(
      string({ enum: resourceQuotaScopeValues }),
      'The scope: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass or CrossNamespacePodAffinity.',
      { proto: 1 },
    ),
    operator: requiredField(
      string({ enum: scopeSelectorOperatorValues }),
      'In, NotIn, Exists or DoesNotExist.',
      { proto: 2 },
    ),
    values: atomicList(
      string(),
      'Values for In and NotIn (non-empty); empty for Exists and DoesNotExist. Replaced whole by a strategic merge patch.',
      { proto: 3 },
    ),
  },
);
export type ScopedResourceSelectorRequirement = Infer<
  typeof scopedResourceSelectorRequirementSchema
>;

export const scopeSelectorSchema = object(
  'io.k8s.api.core.v1.ScopeSelector',
  'Scope conditions that must all hold for an object to count against a quota.',
  {
    matchExpressions: atomicList(scopedResourceSelectorRequirementSchema, 'The conditions.', {
      proto: 1,
    }),
  },
  { atomic: true },
);
export type ScopeSelector = Infer<typeof scopeSelectorSchema>;

export const resourceQuotaSpecSchema = object(
  'io.k8s.api.core.v1.ResourceQuotaSpec',
  'The limits of a quota and the objects it counts.',
  {
    hard: field(
      map(quantity()),
      'Most of each resource the namespace may use, e.g. requests.cpu, limits.memory, pods, count/deployments.apps.',
      { proto: 1 },
    ),
    scopes: atomicList(
      string({ enum: resourceQuotaScopeValues }),
      'Only count objects in all these scopes: Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass or CrossNamespacePodAffinity. Unset counts every object.',
      { proto: 2 },
    ),
    scopeSelector: field(
      scopeSelectorSchema,
      'Scope conditions, like scopes but with operators and values; both must match.',
      { proto: 3 },
    ),
  },
);
export type ResourceQuotaSpec = Infer<typeof resourceQuotaSpecSchema>;

export const resourceQuotaStatusSchema = object(
  'io.k8s.api.core.v1.ResourceQuotaStatus',
  'The enforced limits of a quota and current usage.',
  {
    hard: field(map(quantity()), 'The limits being enforced.', { proto: 1 }),
    used: field(map(quantity()), 'Current usage in the namespace.', { proto: 2 }),
  },
);
export type ResourceQuotaStatus = Infer<typeof resourceQuotaStatusSchema>;

export const resourceQuotaSchema = object(
  'io.k8s.api.core.v1.ResourceQuota',
  'Limits on the total resources and object counts of a namespace, enforced at admission.',
  {
    ...typeAndObjectMeta(),
    spec: field(resourceQuotaSpecSchema, 'The limits and what they count.', { proto: 2 }),
    status: field(resourceQuotaStatusSchema, 'The enforced limits and current usage.', {
      proto: 3,
    }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'ResourceQuota' }] },
);
export type ResourceQuota = Infer<typeof resourceQuotaSchema>;

export const resourceQuotaListSchema = listOf(resourceQuotaSchema, {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
});
export type ResourceQuotaList = Infer<typeof resourceQuotaListSchema>;
