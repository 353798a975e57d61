/**
 * discovery.k8s.io/v1 EndpointSlice: a subset of the network endpoints behind a Service, as written
 * by the EndpointSlice controller and read by kube-proxy and DNS (upstream `k8s.io/api/discovery/v1`).
 *
 * `Endpoint` and `EndpointPort` also exist in core/v1 (for the older Endpoints kind), so the exports
 * of those two carry a `discovery` prefix.
 */
import { objectReferenceSchema } from '../../core/v1/index.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import {
  array,
  atomicList,
  boolean,
  field,
  int32,
  object,
  requiredField,
  string,
  stringMap,
  type Infer,
} from '../../schema/schema.ts';

const d = 'io.k8s.api.discovery.v1.';

export const endpointConditionsSchema = object(
  d + 'EndpointConditions',
  'The current state of one endpoint.',
  {
    ready: field(
      boolean(),
      'The endpoint can receive traffic. Unset means unknown, which consumers usually treat as ready. Normally false while terminating, unless the Service publishes not-ready addresses.',
      { proto: 1 },
    ),
    serving: field(
      boolean(),
      'Like ready, but also reported while the endpoint is terminating. Unset means consumers fall back to ready.',
      { proto: 2 },
    ),
    terminating: field(
      boolean(),
      'The endpoint is shutting down. Unset means unknown, which consumers treat as not terminating.',
      { proto: 3 },
    ),
  },
);
export type EndpointConditions = Infer<typeof endpointConditionsSchema>;

export const forZoneSchema = object(d + 'ForZone', 'A zone that should consume an endpoint.', {
  name: requiredField(string(), 'Name of the zone.', { proto: 1 }),
});
export type ForZone = Infer<typeof forZoneSchema>;

export const endpointHintsSchema = object(
  d + 'EndpointHints',
  'Hints about how an endpoint should be consumed, for topology-aware routing.',
  {
    forZones: atomicList(forZoneSchema, 'Zones whose clients should use this endpoint.', {
      proto: 1,
    }),
  },
);
export type EndpointHints = Infer<typeof endpointHintsSchema>;

export const discoveryEndpointSchema = object(d + 'Endpoint', 'One logical backend of a Service.', {
  addresses: requiredField(
    array(string()),
    "The endpoint's addresses, of the slice's addressType: 1 to 100 of them, all interchangeable.",
    { listType: 'set', proto: 1 },
  ),
  conditions: field(endpointConditionsSchema, 'The current state of the endpoint.', { proto: 2 }),
  hostname: field(
    string(),
    'Hostname of the endpoint (a DNS-1123 label), e.g. used for DNS records. Endpoints with the same hostname are interchangeable.',
    { proto: 3 },
  ),
  targetRef: field(objectReferenceSchema, 'The object (usually a Pod) behind this endpoint.', {
    proto: 4,
  }),
  deprecatedTopology: field(
    stringMap(),
    'Topology labels of the v1beta1 API. Ignored on writes through v1; use nodeName and zone.',
    { proto: 5 },
  ),
  nodeName: field(string(), 'Name of the Node hosting the endpoint.', { proto: 6 }),
  zone: field(string(), 'Zone the endpoint is in.', { proto: 7 }),
  hints: field(endpointHintsSchema, 'How the endpoint should be consumed.', { proto: 8 }),
});
export type DiscoveryEndpoint = Infer<typeof discoveryEndpointSchema>;

export const discoveryEndpointPortSchema = object(
  d + 'EndpointPort',
  'A network port exposed by every endpoint of a slice.',
  {
    name: field(
      string(),
      'Name of the port, unique within the slice: empty or a DNS-1123 label. Matches the Service port name. Defaults to "".',
      { proto: 1 },
    ),
    protocol: field(
      string({ enum: ['SCTP', 'TCP', 'UDP'] as const }),
      'IP protocol of the port: TCP, UDP or SCTP. Defaults to TCP.',
      { proto: 2 },
    ),
    port: field(int32(), 'Port number. Unset means all ports, to be interpreted by the consumer.', {
      proto: 3,
    }),
    appProtocol: field(
      string(),
      'Application protocol: an IANA service name, a kubernetes.io/ name (kubernetes.io/h2c, kubernetes.io/ws, kubernetes.io/wss), or a domain-prefixed custom name.',
      { proto: 4 },
    ),
  },
  { atomic: true },
);
export type DiscoveryEndpointPort = Infer<typeof discoveryEndpointPortSchema>;

export const endpointSliceGVK = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
} as const;

export const endpointSliceSchema = object(
  d + 'EndpointSlice',
  'A subset of the endpoints of a Service. A Service may have several slices, found by label, which together make up its endpoints.',
  {
    ...typeAndObjectMeta(),
    addressType: requiredField(
      string({ enum: ['FQDN', 'IPv4', 'IPv6'] as const }),
      'Type of every address in the slice: IPv4, IPv6 or FQDN. Immutable.',
      { proto: 4 },
    ),
    endpoints: requiredField(
      array(discoveryEndpointSchema),
      'The endpoints of the slice; at most 1000.',
      { listType: 'atomic', proto: 2 },
    ),
    ports: atomicList(
      discoveryEndpointPortSchema,
      'Ports every endpoint exposes, each with a unique name; at most 100. Empty means no ports are defined.',
      { proto: 3 },
    ),
  },
  { gvk: [endpointSliceGVK] },
);
export type EndpointSlice = Infer<typeof endpointSliceSchema>;

export const endpointSliceListSchema = listOf(endpointSliceSchema, endpointSliceGVK);
export type EndpointSliceList = Infer<typeof endpointSliceListSchema>;
