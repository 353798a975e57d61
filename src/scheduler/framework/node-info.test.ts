import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { HostPortInfo, NodeInfo, podHostPorts, type HostPort } from './node-info.ts';

describe('HostPortInfo.conflicts', () => {
  const used: HostPort[] = [
    { hostIP: '0.0.0.0', protocol: 'TCP', port: 80 },
    { hostIP: '10.0.0.1', protocol: 'TCP', port: 8080 },
    { hostIP: '10.0.0.1', protocol: 'UDP', port: 53 },
  ];
  const cases: [string, HostPort, boolean][] = [
    ['same port on all addresses', { hostIP: '0.0.0.0', protocol: 'TCP', port: 80 }, true],
    [
      'a specific address against all addresses',
      { hostIP: '10.0.0.2', protocol: 'TCP', port: 80 },
      true,
    ],
    [
      'all addresses against a specific address',
      { hostIP: '0.0.0.0', protocol: 'TCP', port: 8080 },
      true,
    ],
    ['another address', { hostIP: '10.0.0.2', protocol: 'TCP', port: 8080 }, false],
    [
      'same address and port, other protocol',
      { hostIP: '10.0.0.1', protocol: 'UDP', port: 8080 },
      false,
    ],
    ['UDP against UDP', { hostIP: '0.0.0.0', protocol: 'UDP', port: 53 }, true],
    ['a free port', { hostIP: '0.0.0.0', protocol: 'TCP', port: 81 }, false],
  ];
  for (const [name, p, want] of cases) {
    it(name, () => {
      const h = new HostPortInfo();
      for (const u of used) h.add(u);
      expect(h.conflicts(p)).toBe(want);
    });
  }
});

describe('NodeInfo', () => {
  it('sums requests and ports of its pods, and forgets them on removal', () => {
    const ni = new NodeInfo('n', makeNode('n', { cpu: '2' }));
    const a = makePod('a', { cpu: '500m', memory: '1Gi', hostPorts: [{ hostPort: 80 }] });
    const b = makePod('b');
    ni.addPod(a);
    ni.addPod(b);
    expect(ni.numPods).toBe(2);
    expect(ni.requested.milliCPU).toBe(500);
    expect(ni.requested.memory).toBe(1024 ** 3);
    expect(ni.nonZeroRequested.milliCPU).toBe(600);
    expect(ni.usedPorts.size).toBe(1);
    const clone = ni.clone();
    expect(ni.removePod('uid-a')).toBe(true);
    expect(ni.requested.milliCPU).toBe(0);
    expect(ni.usedPorts.size).toBe(0);
    expect(ni.removePod('uid-a')).toBe(false);
    // The clone is independent.
    expect(clone.numPods).toBe(2);
    expect(clone.requested.milliCPU).toBe(500);
    expect(clone.usedPorts.size).toBe(1);
  });

  it('takes host ports of containers and sidecars, with TCP and 0.0.0.0 as defaults', () => {
    const pod = makePod('p', {
      hostPorts: [{ hostPort: 80 }, { hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }],
    });
    expect(podHostPorts(pod)).toEqual([
      { hostIP: '0.0.0.0', protocol: 'TCP', port: 80 },
      { hostIP: '10.0.0.1', protocol: 'UDP', port: 53 },
    ]);
    const withSidecar = makePod('s', {
      initContainers: [
        {
          name: 'side',
          image: 'x',
          restartPolicy: 'Always',
          ports: [{ containerPort: 9, hostPort: 9000 }],
        },
        { name: 'init', image: 'x', ports: [{ containerPort: 9, hostPort: 9001 }] },
      ],
    });
    expect(podHostPorts(withSidecar).map((p) => p.port)).toEqual([9000]);
  });
});
