/** Small builders for scheduler tests (upstream's st.MakePod / st.MakeNode, in spirit). */
import type { Container, Node, Pod, Taint, Toleration } from '../../api/index.ts';

export interface PodSpecOpts {
  readonly namespace?: string;
  readonly uid?: string;
  readonly cpu?: string;
  readonly memory?: string;
  /** Extra requests by resource name. */
  readonly requests?: Readonly<Record<string, string>>;
  readonly initContainers?: readonly Container[];
  readonly containers?: readonly Container[];
  readonly overhead?: Readonly<Record<string, string>>;
  readonly nodeName?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
  readonly hostPorts?: readonly {
    hostPort: number;
    hostIP?: string;
    protocol?: 'TCP' | 'UDP' | 'SCTP';
  }[];
  readonly priority?: number;
  readonly preemptionPolicy?: 'Never' | 'PreemptLowerPriority';
  readonly affinity?: NonNullable<Pod['spec']>['affinity'];
  readonly labels?: Readonly<Record<string, string>>;
  readonly schedulingGates?: readonly string[];
  readonly startTime?: string;
  readonly deletionTimestamp?: string;
  readonly nominatedNodeName?: string;
}

export function container(
  name: string,
  requests: Readonly<Record<string, string>> = {},
  extra: Partial<Container> = {},
): Container {
  return { name, image: 'busybox', resources: { requests: { ...requests } }, ...extra };
}

export function makePod(name: string, o: PodSpecOpts = {}): Pod {
  const requests: Record<string, string> = { ...o.requests };
  if (o.cpu) requests['cpu'] = o.cpu;
  if (o.memory) requests['memory'] = o.memory;
  const main = container('app', requests, {
    ...(o.hostPorts
      ? {
          ports: o.hostPorts.map((p) => ({
            containerPort: p.hostPort,
            hostPort: p.hostPort,
            ...(p.hostIP ? { hostIP: p.hostIP } : {}),
            ...(p.protocol ? { protocol: p.protocol } : {}),
          })),
        }
      : {}),
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: o.uid ?? `uid-${name}`,
      ...(o.labels ? { labels: { ...o.labels } } : {}),
      ...(o.deletionTimestamp ? { deletionTimestamp: o.deletionTimestamp } : {}),
    },
    spec: {
      containers: o.containers ? [...o.containers] : [main],
      ...(o.initContainers ? { initContainers: [...o.initContainers] } : {}),
      ...(o.overhead ? { overhead: { ...o.overhead } } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.nodeSelector ? { nodeSelector: { ...o.nodeSelector } } : {}),
      ...(o.tolerations ? { tolerations: [...o.tolerations] } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.preemptionPolicy ? { preemptionPolicy: o.preemptionPolicy } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
      ...(o.schedulingGates
        ? { schedulingGates: o.schedulingGates.map((n) => ({ name: n })) }
        : {}),
    },
    status: {
      phase: 'Pending',
      ...(o.startTime ? { startTime: o.startTime } : {}),
      ...(o.nominatedNodeName ? { nominatedNodeName: o.nominatedNodeName } : {}),
    },
  };
}

export interface NodeSpecOpts {
  readonly cpu?: string;
  readonly memory?: string;
  readonly pods?: string;
  readonly ephemeralStorage?: string;
  readonly extra?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
  readonly unschedulable?: boolean;
  /** Ready condition status; 'missing' leaves the condition out. Default True. */
  readonly ready?: 'True' | 'False' | 'Unknown' | 'missing';
  readonly conditions?: readonly { type: string; status: 'True' | 'False' | 'Unknown' }[];
}

export function makeNode(name: string, o: NodeSpecOpts = {}): Node {
  const allocatable: Record<string, string> = {
    cpu: o.cpu ?? '4',
    memory: o.memory ?? '8Gi',
    pods: o.pods ?? '110',
    ...(o.ephemeralStorage ? { 'ephemeral-storage': o.ephemeralStorage } : {}),
    ...o.extra,
  };
  const ready = o.ready ?? 'True';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: {
      ...(o.taints ? { taints: [...o.taints] } : {}),
      ...(o.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      allocatable,
      capacity: { ...allocatable },
      conditions: [
        ...(ready === 'missing' ? [] : [{ type: 'Ready', status: ready }]),
        ...(o.conditions ?? []),
      ],
    },
  };
}
