import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../../validation/field-errors.ts';
import { defaultEndpoints, defaultService } from '../defaults.ts';
import type { Endpoints, Service, ServiceSpec } from '../service.ts';
import {
  validateEndpoints,
  validateEndpointsUpdate,
  validateService,
  validateServiceStatusUpdate,
  validateServiceUpdate,
} from './service.ts';
import {
  CIDR,
  DNS1035,
  IP,
  LABEL,
  LABEL_VALUE,
  PORT_RANGE,
  QNAME,
  SUBDOMAIN,
} from './testdata/messages.ts';

const msg = formatFieldErrors;

/** A ClusterIP Service as validation sees it: defaulted, with the IPs the API server allocated. */
function svc(mutate: (s: Service, spec: ServiceSpec) => void = () => undefined): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { app: 'web' },
      ports: [{ port: 80 }],
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    },
  };
  mutate(s, s.spec ?? {});
  defaultService(s);
  return s;
}

/** Drops the allocated cluster IP fields, as for ExternalName Services. */
function external(spec: ServiceSpec): void {
  spec.type = 'ExternalName';
  delete spec.clusterIP;
  delete spec.clusterIPs;
  delete spec.ipFamilies;
  delete spec.ipFamilyPolicy;
}

function goPortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:"${protocol}", AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

type Case = readonly [
  name: string,
  mutate: (s: Service, spec: ServiceSpec) => void,
  expected: string,
];

