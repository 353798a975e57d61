/**
 * RuncRuntime against the real runc, conmon, CNI plugins and cgroups (root): the runtime
 * conformance suite, then what only a real runtime can show — containers of a pod share the
 * sandbox's pinned namespaces (same hostname, 127.0.0.1 between them), exits are reported by the
 * exit-dir watch within ~100 ms, a memory limit ends in OOMKilled, a container survives its agent
 * being killed with SIGKILL and is adopted with the same id, and removal leaves no runc state,
 * conmon, mount, network namespace or cgroup behind.
 *
 * Images: the real ImageStore with the busybox image the image tests build from busybox-static.
 * Network: CniNetwork on a bridge and CIDR of its own, so a running podbay is not disturbed.
 * Everything is cleaned up also when checks fail.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CgroupfsManager } from '../../src/kubelet/cgroups/index.ts';
import { ImageStore } from '../../src/kubelet/images/index.ts';
import { CniNetwork } from '../../src/kubelet/network/index.ts';
import { podMasqueradeChain } from '../../src/kubelet/network/cni-iptables.ts';
import {
  RuncRuntime,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerRuntime,
  type PodSandboxConfig,
} from '../../src/kubelet/runtime/index.ts';
import {
  runtimeConformance,
  type ConformanceWorkload,
  type RuntimeHarness,
} from '../../src/kubelet/runtime/testing/index.ts';
import { builtinsAvailable, realClock, silentLogger } from '../../src/util/index.ts';
import { kernelRunsX32 } from '../../src/kubelet/runtime/runc/host-info.ts';
import { defaultSeccompProfile } from '../../src/kubelet/runtime/runc/seccomp-default.ts';
import { spawnTypeScript } from '../../src/store/testing/spawn-typescript.ts';
import { isRoot, missing } from '../support/prerequisites.ts';
import { buildBusyboxArchive, defaultBusyboxName } from './support/images.ts';
import { removeNatChain, unusedPodCIDR } from './support/network.ts';
import { repoRoot, run } from './support/podbay.ts';

const haveTools =
  existsSync('/bin/busybox') &&
  existsSync('/usr/lib/cni/bridge') &&
  ['/usr/sbin/runc', '/usr/bin/runc'].some((p) => existsSync(p)) &&
  existsSync('/usr/bin/conmon');

const tag = randomBytes(3).toString('hex');
const bridge = `pbr${tag}`;
const networkName = `podbay-rt-${tag}`;
const cgroupName = `podbay-e2e-${tag}`;
// chosen in beforeAll: the first 10.244.X.0/24 from 210 up that nothing routes yet
let cidrPrefix = '';

let work = '';
let images: ImageStore;
let imageId = '';
let network: CniNetwork;
let cgroups: CgroupfsManager;
const podUids = new Set<string>();

async function sh(cmd: string, args: string[], timeoutMs = 15_000) {
  return run(cmd, args, { timeoutMs });
}

async function mountTargets(): Promise<string[]> {
  return (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((t) => t !== '');
}

/** Processes whose command line mentions `needle` (conmon instances of a state dir). */
async function processesMentioning(needle: string): Promise<number[]> {
  const out: number[] = [];
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    const cmd = await readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(needle)) out.push(Number(p));
  }
  return out;
}

/** Pinned namespaces: `podbay-<id>` in /run/netns and `<id>` in the state dir's `run/ns`. */
async function podbayNetns(stateDir: string): Promise<string[]> {
  return [
    ...(await readdir('/run/netns').catch(() => [])).filter((n) => n.startsWith('podbay-')),
    ...(await readdir(join(stateDir, 'run', 'ns')).catch(() => [])).map((n) => `ns/${n}`),
  ];
}

/** Removes a leftover pin (`podbay-<id>` or `ns/<id>`) whatever state it is in. */
async function removePin(stateDir: string, n: string): Promise<void> {
  const dir = n.startsWith('ns/') ? join(stateDir, 'run', n) : join('/run/netns', n);
  for (const t of n.startsWith('ns/') ? [join(dir, 'uts'), join(dir, 'ipc')] : [dir]) {
    await sh('umount', [t]);
  }
  await rm(dir, { recursive: true, force: true });
}

/** The pid conmon wrote for a container's monitor (`conmon.pid`) or its process (`pidfile`). */
async function bundlePid(
  stateDir: string,
  id: string,
  file: 'conmon.pid' | 'pidfile',
): Promise<number> {
  return Number((await readFile(join(stateDir, 'run', 'bundles', id, file), 'utf8')).trim());
}

