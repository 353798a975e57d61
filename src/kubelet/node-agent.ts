/**
 * The node agent: everything a kubelet runs, wired together (upstream kubelet.go Run).
 *
 *   startNodeAgent:
 *     1. runtime version, node cgroups, machine facts
 *     2. the pod machinery: status manager, runtime manager, kubelet, pod workers; PLEG (runtime
 *        events and a 1 s relist wake the pods' workers)
 *     3. static pods (--pod-manifest-path): the file source lists its manifests and its pods go
 *        to the workers at once, so they run before (and without) the API
 *     4. register the Node (retrying until the API answers), then keep its status (10 s) and
 *        its Lease (10 s) up to date; watch this node's pods (fieldSelector
 *        spec.nodeName=<node>) → one pod worker per pod; mirror pods are not run: they go to the
 *        mirror pod bookkeeping and wake their static pod, which then (re)creates its mirror
 *     5. housekeeping: once the pod list is in, remove what belongs to pods that neither the API
 *        nor the manifests have (sandboxes, containers, cgroups, volume dirs) and orphaned
 *        mirror pods; again every 30 s
 *   stop(): stops all of the above; containers keep running (conmon holds them) and the next
 *   start adopts them.
 */
import { readFile } from 'node:fs/promises';
import {
  configMapsDef,
  podsDef,
  secretsDef,
  type ConfigMap,
  type Pod,
  type Secret,
} from '../api/index.ts';
import {
  ApiEventRecorder,
  Informer,
  deletedObject,
  type EventRecorder,
  type RestClient,
} from '../client/index.ts';
import {
  Backoff,
  lifetimeAbortController,
  realClock,
  silentLogger,
  type Clock,
  type Logger,
  errorMessage,
} from '../util/index.ts';
import { BackOff } from './backoff.ts';
import type { CgroupManager } from './cgroups/index.ts';
import { ConfigSources } from './config-sources/index.ts';
import { parseResolvConf } from './dns.ts';
import { ImageManager } from './image-manager.ts';
import type { ImageService } from './images/index.ts';
import {
  FileSource,
  isMirrorPod,
  mirrorPodHash as mirrorHash,
  podFullName,
} from './config/index.ts';
import { Kubelet } from './kubelet.ts';
import { MirrorPods } from './mirror-pods.ts';
import { HandlerRunner } from './lifecycle/index.ts';
import { ProbeManager, Prober } from './prober/index.ts';
import { defaultPodLogsDir } from './log-paths.ts';
import { ContainerLogManager, type ContainerLogPolicy } from './logs/index.ts';
import { hostMachineInfo, type MachineFacts, type MachineInfo } from './machine-info.ts';
import { NodeLease } from './node-lease.ts';
import { NodeStatusManager, nodeResources } from './node-status.ts';
import { GenericPLEG } from './pleg.ts';
import { PodWorkers, type PodWorkerState } from './pod-workers.ts';
import { RuntimeManager, type NodeFacts } from './runtime-manager.ts';
import type { ContainerRuntime } from './runtime/index.ts';
import {
  containerNotFound,
  containerTerminated,
  podHasContainer,
  podNotFound,
  validateContainerLogStatus,
  type ContainerLogSource,
  type ContainerLogTarget,
} from './server/index.ts';
import { StatusManager } from './status-manager.ts';
import { NodeStreamingTargets, type StreamingTargets } from './streaming/index.ts';
import type { PodVolumeManager } from './volumes/index.ts';

