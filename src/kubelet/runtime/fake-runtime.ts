/**
 * An in-memory `ContainerRuntime` for unit and integration tests and for scale simulation. It keeps
 * the real runtime's contract (checked by the same conformance suite as `RuncRuntime`), with time
 * taken from an injected Clock so tests step it instead of sleeping.
 *
 * The machine and the agent are kept apart, as they are with runc + conmon:
 *   - `FakeRuntimeState` is the machine: sandboxes, containers and their "processes" (scripted exits
 *     run on the state's clock even while no runtime instance is attached).
 *   - `FakeRuntime` is the agent's view of it. `new FakeRuntime({ clock, state: old.state })` after
 *     `old.close()` simulates an agent restart: the new instance lists the same sandboxes and
 *     containers, running ones still running, with unchanged ids.
 *
 * Container lifecycle (same as runc's):
 *
 *   createContainer ──▶ created ──startContainer──▶ running ──exit / stop / kill──▶ exited
 *                          │                                                          │
 *                          └──────────────────── removeContainer ◀────────────────────┘
 *
 * Test hooks: `exitContainer` (exit with a code, or OOM), `failNext` (the next call of an operation
 * rejects with a RuntimeError carrying the given message), and `behavior` (per-container script:
 * exit after some time, ignore the stop signal, fail create/start). Events are delivered in a
 * microtask after the state change, never synchronously inside the call that caused them.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../util/index.ts';
import { throwIfAborted, errorMessage } from '../../util/index.ts';
import type { ImageService } from '../images/index.ts';
import type { PodNetwork, PodNetworkAttachment } from '../network/index.ts';
import {
  ExecSyncTimeoutError,
  RuntimeError,
  type ContainerCommandRunner,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerRuntime,
  type ContainerState,
  type ContainerStatus,
  type ExecSyncResult,
  type PodSandboxConfig,
  type PodSandboxStatus,
  type StartedPodSandbox,
  type SandboxState,
} from './types.ts';
import { PendingNetworks } from './pending-networks.ts';
import { signalNumber } from './signals.ts';

/** What a fake container does once started; returned by `FakeRuntimeOptions.behavior`. */
export interface FakeContainerBehavior {
  /** Exit on its own this many milliseconds (on the clock) after start. */
  readonly exitAfterMs?: number;
  /** The exit code for `exitAfterMs`; default 0. */
  readonly exitCode?: number;
  /** Exit as killed by the OOM killer (exit code 137, reason OOMKilled) after `exitAfterMs`. */
  readonly oomKilled?: boolean;
  /** Keep running on the stop signal, so `stopContainer` waits out its timeout and SIGKILLs. */
  readonly ignoreStopSignal?: boolean;
  /** The exit code when the stop signal ends it; default 128 + signal number (143 for SIGTERM). */
  readonly stopExitCode?: number;
  /** Make `createContainer` fail with this message. */
  readonly createError?: string;
  /** Make `startContainer` fail with this message (the container stays `created`). */
  readonly startError?: string;
}

export type FakeRuntimeOperation =
  | 'runPodSandbox'
  | 'startPodSandbox'
  | 'stopPodSandbox'
  | 'removePodSandbox'
  | 'createContainer'
  | 'startContainer'
  | 'stopContainer'
  | 'removeContainer';

export interface FakeRuntimeCall {
  readonly op: FakeRuntimeOperation;
  /**
   * The sandbox or container id, or for run/startPodSandbox and createContainer the pod uid /
   * container name.
   */
  readonly target: string;
}

interface FakeSandbox {
  readonly id: string;
  readonly config: PodSandboxConfig;
  state: SandboxState;
  readonly createdAt: number;
  ips: string[];
  networkUp: boolean;
}

interface FakeContainer {
  readonly id: string;
  readonly sandboxId: string;
  readonly config: ContainerConfig;
  readonly behavior: FakeContainerBehavior;
  state: ContainerState;
  readonly createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  /** Cancels the scripted exit timer. */
  cancelExit?: () => void;
  /** Resolvers of stopContainer calls waiting for the exit. */
  waiters: (() => void)[];
}

/** The current state, read through a call so that checks after an await are not narrowed away. */
function stateOf(c: FakeContainer): ContainerState {
  return c.state;
}

interface Failure {
  readonly message: string;
  remaining: number;
}

/**
 * The machine a FakeRuntime drives. Share it between instances to simulate an agent restart;
 * inspect it in tests (`sandboxCount`, `containerCount`).
 */
export class FakeRuntimeState {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  /** The attached runtime instances; exits that happen while none is attached are just recorded. */
  readonly instances = new Set<FakeRuntime>();
  private nextIp = 2;

