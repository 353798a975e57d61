import { describe, expect, it } from 'vitest';
import type { MachineFacts } from './machine-info.ts';
import { buildNodeStatus, nodeImages, nodeLabels, nodeResources } from './node-status.ts';

const facts: MachineFacts = {
  hostname: 'n1',
  cpus: 4,
  memoryBytes: 8 * 1024 ** 3,
  ephemeralStorageBytes: 100 * 1024 ** 3,
  internalIP: '10.0.0.5',
  machineID: 'mid',
  systemUUID: 'uuid',
  bootID: 'boot',
  kernelVersion: '6.1.0',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  architecture: 'amd64',
  operatingSystem: 'linux',
};

const T0 = Date.UTC(2026, 0, 1);

describe('node status', () => {
  it('reports capacity and allocatable as upstream (eviction thresholds left out)', () => {
    expect(nodeResources(facts)).toEqual({
      capacity: {
        cpu: '4',
        'ephemeral-storage': '100Gi',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: '8Gi',
        pods: '110',
      },
      allocatable: {
        cpu: '4',
        'ephemeral-storage': String(Math.floor(100 * 1024 ** 3 * 0.9)),
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: '8092Mi',
        pods: '110',
      },
    });
  });

  it('labels the node as upstream', () => {
    expect(nodeLabels('n1', facts)).toEqual({
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'n1',
      'kubernetes.io/os': 'linux',
    });
  });

  const input = {
    facts,
    runtimeVersion: 'runc://1.1.5',
    kubeletVersion: 'v1.32.0+podbay-0.1.0',
    kubeletPort: 10250,
    images: [],
  };

  it('builds conditions, addresses, nodeInfo and the kubelet endpoint', () => {
    const s = buildNodeStatus({ ...input, now: T0, old: undefined });
    expect(s.conditions).toEqual([
      {
        type: 'MemoryPressure',
        status: 'False',
        lastHeartbeatTime: '2026-01-01T00:00:00Z',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        reason: 'KubeletHasSufficientMemory',
        message: 'kubelet has sufficient memory available',
      },
      {
        type: 'DiskPressure',
        status: 'False',
        lastHeartbeatTime: '2026-01-01T00:00:00Z',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        reason: 'KubeletHasNoDiskPressure',
        message: 'kubelet has no disk pressure',
      },
      {
        type: 'PIDPressure',
        status: 'False',
        lastHeartbeatTime: '2026-01-01T00:00:00Z',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        reason: 'KubeletHasSufficientPID',
        message: 'kubelet has sufficient PID available',
      },
      {
        type: 'Ready',
        status: 'True',
        lastHeartbeatTime: '2026-01-01T00:00:00Z',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
      },
    ]);
    expect(s.addresses).toEqual([
      { type: 'InternalIP', address: '10.0.0.5' },
      { type: 'Hostname', address: 'n1' },
    ]);
    expect(s.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(s.nodeInfo).toMatchObject({
      containerRuntimeVersion: 'runc://1.1.5',
      kubeletVersion: 'v1.32.0+podbay-0.1.0',
      machineID: 'mid',
      bootID: 'boot',
    });
  });

  it('keeps transition times, moves heartbeats, and keeps foreign conditions', () => {
    const first = buildNodeStatus({ ...input, now: T0, old: undefined });
    const old = {
      ...first,
      conditions: [
        ...(first.conditions ?? []),
        { type: 'NetworkUnavailable', status: 'False' as const },
      ],
    };
    const next = buildNodeStatus({ ...input, now: T0 + 10_000, old });
    const ready = next.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(ready?.lastHeartbeatTime).toBe('2026-01-01T00:00:10Z');
    expect(next.conditions?.map((c) => c.type)).toContain('NetworkUnavailable');
  });

  it('lists images biggest first, digests before tags', () => {
    expect(
      nodeImages([
        { id: 'sha256:a', repoTags: ['x:1'], repoDigests: [], size: 10, config: {}, created: 0 },
        {
          id: 'sha256:b',
          repoTags: ['y:1'],
          repoDigests: ['y@sha256:d'],
          size: 20,
          config: {},
          created: 0,
        },
        { id: 'sha256:c', repoTags: [], repoDigests: [], size: 30, config: {}, created: 0 },
      ]),
    ).toEqual([
      { names: ['y@sha256:d', 'y:1'], sizeBytes: 20 },
      { names: ['x:1'], sizeBytes: 10 },
    ]);
  });
});
