/**
 * The Node object: registration and status (upstream kubelet_node_status.go and
 * nodestatus/setters.go).
 *
 *   register: create the Node (labels kubernetes.io/hostname, os, arch; status included); if it
 *     exists already, adopt it and bring the default labels up to date
 *   every 10 s: compute the status (capacity and allocatable from the machine, addresses,
 *     nodeInfo, images, conditions) and PATCH nodes/<name>/status when it changed, or at least
 *     every 5 minutes (nodeStatusReportFrequency); the heartbeat in between is the Lease
 *
 * Conditions, all owned by the kubelet: MemoryPressure, DiskPressure, PIDPressure (False: no
 * eviction manager yet) and Ready (True while the agent runs). lastTransitionTime changes only
 * with the status; lastHeartbeatTime with every report.
 */
import {
  Quantity,
  metaTime,
  nodesDef,
  type ContainerImage,
  type Node,
  type NodeCondition,
  type NodeStatus,
} from '../api/index.ts';
import { isAlreadyExists, type ResourceClient, type RestClient } from '../client/index.ts';
import type { Clock, Logger } from '../util/index.ts';
import type { ImageRecord } from './images/index.ts';
import type { MachineFacts } from './machine-info.ts';
import { errorMessage } from '../util/index.ts';

export const maxPods = 110;
/** Upstream's default hard eviction thresholds, which allocatable leaves out. */
const evictionMemoryBytes = 100 * 1024 * 1024;
const evictionNodefsFraction = 0.1;
const maxImagesInNodeStatus = 50;

export function nodeLabels(nodeName: string, facts: MachineFacts): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': facts.architecture,
    'beta.kubernetes.io/os': facts.operatingSystem,
    'kubernetes.io/arch': facts.architecture,
    'kubernetes.io/hostname': nodeName,
    'kubernetes.io/os': facts.operatingSystem,
  };
}

function binarySI(bytes: number): string {
  return Quantity.fromInt(Math.max(0, Math.floor(bytes)), 'BinarySI').toString();
}

/** Capacity and allocatable (upstream MachineInfo setter). */
export function nodeResources(facts: MachineFacts): {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
} {
  const capacity = {
    cpu: String(facts.cpus),
    'ephemeral-storage': binarySI(facts.ephemeralStorageBytes),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: binarySI(facts.memoryBytes),
    pods: String(maxPods),
  };
  const allocatable = {
    ...capacity,
    'ephemeral-storage': Quantity.fromInt(
      Math.max(0, Math.floor(facts.ephemeralStorageBytes * (1 - evictionNodefsFraction))),
    ).toString(),
    memory: binarySI(facts.memoryBytes - evictionMemoryBytes),
  };
  return { capacity, allocatable };
}

/** Images for the node status: biggest first, at most 50, digests then tags (upstream Images setter). */
export function nodeImages(images: readonly ImageRecord[]): ContainerImage[] {
  return [...images]
    .sort((a, b) => b.size - a.size)
    .slice(0, maxImagesInNodeStatus)
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }))
    .filter((i) => i.names.length > 0);
}

const conditionTexts: Record<
  string,
  { status: 'True' | 'False'; reason: string; message: string }
> = {
  MemoryPressure: {
    status: 'False',
    reason: 'KubeletHasSufficientMemory',
    message: 'kubelet has sufficient memory available',
  },
  DiskPressure: {
    status: 'False',
    reason: 'KubeletHasNoDiskPressure',
    message: 'kubelet has no disk pressure',
  },
  PIDPressure: {
    status: 'False',
    reason: 'KubeletHasSufficientPID',
    message: 'kubelet has sufficient PID available',
  },
  Ready: { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
};

export interface NodeStatusInput {
  readonly facts: MachineFacts;
  readonly runtimeVersion: string;
  readonly kubeletVersion: string;
  readonly kubeletPort: number;
  readonly images: readonly ImageRecord[];
  readonly now: number;
  /** The status the API has, for transition times and foreign conditions. */
  readonly old: NodeStatus | undefined;
}

export function buildNodeStatus(input: NodeStatusInput): NodeStatus {
  const { facts, now, old } = input;
  const t = metaTime(now);
  const conditions: NodeCondition[] = [];
  for (const [type, want] of Object.entries(conditionTexts)) {
    const prev = old?.conditions?.find((c) => c.type === type);
    conditions.push({
      type,
      status: want.status,
      lastHeartbeatTime: t,
      lastTransitionTime:
        prev && prev.status === want.status && prev.lastTransitionTime
          ? prev.lastTransitionTime
          : t,
      reason: want.reason,
      message: want.message,
    });
  }
  for (const c of old?.conditions ?? []) {
    if (!(c.type in conditionTexts)) conditions.push(c);
  }
  const { capacity, allocatable } = nodeResources(facts);
  return {
    capacity,
    allocatable,
    conditions,
    addresses: [
      { type: 'InternalIP', address: facts.internalIP },
      { type: 'Hostname', address: facts.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: input.kubeletPort } },
    nodeInfo: {
      machineID: facts.machineID,
      systemUUID: facts.systemUUID,
      bootID: facts.bootID,
      kernelVersion: facts.kernelVersion,
      osImage: facts.osImage,
      containerRuntimeVersion: input.runtimeVersion,
      kubeletVersion: input.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: facts.operatingSystem,
      architecture: facts.architecture,
    },
    images: nodeImages(input.images),
  };
}

/** The status without heartbeat times, to tell a real change from a heartbeat. */
function withoutHeartbeats(s: NodeStatus | undefined): string {
  return JSON.stringify({
    ...s,
    conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })),
  });
}