/** true while `pid` runs (a zombie waiting for PID 1 to reap it does not count). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/\) [ZX] /.test(stat);
}

function workloadArgs(w: ConformanceWorkload): string[] {
  switch (w.kind) {
    case 'exit':
      return ['sh', '-c', `exit ${w.code}`];
    case 'exit-after':
      return ['sh', '-c', `sleep ${w.ms / 1000}; exit ${w.code}`];
    case 'serve':
      // A shell as PID 1 ends on SIGTERM only with a trap; `wait` lets the trap run at once. It
      // says when the trap is set (harness.ready).
      return ['sh', '-c', "trap 'exit 0' TERM; echo ready; sleep 1000 & wait"];
    case 'ignore-term':
      // PID 1 without a handler: the kernel drops SIGTERM, only SIGKILL ends it. The shell (no
      // handler either) says when runc's init has given way to it (harness.ready).
      return ['sh', '-c', 'echo ready; exec sleep 1000'];
  }
}

interface Harness extends RuntimeHarness {
  readonly stateDir: string;
  make(): RuncRuntime;
}

/** A RuncRuntime that remembers its sandboxes, so cleanup checks only what this test made. */
class TrackedRuntime extends RuncRuntime {
  readonly sandboxIds: Set<string>;
  constructor(opts: ConstructorParameters<typeof RuncRuntime>[0], ids: Set<string>) {
    super(opts);
    this.sandboxIds = ids;
  }
  override async runPodSandbox(config: PodSandboxConfig, signal?: AbortSignal): Promise<string> {
    const id = await super.runPodSandbox(config, signal);
    this.sandboxIds.add(id);
    return id;
  }
}

async function makeHarness(): Promise<Harness> {
  const stateDir = await mkdtemp(join(work, 'state-'));
  const sandboxIds = new Set<string>();
  const make = (): RuncRuntime =>
    new TrackedRuntime(
      { stateDir, images, network, cgroups, logger: silentLogger, clock: realClock },
      sandboxIds,
    );
  return {
    stateDir,
    make,
    runtime: make(),
    async reopen(old) {
      await old.close();
      return make();
    },
    workload: (w) => ({ args: workloadArgs(w), imageId, imageRef: defaultBusyboxName }),
    async cgroupParent(podUid) {
      podUids.add(podUid);
      return cgroups.ensurePodCgroup(podUid, 'BestEffort', { cpuShares: 2, cpuPeriod: 100_000 });
    },
    logPath: (podUid, name) => join(stateDir, 'logs', podUid, name, '0.log'),
    ready: async (podUid, name) => {
      const log = join(stateDir, 'logs', podUid, name, '0.log');
      await until(
        async () => (await logLines(log)).includes('ready') || undefined,
        `${name} to run its own code`,
      );
    },
    wait: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    async cleanup() {
      // What must be gone once every sandbox was removed: check first, then clean by force so a
      // failure here does not leak into the next test.
      const runcList = await sh('runc', ['--root', join(stateDir, 'run', 'runc'), 'list', '-q']);
      const leftovers = {
        runc: runcList.stdout.trim(),
        conmon: await processesMentioning(stateDir),
        // The runtime's tmpfs for its volatile state stays, as it does for a node's next agent.
        mounts: (await mountTargets()).filter(
          (t) =>
            (t.startsWith(stateDir) && t !== join(stateDir, 'run')) ||
            t.startsWith(join(work, 'node')),
        ),
        netns: (await podbayNetns(stateDir)).filter((n) =>
          sandboxIds.has(n.replace(/^(podbay-|ns\/)/, '')),
        ),
      };
      for (const pid of leftovers.conmon) process.kill(pid, 'SIGKILL');
      for (const id of leftovers.runc.split('\n').filter((l) => l !== '')) {
        await sh('runc', ['--root', join(stateDir, 'run', 'runc'), 'delete', '--force', id]);
      }
      for (const t of leftovers.mounts.sort((a, b) => b.length - a.length))
        await sh('umount', ['-l', t]);
      for (const n of leftovers.netns) await removePin(stateDir, n);
      await sh('umount', [join(stateDir, 'run')]);
      await rm(stateDir, { recursive: true, force: true });
      expect(leftovers).toEqual({ runc: '', conmon: [], mounts: [], netns: [] });
    },
  };
}

function sandboxConfig(overrides: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  const podUid = overrides.podUid ?? `e2e00000-0000-4000-8000-${randomBytes(6).toString('hex')}`;
  return {
    podUid,
    podName: `rt-${podUid.slice(-6)}`,
    podNamespace: 'e2e',
    attempt: 0,
    hostname: `rt-${podUid.slice(-6)}`,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    cgroupParent: '',
    portMappings: [],
    dns: { servers: ['10.96.0.10'], searches: ['e2e.svc.cluster.local'], options: ['ndots:5'] },
    hostAliases: [],
    labels: {},
    annotations: {},
    ...overrides,
  };
}