  get sandboxCount(): number {
    return this.sandboxes.size;
  }

  get containerCount(): number {
    return this.containers.size;
  }

  allocateIp(): string {
    const n = this.nextIp++;
    return `10.88.${Math.floor(n / 256) % 256}.${n % 256}`;
  }
}

export interface FakeRuntimeOptions {
  readonly clock: Clock;
  /** The machine to run on; a fresh one by default. Pass another instance's `state` to adopt. */
  readonly state?: FakeRuntimeState;
  /** When given, sandboxes call its setUp/tearDown (else addresses come from 10.88.0.0/16). */
  readonly network?: PodNetwork;
  /** When given, containers mount and unmount their root through it (and creation fails for unknown images). */
  readonly images?: ImageService;
  /** Per-container script; called at createContainer. */
  readonly behavior?: (config: ContainerConfig, sandbox: PodSandboxConfig) => FakeContainerBehavior;
  /** Where made-up sandbox files live; default `/fake/podbay/runtime`. */
  readonly rootDir?: string;
  /**
   * What `execSync` runs (exec probes, hooks); default: exit code 0 with no output. May return a
   * promise that never settles to simulate a command that hangs until its timeout.
   */
  readonly exec?: FakeExecHandler;
}

/** A fake command: gets the container's status and the argv, returns what the command did. */
export type FakeExecHandler = (
  container: ContainerStatus,
  cmd: readonly string[],
) => ExecSyncResult | Promise<ExecSyncResult>;

function newId(): string {
  return randomBytes(32).toString('hex');
}

export class FakeRuntime implements ContainerRuntime, ContainerCommandRunner {
  readonly state: FakeRuntimeState;
  private readonly clock: Clock;
  private readonly network: PodNetwork | undefined;
  private readonly images: ImageService | undefined;
  private readonly behavior: FakeRuntimeOptions['behavior'];
  private readonly rootDir: string;
  private readonly listeners = new Set<(event: ContainerEvent) => void>();
  private readonly failures = new Map<FakeRuntimeOperation, Failure>();
  private readonly log: FakeRuntimeCall[] = [];
  private readonly networks = new PendingNetworks();
  private closed = false;
  /** What execSync runs; tests may replace it at any time. */
  execHandler: FakeExecHandler;

  constructor(opts: FakeRuntimeOptions) {
    this.clock = opts.clock;
    this.state = opts.state ?? new FakeRuntimeState();
    this.network = opts.network;
    this.images = opts.images;
    this.behavior = opts.behavior;
    this.rootDir = opts.rootDir ?? '/fake/podbay/runtime';
    this.execHandler =
      opts.exec ?? (() => ({ exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }));
    this.state.instances.add(this);
  }

  // ---- test hooks ----

