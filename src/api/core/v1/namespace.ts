/**
 * core/v1: Namespace, with its finalizers, phase and conditions.
 */
import {
  atomicList,
  field,
  mergeList,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import { conditionStatusValues, namespacePhaseValues } from './enums.ts';

export const namespaceSpecSchema = object(
  'io.k8s.api.core.v1.NamespaceSpec',
  'The desired state of a namespace.',
  {
    finalizers: atomicList(
      string(),
      'Values that must all be removed before the namespace is deleted from storage; kubernetes stands for the namespace controller, which first deletes everything in the namespace.',
      { proto: 1 },
    ),
  },
);
export type NamespaceSpec = Infer<typeof namespaceSpecSchema>;

export const namespaceConditionSchema = object(
  'io.k8s.api.core.v1.NamespaceCondition',
  "One aspect of a namespace's state, mostly about the progress of its deletion.",
  {
    type: requiredField(
      string(),
      'Type of the condition, e.g. NamespaceDeletionContentFailure or NamespaceContentRemaining.',
      { proto: 1 },
    ),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.', {
      proto: 2,
    }),
    lastTransitionTime: field(time(), 'When the status last changed.', { proto: 4 }),
    reason: field(string(), 'One-word CamelCase reason for the last transition.', { proto: 5 }),
    message: field(string(), 'Human-readable detail about the last transition.', { proto: 6 }),
  },
);
export type NamespaceCondition = Infer<typeof namespaceConditionSchema>;

export const namespaceStatusSchema = object(
  'io.k8s.api.core.v1.NamespaceStatus',
  'The observed state of a namespace.',
  {
    phase: field(
      string({ enum: namespacePhaseValues }),
      'Active, or Terminating once it is being deleted.',
      { proto: 1 },
    ),
    conditions: mergeList(namespaceConditionSchema, 'Conditions of the namespace.', 'type', {
      proto: 2,
    }),
  },
);
export type NamespaceStatus = Infer<typeof namespaceStatusSchema>;

export const namespaceSchema = object(
  'io.k8s.api.core.v1.Namespace',
  'A scope for names: most objects live in exactly one namespace, and names are unique within it.',
  {
    ...typeAndObjectMeta(),
    spec: field(namespaceSpecSchema, 'Desired state of the namespace.', { proto: 2 }),
    status: field(namespaceStatusSchema, 'Observed state of the namespace.', { proto: 3 }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Namespace' }] },
);
export type Namespace = Infer<typeof namespaceSchema>;

export const namespaceListSchema = listOf(namespaceSchema, {
  group: '',
  version: 'v1',
  kind: 'Namespace',
});
export type NamespaceList = Infer<typeof namespaceListSchema>;
