import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it, expect } from 'vitest';
import { servingNames } from './index.ts';

const interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [
    {
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      family: 'IPv4',
      mac: '',
      internal: true,
      cidr: null,
    },
  ],
  eth0: [
    {
      address: '192.0.2.2',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '',
      internal: false,
      cidr: null,
    },
    {
      address: 'FE80:0:0:0:FC:FF:FE00:1',
      netmask: 'ffff:ffff:ffff:ffff::',
      family: 'IPv6',
      mac: '',
      internal: false,
      cidr: null,
      scopeid: 4,
    },
  ],
};

describe('servingNames', () => {
  it('always has localhost, loopback, the cluster Service names, the host and its interfaces', () => {
    const n = servingNames({
      hostname: 'Node-1',
      interfaces,
      hosts: [],
    });
    expect(n.dnsNames).toEqual([
      'localhost',
      'node-1',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ]);
    expect(n.ipAddresses).toEqual(['127.0.0.1', '::1', '192.0.2.2', 'fe80::fc:ff:fe00:1']);
    expect(n.rejected).toEqual([]);
  });

  it('classifies, normalises and de-duplicates extra hosts', () => {
    const n = servingNames({
      hostname: 'h',
      interfaces: {},
      hosts: [
        '[::1]',
        '0:0:0:0:0:0:0:1',
        '[fd00::2]',
        'fe80::1%eth0',
        '10.0.0.1',
        '0.0.0.0',
        '::',
        'API.Example.Test.',
        '*.apps.example.test',
        'bad name',
        'ünicode.example',
        '',
      ],
    });
    expect(n.ipAddresses).toEqual(['127.0.0.1', '::1', 'fd00::2', 'fe80::1', '10.0.0.1']);
    expect(n.dnsNames).toContain('api.example.test');
    expect(n.dnsNames).toContain('*.apps.example.test');
    expect(n.rejected).toEqual(['bad name', 'ünicode.example']);
  });
});