export interface NodeAgentOptions {
  /** The API, as this node (HTTPS with the node token, or in-process). */
  readonly client: RestClient;
  readonly nodeName: string;
  readonly runtime: ContainerRuntime;
  readonly images: ImageService;
  readonly cgroups: CgroupManager;
  readonly volumes: PodVolumeManager;
  readonly dataDir: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Default /var/log/pods. */
  readonly podLogsDir?: string;
  /** Default: the real machine. */
  readonly machine?: MachineInfo;
  /** The kubelet API port (logs), reported in status.daemonEndpoints. Default 10250. */
  readonly kubeletPort?: number;
  /** Reported as nodeInfo.kubeletVersion; default `v1.32.0+podbay-<package version>`. */
  readonly kubeletVersion?: string;
  /** Cluster DNS servers; none by default (ClusterFirst then falls back to the node's resolv.conf). */
  readonly clusterDNS?: readonly string[];
  /** Default cluster.local. */
  readonly clusterDomain?: string;
  /** The node's resolv.conf; default /etc/resolv.conf. */
  readonly resolvConf?: string;
  /** Events; default: written to the API as `kubelet`. */
  readonly recorder?: EventRecorder;
  /** Periodic resync of each pod. Default 60 s. */
  readonly resyncIntervalMs?: number;
  /** Default 10 s. */
  readonly nodeStatusUpdateIntervalMs?: number;
  /** Default 10 s. */
  readonly leaseRenewIntervalMs?: number;
  /** Orphan cleanup period. Default 30 s. */
  readonly housekeepingIntervalMs?: number;
  /** PLEG relist period. Default 1 s. */
  readonly relistPeriodMs?: number;
  /** Static pods: a directory of pod manifests, or one manifest file. None when omitted. */
  readonly podManifestPath?: string;
  /** The range the pod network gives this node's pods, for the Node's spec.podCIDR. */
  readonly podCIDR?: string;
  /** How often the manifest path is listed again, besides being watched. Default 20 s. */
  readonly fileCheckFrequencyMs?: number;
  /** Container log rotation; default 10 MiB, 5 files (upstream's kubelet defaults). */
  readonly containerLogs?: ContainerLogPolicy;
}

export interface NodeAgent {
  readonly nodeName: string;
  /** For the kubelet API server's `containerLogs`. */
  readonly logs: ContainerLogSource;
  /** For the kubelet API server's exec, attach and port-forward: this node's pods' containers. */
  readonly streaming: StreamingTargets;
  /** The state of a pod's worker (tests, diagnostics). */
  podWorkerState(uid: string): PodWorkerState | undefined;
  /** Resolves when no pod worker is busy (tests). */
  whenIdle(): Promise<void>;
  /** Runs the orphan cleanup now; returns the uids it cleaned up after (tests). */
  housekeeping(): Promise<string[]>;
  /** Stops the agent; pods keep running. Idempotent. */
  stop(): Promise<void>;
}

let cachedVersion: string | undefined;

async function defaultKubeletVersion(): Promise<string> {
  if (cachedVersion) return cachedVersion;
  let v = '0.0.0';
  try {
    const pkg = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: string };
    v = pkg.version ?? v;
  } catch {
    // keep 0.0.0
  }
  cachedVersion = `v1.32.0+podbay-${v}`;
  return cachedVersion;
}

/**
 * The node's resolv.conf for pods: /etc/resolv.conf, unless it only names loopback servers
 * (systemd-resolved's stub, unreachable from a pod's network namespace) and systemd-resolved's
 * full file exists, which is what kubeadm points the kubelet's --resolv-conf at.
 */
async function defaultResolvConf(): Promise<string> {
  const etc = '/etc/resolv.conf';
  const resolved = '/run/systemd/resolve/resolv.conf';
  try {
    const servers = parseResolvConf(await readFile(etc, 'utf8')).servers;
    if (servers.length > 0 && servers.every((s) => s.startsWith('127.') || s === '::1')) {
      await readFile(resolved, 'utf8');
      return resolved;
    }
  } catch {
    // Fall back to /etc/resolv.conf.
  }
  return etc;
}

