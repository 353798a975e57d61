/**
 * API errors: every failure a client can cause becomes an `ApiError`, rendered as a `metav1.Status`
 * with the HTTP code, reason and message a real kube-apiserver would give (kubectl prints the
 * message; clients switch on the reason). Store errors are mapped here, once.
 */
import {
  type FieldError,
  type Status,
  type StatusCause,
  fieldErrorCauses,
  invalidMessage,
} from '../api/index.ts';
import { type StoreError, isStoreError } from '../store/index.ts';
import { errorMessage } from '../util/index.ts';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'TooManyRequests'
  | 'InternalError'
  | 'Timeout'
  | 'ServiceUnavailable';

export interface StatusDetailsInit {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetailsInit | undefined;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetailsInit) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  /** An error answering with a Status built elsewhere (patch and apply engines). */
  static fromStatus(status: Status): ApiError {
    const d = status.details;
    const details: StatusDetailsInit = {};
    if (d?.name !== undefined) details.name = d.name;
    if (d?.group !== undefined) details.group = d.group;
    if (d?.kind !== undefined) details.kind = d.kind;
    if (d?.uid !== undefined) details.uid = d.uid;
    if (d?.causes !== undefined) details.causes = d.causes;
    return new ApiError(
      status.code ?? 500,
      (status.reason ?? 'InternalError') as StatusReason,
      status.message ?? '',
      d ? details : undefined,
    );
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = { ...this.details };
    return status;
  }
}

/** The resource a message names: `pods`, `deployments.apps`. */
export interface Qualified {
  readonly group: string;
  readonly resource: string;
}

function qualifiedName(q: Qualified): string {
  return q.group ? `${q.resource}.${q.group}` : q.resource;
}

function details(q: Qualified, name: string): StatusDetailsInit {
  const d: StatusDetailsInit = { name, kind: q.resource };
  if (q.group) d.group = q.group;
  return d;
}

export function notFound(q: Qualified, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedName(q)} "${name}" not found`, details(q, name));
}

export function alreadyExists(q: Qualified, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedName(q)} "${name}" already exists`,
    details(q, name),
  );
}

export function conflict(q: Qualified, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(q)} "${name}": ${why}`,
    details(q, name),
  );
}

/** The upstream text for a stale resourceVersion. */
export const staleObjectMessage =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 422 with field causes: `Pod "web" is invalid: spec.containers[0].image: Required value`. */
export function invalid(
  kind: string,
  group: string,
  name: string,
  errs: readonly FieldError[],
): ApiError {
  const d: StatusDetailsInit = { name, kind, causes: fieldErrorCauses(errs) };
  if (group) d.group = group;
  return new ApiError(422, 'Invalid', invalidMessage({ group, kind }, name, errs), d);
}

export function badRequest(message: string, causes?: StatusCause[]): ApiError {
  return new ApiError(400, 'BadRequest', message, causes ? { causes } : undefined);
}

export function forbidden(q: Qualified, name: string, why: string): ApiError {
  const what = name ? `${qualifiedName(q)} "${name}"` : qualifiedName(q);
  return new ApiError(403, 'Forbidden', `${what} is forbidden: ${why}`, details(q, name));
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function notAcceptable(): ApiError {
  return new ApiError(
    406,
    'NotAcceptable',
    'only the following media types are accepted: application/json, application/yaml',
  );
}

export function internalError(err: unknown): ApiError {
  const message = errorMessage(err);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

/** Maps a store error to the API error upstream returns for it. */
export function fromStoreError(err: StoreError, q: Qualified, name: string): ApiError {
  switch (err.code) {
    case 'KeyExists':
      return alreadyExists(q, name);
    case 'Conflict':
      return conflict(q, name, staleObjectMessage);
    case 'NotFound':
      return notFound(q, name);
    case 'Compacted':
      return gone(`The resourceVersion for the provided list is too old.`);
    case 'Unavailable':
      return serviceUnavailable(err.message);
  }
}

/** Any thrown value as an ApiError (unknown errors become 500 and are the server's bug). */
export function toApiError(err: unknown, q?: Qualified, name = ''): ApiError {
  if (err instanceof ApiError) return err;
  if (isStoreError(err) && q) return fromStoreError(err, q, name);
  return internalError(err);
}
