/**
 * What the node-agent integration suites (kubelet, probes, config, static pods) share: the machine
 * the agent believes it runs on, a mounter that mounts nothing, a wait that steps the fake clock,
 * and pod reads and creates through the in-process API server.
 */
import { expect } from 'vitest';
import type { Pod } from '../../src/api/index.ts';
import type { MachineFacts } from '../../src/kubelet/index.ts';
import type { Mounter } from '../../src/kubelet/volumes/index.ts';
import type { FakeClock } from '../../src/util/index.ts';
import type { Harness } from './harness.ts';

/** The node's name in `testMachine`, which pods are bound to. */
export const testNodeName = 'node1';

export const testMachine: MachineFacts = {
  hostname: testNodeName,
  cpus: 2,
  memoryBytes: 4 * 1024 ** 3,
  ephemeralStorageBytes: 100 * 1024 ** 3,
  internalIP: '192.168.50.10',
  machineID: 'm-1',
  systemUUID: 'u-1',
  bootID: 'b-1',
  kernelVersion: '6.1.0-test',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  architecture: 'amd64',
  operatingSystem: 'linux',
};

/** No real mounts: emptyDirs and tmpfs-backed volumes are plain directories. */
export const noMounts: Mounter = {
  mountTmpfs: () => Promise.resolve(),
  bindMount: () => Promise.resolve(),
  unmount: () => Promise.resolve(),
  mountsUnder: () => Promise.resolve([]),
  mountTypeAt: () => Promise.resolve(undefined),
};

type Probe<T> = () => Promise<T | undefined | false> | T | undefined | false;

/**
 * A wait that steps the suite's fake clock (and a little real time) until `fn` holds. `clock` is
 * read at every call: suites make a new one per test.
 */
export function clockedUntil(
  clock: () => FakeClock,
): <T>(fn: Probe<T>, what: string, stepMs?: number, maxSteps?: number) => Promise<T> {
  return async <T>(fn: Probe<T>, what: string, stepMs = 100, maxSteps = 600): Promise<T> => {
    for (let i = 0; i < maxSteps; i++) {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
      await clock().step(stepMs);
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
}

/** GET a pod; undefined when it is not there. */
export async function readPod(
  h: Harness,
  name: string,
  namespace = 'default',
): Promise<Pod | undefined> {
  const r = await h.request('GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
  return r.status === 200 ? (r.body as Pod) : undefined;
}

/** POST a pod in `default`, bound to the test node, with `metadata` merged in. */
export async function postPod(
  h: Harness,
  name: string,
  spec: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
): Promise<Pod> {
  const r = await h.request('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...metadata },
    spec: { nodeName: testNodeName, ...spec },
  });
  expect(r.status, r.text).toBe(201);
  return r.body as Pod;
}
