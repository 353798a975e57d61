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
    ),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.'),
    lastTransitionTime: field(time(), 'When the status last changed.'),
    reason: field(string(), 'One-word CamelCase reason for the last transition.'),
    message: field(string(), 'Human-readable detail about the last transition.'),
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
    ),
    conditions: mergeList(namespaceConditionSchema, 'Conditions of the namespace.', 'type'),
  },
);
export type NamespaceStatus = Infer<typeof namespaceStatusSchema>;

export const namespaceSchema = object(
  'io.k8s.api.core.v1.Namespace',
  'A scope for names: most objects live in exactly one namespace, and names are unique within it.',
  {
    ...typeAndObjectMeta(),
    spec: field(namespaceSpecSchema, 'Desired state of the namespace.'),
    status: field(namespaceStatusSchema, 'Observed state of the namespace.'),
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