/** Read through a call, so narrowing from an earlier check does not stick. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

export async function startNodeAgent(opts: NodeAgentOptions): Promise<NodeAgent> {
  const clock = opts.clock ?? realClock;
  const logger = (opts.logger ?? silentLogger).with({ component: 'kubelet', node: opts.nodeName });
  const abort = lifetimeAbortController();
  const signal = abort.signal;
  const podLogsDir = opts.podLogsDir ?? defaultPodLogsDir;
  const machine = opts.machine ?? hostMachineInfo({ dataDir: opts.dataDir });
  const { runtime, images, cgroups, volumes, client, nodeName } = opts;
  // Made first: a policy it refuses fails the start before anything runs.
  const logRotation = new ContainerLogManager({ runtime, clock, logger, ...opts.containerLogs });

  // Step 1.
  const version = await runtime.version();
  const runtimeName = version.name;
  await cgroups.ensureNodeCgroups();
  let facts: MachineFacts = await machine.read();
  const kubeletVersion = opts.kubeletVersion ?? (await defaultKubeletVersion());
  let hostResolv = parseResolvConf('');
  try {
    hostResolv = parseResolvConf(
      await readFile(opts.resolvConf ?? (await defaultResolvConf()), 'utf8'),
    );
  } catch {
    logger.warn('cannot read the node resolv.conf; pods with dnsPolicy Default get no DNS');
  }

  const recorder =
    opts.recorder ??
    new ApiEventRecorder({ client, component: 'kubelet', host: nodeName, clock, logger });
  const node: NodeFacts = {
    hostIPs: () => [facts.internalIP],
    allocatable: () => nodeResources(facts).allocatable,
    memoryCapacityBytes: () => facts.memoryBytes,
  };

  // Step 2.
  const nodeStatus = new NodeStatusManager({
    client,
    nodeName,
    clock,
    logger,
    ...(opts.podCIDR !== undefined ? { podCIDR: opts.podCIDR } : {}),
    ...(opts.nodeStatusUpdateIntervalMs !== undefined
      ? { updateIntervalMs: opts.nodeStatusUpdateIntervalMs }
      : {}),
    input: async () => {
      facts = await machine.read();
      return {
        facts,
        runtimeVersion: `${version.name}://${version.version}`,
        kubeletVersion,
        kubeletPort: opts.kubeletPort ?? 10250,
        images: await images.list(),
      };
    },
  });
  const background: Promise<void>[] = [];

  const informer = new Informer<Pod>({
    listerWatcher: client.resource<Pod>(podsDef),
    fieldSelector: `spec.nodeName=${nodeName}`,
    clock,
    logger,
    name: 'pods',
  });
  // Static pods come from the manifests (created in step 3); their mirrors from the informer.
  let staticPods: FileSource | undefined;
  const podsByUid = (uid: string): Pod | undefined =>
    informer.store.list().find((p) => p.metadata?.uid === uid) ?? staticPods?.get(uid);
  const mirrorPods = new MirrorPods({
    client,
    nodeName,
    // Not before the pod list is in: the mirror a previous run made may be there already.
    node: () => (informer.hasSynced() ? nodeStatus.current() : undefined),
    logger,
  });
  const statusManager = new StatusManager({
    client,
    clock,
    logger,
    mirrorPodOf: (pod) => mirrorPods.mirrorPodOf(pod),
  });
  const backOff = new BackOff({ clock });
  // Set below, before any pod is registered (registration happens in the pod informer's handlers).
  let resyncPods: (uids: readonly string[]) => void = () => undefined;
  const configSources = new ConfigSources({
    configMaps: client.resource<ConfigMap>(configMapsDef),
    secrets: client.resource<Secret>(secretsDef),
    clock,
    logger,
    onPodsChanged: (uids, kind, key) => {
      logger.debug('resyncing pods after a change', {
        object: `${kind} ${key}`,
        pods: uids.length,
      });
      resyncPods(uids);
    },
  });
  // Probes read the status manager's view of the pod (its IP, container ids and states).
  const probeManager = new ProbeManager({
    prober: new Prober({ runner: runtime, recorder, logger, clock }),
    getPodStatus: (uid) => statusManager.getPodStatus(uid),
    logger,
    clock,
  });
  const runtimeManager = new RuntimeManager({
    runtime,
    handlers: new HandlerRunner({ runner: runtime, recorder, logger, clock }),
    probes: {
      liveness: (id) => probeManager.liveness.get(id),
      startup: (id) => probeManager.startup.get(id),
    },
    imageManager: new ImageManager({ images, recorder, clock, logger }),
    volumes,
    recorder,
    clock,
    logger,
    backOff,
    node,
    envSources: {
      getConfigMap: (namespace, name) => configSources.getConfigMap(namespace, name, signal),
      getSecret: (namespace, name) => configSources.getSecret(namespace, name, signal),
    },
    dns: () => ({
      clusterDNS: opts.clusterDNS ?? [],
      clusterDomain: opts.clusterDomain ?? 'cluster.local',
      host: hostResolv,
    }),
    clusterDomain: opts.clusterDomain ?? 'cluster.local',
    podLogsDir,
    dataDir: opts.dataDir,
    runtimeName,
  });
  const kubelet = new Kubelet({
    runtime,
    runtimeManager,
    statusManager,
    cgroups,
    volumes,
    recorder,
    backOff,
    node,
    clock,
    logger,
    runtimeName,
    dataDir: opts.dataDir,
    podLogsDir,
    getPod: podsByUid,
    mirrorPods,
    probeManager,
    volumeSources: {
      getConfigMap: (namespace, name, sig) => configSources.getConfigMap(namespace, name, sig),
      getSecret: (namespace, name, sig) => configSources.getSecret(namespace, name, sig),
      nodeAllocatable: () => node.allocatable(),
    },
  });
  const workers = new PodWorkers({
    handlers: kubelet,
    clock,
    logger,
    signal,
    ...(opts.resyncIntervalMs !== undefined ? { resyncIntervalMs: opts.resyncIntervalMs } : {}),
  });
  resyncPods = (uids) => {
    for (const uid of uids) workers.sync(uid);
  };
  // A changed probe result syncs the pod at once (upstream's sync loop: readiness and startup
  // changes update the status, a liveness failure kills the container).
  probeManager.onUpdate((u) => {
    if (u.probeType === 'liveness' && u.result !== 'failure') return;
    workers.sync(u.podUid);
  });
  // Pods that may still start containers use their ConfigMaps and Secrets; others release them.
  const trackConfig = (pod: Pod): void => {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp) {
      configSources.unregisterPod(pod.metadata?.uid ?? '');
    } else {
      configSources.registerPod(pod);
    }
  };
  /** The static pod a mirror stands for, woken (upstream handleMirrorPod). */
  const syncStaticPodOf = (mirror: Pod): void => {
    const name = podFullName(mirror);
    for (const p of staticPods?.pods() ?? []) {
      if (podFullName(p) === name) workers.sync(p.metadata?.uid ?? '');
    }
  };
  informer.addEventHandler({
    onAdd: (pod) => {
      if (isMirrorPod(pod)) {
        mirrorPods.observe(pod);
        syncStaticPodOf(pod);
        return;
      }
      trackConfig(pod);
      workers.updatePod(pod);
    },
    onUpdate: (_old, pod) => {
      statusManager.observe(pod);
      if (isMirrorPod(pod)) {
        mirrorPods.observe(pod);
        // Only what needs the kubelet: a deletion (kubectl delete) or a stale mirror. Its own
        // status writes come back here too and need nothing.
        const staticPod = staticPods?.pods().find((p) => podFullName(p) === podFullName(pod));
        if (pod.metadata?.deletionTimestamp || staticPod?.metadata?.uid !== mirrorHash(pod)) {
          syncStaticPodOf(pod);
        }
        return;
      }
      trackConfig(pod);
      workers.updatePod(pod);
    },
    onDelete: (obj) => {
      const pod = deletedObject(obj);
      if (isMirrorPod(pod)) {
        mirrorPods.forget(pod);
        syncStaticPodOf(pod);
        return;
      }
      configSources.unregisterPod(pod.metadata?.uid ?? '');
      workers.removePod(pod);
    },
  });
  const pleg = new GenericPLEG({
    runtime,
    clock,
    logger,
    onEvent: (e) => {
      workers.sync(e.podUid);
    },
    ...(opts.relistPeriodMs !== undefined ? { relistPeriodMs: opts.relistPeriodMs } : {}),
  });
  await pleg.start();

  // Step 3.
  if (opts.podManifestPath !== undefined) {
    staticPods = new FileSource({
      path: opts.podManifestPath,
      nodeName,
      clock,
      logger,
      ...(opts.fileCheckFrequencyMs !== undefined
        ? { checkFrequencyMs: opts.fileCheckFrequencyMs }
        : {}),
      handler: {
        add: (pod) => {
          workers.updatePod(pod);
        },
        update: (pod) => {
          workers.updatePod(pod);
        },
        remove: (pod) => {
          workers.removePod(pod);
        },
      },
    });
    await staticPods.start();
  }

  // Step 4.
  const registerBackoff = new Backoff({ clock, initialMs: 100, maxMs: 7000 });
  for (;;) {
    try {
      await nodeStatus.register(signal);
      break;
    } catch (err) {
      const wait = registerBackoff.next('register');
      logger.warn('unable to register the node; retrying', {
        err: errorMessage(err),
        retryInMs: wait,
      });
      await clock.sleep(wait, signal);
    }
  }
  const lease = new NodeLease({
    client,
    nodeName,
    clock,
    logger,
    node: () => nodeStatus.current(),
    ...(opts.leaseRenewIntervalMs !== undefined
      ? { renewIntervalMs: opts.leaseRenewIntervalMs }
      : {}),
  });
  background.push(nodeStatus.run(signal), lease.run(signal));
  background.push(informer.run(signal));
  background.push(logRotation.run(signal));
  await informer.waitForSync(signal);
  // The Node exists now: static pods that ran without the API get their mirrors.
  for (const p of staticPods?.pods() ?? []) workers.sync(p.metadata?.uid ?? '');

  // Step 5.
  const housekeeping = async (): Promise<string[]> => {
    const known = new Set<string>(workers.knownUids());
    for (const p of informer.store.list()) if (p.metadata?.uid) known.add(p.metadata.uid);
    for (const p of staticPods?.pods() ?? []) if (p.metadata?.uid) known.add(p.metadata.uid);
    const cleaned = await kubelet.cleanupOrphans(known);
    // A static pod's mirror stays while its pod has a worker (it may still be stopping).
    await mirrorPods.deleteOrphans((hash) => known.has(hash), signal);
    await statusManager.syncAll();
    return cleaned;
  };
  try {
    await housekeeping();
  } catch (err) {
    logger.warn('housekeeping failed', { err: errorMessage(err) });
  }
  background.push(
    (async () => {
      while (!signal.aborted) {
        try {
          await clock.sleep(opts.housekeepingIntervalMs ?? 30_000, signal);
          await housekeeping();
        } catch (err) {
          if (isAborted(signal)) return;
          logger.warn('housekeeping failed', {
            err: errorMessage(err),
          });
        }
      }
    })(),
  );
  logger.info('node agent started', { runtime: `${version.name}://${version.version}` });

  const logs: ContainerLogSource = {
    resolve: async (req) => {
      const pod = informer.store
        .list()
        .find((p) => p.metadata?.namespace === req.namespace && p.metadata.name === req.pod);
      if (!pod) return podNotFound(req.pod);
      if (!podHasContainer(pod, req.container)) return containerNotFound(req.container, req.pod);
      const uid = pod.metadata?.uid ?? '';
      const chosen = validateContainerLogStatus({
        podName: req.pod,
        status: statusManager.getPodStatus(uid) ?? pod.status,
        containerName: req.container,
        previous: req.previous,
      });
      if ('error' in chosen) return chosen;
      const status = await runtime.containerStatus(chosen.id);
      if (!status) return containerTerminated(req.container, req.pod);
      const target: ContainerLogTarget = {
        path: status.logPath,
        containerId: status.id,
        waitForExit: (waitSignal) =>
          new Promise<void>((resolve) => {
            let done = false;
            const finish = (): void => {
              if (done) return;
              done = true;
              unsubscribe();
              waitSignal.removeEventListener('abort', finish);
              resolve();
            };
            const unsubscribe = runtime.subscribe((e) => {
              if (e.containerId === status.id && (e.type === 'exited' || e.type === 'removed'))
                finish();
            });
            waitSignal.addEventListener('abort', () => {
              if (done) return;
              done = true;
              unsubscribe();
            });
            void runtime.containerStatus(status.id).then((s) => {
              if (!s || s.state === 'exited') finish();
            });
          }),
      };
      return target;
    },
  };

  // Static pods first: their containers run under the static pod's uid, not its mirror's.
  const streaming = new NodeStreamingTargets({
    getPod: (namespace, name) => {
      const named = (p: Pod): boolean =>
        p.metadata?.namespace === namespace && p.metadata.name === name;
      return staticPods?.pods().find(named) ?? informer.store.list().find(named);
    },
    runtime,
  });

  let stopping: Promise<void> | undefined;
  return {
    nodeName,
    logs,
    streaming,
    podWorkerState: (uid) => workers.state(uid),
    whenIdle: () => workers.whenAllIdle(),
    housekeeping,
    stop() {
      stopping ??= (async () => {
        abort.abort();
        staticPods?.stop();
        pleg.stop();
        workers.stop();
        await probeManager.stop();
        await configSources.stop();
        await Promise.allSettled(background);
        await workers.whenAllIdle();
        if (!opts.recorder && recorder instanceof ApiEventRecorder) await recorder.shutDown();
        logger.info('node agent stopped; containers keep running');
      })();
      return stopping;
    },
  };
}
