import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/index.ts';
import type { ContainerStatus, PodSandboxStatus } from '../runtime/index.ts';
import { NodeStreamingTargets } from './streaming-targets.ts';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
  spec: {
    containers: [
      { name: 'app', image: 'x', tty: true, stdin: true },
      { name: 'side', image: 'x' },
    ],
    initContainers: [{ name: 'init', image: 'x' }],
  },
};

const container = (
  name: string,
  state: ContainerStatus['state'],
  createdAt: number,
  id: string,
): ContainerStatus => ({ id, name, state, createdAt, podUid: 'uid-1' }) as ContainerStatus;

function targets(
  containers: ContainerStatus[],
  sandboxes: PodSandboxStatus[] = [],
): NodeStreamingTargets {
  return new NodeStreamingTargets({
    getPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined),
    runtime: {
      listContainers: (filter) =>
        Promise.resolve(
          containers.filter((c) => filter?.podUid === undefined || c.podUid === filter.podUid),
        ),
      listPodSandboxes: () => Promise.resolve(sandboxes),
    },
  });
}

describe('NodeStreamingTargets', () => {
  it('finds the newest running container of that name, with the spec’s tty and stdin', async () => {
    const t = targets([
      container('app', 'exited', 1, 'old'),
      container('app', 'running', 2, 'new'),
      container('side', 'running', 2, 'side-1'),
    ]);
    expect(
      await t.container({ kind: 'exec', namespace: 'default', pod: 'web', container: 'app' }),
    ).toEqual({
      containerId: 'new',
      tty: true,
      stdin: true,
    });
    expect(
      await t.container({ kind: 'attach', namespace: 'default', pod: 'web', container: 'side' }),
    ).toEqual({
      containerId: 'side-1',
      tty: false,
      stdin: false,
    });
  });

  it('answers as the kubelet when there is nothing to stream to', async () => {
    const t = targets([container('app', 'exited', 1, 'old')]);
    expect(
      await t.container({ kind: 'exec', namespace: 'default', pod: 'nope', container: 'app' }),
    ).toEqual({
      code: 404,
      message: 'pod does not exist',
    });
    expect(
      await t.container({ kind: 'exec', namespace: 'default', pod: 'web', container: 'app' }),
    ).toEqual({
      code: 500,
      message: 'container not found ("app")',
    });
    expect(
      await t.container({ kind: 'attach', namespace: 'default', pod: 'web', container: 'init' }),
    ).toEqual({
      code: 500,
      message: 'container init not found in pod web_default',
    });
    expect(
      await t.container({
        kind: 'exec',
        namespace: 'default',
        pod: 'web',
        uid: 'other',
        container: 'app',
      }),
    ).toEqual({ code: 500, message: 'container not found ("app")' });
  });

  it('port-forward: the ready sandbox of the pod', async () => {
    const sandbox = (id: string, state: PodSandboxStatus['state']): PodSandboxStatus =>
      ({ id, state, createdAt: 1, config: { podUid: 'uid-1' } }) as PodSandboxStatus;
    const t = targets([], [sandbox('gone', 'notready'), sandbox('sb', 'ready')]);
    expect(await t.pod({ namespace: 'default', pod: 'web' })).toEqual({
      sandboxId: 'sb',
      podUid: 'uid-1',
    });
    expect(await t.pod({ namespace: 'default', pod: 'web', uid: 'x' })).toEqual({
      code: 404,
      message: 'pod not found',
    });
    expect(await targets([]).pod({ namespace: 'default', pod: 'web' })).toEqual({
      code: 500,
      message: 'pod not found ("web_default")',
    });
  });
});
