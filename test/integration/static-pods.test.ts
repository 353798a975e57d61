/**
 * Static pods: the node agent runs the pods of a manifest directory (--pod-manifest-path) on the
 * fake runtime, with an in-process API server, and mirrors them in the API. What a user sees: the
 * mirror pod `<name>-<node>` with upstream's annotations, owner and real status; a deleted mirror
 * comes back while the pod keeps running; an edited manifest restarts the pod with the new spec;
 * a removed one stops it and leaves nothing; static pods run while the API is unreachable. Also
 * what the API server accepts as a mirror pod.
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/api/index.ts';
import { createInProcessTransport } from '../../src/apiserver/index.ts';
import { FakeRecorder, NetworkError, RestClient, type Transport } from '../../src/client/index.ts';
import { FakeCgroupManager } from '../../src/kubelet/cgroups/index.ts';
import { FakeImageService, fakeImageRecord } from '../../src/kubelet/images/index.ts';
import { startNodeAgent, type NodeAgent } from '../../src/kubelet/index.ts';
import { FakeRuntime, FakeRuntimeState } from '../../src/kubelet/runtime/index.ts';
import { VolumeManager } from '../../src/kubelet/volumes/index.ts';
import { FakeClock } from '../../src/util/index.ts';
import { testMachine, noMounts, clockedUntil, readPod } from './agent-fixtures.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let clock: FakeClock;
let dir: string;
let manifests: string;
let state: FakeRuntimeState;
let runtime: FakeRuntime;
let images: FakeImageService;
let cgroups: FakeCgroupManager;
let agent: NodeAgent | undefined;
let starting: Promise<NodeAgent> | undefined;
/** The API as the node's client sees it: false makes every call fail as a refused connection. */
let reachable: boolean;

function nodeTransport(): Transport {
  const inner = createInProcessTransport(h.api, {
    name: 'system:node:node1',
    groups: ['system:nodes', 'system:authenticated'],
  });
  const refused = (): Promise<never> =>
    Promise.reject(
      new NetworkError('connect ECONNREFUSED 127.0.0.1:6443', { code: 'ECONNREFUSED' }),
    );
  return {
    request: (req) => (reachable ? inner.request(req) : refused()),
    stream: (req) => (reachable ? inner.stream(req) : refused()),
  };
}

function startAgent(): Promise<NodeAgent> {
  runtime = new FakeRuntime({ clock, state, images });
  starting = startNodeAgent({
    client: new RestClient({ transport: nodeTransport() }),
    nodeName: 'node1',
    runtime,
    images,
    cgroups,
    volumes: new VolumeManager({ dataDir: dir, mounter: noMounts }),
    dataDir: dir,
    podLogsDir: join(dir, 'logs'),
    clock,
    machine: { read: () => Promise.resolve(testMachine) },
    recorder: new FakeRecorder(),
    resolvConf: join(dir, 'missing-resolv.conf'),
    kubeletVersion: 'v1.32.0+podbay-test',
    podManifestPath: manifests,
  }).then((a) => {
    agent = a;
    return a;
  });
  return starting;
}

beforeEach(async () => {
  clock = new FakeClock(Date.now());
  h = await startHarness({ clock });
  dir = await mkdtemp(join(tmpdir(), 'podbay-static-pods-'));
  manifests = join(dir, 'manifests');
  await mkdir(manifests);
  state = new FakeRuntimeState();
  images = new FakeImageService({ images: [fakeImageRecord('busybox:1.36')] });
  cgroups = new FakeCgroupManager();
  reachable = true;
  agent = undefined;
  starting = undefined;
});

afterEach(async () => {
  reachable = true;
  await starting?.catch(() => undefined);
  await agent?.stop();
  agent = undefined;
  await runtime.close();
  await h.stop();
  await rm(dir, { recursive: true, force: true });
});

const until = clockedUntil(() => clock);

