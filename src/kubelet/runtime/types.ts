/**
 * The container runtime as the kubelet sees it: a CRI-shaped interface (pod sandboxes and the
 * containers in them), implemented by `RuncRuntime` (runc + conmon, with pinned namespaces for the
 * sandbox, CNI for its network, overlayfs roots from the image service) and by `FakeRuntime` for
 * tests and scale simulation. Only the composition root (src/cmd) picks one.
 *
 * Contract shared by every implementation (checked by the runtime conformance suite):
 *   - Ids are opaque, unique strings (64 hex characters for runc, like CRI-O).
 *   - Every call is idempotent where upstream CRI says so: stopping or removing something already
 *     stopped or gone succeeds; creating into a missing sandbox fails with `RuntimeError`.
 *   - State survives a restart of the process that uses it: a new instance over the same state
 *     directory lists the same sandboxes and containers (running ones still running, exited ones
 *     with their exit codes), so the kubelet adopts them instead of starting them again.
 *   - `subscribe` reports each container start and exit as soon as the runtime knows it (conmon's
 *     exit files, not polling); the kubelet's PLEG relists on every event and periodically.
 *   - Calls take an AbortSignal where they may block; none blocks the event loop.
 */

/** A port published on the host (`hostPort`), carried out by CNI's portmap plugin. */
export interface PortMapping {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly containerPort: number;
  readonly hostPort: number;
  /** Empty: all host addresses. */
  readonly hostIP: string;
}

export interface DnsConfig {
  readonly servers: readonly string[];
  readonly searches: readonly string[];
  readonly options: readonly string[];
}

