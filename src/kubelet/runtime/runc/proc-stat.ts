/**
 * What the agent reads about a host process from /proc/PID/stat: whether it still runs and when it
 * started. The start time (in clock ticks since boot) tells a process from a later one that was
 * given the same pid, which is how runc itself checks a container's init before signalling it.
 */
import { localFs } from '../../../util/index.ts';

// Small files of podbay's own: synchronous underneath (util/local-fs.ts says why).
const { readFile } = localFs;

export interface ProcStat {
  /** One letter: R, S, D, Z (zombie), X (dead), … */
  readonly state: string;
  /** Field 22, `starttime`, kept as the kernel wrote it. */
  readonly startTime: string;
}

/** Parses a /proc/PID/stat line; undefined when it is not one. */
export function parseProcStat(text: string): ProcStat | undefined {
  // `pid (comm) S …`: comm may hold spaces and parentheses, so fields count from the last ')'.
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  const fields = text.slice(end + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  if (state === undefined || state.length !== 1 || startTime === undefined) return undefined;
  if (!/^\d+$/.test(startTime)) return undefined;
  return { state, startTime };
}

/** /proc/PID/stat of a process, or undefined when there is none with that pid. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * True while `pid` runs (and, with `startTime`, is still the process that started then). A zombie
 * counts as gone: a daemonised conmon is reaped by whatever PID 1 is, which may take its time.
 */
export async function processRunning(pid: number, startTime?: string): Promise<boolean> {
  const st = await readProcStat(pid);
  if (st === undefined || st.state === 'Z' || st.state === 'X') return false;
  return startTime === undefined || st.startTime === startTime;
}
