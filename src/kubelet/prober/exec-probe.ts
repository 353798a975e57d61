import type { Container } from '../../api/index.ts';
import { expand, mappingFuncFor } from '../expansion.ts';
import { ExecSyncTimeoutError, type ContainerCommandRunner } from '../runtime/index.ts';
import type { ProbeOutcome } from './types.ts';

/** Upstream exec probe's output limit. */
export const maxExecOutputBytes = 10 * 1024;

/**
 * Upstream ExpandContainerCommandOnlyStatic: `$(VAR)` in an exec probe's command expands only
 * to env vars with a literal value (no valueFrom: probes do not see secrets or the downward API).
 */
export function expandProbeCommand(command: readonly string[], container: Container): string[] {
  const values = new Map<string, string>();
  for (const e of container.env ?? []) {
    if (e.valueFrom === undefined) values.set(e.name, e.value ?? '');
  }
  const mapping = mappingFuncFor(values);
  return command.map((arg) => expand(arg, mapping));
}

/**
 * Upstream exec probe: exit code 0 is success, any other a failure; the output (stdout then
 * stderr, at most 10 KiB) goes to the event. A timeout is a failure with `command "…" timed
 * out`; any other error means the probe could not run (unknown, retried).
 */
export async function execProbe(
  runner: ContainerCommandRunner,
  containerId: string,
  command: readonly string[],
  timeoutSeconds: number,
): Promise<ProbeOutcome> {
  let res;
  try {
    res = await runner.execSync(containerId, command, timeoutSeconds);
  } catch (err) {
    if (err instanceof ExecSyncTimeoutError) return { result: 'failure', output: err.message };
    return {
      result: 'unknown',
      output: '',
      error: err instanceof Error ? err : new Error(String(err)),
    };
  }
  const output = Buffer.concat([res.stdout, res.stderr])
    .subarray(0, maxExecOutputBytes)
    .toString('utf8');
  return { result: res.exitCode === 0 ? 'success' : 'failure', output };
}
