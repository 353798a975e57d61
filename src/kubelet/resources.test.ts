import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../api/index.ts';
import {
  containerOOMScoreAdjust,
  containerResources,
  milliCPUToQuota,
  milliCPUToShares,
  podCgroupResources,
} from './resources.ts';

function c(
  name: string,
  requests?: Record<string, string>,
  limits?: Record<string, string>,
  extra: Partial<Container> = {},
): Container {
  return {
    name,
    image: 'busybox',
    resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
    ...extra,
  };
}

function pod(containers: Container[], initContainers: Container[] = []): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: { containers, ...(initContainers.length ? { initContainers } : {}) },
  };
}

const GiB = 1024 ** 3;

describe('milliCPUToShares', () => {
  it.each([
    [0, 2],
    [1, 2],
    [1, 2],
    [2, 2],
    [100, 102],
    [250, 256],
    [1000, 1024],
    [1500, 1536],
    [1_000_000, 262144],
  ])('%d millicores → %d shares', (m, want) => {
    expect(milliCPUToShares(m)).toBe(want);
  });
});

describe('milliCPUToQuota', () => {
  it.each([
    [0, 0],
    [5, 1000],
    [9, 1000],
    [10, 1000],
    [200, 20000],
    [500, 50000],
    [1000, 100000],
    [1500, 150000],
  ])('%d millicores → %d µs per 100 ms', (m, want) => {
    expect(milliCPUToQuota(m)).toBe(want);
  });
});

describe('containerOOMScoreAdjust', () => {
  const cases: [string, Pod, number][] = [
    ['BestEffort', pod([c('a')]), 1000],
    ['Guaranteed', pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' })]), -997],
    ['Burstable, half the memory', pod([c('a', { memory: '2Gi' })]), 500],
    ['Burstable, all of the memory', pod([c('a', { memory: '4Gi' })]), 3],
    ['Burstable, more than the memory', pod([c('a', { memory: '8Gi' })]), 3],
    ['Burstable, cpu only', pod([c('a', { cpu: '100m' })]), 999],
    ['Burstable, tiny request', pod([c('a', { memory: '1' })]), 999],
    ['Burstable, 10 percent', pod([c('a', { memory: `${0.1 * 4 * GiB}` })]), 900],
  ];
  it.each(cases)('%s', (_name, p, want) => {
    expect(containerOOMScoreAdjust(p, p.spec!.containers[0]!, 4 * GiB)).toBe(want);
  });
});

describe('containerResources', () => {
  it('maps requests and limits', () => {
    const p = pod([c('a', { cpu: '250m', memory: '64Mi' }, { cpu: '500m', memory: '128Mi' })]);
    expect(containerResources(p, p.spec!.containers[0]!, 4 * GiB)).toEqual({
      cpuShares: 256,
      cpuPeriod: 100000,
      cpuQuota: 50000,
      memoryLimitBytes: 128 * 1024 * 1024,
      oomScoreAdj: 985,
    });
  });
  it('uses the cpu limit for shares when there is no request', () => {
    const p = pod([c('a', undefined, { cpu: '2' })]);
    expect(containerResources(p, p.spec!.containers[0]!, 4 * GiB).cpuShares).toBe(2048);
  });
  it('is unlimited without limits', () => {
    const p = pod([c('a')]);
    expect(containerResources(p, p.spec!.containers[0]!, 4 * GiB)).toEqual({
      cpuShares: 2,
      cpuPeriod: 100000,
      oomScoreAdj: 1000,
    });
  });
});

describe('podCgroupResources', () => {
  it('BestEffort gets the minimum shares only', () => {
    expect(podCgroupResources(pod([c('a'), c('b')]))).toEqual({ cpuShares: 2, cpuPeriod: 100000 });
  });
  it('Guaranteed gets shares, quota and memory from the sums', () => {
    const g = (n: string): Container =>
      c(n, { cpu: '500m', memory: '64Mi' }, { cpu: '500m', memory: '64Mi' });
    expect(podCgroupResources(pod([g('a'), g('b')]))).toEqual({
      cpuShares: 1024,
      cpuPeriod: 100000,
      cpuQuota: 100000,
      memoryLimitBytes: 128 * 1024 * 1024,
    });
  });
  it('Burstable gets quota and memory only when every container declares them', () => {
    const p = pod([
      c('a', { cpu: '100m' }, { cpu: '200m', memory: '64Mi' }),
      c('b', { cpu: '100m' }, { cpu: '300m' }),
    ]);
    expect(podCgroupResources(p)).toEqual({ cpuShares: 204, cpuPeriod: 100000, cpuQuota: 50000 });
  });
  it('takes the larger of the init and app needs', () => {
    const p = pod([c('a', { cpu: '100m' })], [c('init', { cpu: '1' })]);
    expect(podCgroupResources(p).cpuShares).toBe(1024);
  });
  it('adds sidecars to the app containers', () => {
    const p = pod(
      [c('a', { cpu: '100m' })],
      [c('side', { cpu: '100m' }, undefined, { restartPolicy: 'Always' })],
    );
    expect(podCgroupResources(p).cpuShares).toBe(204);
  });
});
