/**
 * hostPath volumes: upstream's type checks (pkg/volume/hostpath), with its error messages. The
 * checks follow symlinks, as upstream's do (a hostPath is the node admin's choice, not the pod's).
 *
 *   ""                 no check
 *   DirectoryOrCreate  mkdir -p with 0755 when missing, then must be a directory
 *   Directory          must be a directory
 *   FileOrCreate       create an empty 0644 file when missing (the parent must exist), then must not
 *                      be a directory
 *   File               must exist and not be a directory
 *   Socket, CharDevice, BlockDevice   must be one
 */
import { mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch {
    return undefined;
  }
}

/** Runs the check for `type`; throws an Error with upstream's message when it fails. */
export async function checkHostPathType(hostPath: string, type: string | undefined): Promise<void> {
  if (hostPath.split('/').includes('..')) {
    throw new Error(`invalid HostPath ${hostPath}: must not contain '..'`);
  }
  const t = type ?? '';
  const fail = (what: string): Error =>
    new Error(`hostPath type check failed: ${hostPath} is not a ${what}`);
  let st = await statOrUndefined(hostPath);
  switch (t) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!st) {
        await mkdir(hostPath, { recursive: true, mode: 0o755 });
        return;
      }
      if (!st.isDirectory()) throw fail('directory');
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw fail('directory');
      return;
    case 'FileOrCreate':
      if (!st) {
        // O_CREAT without O_EXCL: a file made meanwhile by someone else is fine, as upstream.
        const fh = await open(hostPath, 'a', 0o644);
        await fh.close();
        st = await statOrUndefined(hostPath);
      }
      if (!st || st.isDirectory()) throw fail('file');
      return;
    case 'File':
      if (!st || st.isDirectory()) throw fail('file');
      return;
    case 'Socket':
      if (!st?.isSocket()) throw fail('socket file');
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw fail('character device');
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw fail('block device');
      return;
    default:
      throw new Error(`${t} is an invalid volume type`);
  }
}
