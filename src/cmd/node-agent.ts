/**
 * The node agent of this machine, with the real parts: runc + conmon (RuncRuntime), the image
 * store, CNI networking, cgroupfs pod cgroups and the volume manager, plus the kubelet API server
 * (container logs; exec, attach and port-forward) on port 10250. Used by `podbay server` (in-process client) and, later,
 * `podbay agent` (HTTPS client).
 *
 *   1. the kubelet API server first, so the Node can report its port
 *   2. the node agent (registers the Node, adopts running pods)
 *   stop(): the agent and the kubelet server stop; containers keep running under conmon.
 */
import { join } from 'node:path';
import type { RestClient } from '../client/index.ts';
import { CgroupfsManager } from '../kubelet/cgroups/index.ts';
import { ImageStore } from '../kubelet/images/index.ts';
import { startNodeAgent, type ContainerLogPolicy, type NodeAgent } from '../kubelet/index.ts';
import { CniNetwork } from '../kubelet/network/index.ts';
import { RuncRuntime } from '../kubelet/runtime/index.ts';
import {
  DEFAULT_KUBELET_PORT,
  podNotFound,
  startKubeletServer,
  type ContainerLogSource,
  type KubeletServerTls,
} from '../kubelet/server/index.ts';
import {
  podDoesNotExist,
  StreamingServer,
  type StreamingTargets,
} from '../kubelet/streaming/index.ts';
import { VolumeManager } from '../kubelet/volumes/index.ts';
import type { Clock, Logger } from '../util/index.ts';

export interface LocalNodeAgentOptions {
  readonly client: RestClient;
  readonly nodeName: string;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tls: KubeletServerTls;
  /** Default 10250. */
  readonly kubeletPort?: number;
  readonly kubeletVersion?: string;
  /** Static pods: a directory of pod manifests (or one file). */
  readonly podManifestPath?: string;
  /** The pods' IPv4 range on this node. Default 10.244.0.0/24. */
  readonly podCIDR?: string;
  /** Container log rotation; upstream's kubelet defaults when omitted. */
  readonly containerLogs?: ContainerLogPolicy;
}

export interface LocalNodeAgent {
  readonly agent: NodeAgent;
  stop(): Promise<void>;
}

/** Fails with one clear sentence when this process cannot run containers. */
export function checkAgentPrivileges(): void {
  if (process.platform !== 'linux') {
    throw new Error(
      'the node agent runs on Linux only; pass --no-agent to run the control plane alone',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the node agent needs root (runc, CNI and cgroups); run podbay server as root, or pass --no-agent',
    );
  }
}

export async function startLocalNodeAgent(opts: LocalNodeAgentOptions): Promise<LocalNodeAgent> {
  const { clock, logger, dataDir } = opts;
  let agent: NodeAgent | undefined;
  const logs: ContainerLogSource = {
    resolve: (req) => (agent ? agent.logs.resolve(req) : Promise.resolve(podNotFound(req.pod))),
  };
  // Exec, attach and port-forward: the agent's pods, run by the runtime (both made below).
  const targets: StreamingTargets = {
    container: (req) =>
      agent ? agent.streaming.container(req) : Promise.resolve(podDoesNotExist()),
    pod: (req) => (agent ? agent.streaming.pod(req) : Promise.resolve(podDoesNotExist())),
  };
  const streaming = new StreamingServer({
    runtime: {
      exec: (req) => runtime.exec(req),
      attach: (req) => runtime.attach(req),
      portForward: (req) => runtime.portForward(req),
    },
    targets,
    clock,
    logger,
  });
  const kubeletServer = await startKubeletServer({
    tls: opts.tls,
    logs,
    streaming,
    port: opts.kubeletPort ?? DEFAULT_KUBELET_PORT,
    clock,
    logger,
  });
  const images = new ImageStore({ dataDir, logger });
  const cgroups = await CgroupfsManager.open();
  const network = new CniNetwork({
    dataDir,
    clock,
    logger,
    ...(opts.podCIDR !== undefined ? { podCIDR: opts.podCIDR } : {}),
  });
  const runtime = new RuncRuntime({
    stateDir: join(dataDir, 'runtime'),
    images,
    network,
    cgroups,
    logger,
    clock,
  });
  try {
    agent = await startNodeAgent({
      client: opts.client,
      nodeName: opts.nodeName,
      runtime,
      images,
      cgroups,
      volumes: new VolumeManager({ dataDir, logger }),
      dataDir,
      clock,
      logger,
      kubeletPort: kubeletServer.port,
      ...(opts.kubeletVersion !== undefined ? { kubeletVersion: opts.kubeletVersion } : {}),
      ...(opts.podManifestPath !== undefined ? { podManifestPath: opts.podManifestPath } : {}),
      podCIDR: network.podCIDR,
      ...(opts.containerLogs !== undefined ? { containerLogs: opts.containerLogs } : {}),
    });
  } catch (err) {
    await runtime.close();
    await kubeletServer.close();
    throw err;
  }
  const started = agent;
  let stopping: Promise<void> | undefined;
  return {
    agent: started,
    stop() {
      stopping ??= (async () => {
        await started.stop();
        await runtime.close();
        await kubeletServer.close();
      })();
      return stopping;
    },
  };
}
