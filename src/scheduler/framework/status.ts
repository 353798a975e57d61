/**
 * The result of running a plugin (upstream framework.Status): a code, the reasons shown to users,
 * and the plugin that produced it. `undefined` stands for Success wherever a status is returned,
 * as a nil *Status does upstream.
 *
 * Codes, as upstream:
 * - Unschedulable: the pod does not fit now, but preemption or a cluster change may help;
 * - UnschedulableAndUnresolvable: preemption cannot help on this node (taints, affinity, ...);
 * - Error: an internal failure, retried after back-off;
 * - Skip: a PreFilter/PreScore plugin has nothing to do for this pod (its Filter/Score is skipped).
 */
export type StatusCode =
  | 'Success'
  | 'Error'
  | 'Unschedulable'
  | 'UnschedulableAndUnresolvable'
  | 'Wait'
  | 'Skip'
  | 'Pending';

export class Status {
  readonly code: StatusCode;
  readonly reasons: readonly string[];
  /** The plugin that returned this status, once the framework knows it. */
  readonly plugin: string;
  /** For `Error`: the underlying error, whose message comes first in `message()`. */
  readonly err: Error | undefined;

  constructor(code: StatusCode, reasons: readonly string[] = [], plugin = '', err?: Error) {
    this.code = code;
    this.reasons = reasons;
    this.plugin = plugin;
    this.err = err;
  }

  /** An Error status carrying `err` (upstream AsStatus). */
  static asStatus(err: unknown): Status {
    return new Status('Error', [], '', err instanceof Error ? err : new Error(String(err)));
  }

  withPlugin(plugin: string): Status {
    return new Status(this.code, this.reasons, plugin, this.err);
  }

  withError(err: Error): Status {
    return new Status(this.code, this.reasons, this.plugin, err);
  }

  /** The reasons, with the error's message first when there is one (upstream Reasons()). */
  allReasons(): readonly string[] {
    return this.err ? [this.err.message, ...this.reasons] : this.reasons;
  }

  /** Reasons joined by ", ": what users read in events and conditions. */
  message(): string {
    return this.allReasons().join(', ');
  }

  isSuccess(): boolean {
    return this.code === 'Success';
  }

  /** Unschedulable, UnschedulableAndUnresolvable or Pending: the pod was turned down, not failed. */
  isRejected(): boolean {
    return (
      this.code === 'Unschedulable' ||
      this.code === 'UnschedulableAndUnresolvable' ||
      this.code === 'Pending'
    );
  }
}

/** True for `undefined` (success) and Success statuses. */
export function isSuccess(s: Status | undefined): boolean {
  return s === undefined || s.isSuccess();
}
