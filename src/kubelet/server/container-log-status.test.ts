import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, PodStatus } from '../../api/index.ts';
import { podHasContainer, validateContainerLogStatus } from './container-log-status.ts';

const running = (): NonNullable<ContainerStatus['state']> => ({
  running: { startedAt: '2024-01-01T00:00:00Z' },
});
const terminated = (containerID?: string) => ({
  terminated: { exitCode: 1, ...(containerID ? { containerID } : {}) },
});

function status(
  cs: Partial<ContainerStatus> & { name: string },
  where = 'containerStatuses',
): PodStatus {
  const full = {
    ready: false,
    restartCount: 0,
    image: 'busybox',
    imageID: '',
    ...cs,
  } as ContainerStatus;
  return { [where]: [full] };
}

describe('validateContainerLogStatus', () => {
  const cases: {
    name: string;
    status: PodStatus | undefined;
    previous?: boolean;
    want: unknown;
  }[] = [
    {
      name: 'running: the current instance',
      status: status({ name: 'c', containerID: 'runc://abc', state: running() }),
      want: { containerID: 'runc://abc', id: 'abc' },
    },
    {
      name: 'init container statuses are searched too',
      status: status(
        { name: 'c', containerID: 'runc://init1', state: running() },
        'initContainerStatuses',
      ),
      want: { containerID: 'runc://init1', id: 'init1' },
    },
    {
      name: 'ephemeral container statuses are searched too',
      status: status(
        { name: 'c', containerID: 'runc://eph', state: running() },
        'ephemeralContainerStatuses',
      ),
      want: { containerID: 'runc://eph', id: 'eph' },
    },
    {
      name: 'no status',
      status: undefined,
      want: { code: 400, error: 'container "c" in pod "p" is not available' },
    },
    {
      name: 'previous: the last terminated instance',
      status: status({
        name: 'c',
        containerID: 'runc://new',
        state: running(),
        lastState: terminated('runc://old'),
      }),
      previous: true,
      want: { containerID: 'runc://old', id: 'old' },
    },
    {
      name: 'previous without a previous instance',
      status: status({ name: 'c', containerID: 'runc://new', state: running() }),
      previous: true,
      want: { code: 400, error: 'previous terminated container "c" in pod "p" not found' },
    },
    {
      name: 'terminated: that instance',
      status: status({ name: 'c', state: terminated('runc://done') }),
      want: { containerID: 'runc://done', id: 'done' },
    },
    {
      name: 'terminated without an id: the one before',
      status: status({ name: 'c', state: terminated(), lastState: terminated('runc://before') }),
      want: { containerID: 'runc://before', id: 'before' },
    },
    {
      name: 'terminated without any id',
      status: status({ name: 'c', state: terminated() }),
      want: { code: 400, error: 'container "c" in pod "p" is terminated' },
    },
    {
      name: 'waiting after a crash (CrashLoopBackOff): the last run',
      status: status({
        name: 'c',
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: terminated('runc://crashed'),
      }),
      want: { containerID: 'runc://crashed', id: 'crashed' },
    },
    {
      name: 'waiting to start',
      status: status({ name: 'c', state: { waiting: { reason: 'ContainerCreating' } } }),
      want: { code: 400, error: 'container "c" in pod "p" is waiting to start: ContainerCreating' },
    },
    {
      name: 'waiting on an image pull',
      status: status({ name: 'c', state: { waiting: { reason: 'ErrImagePull' } } }),
      want: {
        code: 400,
        error: 'container "c" in pod "p" is waiting to start: image can\'t be pulled',
      },
    },
    {
      name: 'waiting in image pull back-off',
      status: status({ name: 'c', state: { waiting: { reason: 'ImagePullBackOff' } } }),
      want: {
        code: 400,
        error: 'container "c" in pod "p" is waiting to start: trying and failing to pull image',
      },
    },
    {
      name: 'no state at all',
      status: status({ name: 'c' }),
      want: { code: 400, error: 'container "c" in pod "p" is waiting to start - no logs yet' },
    },
  ];
  it.each(cases)('$name', (c) => {
    expect(
      validateContainerLogStatus({
        podName: 'p',
        status: c.status,
        containerName: 'c',
        previous: c.previous ?? false,
      }),
    ).toEqual(c.want);
  });
});

describe('podHasContainer', () => {
  const pod = {
    spec: {
      initContainers: [{ name: 'init' }],
      containers: [{ name: 'app' }],
      ephemeralContainers: [{ name: 'debug' }],
    },
  } as unknown as Pod;
  it.each([
    ['init', true],
    ['app', true],
    ['debug', true],
    ['other', false],
  ] as const)('%s → %s', (name, want) => {
    expect(podHasContainer(pod, name)).toBe(want);
  });
});