function manifest(name: string, command: string[], extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {tier: node}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ${JSON.stringify(command)}
${extra}`;
}

/** Written whole (temp file, then rename), as editors and config tools do. */
async function writeManifest(file: string, text: string): Promise<void> {
  await writeFile(join(manifests, `.${file}.tmp`), text);
  await rename(join(manifests, `.${file}.tmp`), join(manifests, file));
}

const getPod = (name: string, namespace = 'default'): Promise<Pod | undefined> =>
  readPod(h, name, namespace);

function runningId(pod: Pod | undefined): string | undefined {
  const cs = pod?.status?.containerStatuses?.find((c) => c.name === 'app');
  return cs?.state?.running ? cs.containerID?.replace('fake://', '') : undefined;
}

/** The mirror once it shows the static pod Running. */
async function runningMirror(name = 'web-node1', notUid?: string): Promise<Pod> {
  return until(async () => {
    const p = await getPod(name);
    if (!p || p.metadata?.uid === notUid || p.metadata?.deletionTimestamp) return undefined;
    return p.status?.phase === 'Running' && runningId(p) ? p : undefined;
  }, `${name} Running in the API`);
}

async function containersOf(
  uid: string,
): Promise<{ id: string; state: string; args: readonly string[] }[]> {
  return (await runtime.listContainers())
    .filter((c) => c.podUid === uid)
    .map((c) => ({
      id: c.id,
      state: c.state,
      args: state.containers.get(c.id)?.config.args ?? [],
    }));
}

describe('static pods', () => {
  it('runs a manifest as a static pod with a mirror pod in the API', async () => {
    await writeManifest('web.yaml', manifest('web', ['sleep', '3600']));
    await startAgent();
    const mirror = await runningMirror();
    const hash = mirror.metadata?.annotations?.['kubernetes.io/config.hash'] ?? '';
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    // The mirror is a new API object (its own uid) standing for the static pod (uid = hash).
    expect(mirror.metadata?.uid).not.toBe(hash);
    expect(mirror.metadata?.annotations).toMatchObject({
      'kubernetes.io/config.source': 'file',
      'kubernetes.io/config.hash': hash,
      'kubernetes.io/config.mirror': hash,
      'kubernetes.io/config.seen': expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
    });
    expect(mirror.metadata?.labels).toEqual({ tier: 'node' });
    const node = (await h.request('GET', '/api/v1/nodes/node1')).body as Pod;
    expect(mirror.metadata?.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'node1', uid: node.metadata?.uid, controller: true },
    ]);
    expect(mirror.spec?.nodeName).toBe('node1');
    // Mirror pods are left as they are by ServiceAccount admission.
    expect(mirror.spec?.serviceAccountName).toBeUndefined();
    expect(mirror.spec?.tolerations).toContainEqual({ operator: 'Exists', effect: 'NoExecute' });
    // The real status: IP, conditions, the container the runtime runs for the static pod.
    expect(mirror.status?.podIP).toMatch(/^10\.88\./);
    expect(mirror.status?.hostIP).toBe('192.168.50.10');
    expect(mirror.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const containers = await containersOf(hash);
    expect(containers).toEqual([
      { id: runningId(mirror), state: 'running', args: ['sleep', '3600'] },
    ]);
    expect(cgroups.pod(hash)).toBeDefined();
    // The mirror itself is never run.
    expect(await containersOf(mirror.metadata?.uid ?? '')).toEqual([]);
  });

  it('recreates a deleted mirror pod while the static pod keeps running', async () => {
    await writeManifest('web.yaml', manifest('web', ['sleep', '3600']));
    await startAgent();
    const first = await runningMirror();
    const hash = first.metadata?.annotations?.['kubernetes.io/config.hash'] ?? '';
    const containerId = runningId(first);

    // kubectl delete: graceful, so the API only marks it; the kubelet deletes it and makes anew.
    const del = await h.request('DELETE', '/api/v1/namespaces/default/pods/web-node1');
    expect(del.status).toBe(200);
    const second = await runningMirror('web-node1', first.metadata?.uid);
    expect(second.metadata?.annotations?.['kubernetes.io/config.mirror']).toBe(hash);
    expect(runningId(second)).toBe(containerId);
    expect(second.status?.containerStatuses?.[0]?.restartCount).toBe(0);

    // A forced deletion likewise.
    const force = await h.request(
      'DELETE',
      '/api/v1/namespaces/default/pods/web-node1?gracePeriodSeconds=0',
    );
    expect(force.status).toBe(200);
    const third = await runningMirror('web-node1', second.metadata?.uid);
    expect(runningId(third)).toBe(containerId);
    expect(await containersOf(hash)).toEqual([
      { id: containerId, state: 'running', args: ['sleep', '3600'] },
    ]);
  });

  it('restarts the pod with the new spec when its manifest changes', async () => {
    await writeManifest('web.yaml', manifest('web', ['sleep', '3600']));
    await startAgent();
    const before = await runningMirror();
    const oldHash = before.metadata?.annotations?.['kubernetes.io/config.hash'] ?? '';
    const events: string[] = [];
    const unsubscribe = runtime.subscribe((e) => {
      events.push(`${e.type} ${e.podUid === oldHash ? 'old' : 'new'}`);
    });

    await writeManifest('web.yaml', manifest('web', ['sleep', '7200']));
    const after = await until(async () => {
      const p = await getPod('web-node1');
      const hash = p?.metadata?.annotations?.['kubernetes.io/config.mirror'];
      return hash && hash !== oldHash && p.status?.phase === 'Running' && runningId(p)
        ? p
        : undefined;
    }, 'the mirror of the new pod Running');
    const newHash = after.metadata?.annotations?.['kubernetes.io/config.hash'] ?? '';
    expect(after.metadata?.uid).not.toBe(before.metadata?.uid);
    expect(await containersOf(newHash)).toEqual([
      { id: runningId(after), state: 'running', args: ['sleep', '7200'] },
    ]);
    // The old pod is gone from the runtime and the node.
    await until(async () => (await containersOf(oldHash)).length === 0, 'old containers removed');
    expect((await runtime.listPodSandboxes()).map((s) => s.config.podUid)).toEqual([newHash]);
    expect(cgroups.pod(oldHash)).toBeUndefined();
    // Never both at once: the new pod started after the old one's container was gone.
    unsubscribe();
    const started = events.indexOf('started new');
    expect(started).toBeGreaterThan(events.indexOf('exited old'));
    expect(events.indexOf('exited old')).toBeGreaterThanOrEqual(0);
  });

  it('stops the pod and deletes its mirror when the manifest is removed', async () => {
    await writeManifest('web.yaml', manifest('web', ['sleep', '3600']));
    await writeManifest('db.yaml', manifest('db', ['sleep', '3600']));
    await startAgent();
    const web = await runningMirror();
    await runningMirror('db-node1');
    const hash = web.metadata?.annotations?.['kubernetes.io/config.hash'] ?? '';

    await rm(join(manifests, 'web.yaml'));
    await until(async () => (await getPod('web-node1')) === undefined, 'the mirror deleted');
    await until(
      async () =>
        (await containersOf(hash)).length === 0 &&
        !(await runtime.listPodSandboxes()).some((s) => s.config.podUid === hash),
      'the static pod removed from the runtime',
    );
    expect(cgroups.pod(hash)).toBeUndefined();
    await until(
      async () => !(await readdir(join(dir, 'pods')).catch(() => [] as string[])).includes(hash),
      'the pod directory removed',
    );
    // The other static pod is untouched.
    expect((await getPod('db-node1'))?.status?.phase).toBe('Running');
  });

  it('runs static pods while the API is unreachable and mirrors them once it answers', async () => {
    await writeManifest('web.yaml', manifest('web', ['sleep', '3600']));
    reachable = false;
    void startAgent();
    const uid = await until(async () => {
      const c = (await runtime.listContainers()).find((x) => x.state === 'running');
      return c?.podUid;
    }, 'the static pod running without the API');
    expect((await h.request('GET', '/api/v1/nodes/node1')).status).toBe(404);
    expect(await getPod('web-node1')).toBeUndefined();

    reachable = true;
    const mirror = await runningMirror();
    expect(mirror.metadata?.annotations?.['kubernetes.io/config.mirror']).toBe(uid);
    expect(mirror.status?.startTime).toBeTruthy();
    // Still the container started while the API was away.
    expect((await containersOf(uid)).map((c) => c.id)).toEqual([runningId(mirror)]);
  });

  it('adopts the static pod and keeps its mirror across an agent restart', async () => {
    await writeManifest('web.yaml', manifest('web', ['sleep', '3600']));
    await startAgent();
    const before = await runningMirror();
    await agent?.stop();
    agent = undefined;
    await runtime.close();
    const restarted = await startAgent();
    await restarted.whenIdle();
    await clock.step(1000);
    const after = await runningMirror();
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(runningId(after)).toBe(runningId(before));
    expect(after.status?.startTime).toBe(before.status?.startTime);
  });

  it('removes what a manifest deleted while the agent was down had, mirror included', async () => {
    await writeManifest('web.yaml', manifest('web', ['sleep', '3600']));
    await startAgent();
    const mirror = await runningMirror();
    const hash = mirror.metadata?.annotations?.['kubernetes.io/config.hash'] ?? '';
    await agent?.stop();
    agent = undefined;
    await runtime.close();
    await rm(join(manifests, 'web.yaml'));
    await startAgent();
    await until(
      async () => (await getPod('web-node1')) === undefined,
      'the orphaned mirror deleted',
    );
    await until(async () => (await containersOf(hash)).length === 0, 'the orphaned containers');
  });

  it('ignores bad manifests and runs the good ones', async () => {
    await writeManifest('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec: {}\n');
    await writeManifest('notes.txt', 'not a pod at all: [');
    await writeManifest('web.yaml', manifest('web', ['sleep', '3600']));
    await startAgent();
    await runningMirror();
    const pods = (await h.request('GET', '/api/v1/pods')).body as { items: Pod[] };
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(['web-node1']);
    // A bad file added later is ignored too, and breaks nothing.
    await writeManifest('worse.json', '{"apiVersion": "v1", "kind": "Pod"');
    await clock.step(20_000);
    await agent?.whenIdle();
    expect((await runtime.listContainers()).filter((c) => c.state === 'running')).toHaveLength(1);
  });

  it('runs a static pod whose mirror the API refuses (it references a secret)', async () => {
    await writeManifest(
      'web.yaml',
      manifest(
        'web',
        ['sleep', '3600'],
        `    env:
    - name: TOKEN
      valueFrom: {secretKeyRef: {name: creds, key: token, optional: true}}
`,
      ),
    );
    await writeManifest('db.yaml', manifest('db', ['sleep', '3600']));
    await startAgent();
    // The other static pod's mirror is there: mirrors were made, this one was refused.
    await runningMirror('db-node1');
    await until(
      async () =>
        (await runtime.listContainers()).filter((c) => c.state === 'running').length === 2,
      'both static pods running',
    );
    expect(await getPod('web-node1')).toBeUndefined();
  });

  it('deletes a mirror pod that stands for no static pod, and never runs it', async () => {
    await startAgent();
    const r = await h.request('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ghost-node1', annotations: { 'kubernetes.io/config.mirror': 'abc' } },
      spec: { nodeName: 'node1', containers: [{ name: 'app', image: 'busybox:1.36' }] },
    });
    expect(r.status, r.text).toBe(201);
    await until(async () => (await getPod('ghost-node1')) !== undefined, 'the informer to see it');
    await agent?.housekeeping();
    await until(async () => (await getPod('ghost-node1')) === undefined, 'the orphan deleted');
    expect(await runtime.listContainers()).toEqual([]);
  });
});

describe('mirror pods in the API server', () => {
  const mirrorPod = (spec: Record<string, unknown>, annotations = true): unknown => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'm-node1',
      ...(annotations ? { annotations: { 'kubernetes.io/config.mirror': 'h1' } } : {}),
    },
    spec: {
      nodeName: 'node1',
      containers: [{ name: 'app', image: 'busybox:1.36' }],
      ...spec,
    },
  });
  const create = (body: unknown) => h.request('POST', '/api/v1/namespaces/default/pods', body);

  it('accepts a mirror pod and leaves its spec alone (no service account)', async () => {
    const r = await create(mirrorPod({}));
    expect(r.status, r.text).toBe(201);
    const pod = r.body as Pod;
    expect(pod.spec?.serviceAccountName).toBeUndefined();
    expect(pod.spec?.serviceAccount).toBeUndefined();
    // An ordinary pod gets the default service account.
    const plain = await create({ ...(mirrorPod({}, false) as object), metadata: { name: 'p' } });
    expect((plain.body as Pod).spec?.serviceAccountName).toBe('default');
  });

  it.each([
    [
      'a service account',
      { serviceAccountName: 'builder' },
      'a mirror pod may not reference service accounts',
    ],
    [
      'a secret volume',
      { volumes: [{ name: 's', secret: { secretName: 'creds' } }] },
      'a mirror pod may not reference secrets',
    ],
    [
      'a secret in env',
      {
        containers: [
          {
            name: 'app',
            image: 'busybox:1.36',
            env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'creds', key: 't' } } }],
          },
        ],
      },
      'a mirror pod may not reference secrets',
    ],
    [
      'an image pull secret',
      { imagePullSecrets: [{ name: 'registry' }] },
      'a mirror pod may not reference secrets',
    ],
    [
      'a projected secret',
      { volumes: [{ name: 'p', projected: { sources: [{ secret: { name: 'creds' } }] } }] },
      'a mirror pod may not reference secrets',
    ],
    [
      'a service account token',
      {
        volumes: [
          {
            name: 'p',
            projected: { sources: [{ serviceAccountToken: { path: 'token' } }] },
          },
        ],
      },
      'a mirror pod may not use ServiceAccountToken volume projections',
    ],
  ])('refuses a mirror pod that references %s', async (_what, spec, message) => {
    const r = await create(mirrorPod(spec));
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({
      reason: 'Forbidden',
      message: `pods "m-node1" is forbidden: ${message}`,
    });
  });

  it('refuses a mirror pod without a node, and changes to the mirror annotation', async () => {
    const r = await create({
      ...(mirrorPod({}) as object),
      spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
    });
    expect(r.status).toBe(422);
    expect(r.text).toContain(
      'metadata.annotations[kubernetes.io/config.mirror]: Invalid value: \\"h1\\": must set spec.nodeName if mirror pod annotation is set',
    );
    expect((await create(mirrorPod({}))).status).toBe(201);
    const patch = await h.request(
      'PATCH',
      '/api/v1/namespaces/default/pods/m-node1',
      { metadata: { annotations: { 'kubernetes.io/config.mirror': null } } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(patch.status).toBe(422);
    expect(patch.text).toContain('may not remove or update mirror pod annotation');
  });
});
