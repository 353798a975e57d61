/**
 * The status a remote command ends with, on its error stream (kubelet cri/streaming
 * remotecommand): from v4 on a metav1.Status as JSON, written by Go's encoding/json from a Status
 * whose kind, apiVersion and code are unset (so absent) and whose metadata is empty:
 *
 *   success      {"metadata":{},"status":"Success"}
 *   exit code n  {"metadata":{},"status":"Failure","message":"command terminated with non-zero
 *                exit code: error executing command [sh -c exit 3], exit code 3",
 *                "reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}
 *   any error    apierrors.NewInternalError: message "Internal error occurred: <err>", reason
 *                InternalError, one cause with the error's text, code 500
 *
 * Before v4 the stream carries only a failure's message as plain text, and nothing on success.
 * kubectl reads the exit code from the ExitCode cause and exits with it.
 */

export interface ExecStatus {
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly details?: {
    readonly causes: readonly { readonly reason?: string; readonly message: string }[];
  };
  readonly code?: number;
}

export const successStatus: ExecStatus = { status: 'Success' };

/** A command that ran and exited non-zero (containerd's wording of the exit error). */
export function exitCodeStatus(command: readonly string[], exitCode: number): ExecStatus {
  return {
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** apierrors.NewInternalError(err). */
export function internalErrorStatus(message: string): ExecStatus {
  return {
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

/** The bytes for the error stream: JSON from v4 on; before, a failure's message or nothing. */
export function encodeExecStatus(status: ExecStatus, jsonStatus: boolean): Buffer | undefined {
  if (!jsonStatus) {
    return status.status === 'Success' ? undefined : Buffer.from(status.message ?? '');
  }
  // Field order as Go's encoder writes metav1.Status.
  const out: Record<string, unknown> = { metadata: {}, status: status.status };
  if (status.message) out.message = status.message;
  if (status.reason) out.reason = status.reason;
  if (status.details) out.details = status.details;
  if (status.code) out.code = status.code;
  return Buffer.from(JSON.stringify(out));
}
