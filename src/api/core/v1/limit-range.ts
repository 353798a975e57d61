/**
 * core/v1: LimitRange: per-namespace bounds and defaults of container, pod and claim resources.
 */
import {
  array,
  field,
  map,
  object,
  quantity,
  requiredField,
  string,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';

export const limitRangeItemSchema = object(
  'io.k8s.api.core.v1.LimitRangeItem',
  'Bounds and defaults of resources for one kind of object (Pod, Container or PersistentVolumeClaim).',
  {
    type: requiredField(
      string(),
      'Kind of object the limits apply to: Pod, Container or PersistentVolumeClaim.',
      { proto: 1 },
    ),
    max: field(map(quantity()), 'Largest allowed value of each resource.', { proto: 2 }),
    min: field(map(quantity()), 'Smallest allowed value of each resource.', { proto: 3 }),
    default: field(map(quantity()), 'Limit given to a container that sets none.', { proto: 4 }),
    defaultRequest: field(map(quantity()), 'Request given to a container that sets none.', {
      proto: 5,
    }),
    maxLimitRequestRatio: field(
      map(quantity()),
      'Largest allowed limit divided by request, per resource; both must then be set and non-zero.',
      { proto: 6 },
    ),
  },
);
export type LimitRangeItem = Infer<typeof limitRangeItemSchema>;

export const limitRangeSpecSchema = object(
  'io.k8s.api.core.v1.LimitRangeSpec',
  'The limits a LimitRange enforces.',
  {
    limits: requiredField(array(limitRangeItemSchema), 'Limits per kind of object.', {
      listType: 'atomic',
      proto: 1,
    }),
  },
);
export type LimitRangeSpec = Infer<typeof limitRangeSpecSchema>;

export const limitRangeSchema = object(
  'io.k8s.api.core.v1.LimitRange',
  'Per-namespace bounds and defaults of container, pod and claim resources, applied at admission.',
  {
    ...typeAndObjectMeta(),
    spec: field(limitRangeSpecSchema, 'The limits.', { proto: 2 }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'LimitRange' }] },
);
export type LimitRange = Infer<typeof limitRangeSchema>;

export const limitRangeListSchema = listOf(limitRangeSchema, {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
});
export type LimitRangeList = Infer<typeof limitRangeListSchema>;
