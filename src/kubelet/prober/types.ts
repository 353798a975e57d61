/**
 * Shared vocabulary of the prober (upstream pkg/probe and pkg/kubelet/prober/results).
 *
 * Two result types, as upstream has:
 *   - `ProbeResult`: what one probe attempt found (success, warning, failure, unknown), with the
 *     output shown in events;
 *   - `Result`: what the kubelet acts on per container (success or failure), cached by the
 *     results managers and turned into `ready`, `started` and liveness kills.
 */

/** The Kubernetes version probes and hooks present themselves as (`kube-probe/1.32`). */
export const kubeMajorMinor = '1.32';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

/** Upstream probeType.String(), which starts every probe event message. */
export function probeTypeName(t: ProbeType): string {
  switch (t) {
    case 'liveness':
      return 'Liveness';
    case 'readiness':
      return 'Readiness';
    case 'startup':
      return 'Startup';
  }
}

/** One attempt's verdict (upstream probe.Result). */
export type ProbeResult = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome {
  readonly result: ProbeResult;
  /** The probe's output: the response body, command output, or why it failed. */
  readonly output: string;
  /**
   * The probe could not be carried out (bad port name, runtime error): the attempt is retried
   * and, failing that, its result thrown away.
   */
  readonly error?: Error;
}

/** The cached per-container result (upstream results.Result). */
export type Result = 'success' | 'failure' | 'unknown';

/** Upstream results.Result String(), used in log lines. */
export function resultName(r: Result): string {
  return r === 'success' ? 'Success' : r === 'failure' ? 'Failure' : 'UNKNOWN';
}
