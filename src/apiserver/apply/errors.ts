/**
 * Errors of server-side apply, each carrying the `metav1.Status` a real API server answers with,
 * so the handler only has to write `err.status` (with `err.status.code` as HTTP status).
 */
import {
  errorBody,
  type FieldError,
  formatFieldErrors,
  type Status,
  type StatusCause,
} from '../../api/index.ts';
import type { FieldPath } from './path-element.ts';

export class ApplyError extends Error {
  override readonly name: string = 'ApplyError';
  /** The Status to answer with; `status.code` is the HTTP status. */
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? 'apply failed');
    this.status = status;
  }

  get code(): number {
    return this.status.code ?? 500;
  }
}

/** One field another manager owns and the apply would change. */
export interface ApplyConflict {
  /** The owning manager's name (`kubectl-client-side-apply`). */
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  /** The apiVersion of the owner's entry. */
  readonly apiVersion: string;
  /** The owner's subresource, '' for the main resource. */
  readonly subresource: string;
  readonly path: FieldPath;
  /** The path as upstream prints it: `.spec.replicas`. */
  readonly field: string;
}

/** 409 Conflict: the apply would change fields other managers own (retry with force to take them). */
export class ApplyConflictError extends ApplyError {
  override readonly name = 'ApplyConflictError';
  readonly conflicts: readonly ApplyConflict[];

  constructor(status: Status, conflicts: readonly ApplyConflict[]) {
    super(status);
    this.conflicts = conflicts;
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: Status['details'],
): Status {
  const s: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details !== undefined) s.details = details;
  return s;
}

/** 400 BadRequest with upstream's message. */
export function badRequest(message: string): ApplyError {
  return new ApplyError(failure(400, 'BadRequest', message));
}

/** 500 with reason Unknown, how upstream reports errors that are not API errors. */
export function internalError(message: string): ApplyError {
  return new ApplyError(failure(500, '', message));
}

/** 422 Invalid for request options (`PatchOptions.meta.k8s.io "" is invalid: fieldManager: ...`). */
export function invalidOptions(kind: string, errors: readonly FieldError[]): ApplyError {
  const causes: StatusCause[] = errors.map((e) => ({
    reason: e.type,
    message: errorBody(e),
    field: e.field,
  }));
  return new ApplyError(
    failure(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: ${formatFieldErrors(errors)}`, {
      group: 'meta.k8s.io',
      kind,
      causes,
    }),
  );
}

/** 409 Conflict with upstream's message and one `FieldManagerConflict` cause per field. */
export function conflictError(
  conflicts: readonly ApplyConflict[],
  describe: (c: ApplyConflict) => string,
): ApplyConflictError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describe(c)}`,
    field: c.field,
  }));
  let message: string;
  const first = conflicts[0];
  if (conflicts.length === 1 && first !== undefined) {
    message = `Apply failed with 1 conflict: conflict with ${describe(first)}: ${first.field}`;
  } else {
    const byManager = new Map<string, ApplyConflict[]>();
    for (const c of conflicts) {
      const key = describe(c);
      const list = byManager.get(key);
      if (list === undefined) byManager.set(key, [c]);
      else list.push(c);
    }
    const lines: string[] = [];
    for (const [who, list] of byManager) {
      lines.push(`conflicts with ${who}:`);
      for (const c of list) lines.push(`- ${c.field}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApplyConflictError(failure(409, 'Conflict', message, { causes }), conflicts);
}
