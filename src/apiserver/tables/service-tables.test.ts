import { describe, it, expect } from 'vitest';
import type { EndpointSlice, Endpoints, Service, ServiceSpec } from '../../api/index.ts';
import {
  endpointSliceTableConvertor,
  endpointsString,
  endpointsTableConvertor,
  serviceTableConvertor,
} from './service-tables.ts';

const now = Date.parse('2025-03-01T12:00:00Z');
const created = new Date(now - 26 * 3600 * 1000).toISOString().replace('.000Z', 'Z');

function service(spec: ServiceSpec, ingress?: { ip?: string; hostname?: string }[]): Service {
  const svc: Service = { metadata: { name: 'web', creationTimestamp: created }, spec };
  if (ingress) svc.status = { loadBalancer: { ingress } };
  return svc;
}

describe('services', () => {
  it.each<[string, Service, unknown[]]>([
    [
      'ClusterIP with two ports',
      service({
        type: 'ClusterIP',
        clusterIP: '10.96.0.12',
        clusterIPs: ['10.96.0.12'],
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
          { name: 'dns', port: 53, protocol: 'UDP' },
        ],
        selector: { app: 'web', tier: 'front' },
      }),
      ['web', 'ClusterIP', '10.96.0.12', '<none>', '80/TCP,53/UDP', '26h', 'app=web,tier=front'],
    ],
    [
      'headless, no selector',
      service({
        type: 'ClusterIP',
        clusterIP: 'None',
        clusterIPs: ['None'],
        ports: [{ port: 5432, protocol: 'TCP' }],
      }),
      ['web', 'ClusterIP', 'None', '<none>', '5432/TCP', '26h', '<none>'],
    ],
    [
      'ClusterIP with external IPs, dual stack',
      service({
        type: 'ClusterIP',
        clusterIPs: ['10.96.0.12', 'fd00:10:96::c'],
        externalIPs: ['203.0.113.7', '203.0.113.8'],
        ports: [{ port: 443, protocol: 'TCP' }],
      }),
      ['web', 'ClusterIP', '10.96.0.12', '203.0.113.7,203.0.113.8', '443/TCP', '26h', '<none>'],
    ],
    [
      'NodePort',
      service({
        type: 'NodePort',
        clusterIPs: ['10.96.0.30'],
        ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }],
        selector: { app: 'web' },
      }),
      ['web', 'NodePort', '10.96.0.30', '<none>', '80:30080/TCP', '26h', 'app=web'],
    ],
    [
      'LoadBalancer still waiting for an address',
      service({
        type: 'LoadBalancer',
        clusterIPs: ['10.96.0.40'],
        ports: [{ port: 80, protocol: 'TCP', nodePort: 31000 }],
      }),
      ['web', 'LoadBalancer', '10.96.0.40', '<pending>', '80:31000/TCP', '26h', '<none>'],
    ],
    [
      'LoadBalancer with ingress points, sorted and each once',
      service(
        {
          type: 'LoadBalancer',
          clusterIPs: ['10.96.0.40'],
          ports: [{ port: 443, protocol: 'TCP', nodePort: 31443 }],
        },
        [
          { ip: '198.51.100.9' },
          { hostname: 'lb.example.com' },
          { ip: '198.51.100.10' },
          { ip: '198.51.100.9' },
        ],
      ),
      [
        'web',
        'LoadBalancer',
        '10.96.0.40',
        '198.51.100.10,198.51.100.9,lb.example.com',
        '443:31443/TCP',
        '26h',
        '<none>',
      ],
    ],
    [
      'LoadBalancer with an ingress point and external IPs',
      service(
        {
          type: 'LoadBalancer',
          clusterIPs: ['10.96.0.40'],
          externalIPs: ['203.0.113.7'],
          ports: [{ port: 80, protocol: 'TCP', nodePort: 31000 }],
        },
        [{ ip: '198.51.100.9' }],
      ),
      [
        'web',
        'LoadBalancer',
        '10.96.0.40',
        '198.51.100.9,203.0.113.7',
        '80:31000/TCP',
        '26h',
        '<none>',
      ],
    ],
    [
      'ExternalName',
      service({ type: 'ExternalName', externalName: 'db.example.com' }),
      ['web', 'ExternalName', '<none>', 'db.example.com', '<none>', '26h', '<none>'],
    ],
  ])('%s', (_name, svc, want) => {
    expect(serviceTableConvertor.cells(svc, now)).toEqual(want);
  });

  it('has upstream columns', () => {
    expect(serviceTableConvertor.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Type', 0],
      ['Cluster-IP', 0],
      ['External-IP', 0],
      ['Port(s)', 0],
      ['Age', 0],
      ['Selector', 1],
    ]);
  });
});

