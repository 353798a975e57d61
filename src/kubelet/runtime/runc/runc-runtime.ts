/**
 * `RuncRuntime`: the ContainerRuntime that runs real containers with runc under conmon.
 *
 * Pod sandbox (no pause image):
 *   startPodSandbox                                 stopPodSandbox            removePodSandbox
 *     1. pin net/uts/ipc namespaces (unshare),        1. SIGKILL containers      1. stopPodSandbox
 *        hostname set inside (none with hostNetwork;  2. network.tearDown        2. remove containers
 *        no ipc with hostIPC)                         3. unpin namespaces,       3. remove its dirs
 *     2. /dev/shm tmpfs for the pod (not hostIPC)        unmount shm
 *     3. hosts, resolv.conf, hostname files           4. state notready
 *     4. sandbox.json — on any failure, undo 1-3
 *     — returns: containers can be created now —
 *     5. network.setUp → pod IPs (not hostNetwork), in the background; hosts rewritten in place
 *        with the IP; startContainer waits for it. runPodSandbox is 1-5, undone on any failure.
 *   With shareProcessNamespace, step 2 also starts the pod's PID 1 (pid-namespace.ts), which
 *   step 3 of stopPodSandbox stops; a container create that finds it dead stops the sandbox.
 *
 * Container (state machine as runc's):
 *
 *   createContainer ─▶ created ─startContainer─▶ running ─exit file─▶ exited ─removeContainer─▶ gone
 *     1. images.mountRootfs                                 ▲
 *     2. config.json (oci-spec.ts)             stopContainer: stop signal, wait, SIGKILL
 *     3. conmon → runc create (sync pipe)
 *     4. images.detachRootfs: the container's mount namespace keeps its own mount of the root
 *     5. container.json
 *
 * Exits come from conmon's exit files, noticed by an inotify watch (exit-watcher.ts): the exit
 * code from the file, OOMKilled when conmon left its `oom` file or the container's memory cgroup
 * counted an OOM kill. Every record lives under the state dir (state-files.ts), so a new instance
 * adopts what an earlier one left running, with the same ids; conmon keeps the containers alive
 * in between.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Clock, Logger } from '../../../util/index.ts';
import {
  allDone,
  errorMessage,
  localFs,
  PriorityLimiter,
  throwIfAborted,
} from '../../../util/index.ts';
import type { CgroupManager } from '../../cgroups/index.ts';
import type { ImageService } from '../../images/index.ts';
import type { PodNetwork, PodNetworkAttachment } from '../../network/index.ts';
import {
  type AttachRequest,
  type ExecRequest,
  type PortForwardRequest,
  StreamingError,
  type StreamingRuntime,
} from '../../streaming/index.ts';
import {
  RuntimeError,
  type ContainerCommandRunner,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerRuntime,
  type ExecSyncResult,
  type ContainerState,
  type ContainerStatus,
  type PodSandboxConfig,
  type PodSandboxStatus,
  type StartedPodSandbox,
} from '../types.ts';
import { PendingNetworks } from '../pending-networks.ts';
import { signalNumber } from '../signals.ts';
import { startConmon } from './conmon.ts';
import { hostNetworkHostsFile, hostnameFile, podHostsFile, resolvConf } from './etc-files.ts';
import { ExitWatcher, readExitFile } from './exit-watcher.ts';
import {
  cgroupOomKilled,
  kernelRunsX32,
  maxNofile,
  minOomScoreAdj,
  ownCapabilities,
  swapAccounting,
  type ProcessCapabilities,
} from './host-info.ts';
import { mountShm, mountVolatileState, unmountAll } from './mounts.ts';
import { isPinned, pinNamespaces, unpinNamespaces } from './namespaces.ts';
import {
  pidNamespaceAlive,
  startPidNamespace,
  stopPidNamespace,
  type PidNamespaceOptions,
} from './pid-namespace.ts';
import { ImageFileCache, secureOciSpec } from './oci-security.ts';
import { processRunning, readProcStat } from './proc-stat.ts';
import { buildOciSpec, DEFAULT_NOFILE } from './oci-spec.ts';
import { RuncCli } from './runc-cli.ts';
import { runcExec } from './runc-exec.ts';
import { conmonAttach, netnsPortForward, runcStreamExec } from './streaming.ts';
import {
  isContainerRecord,
  isSandboxRecord,
  readJson,
  writeJsonAtomic,
  type ContainerRecord,
  type ExitInfo,
  type SandboxRecord,
} from './state-files.ts';

// The runtime's own state (records, bundles, sandbox files): synchronous underneath
// (util/local-fs.ts says why).
const { access, mkdir, readFile, readdir, writeFile } = localFs;

export interface RuncRuntimeOptions {
  /**
   * Where the runtime keeps its records, e.g. `<dataDir>/runtime`; its volatile state goes to
   * `<stateDir>/run`, a tmpfs (see mountVolatileState).
   */
  readonly stateDir: string;
  readonly images: ImageService;
  readonly network: PodNetwork;
  readonly cgroups: CgroupManager;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Default: runc on PATH, then /usr/sbin/runc. */
  readonly runcPath?: string;
  /** Default: conmon on PATH, then /usr/bin/conmon, /usr/libexec/podman/conmon. */
  readonly conmonPath?: string;
  /** Where network namespaces are pinned; default /run/netns (where `ip netns` looks). */
  readonly netnsDir?: string;
  /** Where UTS and IPC namespaces are pinned; default `<stateDir>/run/ns`. */
  readonly nsDir?: string;
  /** The cgroup filesystem; default /sys/fs/cgroup. */
  readonly cgroupRoot?: string;
  /** How long to wait for an exit after SIGKILL before failing; default 10 s. */
  readonly killTimeoutMs?: number;
  /** How many host-process-heavy steps run at once (see HOST_OP); default 4 per CPU. */
  readonly hostOperations?: number;
}

