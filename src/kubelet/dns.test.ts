import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/index.ts';
import { parseResolvConf, podDNSConfig } from './dns.ts';

const host = parseResolvConf(`# generated
nameserver 192.168.1.1
nameserver 8.8.8.8 ; comment
search example.com.  corp.example.com
options timeout:2 ndots:1
options timeout:3
`);

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [], ...spec } };
}

describe('parseResolvConf', () => {
  it('reads servers, searches and options', () => {
    expect(host).toEqual({
      servers: ['192.168.1.1', '8.8.8.8'],
      searches: ['example.com', 'corp.example.com'],
      options: ['timeout:3', 'ndots:1'],
    });
  });
});

describe('podDNSConfig', () => {
  it('ClusterFirst without cluster DNS falls back to the host and says so', () => {
    const r = podDNSConfig(pod(), { clusterDNS: [], clusterDomain: 'cluster.local', host });
    expect(r.dns).toEqual(host);
    expect(r.missingClusterDNS).toBe(
      'pod: "p_ns(u)". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.',
    );
  });
  it('ClusterFirst with cluster DNS', () => {
    const r = podDNSConfig(pod(), {
      clusterDNS: ['10.96.0.10'],
      clusterDomain: 'cluster.local',
      host,
    });
    expect(r.dns).toEqual({
      servers: ['10.96.0.10'],
      searches: [
        'ns.svc.cluster.local',
        'svc.cluster.local',
        'cluster.local',
        'example.com',
        'corp.example.com',
      ],
      options: ['ndots:5'],
    });
    expect(r.missingClusterDNS).toBeUndefined();
  });
  it('hostNetwork with ClusterFirst uses the host', () => {
    const r = podDNSConfig(pod({ hostNetwork: true }), {
      clusterDNS: ['10.96.0.10'],
      clusterDomain: 'cluster.local',
      host,
    });
    expect(r.dns).toEqual(host);
  });
  it('Default uses the host', () => {
    expect(
      podDNSConfig(pod({ dnsPolicy: 'Default' }), {
        clusterDNS: ['10.96.0.10'],
        clusterDomain: 'c',
        host,
      }).dns,
    ).toEqual(host);
  });
  it('None takes dnsConfig only', () => {
    const r = podDNSConfig(
      pod({
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['1.1.1.1'],
          searches: ['a.example'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      }),
      { clusterDNS: [], clusterDomain: 'c', host },
    );
    expect(r.dns).toEqual({
      servers: ['1.1.1.1'],
      searches: ['a.example'],
      options: ['ndots:2', 'edns0'],
    });
  });
  it('dnsConfig merges into the policy result', () => {
    const r = podDNSConfig(
      pod({
        dnsPolicy: 'Default',
        dnsConfig: {
          nameservers: ['8.8.8.8', '9.9.9.9'],
          options: [{ name: 'timeout', value: '5' }],
        },
      }),
      { clusterDNS: [], clusterDomain: 'c', host },
    );
    expect(r.dns).toEqual({
      servers: ['192.168.1.1', '8.8.8.8', '9.9.9.9'],
      searches: ['example.com', 'corp.example.com'],
      options: ['timeout:5', 'ndots:1'],
    });
  });
});
