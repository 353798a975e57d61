/**
 * ConfigMaps and Secrets reaching real pods: `podbay server` with its node agent (runc, conmon,
 * CNI) driven by the real kubectl, busybox imported with `podbay image import`. The containers
 * print what they see (env, files, mounts) to their logs, which the tests read with kubectl logs.
 * Root only.
 */
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBusybox } from './support/images.ts';
import { kubectlHelpers } from './support/kubectl-helpers.ts';
import { startPodbay, type Podbay } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

let pb: Podbay;
let dir: string;
let image: string;

const { ok, apply, until } = kubectlHelpers(() => ({ pb, dir }));

/** Polls until `fn` returns a value (real time; bounded). */

async function logs(name: string): Promise<string> {
  const r = await pb.kubectl(['logs', name]);
  return r.code === 0 ? r.stdout : '';
}

/** Waits until the logs contain `marker` and returns them. */
function logsWith(name: string, marker: string, timeoutMs = 60_000): Promise<string> {
  return until(
    async () => {
      const l = await logs(name);
      return l.includes(marker) ? l : undefined;
    },
    `"${marker}" in the logs of ${name}`,
    timeoutMs,
  );
}

/** The pod's STATUS column as `kubectl get pods` prints it. */
async function statusColumn(name: string): Promise<string> {
  const r = await pb.kubectl(['get', 'pod', name, '--no-headers']);
  return r.stdout.trim().split(/\s+/)[2] ?? '';
}

function pod(name: string, spec: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  terminationGracePeriodSeconds: 1
${spec}`;
}

describe.skipIf(missing({ root: isRoot }))('ConfigMaps and Secrets in real pods (root)', () => {
  beforeAll(async () => {
    pb = await startPodbay({ agent: true, extraArgs: ['--kubelet-port', '0'], timeoutMs: 60_000 });
    dir = await mkdtemp(join(tmpdir(), 'config-e2e-'));
    image = (await importBusybox(pb.dataDir)).name;
  });

  afterAll(async () => {
    if (pb as Podbay | undefined) {
      await pb.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--wait=true'], {
        timeoutMs: 90_000,
      });
      // Volumes (tmpfs mounts, subPath binds) and container roots go with the pods, right after
      // their API objects: wait for that before stopping the server (which would leave them).
      // The runtime's tmpfs for its volatile state stays while the node runs.
      const volatileState = join(pb.dataDir, 'runtime', 'run');
      const mounted = async (): Promise<string[]> =>
        (await readFile('/proc/self/mountinfo', 'utf8'))
          .split('\n')
          .map((l) => l.split(' ')[4] ?? '')
          .filter((m) => m.startsWith(pb.dataDir + '/'));
      const podMounts = async () => (await mounted()).filter((m) => m !== volatileState);
      const deadline = Date.now() + 30_000;
      while ((await podMounts()).length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const left = await podMounts();
      await pb.stop();
      // A node stopped with no pod left leaves no mount at all.
      const afterStop = await mounted();
      await pb.cleanup();
      expect({ left, afterStop }).toEqual({ left: [], afterStop: [] });
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sets env from ConfigMap and Secret keys, and envFrom with a prefix', async () => {
    await ok([
      'create',
      'configmap',
      'env-cfg',
      '--from-literal=LEVEL=debug',
      '--from-literal=URL=http://db',
    ]);
    await ok(['create', 'secret', 'generic', 'env-secret', '--from-literal=PASSWORD=hunter2']);
    await apply(
      pod(
        'envs',
        `  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "env | sort; echo END; exec sleep 3600"]
    envFrom:
    - prefix: CFG_
      configMapRef: {name: env-cfg}
    - secretRef: {name: env-secret}
    env:
    - {name: CFG_LEVEL, value: overridden}
    - {name: DB_URL, valueFrom: {configMapKeyRef: {name: env-cfg, key: URL}}}
    - {name: PW, valueFrom: {secretKeyRef: {name: env-secret, key: PASSWORD}}}
    - {name: OPT, valueFrom: {secretKeyRef: {name: nowhere, key: x, optional: true}}}
