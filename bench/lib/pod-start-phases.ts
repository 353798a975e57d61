/**
 * Where a pod's start went, from the server's own structured log: the scheduler's bind, the CNI
 * set-up, the sandbox, each container's create (image root, OCI spec, conmon + `runc create`) and
 * start (`runc start`), as the kubelet and runtime log them, between the bench's POST and the watch
 * event showing the pod running. Log times have millisecond resolution; the medians of many pods
 * are what is reported.
 */
import { readFile } from 'node:fs/promises';
import { containerNames } from './bench-pod.ts';
import { median } from './stats.ts';

export interface PodStartTimes {
  readonly name: string;
  /** Wall-clock times (ms since the epoch) of the POST and of the watch event. */
  readonly postedAt: number;
  readonly runningAt: number;
}

export interface Phase {
  readonly name: string;
  /** Median over the pods whose log had every line (ms). */
  readonly ms: number;
}

interface LogLine {
  readonly at: number;
  readonly msg: string;
  readonly fields: ReadonlyMap<string, string>;
}

function parseLine(line: string): LogLine | undefined {
  const m = /^(\S+) [A-Z]+ (.*?)((?: [\w.]+=\S*)*)$/.exec(line);
  if (!m) return undefined;
  const at = Date.parse(m[1]!);
  if (Number.isNaN(at)) return undefined;
  const fields = new Map<string, string>();
  for (const f of m[3]!.trim().split(' ')) {
    const eq = f.indexOf('=');
    if (eq > 0) fields.set(f.slice(0, eq), f.slice(eq + 1));
  }
  return { at, msg: m[2]!, fields };
}

/** Median time of each step of a pod start, over `pods`, from the server log at `logFile`. */
export async function podStartPhases(
  logFile: string,
  namespace: string,
  pods: readonly PodStartTimes[],
): Promise<Phase[]> {
  const lines = (await readFile(logFile, 'utf8'))
    .split('\n')
    .map(parseLine)
    .filter((l): l is LogLine => l !== undefined);
  const byPod = new Map<string, LogLine[]>();
  const startedById = new Map<string, number>();
  for (const l of lines) {
    const pod = l.fields.get('pod');
    if (pod !== undefined) {
      let list = byPod.get(pod);
      if (!list) byPod.set(pod, (list = []));
      list.push(l);
    }
    const id = l.fields.get('id');
    if (l.msg === 'container started' && id !== undefined) startedById.set(id, l.at);
  }
  const names = [
    'POST to bound (API, scheduler)',
    'bound to pod network set up (namespaces, CNI ADD)',
    'network to sandbox ready',
    ...containerNames.flatMap((c, i) => [
      `${i === 0 ? 'sandbox ready' : `container ${containerNames[i - 1]!} started`} to container ${c} created (image root, spec, conmon + runc create)`,
      `container ${c} created to started (runc start)`,
    ]),
    'last container started to running seen by the watch (status, watch)',
  ];
  const samples: number[][] = names.map(() => []);
  for (const p of pods) {
    const log = byPod.get(`${namespace}/${p.name}`) ?? [];
    const first = (msg: string, container?: string): LogLine | undefined =>
      log.find(
        (l) =>
          l.msg === msg && (container === undefined || l.fields.get('container') === container),
      );
    const marks: (number | undefined)[] = [
      p.postedAt,
      first('successfully bound pod to node')?.at,
      first('pod network set up')?.at,
      first('pod sandbox ready')?.at,
    ];
    for (const c of containerNames) {
      const created = first('container created', c);
      const id = created?.fields.get('id');
      marks.push(created?.at, id !== undefined ? startedById.get(id) : undefined);
    }
    marks.push(p.runningAt);
    if (marks.some((m) => m === undefined)) continue;
    for (let i = 1; i < marks.length; i++) samples[i - 1]!.push(marks[i]! - marks[i - 1]!);
  }
  return names.map((name, i) => ({ name, ms: median(samples[i]!) }));
}
