/**
 * Pods for real: `podbay server` with its node agent (runc, conmon, CNI, cgroups) driven by the
 * real kubectl, with busybox imported by `podbay image import`. Root only.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBusybox } from './support/images.ts';
import { kubectlHelpers } from './support/kubectl-helpers.ts';
import { startPodbay, type Podbay } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

let pb: Podbay;
let dir: string;
let image: string;

const { ok, apply, jsonpath, until } = kubectlHelpers(() => ({ pb, dir }));

function pod(name: string, spec: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${spec}`;
}

/** The pod's STATUS column as `kubectl get pods` prints it. */
async function statusColumn(name: string): Promise<string> {
  const r = await pb.kubectl(['get', 'pod', name, '--no-headers']);
  return r.stdout.trim().split(/\s+/)[2] ?? '';
}

/** The server before the restart test, whose data dir the restarted one reuses. */
let firstServer: Podbay | undefined;

describe.skipIf(missing({ root: isRoot }))('pods on the node agent (root)', () => {
  beforeAll(async () => {
    pb = await startPodbay({ agent: true, extraArgs: ['--kubelet-port', '0'], timeoutMs: 60_000 });
    dir = await mkdtemp(join(tmpdir(), 'pods-e2e-'));
    image = (await importBusybox(pb.dataDir)).name;
  });

  afterAll(async () => {
    if (pb as Podbay | undefined) {
      const uids = (
        await pb.kubectl(['get', 'pods', '-o', 'jsonpath={.items[*].metadata.uid}'])
      ).stdout
        .split(' ')
        .filter(Boolean);
      await pb.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--wait=true'], {
        timeoutMs: 90_000,
      });
      // The agent removes what a deleted pod had (runtime records, logs) right after.
      const leftovers = async (): Promise<string[]> =>
        (await readdir('/var/log/pods').catch(() => [] as string[])).filter((d) =>
          uids.some((u) => d.endsWith(u)),
        );
      const deadline = Date.now() + 20_000;
      while ((await leftovers()).length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      await pb.stop();
      await pb.cleanup();
      // The server restarted on the first one's data dir: the first one owns (and removes) it.
      await firstServer?.cleanup();
      expect(await leftovers()).toEqual([]);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs a pod with an IP, shown by kubectl get -o wide', async () => {
    await apply(
      pod(
        'web',
        `  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "echo hello from $(POD_NAME) on $(NODE); exec sleep 3600"]
    env:
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
`,
      ),
    );
    await until(
      async () => ((await jsonpath('web', '.status.phase')) === 'Running' ? true : undefined),
      'web Running',
    );
    const ip = await jsonpath('web', '.status.podIP');
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const node = await jsonpath('web', '.spec.nodeName');
    const wide = await ok(['get', 'pods', 'web', '-o', 'wide']);
    const [header, row] = wide.trim().split('\n');
    expect(header).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    expect(row?.split(/\s+/).slice(0, 4)).toEqual(['web', '1/1', 'Running', '0']);
    expect(row).toContain(ip);
    expect(row).toContain(node);
    expect(await jsonpath('web', '.status.containerStatuses[0].containerID')).toMatch(
      /^runc:\/\/[0-9a-f]{64}$/,
    );
    const logs = await until(async () => {
      const r = await pb.kubectl(['logs', 'web']);
      return r.code === 0 && r.stdout.includes('hello') ? r.stdout : undefined;
    }, 'web logs');
    expect(logs).toBe(`hello from web on ${node}\n`);
    // The kubelet-managed hosts file names the pod at its IP (written once the network had the
    // IP, after the container was created: the container must see the rewrite).
    const hosts = await ok(['exec', 'web', '--', 'cat', '/etc/hosts']);
    expect(hosts).toMatch(/^# Kubernetes-managed hosts file\.$/m);
    expect(hosts).toContain(`${ip}\tweb\n`);
    const nodeReady = await ok([
      'get',
      'node',
      node,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    expect(nodeReady).toBe('True');
  });

  it('reports exit codes: Completed, Error, and CrashLoopBackOff', async () => {
    await apply(
      pod(
        'done',
        `  restartPolicy: Never\n  containers:\n  - {name: app, image: ${image}, command: ["true"]}\n`,
      ),
    );
    await apply(
      pod(
        'fails',
        `  restartPolicy: Never\n  containers:\n  - {name: app, image: ${image}, command: ["sh", "-c", "exit 3"]}\n`,
      ),
    );
    await apply(
      pod(
        'crash',
        `  containers:\n  - {name: app, image: ${image}, command: ["sh", "-c", "exit 1"]}\n`,
      ),
    );
    await until(
      async () => ((await jsonpath('done', '.status.phase')) === 'Succeeded' ? true : undefined),
      'done Succeeded',
    );
    expect(await statusColumn('done')).toBe('Completed');
    expect(await jsonpath('done', '.status.containerStatuses[0].state.terminated.exitCode')).toBe(
      '0',
    );
    await until(
      async () => ((await jsonpath('fails', '.status.phase')) === 'Failed' ? true : undefined),
      'fails Failed',
    );
    expect(await statusColumn('fails')).toBe('Error');
    expect(await jsonpath('fails', '.status.containerStatuses[0].state.terminated.exitCode')).toBe(
      '3',
    );
    await until(
      async () => ((await statusColumn('crash')) === 'CrashLoopBackOff' ? true : undefined),
      'CrashLoopBackOff',
    );
    expect(
      Number(await jsonpath('crash', '.status.containerStatuses[0].restartCount')),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await jsonpath('crash', '.status.containerStatuses[0].lastState.terminated.exitCode'),
    ).toBe('1');
    // Events are written in batches, a moment after what they report.
    const events = await until(async () => {
      const r = await ok([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=crash',
        '-o',
        'jsonpath={.items[*].reason}',
      ]);
      return r.split(' ').includes('BackOff') ? r : undefined;
    }, 'the BackOff event');
    expect(events.split(' ')).toEqual(
      expect.arrayContaining(['Pulled', 'Created', 'Started', 'BackOff']),
    );
    await ok(['delete', 'pod', 'done', 'fails', 'crash', '--grace-period=1']);
  });

  it('runs init containers in order before the app container', async () => {
    await apply(
      pod(
        'init',
        `  initContainers:
  - {name: first, image: ${image}, command: ["sh", "-c", "echo first >> /work/order"], volumeMounts: [{name: work, mountPath: /work}]}
  - {name: second, image: ${image}, command: ["sh", "-c", "echo second >> /work/order"], volumeMounts: [{name: work, mountPath: /work}]}
  containers:
  - {name: app, image: ${image}, command: ["sh", "-c", "cat /work/order; exec sleep 3600"], volumeMounts: [{name: work, mountPath: /work}]}
  volumes:
  - {name: work, emptyDir: {}}
`,
      ),
    );
    await until(
      async () => ((await jsonpath('init', '.status.phase')) === 'Running' ? true : undefined),
      'init Running',
    );
    expect(await jsonpath('init', '.status.initContainerStatuses[*].state.terminated.reason')).toBe(
      'Completed Completed',
    );
    const logs = await until(async () => {
      const r = await pb.kubectl(['logs', 'init', '-c', 'app']);
      return r.code === 0 && r.stdout.includes('second') ? r.stdout : undefined;
    }, 'init logs');
    expect(logs).toBe('first\nsecond\n');
    expect(await statusColumn('init')).toBe('Running');
  });

  it('keeps containers running across a server restart', async () => {
    const before = await jsonpath('web', '.status.containerStatuses[0].containerID');
    const ip = await jsonpath('web', '.status.podIP');
    expect(before).not.toBe('');
    expect(await pb.stop()).toBe(0);
    firstServer = pb;
    pb = await startPodbay({
      agent: true,
      dataDir: pb.dataDir,
      extraArgs: ['--kubelet-port', '0'],
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await jsonpath('web', '.status.containerStatuses[0].containerID')).toBe(before);
    expect(await jsonpath('web', '.status.containerStatuses[0].restartCount')).toBe('0');
    expect(await jsonpath('web', '.status.podIP')).toBe(ip);
    expect(await jsonpath('web', '.status.phase')).toBe('Running');
    const r = await pb.kubectl(['logs', 'web']);
    expect(r.stdout).toContain('hello from web');
  });

  it('deletion leaves nothing behind', async () => {
    const uid = await jsonpath('web', '.metadata.uid');
    const id = (await jsonpath('web', '.status.containerStatuses[0].containerID')).replace(
      'runc://',
      '',
    );
    await ok(['delete', 'pod', 'web', '--grace-period=2']);
    const left = await pb.kubectl(['get', 'pod', 'web']);
    expect(left.code).not.toBe(0);
    // The API object goes before the agent has removed the pod's logs and directories (as on a
    // real node): wait for all of it, then say what is left, if anything.
    const cgroupDirs = ['/sys/fs/cgroup/memory/podbay', '/sys/fs/cgroup/podbay'].flatMap((root) =>
      ['', 'burstable', 'besteffort'].map((tier) => join(root, tier, `pod${uid}`)),
    );
    const leftovers = async () => {
      const sandboxes = await readdir(join(pb.dataDir, 'runtime', 'sandboxes')).catch(() => []);
      const containers = await readdir(join(pb.dataDir, 'runtime', 'containers')).catch(
        () => [] as string[],
      );
      const logDirs = await readdir('/var/log/pods').catch(() => [] as string[]);
      return {
        container: containers.includes(id),
        sandboxes: sandboxes.length > 1,
        logs: logDirs.filter((d) => d.endsWith(uid)),
        podDir: existsSync(join(pb.dataDir, 'pods', uid)),
        cgroups: cgroupDirs.filter((d) => existsSync(d)),
      };
    };
    const nothing = { container: false, sandboxes: false, logs: [], podDir: false, cgroups: [] };
    await until(
      async () =>
        JSON.stringify(await leftovers()) === JSON.stringify(nothing) ? true : undefined,
      'the pod to be gone from the node',
      20_000,
    ).catch(() => undefined);
    expect(await leftovers()).toEqual(nothing);
  });

  it('runs more pods at once than the node runs host steps at once, then removes them all', async () => {
    // More than 4 host steps per CPU: pods wait their turn for runc, CNI and mount, with their
    // networks set up while their containers are created.
    const count = 4 * availableParallelism() + 4;
    const names = Array.from({ length: count }, (_, i) => `many-${i}`);
    const sandboxesDir = join(pb.dataDir, 'runtime', 'sandboxes');
    const before = new Set(await readdir(sandboxesDir));
    await apply(
      names
        .map((n) =>
          pod(
            n,
            `  containers:
  - {name: a, image: ${image}, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]}
  - {name: b, image: ${image}, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]}
`,
          ),
        )
        .join('---\n'),
    );
    const ips = await until(
      async () => {
        const r = await pb.kubectl([
          'get',
          'pods',
          '-o',
          'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.podIP}{"\\n"}{end}',
        ]);
        const rows = r.stdout
          .trim()
          .split('\n')
          .map((l) => l.split(' '))
          .filter(([name]) => name?.startsWith('many-'));
        return rows.length === count && rows.every(([, phase]) => phase === 'Running')
          ? rows.map(([, , ip]) => ip ?? '')
          : undefined;
      },
      `${count} pods Running`,
      120_000,
    );
    expect(new Set(ips).size).toBe(count);
    // One new sandbox per pod (the other pods of this suite keep theirs).
    const created = (await readdir(sandboxesDir)).filter((id) => !before.has(id));
    expect(created).toHaveLength(count);
    await ok(['delete', 'pods', ...names, '--grace-period=2', '--wait=true']);
    await until(
      async () => {
        const left = new Set(await readdir(sandboxesDir));
        const stillThere = created.filter(
          (id) => left.has(id) || existsSync(`/run/netns/podbay-${id}`),
        );
        return stillThere.length === 0 ? true : undefined;
      },
      'their sandboxes (containers with them) and network namespaces gone',
      60_000,
    );
    // All that work waited on the agent's one signal: no "possible memory leak" warning for it.
    expect(pb.logs()).not.toContain('MaxListenersExceededWarning');
  });
});