function containerConfig(
  h: Harness,
  sb: PodSandboxConfig,
  name: string,
  args: string[],
  extra: Partial<ContainerConfig> = {},
): ContainerConfig {
  return {
    name,
    attempt: 0,
    imageId,
    imageRef: defaultBusyboxName,
    args,
    env: [{ name: 'PATH', value: '/bin' }],
    workingDir: '/',
    mounts: [],
    logPath: h.logPath(sb.podUid, name),
    stdin: false,
    stdinOnce: false,
    tty: false,
    resources: { cpuShares: 2, cpuPeriod: 100_000, oomScoreAdj: 1000 },
    security: {
      privileged: false,
      runAsUser: 0,
      runAsGroup: 0,
      supplementalGroups: [],
      capabilitiesAdd: [],
      capabilitiesDrop: [],
      readOnlyRootfs: false,
      noNewPrivileges: false,
    },
    stopSignal: 'SIGTERM',
    labels: {},
    annotations: {},
    ...extra,
  };
}

/** The messages of a CRI log file, in order. */
async function logLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(' ').slice(3).join(' '));
}

async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(missing({ root: isRoot, 'runc, conmon, busybox-static, CNI plugins': haveTools }))(
  'RuncRuntime with runc, conmon, CNI and cgroups',
  () => {
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'podbay-runtime-e2e-'));
      // The real image store, with the busybox image the images e2e tests build.
      images = new ImageStore({ dataDir: join(work, 'node'), logger: silentLogger });
      const archive = await buildBusyboxArchive();
      try {
        const imported = await images.import(archive.path);
        imageId = imported.images[0]?.id ?? '';
        expect(imageId).toBe(archive.id);
      } finally {
        await archive.cleanup();
      }
      const subnet = await unusedPodCIDR(210);
      cidrPrefix = subnet.prefix;
      network = new CniNetwork({
        dataDir: join(work, 'cni'),
        networkName,
        bridgeName: bridge,
        podCIDR: subnet.cidr,
      });
      cgroups = await CgroupfsManager.open({ name: cgroupName });
      await cgroups.ensureNodeCgroups();
    });

    afterAll(async () => {
      for (const uid of podUids) await cgroups.removePodCgroup(uid).catch(() => undefined);
      for (const h of await cgroups.hierarchies()) {
        for (const d of ['besteffort', 'burstable', '']) {
          await rm(join(h.dir, cgroupName, d), { recursive: false }).catch(() => undefined);
          await sh('rmdir', [join(h.dir, cgroupName, d)]);
        }
      }
      await sh('ip', ['link', 'del', bridge]);
      await removeNatChain(podMasqueradeChain(bridge));
      if (work !== '') {
        // Never rm -r through a mount point: unmount whatever a failed test left under it first.
        for (const t of (await mountTargets()).filter((m) => m.startsWith(work)).reverse()) {
          await sh('umount', ['-l', t]);
        }
        await rm(work, { recursive: true, force: true });
      }
    });

    runtimeConformance(makeHarness);

    describe('real containers', () => {
      let h: Harness;
      let rt: ContainerRuntime;

      beforeAll(async () => {
        h = await makeHarness();
        rt = h.runtime;
      });

      afterAll(async () => {
        for (const sb of await rt.listPodSandboxes()) await rt.removePodSandbox(sb.id);
        await rt.close();
        await h.cleanup();
      });

      async function sandbox(overrides: Partial<PodSandboxConfig> = {}) {
        const config = sandboxConfig(overrides);
        podUids.add(config.podUid);
        const cgroupParent = await cgroups.ensurePodCgroup(config.podUid, 'Burstable', {
          cpuShares: 64,
          cpuPeriod: 100_000,
        });
        const full = { ...config, cgroupParent };
        return { id: await rt.runPodSandbox(full), config: full };
      }

      /** Creates and starts a container running `args` in `sb`; returns its id. */
      async function started(
        sb: { id: string; config: PodSandboxConfig },
        name: string,
        args: string[],
      ): Promise<string> {
        const id = await rt.createContainer(sb.id, containerConfig(h, sb.config, name, args));
        await rt.startContainer(id);
        return id;
      }

      it('runs the containers of a pod in its namespaces: one hostname, one loopback', async () => {
        const sb = await sandbox();
        const status = await rt.podSandboxStatus(sb.id);
        expect(status?.ips[0]?.startsWith(`${cidrPrefix}.`)).toBe(true);
        const server = await rt.createContainer(
          sb.id,
          containerConfig(h, sb.config, 'server', [
            'sh',
            '-c',
            'hostname; readlink /proc/self/ns/net; nc -l -p 8080 -e echo hello-from-server',
          ]),
        );
        await rt.startContainer(server);
        const client = await rt.createContainer(
          sb.id,
          containerConfig(h, sb.config, 'client', [
            'sh',
            '-c',
            'hostname; readlink /proc/self/ns/net; for i in 1 2 3 4 5 6 7 8 9 10; do nc 127.0.0.1 8080 && exit 0; sleep 0.2; done; exit 1',
          ]),
        );
        await rt.startContainer(client);
        const done = await until(async () => {
          const s = await rt.containerStatus(client);
          return s?.state === 'exited' ? s : undefined;
        }, 'the client to finish');
        expect(done.exitCode).toBe(0);
        const netnsIno = (await stat(`/run/netns/podbay-${sb.id}`)).ino;
        const serverLog = await logLines(h.logPath(sb.config.podUid, 'server'));
        const clientLog = await logLines(h.logPath(sb.config.podUid, 'client'));
        expect(serverLog.slice(0, 2)).toEqual([sb.config.hostname, `net:[${netnsIno}]`]);
        expect(clientLog).toEqual([sb.config.hostname, `net:[${netnsIno}]`, 'hello-from-server']);
        // The pod's /etc files are the sandbox's.
        const hosts = await readFile(status?.hostsPath ?? '', 'utf8');
        expect(hosts).toContain(`${status?.ips[0] ?? ''}\t${sb.config.hostname}\n`);
        await rt.removePodSandbox(sb.id);
      });

      it("keeps volatile state on a tmpfs and no container root in the host's mount table", async () => {
        const sb = await sandbox();
        const fsType = (await readFile('/proc/self/mountinfo', 'utf8'))
          .split('\n')
          .find((l) => l.split(' ')[4] === join(h.stateDir, 'run'))
          ?.split(' - ')[1]
          ?.split(' ')[0];
        expect(fsType).toBe('tmpfs');
        const id = await rt.createContainer(
          sb.id,
          containerConfig(h, sb.config, 'writer', [
            'sh',
            '-c',
            'echo written > /marker && ls /bin/busybox && echo ok; sleep 1000',
          ]),
        );
        // Created: runc's init has the root in the container's mount namespace; the host has none.
        expect((await mountTargets()).filter((t) => t.includes(id))).toEqual([]);
        await rt.startContainer(id);
        await until(
          async () =>
            (await logLines(h.logPath(sb.config.podUid, 'writer'))).includes('ok') || undefined,
          'the container to write to its root',
        );
        const upper = join(work, 'node', 'containers', id, 'overlay', 'upper');
        expect(await readFile(join(upper, 'marker'), 'utf8')).toBe('written\n');
        await rt.removePodSandbox(sb.id);
        expect(existsSync(join(work, 'node', 'containers', id))).toBe(false);
      });

      it('reports an exit from the exit-dir watch within ~100 ms, without polling', async () => {
        const sb = await sandbox();
        const id = await rt.createContainer(
          sb.id,
          containerConfig(h, sb.config, 'sleeper', ['sleep', '1000']),
        );
        await rt.startContainer(id);
        const pid = await bundlePid(h.stateDir, id, 'pidfile');
        const events: { e: ContainerEvent; at: number }[] = [];
        const stop = rt.subscribe((e) => events.push({ e, at: performance.now() }));
        try {
          const killedAt = performance.now();
          process.kill(pid, 'SIGKILL');
          // Nothing calls the runtime while we wait: only its watch can report the exit.
          while (!events.some((x) => x.e.type === 'exited' && x.e.containerId === id)) {
            if (performance.now() - killedAt > 5000) throw new Error('no exited event');
            await new Promise((r) => setTimeout(r, 5));
          }
          const exited = events.find((x) => x.e.type === 'exited')!;
          const latency = exited.at - killedAt;
          console.info(`exit reported ${latency.toFixed(1)} ms after SIGKILL`);
          expect(latency).toBeLessThan(150);
          const s = await rt.containerStatus(id);
          expect(s).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
        } finally {
          stop();
        }
        await rt.removePodSandbox(sb.id);
      });

      it('ends a container over its memory limit as OOMKilled', async () => {
        const sb = await sandbox();
        const id = await rt.createContainer(
          sb.id,
          containerConfig(
            h,
            sb.config,
            'hog',
            ['sh', '-c', 'x=$(head -c 100m /dev/zero | tr "\\0" x); echo survived'],
            {
              resources: {
                cpuShares: 2,
                cpuPeriod: 100_000,
                oomScoreAdj: 1000,
                memoryLimitBytes: 20 * 1024 * 1024,
              },
            },
          ),
        );
        await rt.startContainer(id);
        const s = await until(
          async () => {
            const st = await rt.containerStatus(id);
            return st?.state === 'exited' ? st : undefined;
          },
          'the memory hog to be killed',
          30_000,
        );
        expect(s.reason).toBe('OOMKilled');
        expect(s.exitCode).toBe(137);
        await rt.removePodSandbox(sb.id);
      });

      it('keeps a container running when its agent is killed with SIGKILL, and adopts it', async () => {
        const sb = await sandbox();
        const id = await started(sb, 'survivor', [
          'sh',
          '-c',
          "trap 'exit 0' TERM; sleep 1000 & wait",
        ]);
        const conmonPid = await bundlePid(h.stateDir, id, 'conmon.pid');
        // conmon is not our child: it outlives us.
        const ppid = /^PPid:\s*(\d+)$/m.exec(
          await readFile(`/proc/${conmonPid}/status`, 'utf8'),
        )?.[1];
        expect(Number(ppid)).not.toBe(process.pid);

        // A separate agent process over the same state, killed with SIGKILL while the container runs.
        const script = join(work, `agent-${tag}.ts`);
        await writeFile(
          script,
          `import { RuncRuntime } from ${JSON.stringify(join(repoRoot, 'src/kubelet/runtime/index.ts'))};
import { realClock, silentLogger } from ${JSON.stringify(join(repoRoot, 'src/util/index.ts'))};
const rt = new RuncRuntime({
  stateDir: process.argv[2]!,
  images: { unmountRootfs: async () => {}, mountRootfs: async () => '' } as never,
  network: { setUp: async () => ({ ips: [] }), tearDown: async () => {} },
  cgroups: { version: ${cgroups.version} } as never,
  logger: silentLogger,
  clock: realClock,
});
const list = await rt.listContainers();
console.log(JSON.stringify(list.map((c) => [c.id, c.state])));
setInterval(() => {}, 1000);
`,
        );
        const agent = spawnTypeScript(script, [h.stateDir], { dir: work });
        let out = '';
        agent.stdout?.on('data', (d: Buffer) => (out += d.toString()));
        let err = '';
        agent.stderr?.on('data', (d: Buffer) => (err += d.toString()));
        try {
          await until(
            () => Promise.resolve(out.includes('\n') ? true : undefined),
            `the agent to list (${err})`,
          );
          expect(JSON.parse(out)).toEqual([[id, 'running']]);
        } finally {
          agent.kill('SIGKILL');
        }
        await new Promise((r) => agent.once('exit', r));
        expect(await running(conmonPid)).toBe(true);

        await rt.close();
        rt = h.make();
        const adopted = await rt.containerStatus(id);
        expect(adopted).toMatchObject({ id, state: 'running', name: 'survivor' });
        await rt.stopContainer(id, 10);
        expect(await rt.containerStatus(id)).toMatchObject({ state: 'exited', exitCode: 0 });
        await rt.removePodSandbox(sb.id);
      });

      it('after a reboot reports its sandboxes not ready and its containers exited, exit code lost', async () => {
        const sb = await sandbox();
        // A host-network sandbox pins no network namespace; its files are what a reboot takes.
        const host = await sandbox({ hostNetwork: true });
        const id = await started(sb, 'rebooted', ['sleep', '1000']);
        const pids = [
          await bundlePid(h.stateDir, id, 'conmon.pid'),
          await bundlePid(h.stateDir, id, 'pidfile'),
        ];
        await rt.close();
        // What a reboot takes: every process, every mount (pinned namespaces, /dev/shm, the
        // volatile state's tmpfs). The records on the data disk stay.
        for (const pid of pids) process.kill(pid, 'SIGKILL');
        await until(
          async () => ((await Promise.all(pids.map(running))).some(Boolean) ? undefined : true),
          'the processes to end',
        );
        const pins = [
          `/run/netns/podbay-${sb.id}`,
          join(h.stateDir, 'run', 'ns', sb.id, 'uts'),
          join(h.stateDir, 'run', 'ns', sb.id, 'ipc'),
          join(h.stateDir, 'run', 'sandboxes', sb.id, 'shm'),
          join(h.stateDir, 'run', 'ns', host.id, 'ipc'),
          join(h.stateDir, 'run', 'sandboxes', host.id, 'shm'),
        ];
        for (const t of [...pins, join(h.stateDir, 'run')]) await sh('umount', ['--lazy', t]);

        rt = h.make();
        const states = new Map((await rt.listPodSandboxes()).map((s) => [s.id, s.state]));
        expect([states.get(sb.id), states.get(host.id)]).toEqual(['notready', 'notready']);
        expect(await rt.containerStatus(id)).toMatchObject({
          id,
          state: 'exited',
          exitCode: 255,
          reason: 'Error',
        });
        // And all of it is removed as usual (the harness checks nothing is left).
        await rt.removePodSandbox(sb.id);
        await rt.removePodSandbox(host.id);
        expect(existsSync(join(h.stateDir, 'containers', id))).toBe(false);
      });

      it('stops a container an earlier layout left running (runc root in the state dir)', async () => {
        // A container as podbay ran them before the volatile state moved to its tmpfs: runc's
        // root at <stateDir>/runc. Its root filesystem: the busybox image's only layer.
        const legacyRoot = join(h.stateDir, 'runc');
        const layers = join(work, 'node', 'images', 'layers');
        const [layer] = await readdir(layers);
        const bundle = join(work, `legacy-${randomBytes(3).toString('hex')}`);
        await mkdir(bundle);
        await sh('runc', ['spec', '--bundle', bundle]);
        const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as {
          root: unknown;
          process: { terminal: boolean; args: string[] };
        };
        spec.root = { path: join(layers, layer ?? '', 'diff'), readonly: true };
        spec.process.terminal = false;
        spec.process.args = ['sleep', '1000'];
        await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
        const runc = `runc --root '${legacyRoot}'`;
        const started = await sh('sh', [
          '-c',
          `${runc} run --detach --bundle '${bundle}' legacy-1 </dev/null >/dev/null 2>&1`,
        ]);
        expect(started.code).toBe(0);
        const state = (await sh('runc', ['--root', legacyRoot, 'state', 'legacy-1'])).stdout;
        const { pid } = JSON.parse(state) as { pid: number };
        expect(await running(pid)).toBe(true);
        try {
          await rt.close();
          rt = h.make();
          await rt.listPodSandboxes();
          expect(await running(pid)).toBe(false);
          expect(existsSync(legacyRoot)).toBe(false);
        } finally {
          await sh('sh', ['-c', `${runc} delete --force legacy-1 >/dev/null 2>&1`]);
          await rm(bundle, { recursive: true, force: true });
        }
      });

      it('runs commands in a running container (execSync): output, exit code, env, timeout', async () => {
        const sb = await sandbox();
        const id = await rt.createContainer(
          sb.id,
          containerConfig(h, sb.config, 'exec', ['sleep', '1000'], {
            env: [
              { name: 'PATH', value: '/bin' },
              { name: 'GREETING', value: 'hi there' },
            ],
            workingDir: '/tmp',
          }),
        );
        await rt.startContainer(id);
        // Its default seccomp profile covers the ABIs this kernel runs (no x32 where it has none).
        const bundleSpec = JSON.parse(
          await readFile(join(h.stateDir, 'run', 'bundles', id, 'config.json'), 'utf8'),
        ) as { linux: { seccomp: { architectures: string[] } } };
        const x32 = await kernelRunsX32();
        expect(bundleSpec.linux.seccomp.architectures).toEqual(
          defaultSeccompProfile({ capabilities: [], x32 }).architectures,
        );
        const runner = rt as RuncRuntime;
        const ok = await runner.execSync(
          id,
          ['sh', '-c', 'echo "$GREETING from $(pwd) on $(hostname)"; echo oops >&2'],
          5,
        );
        expect(ok.exitCode).toBe(0);
        expect(ok.stdout.toString()).toBe(`hi there from /tmp on ${sb.config.hostname}\n`);
        expect(ok.stderr.toString()).toBe('oops\n');
        expect((await runner.execSync(id, ['sh', '-c', 'exit 3'], 5)).exitCode).toBe(3);
        const started = Date.now();
        await expect(runner.execSync(id, ['sleep', '30'], 1)).rejects.toThrow(
          'command "sleep 30" timed out',
        );
        expect(Date.now() - started).toBeLessThan(5000);
        // The timed-out command is gone from the container, not left running.
        const ps = await runner.execSync(id, ['ps', '-o', 'args'], 5);
        expect(ps.stdout.toString()).not.toContain('sleep 30');
        await rt.stopContainer(id, 0);
        await expect(runner.execSync(id, ['true'], 5)).rejects.toThrow(/not running/);
        await rt.removePodSandbox(sb.id);
      });

      it('reports a container whose conmon was killed as exited once it ends', async () => {
        const sb = await sandbox();
        const id = await started(sb, 'orphan', ['sleep', '1000']);
        const conmonPid = await bundlePid(h.stateDir, id, 'conmon.pid');
        const pid = await bundlePid(h.stateDir, id, 'pidfile');
        process.kill(conmonPid, 'SIGKILL');
        await until(async () => ((await running(conmonPid)) ? undefined : true), 'conmon to die');
        // The container itself does not notice its monitor is gone.
        expect((await rt.containerStatus(id))?.state).toBe('running');
        const events: ContainerEvent[] = [];
        const stop = rt.subscribe((e) => events.push(e));
        try {
          process.kill(pid, 'SIGKILL');
          const s = await until(async () => {
            const st = await rt.containerStatus(id);
            return st?.state === 'exited' ? st : undefined;
          }, 'the orphan to be seen exited');
          expect(s.exitCode).toBe(255);
          expect(s.message).toMatch(/monitor is gone/);
          expect(events.map((e) => e.type)).toEqual(['exited']);
        } finally {
          stop();
        }
        await rt.removePodSandbox(sb.id);
      });

      it('reopens a container log even when conmon acts late, without failing the rotation', async () => {
        const sb = await sandbox();
        const id = await started(sb, 'ticker', [
          'sh',
          '-c',
          'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.05; done',
        ]);
        const log = h.logPath(sb.config.podUid, 'ticker');
        await until(async () => ((await logLines(log)).length > 2 ? true : undefined), 'ticks');
        const conmonPid = await bundlePid(h.stateDir, id, 'conmon.pid');
        // As the log manager rotates: the file moves away, then the runtime is asked to reopen;
        // conmon is stopped meanwhile, as a busy machine can hold it for seconds.
        await rename(log, `${log}.rotated`);
        process.kill(conmonPid, 'SIGSTOP');
        try {
          await rt.reopenContainerLog(id);
          expect(existsSync(log)).toBe(false);
        } finally {
          process.kill(conmonPid, 'SIGCONT');
        }
        // conmon carries the request out once it runs again; no tick is lost on the way.
        await until(async () => ((await logLines(log)).length > 2 ? true : undefined), 'new ticks');
        const ticks = [...(await logLines(`${log}.rotated`)), ...(await logLines(log))].map((l) =>
          Number(l.replace('tick ', '')),
        );
        expect(ticks.every((n, i) => n === i + 1)).toBe(true);
        await rt.removePodSandbox(sb.id);
      });

      it('starts, stops and deletes containers without runc start, kill or delete (runc kill only for --all)', async () => {
        // A runtime whose runc logs what it is asked to do, on a state dir of its own.
        const h2 = await makeHarness();
        await h2.runtime.close();
        const runcLog = join(h2.stateDir, 'runc-calls.log');
        const wrapper = join(work, `runc-logging-${randomBytes(3).toString('hex')}`);
        const realRunc = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => existsSync(p)) ?? '';
        await writeFile(
          wrapper,
          `#!/bin/sh\nprintf '%s\\n' "$*" >> '${runcLog}'\nexec '${realRunc}' "$@"\n`,
          { mode: 0o755 },
        );
        const rt2 = new RuncRuntime({
          stateDir: h2.stateDir,
          images,
          network,
          cgroups,
          logger: silentLogger,
          clock: realClock,
          runcPath: wrapper,
        });
        try {
          const config = sandboxConfig();
          podUids.add(config.podUid);
          const cgroupParent = await cgroups.ensurePodCgroup(config.podUid, 'BestEffort', {
            cpuShares: 2,
            cpuPeriod: 100_000,
          });
          const sb = { ...config, cgroupParent };
          const sbId = await rt2.runPodSandbox(sb);
          const polite = await rt2.createContainer(
            sbId,
            containerConfig(h2, sb, 'polite', [
              'sh',
              '-c',
              "trap 'exit 7' TERM; echo trapping; sleep 1000 & wait",
            ]),
          );
          const stubborn = await rt2.createContainer(
            sbId,
            containerConfig(h2, sb, 'stubborn', ['sleep', '1000']),
          );
          await rt2.startContainer(polite);
          await rt2.startContainer(stubborn);
          // A TERM before the trap is set would be ignored (PID 1 has no default action for it).
          await until(
            async () =>
              (await logLines(h2.logPath(sb.podUid, 'polite'))).includes('trapping') || undefined,
            'the polite container to set its trap',
          );
          await rt2.stopContainer(polite, 10);
          // PID 1 without a TERM handler: the grace period runs out and SIGKILL follows.
          await rt2.stopContainer(stubborn, 1);
          expect(await rt2.containerStatus(polite)).toMatchObject({ state: 'exited', exitCode: 7 });
          expect(await rt2.containerStatus(stubborn)).toMatchObject({
            state: 'exited',
            exitCode: 137,
          });
          await rt2.removePodSandbox(sbId);
          const calls = (await readFile(runcLog, 'utf8')).split('\n');
          expect(calls.filter((c) => / create /.test(c))).toHaveLength(2);
          // Started through runc's exec fifo (the spawn helper's start built-in) where it can.
          if (builtinsAvailable()) expect(calls.filter((c) => / start /.test(c))).toEqual([]);
          expect(calls.filter((c) => / kill /.test(c))).toEqual([]);
          // Exited containers with their own PID namespace are deleted without runc too, and
          // leave nothing in runc's root.
          expect(calls.filter((c) => / delete /.test(c))).toEqual([]);
          expect(await readdir(join(h2.stateDir, 'run', 'runc'))).toEqual([]);
        } finally {
          for (const s of await rt2.listPodSandboxes()) await rt2.removePodSandbox(s.id);
          await rt2.close();
          await rm(wrapper, { force: true });
          await h2.cleanup();
        }
      });

      it('leaves no runc state, conmon, mount, netns or cgroup after removal', async () => {
        const sb = await sandbox();
        const id = await started(sb, 'short', ['sleep', '1000']);
        const conmonPid = await bundlePid(h.stateDir, id, 'conmon.pid');
        const memoryDir = join(
          '/sys/fs/cgroup',
          cgroups.version === 1 ? 'memory' : '',
          sb.config.cgroupParent,
          id,
        );
        expect(existsSync(memoryDir)).toBe(true);
        await rt.removePodSandbox(sb.id);
        expect(await running(conmonPid)).toBe(false);
        expect(
          (
            await sh('runc', ['--root', join(h.stateDir, 'run', 'runc'), 'list', '-q'])
          ).stdout.trim(),
        ).toBe('');
        expect(existsSync(memoryDir)).toBe(false);
        expect(existsSync(`/run/netns/podbay-${sb.id}`)).toBe(false);
        expect(existsSync(join(h.stateDir, 'run', 'ns', sb.id))).toBe(false);
        expect(existsSync(join(h.stateDir, 'run', 'sandboxes', sb.id))).toBe(false);
        expect(existsSync(join(h.stateDir, 'sandboxes', sb.id))).toBe(false);
        expect((await mountTargets()).filter((t) => t.includes(sb.id) || t.includes(id))).toEqual(
          [],
        );
        expect(existsSync(join(h.stateDir, 'run', 'bundles', id))).toBe(false);
        expect(existsSync(join(h.stateDir, 'containers', id))).toBe(false);
        // The log stays for `kubectl logs --previous` until the kubelet removes the pod's logs.
        expect(existsSync(h.logPath(sb.config.podUid, 'short'))).toBe(true);
        await cgroups.removePodCgroup(sb.config.podUid);
        for (const hi of await cgroups.hierarchies()) {
          expect(existsSync(join(hi.dir, sb.config.cgroupParent))).toBe(false);
        }
        await expect(readlink(`/run/netns/podbay-${sb.id}`)).rejects.toThrow();
      });
    });
    describe('CgroupfsManager on this machine', () => {
      it('writes pod limits to the real cgroupfs and removes a pod cgroup with a live process', async () => {
        const uid = `e2e-cg-${tag}`;
        podUids.add(uid);
        const name = await cgroups.ensurePodCgroup(uid, 'Guaranteed', {
          cpuShares: 256,
          cpuQuota: 25_000,
          cpuPeriod: 100_000,
          memoryLimitBytes: 64 * 1024 * 1024,
          pidsLimit: 32,
        });
        expect(name).toBe(`/${cgroupName}/pod${uid}`);
        const r = (f: string) => readFile(join('/sys/fs/cgroup', f), 'utf8').then((t) => t.trim());
        if (cgroups.version === 1) {
          expect(await r(`cpu${name}/cpu.shares`)).toBe('256');
          expect(await r(`cpu${name}/cpu.cfs_quota_us`)).toBe('25000');
          expect(await r(`memory${name}/memory.limit_in_bytes`)).toBe(String(64 * 1024 * 1024));
          expect(await r(`pids${name}/pids.max`)).toBe('32');
          expect(await r(`cpuset${name}/cpuset.cpus`)).toBe(await r('cpuset/cpuset.cpus'));
        } else {
          expect(await r(`${name}/cpu.weight`)).toBe('10');
          expect(await r(`${name}/cpu.max`)).toBe('25000 100000');
          expect(await r(`${name}/memory.max`)).toBe(String(64 * 1024 * 1024));
          expect(await r(`${name}/pids.max`)).toBe('32');
        }
        expect(await cgroups.listPodCgroups()).toContain(uid);

        const { spawn } = await import('node:child_process');
        const child = spawn('/bin/busybox', ['sleep', '60'], { stdio: 'ignore' });
        const exited = new Promise<NodeJS.Signals | null>((res) =>
          child.once('exit', (_c, sig) => {
            res(sig);
          }),
        );
        try {
          for (const hi of await cgroups.hierarchies()) {
            await writeFile(join(hi.dir, name, 'cgroup.procs'), String(child.pid));
          }
          await cgroups.removePodCgroup(uid);
          expect(await exited).toBe('SIGKILL');
        } finally {
          child.kill('SIGKILL');
        }
        for (const hi of await cgroups.hierarchies())
          expect(existsSync(join(hi.dir, name))).toBe(false);
        expect(await cgroups.listPodCgroups()).not.toContain(uid);
      });
    });
  },
);
