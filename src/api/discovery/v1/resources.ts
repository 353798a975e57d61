/**
 * The discovery.k8s.io/v1 resources podbay serves: `endpointslices`, as upstream v1.32's registry
 * defines them. An EndpointSlice has no status; any change outside its metadata bumps its
 * generation (upstream also bumps it when only the labels change); it may be updated without a
 * resourceVersion and is never created by a PUT.
 */
import { eraseResourceType } from '../../apps/v1/resources.ts';
import { allVerbs, type ResourceDef } from '../../scheme.ts';
import { defaultEndpointSlice } from './defaults.ts';
import { endpointSliceListSchema, endpointSliceSchema } from './endpoint-slice.ts';
import type { EndpointSlice } from './endpoint-slice.ts';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './validation.ts';

export const endpointSliceResource: ResourceDef<EndpointSlice> = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  resource: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: allVerbs,
  subresources: [],
  schema: endpointSliceSchema,
  listSchema: endpointSliceListSchema,
  nameRule: 'subdomain',
  hasStatusSubresource: false,
  tracksGeneration: true,
  allowUnconditionalUpdate: true,
  allowCreateOnUpdate: false,
  fieldSelectors: {},
  defaults: defaultEndpointSlice,
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
};

/** Every discovery.k8s.io/v1 resource. */
export const discoveryV1Resources: readonly ResourceDef[] = [
  eraseResourceType(endpointSliceResource),
];