/** Everything the runtime needs to set up a pod's shared namespaces, network and files. */
export interface PodSandboxConfig {
  readonly podUid: string;
  readonly podName: string;
  readonly podNamespace: string;
  /** Incremented when the kubelet has to recreate the sandbox of the same pod. */
  readonly attempt: number;
  /** The pod's hostname (pod name, or spec.hostname) and, when set, its subdomain FQDN. */
  readonly hostname: string;
  readonly hostDomain?: string;
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  readonly hostIPC: boolean;
  /** The pod cgroup the kubelet made (from `CgroupManager.ensurePodCgroup`). */
  readonly cgroupParent: string;
  readonly portMappings: readonly PortMapping[];
  /** resolv.conf for the pod; undefined with hostNetwork and dnsPolicy ClusterFirstWithHostNet… uses the host's. */
  readonly dns?: DnsConfig;
  /** Extra /etc/hosts lines (hostAliases), after the pod's own entries. */
  readonly hostAliases: readonly { readonly ip: string; readonly hostnames: readonly string[] }[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /**
   * spec.shareProcessNamespace: the pod's containers share one PID namespace, whose PID 1 is a
   * small init the runtime starts with the sandbox (it reaps orphaned processes, as upstream's
   * pause does). Undefined: false. Never together with hostPID (validation forbids it).
   */
  readonly shareProcessNamespace?: boolean;
}

export type SandboxState = 'ready' | 'notready';

export interface PodSandboxStatus {
  readonly id: string;
  readonly config: PodSandboxConfig;
  readonly state: SandboxState;
  /** Unix milliseconds. */
  readonly createdAt: number;
  /** The pod IPs (IPv4 first); empty with hostNetwork (the kubelet reports the node's IP). */
  readonly ips: readonly string[];
  /** Paths of the pod's /etc/hosts and /etc/resolv.conf, bind-mounted into every container. */
  readonly hostsPath: string;
  readonly resolvConfPath: string;
  /** /etc/hostname for the containers. */
  readonly hostnamePath: string;
}

export interface Mount {
  readonly containerPath: string;
  readonly hostPath: string;
  readonly readOnly: boolean;
  /** Mount a tmpfs here instead of a bind mount (hostPath is then ignored). */
  readonly tmpfs?: { readonly sizeBytes?: number };
}

/** Linux resources of one container, already mapped from requests/limits by the kubelet. */
export interface LinuxContainerResources {
  readonly cpuShares: number;
  /** CFS quota in microseconds per period; 0 or undefined: unlimited. */
  readonly cpuQuota?: number;
  readonly cpuPeriod: number;
  /** 0 or undefined: unlimited. */
  readonly memoryLimitBytes?: number;
  readonly oomScoreAdj: number;
  /** Undefined: no container-level pids limit. */
  readonly pidsLimit?: number;
}

/**
 * The seccomp profile of a container (CRI SecurityProfile). RuntimeDefault is the runtime's own
 * allow-list (containerd's/moby's default in effect); Localhost names a profile file on the node
 * (OCI `linux.seccomp` JSON), already resolved to an absolute path by the kubelet.
 */
export type SeccompProfileConfig =
  | { readonly type: 'RuntimeDefault' }
  | { readonly type: 'Unconfined' }
  | { readonly type: 'Localhost'; readonly path: string };

/**
 * Security settings of one container, from the pod's and the container's securityContext
 * (src/kubelet/security-context.ts, upstream determineEffectiveSecurityContext) and applied to the
 * OCI spec by the runtime (runtime/runc/oci-security.ts). Fields marked optional were added later;
 * leaving them out keeps the hardened default named on each.
 */
export interface LinuxContainerSecurity {
  /** All capabilities, all host devices, no masked paths, rw /sys, no seccomp. */
  readonly privileged: boolean;
  /** Ignored when `runAsUsername` is set. */
  readonly runAsUser: number;
  /** Ignored when `runAsGroupFromImage` is true. */
  readonly runAsGroup: number;
  /**
   * CRI run_as_username: the image's USER when it is a name (and no runAsUser overrides it). The
   * runtime resolves it in the container's own /etc/passwd, and fails the creation when it is
   * not there.
   */
  readonly runAsUsername?: string;
  /**
   * True when neither the pod nor the container set runAsGroup: the runtime then uses the user's
   * primary group from the container's /etc/passwd (0 when the user has no entry), as containerd
   * does. Undefined: false (runAsGroup is used as given).
   */
  readonly runAsGroupFromImage?: boolean;
  /** fsGroup first, then the pod's supplementalGroups (upstream's order). */
  readonly supplementalGroups: readonly number[];
  /**
   * Merge (default): the user's groups from the container's /etc/group are added to
   * supplementalGroups, as containerd does; Strict: only supplementalGroups (and the primary group).
   */
  readonly supplementalGroupsPolicy?: 'Merge' | 'Strict';
  /** As in the pod spec (`NET_ADMIN` or `CAP_NET_ADMIN`; `ALL`). */
  readonly capabilitiesAdd: readonly string[];
  readonly capabilitiesDrop: readonly string[];
  readonly readOnlyRootfs: boolean;
  /** no_new_privs; never set for privileged containers. */
  readonly noNewPrivileges: boolean;
  /** Undefined: RuntimeDefault (podbay's hardened default; upstream's is Unconfined). */
  readonly seccomp?: SeccompProfileConfig;
  /**
   * /proc and /sys paths hidden from the container (procMount Default: containerd's list;
   * Unmasked: none). Undefined: the default list. Privileged containers get none.
   */
  readonly maskedPaths?: readonly string[];
  /** Read-only /proc paths, same rules as maskedPaths. */
  readonly readonlyPaths?: readonly string[];
  /**
   * The pod's sysctls (spec.securityContext.sysctls, already admitted by the kubelet), set in the
   * pod's namespaces when the container starts. Undefined: none.
   */
  readonly sysctls?: Readonly<Record<string, string>>;
}

export interface ContainerConfig {
  /** The container's name in the pod spec. */
  readonly name: string;
  /** How many times this container has been started before (its restartCount). */
  readonly attempt: number;
  /** An image id (`sha256:<config digest>`) the image service knows. */
  readonly imageId: string;
  /** What the pod spec said (`image:`), reported back as status.image. */
  readonly imageRef: string;
  /** The final argv: image Entrypoint/Cmd already merged with command/args by the kubelet. */
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly workingDir: string;
  readonly mounts: readonly Mount[];
  /** Absolute path of the CRI-format log file conmon writes. */
  readonly logPath: string;
  readonly stdin: boolean;
  readonly stdinOnce: boolean;
  readonly tty: boolean;
  readonly resources: LinuxContainerResources;
  readonly security: LinuxContainerSecurity;
  /** Signal name sent by `stopContainer` first (image StopSignal, default SIGTERM). */
  readonly stopSignal: string;
  /** Kept with the container and returned in its status (the kubelet stores its bookkeeping here). */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /**
   * CRI NamespaceMode TARGET (an ephemeral container's targetContainerName): the container joins
   * the PID namespace of this running container of the same sandbox instead of getting its own,
   * so it sees and can signal the target's processes. A target that is not running in that
   * sandbox fails the creation with RuntimeError. Undefined: the sandbox's PID namespace mode.
   */
  readonly targetContainerId?: string;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  readonly id: string;
  readonly sandboxId: string;
  /** From the sandbox's config, for lookups. */
  readonly podUid: string;
  readonly name: string;
  readonly attempt: number;
  readonly state: ContainerState;
  /** Unix milliseconds; startedAt/finishedAt 0 until they happen. */
  readonly createdAt: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly exitCode: number;
  /** Set when exited: 'OOMKilled' when the kernel killed it for memory, 'Completed' for 0, else 'Error'. */
  readonly reason: string;
  readonly message: string;
  readonly imageRef: string;
  readonly imageId: string;
  readonly logPath: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export type ContainerEventType = 'started' | 'exited' | 'removed';

export interface ContainerEvent {
  readonly type: ContainerEventType;
  readonly containerId: string;
  readonly sandboxId: string;
  readonly podUid: string;
}

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
}

/** A sandbox whose network is being set up (ContainerRuntime.startPodSandbox). */
export interface StartedPodSandbox {
  readonly id: string;
  /**
   * Resolves once the network is set up, the pod's IPs in podSandboxStatus from then on. Rejects
   * when it cannot be, leaving the sandbox (no IPs, so a changed sandbox to the kubelet) for
   * removePodSandbox, which also takes the containers created in it meanwhile.
   */
  readonly network: Promise<void>;
}

/** Every runtime also runs commands in its containers (ExecSync, for exec probes and hooks). */
export interface ContainerRuntime extends ContainerCommandRunner {
  /** 'runc' or 'fake'; reported in the Node's containerRuntimeVersion (`runc://1.1.5`). */
  version(): Promise<{ name: string; version: string }>;

