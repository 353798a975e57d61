/**
 * Pinned namespaces: a sandbox's network, UTS and IPC namespaces exist without any process in them,
 * held by bind mounts of their nsfs files (what `ip netns add` and CRI-O's pinns do), so a pod needs
 * no pause container. One command creates and binds them and sets the pod's hostname in the new UTS
 * namespace: the spawn helper's `pin` built-in, or util-linux's `unshare --net=FILE --uts=FILE
 * --ipc=FILE` with a tiny shell inside where it has none (util/host-commands.ts).
 *
 * The network namespace goes to /run/netns/podbay-<id>, where `ip netns` finds it (`ip netns exec
 * podbay-<id> …` works for debugging); UTS and IPC go to <nsDir>/<id>/{uts,ipc}.
 */
import path from 'node:path';
import { type Clock, localFs, pinNamespacesCommand } from '../../../util/index.ts';
import { RuntimeError } from '../types.ts';
import { runCommand, stderrTail } from './command.ts';
import { removeDirIfEmpty, unmountAndRemove } from './mounts.ts';

// Small files of podbay's own: synchronous underneath (util/local-fs.ts says why).
const { mkdir, statfs, writeFile } = localFs;

const NSFS_MAGIC = 0x6e736673;

export interface PinnedNamespaces {
  readonly netnsPath?: string;
  readonly utsnsPath?: string;
  readonly ipcnsPath?: string;
  /** The new network namespace's lo is up already (the spawn helper's pin built-in did it). */
  readonly loopbackUp?: boolean;
}

export interface PinOptions {
  readonly id: string;
  readonly hostname: string;
  /** Which namespaces the pod gets of its own (false: it shares the host's). */
  readonly net: boolean;
  readonly uts: boolean;
  readonly ipc: boolean;
  /** Default /run/netns. */
  readonly netnsDir: string;
  /** RuncRuntime's default: `<stateDir>/run/ns`. */
  readonly nsDir: string;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}

export function pinnedPaths(
  opts: Pick<PinOptions, 'id' | 'net' | 'uts' | 'ipc' | 'netnsDir' | 'nsDir'>,
): PinnedNamespaces {
  const dir = path.join(opts.nsDir, opts.id);
  return {
    ...(opts.net ? { netnsPath: path.join(opts.netnsDir, `podbay-${opts.id}`) } : {}),
    ...(opts.uts ? { utsnsPath: path.join(dir, 'uts') } : {}),
    ...(opts.ipc ? { ipcnsPath: path.join(dir, 'ipc') } : {}),
  };
}

/** True if `p` is a bind-mounted namespace file. */
export async function isPinned(p: string): Promise<boolean> {
  try {
    return (await statfs(p)).type === NSFS_MAGIC;
  } catch {
    return false;
  }
}

/** Creates and pins the namespaces; on failure removes whatever it made and rejects. */
export async function pinNamespaces(opts: PinOptions): Promise<PinnedNamespaces> {
  const pinned = pinnedPaths(opts);
  const files = [pinned.netnsPath, pinned.utsnsPath, pinned.ipcnsPath].filter(
    (p): p is string => p !== undefined,
  );
  if (files.length === 0) return pinned;
  try {
    for (const f of files) {
      await mkdir(path.dirname(f), { recursive: true, mode: 0o755 });
      await writeFile(f, '', { mode: 0o444 });
    }
    // Bringing up lo is CNI's loopback plugin's job; we only name the host.
    const pin = pinNamespacesCommand({
      hostname: opts.hostname,
      ...(pinned.netnsPath !== undefined ? { net: pinned.netnsPath } : {}),
      ...(pinned.utsnsPath !== undefined ? { uts: pinned.utsnsPath } : {}),
      ...(pinned.ipcnsPath !== undefined ? { ipc: pinned.ipcnsPath } : {}),
    });
    const r = await runCommand(pin.file, pin.args, {
      clock: opts.clock,
      timeoutMs: 30_000,
      builtin: pin.builtin,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (r.code !== 0) {
      throw new RuntimeError(`failed to create pod namespaces: ${stderrTail(r)}`);
    }
    return pin.builtin && pinned.netnsPath !== undefined ? { ...pinned, loopbackUp: true } : pinned;
  } catch (err) {
    await unpinNamespaces(pinned, opts.clock).catch(() => undefined);
    throw err;
  }
}

/**
 * Unmounts and removes the pinned namespace files (and the per-sandbox dir), and with them
 * `alsoUnmount` (the sandbox's /dev/shm), all in one `umount`. Idempotent.
 */
export async function unpinNamespaces(
  pinned: PinnedNamespaces,
  clock: Clock,
  alsoUnmount: readonly string[] = [],
): Promise<void> {
  const files = [pinned.netnsPath, pinned.utsnsPath, pinned.ipcnsPath].filter(
    (p): p is string => p !== undefined,
  );
  await unmountAndRemove([...files, ...alsoUnmount], clock);
  const dir = pinned.utsnsPath ?? pinned.ipcnsPath;
  if (dir !== undefined) await removeDirIfEmpty(path.dirname(dir));
}
