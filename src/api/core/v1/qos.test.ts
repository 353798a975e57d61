import { describe, expect, it } from 'vitest';
import type { Container } from './container.ts';
import { podQOSClass } from './qos.ts';

const c = (resources: Container['resources']): Container => ({
  name: 'c',
  ...(resources ? { resources } : {}),
});
const pod = (containers: Container[], initContainers: Container[] = []) => ({
  spec: { containers, initContainers },
});

describe('podQOSClass', () => {
  it.each([
    ['no resources at all', pod([c(undefined)]), 'BestEffort'],
    ['only an extended resource', pod([c({ limits: { 'example.com/gpu': '1' } })]), 'BestEffort'],
    ['zero requests count as unset', pod([c({ requests: { cpu: '0' } })]), 'BestEffort'],
    ['requests only', pod([c({ requests: { cpu: '100m' } })]), 'Burstable'],
    [
      'limits equal requests for cpu and memory',
      pod([c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } })]),
      'Guaranteed',
    ],
    // Pods are defaulted (requests from limits) before the class is computed; undefaulted, a
    // limits-only container has no requests to match its limits.
    [
      'limits only, before defaulting',
      pod([c({ limits: { cpu: '1', memory: '1Gi' } })]),
      'Burstable',
    ],
    [
      'memory limit missing',
      pod([c({ limits: { cpu: '1' }, requests: { cpu: '1' } })]),
      'Burstable',
    ],
    [
      'requests below limits',
      pod([c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } })]),
      'Burstable',
    ],
    [
      'one container without limits',
      pod([c({ limits: { cpu: '1', memory: '1Gi' } }), c(undefined)]),
      'Burstable',
    ],
    [
      'init container without limits',
      pod([c({ limits: { cpu: '1', memory: '1Gi' } })], [c(undefined)]),
      'Burstable',
    ],
    [
      'init and app containers all guaranteed',
      pod(
        [c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } })],
        [c({ limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '2', memory: '2Gi' } })],
      ),
      'Guaranteed',
    ],
  ] as const)('%s', (_name, p, want) => {
    expect(podQOSClass(p)).toBe(want);
  });
});
