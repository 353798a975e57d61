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

/** One `key=value` field of a log line; a value with spaces is quoted (JSON string syntax). */
const field = /([\w.]+)=("(?:[^"\\]|\\.)*"|\S*)/g;

function parseLine(line: string): LogLine | undefined {
  const m = /^(\S+) [A-Z]+ (.*?)((?: [\w.]+=(?:"(?:[^"\\]|\\.)*"|\S*))*)$/.exec(line);
  if (!m) return undefined;
  const at = Date.parse(m[1]!);
  if (Number.isNaN(at)) return undefined;
  const fields = new Map<string, string>();
  for (const f of m[3]!.matchAll(field)) {
    const raw = f[2]!;
    fields.set(f[1]!, raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
  }
  return { at, msg: m[2]!, fields };
}

/**
 * When each step of a pod start ended, as the median time after the POST over `pods`, from the
 * server log at `logFile`.
 */
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
  // A timeline from the POST: the steps overlap (the network is set up while the containers are
  // created, the creates run side by side), so differences of consecutive steps would mislead.
  const names = [
    'bound (API, scheduler)',
    'sandbox namespaces ready',
    ...containerNames.map((c) => `container ${c} created (image root, spec, conmon + runc create)`),
    'pod network set up (CNI ADD, beside the creates)',
    ...containerNames.map((c) => `container ${c} started (runc start)`),
    'running seen by the watch (status, watch)',
  ];
  const samples: number[][] = names.map(() => []);
  for (const p of pods) {
    const log = byPod.get(`${namespace}/${p.name}`) ?? [];
    const first = (msg: string, container?: string): LogLine | undefined =>
      log.find(
        (l) =>
          l.msg === msg && (container === undefined || l.fields.get('container') === container),
      );
    const created = containerNames.map((c) => first('container created', c));
    const marks: (number | undefined)[] = [
      first('successfully bound pod to node')?.at,
      first('pod sandbox created')?.at,
      ...created.map((l) => l?.at),
      first('pod network set up')?.at,
      ...created.map((l) => {
        const id = l?.fields.get('id');
        return id !== undefined ? startedById.get(id) : undefined;
      }),
      p.runningAt,
    ];
    if (marks.some((m) => m === undefined)) continue;
    marks.forEach((m, i) => samples[i]!.push(m! - p.postedAt));
  }
  return names.map((name, i) => ({ name, ms: median(samples[i]!) }));
}
