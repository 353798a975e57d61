import { describe, expect, it } from 'vitest';
import type { PodSandboxConfig } from '../types.ts';
import { hostNetworkHostsFile, hostnameFile, podHostsFile, resolvConf } from './etc-files.ts';

const base: PodSandboxConfig = {
  podUid: 'u',
  podName: 'web-0',
  podNamespace: 'shop',
  attempt: 0,
  hostname: 'web-0',
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  cgroupParent: '/podbay/besteffort/podu',
  portMappings: [],
  hostAliases: [],
  labels: {},
  annotations: {},
};

const header = [
  '# Kubernetes-managed hosts file.',
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'fe00::0\tip6-mcastprefix',
  'fe00::1\tip6-allnodes',
  'fe00::2\tip6-allrouters',
];

describe('podHostsFile', () => {
  it('lists localhost and the pod IP with its hostname, as the kubelet writes it', () => {
    expect(podHostsFile(base, ['10.244.0.7'])).toBe(
      [...header, '10.244.0.7\tweb-0', ''].join('\n'),
    );
  });

  it('puts the FQDN first when the pod has a subdomain', () => {
    const cfg = { ...base, hostDomain: 'web.shop.svc.cluster.local' };
    expect(podHostsFile(cfg, ['10.244.0.7'])).toBe(
      [...header, '10.244.0.7\tweb-0.web.shop.svc.cluster.local\tweb-0', ''].join('\n'),
    );
  });

  it('appends hostAliases, one line per IP, after a blank line and a comment', () => {
    const cfg = {
      ...base,
      hostAliases: [
        { ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] },
        { ip: '10.1.2.3', hostnames: ['foo.remote'] },
      ],
    };
    expect(podHostsFile(cfg, ['10.244.0.7'])).toBe(
      [
        ...header,
        '10.244.0.7\tweb-0',
        '',
        '# Entries added by HostAliases.',
        '127.0.0.1\tfoo.local\tbar.local',
        '10.1.2.3\tfoo.remote',
        '',
      ].join('\n'),
    );
  });

  it('has no pod line without IPs', () => {
    expect(podHostsFile(base, [])).toBe([...header, ''].join('\n'));
  });
});

describe('hostNetworkHostsFile', () => {
  it("keeps the node's file and adds the aliases", () => {
    const cfg = { ...base, hostNetwork: true, hostAliases: [{ ip: '1.2.3.4', hostnames: ['x'] }] };
    expect(hostNetworkHostsFile(cfg, '127.0.0.1 localhost')).toBe(
      '127.0.0.1 localhost\n\n# Entries added by HostAliases.\n1.2.3.4\tx\n',
    );
    expect(hostNetworkHostsFile(base, '127.0.0.1 localhost\n')).toBe('127.0.0.1 localhost\n');
  });
});

describe('resolvConf', () => {
  it('writes search, nameservers and options in that order', () => {
    expect(
      resolvConf({
        servers: ['10.96.0.10', '8.8.8.8'],
        searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
        options: ['ndots:5', 'edns0'],
      }),
    ).toBe(
      'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\nnameserver 8.8.8.8\noptions ndots:5 edns0\n',
    );
  });

  it('leaves out empty parts', () => {
    expect(resolvConf({ servers: ['1.1.1.1'], searches: [], options: [] })).toBe(
      'nameserver 1.1.1.1\n',
    );
  });
});

it('hostnameFile ends with a newline', () => {
  expect(hostnameFile('web-0')).toBe('web-0\n');
});