export interface NodeStatusManagerOptions {
  readonly client: RestClient;
  readonly nodeName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly input: () => Promise<Omit<NodeStatusInput, 'now' | 'old'>>;
  /** Default 10 s (nodeStatusUpdateFrequency). */
  readonly updateIntervalMs?: number;
  /** Default 5 min (nodeStatusReportFrequency). */
  readonly reportIntervalMs?: number;
  /** The range this node's pod IPs come from, recorded in spec.podCIDR(s) as upstream's kubelet does. */
  readonly podCIDR?: string;
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

export class NodeStatusManager {
  private readonly opts: NodeStatusManagerOptions;
  private readonly nodes: ResourceClient<Node>;
  private node: Node | undefined;
  private lastReport = 0;

  constructor(opts: NodeStatusManagerOptions) {
    this.opts = opts;
    this.nodes = opts.client.resource<Node>(nodesDef);
  }

  /** The Node as the API last answered. */
  current(): Node | undefined {
    return this.node;
  }

  /** Creates (or adopts) the Node; resolves once it exists with a status. */
  async register(signal: AbortSignal): Promise<Node> {
    const { nodeName, clock, podCIDR } = this.opts;
    const input = await this.opts.input();
    const status = buildNodeStatus({ ...input, now: clock.now(), old: undefined });
    const labels = nodeLabels(nodeName, input.facts);
    let node: Node;
    try {
      node = await this.nodes.create(
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name: nodeName,
            labels,
            annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
          },
          spec: podCIDR !== undefined ? { podCIDR, podCIDRs: [podCIDR] } : {},
          status,
        },
        { signal },
      );
      this.opts.logger.info('node registered', { node: nodeName });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      node = await this.nodes.get(nodeName, { signal });
      const missing = Object.entries(labels).filter(([k, v]) => node.metadata?.labels?.[k] !== v);
      if (missing.length) {
        node = await this.nodes.patch(
          nodeName,
          'merge',
          { metadata: { labels: Object.fromEntries(missing) } },
          { signal },
        );
      }
      const recorded = node.spec?.podCIDR ?? '';
      if (podCIDR !== undefined && recorded === '') {
        node = await this.nodes.patch(
          nodeName,
          'merge',
          { spec: { podCIDR, podCIDRs: [podCIDR] } },
          { signal },
        );
      } else if (podCIDR !== undefined && recorded !== podCIDR) {
        // spec.podCIDR cannot change once set (upstream validation); the pods get addresses from
        // the agent's range all the same.
        this.opts.logger.warn('the node records another pod CIDR; pods get addresses from ours', {
          node: nodeName,
          recorded,
          podCIDR,
        });
      }
      this.opts.logger.info('node already registered; adopting it', { node: nodeName });
    }
    this.node = node;
    await this.update(signal, true);
    return this.node;
  }

  /**
   * Recomputes the status and writes it when it changed or the report interval passed (or
   * `force`). Returns whether it wrote.
   */
  async update(signal: AbortSignal, force = false): Promise<boolean> {
    const { clock, nodeName } = this.opts;
    const input = await this.opts.input();
    const now = clock.now();
    const old = this.node?.status;
    const next = buildNodeStatus({ ...input, now, old });
    const changed = withoutHeartbeats(old) !== withoutHeartbeats(next);
    const due = now - this.lastReport >= (this.opts.reportIntervalMs ?? 300_000);
    if (!force && !changed && !due) return false;
    // Lists the kubelet owns are replaced whole; conditions keep foreign types (see buildNodeStatus).
    this.node = await this.nodes.patch(
      nodeName,
      'merge',
      { status: next },
      { subresource: 'status', signal },
    );
    this.lastReport = now;
    return true;
  }

  /** Updates every 10 s until `signal` aborts; failures are logged and retried next time. */
  async run(signal: AbortSignal): Promise<void> {
    const interval = this.opts.updateIntervalMs ?? 10_000;
    while (!signal.aborted) {
      try {
        await this.opts.clock.sleep(interval, signal);
      } catch {
        return;
      }
      try {
        await this.update(signal);
      } catch (err) {
        if (isAborted(signal)) return;
        this.opts.logger.warn('node status update failed', {
          err: errorMessage(err),
        });
      }
    }
  }
}