const createCases: readonly Case[] = [
  [
    'upper-case name',
    (s) => (s.metadata = { ...s.metadata, name: 'Web' }),
    `metadata.name: Invalid value: "Web": ${DNS1035}`,
  ],
  [
    'name starting with a digit',
    (s) => (s.metadata = { ...s.metadata, name: '1web' }),
    `metadata.name: Invalid value: "1web": ${DNS1035}`,
  ],
  [
    'name with a dot',
    (s) => (s.metadata = { ...s.metadata, name: 'web.x' }),
    `metadata.name: Invalid value: "web.x": ${DNS1035}`,
  ],
  [
    'name of 64 characters',
    (s) => (s.metadata = { ...s.metadata, name: 'a'.repeat(64) }),
    `metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
  ],
  ['no ports', (_s, spec) => (spec.ports = []), 'spec.ports: Required value'],
  [
    'two unnamed ports',
    (_s, spec) => (spec.ports = [{ port: 80 }, { port: 81 }]),
    '[spec.ports[0].name: Required value, spec.ports[1].name: Required value]',
  ],
  [
    'duplicate port names',
    (_s, spec) =>
      (spec.ports = [
        { name: 'http', port: 80 },
        { name: 'http', port: 81 },
      ]),
    'spec.ports[1].name: Duplicate value: "http"',
  ],
  [
    'upper-case port name',
    (_s, spec) => (spec.ports = [{ name: 'HTTP', port: 80 }]),
    `spec.ports[0].name: Invalid value: "HTTP": ${LABEL}`,
  ],
  [
    'port 0',
    (_s, spec) => (spec.ports = [{ port: 0, targetPort: 8080 }]),
    `spec.ports[0].port: Invalid value: 0: ${PORT_RANGE}`,
  ],
  [
    'port too large',
    (_s, spec) => (spec.ports = [{ port: 70000, targetPort: 8080 }]),
    `spec.ports[0].port: Invalid value: 70000: ${PORT_RANGE}`,
  ],
  [
    'unknown protocol',
    (_s, spec) => (spec.ports = [{ port: 80, protocol: 'ICMP' as 'TCP' }]),
    'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
  ],
  [
    'target port too large',
    (_s, spec) => (spec.ports = [{ port: 80, targetPort: 70000 }]),
    `spec.ports[0].targetPort: Invalid value: 70000: ${PORT_RANGE}`,
  ],
  [
    'named target port with upper case',
    (_s, spec) => (spec.ports = [{ port: 80, targetPort: 'HTTP' }]),
    '[spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), spec.ports[0].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)]',
  ],
  [
    'bad appProtocol',
    (_s, spec) => (spec.ports = [{ port: 80, appProtocol: 'a b' }]),
    `spec.ports[0].appProtocol: Invalid value: "a b": ${QNAME}`,
  ],
  [
    'same port twice',
    (_s, spec) =>
      (spec.ports = [
        { name: 'a', port: 80 },
        { name: 'b', port: 80 },
      ]),
    `spec.ports[1]: Duplicate value: ${goPortKey('TCP', 80)}`,
  ],
  [
    'same port for TCP and UDP is fine',
    (_s, spec) =>
      (spec.ports = [
        { name: 'a', port: 53 },
        { name: 'b', port: 53, protocol: 'UDP' },
      ]),
    '',
  ],
  [
    'unknown type',
    (_s, spec) => (spec.type = 'Internal' as 'ClusterIP'),
    'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ],
  [
    'node port on a ClusterIP service',
    (_s, spec) => (spec.ports = [{ port: 80, nodePort: 30080 }]),
    "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
  ],
  [
    'duplicate node ports',
    (_s, spec) => {
      spec.type = 'NodePort';
      spec.ports = [
        { name: 'a', port: 80, nodePort: 30080 },
        { name: 'b', port: 81, nodePort: 30080 },
      ];
    },
    'spec.ports[1].nodePort: Duplicate value: 30080',
  ],
  [
    'headless NodePort',
    (_s, spec) => {
      spec.type = 'NodePort';
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
    },
    `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`,
  ],
  [
    'headless LoadBalancer',
    (_s, spec) => {
      spec.type = 'LoadBalancer';
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
    },
    `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services`,
  ],
  [
    'headless without ports is fine',
    (_s, spec) => {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      spec.ports = [];
    },
    '',
  ],
  [
    'ExternalName without a name',
    (_s, spec) => {
      external(spec);
    },
    'spec.externalName: Required value',
  ],
  [
    'ExternalName with an invalid name',
    (_s, spec) => {
      external(spec);
      spec.externalName = 'foo_bar';
    },
    `spec.externalName: Invalid value: "foo_bar": ${SUBDOMAIN}`,
  ],
  [
    'ExternalName with a trailing dot is fine',
    (_s, spec) => {
      external(spec);
      spec.externalName = 'example.com.';
    },
    '',
  ],
  [
    'ExternalName with a cluster IP',
    (_s, spec) => {
      external(spec);
      spec.externalName = 'example.com';
      spec.clusterIP = '10.96.0.10';
      spec.clusterIPs = ['10.96.0.10'];
    },
    'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
  ],
  [
    'ExternalName with IP families',
    (_s, spec) => {
      external(spec);
      spec.externalName = 'example.com';
      spec.ipFamilies = ['IPv4'];
      spec.ipFamilyPolicy = 'SingleStack';
    },
    '[spec.ipFamilies: Forbidden: may not be set for ExternalName services, spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services]',
  ],
  [
    'invalid selector key',
    (_s, spec) => (spec.selector = { 'a b': 'x' }),
    `spec.selector: Invalid value: "a b": ${QNAME}`,
  ],
  [
    'invalid selector value',
    (_s, spec) => (spec.selector = { app: 'a b' }),
    `spec.selector: Invalid value: "a b": ${LABEL_VALUE}`,
  ],
  [
    'unknown session affinity',
    (_s, spec) => (spec.sessionAffinity = 'Sticky' as 'None'),
    'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
  ],
  [
    'client IP affinity timeout 0',
    (_s, spec) => {
      spec.sessionAffinity = 'ClientIP';
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 0 } };
    },
    'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400',
  ],
  [
    'client IP affinity timeout above a day',
    (_s, spec) => {
      spec.sessionAffinity = 'ClientIP';
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 86401 } };
    },
    'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
  ],
  [
    'external traffic policy on a ClusterIP service',
    (_s, spec) => (spec.externalTrafficPolicy = 'Local'),
    'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
  ],
  [
    'unknown external traffic policy',
    (_s, spec) => {
      spec.type = 'NodePort';
      spec.externalTrafficPolicy = 'Global' as 'Local';
    },
    'spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"',
  ],
  [
    'unknown internal traffic policy',
    (_s, spec) => (spec.internalTrafficPolicy = 'Node' as 'Local'),
    'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"',
  ],
  [
    'health check node port on a NodePort service',
    (_s, spec) => {
      spec.type = 'NodePort';
      spec.healthCheckNodePort = 30000;
    },
    "spec.healthCheckNodePort: Invalid value: 30000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
  ],
  [
    'local LoadBalancer without health check port',
    (_s, spec) => {
      spec.type = 'LoadBalancer';
      spec.externalTrafficPolicy = 'Local';
    },
    'spec.healthCheckNodePort: Required value',
  ],
  [
    'source ranges on a ClusterIP service',
    (_s, spec) => (spec.loadBalancerSourceRanges = ['10.0.0.0/8']),
    "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
  ],
  [
    'bad source range',
    (_s, spec) => {
      spec.type = 'LoadBalancer';
      spec.loadBalancerSourceRanges = ['10.0.0.0/33'];
    },
    `spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": ${CIDR}`,
  ],
  [
    'space-padded source range is fine',
    (_s, spec) => {
      spec.type = 'LoadBalancer';
      spec.loadBalancerSourceRanges = [' 10.0.0.0/8 '];
    },
    '',
  ],
  [
    'source range annotation on a ClusterIP service',
    (s) =>
      (s.metadata = {
        ...s.metadata,
        annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8' },
      }),
    "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Forbidden: may only be used when `type` is 'LoadBalancer'",
  ],
  [
    'allocateLoadBalancerNodePorts on a ClusterIP service',
    (_s, spec) => (spec.allocateLoadBalancerNodePorts = false),
    "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
  ],
  [
    'loadBalancerClass on a ClusterIP service',
    (_s, spec) => (spec.loadBalancerClass = 'example.com/lb'),
    "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'",
  ],
  [
    'invalid loadBalancerClass',
    (_s, spec) => {
      spec.type = 'LoadBalancer';
      spec.loadBalancerClass = 'a b';
    },
    `spec.loadBalancerClass: Invalid value: "a b": ${QNAME}`,
  ],
  [
    'invalid external IP',
    (_s, spec) => (spec.externalIPs = ['1.2.3']),
    `spec.externalIPs[0]: Invalid value: "1.2.3": ${IP}`,
  ],
  [
    'loopback external IP',
    (_s, spec) => (spec.externalIPs = ['127.0.0.1']),
    'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ],
  [
    'unspecified external IP',
    (_s, spec) => (spec.externalIPs = ['0.0.0.0']),
    'spec.externalIPs[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
  ],
  [
    'link-local external IP',
    (_s, spec) => (spec.externalIPs = ['169.254.1.1']),
    'spec.externalIPs[0]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
  ],
  [
    'clusterIPs not starting with clusterIP',
    (_s, spec) => (spec.clusterIPs = ['10.96.0.11']),
    'spec.clusterIPs: Invalid value: []string{"10.96.0.11"}: first value must match `clusterIP`',
  ],
  [
    'invalid cluster IP',
    (_s, spec) => {
      spec.clusterIP = '10.96.0.300';
      spec.clusterIPs = ['10.96.0.300'];
    },
    `spec.clusterIPs[0]: Invalid value: "10.96.0.300": ${IP}`,
  ],
  [
    'two IPv4 cluster IPs',
    (_s, spec) => {
      spec.clusterIPs = ['10.96.0.10', '10.96.0.11'];
      spec.ipFamilies = ['IPv4'];
    },
    'spec.clusterIPs: Invalid value: []string{"10.96.0.10", "10.96.0.11"}: may specify no more than one IP for each IP family',
  ],
  [
    'None followed by an IP',
    (_s, spec) => {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None', '10.96.0.11'];
    },
    'spec.clusterIPs: Invalid value: []string{"None", "10.96.0.11"}: \'None\' must be the first and only value',
  ],
  [
    'family that does not match the IP',
    (_s, spec) => (spec.ipFamilies = ['IPv6']),
    'spec.clusterIPs[0]: Invalid value: "10.96.0.10": expected an IPv6 value as indicated by `ipFamilies[0]`',
  ],
  [
    'unknown IP family',
    (_s, spec) => (spec.ipFamilies = ['IPv5' as 'IPv4']),
    'spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
  ],
  [
    'duplicate IP family',
    (_s, spec) => {
      spec.ipFamilies = ['IPv4', 'IPv4'];
      spec.ipFamilyPolicy = 'PreferDualStack';
    },
    'spec.ipFamilies[1]: Duplicate value: "IPv4"',
  ],
  [
    'unknown IP family policy',
    (_s, spec) => (spec.ipFamilyPolicy = 'DualStack' as 'SingleStack'),
    'spec.ipFamilyPolicy: Unsupported value: "DualStack": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"',
  ],
  [
    'unknown traffic distribution',
    (_s, spec) => (spec.trafficDistribution = 'Nearest'),
    'spec.trafficDistribution: Unsupported value: "Nearest": supported values: "PreferClose"',
  ],
  [
    'topology annotations that disagree',
    (s) =>
      (s.metadata = {
        ...s.metadata,
        annotations: {
          'service.kubernetes.io/topology-mode': 'Auto',
          'service.kubernetes.io/topology-aware-hints': 'Disabled',
        },
      }),
    'metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified',
  ],
  [
    'valid dual-stack NodePort',
    (_s, spec) => {
      spec.type = 'NodePort';
      spec.clusterIPs = ['10.96.0.10', 'fd00::10'];
      spec.ipFamilies = ['IPv4', 'IPv6'];
      spec.ipFamilyPolicy = 'RequireDualStack';
      spec.ports = [{ port: 80, nodePort: 30080 }];
    },
    '',
  ],
];

describe('validateService (create)', () => {
  it('accepts the base service', () => {
    expect(msg(validateService(svc()))).toBe('');
  });

  it.each(createCases)('%s', (_name, mutate, expected) => {
    expect(msg(validateService(svc(mutate)))).toBe(expected);
  });
});

describe('validateServiceUpdate', () => {
  it('allows changing ports and selector', () => {
    const old = svc();
    const next = svc((_s, spec) => {
      spec.ports = [{ port: 8080 }];
      spec.selector = { app: 'api' };
    });
    expect(msg(validateServiceUpdate(next, old))).toBe('');
  });

  it('keeps the cluster IP', () => {
    const old = svc();
    const next = svc((_s, spec) => {
      spec.clusterIP = '10.96.0.11';
      spec.clusterIPs = ['10.96.0.11'];
    });
    expect(msg(validateServiceUpdate(next, old))).toBe(
      'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set',
    );
  });

  it('does not let the primary cluster IP be unset', () => {
    const old = svc();
    const next = svc((_s, spec) => {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    });
    expect(msg(validateServiceUpdate(next, old))).toBe(
      'spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset',
    );
  });

  it('requires SingleStack when dropping the secondary IP', () => {
    const old = svc((_s, spec) => {
      spec.clusterIPs = ['10.96.0.10', 'fd00::10'];
      spec.ipFamilies = ['IPv4', 'IPv6'];
      spec.ipFamilyPolicy = 'PreferDualStack';
    });
    const next = svc((_s, spec) => (spec.ipFamilyPolicy = 'PreferDualStack'));
    expect(msg(validateServiceUpdate(next, old))).toBe(
      '[spec.ipFamilyPolicy: Invalid value: "PreferDualStack": must be set to \'SingleStack\' when releasing the secondary clusterIP, spec.ipFamilyPolicy: Invalid value: "PreferDualStack": must be set to \'SingleStack\' when releasing the secondary ipFamily]',
    );
  });

  it('allows switching to ExternalName', () => {
    const old = svc();
    const next = svc((_s, spec) => {
      external(spec);
      spec.externalName = 'example.com';
    });
    expect(msg(validateServiceUpdate(next, old))).toBe('');
  });

  it('keeps the load balancer class', () => {
    const lb = (cls: string) => (_s: Service, spec: ServiceSpec) => {
      spec.type = 'LoadBalancer';
      spec.loadBalancerClass = cls;
    };
    expect(msg(validateServiceUpdate(svc(lb('example.com/b')), svc(lb('example.com/a'))))).toBe(
      'spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set',
    );
  });

  it('keeps the health check node port', () => {
    const local = (port: number) => (_s: Service, spec: ServiceSpec) => {
      spec.type = 'LoadBalancer';
      spec.externalTrafficPolicy = 'Local';
      spec.healthCheckNodePort = port;
    };
    expect(msg(validateServiceUpdate(svc(local(30001)), svc(local(30000))))).toBe(
      'spec.healthCheckNodePort: Forbidden: field is immutable',
    );
  });
});

describe('validateServiceStatusUpdate', () => {
  const lb = (_s: Service, spec: ServiceSpec): void => {
    spec.type = 'LoadBalancer';
  };

  it('accepts load balancer ingress with a mode', () => {
    const old = svc(lb);
    const next = svc((s, spec) => {
      lb(s, spec);
      s.status = { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } };
    });
    expect(next.status?.loadBalancer?.ingress?.[0]?.ipMode).toBe('VIP');
    expect(msg(validateServiceStatusUpdate(next, old))).toBe('');
  });

  it('rejects ingress on a ClusterIP service', () => {
    const old = svc();
    const next = svc((s) => (s.status = { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } }));
    expect(msg(validateServiceStatusUpdate(next, old))).toBe(
      "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
    );
  });

  it('validates ingress entries', () => {
    const old = svc(lb);
    const next = svc((s, spec) => {
      lb(s, spec);
      s.status = {
        loadBalancer: {
          ingress: [
            { ip: '203.0.113.300', ipMode: 'VIP' },
            { hostname: '203.0.113.10' },
            { hostname: 'lb.example.com', ipMode: 'Proxy' },
            { ip: '203.0.113.11', ipMode: 'Direct' },
          ],
        },
      };
    });
    expect(msg(validateServiceStatusUpdate(next, old))).toBe(
      `[status.loadBalancer.ingress[0].ip: Invalid value: "203.0.113.300": ${IP}, status.loadBalancer.ingress[1].hostname: Invalid value: "203.0.113.10": must be a DNS name, not an IP address, status.loadBalancer.ingress[2].ipMode: Forbidden: may not be specified when \`ip\` is not set, status.loadBalancer.ingress[3].ipMode: Unsupported value: "Direct": supported values: "Proxy", "VIP"]`,
    );
  });
});

