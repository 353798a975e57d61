/**
 * The real `Mounter`: mount(2) and umount2(2) made by the spawn helper's built-ins (Node has no
 * mount syscall), or mount(8) and umount(8) where it has none (util/host-commands.ts), and
 * /proc/self/mountinfo for what is mounted. Needs root.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  mountCommand,
  realClock,
  runProcess,
  umountCommand,
  type Clock,
  type HostCommand,
  errorMessage,
} from '../../util/index.ts';
import { parseMountInfo } from './mount-info.ts';
import type { Mounter } from './types.ts';

/** Runs a mount command through the spawn helper (no fork of the agent); rejects with its stderr. */
async function run(clock: Clock, command: HostCommand, timeoutMs = 30_000): Promise<void> {
  const { file, args } = command;
  const child = runProcess(file, args, {
    maxOutputBytes: 1 << 16,
    ...(command.builtin ? { builtin: true } : {}),
  });
  const cancel = clock.setTimeout(() => {
    child.kill('SIGKILL');
  }, timeoutMs);
  let result;
  try {
    result = await child.result;
  } catch (e) {
    throw new Error(`failed to run ${file}: ${errorMessage(e)}`);
  } finally {
    cancel();
  }
  if (result.code === 0) return;
  const msg = result.stderr.toString('utf8').trim();
  throw new Error(
    msg !== ''
      ? msg
      : `${file} ${args.join(' ')} failed (${result.signal ?? `exit status ${result.code ?? -1}`})`,
  );
}

export class LinuxMounter implements Mounter {
  private readonly clock: Clock;

  constructor(opts: { readonly clock?: Clock } = {}) {
    this.clock = opts.clock ?? realClock;
  }

  async mountTmpfs(target: string, sizeBytes: number | undefined): Promise<void> {
    const size = sizeBytes !== undefined && sizeBytes > 0 ? { data: `size=${sizeBytes}` } : {};
    await run(this.clock, mountCommand({ source: 'tmpfs', target, fstype: 'tmpfs', ...size }));
  }

  async bindMount(source: string, target: string): Promise<void> {
    // The source may be a /proc/<pid>/fd magic link: it must reach mount(2) as it is, never be
    // resolved into a path first (that would reopen the very race the descriptor closes).
    await run(this.clock, mountCommand({ source, target, flags: ['bind'] }));
  }

  async unmount(target: string): Promise<void> {
    try {
      await run(this.clock, umountCommand([target]));
    } catch (err) {
      // Busy (a process still has it open): detach it now, the kernel frees it when released.
      if (err instanceof Error && /busy/i.test(err.message))
        await run(this.clock, umountCommand([target], { detach: true }));
      else throw err;
    }
  }

  async mountsUnder(dir: string): Promise<string[]> {
    const base = path.resolve(dir);
    const entries = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
    const points = entries
      .map((e) => e.mountPoint)
      .filter((p) => p === base || p.startsWith(base + '/'));
    // Deepest first, each once (a path mounted twice appears twice and is unmounted twice).
    return points.sort((a, b) => b.split('/').length - a.split('/').length);
  }

  async mountTypeAt(target: string): Promise<string | undefined> {
    const base = path.resolve(target);
    const entries = parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
    // The last entry for a mount point is the one on top.
    return entries.filter((e) => e.mountPoint === base).at(-1)?.fsType;
  }
}
