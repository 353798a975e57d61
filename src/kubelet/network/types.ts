/**
 * Pod networking behind an interface: `CniNetwork` runs Debian's CNI plugins (bridge, host-local,
 * loopback, portmap) with podbay's conflist; a fake hands out addresses in memory for tests.
 *
 * Contract: `setUp` attaches the network namespace at `netnsPath` to the pod network and returns
 * the pod's IPs; `tearDown` undoes it (veth, IP allocation, port mappings) and succeeds when there
 * is nothing left to undo, also after a restart of the process (the plugins keep their state on
 * disk). Both are called by the runtime, never concurrently for the same sandbox.
 */
import type { PortMapping } from '../runtime/types.ts';

export interface PodNetworkAttachment {
  /** The CNI container id: the sandbox id. */
  readonly sandboxId: string;
  readonly podName: string;
  readonly podNamespace: string;
  readonly podUid: string;
  /** A bind-mounted network namespace file, e.g. /run/netns/podbay-<id>. */
  readonly netnsPath: string;
  readonly portMappings: readonly PortMapping[];
  /** `lo` in the namespace is up already (the runtime did it): no loopback plugin runs. */
  readonly loopbackUp?: boolean;
}

export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export interface PodNetwork {
  setUp(attachment: PodNetworkAttachment, signal?: AbortSignal): Promise<{ ips: string[] }>;
  tearDown(attachment: PodNetworkAttachment): Promise<void>;
}
