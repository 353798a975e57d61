/**
 * Whether a path is a mount point, without reading /proc/self/mountinfo.
 *
 * Why: on a node with a few hundred pods mountinfo has a thousand lines (a root, a /dev/shm and
 * three pinned namespaces per pod), and the kernel formats all of it on every read. Reading it
 * once per unmount made pod teardown quadratic: the agent's thread spent most of a 100-pod
 * deletion there. A mount of another filesystem has another device number than the directory it
 * sits in, which is what this compares; that covers every mount the node makes itself (overlay
 * roots, tmpfs, nsfs namespace pins, also stacked). A bind mount from the same filesystem is not
 * seen: callers that must catch those too still read mountinfo.
 */
import { lstat, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function isMountPoint(path: string): Promise<boolean> {
  let own;
  try {
    // lstat: a symlink is never a mount point, whatever it points to.
    own = await lstat(path);
  } catch {
    return false;
  }
  if (own.isSymbolicLink()) return false;
  const parent = dirname(path);
  if (parent === path) return true;
  return (await stat(parent)).dev !== own.dev;
}