function endpoints(mutate: (e: Endpoints) => void = () => undefined): Endpoints {
  const e: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.244.0.5', nodeName: 'node-1' }], ports: [{ port: 8080 }] }],
  };
  mutate(e);
  defaultEndpoints(e);
  return e;
}

const endpointCases: readonly (readonly [string, (e: Endpoints) => void, string])[] = [
  [
    'no addresses',
    (e) => (e.subsets = [{ ports: [{ port: 80 }] }]),
    'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
  ],
  [
    'invalid address',
    (e) => (e.subsets = [{ addresses: [{ ip: '10.0.0' }] }]),
    `[subsets[0].addresses[0].ip: Invalid value: "10.0.0": ${IP}, subsets[0].addresses[0].ip: Invalid value: "10.0.0": must be a valid IP address]`,
  ],
  [
    'loopback address',
    (e) => (e.subsets = [{ addresses: [{ ip: '127.0.0.1' }] }]),
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
  ],
  [
    'link-local multicast address',
    (e) => (e.subsets = [{ notReadyAddresses: [{ ip: '224.0.0.1' }] }]),
    'subsets[0].notReadyAddresses[0].ip: Invalid value: "224.0.0.1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)',
  ],
  [
    'bad hostname',
    (e) => (e.subsets = [{ addresses: [{ ip: '10.244.0.5', hostname: 'Web' }] }]),
    `subsets[0].addresses[0].hostname: Invalid value: "Web": ${LABEL}`,
  ],
  [
    'bad node name',
    (e) => (e.subsets = [{ addresses: [{ ip: '10.244.0.5', nodeName: 'Node_1' }] }]),
    `subsets[0].addresses[0].nodeName: Invalid value: "Node_1": ${SUBDOMAIN}`,
  ],
  [
    'two unnamed ports',
    (e) =>
      (e.subsets = [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }, { port: 81 }] }]),
    '[subsets[0].ports[0].name: Required value, subsets[0].ports[1].name: Required value]',
  ],
  [
    'port 0',
    (e) => (e.subsets = [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 0 }] }]),
    `subsets[0].ports[0].port: Invalid value: 0: ${PORT_RANGE}`,
  ],
  [
    'unknown protocol',
    (e) =>
      (e.subsets = [
        { addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80, protocol: 'ICMP' as 'TCP' }] },
      ]),
    'subsets[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
  ],
  [
    'bad name',
    (e) => (e.metadata = { ...e.metadata, name: 'Web' }),
    `metadata.name: Invalid value: "Web": ${SUBDOMAIN}`,
  ],
];

describe('validateEndpoints', () => {
  it('accepts the base endpoints', () => {
    expect(msg(validateEndpoints(endpoints()))).toBe('');
  });

  it.each(endpointCases)('%s', (_name, mutate, expected) => {
    expect(msg(validateEndpoints(endpoints(mutate)))).toBe(expected);
  });

  it('validates updates like creates', () => {
    const old = endpoints();
    old.metadata = { ...old.metadata, resourceVersion: '1' };
    const next = structuredClone(old);
    next.subsets = [{ addresses: [{ ip: '127.0.0.1' }] }];
    expect(msg(validateEndpointsUpdate(next, old))).toBe(
      'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    );
  });
});
