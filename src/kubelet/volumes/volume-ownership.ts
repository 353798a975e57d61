/**
 * fsGroup ownership of a pod's volumes (upstream pkg/volume SetVolumeOwnership): every file and
 * directory of the volume gets the pod's fsGroup as its group, group read/write (read only for
 * read-only volumes), and directories also group execute and setgid, so files the containers
 * create later inherit the group.
 *
 * Which volumes and when, as upstream's plugins do it: emptyDir when it is first set up (not
 * again on later syncs, so files the pod made keep the modes it gave them); configMap, secret,
 * downwardAPI and projected volumes on every write of new data, before the new files become
 * visible. hostPath volumes are never changed.
 *
 * The walk never follows symlinks (lchown, no chmod through them). It only ever runs over
 * content the kubelet itself just created (a fresh emptyDir, a new data version), never over a
 * directory a container could have filled, so nothing can swap a directory for a symlink under
 * it mid-walk.
 */
import { chmod, lchown, lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Pod } from '../../api/index.ts';

const rwMask = 0o660;
const roMask = 0o440;
const execMask = 0o110;
const setgid = 0o2000;

/** The pod's fsGroup, or undefined when it has none. */
export function podFsGroup(pod: Pod): number | undefined {
  return pod.spec?.securityContext?.fsGroup;
}

/**
 * With fsGroupChangePolicy OnRootMismatch: whether the volume's root shows it was not done yet
 * (its group, the permission bits, setgid); upstream requiresPermissionChange.
 */
export async function requiresPermissionChange(
  dir: string,
  fsGroup: number,
  readOnly: boolean,
): Promise<boolean> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    return true;
  }
  if (st.gid !== fsGroup || !st.isDirectory()) return true;
  const want = (readOnly ? roMask : rwMask) | execMask;
  return (st.mode & want) !== want || (st.mode & setgid) === 0;
}

export interface VolumeOwnershipOptions {
  /** Read-only volumes get group read, not write. */
  readonly readOnly: boolean;
  /** `OnRootMismatch` skips a volume whose root is already right; default `Always`. */
  readonly fsGroupChangePolicy?: string;
}

/** Applies fsGroup to `dir` and everything below it (see the top). */
export async function setVolumeOwnership(
  dir: string,
  fsGroup: number,
  opts: VolumeOwnershipOptions,
): Promise<void> {
  if (
    opts.fsGroupChangePolicy === 'OnRootMismatch' &&
    !(await requiresPermissionChange(dir, fsGroup, opts.readOnly))
  ) {
    return;
  }
  const visit = async (p: string): Promise<void> => {
    const st = await lstat(p);
    await lchown(p, st.uid, fsGroup);
    if (st.isSymbolicLink()) return;
    let mask = opts.readOnly ? roMask : rwMask;
    if (st.isDirectory()) mask |= setgid | execMask;
    await chmod(p, (st.mode & 0o7777) | mask);
    if (!st.isDirectory()) return;
    for (const name of await readdir(p)) await visit(path.join(p, name));
  };
  await visit(dir);
}