describe('endpoints', () => {
  const addr = (ip: string) => ({ ip });

  it.each<[string, Endpoints['subsets'], string]>([
    ['no subsets', undefined, '<none>'],
    ['an empty subset list', [], '<none>'],
    [
      'only addresses that are not ready',
      [{ notReadyAddresses: [addr('10.244.0.5')], ports: [{ port: 80 }] }],
      '',
    ],
    [
      'two ready addresses',
      [
        {
          addresses: [addr('10.244.0.5'), addr('10.244.0.6')],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ],
      '10.244.0.5:8080,10.244.0.6:8080',
    ],
    [
      'more than three pairs',
      [
        {
          addresses: [
            addr('10.0.0.1'),
            addr('10.0.0.2'),
            addr('10.0.0.3'),
            addr('10.0.0.4'),
            addr('10.0.0.5'),
          ],
          ports: [{ port: 80 }],
        },
      ],
      '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...',
    ],
    [
      'every address for every port',
      [
        {
          addresses: [addr('10.0.0.1'), addr('10.0.0.2')],
          ports: [
            { name: 'http', port: 80 },
            { name: 'https', port: 443 },
          ],
        },
      ],
      '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
    ],
    [
      'a subset without ports',
      [{ addresses: [addr('10.0.0.1'), addr('10.0.0.2')] }],
      '10.0.0.1,10.0.0.2',
    ],
    [
      'IPv6 addresses',
      [{ addresses: [addr('fd00:10:244::5')], ports: [{ port: 80 }] }],
      '[fd00:10:244::5]:80',
    ],
  ])('%s', (_name, subsets, want) => {
    const ep: Endpoints = { metadata: { name: 'web', creationTimestamp: created } };
    if (subsets) ep.subsets = subsets;
    expect(endpointsString(ep)).toBe(want);
    expect(endpointsTableConvertor.cells(ep, now)).toEqual(['web', want, '26h']);
  });
});

describe('endpoint slices', () => {
  function slice(fields: Partial<EndpointSlice>): EndpointSlice {
    return {
      metadata: { name: 'web-abc12', creationTimestamp: created },
      addressType: 'IPv4',
      endpoints: [],
      ...fields,
    };
  }

  it.each<[string, EndpointSlice, unknown[]]>([
    ['no ports and no endpoints', slice({}), ['web-abc12', 'IPv4', '<unset>', '<unset>', '26h']],
    [
      'a few endpoints',
      slice({
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['10.244.0.5'], conditions: { ready: true } },
          { addresses: ['10.244.0.6'], conditions: { ready: false } },
        ],
      }),
      ['web-abc12', 'IPv4', '8080', '10.244.0.5,10.244.0.6', '26h'],
    ],
    [
      'many ports and endpoints',
      slice({
        addressType: 'IPv6',
        ports: [{ port: 80 }, { name: 'metrics' }, {}, { port: 9000 }, { port: 9001 }],
        endpoints: [
          { addresses: ['fd00::1', 'fd00::2'] },
          { addresses: ['fd00::3'] },
          { addresses: ['fd00::4'] },
        ],
      }),
      [
        'web-abc12',
        'IPv6',
        '80,metrics,* + 2 more...',
        'fd00::1,fd00::2,fd00::3 + 1 more...',
        '26h',
      ],
    ],
  ])('%s', (_name, s, want) => {
    expect(endpointSliceTableConvertor.cells(s, now)).toEqual(want);
  });

  it('has upstream columns', () => {
    expect(endpointSliceTableConvertor.columns.map((c) => c.name)).toEqual([
      'Name',
      'AddressType',
      'Ports',
      'Endpoints',
      'Age',
    ]);
  });
});