`,
      ),
    );
    const env = (await logsWith('envs', 'END')).split('\n');
    expect(env).toEqual(
      expect.arrayContaining([
        'CFG_LEVEL=overridden',
        'CFG_URL=http://db',
        'PASSWORD=hunter2',
        'DB_URL=http://db',
        'PW=hunter2',
      ]),
    );
    expect(env.some((l) => l.startsWith('OPT='))).toBe(false);
  });

  it('mounts a configMap volume with items and defaultMode, read-only, and a secret volume on tmpfs', async () => {
    await ok([
      'create',
      'configmap',
      'files',
      '--from-literal=app.conf=port=80',
      '--from-literal=index.html=v1',
    ]);
    await ok(['create', 'secret', 'generic', 'files-secret', '--from-literal=tls.key=KEY']);
    await apply(
      pod(
        'files',
        `  containers:
  - name: app
    image: ${image}
    command:
    - sh
    - -c
    - |
      echo "conf=$(cat /etc/cfg/conf/app.conf)"
      echo "mode=$(stat -L -c %a /etc/cfg/conf/app.conf)"
      echo "index-mode=$(stat -L -c %a /etc/cfg/index.html)"
      echo "link=$(readlink /etc/cfg/conf)"
      echo "data=$(readlink /etc/cfg/..data | cut -c1-3)"
      echo "key=$(cat /etc/secret/tls.key)"
      echo "secretfs=$(awk '$2 == "/etc/secret" {print $3}' /proc/mounts)"
      touch /etc/cfg/new 2>/dev/null && echo "writable=yes" || echo "writable=no"
      echo END
      exec sleep 3600
    volumeMounts:
    - {name: cfg, mountPath: /etc/cfg}
    - {name: sec, mountPath: /etc/secret}
  volumes:
  - name: cfg
    configMap:
      name: files
      defaultMode: 0440
      items:
      - {key: app.conf, path: conf/app.conf}
      - {key: index.html, path: index.html, mode: 0400}
  - name: sec
    secret: {secretName: files-secret}
`,
      ),
    );
    const out = await logsWith('files', 'END');
    expect(out).toContain('conf=port=80\n');
    expect(out).toContain('mode=440\n');
    expect(out).toContain('index-mode=400\n');
    expect(out).toContain('link=..data/conf\n');
    expect(out).toContain('data=..2\n');
    expect(out).toContain('key=KEY\n');
    expect(out).toContain('secretfs=tmpfs\n');
    expect(out).toContain('writable=no\n');
  });

  it('brings a ConfigMap edit into the running pod within seconds, not into a subPath mount', async () => {
    await ok(['create', 'configmap', 'live', '--from-literal=greeting=hello']);
    await apply(
      pod(
        'live',
        `  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "while true; do echo \\"now=$(cat /etc/live/greeting) pinned=$(cat /etc/pinned)\\"; sleep 1; done"]
    volumeMounts:
    - {name: cfg, mountPath: /etc/live}
    - {name: cfg, mountPath: /etc/pinned, subPath: greeting}
  volumes:
  - name: cfg
    configMap: {name: live}
`,
      ),
    );
    await logsWith('live', 'now=hello pinned=hello');
    const restarts = await ok([
      'get',
      'pod',
      'live',
      '-o',
      'jsonpath={.status.containerStatuses[0].restartCount}',
    ]);
    const edited = Date.now();
    await ok([
      'patch',
      'configmap',
      'live',
      '--type=merge',
      '-p',
      '{"data":{"greeting":"bonjour"}}',
    ]);
    await logsWith('live', 'now=bonjour pinned=hello', 15_000);
    // Watch → resync → atomic switch, plus the loop's 1 s sleep.
    expect(Date.now() - edited).toBeLessThan(10_000);
    expect(
      await ok([
        'get',
        'pod',
        'live',
        '-o',
        'jsonpath={.status.containerStatuses[0].restartCount}',
      ]),
    ).toBe(restarts);
  });

  it('waits in CreateContainerConfigError for a missing ConfigMap and runs once it exists', async () => {
    await apply(
      pod(
        'late',
        `  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "echo value=$V; exec sleep 3600"]
    env:
    - {name: V, valueFrom: {configMapKeyRef: {name: late-cfg, key: v}}}
`,
      ),
    );
    await until(
      async () =>
        (await statusColumn('late')) === 'CreateContainerConfigError' ? true : undefined,
      'CreateContainerConfigError',
    );
    expect(
      await ok([
        'get',
        'pod',
        'late',
        '-o',
        'jsonpath={.status.containerStatuses[0].state.waiting.message}',
      ]),
    ).toBe('configmap "late-cfg" not found');
    const created = Date.now();
    await ok(['create', 'configmap', 'late-cfg', '--from-literal=v=finally']);
    await until(
      async () => ((await statusColumn('late')) === 'Running' ? true : undefined),
      'late Running',
      30_000,
    );
    // Through the watch, well before the 10 s retry of a config error.
    expect(Date.now() - created).toBeLessThan(8000);
    expect(await logsWith('late', 'value=')).toBe('value=finally\n');
  });

  it('stays ContainerCreating with FailedMount for a missing configMap volume, then runs', async () => {
    await apply(
      pod(
        'novol',
        `  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "cat /etc/cfg/k; echo; exec sleep 3600"]
    volumeMounts:
    - {name: v, mountPath: /etc/cfg}
  volumes:
  - name: v
    configMap: {name: vol-later}
`,
      ),
    );
    const events = await until(async () => {
      const r = await ok([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=novol,reason=FailedMount',
        '-o',
        'jsonpath={.items[*].message}',
      ]);
      return r !== '' ? r : undefined;
    }, 'the FailedMount event');
    expect(events).toContain(
      'MountVolume.SetUp failed for volume "v" : configmap "vol-later" not found',
    );
    expect(await statusColumn('novol')).toBe('ContainerCreating');
    await ok(['create', 'configmap', 'vol-later', '--from-literal=k=mounted']);
    expect(await logsWith('novol', 'mounted', 30_000)).toBe('mounted\n');
  });
});
