/**
 * core/v1: Service (ports, cluster IPs, load balancer status) and the core/v1 Endpoints kind.
 */
import {
  atomicList,
  boolean,
  field,
  int32,
  intOrString,
  map,
  mergeList,
  object,
  requiredField,
  string,
  type Infer,
} from '../../schema/schema.ts';
import { conditionSchema, listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import {
  ipFamilyPolicyValues,
  ipFamilyValues,
  protocolValues,
  serviceAffinityValues,
  serviceExternalTrafficPolicyValues,
  serviceInternalTrafficPolicyValues,
  serviceTypeValues,
} from './enums.ts';
import { objectReferenceSchema } from './references.ts';

export const servicePortSchema = object(
  'io.k8s.api.core.v1.ServicePort',
  'One port a service exposes and where it forwards to.',
  {
    name: field(
      string(),
      'Name of the port, a DNS label unique within the service; must match the name of the corresponding endpoint port. Optional when the service has one port.',
      { proto: 1 },
    ),
    protocol: field(string({ enum: protocolValues }), 'TCP, UDP or SCTP. Defaults to TCP.', {
      default: 'TCP',
      proto: 2,
    }),
    appProtocol: field(
      string(),
      'Application protocol hint, in label syntax: an IANA service name (e.g. http), kubernetes.io/h2c, kubernetes.io/ws, kubernetes.io/wss, or a prefixed custom name.',
      { proto: 6 },
    ),
    port: requiredField(int32(), 'Port the service listens on.', { proto: 3 }),
    targetPort: field(
      intOrString(),
      'Port number (1-65535) or container port name on the selected pods that traffic is sent to. Defaults to port.',
      { proto: 4 },
    ),
    nodePort: field(
      int32(),
      'Port on every node that forwards to this port, for NodePort and LoadBalancer services. Allocated from the node port range when unset.',
      { proto: 5 },
    ),
  },
);
export type ServicePort = Infer<typeof servicePortSchema>;

export const clientIPConfigSchema = object(
  'io.k8s.api.core.v1.ClientIPConfig',
  'Settings of client-IP session affinity.',
  {
    timeoutSeconds: field(
      int32(),
      'How long a client sticks to one endpoint, in seconds, 1 to 86400. Defaults to 10800 (3 hours).',
      { proto: 1 },
    ),
  },
);
export type ClientIPConfig = Infer<typeof clientIPConfigSchema>;

export const sessionAffinityConfigSchema = object(
  'io.k8s.api.core.v1.SessionAffinityConfig',
  "Settings of a service's session affinity.",
  {
    clientIP: field(clientIPConfigSchema, 'Settings of client-IP affinity.', { proto: 1 }),
  },
);
export type SessionAffinityConfig = Infer<typeof sessionAffinityConfigSchema>;

export const portStatusSchema = object(
  'io.k8s.api.core.v1.PortStatus',
  'The state of one port of a load balancer.',
  {
    port: requiredField(int32(), 'Port number of the service port.', { proto: 1 }),
    protocol: requiredField(
      string({ enum: protocolValues }),
      'Protocol of the service port: TCP, UDP or SCTP.',
      { proto: 2 },
    ),
    error: field(
      string(),
      'Problem with the port, if any: a CamelCase built-in value or a prefixed provider-specific value (example.com/CamelCase).',
      { proto: 3 },
    ),
  },
);
export type PortStatus = Infer<typeof portStatusSchema>;

export const loadBalancerIngressSchema = object(
  'io.k8s.api.core.v1.LoadBalancerIngress',
  "One address where a load balancer accepts the service's traffic.",
  {
    ip: field(string(), 'IP address of the ingress point, for IP-based load balancers.', {
      proto: 1,
    }),
    hostname: field(string(), 'Host name of the ingress point, for DNS-based load balancers.', {
      proto: 2,
    }),
    ipMode: field(
      string(),
      "How traffic to ip arrives: VIP (with the load balancer's IP as destination) or Proxy (with a node or pod IP as destination). Only with ip.",
      { proto: 3 },
    ),
    ports: atomicList(portStatusSchema, 'State of each service port on this ingress point.', {
      proto: 4,
    }),
  },
);
export type LoadBalancerIngress = Infer<typeof loadBalancerIngressSchema>;

export const loadBalancerStatusSchema = object(
  'io.k8s.api.core.v1.LoadBalancerStatus',
  'The state of a load balancer.',
  {
    ingress: atomicList(
      loadBalancerIngressSchema,
      'Addresses where the load balancer accepts traffic.',
      { proto: 1 },
    ),
  },
);
export type LoadBalancerStatus = Infer<typeof loadBalancerStatusSchema>;

export const serviceSpecSchema = object(
  'io.k8s.api.core.v1.ServiceSpec',
  'The desired state of a service: which pods it selects and how it exposes them.',
  {
    ports: mergeList(servicePortSchema, 'Ports the service exposes.', 'port', {
      keys: ['port', 'protocol'],
      proto: 1,
    }),
    selector: field(
      map(string(), { mapType: 'atomic' }),
      "Pods with all these labels receive the service's traffic. Empty means the endpoints are managed by something else. Ignored for ExternalName.",
      { proto: 2 },
    ),
    clusterIP: field(
      string(),
      'Virtual IP of the service, usually allocated; None makes a headless service (DNS returns the pod IPs). Cannot change except when switching to or from ExternalName.',
      { proto: 3 },
    ),
    clusterIPs: atomicList(
      string(),
      'Virtual IPs of the service, at most one per family; the first equals clusterIP. Initialized from clusterIP when unset.',
      { proto: 18 },
    ),
    type: field(
      string({ enum: serviceTypeValues }),
      'How the service is exposed: ClusterIP (a virtual IP inside the cluster, the default), NodePort (also a port on every node), LoadBalancer (also an external load balancer) or ExternalName (a DNS alias to externalName).',
      { proto: 4 },
    ),
    externalIPs: atomicList(
      string(),
      "Extra IPs for which nodes accept the service's traffic; routing them to the nodes is up to the user.",
      { proto: 5 },
    ),
    sessionAffinity: field(
      string({ enum: serviceAffinityValues }),
      'None (the default) or ClientIP (send each client to the same endpoint).',
      { proto: 7 },
    ),
    loadBalancerIP: field(
      string(),
      'Deprecated: requested load balancer IP, honoured by some providers only.',
      { proto: 8 },
    ),
    loadBalancerSourceRanges: atomicList(
      string(),
      'Client CIDRs allowed through the load balancer, when the provider supports it.',
      { proto: 9 },
    ),
    externalName: field(
      string(),
      'Host name returned as a CNAME for an ExternalName service; a lowercase RFC 1123 name.',
      { proto: 10 },
    ),
    externalTrafficPolicy: field(
      string({ enum: serviceExternalTrafficPolicyValues }),
      'How traffic to node ports, external IPs and load balancer IPs is routed: Cluster (to all endpoints, the default) or Local (only to endpoints on the receiving node, keeping the client IP).',
      { proto: 11 },
    ),
    healthCheckNodePort: field(
      int32(),
      'Node port for load balancer health checks, for LoadBalancer services with externalTrafficPolicy Local. Allocated when unset; cannot change once set.',
      { proto: 12 },
    ),
    publishNotReadyAddresses: field(
      boolean(),
      'Treat every endpoint as ready, even if its pod is not (e.g. for peer discovery of a StatefulSet).',
      { proto: 13 },
    ),
    sessionAffinityConfig: field(sessionAffinityConfigSchema, 'Settings of session affinity.', {
      proto: 14,
    }),
    ipFamilies: atomicList(
      string({ enum: ipFamilyValues }),
      "IP families of the service, IPv4 and/or IPv6, in the order of clusterIPs. Usually set from the cluster's configuration and ipFamilyPolicy.",
      { proto: 19 },
    ),
    ipFamilyPolicy: field(
      string({ enum: ipFamilyPolicyValues }),
      'SingleStack (the default), PreferDualStack (two families when the cluster has them) or RequireDualStack (two families or fail).',
      { proto: 17 },
    ),
    allocateLoadBalancerNodePorts: field(
      boolean(),
      'Whether node ports are allocated for a LoadBalancer service. Defaults to true; only for type LoadBalancer.',
      { proto: 20 },
    ),
    loadBalancerClass: field(
      string(),
      'Load balancer implementation that handles the service, in label syntax; unset uses the default one. Only for type LoadBalancer; cannot change once set.',
      { proto: 21 },
    ),
    internalTrafficPolicy: field(
      string({ enum: serviceInternalTrafficPolicyValues }),
      "How traffic to the cluster IP is routed: Cluster (to all endpoints, the default) or Local (only to endpoints on the client's node).",
      { proto: 22 },
    ),
    trafficDistribution: field(
      string(),
      'Routing preference: PreferClose favours topologically close endpoints (same zone). A hint; beta (ServiceTrafficDistribution feature).',
      { proto: 23 },
    ),
  },
);
export type ServiceSpec = Infer<typeof serviceSpecSchema>;

export const serviceStatusSchema = object(
  'io.k8s.api.core.v1.ServiceStatus',
  'The observed state of a service.',
  {
    loadBalancer: field(loadBalancerStatusSchema, 'State of the load balancer, if there is one.', {
      proto: 1,
    }),
    conditions: mergeList(conditionSchema, 'Conditions of the service.', 'type', { proto: 2 }),
  },
);
export type ServiceStatus = Infer<typeof serviceStatusSchema>;

export const serviceSchema = object(
  'io.k8s.api.core.v1.Service',
  'A stable virtual IP, DNS name and set of ports in front of the pods a label selector picks.',
  {
    ...typeAndObjectMeta(),
    spec: field(serviceSpecSchema, 'Desired state of the service.', { proto: 2 }),
    status: field(serviceStatusSchema, 'Observed state of the service. Read-only for users.', {
      proto: 3,
    }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Service' }] },
);
export type Service = Infer<typeof serviceSchema>;

export const serviceListSchema = listOf(serviceSchema, {
  group: '',
  version: 'v1',
  kind: 'Service',
});
export type ServiceList = Infer<typeof serviceListSchema>;

export const endpointAddressSchema = object(
  'io.k8s.api.core.v1.EndpointAddress',
  'One IP address of a service endpoint.',
  {
    ip: requiredField(
      string(),
      'IP address of the endpoint; not loopback, link-local or link-local multicast.',
      { proto: 1 },
    ),
    hostname: field(string(), 'Host name of the endpoint.', { proto: 3 }),
    nodeName: field(string(), 'Node the endpoint runs on.', { proto: 4 }),
    targetRef: field(objectReferenceSchema, 'Object behind the endpoint, usually a Pod.', {
      proto: 2,
    }),
  },
  { atomic: true },
);
export type EndpointAddress = Infer<typeof endpointAddressSchema>;

export const endpointPortSchema = object(
  'io.k8s.api.core.v1.EndpointPort',
  'One port of a service endpoint.',
  {
    name: field(
      string(),
      'Name of the port; matches the name of the service port. Optional when there is one port.',
      { proto: 1 },
    ),
    port: requiredField(int32(), 'Port number.', { proto: 2 }),
    protocol: field(string({ enum: protocolValues }), 'TCP, UDP or SCTP. Defaults to TCP.', {
      proto: 3,
    }),
    appProtocol: field(
      string(),
      'Application protocol hint, in label syntax, as in the service port.',
      { proto: 4 },
    ),
  },
  { atomic: true },
);
export type EndpointPort = Infer<typeof endpointPortSchema>;

export const endpointSubsetSchema = object(
  'io.k8s.api.core.v1.EndpointSubset',
  'Addresses that share a set of ports; every address serves every port.',
  {
    addresses: atomicList(endpointAddressSchema, 'Addresses that are ready to serve.', {
      proto: 1,
    }),
    notReadyAddresses: atomicList(
      endpointAddressSchema,
      'Addresses that serve these ports but are not ready (starting, or failing readiness).',
      { proto: 2 },
    ),
    ports: atomicList(endpointPortSchema, 'Ports served by the addresses.', { proto: 3 }),
  },
);
export type EndpointSubset = Infer<typeof endpointSubsetSchema>;

export const endpointsSchema = object(
  'io.k8s.api.core.v1.Endpoints',
  'The network endpoints (IP and port) behind a service, maintained by the endpoints controller for services with a selector.',
  {
    ...typeAndObjectMeta(),
    subsets: atomicList(
      endpointSubsetSchema,
      'Groups of addresses that share ports; together, every endpoint of the service.',
      { proto: 2 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'Endpoints' }] },
);
export type Endpoints = Infer<typeof endpointsSchema>;

export const endpointsListSchema = listOf(endpointsSchema, {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
});
export type EndpointsList = Infer<typeof endpointsListSchema>;
