/**
 * Where container logs live, as upstream's kubelet lays them out (kuberuntime/helpers.go
 * BuildPodLogsDirectory and BuildContainerLogsDirectory):
 *
 *   <podLogsDir>/<namespace>_<pod>_<uid>/<container>/<restartCount>.log
 *
 * One file per container instance, so the previous instance's log stays readable
 * (`kubectl logs --previous`) until the pod is removed.
 */
import { join } from 'node:path';
import { localFs } from '../util/index.ts';

// Small files of podbay's own: synchronous underneath (util/local-fs.ts says why).
const { readdir } = localFs;

export const defaultPodLogsDir = '/var/log/pods';

export function podLogsDirectory(
  podLogsDir: string,
  namespace: string,
  name: string,
  uid: string,
): string {
  return join(podLogsDir, `${namespace}_${name}_${uid}`);
}

export function containerLogsDirectory(
  podLogsDir: string,
  namespace: string,
  name: string,
  uid: string,
  container: string,
): string {
  return join(podLogsDirectory(podLogsDir, namespace, name, uid), container);
}

export function containerLogPath(
  podLogsDir: string,
  namespace: string,
  name: string,
  uid: string,
  container: string,
  restartCount: number,
): string {
  return join(
    containerLogsDirectory(podLogsDir, namespace, name, uid, container),
    `${restartCount}.log`,
  );
}

/**
 * The restartCount to use when the runtime knows no earlier instance (upstream
 * calcRestartCountByLogDir): one past the highest `<n>.log` already in the directory, so a
 * container the runtime forgot does not overwrite its old log.
 */
export async function restartCountFromLogDir(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let max = -1;
  for (const n of names) {
    const m = /^(\d+)\.log$/.exec(n);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/** The pod uid of a pod log directory name (`<ns>_<pod>_<uid>`), if it is one. */
export function uidOfPodLogsDirectory(dirName: string): string | undefined {
  const i = dirName.lastIndexOf('_');
  return i > 0 ? dirName.slice(i + 1) : undefined;
}
