/**
 * Client-side errors. Two families that callers must tell apart:
 *
 * - `ApiStatusError`: the API server answered, and the answer was a failure (a non-2xx response,
 *   or an `ERROR` event in a watch stream). It carries the server's `metav1.Status`: `code`,
 *   `reason`, `message`, `details`. The `isNotFound`/`isConflict`/... predicates read it the way
 *   client-go's `apierrors` package does (by reason first, by HTTP code when the reason is unknown).
 * - `NetworkError`: the answer never arrived (refused, reset, TLS failure, timeout, connection cut
 *   in the middle of a stream). Retrying later may help; the server state is unknown.
 *
 * Cancellation through an `AbortSignal` is neither: it surfaces as the signal's reason (an
 * `AbortError` from util when the caller gave none), so `isAbortError` recognises it.
 */
import type { Status } from '../api/index.ts';

/** The `details` of a Status. */
export type StatusDetails = NonNullable<Status['details']>;

/** Reasons the API server uses (metav1.StatusReason), for the code fallback of the predicates. */
const knownReasons: ReadonlySet<string> = new Set([
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Gone',
  'Invalid',
  'ServerTimeout',
  'StoreReadError',
  'Timeout',
  'TooManyRequests',
  'BadRequest',
  'MethodNotAllowed',
  'NotAcceptable',
  'RequestEntityTooLarge',
  'UnsupportedMediaType',
  'InternalError',
  'Expired',
  'ServiceUnavailable',
]);

/** The reason client-go assigns to a failure response without a Status body, by HTTP code. */
function reasonForCode(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 406:
      return 'NotAcceptable';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 413:
      return 'RequestEntityTooLarge';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return '';
  }
}

/**
 * A failure answered by the API server, with its Status. Thrown by every REST client call on a
 * non-2xx response and by watch iteration on an `ERROR` event.
 */
export class ApiStatusError extends Error {
  override readonly name = 'ApiStatusError';
  /** HTTP status code (from the Status, else from the response). */
  readonly code: number;
  /** metav1.StatusReason, e.g. `NotFound`; '' when the server gave none and the code maps to none. */
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  /** The Status as received (or synthesized from the response when the body was not a Status). */
  readonly status: Status;

  constructor(status: Status, httpCode?: number) {
    const code = status.code ?? httpCode ?? 500;
    super(status.message ?? `the server responded with status ${code}`);
    this.code = code;
    this.reason = status.reason ?? reasonForCode(code);
    this.details = status.details;
    this.status = status;
  }
}

/**
 * Builds the error for a failed response: the body's Status when it is one, otherwise a Status
 * synthesized from the HTTP code and the body text (as client-go's NewGenericServerResponse).
 */
export function errorFromResponse(httpCode: number, body: Buffer | string): ApiStatusError {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const parsed = parseStatus(text);
  if (parsed) return new ApiStatusError(parsed, httpCode);
  const reason = reasonForCode(httpCode);
  const snippet = text.trim().slice(0, 500);
  return new ApiStatusError(
    {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: httpCode,
      ...(reason ? { reason } : {}),
      message: snippet
        ? `the server responded with status ${httpCode}: ${snippet}`
        : `the server responded with status ${httpCode}`,
    },
    httpCode,
  );
}

/** A Status object when `value` (parsed JSON or text) is one. */
export function asStatus(value: unknown): Status | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!('kind' in value) || value.kind !== 'Status') return undefined;
  return value as Status;
}

function parseStatus(text: string): Status | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return asStatus(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * The request never got an answer: connection refused or reset, DNS or TLS failure, a timeout,
 * or a response cut short. `code` is Node's error code (`ECONNREFUSED`, `ETIMEDOUT`, ...) when
 * known. The outcome of a write that failed this way is unknown.
 */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  readonly code: string | undefined;

  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }
}

export function isNetworkError(err: unknown): err is NetworkError {
  return err instanceof NetworkError;
}

export function isApiStatusError(err: unknown): err is ApiStatusError {
  return err instanceof ApiStatusError;
}

function matches(err: unknown, reason: string, code?: number): boolean {
  if (!(err instanceof ApiStatusError)) return false;
  if (err.reason === reason) return true;
  return code !== undefined && err.code === code && !knownReasons.has(err.reason);
}

/** 404 NotFound. */
export function isNotFound(err: unknown): boolean {
  return matches(err, 'NotFound', 404);
}

/** 409 AlreadyExists (a create of an existing name). */
export function isAlreadyExists(err: unknown): boolean {
  return matches(err, 'AlreadyExists');
}

/** 409 Conflict (a stale resourceVersion, a failed precondition). */
export function isConflict(err: unknown): boolean {
  return matches(err, 'Conflict', 409);
}

/** 410 Gone. */
export function isGone(err: unknown): boolean {
  return matches(err, 'Gone', 410);
}

/** 410 Expired: a resourceVersion or continue token too old for the server's history. */
export function isResourceExpired(err: unknown): boolean {
  return matches(err, 'Expired');
}

/** 403 Forbidden. */
export function isForbidden(err: unknown): boolean {
  return matches(err, 'Forbidden', 403);
}

/** 401 Unauthorized. */
export function isUnauthorized(err: unknown): boolean {
  return matches(err, 'Unauthorized', 401);
}

/** 422 Invalid (field errors are in `details.causes`). */
export function isInvalid(err: unknown): boolean {
  return matches(err, 'Invalid', 422);
}

/** 400 BadRequest. */
export function isBadRequest(err: unknown): boolean {
  return matches(err, 'BadRequest', 400);
}

/** 429 TooManyRequests. */
export function isTooManyRequests(err: unknown): boolean {
  return matches(err, 'TooManyRequests', 429);
}

/** 500 InternalError. */
export function isInternalError(err: unknown): boolean {
  return matches(err, 'InternalError', 500);
}

/** 503 ServiceUnavailable. */
export function isServiceUnavailable(err: unknown): boolean {
  return matches(err, 'ServiceUnavailable', 503);
}

/** 504 Timeout or 500 ServerTimeout: the server gave up waiting; the request may be retried. */
export function isTimeout(err: unknown): boolean {
  return matches(err, 'Timeout', 504) || matches(err, 'ServerTimeout');
}
