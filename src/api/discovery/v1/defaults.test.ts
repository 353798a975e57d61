import { describe, expect, it } from 'vitest';
import { defaultEndpointSlice, type EndpointSlice } from './index.ts';

const base = (): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc', namespace: 'default' },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
});

describe('defaultEndpointSlice', () => {
  const cases: { name: string; in: EndpointSlice; want: EndpointSlice }[] = [
    { name: 'no ports: nothing to default', in: base(), want: base() },
    {
      name: 'port without name and protocol gets "" and TCP',
      in: { ...base(), ports: [{ port: 80 }] },
      want: { ...base(), ports: [{ port: 80, name: '', protocol: 'TCP' }] },
    },
    {
      name: 'explicit values are kept',
      in: { ...base(), ports: [{ name: 'dns', protocol: 'UDP', port: 53, appProtocol: 'dns' }] },
      want: { ...base(), ports: [{ name: 'dns', protocol: 'UDP', port: 53, appProtocol: 'dns' }] },
    },
    {
      name: 'a port with no number (all ports) is defaulted too',
      in: { ...base(), ports: [{}, { name: 'x' }] },
      want: {
        ...base(),
        ports: [
          { name: '', protocol: 'TCP' },
          { name: 'x', protocol: 'TCP' },
        ],
      },
    },
    {
      name: 'endpoints are left as they are (no upstream defaults)',
      in: { ...base(), endpoints: [{ addresses: ['10.0.0.2'] }] },
      want: { ...base(), endpoints: [{ addresses: ['10.0.0.2'] }] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj = structuredClone(c.in);
      defaultEndpointSlice(obj);
      expect(obj).toEqual(c.want);
      defaultEndpointSlice(obj);
      expect(obj).toEqual(c.want);
    });
  }
});
