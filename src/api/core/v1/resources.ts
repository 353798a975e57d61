/**
 * core/v1: Resource requests and limits of containers, pods and volume claims, and in-place
 * resize policies.
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

export const resourceClaimSchema = object(
  'io.k8s.api.core.v1.ResourceClaim',
  "Makes one of the pod's resource claims (spec.resourceClaims) available to a container.",
  {
    name: requiredField(string(), "Name of an entry in the pod's spec.resourceClaims.", {
      proto: 1,
    }),
    request: field(
      string(),
      'Name of one request in the claim; when empty, everything allocated to the claim is made available.',
      { proto: 2 },
    ),
  },
);
export type ResourceClaim = Infer<typeof resourceClaimSchema>;

export const resourceRequirementsSchema = object(
  'io.k8s.api.core.v1.ResourceRequirements',
  'Compute resources a container (or the pod) requests and may not exceed.',
  {
    limits: field(
      map(quantity()),
      'Most of each resource the container may use, e.g. cpu: 500m, memory: 128Mi.',
      { proto: 1 },
    ),
    requests: field(
      map(quantity()),
      'Amount of each resource reserved for scheduling. Defaults to the limit when only the limit is set; may not exceed the limit.',
      { proto: 2 },
    ),
    claims: field(
      array(resourceClaimSchema),
      'Entries of spec.resourceClaims this container uses. Alpha (DynamicResourceAllocation); containers only; immutable.',
      { listType: 'map', listMapKeys: ['name'], proto: 3 },
    ),
  },
);
export type ResourceRequirements = Infer<typeof resourceRequirementsSchema>;

export const volumeResourceRequirementsSchema = object(
  'io.k8s.api.core.v1.VolumeResourceRequirements',
  'Storage a volume claim requests and may not exceed.',
  {
    limits: field(map(quantity()), 'Most storage the volume may have.', { proto: 1 }),
    requests: field(map(quantity()), 'Minimum storage the volume must have, e.g. storage: 10Gi.', {
      proto: 2,
    }),
  },
);
export type VolumeResourceRequirements = Infer<typeof volumeResourceRequirementsSchema>;

export const containerResizePolicySchema = object(
  'io.k8s.api.core.v1.ContainerResizePolicy',
  'What happens to a container when one of its resources is resized in place.',
  {
    resourceName: requiredField(string(), 'The resource: cpu or memory.', { proto: 1 }),
    restartPolicy: requiredField(
      string(),
      'NotRequired (resize the running container) or RestartContainer (restart it to apply the new value). Defaults to NotRequired.',
      { proto: 2 },
    ),
  },
);
export type ContainerResizePolicy = Infer<typeof containerResizePolicySchema>;

/** Quantities by resource name (cpu, memory, ephemeral-storage, hugepages-2Mi, ...). */
export type ResourceList = Record<string, string>;
