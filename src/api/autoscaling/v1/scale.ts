/**
 * autoscaling/v1 Scale: the body of the `scale` subresource of Deployments, ReplicaSets and
 * StatefulSets (upstream `k8s.io/api/autoscaling/v1`). Scale is never stored and has no list kind.
 */
import { typeAndObjectMeta } from '../../meta/v1.ts';
import { field, int32, object, requiredField, string, type Infer } from '../../schema/schema.ts';

const a = 'io.k8s.api.autoscaling.v1.';

export const scaleSpecSchema = object(a + 'ScaleSpec', 'The desired size of a scalable resource.', {
  replicas: field(int32(), 'Desired number of replicas.', { proto: 1 }),
});
export type ScaleSpec = Infer<typeof scaleSpecSchema>;

export const scaleStatusSchema = object(
  a + 'ScaleStatus',
  'The observed size of a scalable resource.',
  {
    replicas: requiredField(int32(), 'Number of replicas actually observed.', { proto: 1 }),
    selector: field(
      string(),
      'The label selector of the pods being counted, in the string form used by query parameters (app=web,tier in (a,b)).',
      { proto: 2 },
    ),
  },
);
export type ScaleStatus = Infer<typeof scaleStatusSchema>;

export const scaleGVK = { group: 'autoscaling', version: 'v1', kind: 'Scale' } as const;

export const scaleSchema = object(
  a + 'Scale',
  'The scaling request and state of a resource that has a scale subresource.',
  {
    ...typeAndObjectMeta(),
    spec: field(scaleSpecSchema, 'The desired size.', { proto: 2 }),
    status: field(scaleStatusSchema, 'The current size; read-only.', { proto: 3 }),
  },
  { gvk: [scaleGVK] },
);
export type Scale = Infer<typeof scaleSchema>;