  /**
   * Creates the pod's namespaces (net, uts, ipc), its network, hosts/resolv.conf/hostname files.
   * On failure nothing of it is left.
   */
  runPodSandbox(config: PodSandboxConfig, signal?: AbortSignal): Promise<string>;
  /**
   * runPodSandbox without waiting for the network: resolves as soon as containers can be created
   * in the sandbox, its network being set up meanwhile (see StartedPodSandbox). A container whose
   * config needs the pod's IPs must be created after `network`; startContainer waits for it.
   */
  startPodSandbox(config: PodSandboxConfig, signal?: AbortSignal): Promise<StartedPodSandbox>;
  /** Stops every container of the sandbox (SIGKILL) and tears its network down. Idempotent. */
  stopPodSandbox(id: string): Promise<void>;
  /** Removes the sandbox and whatever is left of it (namespaces, files, containers). Idempotent. */
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus | undefined>;
  /** Every sandbox, or those of one pod. */
  listPodSandboxes(filter?: { podUid?: string }): Promise<PodSandboxStatus[]>;

  /** Prepares the root filesystem and the runc bundle; the container is `created`, not running. */
  createContainer(
    sandboxId: string,
    config: ContainerConfig,
    signal?: AbortSignal,
  ): Promise<string>;
  startContainer(id: string): Promise<void>;
  /**
   * Sends the stop signal, waits up to `timeoutSeconds`, then SIGKILL; resolves once exited.
   * Stopping an exited container succeeds at once.
   */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes an exited container: its bundle, rootfs mount and runtime state; keeps its log file. */
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus | undefined>;
  listContainers(filter?: { sandboxId?: string; podUid?: string }): Promise<ContainerStatus[]>;

  /**
   * CRI ReopenContainerLog: the container's monitor starts a new file at the container's log path,
   * after the log rotation moved the old one away. Resolves once the new file exists, or once the
   * monitor has the request but is slow to act on it (it still will). Fails (RuntimeError), and no
   * new file comes, for a container that is not running or whose monitor cannot be reached.
   */
  reopenContainerLog(id: string): Promise<void>;
  /** Container start/exit notifications; returns the unsubscribe function. */
  subscribe(listener: (event: ContainerEvent) => void): () => void;
  /** Releases watchers and timers; containers keep running. */
  close(): Promise<void>;
}

/** What `execSync` collected from one command run in a container. */
export interface ExecSyncResult {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/**
 * `execSync` ran out of time: the command was killed. The message is upstream's
 * (`command "sh -c sleep 5" timed out`), which exec probes report as their output.
 */
export class ExecSyncTimeoutError extends RuntimeError {
  readonly timeoutSeconds: number;

  constructor(cmd: readonly string[], timeoutSeconds: number) {
    super(`command ${JSON.stringify(cmd.join(' '))} timed out`);
    this.timeoutSeconds = timeoutSeconds;
  }
}

/**
 * Non-interactive command execution in a running container (CRI ExecSync), used by exec probes
 * and exec lifecycle hooks. The command runs in the container's namespaces, cgroup, user,
 * environment and working directory (the container's own process settings, as runc exec and CRI
 * runtimes do), without a terminal and without stdin.
 *
 *   - Resolves with the exit code and what the command wrote (each stream capped at 16 MiB),
 *     whatever the exit code.
 *   - `timeoutSeconds` > 0: the command is killed when it runs longer, and the call rejects with
 *     `ExecSyncTimeoutError`; 0 means no timeout.
 *   - `signal` aborts the call the same way (the command is killed; rejects with the abort reason).
 *   - A container that is not running, or unknown, rejects with `RuntimeError`.
 */
export interface ContainerCommandRunner {
  execSync(
    containerId: string,
    cmd: readonly string[],
    timeoutSeconds: number,
    signal?: AbortSignal,
  ): Promise<ExecSyncResult>;
}
