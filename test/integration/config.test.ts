/**
 * ConfigMaps and Secrets reaching pods through the node agent, against an in-process API server,
 * the fake runtime and a real volume manager in a temp dir (no mounts): env and envFrom in the
 * container config, volume files on disk that follow edits, and pods that recover by themselves
 * when a missing object is created — through the config sources' watches, not a periodic retry
 * (the waits below move only real time, never the agent's fake clock, so retry timers stay put).
 */
import { lstat, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/index.ts';
import { createInProcessTransport } from '../../src/apiserver/index.ts';
import { FakeRecorder, RestClient } from '../../src/client/index.ts';
import { FakeCgroupManager } from '../../src/kubelet/cgroups/index.ts';
import { FakeImageService, fakeImageRecord } from '../../src/kubelet/images/index.ts';
import { startNodeAgent, type NodeAgent } from '../../src/kubelet/index.ts';
import {
  FakeRuntime,
  FakeRuntimeState,
  type ContainerConfig,
} from '../../src/kubelet/runtime/index.ts';
import { VolumeManager } from '../../src/kubelet/volumes/index.ts';
import { FakeClock } from '../../src/util/index.ts';
import { clockedUntil, noMounts, postPod, readPod, testMachine } from './agent-fixtures.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let clock: FakeClock;
let dir: string;
let state: FakeRuntimeState;
let runtime: FakeRuntime;
let recorder: FakeRecorder;
let agent: NodeAgent;

beforeEach(async () => {
  clock = new FakeClock(Date.now());
  h = await startHarness({ clock });
  dir = await mkdtemp(join(tmpdir(), 'podbay-config-'));
  state = new FakeRuntimeState();
  const images = new FakeImageService({ images: [fakeImageRecord('busybox:1.36')] });
  runtime = new FakeRuntime({ clock, state, images });
  recorder = new FakeRecorder();
  const client = new RestClient({
    transport: createInProcessTransport(h.api, {
      name: 'system:node:node1',
      groups: ['system:nodes', 'system:authenticated'],
    }),
  });
  agent = await startNodeAgent({
    client,
    nodeName: 'node1',
    runtime,
    images,
    cgroups: new FakeCgroupManager(),
    volumes: new VolumeManager({ dataDir: dir, mounter: noMounts }),
    dataDir: dir,
    podLogsDir: join(dir, 'logs'),
    clock,
    machine: { read: () => Promise.resolve(testMachine) },
    recorder,
    resolvConf: join(dir, 'missing-resolv.conf'),
    kubeletVersion: 'v1.32.0+podbay-test',
  });
});

afterEach(async () => {
  await agent.stop();
  await runtime.close();
  await h.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Waits in real time only (at most ~5 s): the agent's clock does not move. */
async function until<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Steps the fake clock too (first syncs, start-up). */
const untilStepping = clockedUntil(() => clock);

/** Lets the agent finish what it is doing (real time only). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await agent.whenIdle();
    await new Promise((r) => setTimeout(r, 30));
  }
}

async function apply(path: string, body: Record<string, unknown>): Promise<void> {
  const r = await h.request('POST', path, body);
  expect(r.status, r.text).toBe(201);
}

async function configMap(name: string, data: Record<string, string>): Promise<void> {
  await apply('/api/v1/namespaces/default/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data,
  });
}

async function updateConfigMap(name: string, data: Record<string, string>): Promise<void> {
  const r = await h.request(
    'PATCH',
    `/api/v1/namespaces/default/configmaps/${name}`,
    { data },
    { 'content-type': 'application/merge-patch+json' },
  );
  expect(r.status, r.text).toBe(200);
}

async function secret(name: string, stringData: Record<string, string>): Promise<void> {
  await apply('/api/v1/namespaces/default/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    stringData,
  });
}

const createPod = (name: string, spec: Record<string, unknown>): Promise<Pod> =>
  postPod(h, name, spec, { labels: { app: name } });

const getPod = (name: string): Promise<Pod | undefined> => readPod(h, name);

const app = (extra: Record<string, unknown> = {}) => ({
  name: 'app',
  image: 'busybox:1.36',
  command: ['sleep', '3600'],
  ...extra,
});

function appStatus(pod: Pod | undefined) {
  return pod?.status?.containerStatuses?.find((c) => c.name === 'app');
}

async function running(name: string, step = true): Promise<Pod> {
  const check = async () => {
    const p = await getPod(name);
    return appStatus(p)?.state?.running ? p : undefined;
  };
  return step ? untilStepping(check, `${name} running`) : until(check, `${name} running`);
}

function configOf(pod: Pod): ContainerConfig {
  const id = appStatus(pod)?.containerID?.replace('fake://', '') ?? '';
  const c = state.containers.get(id);
  if (!c) throw new Error(`no container ${id}`);
  return c.config;
}

function envOf(pod: Pod): Record<string, string> {
  return Object.fromEntries(configOf(pod).env.map((e) => [e.name, e.value]));
}

describe('environment from ConfigMaps and Secrets', () => {
  it('sets valueFrom keys and envFrom with a prefix, env overriding envFrom', async () => {
    await configMap('settings', { LEVEL: 'debug', '1st-key': 'one', URL: 'http://a' });
    await secret('creds', { PASSWORD: 'hunter2', TOKEN: 't0k' });
    await createPod('envs', {
      containers: [
        app({
          envFrom: [
            { prefix: 'CFG_', configMapRef: { name: 'settings' } },
            { secretRef: { name: 'creds' } },
            { configMapRef: { name: 'absent', optional: true } },
          ],
          env: [
            { name: 'CFG_LEVEL', value: 'info' },
            { name: 'ONE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'URL' } } },
            { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
            {
              name: 'SKIPPED',
              valueFrom: { secretKeyRef: { name: 'creds', key: 'nope', optional: true } },
            },
          ],
        }),
      ],
    });
    const env = envOf(await running('envs'));
    expect(env).toMatchObject({
      CFG_LEVEL: 'info',
      'CFG_1st-key': 'one',
      CFG_URL: 'http://a',
      PASSWORD: 'hunter2',
      TOKEN: 't0k',
      ONE: 'http://a',
      PW: 'hunter2',
    });
    expect(env).not.toHaveProperty('SKIPPED');
    expect(recorder.events.filter((e) => e.includes('InvalidEnvironmentVariableNames'))).toEqual(
      [],
    );
  });

  it.each([
    [
      'a missing ConfigMap',
      { configMapKeyRef: { name: 'late', key: 'k' } },
      'configmap "late" not found',
    ],
    ['a missing key', { configMapKeyRef: { name: 'late', key: 'k' } }, null],
    ['a missing Secret', { secretKeyRef: { name: 'late', key: 'k' } }, 'secret "late" not found'],
  ] as const)(
    'waits in CreateContainerConfigError for %s and starts by itself once it exists',
    async (what, valueFrom, message) => {
      const isSecret = 'secretKeyRef' in valueFrom;
      if (message === null) await configMap('late', { other: 'x' });
      await createPod('cfgerr', { containers: [app({ env: [{ name: 'X', valueFrom }] })] });
      const waiting = await untilStepping(async () => {
        const s = appStatus(await getPod('cfgerr'))?.state?.waiting;
        return s?.reason === 'CreateContainerConfigError' ? s : undefined;
      }, `CreateContainerConfigError for ${what}`);
      expect(waiting.message).toBe(message ?? "couldn't find key k in ConfigMap default/late");
      expect(recorder.events).toContain(`Warning Failed Error: ${waiting.message ?? ''}`);

      // Let the syncs that the status update itself triggers run out first.
      await settle();
      expect(appStatus(await getPod('cfgerr'))?.state?.waiting?.reason).toBe(
        'CreateContainerConfigError',
      );
      // No clock steps from here: only the watch on the object can bring the pod up now.
      if (isSecret) await secret('late', { k: 'v' });
      else if (message === null) await updateConfigMap('late', { k: 'v' });
      else await configMap('late', { k: 'v' });
      const pod = await running('cfgerr', false);
      expect(envOf(pod)['X']).toBe('v');
    },
  );
});

describe('configMap, secret, downwardAPI and projected volumes', () => {
  const volumePath = (uid: string, plugin: string, name: string) =>
    join(dir, 'pods', uid, 'volumes', plugin, name);

  it('writes the files, mounts them read-only, and follows ConfigMap edits while running', async () => {
    await configMap('web-config', { 'index.html': 'v1', 'app.conf': 'port=80' });
    await secret('web-secret', { 'tls.key': 'KEY' });
    const pod = await createPod('vols', {
      containers: [
        app({
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/web' },
            { name: 'sec', mountPath: '/etc/tls', readOnly: false },
            { name: 'info', mountPath: '/etc/podinfo' },
            { name: 'all', mountPath: '/etc/all' },
          ],
        }),
      ],
      volumes: [
        {
          name: 'cfg',
          configMap: {
            name: 'web-config',
            defaultMode: 0o440,
            items: [
              { key: 'index.html', path: 'html/index.html', mode: 0o400 },
              { key: 'app.conf', path: 'app.conf' },
            ],
          },
        },
        { name: 'sec', secret: { secretName: 'web-secret' } },
        {
          name: 'info',
          downwardAPI: {
            items: [
              { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
              {
                path: 'mem',
                resourceFieldRef: {
                  containerName: 'app',
                  resource: 'limits.memory',
                  divisor: '1Mi',
                },
              },
            ],
          },
        },
        {
          name: 'all',
          projected: {
            sources: [
              { configMap: { name: 'web-config', items: [{ key: 'app.conf', path: 'conf' }] } },
              { secret: { name: 'web-secret' } },
              {
                downwardAPI: {
                  items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }],
                },
              },
            ],
          },
        },
      ],
    });
    const uid = pod.metadata?.uid ?? '';
    const started = await running('vols');
    const cfg = volumePath(uid, 'kubernetes.io~configmap', 'cfg');
    expect(await readFile(join(cfg, 'html/index.html'), 'utf8')).toBe('v1');
    expect((await lstat(join(cfg, 'html/index.html'))).mode & 0o7777).toBe(0o400);
    expect((await lstat(join(cfg, 'app.conf'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(cfg, 'app.conf'))).toBe('..data/app.conf');
    expect(
      await readFile(join(volumePath(uid, 'kubernetes.io~secret', 'sec'), 'tls.key'), 'utf8'),
    ).toBe('KEY');
    const info = volumePath(uid, 'kubernetes.io~downward-api', 'info');
    expect(await readFile(join(info, 'labels'), 'utf8')).toBe('app="vols"');
    // No memory limit: node allocatable (3996Mi here).
    expect(await readFile(join(info, 'mem'), 'utf8')).toBe('3996');
    const all = volumePath(uid, 'kubernetes.io~projected', 'all');
    expect((await readdir(all)).filter((n) => !n.startsWith('..')).sort()).toEqual([
      'conf',
      'name',
      'tls.key',
    ]);
    // Read-only in the container, whatever the volumeMount says.
    const mounts = configOf(started).mounts;
    for (const p of ['/etc/web', '/etc/tls', '/etc/podinfo', '/etc/all']) {
      expect(mounts.find((m) => m.containerPath === p)).toMatchObject({ readOnly: true });
    }

    // An edit reaches the running pod's files, through the watch alone.
    const containerId = appStatus(started)?.containerID;
    await updateConfigMap('web-config', { 'index.html': 'v2' });
    await until(
      async () => (await readFile(join(cfg, 'html/index.html'), 'utf8')) === 'v2',
      'the new index.html',
    );
    await until(
      async () => (await readFile(join(all, 'conf'), 'utf8')) === 'port=80',
      'the projected file',
    );
    // Labels changed on the pod: the downward API file follows.
    const patched = await h.request(
      'PATCH',
      '/api/v1/namespaces/default/pods/vols',
      { metadata: { labels: { app: 'vols', tier: 'web' } } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(patched.status, patched.text).toBe(200);
    await until(
      async () => (await readFile(join(info, 'labels'), 'utf8')) === 'app="vols"\ntier="web"',
      'the new labels file',
    );
    // Nothing restarted for it.
    expect(appStatus(await getPod('vols'))?.containerID).toBe(containerId);

    // The ConfigMap deleted under a running pod: files stay, a FailedMount event says why.
    const del = await h.request('DELETE', '/api/v1/namespaces/default/configmaps/web-config');
    expect(del.status, del.text).toBe(200);
    await until(
      () =>
        recorder.events.includes(
          'Warning FailedMount MountVolume.SetUp failed for volume "cfg" : configmap "web-config" not found',
        ),
      'the FailedMount event',
    );
    expect(await readFile(join(cfg, 'html/index.html'), 'utf8')).toBe('v2');
    expect(appStatus(await getPod('vols'))?.state?.running).toBeDefined();
  });

  it('stays ContainerCreating with FailedMount until a missing ConfigMap exists', async () => {
    await createPod('nocfg', {
      containers: [app({ volumeMounts: [{ name: 'v', mountPath: '/cfg' }] })],
      volumes: [{ name: 'v', configMap: { name: 'later' } }],
    });
    await untilStepping(
      () =>
        recorder.events.includes(
          'Warning FailedMount MountVolume.SetUp failed for volume "v" : configmap "later" not found',
        ),
      'FailedMount',
    );
    await settle();
    const pending = await getPod('nocfg');
    expect(pending?.status?.phase).toBe('Pending');
    expect(appStatus(pending)?.state?.waiting?.reason).toBe('ContainerCreating');

    await configMap('later', { k: 'v' });
    const pod = await running('nocfg', false);
    const uid = pod.metadata?.uid ?? '';
    expect(await readFile(join(volumePath(uid, 'kubernetes.io~configmap', 'v'), 'k'), 'utf8')).toBe(
      'v',
    );
  });
});
