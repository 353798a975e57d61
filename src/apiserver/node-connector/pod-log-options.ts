/**
 * PodLogOptions from the query of `GET pods/{name}/log`, decoded as kube-apiserver's parameter
 * codec does (400 BadRequest with Go's conversion error), then validated as upstream's
 * ValidatePodLogOptions (422 Invalid, kind PodLogOptions), and turned back into the kubelet's query
 * as the pod strategy's LogLocation does.
 *
 * Decoding rules (runtime's string conversions): the first value of a parameter counts; booleans
 * are false only for "0" and "false" (any case), so `follow=` is true; integers are Go's
 * `strconv.ParseInt(s, 10, 64)`; sinceTime is RFC 3339 (an empty value is the zero time).
 */
import {
  type FieldError,
  forbidden as forbiddenField,
  invalid as invalidField,
  metaTime,
} from '../../api/index.ts';
import type { ApiError } from '../errors.ts';
import { badRequest, invalid } from '../errors.ts';

/** The options the API server acts on; `sinceTime` in milliseconds since the epoch. */
export interface LogOptions {
  readonly container?: string;
  readonly follow: boolean;
  readonly previous: boolean;
  readonly timestamps: boolean;
  readonly sinceSeconds?: number;
  readonly sinceTime?: number;
  readonly tailLines?: number;
  readonly limitBytes?: number;
  readonly insecureSkipTLSVerifyBackend: boolean;
  readonly stream?: string;
}

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

function goBool(v: string | null): boolean {
  return v !== null && !(v === '0' || v.toLowerCase() === 'false');
}

/** Go's ParseInt(s, 10, 64), with its error text. */
function goInt64(v: string): number {
  const quoted = JSON.stringify(v);
  if (!/^[+-]?\d+$/.test(v)) {
    throw badRequest(`strconv.ParseInt: parsing ${quoted}: invalid syntax`);
  }
  const n = BigInt(v);
  if (n > MAX_INT64 || n < MIN_INT64) {
    throw badRequest(`strconv.ParseInt: parsing ${quoted}: value out of range`);
  }
  return Number(n);
}

const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

/**
 * Go's `time.Parse(time.RFC3339, s)`: the time in milliseconds, or a 400 with Go's message for the
 * first element that does not match (a close rendering of Go's; ranges are checked too).
 */
function goRfc3339(value: string): number {
  const fail = (rest: string, elem: string): ApiError =>
    badRequest(
      `parsing time ${JSON.stringify(value)} as "${RFC3339_LAYOUT}": cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(elem)}`,
    );
  const steps: [RegExp, string][] = [
    [/^\d{4}/, '2006'],
    [/^-/, '-'],
    [/^\d{2}/, '01'],
    [/^-/, '-'],
    [/^\d{2}/, '02'],
    [/^T/, 'T'],
    [/^\d{2}/, '15'],
    [/^:/, ':'],
    [/^\d{2}/, '04'],
    [/^:/, ':'],
    [/^\d{2}(\.\d+)?/, '05'],
    [/^(Z|[+-]\d{2}:\d{2})/, 'Z07:00'],
  ];
  let rest = value;
  for (const [re, elem] of steps) {
    const m = re.exec(rest);
    if (!m) throw fail(rest, elem);
    rest = rest.slice(m[0].length);
  }
  if (rest !== '') {
    throw badRequest(`parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(rest)}`);
  }
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const range = (what: string): ApiError =>
    badRequest(`parsing time ${JSON.stringify(value)}: ${what} out of range`);
  if (month < 1 || month > 12) throw range('month');
  if (day < 1 || day > 31) throw range('day');
  if (Number(value.slice(11, 13)) > 23) throw range('hour');
  if (Number(value.slice(14, 16)) > 59) throw range('minute');
  if (Number(value.slice(17, 19)) > 59) throw range('second');
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw range('day');
  return ms;
}

const ZERO_TIME_MS = ((): number => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d.getTime();
})();

/** Decodes PodLogOptions from query parameters; throws 400 as upstream's parameter codec. */
export function decodePodLogOptions(query: URLSearchParams): LogOptions {
  const int = (name: string): number | undefined => {
    const v = query.get(name);
    return v === null ? undefined : goInt64(v);
  };
  const sinceSeconds = int('sinceSeconds');
  const tailLines = int('tailLines');
  const limitBytes = int('limitBytes');
  const st = query.get('sinceTime');
  const sinceTime =
    st === null ? undefined : st === '' || st === 'null' ? ZERO_TIME_MS : goRfc3339(st);
  const container = query.get('container');
  const stream = query.get('stream');
  return {
    follow: goBool(query.get('follow')),
    previous: goBool(query.get('previous')),
    timestamps: goBool(query.get('timestamps')),
    insecureSkipTLSVerifyBackend: goBool(query.get('insecureSkipTLSVerifyBackend')),
    ...(container !== null ? { container } : {}),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    ...(sinceTime !== undefined ? { sinceTime } : {}),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(stream !== null ? { stream } : {}),
  };
}

/**
 * Upstream v1.32 ValidatePodLogOptions with the PodLogsQuerySplitStreams feature off (its default),
 * so any `stream` is refused.
 */
export function validatePodLogOptions(opts: LogOptions): FieldError[] {
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) {
    errs.push(invalidField('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  }
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) {
    errs.push(invalidField('limitBytes', opts.limitBytes, 'must be greater than 0'));
  }
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(forbiddenField('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errs.push(invalidField('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  if (opts.stream !== undefined) errs.push(forbiddenField('stream', 'may not be specified'));
  return errs;
}

/** Decodes and validates; throws 400 or 422 (`PodLogOptions "<pod>" is invalid: ...`). */
export function podLogOptions(query: URLSearchParams, podName: string): LogOptions {
  const opts = decodePodLogOptions(query);
  const errs = validatePodLogOptions(opts);
  if (errs.length > 0) throw invalid('PodLogOptions', '', podName, errs);
  return opts;
}

/** The kubelet's query for these options, in upstream LogLocation's order. */
export function kubeletLogQuery(opts: LogOptions): string {
  const params = new URLSearchParams();
  if (opts.follow) params.append('follow', 'true');
  if (opts.previous) params.append('previous', 'true');
  if (opts.timestamps) params.append('timestamps', 'true');
  if (opts.sinceSeconds !== undefined) params.append('sinceSeconds', String(opts.sinceSeconds));
  if (opts.sinceTime !== undefined) params.append('sinceTime', metaTime(opts.sinceTime));
  if (opts.tailLines !== undefined) params.append('tailLines', String(opts.tailLines));
  if (opts.limitBytes !== undefined) params.append('limitBytes', String(opts.limitBytes));
  // Go's url.Values.Encode sorts by key.
  params.sort();
  return params.toString();
}
