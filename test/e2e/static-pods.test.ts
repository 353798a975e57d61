/**
 * Static pods for real: `podbay server --pod-manifest-path DIR` runs the manifests in DIR with
 * runc, conmon and CNI, and the real kubectl sees their mirror pods. Write a manifest: the pod
 * runs and its mirror shows it Running; delete the mirror: it comes back, same container; edit
 * the manifest: the pod restarts with the new spec; remove it: the pod is gone and nothing of it
 * is left. Root only.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBusybox } from './support/images.ts';
import { startPodbay, type Podbay } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

const node = 'static-e2e';
const mirrorName = `web-${node}`;

let pb: Podbay | undefined;
let manifests = '';
let image = '';
/** Every static pod UID (hash) and container id seen, to check that nothing of them is left. */
const seenUids = new Set<string>();
const seenContainers = new Set<string>();

function server(): Podbay {
  if (!pb) throw new Error('podbay is not running');
  return pb;
}

async function kubectl(args: string[]): Promise<string> {
  const r = await server().kubectl(args);
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function jsonpath(path: string, name = mirrorName): Promise<string> {
  const r = await server().kubectl(['get', 'pod', name, '-o', `jsonpath={${path}}`]);
  return r.code === 0 ? r.stdout : '';
}

/** Polls until `fn` returns a value (real time; bounded). */
async function until<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n${pb?.logs().slice(-4000) ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function manifest(command: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  # sleep as PID 1 ignores SIGTERM: do not wait the default 30 s for it on every restart.
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", ${JSON.stringify(command)}]
`;
}

/** Written whole, as config tools do (a temp dotfile, which the agent ignores, then rename). */
async function writeManifest(text: string): Promise<void> {
  await writeFile(join(manifests, '.web.yaml.tmp'), text);
  await rename(join(manifests, '.web.yaml.tmp'), join(manifests, 'web.yaml'));
}

interface MirrorState {
  uid: string;
  hash: string;
  containerId: string;
}

/** The mirror once it shows a running container (optionally: another mirror or another hash). */
async function runningMirror(not: { uid?: string; hash?: string } = {}): Promise<MirrorState> {
  return until(async () => {
    const r = await server().kubectl(['get', 'pod', mirrorName, '-o', 'json']);
    if (r.code !== 0) return undefined;
    const pod = JSON.parse(r.stdout) as {
      metadata: { uid: string; annotations?: Record<string, string>; deletionTimestamp?: string };
      status?: {
        phase?: string;
        containerStatuses?: { containerID?: string; state?: { running?: object } }[];
      };
    };
    const hash = pod.metadata.annotations?.['kubernetes.io/config.mirror'] ?? '';
    const cs = pod.status?.containerStatuses?.[0];
    if (
      pod.metadata.deletionTimestamp ||
      pod.metadata.uid === not.uid ||
      hash === not.hash ||
      pod.status?.phase !== 'Running' ||
      !cs?.state?.running ||
      !cs.containerID
    )
      return undefined;
    const state = { uid: pod.metadata.uid, hash, containerId: cs.containerID };
    seenUids.add(hash);
    seenContainers.add(state.containerId.replace('runc://', ''));
    return state;
  }, `${mirrorName} Running`);
}

/** What the node still has of the static pods seen: runtime records, logs, pod dirs, cgroups. */
async function leftovers(): Promise<string[]> {
  const out: string[] = [];
  const dataDir = server().dataDir;
  const containers = await readdir(join(dataDir, 'runtime', 'containers')).catch(() => []);
  for (const id of containers) if (seenContainers.has(id)) out.push(`container ${id}`);
  const logDirs = await readdir('/var/log/pods').catch(() => [] as string[]);
  for (const uid of seenUids) {
    for (const d of logDirs) if (d.endsWith(uid)) out.push(`log dir ${d}`);
    if (existsSync(join(dataDir, 'pods', uid))) out.push(`pod dir ${uid}`);
    for (const root of ['/sys/fs/cgroup/memory/podbay', '/sys/fs/cgroup/podbay']) {
      for (const tier of ['', 'burstable', 'besteffort']) {
        if (existsSync(join(root, tier, `pod${uid}`))) out.push(`cgroup ${tier}/pod${uid}`);
      }
    }
  }
  return out;
}

async function noLeftovers(timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = await leftovers();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    left = await leftovers();
  }
  return left;
}

describe.skipIf(missing({ root: isRoot }))('static pods (root)', () => {
  beforeAll(async () => {
    manifests = await mkdtemp(join(tmpdir(), 'podbay-manifests-'));
    pb = await startPodbay({
      agent: true,
      extraArgs: ['--kubelet-port', '0', '--node-name', node, '--pod-manifest-path', manifests],
      timeoutMs: 60_000,
    });
    image = (await importBusybox(pb.dataDir)).name;
  });

  afterAll(async () => {
    if (pb) {
      // Static pods stop when their manifests go; the server alone would leave them running.
      await rm(join(manifests, 'web.yaml'), { force: true });
      const left = await noLeftovers();
      await pb.stop();
      await pb.cleanup();
      pb = undefined;
      if (manifests) await rm(manifests, { recursive: true, force: true });
      expect(left).toEqual([]);
    } else if (manifests) {
      await rm(manifests, { recursive: true, force: true });
    }
  });

  it('runs a manifest and shows its mirror pod Running in kubectl', async () => {
    await writeManifest(manifest('echo v1 from $(hostname); exec sleep 3600'));
    const mirror = await runningMirror();
    expect(mirror.containerId).toMatch(/^runc:\/\/[0-9a-f]{64}$/);
    const [header, row] = (await kubectl(['get', 'pods', '-o', 'wide'])).trim().split('\n');
    expect(header).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s/);
    const cols = row?.split(/\s+/) ?? [];
    expect(cols.slice(0, 4)).toEqual([mirrorName, '1/1', 'Running', '0']);
    expect(cols[5]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(cols[6]).toBe(node);
    expect(await jsonpath('.metadata.annotations.kubernetes\\.io/config\\.source')).toBe('file');
    expect(await jsonpath('.metadata.annotations.kubernetes\\.io/config\\.hash')).toBe(mirror.hash);
    expect(await jsonpath('.metadata.ownerReferences[0].kind')).toBe('Node');
    expect(await jsonpath('.metadata.ownerReferences[0].name')).toBe(node);
    const logs = await until(async () => {
      const r = await server().kubectl(['logs', mirrorName]);
      return r.code === 0 && r.stdout.includes('v1') ? r.stdout : undefined;
    }, 'the logs of the static pod');
    expect(logs).toBe(`v1 from ${mirrorName}\n`);
  });

  it('brings a deleted mirror pod back, with the same container', async () => {
    const before = await runningMirror();
    // Not --wait: the agent deletes the marked mirror and creates the next one under the same
    // name at once (as upstream's syncPod does), and kubectl's wait (1.32) can list the new one
    // before it watches, then waits for a deletion it already missed. The next mirror is awaited.
    await kubectl(['delete', 'pod', mirrorName, '--wait=false']);
    const after = await runningMirror({ uid: before.uid });
    expect(after.hash).toBe(before.hash);
    expect(after.containerId).toBe(before.containerId);
    expect(await jsonpath('.status.containerStatuses[0].restartCount')).toBe('0');
  });

  it('restarts the pod with the new spec when the manifest changes', async () => {
    const before = await runningMirror();
    await writeManifest(manifest('echo v2; exec sleep 3600'));
    const after = await runningMirror({ hash: before.hash });
    expect(after.containerId).not.toBe(before.containerId);
    expect(after.uid).not.toBe(before.uid);
    const logs = await until(async () => {
      const r = await server().kubectl(['logs', mirrorName]);
      return r.code === 0 && r.stdout.includes('v2') ? r.stdout : undefined;
    }, 'the new logs');
    expect(logs).toBe('v2\n');
    // The old pod's container, logs and cgroup are gone.
    const oldId = before.containerId.replace('runc://', '');
    await until(
      async () => {
        const containers = await readdir(join(server().dataDir, 'runtime', 'containers'));
        const logDirs = await readdir('/var/log/pods');
        return !containers.includes(oldId) && !logDirs.some((d) => d.endsWith(before.hash))
          ? true
          : undefined;
      },
      'the old pod removed',
      30_000,
    );
  });

  it('stops the pod and leaves nothing when the manifest is removed', async () => {
    await runningMirror();
    await rm(join(manifests, 'web.yaml'));
    await until(async () => {
      const r = await server().kubectl(['get', 'pod', mirrorName]);
      return r.code !== 0 && r.stderr.includes('NotFound') ? true : undefined;
    }, 'the mirror gone');
    expect(await noLeftovers()).toEqual([]);
    expect((await kubectl(['get', 'pods', '-o', 'name'])).trim()).toBe('');
  });
});
