/**
 * The network set-ups still under way of sandboxes started with startPodSandbox, by sandbox id:
 * what startContainer waits for before a container of the sandbox may run, and stopPodSandbox
 * before tearing the network down (the CNI plugins must not meet each other). Shared by the
 * runtimes so that both keep the same contract.
 */
import { RuntimeError } from './types.ts';
import { errorMessage } from '../../util/index.ts';

export class PendingNetworks {
  private readonly pending = new Map<string, Promise<void>>();

  /** Remembers `network` for sandbox `id` until it settles. */
  track(id: string, network: Promise<void>): void {
    this.pending.set(id, network);
    network
      .finally(() => {
        if (this.pending.get(id) === network) this.pending.delete(id);
      })
      .catch(() => undefined);
  }

  /** Waits for the sandbox's set-up, if one is under way, whatever its outcome. */
  async settled(id: string): Promise<void> {
    await this.pending.get(id)?.catch(() => undefined);
  }

  /** Waits for the sandbox's set-up before container `containerId` starts; throws if it failed. */
  async beforeStart(id: string, containerId: string): Promise<void> {
    const network = this.pending.get(id);
    if (!network) return;
    try {
      await network;
    } catch (err) {
      throw new RuntimeError(
        `failed to start container ${containerId}: the network of its pod sandbox could not be set up: ${errorMessage(err)}`,
      );
    }
  }
}