  /**
   * Makes the next `times` calls (default 1) of `op` reject with a RuntimeError carrying `message`
   * (Infinity: until `clearFailures`). Nothing changes in the state for a failed call.
   */
  failNext(op: FakeRuntimeOperation, message: string, times = 1): void {
    this.failures.set(op, { message, remaining: times });
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /**
   * Ends a running (or created) container as if its process exited: with `exitCode`, or as killed
   * by the OOM killer (`oomKilled`: exit code 137 unless given, reason OOMKilled).
   */
  exitContainer(
    id: string,
    exitCode: number,
    opts: { oomKilled?: boolean; message?: string } = {},
  ): void {
    const c = this.state.containers.get(id);
    if (!c) throw new RuntimeError(`container ${id} not found`);
    if (c.state !== 'running' && c.state !== 'created') return;
    markExited(this.state, c, this.clock.now(), {
      exitCode,
      reason: opts.oomKilled ? 'OOMKilled' : undefined,
      message: opts.message ?? '',
    });
  }

  /** Every call so far (also the failed ones), in order. */
  calls(): readonly FakeRuntimeCall[] {
    return [...this.log];
  }

  // ---- ContainerRuntime ----

  // eslint-disable-next-line @typescript-eslint/require-await
  async version(): Promise<{ name: string; version: string }> {
    return { name: 'fake', version: '0.1.0' };
  }

  async runPodSandbox(config: PodSandboxConfig, signal?: AbortSignal): Promise<string> {
    const { id, network } = this.startSandbox('runPodSandbox', config, signal);
    try {
      await network;
    } catch (err) {
      // Leave nothing half-done, as the real runtime does: undo the network, no sandbox.
      await this.removePodSandbox(id).catch(() => undefined);
      throw err;
    }
    return id;
  }

  startPodSandbox(config: PodSandboxConfig, signal?: AbortSignal): Promise<StartedPodSandbox> {
    // What startSandbox throws becomes a rejection, as with the real runtime.
    return new Promise((resolve) => {
      resolve(this.startSandbox('startPodSandbox', config, signal));
    });
  }

  private startSandbox(
    op: 'runPodSandbox' | 'startPodSandbox',
    config: PodSandboxConfig,
    signal: AbortSignal | undefined,
  ): StartedPodSandbox {
    this.record(op, config.podUid);
    throwIfAborted(signal);
    const id = newId();
    const sb: FakeSandbox = {
      id,
      config,
      state: 'ready',
      createdAt: this.clock.now(),
      ips: [],
      networkUp: !config.hostNetwork,
    };
    this.state.sandboxes.set(id, sb);
    const network = config.hostNetwork ? Promise.resolve() : this.setUpNetwork(sb, signal);
    this.networks.track(id, network);
    return { id, network };
  }

  private async setUpNetwork(sb: FakeSandbox, signal: AbortSignal | undefined): Promise<void> {
    if (!this.network) {
      sb.ips = [this.state.allocateIp()];
      return;
    }
    try {
      sb.ips = (await this.network.setUp(this.attachment(sb.id, sb.config), signal)).ips;
    } catch (err) {
      throw new RuntimeError(`failed to set up network for sandbox ${sb.id}: ${errorMessage(err)}`);
    }
  }

  async stopPodSandbox(id: string): Promise<void> {
    this.record('stopPodSandbox', id);
    const sb = this.state.sandboxes.get(id);
    if (!sb) return;
    await this.networks.settled(id);
    for (const c of this.state.containers.values()) {
      if (c.sandboxId === id && (c.state === 'running' || c.state === 'created')) {
        markExited(this.state, c, this.clock.now(), { exitCode: 137, message: '' });
      }
    }
    if (sb.networkUp && this.network) {
      try {
        await this.network.tearDown(this.attachment(id, sb.config));
      } catch (err) {
        throw new RuntimeError(
          `failed to tear down network of sandbox ${id}: ${errorMessage(err)}`,
        );
      }
    }
    sb.networkUp = false;
    sb.state = 'notready';
  }

  async removePodSandbox(id: string): Promise<void> {
    this.record('removePodSandbox', id);
    const sb = this.state.sandboxes.get(id);
    if (!sb) return;
    await this.stopPodSandbox(id);
    for (const c of [...this.state.containers.values()]) {
      if (c.sandboxId === id) await this.removeContainer(c.id);
    }
    this.state.sandboxes.delete(id);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined> {
    const sb = this.state.sandboxes.get(id);
    return sb ? this.sandboxStatus(sb) : undefined;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async listPodSandboxes(filter: { podUid?: string } = {}): Promise<PodSandboxStatus[]> {
    return [...this.state.sandboxes.values()]
      .filter((sb) => filter.podUid === undefined || sb.config.podUid === filter.podUid)
      .map((sb) => this.sandboxStatus(sb));
  }

  async createContainer(
    sandboxId: string,
    config: ContainerConfig,
    signal?: AbortSignal,
  ): Promise<string> {
    this.record('createContainer', config.name);
    throwIfAborted(signal);
    const sb = this.state.sandboxes.get(sandboxId);
    if (!sb)
      throw new RuntimeError(
        `failed to create container ${config.name}: sandbox ${sandboxId} not found`,
      );
    if (sb.state !== 'ready') {
      throw new RuntimeError(
        `failed to create container ${config.name}: sandbox ${sandboxId} is not ready`,
      );
    }
    const target =
      config.targetContainerId !== undefined
        ? this.state.containers.get(config.targetContainerId)
        : undefined;
    if (
      config.targetContainerId !== undefined &&
      (target?.sandboxId !== sandboxId || target.state !== 'running')
    ) {
      throw new RuntimeError(
        `failed to create container ${config.name}: target container ${config.targetContainerId} is not running in sandbox ${sandboxId}`,
      );
    }
    const behavior = this.behavior?.(config, sb.config) ?? {};
    if (behavior.createError !== undefined) {
      throw new RuntimeError(`failed to create container ${config.name}: ${behavior.createError}`);
    }
    const id = newId();
    if (this.images) {
      try {
        await this.images.mountRootfs(id, config.imageId);
        // As RuncRuntime does once runc has created the container.
        await this.images.detachRootfs(id);
      } catch (err) {
        throw new RuntimeError(`failed to create container ${config.name}: ${errorMessage(err)}`);
      }
    }
    this.state.containers.set(id, {
      id,
      sandboxId,
      config,
      behavior,
      state: 'created',
      createdAt: this.clock.now(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
      waiters: [],
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.record('startContainer', id);
    const c = this.state.containers.get(id);
    if (!c) throw new RuntimeError(`failed to start container ${id}: container not found`);
    if (c.state !== 'created') {
      throw new RuntimeError(
        `failed to start container ${id}: container is ${c.state}, not created`,
      );
    }
    await this.networks.beforeStart(c.sandboxId, id);
    // Stopped or removed while it waited (the sandbox's removal takes its containers).
    const now = stateOf(c);
    if (now !== 'created') {
      throw new RuntimeError(`failed to start container ${id}: container is ${now}, not created`);
    }
    if (c.behavior.startError !== undefined) {
      throw new RuntimeError(`failed to start container ${id}: ${c.behavior.startError}`);
    }
    c.state = 'running';
    c.startedAt = this.clock.now();
    emit(this.state, {
      type: 'started',
      containerId: id,
      sandboxId: c.sandboxId,
      podUid: this.podUidOf(c),
    });
    const after = c.behavior.exitAfterMs;
    if (after !== undefined) {
      const state = this.state;
      const clock = this.clock;
      c.cancelExit = clock.setTimeout(() => {
        if (c.state !== 'running') return;
        const oom = c.behavior.oomKilled === true;
        markExited(state, c, clock.now(), {
          exitCode: oom ? 137 : (c.behavior.exitCode ?? 0),
          reason: oom ? 'OOMKilled' : undefined,
          message: '',
        });
      }, after);
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.record('stopContainer', id);
    const c = this.state.containers.get(id);
    if (!c) return;
    if (c.state === 'created') {
      // Never started: its init is SIGKILLed where it waits, as `runc kill` does.
      markExited(this.state, c, this.clock.now(), { exitCode: 137, message: '' });
      return;
    }
    if (c.state !== 'running') return;
    const exited = new Promise<void>((resolve) => {
      c.waiters.push(resolve);
    });
    if (!c.behavior.ignoreStopSignal) {
      const signum = signalNumber(c.config.stopSignal) ?? 15;
      markExited(this.state, c, this.clock.now(), {
        exitCode: c.behavior.stopExitCode ?? 128 + signum,
        message: '',
      });
      await exited;
      return;
    }
    const abort = new AbortController();
    const timedOut = this.clock
      .sleep(Math.max(0, timeoutSeconds) * 1000, abort.signal)
      .then(() => true)
      .catch(() => false);
    const killed = await Promise.race([timedOut, exited.then(() => false)]);
    abort.abort();
    // The state may have changed while we waited (an exit, a removal).
    if (killed && isRunning(c)) {
      markExited(this.state, c, this.clock.now(), { exitCode: 137, message: '' });
    }
    await exited;
  }

  async removeContainer(id: string): Promise<void> {
    this.record('removeContainer', id);
    const c = this.state.containers.get(id);
    if (!c) return;
    if (c.state === 'running' || c.state === 'created') {
      // CRI: a running container is removed forcibly.
      markExited(this.state, c, this.clock.now(), { exitCode: 137, message: '' });
    }
    c.cancelExit?.();
    if (this.images) await this.images.unmountRootfs(id);
    this.state.containers.delete(id);
    emit(this.state, {
      type: 'removed',
      containerId: id,
      sandboxId: c.sandboxId,
      podUid: this.podUidOf(c),
    });
  }

  /** Accepts the request for a running container; the fake writes no log files. */
  reopenContainerLog(id: string): Promise<void> {
    const state = this.state.containers.get(id)?.state;
    if (state === 'running') return Promise.resolve();
    const why = state === undefined ? 'container not found' : 'container is not running';
    return Promise.reject(
      new RuntimeError(`failed to reopen the log of container "${id}": ${why}`),
    );
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    const c = this.state.containers.get(id);
    return c ? this.containerStatusOf(c) : undefined;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async listContainers(
    filter: { sandboxId?: string; podUid?: string } = {},
  ): Promise<ContainerStatus[]> {
    const out: ContainerStatus[] = [];
    for (const c of this.state.containers.values()) {
      if (filter.sandboxId !== undefined && c.sandboxId !== filter.sandboxId) continue;
      if (filter.podUid !== undefined && this.podUidOf(c) !== filter.podUid) continue;
      out.push(this.containerStatusOf(c));
    }
    return out;
  }

  /** ContainerCommandRunner: runs `execHandler` for a running container, with the timeout on the clock. */
  async execSync(
    containerId: string,
    cmd: readonly string[],
    timeoutSeconds: number,
    signal?: AbortSignal,
  ): Promise<ExecSyncResult> {
    throwIfAborted(signal);
    const c = this.state.containers.get(containerId);
    if (!c) throw new RuntimeError(`container "${containerId}" not found`);
    if (c.state !== 'running') {
      throw new RuntimeError(`container "${containerId}" is not running (${c.state})`);
    }
    const run = Promise.resolve(this.execHandler(this.containerStatusOf(c), cmd));
    if (timeoutSeconds <= 0 && !signal) return run;
    const abort = new AbortController();
    const stopWaiting = (): void => {
      abort.abort();
    };
    signal?.addEventListener('abort', stopWaiting, { once: true });
    try {
      const timedOut =
        timeoutSeconds > 0
          ? this.clock.sleep(timeoutSeconds * 1000, abort.signal).then(() => {
              throw new ExecSyncTimeoutError(cmd, timeoutSeconds);
            })
          : new Promise<never>(() => undefined);
      const aborted = new Promise<never>((_, reject) => {
        abort.signal.addEventListener('abort', () => {
          if (signal?.aborted) reject(signal.reason as Error);
        });
      });
      timedOut.catch(() => undefined);
      return await Promise.race([run, timedOut, aborted]);
    } finally {
      signal?.removeEventListener('abort', stopWaiting);
      abort.abort();
    }
  }

  subscribe(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.state.instances.delete(this);
  }

  /** Delivers an event to this instance's listeners (called by the state for every attached instance). */
  deliver(event: ContainerEvent): void {
    if (this.closed) return;
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own; the others still hear the event.
      }
    }
  }

  // ---- helpers ----

  private record(op: FakeRuntimeOperation, target: string): void {
    if (this.closed) throw new RuntimeError('runtime is closed');
    this.log.push({ op, target });
    const f = this.failures.get(op);
    if (!f) return;
    f.remaining -= 1;
    if (f.remaining <= 0) this.failures.delete(op);
    throw new RuntimeError(f.message);
  }

  private attachment(id: string, config: PodSandboxConfig): PodNetworkAttachment {
    return {
      sandboxId: id,
      podName: config.podName,
      podNamespace: config.podNamespace,
      podUid: config.podUid,
      netnsPath: `/fake/netns/podbay-${id}`,
      portMappings: config.portMappings,
    };
  }

  private podUidOf(c: FakeContainer): string {
    return this.state.sandboxes.get(c.sandboxId)?.config.podUid ?? '';
  }

  private sandboxStatus(sb: FakeSandbox): PodSandboxStatus {
    const dir = `${this.rootDir}/sandboxes/${sb.id}`;
    return {
      id: sb.id,
      config: sb.config,
      state: sb.state,
      createdAt: sb.createdAt,
      ips: [...sb.ips],
      hostsPath: `${dir}/hosts`,
      resolvConfPath: `${dir}/resolv.conf`,
      hostnamePath: `${dir}/hostname`,
    };
  }

  private containerStatusOf(c: FakeContainer): ContainerStatus {
    return {
      id: c.id,
      sandboxId: c.sandboxId,
      podUid: this.podUidOf(c),
      name: c.config.name,
      attempt: c.config.attempt,
      state: c.state,
      createdAt: c.createdAt,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      exitCode: c.exitCode,
      reason: c.reason,
      message: c.message,
      imageRef: c.config.imageRef,
      imageId: c.config.imageId,
      logPath: c.config.logPath,
      labels: c.config.labels,
      annotations: c.config.annotations,
    };
  }
}

function isRunning(c: FakeContainer): boolean {
  return c.state === 'running';
}

function emit(state: FakeRuntimeState, event: ContainerEvent): void {
  queueMicrotask(() => {
    for (const r of state.instances) r.deliver(event);
  });
}

function markExited(
  state: FakeRuntimeState,
  c: FakeContainer,
  now: number,
  exit: { exitCode: number; reason?: string | undefined; message: string },
): void {
  const wasRunning = c.state === 'running';
  c.cancelExit?.();
  c.state = 'exited';
  c.finishedAt = now;
  c.exitCode = exit.exitCode;
  c.reason = exit.reason ?? (exit.exitCode === 0 ? 'Completed' : 'Error');
  c.message = exit.message;
  const waiters = c.waiters.splice(0);
  for (const w of waiters) w();
  if (wasRunning) {
    emit(state, {
      type: 'exited',
      containerId: c.id,
      sandboxId: c.sandboxId,
      podUid: state.sandboxes.get(c.sandboxId)?.config.podUid ?? '',
    });
  }
}
