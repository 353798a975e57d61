import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../validation/field-errors.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../validation/names.ts';
import type { EndpointSlice } from './endpoint-slice.ts';
import { endpointSliceResource } from './resources.ts';

const ctx = { namespace: 'default' };

function slice(mutate: (s: EndpointSlice) => void = () => undefined): EndpointSlice {
  const s: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'web-abc12',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'web' },
      resourceVersion: '4',
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: ['10.244.0.5'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-1',
        zone: 'zone-a',
        targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' },
      },
    ],
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
  };
  mutate(s);
  return s;
}

function create(manifest: EndpointSlice): string {
  const s = structuredClone(manifest);
  endpointSliceResource.defaults(s);
  return formatFieldErrors(endpointSliceResource.validate(s, ctx));
}

const ep0 = 'endpoints[0].addresses[0]';

describe('EndpointSlice validation', () => {
  it.each([
    ['an IPv4 slice', slice()],
    [
      'an IPv6 slice',
      slice((s) => {
        s.addressType = 'IPv6';
        s.endpoints[0]!.addresses = ['fd00::5'];
      }),
    ],
    [
      'an FQDN slice with a hostname and hints',
      slice((s) => {
        s.addressType = 'FQDN';
        s.endpoints[0]!.addresses = ['db.example.com.'];
        s.endpoints[0]!.hostname = 'db-0';
        s.endpoints[0]!.hints = { forZones: [{ name: 'zone-a' }] };
      }),
    ],
    [
      'a slice without endpoints or ports',
      slice((s) => {
        s.endpoints = [];
        delete s.ports;
      }),
    ],
    [
      'an unnamed port (defaulted to "")',
      slice((s) => (s.ports = [{ port: 53, protocol: 'UDP' }])),
    ],
  ])('accepts %s', (_name, manifest) => {
    expect(create(manifest)).toBe('');
  });

  it.each([
    [
      'the deprecated IP address type',
      slice((s) => (s.addressType = 'IP' as 'IPv4')),
      'addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"',
    ],
    [
      'no address type',
      slice((s) => delete (s as Partial<EndpointSlice>).addressType),
      'addressType: Required value',
    ],
    [
      'an IPv4 address that is not one',
      slice((s) => (s.endpoints[0]!.addresses = ['10.0.0.256'])),
      `[${ep0}: Invalid value: "10.0.0.256": must be a valid IPv4 address, ${ep0}: Invalid value: "10.0.0.256": must be a valid IP address]`,
    ],
    [
      'an IPv6 address in an IPv4 slice',
      slice((s) => (s.endpoints[0]!.addresses = ['fd00::1'])),
      `${ep0}: Invalid value: "fd00::1": must be a valid IPv4 address`,
    ],
    [
      'a loopback address',
      slice((s) => (s.endpoints[0]!.addresses = ['127.0.0.1'])),
      `${ep0}: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)`,
    ],
    [
      'the unspecified address',
      slice((s) => (s.endpoints[0]!.addresses = ['0.0.0.0'])),
      `${ep0}: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)`,
    ],
    [
      'a link-local address',
      slice((s) => (s.endpoints[0]!.addresses = ['169.254.169.254'])),
      `${ep0}: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)`,
    ],
    [
      'a link-local multicast address',
      slice((s) => (s.endpoints[0]!.addresses = ['224.0.0.1'])),
      `${ep0}: Invalid value: "224.0.0.1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)`,
    ],
    [
      'an IPv4 address in an IPv6 slice',
      slice((s) => {
        s.addressType = 'IPv6';
        s.endpoints[0]!.addresses = ['10.0.0.1'];
      }),
      `${ep0}: Invalid value: "10.0.0.1": must be a valid IPv6 address`,
    ],
    [
      'an IPv6 loopback',
      slice((s) => {
        s.addressType = 'IPv6';
        s.endpoints[0]!.addresses = ['::1'];
      }),
      `${ep0}: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)`,
    ],
    [
      'a single-label FQDN',
      slice((s) => {
        s.addressType = 'FQDN';
        s.endpoints[0]!.addresses = ['localhost'];
      }),
      `${ep0}: Invalid value: "localhost": should be a domain with at least two segments separated by dots`,
    ],
    [
      'an FQDN with capitals',
      slice((s) => {
        s.addressType = 'FQDN';
        s.endpoints[0]!.addresses = ['DB.example.com'];
      }),
      `${ep0}: Invalid value: "DB.example.com": ${isDNS1123Subdomain('DB.example.com').join(',')}`,
    ],
    [
      'an endpoint without addresses',
      slice((s) => (s.endpoints[0]!.addresses = [])),
      'endpoints[0].addresses: Required value: must contain at least 1 address',
    ],
    [
      'an endpoint with 101 addresses',
      slice(
        (s) =>
          (s.endpoints[0]!.addresses = Array.from(
            { length: 101 },
            (_, i) => `10.0.${i >> 8}.${(i % 250) + 1}`,
          )),
      ),
      'endpoints[0].addresses: Too many: 101: must have at most 100 items',
    ],
    [
      '1001 endpoints',
      slice(
        (s) => (s.endpoints = Array.from({ length: 1001 }, () => ({ addresses: ['10.0.0.1'] }))),
      ),
      'endpoints: Too many: 1001: must have at most 1000 items',
    ],
    [
      'a hostname that is not a DNS label',
      slice((s) => (s.endpoints[0]!.hostname = 'Web_1')),
      `endpoints[0].hostname: Invalid value: "Web_1": ${isDNS1123Label('Web_1')[0] ?? ''}`,
    ],
    [
      'a node name that is not a DNS subdomain',
      slice((s) => (s.endpoints[0]!.nodeName = 'Node_1')),
      `endpoints[0].nodeName: Invalid value: "Node_1": ${isDNS1123Subdomain('Node_1')[0] ?? ''}`,
    ],
    [
      'duplicate zone hints',
      slice(
        (s) => (s.endpoints[0]!.hints = { forZones: [{ name: 'zone-a' }, { name: 'zone-a' }] }),
      ),
      'endpoints[0].hints.forZones[1].name: Duplicate value: "zone-a"',
    ],
    [
      'too many zone hints',
      slice(
        (s) =>
          (s.endpoints[0]!.hints = {
            forZones: Array.from({ length: 9 }, (_, i) => ({ name: `z${i}` })),
          }),
      ),
      'endpoints[0].hints.forZones: Too many: 9: must have at most 8 items',
    ],
    [
      'duplicate port names',
      slice(
        (s) =>
          (s.ports = [
            { name: 'http', port: 80 },
            { name: 'http', port: 8080 },
          ]),
      ),
      'ports[1].name: Duplicate value: "http"',
    ],
    [
      'an unknown protocol',
      slice((s) => (s.ports = [{ name: 'ping', protocol: 'ICMP' as 'TCP', port: 1 }])),
      'ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ],
    [
      'a port name that is not a DNS label',
      slice((s) => (s.ports = [{ name: 'HTTP', protocol: 'TCP', port: 80 }])),
      `ports[0].name: Invalid value: "HTTP": ${isDNS1123Label('HTTP')[0] ?? ''}`,
    ],
    [
      'an appProtocol that is not a qualified name',
      slice((s) => (s.ports = [{ name: 'web', protocol: 'TCP', port: 80, appProtocol: 'h2 c' }])),
      `ports[0].appProtocol: Invalid value: "h2 c": ${isQualifiedName('h2 c')[0] ?? ''}`,
    ],
  ] as const)('rejects %s', (_name, manifest, expected) => {
    expect(create(manifest)).toBe(expected);
  });

  it('keeps the address type immutable on update', () => {
    const after = slice((s) => {
      s.addressType = 'IPv6';
      s.endpoints[0]!.addresses = ['fd00::5'];
    });
    expect(formatFieldErrors(endpointSliceResource.validateUpdate(after, slice(), ctx))).toBe(
      'addressType: Invalid value: "IPv6": field is immutable',
    );
  });

  it('accepts endpoint changes on update, without a resourceVersion too', () => {
    const after = slice((s) => {
      s.endpoints[0]!.addresses = ['10.244.0.6'];
      s.endpoints[0]!.conditions = { ready: false, serving: true, terminating: true };
      delete s.metadata!.resourceVersion;
    });
    expect(formatFieldErrors(endpointSliceResource.validateUpdate(after, slice(), ctx))).toBe('');
  });
});
