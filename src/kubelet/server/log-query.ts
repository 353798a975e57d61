/**
 * The query of `GET /containerLogs/...`: PodLogOptions (v1) as query parameters, decoded as the
 * kubelet's parameter codec does, then turned into reader options as upstream's NewLogOptions does.
 *
 *   follow, previous, timestamps   "0" or "false" (any case) is false; any other value is true
 *   tailLines, limitBytes,
 *   sinceSeconds                   base-10 int64; anything else cannot be decoded
 *   sinceTime                      RFC 3339; empty means the zero time
 *   tail                           legacy spelling of tailLines; "all" means no tail
 *
 * Decoding failures answer 400 `{"message": "Unable to decode query."}`, invalid values (negative
 * tailLines, limitBytes < 1, sinceSeconds < 1, both since options, `stream` without the alpha
 * feature) 422 `{"message": "Invalid request."}`, as the kubelet does. The API server validates the
 * same options with field-level messages before it calls us, so these are for direct callers.
 */

export interface ContainerLogQuery {
  readonly follow: boolean;
  readonly previous: boolean;
  readonly timestamps: boolean;
  readonly tailLines?: number;
  readonly limitBytes?: number;
  readonly sinceSeconds?: number;
  /** Milliseconds since the epoch (second precision, as RFC 3339 without fraction may give). */
  readonly sinceTime?: number;
}

export interface LogQueryError {
  readonly code: 400 | 422;
  readonly message: string;
}

const DECODE_ERROR: LogQueryError = {
  code: 400,
  message: '{"message": "Unable to decode query."}',
};
const INVALID: LogQueryError = { code: 422, message: '{"message": "Invalid request."}' };

/** Go's `time.Time{}` (0001-01-01T00:00:00Z), what an empty sinceTime decodes to. */
const GO_ZERO_TIME_MS = ((): number => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d.getTime();
})();

const INT64 = /^[+-]?\d+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function bool(v: string | null): boolean {
  if (v === null) return false;
  return !(v === '0' || v.toLowerCase() === 'false');
}

function int(v: string | null): number | undefined | LogQueryError {
  if (v === null) return undefined;
  if (!INT64.test(v)) return DECODE_ERROR;
  const n = Number(v);
  // Beyond int64 Go fails to parse; beyond 2^53 we lose precision but such values only mean
  // "everything" for these options.
  if (Math.abs(n) > 9.3e18) return DECODE_ERROR;
  return n;
}

function isError(v: unknown): v is LogQueryError {
  return typeof v === 'object' && v !== null && 'code' in v;
}

/** Decodes and validates the query; the error is the kubelet's status and body. */
export function parseLogQuery(query: URLSearchParams): ContainerLogQuery | LogQueryError {
  const q = new URLSearchParams(query);
  const tail = q.get('tail');
  if (tail !== null && tail !== '') {
    if (tail === 'all') q.delete('tailLines');
    else q.set('tailLines', tail);
  }
  const tailLines = int(q.get('tailLines'));
  const limitBytes = int(q.get('limitBytes'));
  const sinceSeconds = int(q.get('sinceSeconds'));
  if (isError(tailLines)) return tailLines;
  if (isError(limitBytes)) return limitBytes;
  if (isError(sinceSeconds)) return sinceSeconds;
  let sinceTime: number | undefined;
  const st = q.get('sinceTime');
  if (st !== null) {
    if (st === '' || st === 'null') sinceTime = GO_ZERO_TIME_MS;
    else {
      if (!RFC3339.test(st)) return DECODE_ERROR;
      sinceTime = Date.parse(st);
      if (Number.isNaN(sinceTime)) return DECODE_ERROR;
    }
  }
  if (tailLines !== undefined && tailLines < 0) return INVALID;
  if (limitBytes !== undefined && limitBytes < 1) return INVALID;
  if (sinceSeconds !== undefined && sinceTime !== undefined) return INVALID;
  if (sinceSeconds !== undefined && sinceSeconds < 1) return INVALID;
  if (q.has('stream')) return INVALID;
  return {
    follow: bool(q.get('follow')),
    previous: bool(q.get('previous')),
    timestamps: bool(q.get('timestamps')),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    ...(sinceTime !== undefined ? { sinceTime } : {}),
  };
}

/**
 * The earliest record time to send (ms since the epoch), or undefined: `now - sinceSeconds`, or
 * `sinceTime` when that is later (upstream NewLogOptions).
 */
export function sinceMs(query: ContainerLogQuery, now: number): number | undefined {
  let since: number | undefined;
  if (query.sinceSeconds !== undefined) since = now - query.sinceSeconds * 1000;
  if (query.sinceTime !== undefined && (since === undefined || query.sinceTime > since)) {
    since = query.sinceTime;
  }
  return since;
}
