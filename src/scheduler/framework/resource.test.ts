import { describe, expect, it } from 'vitest';
import { container, makeNode, makePod } from '../testing/builders.ts';
import {
  computePodResource,
  isExtendedResourceName,
  isScalarResourceName,
  nodeAllocatable,
  podRequests,
} from './resource.ts';

function requestsOf(pod: ReturnType<typeof makePod>): Record<string, string> {
  return Object.fromEntries([...podRequests(pod)].map(([k, q]) => [k, q.toString()]));
}

describe('podRequests', () => {
  const cases: { name: string; pod: ReturnType<typeof makePod>; want: Record<string, string> }[] = [
    {
      name: 'sums app containers',
      pod: makePod('p', {
        containers: [
          container('a', { cpu: '100m', memory: '1Gi' }),
          container('b', { cpu: '250m' }),
        ],
      }),
      want: { cpu: '350m', memory: '1Gi' },
    },
    {
      name: 'an init container larger than the apps sets the peak (upstream example)',
      pod: makePod('p', {
        initContainers: [
          container('i1', { cpu: '2', memory: '1G' }),
          container('i2', { cpu: '2', memory: '3G' }),
        ],
        containers: [
          container('c1', { cpu: '2', memory: '1G' }),
          container('c2', { cpu: '1', memory: '1G' }),
        ],
      }),
      want: { cpu: '3', memory: '3G' },
    },
    {
      name: 'sidecars run next to the apps and to later init containers',
      pod: makePod('p', {
        initContainers: [
          container('side', { cpu: '500m' }, { restartPolicy: 'Always' }),
          container('init', { cpu: '1' }),
        ],
        containers: [container('app', { cpu: '200m' })],
      }),
      // max(app 200m + sidecar 500m, init 1 + sidecar 500m) = 1500m
      want: { cpu: '1500m' },
    },
    {
      name: 'an init container before the sidecar does not add the sidecar',
      pod: makePod('p', {
        initContainers: [
          container('init', { cpu: '1' }),
          container('side', { cpu: '500m' }, { restartPolicy: 'Always' }),
        ],
        containers: [container('app', { cpu: '200m' })],
      }),
      want: { cpu: '1' },
    },
    {
      name: 'pod overhead is added on top',
      pod: makePod('p', { cpu: '100m', overhead: { cpu: '250m', memory: '120Mi' } }),
      want: { cpu: '350m', memory: '120Mi' },
    },
    {
      name: 'extended resources are summed like the rest',
      pod: makePod('p', {
        containers: [
          container('a', { 'example.com/gpu': '1' }),
          container('b', { 'example.com/gpu': '2' }),
        ],
      }),
      want: { 'example.com/gpu': '3' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(requestsOf(c.pod)).toEqual(c.want);
    });
  }

  it('fills in 100m cpu and 200Mi memory per container for scoring only', () => {
    const pod = makePod('p', {
      containers: [container('a', { cpu: '1' }), container('b', {})],
    });
    const r = computePodResource(pod);
    expect(r.requests.milliCPU).toBe(1000);
    expect(r.requests.memory).toBe(0);
    expect(r.nonZeroMilliCPU).toBe(1100);
    expect(r.nonZeroMemory).toBe(2 * 200 * 1024 * 1024);
  });
});

describe('resource names and node allocatable', () => {
  it('tells scalar and extended resources apart', () => {
    const cases: [string, boolean, boolean][] = [
      ['cpu', false, false],
      ['memory', false, false],
      ['example.com/gpu', true, true],
      ['hugepages-2Mi', false, true],
      ['kubernetes.io/something', false, true],
      ['attachable-volumes-aws-ebs', false, true],
      ['requests.example.com/gpu', false, false],
    ];
    for (const [name, extended, scalar] of cases) {
      expect([name, isExtendedResourceName(name)]).toEqual([name, extended]);
      expect([name, isScalarResourceName(name)]).toEqual([name, scalar]);
    }
  });

  it('reads allocatable (capacity when absent) in millicores and bytes', () => {
    const r = nodeAllocatable(
      makeNode('n', {
        cpu: '1500m',
        memory: '1Gi',
        pods: '10',
        ephemeralStorage: '10Gi',
        extra: { 'example.com/gpu': '2' },
      }),
    );
    expect(r.milliCPU).toBe(1500);
    expect(r.memory).toBe(1024 ** 3);
    expect(r.allowedPodNumber).toBe(10);
    expect(r.ephemeralStorage).toBe(10 * 1024 ** 3);
    expect(r.scalar.get('example.com/gpu')).toBe(2);
    const onlyCapacity = makeNode('n');
    delete onlyCapacity.status?.allocatable;
    expect(nodeAllocatable(onlyCapacity).milliCPU).toBe(4000);
  });
});