interface ContainerEntry {
  record: ContainerRecord;
  state: ContainerState;
  /** Set while startContainer runs: exits are processed after it, so `started` precedes `exited`. */
  starting?: Promise<void>;
  /** Called when the container is seen exited. */
  readonly waiters: Set<() => void>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The steps that run host processes (runc and its init, conmon, CNI plugins, mount) share one
 * PriorityLimiter, so a burst of pods does not start hundreds of them at once. Lower goes first:
 * pods already under way (their network, their containers) finish before new sandboxes begin, and
 * teardown frees the machine before more is built on it.
 */
const HOST_OP = { start: 0, network: 1, create: 1, teardown: 2, sandbox: 3 } as const;

/** How often, at most, reconcileExits looks at every live container's conmon. */
const MONITOR_CHECK_INTERVAL_MS = 1_000;
/** How long reopenContainerLog waits for conmon's new log file before it returns anyway. */
const REOPEN_LOG_WAIT_MS = 5_000;

/** The current state, read through a call so that checks after an await are not narrowed away. */
function stateOf(entry: ContainerEntry): ContainerState {
  return entry.state;
}

function exitOf(entry: ContainerEntry): ExitInfo | undefined {
  return entry.record.exit;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/** The first of `candidates` that exists (absolute paths only: conmon insists on one). */
async function findBinary(name: string, fallbacks: readonly string[]): Promise<string> {
  const dirs = (process.env['PATH'] ?? '').split(':').filter((d) => d.startsWith('/'));
  for (const p of [...dirs.map((d) => path.join(d, name)), ...fallbacks]) {
    if (await exists(p)) return p;
  }
  throw new RuntimeError(`${name} not found (looked on PATH and in ${fallbacks.join(', ')})`);
}

export class RuncRuntime implements ContainerRuntime, ContainerCommandRunner, StreamingRuntime {
  private readonly opts: RuncRuntimeOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly dirs: {
    sandboxes: string;
    containers: string;
    run: string;
    sandboxFiles: string;
    bundles: string;
    exits: string;
    attach: string;
    runcRoot: string;
    netns: string;
    ns: string;
    cgroupRoot: string;
  };
  private readonly sandboxes = new Map<string, SandboxRecord>();
  private readonly containers = new Map<string, ContainerEntry>();
  private readonly listeners = new Set<(event: ContainerEvent) => void>();
  private readonly exitWatcher: ExitWatcher;
  private readonly ready: Promise<void>;
  private runc!: RuncCli;
  private conmonPath = '';
  private caps: ProcessCapabilities = { bounding: [], effective: [] };
  private minOomScoreAdj = 0;
  /** Whether the kernel runs x32 programs (see kernelRunsX32); the default seccomp profile follows. */
  private x32 = true;
  private nofile = DEFAULT_NOFILE;
  private closed = false;
  private runcVersion: string | undefined;
  /** The reconcileExits pass in progress, which concurrent callers share. */
  private reconciling: Promise<void> | undefined;
  /** When reconcileExits last looked at every live container's conmon (clock time, ms). */
  private monitorsCheckedAt = Number.NEGATIVE_INFINITY;
  private readonly hostOps: PriorityLimiter;
  /** The image files user resolution reads, per image (see ImageFileCache). */
  private readonly imageFiles = new ImageFileCache();
  private readonly networks = new PendingNetworks();

  constructor(opts: RuncRuntimeOptions) {
    this.opts = opts;
    this.hostOps = new PriorityLimiter(opts.hostOperations ?? 4 * availableParallelism());
    this.clock = opts.clock;
    this.log = opts.logger.with({ component: 'runtime' });
    const s = opts.stateDir;
    const run = path.join(s, 'run');
    this.dirs = {
      sandboxes: path.join(s, 'sandboxes'),
      containers: path.join(s, 'containers'),
      run,
      sandboxFiles: path.join(run, 'sandboxes'),
      bundles: path.join(run, 'bundles'),
      exits: path.join(run, 'exits'),
      attach: path.join(run, 'attach'),
      runcRoot: path.join(run, 'runc'),
      netns: opts.netnsDir ?? '/run/netns',
      ns: opts.nsDir ?? path.join(run, 'ns'),
      cgroupRoot: opts.cgroupRoot ?? '/sys/fs/cgroup',
    };
    this.exitWatcher = new ExitWatcher(
      this.dirs.exits,
      (id) => {
        void this.handleExit(id);
      },
      this.log,
    );
    this.ready = this.init();
    // Every method awaits `ready` and reports its failure; this only keeps it from being unhandled.
    this.ready.catch(() => undefined);
  }

  // ---------------------------------------------------------------- start-up and adoption

  private async init(): Promise<void> {
    // A perl process: asked first, answered while the rest is set up (it never rejects).
    const x32 = kernelRunsX32();
    for (const d of [this.dirs.sandboxes, this.dirs.containers, this.dirs.run]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
    }
    await mountVolatileState(this.dirs.run, this.clock).catch((err: unknown) => {
      this.log.warn('volatile runtime state stays on the data disk: no tmpfs for it', {
        dir: this.dirs.run,
        err,
      });
    });
    for (const d of [
      this.dirs.sandboxFiles,
      this.dirs.bundles,
      this.dirs.exits,
      this.dirs.attach,
      this.dirs.runcRoot,
    ]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
    }
    const runcPath = this.opts.runcPath ?? (await findBinary('runc', ['/usr/sbin/runc']));
    this.conmonPath =
      this.opts.conmonPath ??
      (await findBinary('conmon', ['/usr/bin/conmon', '/usr/libexec/podman/conmon']));
    this.runc = new RuncCli({ runcPath, root: this.dirs.runcRoot, clock: this.clock });
    this.caps = await ownCapabilities();
    this.minOomScoreAdj = await minOomScoreAdj(this.caps);
    this.nofile = await maxNofile(this.caps, DEFAULT_NOFILE);
    this.x32 = await x32;
    if (this.nofile < DEFAULT_NOFILE || this.minOomScoreAdj > -1000) {
      this.log.info("without CAP_SYS_RESOURCE: container limits capped at the agent's own", {
        nofile: this.nofile,
        minOomScoreAdj: this.minOomScoreAdj,
      });
    }
    // Watch before reading state, so no exit falls between the two.
    this.exitWatcher.start();
    await this.stopLegacyContainers(runcPath);
    await this.loadSandboxes();
    await this.loadContainers();
  }

  /**
   * Containers started before the volatile state moved to its tmpfs (runc's root was
   * `<stateDir>/runc`, conmon's files lay beside the records) cannot be adopted: conmon reports
   * their exits to the old place. They are stopped, as a reboot would stop them, and reported
   * exited with their exit code lost; their sandboxes are not ready (no files where they are looked
   * for), so the kubelet makes the pods anew. Without this they would run on, orphaned, beside
   * their replacements.
   */
  private async stopLegacyContainers(runcPath: string): Promise<void> {
    const root = path.join(this.opts.stateDir, 'runc');
    const ids = await readdir(root).catch(() => undefined);
    if (ids === undefined) return;
    const legacy = new RuncCli({ runcPath, root, clock: this.clock });
    for (const id of ids) {
      this.log.warn('stopping a container started by an earlier podbay (state in an old place)', {
        container: id,
      });
      await legacy.delete(id).catch((err: unknown) => {
        this.log.error('cannot stop a container left by an earlier podbay', { container: id, err });
      });
    }
    for (const d of ['runc', 'exits', 'attach']) {
      await rm(path.join(this.opts.stateDir, d), { recursive: true, force: true });
    }
  }

  private async loadSandboxes(): Promise<void> {
    for (const id of await readdir(this.dirs.sandboxes)) {
      if (!HEX64.test(id)) continue;
      const dir = path.join(this.dirs.sandboxes, id);
      const rec = await readJson(path.join(dir, 'sandbox.json'));
      if (!isSandboxRecord(rec)) {
        // A sandbox whose creation never finished (the agent died in it): undo what is there.
        this.log.warn('removing incomplete sandbox', { sandbox: id });
        await this.cleanupSandboxFiles(id, {
          netnsPath: path.join(this.dirs.netns, `podbay-${id}`),
          utsnsPath: path.join(this.dirs.ns, id, 'uts'),
          ipcnsPath: path.join(this.dirs.ns, id, 'ipc'),
          shmPath: path.join(this.sandboxFilesDir(id), 'shm'),
        }).catch((err: unknown) => {
          this.log.error('cleanup of incomplete sandbox failed', { sandbox: id, err });
        });
        continue;
      }
      // After a reboot its pinned namespaces and its files (volatile state) are gone: the sandbox
      // cannot be used any more, also with hostNetwork (no hosts file to bind into a container).
      if (rec.state === 'ready' && !(await this.sandboxIntact(rec))) {
        rec.state = 'notready';
        await writeJsonAtomic(path.join(dir, 'sandbox.json'), rec);
      }
      this.sandboxes.set(id, rec);
    }
  }

  private async sandboxIntact(rec: SandboxRecord): Promise<boolean> {
    if (rec.netnsPath !== undefined && !(await isPinned(rec.netnsPath))) return false;
    return exists(path.join(this.sandboxFilesDir(rec.id), 'hosts'));
  }

  private async loadContainers(): Promise<void> {
    for (const id of await readdir(this.dirs.containers)) {
      if (!HEX64.test(id)) continue;
      const rec = await readJson(this.recordPath(id));
      if (!isContainerRecord(rec)) {
        this.log.warn('removing incompletely created container', { container: id });
        await this.cleanupContainerFiles(id).catch((err: unknown) => {
          this.log.error('cleanup of incomplete container failed', { container: id, err });
        });
        continue;
      }
      const entry: ContainerEntry = { record: rec, state: 'unknown', waiters: new Set() };
      this.containers.set(id, entry);
      if (rec.exit) {
        entry.state = 'exited';
        continue;
      }
      if (await readExitFile(this.dirs.exits, id)) {
        entry.state = rec.startedAt > 0 ? 'running' : 'created';
        await this.handleExit(id);
        continue;
      }
      const st = await this.runc.state(id).catch((err: unknown) => {
        this.log.warn('runc state failed during adoption', { container: id, err });
        return undefined;
      });
      if (st?.status === 'created') {
        entry.state = 'created';
      } else if (st?.status === 'running' || st?.status === 'paused') {
        entry.state = 'running';
        if (rec.startedAt === 0) {
          // The agent died between `runc start` and recording it.
          rec.startedAt = this.clock.now();
          await this.saveContainer(rec);
        }
      } else if (st?.status === 'stopped' && (await this.conmonAlive(id))) {
        // Exited a moment ago; conmon is about to write the exit file and the watch will see it.
        entry.state = rec.startedAt > 0 ? 'running' : 'created';
      } else {
        await this.recordLostExit(
          entry,
          st === undefined ? 'runc has no state for it' : 'its monitor is gone',
        );
      }
    }
  }

  /** A container that ended with nobody to record its exit (conmon killed, host rebooted). */
  private async recordLostExit(entry: ContainerEntry, why: string): Promise<void> {
    this.log.warn('container exit status lost', { container: entry.record.id, why });
    entry.record.exit = {
      exitCode: 255,
      finishedAt: this.clock.now(),
      reason: 'Error',
      message: `container exited while its exit code could not be recorded (${why})`,
    };
    entry.state = 'exited';
    await this.saveContainer(entry.record);
  }

  private async conmonAlive(id: string): Promise<boolean> {
    try {
      const pid = Number.parseInt(
        await readFile(path.join(this.dirs.bundles, id, 'conmon.pid'), 'utf8'),
        10,
      );
      return await processRunning(pid);
    } catch {
      return false;
    }
  }

  private async ensureReady(): Promise<void> {
    await this.ready;
    if (this.closed) throw new RuntimeError('runtime is closed');
  }

  // ---------------------------------------------------------------- ContainerRuntime

  async version(): Promise<{ name: string; version: string }> {
    await this.ensureReady();
    this.runcVersion ??= await this.runc.version();
    return { name: 'runc', version: this.runcVersion };
  }

  async runPodSandbox(config: PodSandboxConfig, signal?: AbortSignal): Promise<string> {
    const { id, network } = await this.startPodSandbox(config, signal);
    try {
      await network;
    } catch (err) {
      // Leave nothing of it, as a failure of the steps before does.
      await this.removePodSandbox(id).catch((undoErr: unknown) => {
        this.log.error('undoing a failed sandbox left something behind', {
          sandbox: id,
          err: undoErr,
        });
      });
      throw err;
    }
    return id;
  }

  async startPodSandbox(
    config: PodSandboxConfig,
    signal?: AbortSignal,
  ): Promise<StartedPodSandbox> {
    await this.ensureReady();
    throwIfAborted(signal);
    const id = randomBytes(32).toString('hex');
    const dir = path.join(this.dirs.sandboxes, id);
    const log = this.log.with({ pod: `${config.podNamespace}/${config.podName}`, sandbox: id });
    const rec: SandboxRecord = {
      version: 1,
      id,
      config,
      createdAt: this.clock.now(),
      state: 'ready',
      ips: [],
      networkUp: false,
    };
    const files = this.sandboxFilesDir(id);
    await mkdir(dir, { mode: 0o755 });
    try {
      await mkdir(files, { mode: 0o755 });
      // The namespaces and the files do not depend on each other: set up side by side, and all
      // of it settled before a failure is undone.
      await allDone([
        this.hostOps.run(HOST_OP.sandbox, () => this.setUpNamespaces(rec, signal), signal),
        // hosts gets the pod's IP once the network has it: rewritten in place, so that the bind
        // mounts of containers created meanwhile see it (none of them runs before that).
        this.writeHostsFile(rec),
        (async () => {
          const resolv = config.dns
            ? resolvConf(config.dns)
            : await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
          await writeFile(path.join(files, 'resolv.conf'), resolv, { mode: 0o644 });
        })(),
        writeFile(path.join(files, 'hostname'), hostnameFile(config.hostname), { mode: 0o644 }),
      ]);
      throwIfAborted(signal);
      rec.networkUp = rec.netnsPath !== undefined;
      await writeJsonAtomic(path.join(dir, 'sandbox.json'), rec);
    } catch (err) {
      log.warn('pod sandbox creation failed; undoing it', { err });
      await this.undoSandbox(rec).catch((undoErr: unknown) => {
        log.error('undoing a failed sandbox left something behind', { err: undoErr });
      });
      if (err instanceof RuntimeError || (err instanceof Error && err.name === 'AbortError')) {
        throw err;
      }
      throw new RuntimeError(`failed to create pod sandbox: ${errorMessage(err)}`);
    }
    this.sandboxes.set(id, rec);
    log.info('pod sandbox created', { network: rec.networkUp ? 'being set up' : 'host' });
    const network = this.setUpNetwork(rec, signal).then(
      () => {
        log.info('pod sandbox ready', { ips: rec.ips.join(',') });
      },
      (err: unknown) => {
        log.warn('pod network set-up failed', { err });
        throw err;
      },
    );
    this.networks.track(id, network);
    return { id, network };
  }

  /** Step 3 of startPodSandbox, in the background: CNI ADD, then the IPs recorded and in hosts. */
  private async setUpNetwork(rec: SandboxRecord, signal: AbortSignal | undefined): Promise<void> {
    if (rec.netnsPath === undefined) return;
    let ips: string[];
    try {
      ips = await this.hostOps.run(
        HOST_OP.network,
        async () => (await this.opts.network.setUp(this.attachment(rec), signal)).ips,
        signal,
      );
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw err;
      throw new RuntimeError(
        `failed to setup network for sandbox "${rec.id}": ${errorMessage(err)}`,
      );
    }
    rec.ips = ips;
    await this.writeHostsFile(rec);
    await this.saveSandbox(rec);
  }

  /** The pod's hosts file, written in place (containers bind-mount this very file). */
  private async writeHostsFile(rec: SandboxRecord): Promise<void> {
    const hosts = rec.config.hostNetwork
      ? hostNetworkHostsFile(rec.config, await readFile('/etc/hosts', 'utf8').catch(() => ''))
      : podHostsFile(rec.config, rec.ips);
    await writeFile(path.join(this.sandboxFilesDir(rec.id), 'hosts'), hosts, { mode: 0o644 });
  }

  /** Steps 1-2 of startPodSandbox: namespaces, /dev/shm, the pod's PID 1. */
  private async setUpNamespaces(
    rec: SandboxRecord,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { id, config } = rec;
    const shmPath = config.hostIPC ? undefined : path.join(this.sandboxFilesDir(id), 'shm');
    // The pod's /dev/shm is a tmpfs of the host's, apart from the IPC namespace: both at once.
    await allDone([
      pinNamespaces({
        id,
        hostname: config.hostname,
        net: !config.hostNetwork,
        uts: !config.hostNetwork,
        ipc: !config.hostIPC,
        netnsDir: this.dirs.netns,
        nsDir: this.dirs.ns,
        clock: this.clock,
        ...(signal ? { signal } : {}),
      }).then((p) => Object.assign(rec, p)),
      (async () => {
        if (shmPath === undefined) return;
        await mkdir(shmPath, { mode: 0o755 });
        rec.shmPath = shmPath;
        await mountShm(shmPath, this.clock);
      })(),
    ]);
    if (config.shareProcessNamespace === true && !config.hostPID) {
      rec.pidnsPath = await startPidNamespace(this.pidnsOptions(id, config.cgroupParent));
    }
  }

  async stopPodSandbox(id: string): Promise<void> {
    await this.ensureReady();
    const rec = this.sandboxes.get(id);
    if (!rec) return;
    // Not torn down while its set-up still runs (the CNI plugins would meet each other).
    await this.networks.settled(id);
    for (const entry of this.containers.values()) {
      if (entry.record.sandboxId === id && entry.state !== 'exited') {
        await this.kill(entry);
      }
    }
    if (rec.networkUp) {
      try {
        await this.hostOps.run(HOST_OP.teardown, () =>
          this.opts.network.tearDown(this.attachment(rec)),
        );
      } catch (err) {
        throw new RuntimeError(
          `failed to destroy network for sandbox "${id}": ${errorMessage(err)}`,
        );
      }
      rec.networkUp = false;
      await this.saveSandbox(rec);
    }
    await this.hostOps.run(HOST_OP.teardown, () => this.releaseSandboxMounts(rec));
    if (rec.state !== 'notready') {
      rec.state = 'notready';
      await this.saveSandbox(rec);
      this.log.info('pod sandbox stopped', {
        pod: `${rec.config.podNamespace}/${rec.config.podName}`,
        sandbox: id,
      });
    }
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.ensureReady();
    const rec = this.sandboxes.get(id);
    if (!rec) return;
    await this.stopPodSandbox(id);
    for (const entry of [...this.containers.values()]) {
      if (entry.record.sandboxId === id) await this.removeContainer(entry.record.id);
    }
    await this.removeSandboxDirs(id);
    this.sandboxes.delete(id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    await this.ensureReady();
    const rec = this.sandboxes.get(id);
    return rec ? this.sandboxStatus(rec) : undefined;
  }

  async listPodSandboxes(filter: { podUid?: string } = {}): Promise<PodSandboxStatus[]> {
    await this.ensureReady();
    const out: PodSandboxStatus[] = [];
    for (const r of this.sandboxes.values()) {
      if (filter.podUid === undefined || r.config.podUid === filter.podUid) {
        out.push(this.sandboxStatus(r));
      }
    }
    return out;
  }

  async createContainer(
    sandboxId: string,
    config: ContainerConfig,
    signal?: AbortSignal,
  ): Promise<string> {
    await this.ensureReady();
    throwIfAborted(signal);
    const sb = this.sandboxes.get(sandboxId);
    if (!sb) {
      throw new RuntimeError(
        `failed to create container "${config.name}": pod sandbox "${sandboxId}" not found`,
      );
    }
    if (sb.state !== 'ready') {
      throw new RuntimeError(
        `failed to create container "${config.name}": pod sandbox "${sandboxId}" is not ready`,
      );
    }
    const id = randomBytes(32).toString('hex');
    const bundle = path.join(this.dirs.bundles, id);
    const cgroupsPath = path.posix.join('/', sb.config.cgroupParent, id);
    const version = this.opts.cgroups.version;
    const log = this.log.with({
      pod: `${sb.config.podNamespace}/${sb.config.podName}`,
      container: config.name,
      id,
    });
    // The record's directory first: a loader that finds it without a record cleans up after a
    // creation the agent did not live to finish, bundle and all.
    await mkdir(path.dirname(this.recordPath(id)), { mode: 0o700 });
    try {
      await mkdir(bundle, { mode: 0o700 });
      let rootfs: string;
      try {
        rootfs = await this.hostOps.run(
          HOST_OP.create,
          () => this.opts.images.mountRootfs(id, config.imageId),
          signal,
        );
      } catch (err) {
        throw new RuntimeError(
          `failed to create container "${config.name}": cannot mount the image's root filesystem: ${errorMessage(err)}`,
        );
      }
      await mkdir(path.dirname(config.logPath), { recursive: true, mode: 0o755 });
      if (sb.pidnsPath !== undefined) await this.checkPidNamespace(sb);
      const targetPidnsPath = await this.targetPidns(sandboxId, config);
      const sandboxFiles = this.sandboxFilesDir(sandboxId);
      const base = buildOciSpec({
        containerId: id,
        config,
        rootfs,
        sandbox: {
          hostname: sb.config.hostname,
          hostsPath: path.join(sandboxFiles, 'hosts'),
          resolvConfPath: path.join(sandboxFiles, 'resolv.conf'),
          hostnamePath: path.join(sandboxFiles, 'hostname'),
          ...(sb.shmPath !== undefined ? { shmPath: sb.shmPath } : {}),
          ...(sb.netnsPath !== undefined ? { netnsPath: sb.netnsPath } : {}),
          ...(sb.utsnsPath !== undefined ? { utsnsPath: sb.utsnsPath } : {}),
          ...(sb.ipcnsPath !== undefined ? { ipcnsPath: sb.ipcnsPath } : {}),
          hostPID: sb.config.hostPID,
          ...(sb.pidnsPath !== undefined ? { pidnsPath: sb.pidnsPath } : {}),
        },
        cgroupsPath,
        cgroupVersion: version,
        swapAccounting: await swapAccounting(this.dirs.cgroupRoot, version, sb.config.cgroupParent),
        privilegedCapabilities: this.caps.bounding,
        minOomScoreAdj: this.minOomScoreAdj,
        nofile: this.nofile,
        ...(targetPidnsPath !== undefined ? { targetPidnsPath } : {}),
      });
      // User and groups from the image's own /etc files, seccomp, sysctls, devices.
      let spec;
      try {
        spec = await secureOciSpec(base, config, {
          rootfs,
          readRootFile: this.imageFiles.reader(config.imageId, rootfs),
          x32: this.x32,
        });
      } catch (err) {
        throw new RuntimeError(`failed to create container "${config.name}": ${errorMessage(err)}`);
      }
      await writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec), {
        mode: 0o600,
      });
      const started = await this.hostOps.run(
        HOST_OP.create,
        () =>
          startConmon({
            conmonPath: this.conmonPath,
            runcPath: this.runc.path,
            runcRoot: this.dirs.runcRoot,
            containerId: id,
            name: config.name,
            bundleDir: bundle,
            exitDir: this.dirs.exits,
            socketDir: this.dirs.attach,
            logPath: config.logPath,
            terminal: config.tty,
            stdin: config.stdin,
            stdinOnce: config.stdinOnce,
            clock: this.clock,
          }),
        signal,
      );
      // runc reads the host's mount table several times per container (tens of microseconds per
      // mount); without every running container's root in it, a node with many pods starts the
      // next container that much sooner. A root left mounted costs only that.
      await this.opts.images.detachRootfs(id).catch((err: unknown) => {
        log.warn("cannot detach the host's mount of the container root", { err });
      });
      // runc's init, which becomes the container's first process (same pid) at start.
      const initStat = await readProcStat(started.containerPid);
      const record: ContainerRecord = {
        version: 1,
        id,
        sandboxId,
        podUid: sb.config.podUid,
        config,
        createdAt: this.clock.now(),
        startedAt: 0,
        cgroupsPath,
        // Without a PID namespace of its own, a kill must reach every process of the container.
        hostPID: sb.config.hostPID || sb.pidnsPath !== undefined || targetPidnsPath !== undefined,
        initPid: started.containerPid,
        ...(initStat !== undefined ? { initStartTime: initStat.startTime } : {}),
      };
      await this.saveContainer(record);
      this.containers.set(id, { record, state: 'created', waiters: new Set() });
    } catch (err) {
      log.warn('container creation failed; undoing it', { err });
      await this.cleanupContainerFiles(id).catch((undoErr: unknown) => {
        log.error('undoing a failed container left something behind', { err: undoErr });
      });
      if (err instanceof RuntimeError || (err instanceof Error && err.name === 'AbortError')) {
        throw err;
      }
      throw new RuntimeError(`failed to create container "${config.name}": ${errorMessage(err)}`);
    }
    log.info('container created');
    return id;
  }

  async startContainer(id: string): Promise<void> {
    await this.ensureReady();
    const entry = this.containers.get(id);
    if (!entry) throw new RuntimeError(`failed to start container "${id}": container not found`);
    if (entry.state !== 'created' || entry.starting) {
      throw new RuntimeError(
        `failed to start container "${id}": container is ${entry.state}, not created`,
      );
    }
    await this.networks.beforeStart(entry.record.sandboxId, id);
    const start = async (): Promise<void> => {
      entry.record.startedAt = this.clock.now();
      try {
        await this.hostOps.run(HOST_OP.start, () => this.runc.start(id, entry.record.initPid));
      } catch (err) {
        entry.record.startedAt = 0;
        throw err;
      }
      if (entry.state === 'created') entry.state = 'running';
      await this.saveContainer(entry.record);
    };
    const starting = start();
    entry.starting = starting.catch(() => undefined);
    try {
      await starting;
    } finally {
      delete entry.starting;
    }
    this.emit('started', entry.record);
    this.log.info('container started', {
      container: entry.record.config.name,
      id,
      podUid: entry.record.podUid,
    });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.ensureReady();
    const entry = this.containers.get(id);
    if (!entry || entry.state === 'exited') return;
    if (entry.starting) await entry.starting;
    if (entry.state === 'running' && timeoutSeconds > 0) {
      const signal = entry.record.config.stopSignal || 'SIGTERM';
      const sent = await this.signalContainer(entry, signal, false);
      if (sent || stateOf(entry) === 'running') {
        if (await this.waitForExit(entry, timeoutSeconds * 1000)) return;
        this.log.info('container did not stop in time; killing it', {
          container: entry.record.config.name,
          id,
          timeoutSeconds,
        });
      }
    }
    await this.kill(entry);
  }

  async removeContainer(id: string): Promise<void> {
    await this.ensureReady();
    const entry = this.containers.get(id);
    if (!entry) return;
    if (entry.state !== 'exited') await this.kill(entry);
    await this.cleanupContainerFiles(id);
    this.containers.delete(id);
    this.emit('removed', entry.record);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    await this.ensureReady();
    await this.reconcileExits();
    const entry = this.containers.get(id);
    return entry ? this.containerStatusOf(entry) : undefined;
  }

  async listContainers(
    filter: { sandboxId?: string; podUid?: string } = {},
  ): Promise<ContainerStatus[]> {
    await this.ensureReady();
    await this.reconcileExits();
    const out: ContainerStatus[] = [];
    for (const entry of this.containers.values()) {
      if (filter.sandboxId !== undefined && entry.record.sandboxId !== filter.sandboxId) continue;
      if (filter.podUid !== undefined && entry.record.podUid !== filter.podUid) continue;
      out.push(this.containerStatusOf(entry));
    }
    return out;
  }

  async reopenContainerLog(id: string): Promise<void> {
    await this.ensureReady();
    const entry = this.containers.get(id);
    const fail = (why: string): RuntimeError =>
      new RuntimeError(`failed to reopen the log of container "${id}": ${why}`);
    if (!entry) throw fail('container not found');
    if (entry.state !== 'running') throw fail('container is not running');
    // conmon's control FIFO takes "<type> <height> <width>"; type 2 reopens the log. Opened
    // without blocking: if no conmon reads it (it exited), the open fails instead of waiting.
    let ctl;
    try {
      ctl = await open(
        path.join(this.dirs.bundles, id, 'ctl'),
        constants.O_WRONLY | constants.O_NONBLOCK,
      );
      await ctl.write('2 0 0\n');
    } catch (err) {
      throw fail(errorMessage(err));
    } finally {
      await ctl?.close();
    }
    // conmon syncs and closes the old file, then renames a new one into place. Once it has the
    // request it carries it out, however late (its fsync can take seconds on a busy disk). So a
    // slow conmon is not a failure: the caller would undo its rotation by renaming the old file
    // back to the path, where conmon's new file then replaces it, or which replaces conmon's new
    // file and sends the lines conmon writes next into an unlinked file.
    const logPath = entry.record.config.logPath;
    for (let waited = 0; !(await exists(logPath)); waited += 10) {
      if (waited >= REOPEN_LOG_WAIT_MS) {
        this.log.warn('conmon has not reopened the container log yet; it will', {
          containerId: id,
          path: logPath,
          waitedMs: waited,
        });
        return;
      }
      await this.clock.sleep(10);
    }
  }

  /** CRI ExecSync: see ContainerCommandRunner (runc-exec.ts does the work). */
  async execSync(
    containerId: string,
    cmd: readonly string[],
    timeoutSeconds: number,
    signal?: AbortSignal,
  ): Promise<ExecSyncResult> {
    await this.ensureReady();
    const entry = this.containers.get(containerId);
    if (!entry) throw new RuntimeError(`container "${containerId}" not found`);
    if (entry.state !== 'running') {
      throw new RuntimeError(`container "${containerId}" is not running (${entry.state})`);
    }
    return runcExec({
      runcPath: this.runc.path,
      runcRoot: this.dirs.runcRoot,
      containerId,
      bundleDir: path.join(this.dirs.bundles, containerId),
      cmd,
      timeoutSeconds,
      clock: this.clock,
      ...(signal ? { signal } : {}),
    });
  }

  // ---------------------------------------------------------------- streaming (streaming.ts)

  /** StreamingRuntime: a command with the client's streams (kubectl exec). */
  async exec(req: ExecRequest): Promise<{ exitCode: number }> {
    const bundleDir = await this.streamingBundle(req.containerId);
    return runcStreamExec({
      runcPath: this.runc.path,
      runcRoot: this.dirs.runcRoot,
      containerId: req.containerId,
      bundleDir,
      req,
      logger: this.log,
    });
  }

  /** StreamingRuntime: the main process's stdio through conmon's attach socket (kubectl attach). */
  async attach(req: AttachRequest): Promise<void> {
    const bundleDir = await this.streamingBundle(req.containerId);
    return conmonAttach({
      socketDir: path.join(this.dirs.attach, req.containerId),
      ctlPath: path.join(bundleDir, 'ctl'),
      containerStdin: this.containers.get(req.containerId)?.record.config.stdin === true,
      req,
      logger: this.log,
    });
  }

  /** StreamingRuntime: a port in the sandbox's network namespace (kubectl port-forward). */
  async portForward(req: PortForwardRequest): Promise<void> {
    await this.ensureReady();
    const rec = this.sandboxes.get(req.sandboxId);
    if (!rec || rec.state !== 'ready') {
      throw new StreamingError(`pod sandbox ${JSON.stringify(req.sandboxId)} is not ready`);
    }
    return netnsPortForward({
      netnsPath: rec.config.hostNetwork ? undefined : rec.netnsPath,
      req,
      logger: this.log,
    });
  }

  /** The bundle of a running container, or the error the client sees. */
  private async streamingBundle(id: string): Promise<string> {
    await this.ensureReady();
    const entry = this.containers.get(id);
    if (!entry) throw new StreamingError(`container ${JSON.stringify(id)} not found`);
    if (entry.state !== 'running') {
      throw new StreamingError(`container ${JSON.stringify(id)} is not running (${entry.state})`);
    }
    return path.join(this.dirs.bundles, id);
  }

  subscribe(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.exitWatcher.stop();
    await this.ready.catch(() => undefined);
    this.exitWatcher.stop();
    // With nothing left for the volatile state to describe, no mount stays behind either, so a
    // stopped node's data dir can be removed like any directory. Never lazily: a process with a
    // file or its working directory there (conmon) keeps the mount busy, and it stays.
    if (this.containers.size === 0 && this.sandboxes.size === 0) {
      await unmountAll([this.dirs.run], this.clock).catch((err: unknown) => {
        this.log.warn('volatile runtime state stays mounted', { dir: this.dirs.run, err });
      });
    }
  }

  // ---------------------------------------------------------------- exits

  /** Processes conmon's exit file for `id` (idempotent): records the exit and tells listeners. */
  private async handleExit(id: string): Promise<void> {
    const entry = this.containers.get(id);
    if (!entry || entry.state === 'exited' || entry.record.exit) return;
    if (entry.starting) await entry.starting;
    const exit = await readExitFile(this.dirs.exits, id);
    // Another call may have finished while we read.
    if (!exit || exitOf(entry)) return;
    const oom =
      (await exists(path.join(this.dirs.bundles, id, 'oom'))) ||
      (await cgroupOomKilled(
        this.dirs.cgroupRoot,
        this.opts.cgroups.version,
        entry.record.cgroupsPath,
      ));
    if (exitOf(entry)) return;
    const info: ExitInfo = {
      exitCode: exit.exitCode,
      finishedAt: Math.max(exit.finishedAt, entry.record.startedAt),
      reason: oom ? 'OOMKilled' : exit.exitCode === 0 ? 'Completed' : 'Error',
      message: '',
    };
    const wasRunning = entry.state === 'running';
    entry.record.exit = info;
    entry.state = 'exited';
    for (const w of entry.waiters) w();
    entry.waiters.clear();
    this.log.info('container exited', {
      container: entry.record.config.name,
      id,
      podUid: entry.record.podUid,
      exitCode: info.exitCode,
      reason: info.reason,
    });
    if (wasRunning) this.emit('exited', entry.record);
    if (this.containers.has(id)) {
      await this.saveContainer(entry.record).catch((err: unknown) => {
        this.log.error('cannot record container exit', { id, err });
      });
    }
  }

  /**
   * Safety net, run on list and status calls: exit files whose inotify event was missed are
   * processed now, and a running container whose conmon is gone (killed, e.g. by a service
   * manager stopping the agent's whole cgroup) is checked with runc, since no exit file will come.
   * Concurrent callers share one pass, and the conmons are looked at in parallel and at most once
   * per MONITOR_CHECK_INTERVAL_MS (the PLEG's relist period): looking at every container's conmon,
   * one after another, on every call (each pod worker's status calls, each relist) made starting
   * or deleting 100 pods at once quadratic, tens of seconds on two cores.
   */
  private reconcileExits(): Promise<void> {
    this.reconciling ??= this.reconcileExitsOnce().finally(() => {
      this.reconciling = undefined;
    });
    return this.reconciling;
  }

  private async reconcileExitsOnce(): Promise<void> {
    const live = [...this.containers.values()].filter((e) => e.state !== 'exited' && !e.starting);
    if (live.length === 0) return;
    const exited = new Set(await this.exitWatcher.scan());
    for (const entry of live) {
      if (exited.has(entry.record.id)) await this.handleExit(entry.record.id);
    }
    const now = this.clock.now();
    if (now - this.monitorsCheckedAt < MONITOR_CHECK_INTERVAL_MS) return;
    this.monitorsCheckedAt = now;
    const unmonitored = await Promise.all(
      live
        .filter((e) => !exited.has(e.record.id))
        .map(async (e) => ((await this.conmonAlive(e.record.id)) ? undefined : e)),
    );
    for (const entry of unmonitored) {
      if (entry === undefined || stateOf(entry) === 'exited') continue;
      const id = entry.record.id;
      const st = await this.runc.state(id).catch(() => undefined);
      if (st?.status === 'running' || st?.status === 'created' || st?.status === 'paused') continue;
      // Last look: conmon may have written the file just before it went.
      await this.handleExit(id);
      if (stateOf(entry) === 'exited') continue;
      const wasRunning = entry.state === 'running';
      await this.recordLostExit(entry, 'its monitor is gone');
      if (wasRunning) this.emit('exited', entry.record);
    }
  }

  /** Resolves true once `entry` has exited, false after `ms`. */
  private waitForExit(entry: ContainerEntry, ms: number): Promise<boolean> {
    if (entry.state === 'exited') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        cancel();
        entry.waiters.delete(done);
        resolve(true);
      };
      const cancel = this.clock.setTimeout(() => {
        entry.waiters.delete(done);
        // One direct look at the exit file before giving up, in case a watch event was lost.
        void this.handleExit(entry.record.id).then(() => {
          resolve(entry.state === 'exited');
        });
      }, ms);
      entry.waiters.add(done);
    });
  }

  /**
   * The PID namespace of `config.targetContainerId`, through its init's /proc entry (what CRI-O
   * does for NamespaceMode TARGET): only a running container of the same sandbox qualifies. The
   * pid is read after the state check, and a container whose init exits takes its namespace with
   * it, so a recycled pid could only be met if the target died in between; runc then fails or the
   * new container dies with the namespace's init, as it would have anyway.
   */
  private async targetPidns(
    sandboxId: string,
    config: ContainerConfig,
  ): Promise<string | undefined> {
    const targetId = config.targetContainerId;
    if (targetId === undefined) return undefined;
    const target = this.containers.get(targetId);
    const st =
      target?.record.sandboxId === sandboxId && target.state === 'running'
        ? await this.runc.state(targetId).catch(() => undefined)
        : undefined;
    if (st?.status !== 'running' || st.pid <= 0) {
      throw new RuntimeError(
        `failed to create container "${config.name}": target container "${targetId}" is not running in pod sandbox "${sandboxId}"`,
      );
    }
    return `/proc/${st.pid}/ns/pid`;
  }

  /**
   * Sends `signal` to the container's init as `runc kill` does, without starting runc (a process
   * costs a few milliseconds of CPU): the init's pid and start time, recorded at create, tell
   * whether it still runs, as runc checks them. With `all` (every process of the cgroup), for a
   * signal Node has no number for, or for a record made without them, runc does it. Resolves
   * false when there is nothing to signal any more.
   */
  private async signalContainer(
    entry: ContainerEntry,
    signal: string,
    all: boolean,
  ): Promise<boolean> {
    const { id, initPid, initStartTime } = entry.record;
    const signum = signalNumber(signal);
    if (all || initPid === undefined || initStartTime === undefined || signum === undefined) {
      return this.runc.kill(id, signal, all);
    }
    if (!(await processRunning(initPid, initStartTime))) return false;
    try {
      process.kill(initPid, signum);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw new RuntimeError(`failed to send ${signal} to container ${id}: ${errorMessage(err)}`);
    }
  }

  /** SIGKILL (every process of the container when it shares the host's PID namespace), wait for the exit. */
  private async kill(entry: ContainerEntry): Promise<void> {
    if (entry.starting) await entry.starting;
    if (entry.state === 'exited') return;
    const id = entry.record.id;
    const sent = await this.signalContainer(entry, 'SIGKILL', entry.record.hostPID);
    if (!sent && stateOf(entry) !== 'exited') {
      // runc says it is not running: the exit file is on its way, or conmon is gone.
      await this.handleExit(id);
      if (stateOf(entry) !== 'exited' && !(await this.conmonAlive(id))) {
        await this.recordLostExit(entry, 'its monitor is gone');
        return;
      }
    }
    if (await this.waitForExit(entry, this.opts.killTimeoutMs ?? 10_000)) return;
    throw new RuntimeError(
      `failed to stop container "${id}": it did not exit within ${Math.round((this.opts.killTimeoutMs ?? 10_000) / 1000)}s of SIGKILL`,
    );
  }

  // ---------------------------------------------------------------- cleanup

  /** Everything a container leaves on the host except its log: runc state, conmon, rootfs, files. */
  private async cleanupContainerFiles(id: string): Promise<void> {
    await this.hostOps.run(HOST_OP.teardown, () => this.deleteRuncState(id));
    // conmon writes its exit files and leaves right after the container ends; let it finish so
    // nothing is written after we removed the bundle.
    for (let i = 0; i < 100 && (await this.conmonAlive(id)); i++) await this.clock.sleep(50);
    await this.hostOps.run(HOST_OP.teardown, () => this.opts.images.unmountRootfs(id));
    await rm(path.join(this.dirs.exits, id), { force: true });
    await rm(path.join(this.dirs.attach, id), { force: true, recursive: true });
    await rm(path.join(this.dirs.bundles, id), { recursive: true, force: true });
    await rm(path.dirname(this.recordPath(id)), { recursive: true, force: true });
  }

  /**
   * What `runc delete` does for an exited container with a PID namespace of its own, without
   * starting runc (a Go program, ~10 ms of CPU here, twice per pod): remove its cgroup (one rmdir
   * per hierarchy) and runc's state directory (`<runc root>/<id>`). runc would also run OCI
   * poststop hooks, which our specs never have. Anything else is left to `runc delete --force`:
   * no record, a container still running or without its own PID namespace (runc kills what is
   * left in its cgroup), or a cgroup the kernel refuses to remove because processes are in it.
   */
  private async deleteRuncState(id: string): Promise<void> {
    const rec = this.containers.get(id)?.record;
    const exited =
      rec !== undefined &&
      !rec.hostPID &&
      rec.initPid !== undefined &&
      rec.initStartTime !== undefined &&
      !(await processRunning(rec.initPid, rec.initStartTime));
    if (exited && (await this.opts.cgroups.removeContainerCgroup(rec.cgroupsPath))) {
      await rm(path.join(this.dirs.runcRoot, id), { recursive: true, force: true });
      return;
    }
    await this.runc.delete(id);
  }

  private async releaseSandboxMounts(rec: SandboxRecord): Promise<void> {
    if (rec.pidnsPath !== undefined) {
      await stopPidNamespace(this.pidnsOptions(rec.id, rec.config.cgroupParent));
    }
    await unpinNamespaces(
      {
        ...(rec.netnsPath !== undefined ? { netnsPath: rec.netnsPath } : {}),
        ...(rec.utsnsPath !== undefined ? { utsnsPath: rec.utsnsPath } : {}),
        ...(rec.ipcnsPath !== undefined ? { ipcnsPath: rec.ipcnsPath } : {}),
      },
      this.clock,
      rec.shmPath !== undefined ? [rec.shmPath] : [],
    );
  }

  private async cleanupSandboxFiles(
    id: string,
    paths: { netnsPath: string; utsnsPath: string; ipcnsPath: string; shmPath: string },
  ): Promise<void> {
    await stopPidNamespace(this.pidnsOptions(id, ''));
    await unpinNamespaces(paths, this.clock, [paths.shmPath]);
    await this.removeSandboxDirs(id);
  }

  private async undoSandbox(rec: SandboxRecord): Promise<void> {
    if (rec.networkUp) {
      await this.opts.network.tearDown(this.attachment(rec)).catch((err: unknown) => {
        this.log.error('network teardown of a failed sandbox failed', { sandbox: rec.id, err });
      });
    }
    await this.releaseSandboxMounts(rec);
    await this.removeSandboxDirs(rec.id);
  }

  /** The record's directory and the volatile one (hosts, resolv.conf, hostname, /dev/shm). */
  private async removeSandboxDirs(id: string): Promise<void> {
    await rm(this.sandboxFilesDir(id), { recursive: true, force: true });
    await rm(path.join(this.dirs.sandboxes, id), { recursive: true, force: true });
  }

  private sandboxFilesDir(id: string): string {
    // Concatenated, not path.join'ed: every relist builds the paths of each sandbox of the node.
    return `${this.dirs.sandboxFiles}/${id}`;
  }

  // ---------------------------------------------------------------- helpers

  private pidnsOptions(id: string, cgroupParent: string): PidNamespaceOptions {
    return {
      id,
      sandboxDir: path.join(this.dirs.sandboxes, id),
      nsDir: this.dirs.ns,
      cgroupParent,
      runcPath: this.runc.path,
      runcRoot: this.dirs.runcRoot,
      clock: this.clock,
      x32: this.x32,
    };
  }

  /**
   * A shared PID namespace whose init died cannot be entered (and took the pod's processes with
   * it): the sandbox is stopped, network and all, and the kubelet recreates it, as upstream does
   * when the pause container dies.
   */
  private async checkPidNamespace(sb: SandboxRecord): Promise<void> {
    if (await pidNamespaceAlive(this.pidnsOptions(sb.id, sb.config.cgroupParent))) return;
    await this.stopPodSandbox(sb.id);
    throw new RuntimeError(
      `pod sandbox "${sb.id}" is not ready: the init of its shared PID namespace exited`,
    );
  }

  private attachment(rec: SandboxRecord): PodNetworkAttachment {
    return {
      sandboxId: rec.id,
      podName: rec.config.podName,
      podNamespace: rec.config.podNamespace,
      podUid: rec.config.podUid,
      netnsPath: rec.netnsPath ?? '',
      portMappings: rec.config.portMappings,
      ...(rec.loopbackUp === true ? { loopbackUp: true } : {}),
    };
  }

  private saveSandbox(rec: SandboxRecord): Promise<void> {
    return writeJsonAtomic(path.join(this.dirs.sandboxes, rec.id, 'sandbox.json'), rec);
  }

  private saveContainer(rec: ContainerRecord): Promise<void> {
    return writeJsonAtomic(this.recordPath(rec.id), rec);
  }

  private recordPath(id: string): string {
    return path.join(this.dirs.containers, id, 'container.json');
  }

  private emit(type: ContainerEvent['type'], rec: ContainerRecord): void {
    const event: ContainerEvent = {
      type,
      containerId: rec.id,
      sandboxId: rec.sandboxId,
      podUid: rec.podUid,
    };
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.log.error('runtime event listener failed', { err });
      }
    }
  }

  private sandboxStatus(rec: SandboxRecord): PodSandboxStatus {
    const dir = this.sandboxFilesDir(rec.id);
    return {
      id: rec.id,
      config: rec.config,
      state: rec.state,
      createdAt: rec.createdAt,
      ips: [...rec.ips],
      hostsPath: `${dir}/hosts`,
      resolvConfPath: `${dir}/resolv.conf`,
      hostnamePath: `${dir}/hostname`,
    };
  }

  private containerStatusOf(entry: ContainerEntry): ContainerStatus {
    const r = entry.record;
    return {
      id: r.id,
      sandboxId: r.sandboxId,
      podUid: r.podUid,
      name: r.config.name,
      attempt: r.config.attempt,
      state: entry.state,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.exit?.finishedAt ?? 0,
      exitCode: r.exit?.exitCode ?? 0,
      reason: r.exit?.reason ?? '',
      message: r.exit?.message ?? '',
      imageRef: r.config.imageRef,
      imageId: r.config.imageId,
      logPath: r.config.logPath,
      labels: r.config.labels,
      annotations: r.config.annotations,
    };
  }
}
