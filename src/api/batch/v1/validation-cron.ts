/**
 * The cron schedule grammar a CronJob's `spec.schedule` must follow, with the exact error texts
 * upstream reports (its validation uses robfig/cron v3 `ParseStandard`):
 *
 *   schedule   = [ ("TZ=" | "CRON_TZ=") zone " " ] ( descriptor | fields )
 *   descriptor = "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight"
 *              | "@hourly" | "@every " duration
 *   fields     = minute hour day-of-month month day-of-week      (whitespace-separated)
 *   field      = range { "," range }
 *   range      = ( "*" | "?" | value [ "-" value ] ) [ "/" step ]
 *   value      = number | name                                    (names: jan..dec, sun..sat)
 *
 * Bounds: minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6. `N/step` means
 * `N-max/step`. Durations follow Go's `time.ParseDuration`; zones are IANA names.
 *
 * `parseCronSchedule` only checks; it returns null for a valid schedule or the error text.
 */
import { goQuote } from '../../validation/go-format.ts';

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const daysOfMonth: Bounds = { min: 1, max: 31 };
const months: Bounds = {
  min: 1,
  max: 12,
  names: {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
  },
};
const daysOfWeek: Bounds = {
  min: 0,
  max: 6,
  names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 },
};
const fieldBounds: readonly Bounds[] = [minutes, hours, daysOfMonth, months, daysOfWeek];

const descriptors = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

class CronError extends Error {}

/** Go's `unicode.IsSpace` for the characters `strings.Fields` and `TrimSpace` split on. */
function isGoSpace(ch: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u.test(ch);
}

/** Go's `strings.Fields`. */
function goFields(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (isGoSpace(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur) out.push(cur);
  return out;
}

const goSpaceClass =
  '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const goTrimRe = new RegExp(`^${goSpaceClass}+|${goSpaceClass}+$`, 'gu');

/** Go's `strings.TrimSpace`. */
function goTrimSpace(s: string): string {
  return s.replace(goTrimRe, '');
}

/** Go's `fmt.Sprint` of a `[]string`: `[a b c]`. */
function goSliceText(values: readonly string[]): string {
  return `[${values.join(' ')}]`;
}

/** Go's `strconv.Atoi` error text, or the number. */
function atoi(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) {
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: invalid syntax`,
    );
  }
  const n = BigInt(expr);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: value out of range`,
    );
  }
  if (n < 0n) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  // Values above the field's maximum are reported by the caller; keep them large but finite.
  return n > 1000000n ? 1000000 : Number(n);
}

function parseIntOrName(expr: string, names: Readonly<Record<string, number>> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? atoi(expr);
}

/** Go's `%d` of a parsed value: the number itself, even when it was clipped for safety. */
function checkRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let startText: string;
  let endText: string;
  const low = lowAndHigh[0] ?? '';
  if (low === '*' || low === '?') {
    start = r.min;
    end = r.max;
    startText = String(r.min);
    endText = String(r.max);
  } else {
    start = parseIntOrName(low, r.names);
    startText = numberText(low, start, r.names);
    if (lowAndHigh.length === 1) {
      end = start;
      endText = startText;
    } else if (lowAndHigh.length === 2) {
      const high = lowAndHigh[1] ?? '';
      end = parseIntOrName(high, r.names);
      endText = numberText(high, end, r.names);
    } else {
      throw new CronError(`too many hyphens: ${expr}`);
    }
  }
  let step: number;
  if (rangeAndStep.length === 1) {
    step = 1;
  } else if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1] ?? '');
    if (single) {
      end = r.max;
      endText = String(r.max);
    }
  } else {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < r.min) {
    throw new CronError(`beginning of range (${startText}) below minimum (${r.min}): ${expr}`);
  }
  if (end > r.max) {
    throw new CronError(`end of range (${endText}) above maximum (${r.max}): ${expr}`);
  }
  if (start > end) {
    throw new CronError(
      `beginning of range (${startText}) beyond end of range (${endText}): ${expr}`,
    );
  }
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
}

/** The decimal text Go prints for a parsed value (exact even beyond the clipped range). */
function numberText(
  expr: string,
  value: number,
  names: Readonly<Record<string, number>> | undefined,
): string {
  if (names?.[expr.toLowerCase()] !== undefined) return String(value);
  return BigInt(expr).toString();
}

function checkField(field: string, r: Bounds): void {
  for (const expr of field.split(',')) {
    if (expr === '') continue;
    checkRange(expr, r);
  }
}

// ---- durations (Go's time.ParseDuration) --------------------------------------------------------

/** Go's `time` package quoting: `\xNN` for bytes outside printable ASCII, `\"` and `\\`. */
function timeQuote(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    if (b >= 0x80 || b < 0x20) out += '\\x' + b.toString(16).padStart(2, '0');
    else {
      const c = String.fromCharCode(b);
      out += c === '"' || c === '\\' ? '\\' + c : c;
    }
  }
  return out + '"';
}

const durationUnits: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};

const maxDuration = 1n << 63n;

/** Checks a Go duration (`1h30m`, `90s`, `1.5h`); returns the error text or null. */
export function goDurationError(orig: string): string | null {
  const invalidDuration = `time: invalid duration ${timeQuote(orig)}`;
  let s = orig;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  if (s === '0') return null;
  if (s === '') return invalidDuration;
  let total = 0n;
  while (s !== '') {
    const c0 = s[0] ?? '';
    if (!(c0 === '.' || (c0 >= '0' && c0 <= '9'))) return invalidDuration;
    let i = 0;
    let v = 0n;
    while (i < s.length && (s[i] ?? '') >= '0' && (s[i] ?? '') <= '9') {
      v = v * 10n + BigInt((s[i] ?? '0').charCodeAt(0) - 48);
      if (v > maxDuration) return invalidDuration;
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let frac = '';
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      while (j < s.length && (s[j] ?? '') >= '0' && (s[j] ?? '') <= '9') j++;
      frac = s.slice(0, j);
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalidDuration;
    let u = 0;
    while (u < s.length) {
      const c = s[u] ?? '';
      if (c === '.' || (c >= '0' && c <= '9')) break;
      u++;
    }
    if (u === 0) return `time: missing unit in duration ${timeQuote(orig)}`;
    const unitText = s.slice(0, u);
    s = s.slice(u);
    const unit = durationUnits[unitText];
    if (unit === undefined) {
      return `time: unknown unit ${timeQuote(unitText)} in duration ${timeQuote(orig)}`;
    }
    if (v > maxDuration / unit) return invalidDuration;
    v *= unit;
    if (frac !== '') {
      const scaled = (BigInt(frac.slice(0, 18).padEnd(18, '0')) * unit) / 10n ** 18n;
      v += scaled;
      if (v > maxDuration) return invalidDuration;
    }
    total += v;
    if (total > maxDuration) return invalidDuration;
  }
  if (orig[0] !== '-' && total > maxDuration - 1n) return invalidDuration;
  return null;
}

// ---- time zones --------------------------------------------------------------------------------

/**
 * Whether `name` is an IANA time zone Go's `time.LoadLocation` would load: `UTC`, or a zone the
 * runtime's ICU knows, spelled with the case of the tz database (Go reads it from files).
 */
export function isLoadableTimeZone(name: string): boolean {
  if (name === '' || name === 'UTC') return true;
  if (name === 'Local') return true;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  if (resolved === name) return true;
  // ICU matches names case-insensitively; the tz database does not.
  if (resolved.toLowerCase() === name.toLowerCase()) return false;
  // An alias (US/Pacific, Asia/Calcutta): each part must be written as the database writes it,
  // starting with an upper-case letter (or all upper case, like EST5EDT or GB-Eire).
  return name.split('/').every((part) => /^[A-Z]/.test(part));
}

/**
 * The error Go's `time.LoadLocation(name)` returns, or null when it loads the zone: `time: invalid
 * location name` for names with `..` or a leading slash, `unknown time zone <name>` otherwise.
 */
export function timeZoneLoadError(name: string): string | null {
  if (name === '' || name === 'UTC' || name === 'Local') return null;
  if (name.includes('..') || name[0] === '/' || name[0] === '\\')
    return 'time: invalid location name';
  return isLoadableTimeZone(name) ? null : `unknown time zone ${name}`;
}

// ---- schedules ----------------------------------------------------------------------------------

function parse(spec: string): void {
  if (spec.length === 0) throw new CronError('empty spec string');
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const eq = rest.indexOf('=');
    if (space < 0) {
      // robfig/cron slices up to the missing space and panics; upstream recovers the panic.
      throw new CronError(
        'invalid schedule format: runtime error: slice bounds out of range [:-1]',
      );
    }
    const zone = rest.slice(eq + 1, space);
    const zoneError = timeZoneLoadError(zone);
    if (zoneError !== null) throw new CronError(`provided bad location ${zone}: ${zoneError}`);
    rest = goTrimSpace(rest.slice(space));
  }
  if (rest.startsWith('@')) {
    if (descriptors.has(rest)) return;
    if (rest.startsWith('@every ')) {
      const err = goDurationError(rest.slice('@every '.length));
      if (err !== null) throw new CronError(`failed to parse duration ${rest}: ${err}`);
      return;
    }
    throw new CronError(`unrecognized descriptor: ${rest}`);
  }
  const fields = goFields(rest);
  if (fields.length !== 5) {
    throw new CronError(
      `expected exactly 5 fields, found ${fields.length}: ${goSliceText(fields)}`,
    );
  }
  fields.forEach((f, i) => {
    const bounds = fieldBounds[i];
    if (bounds) checkField(f, bounds);
  });
}

/**
 * Checks a CronJob schedule as upstream does; returns null when it is valid, else the error text
 * upstream puts after `spec.schedule: Invalid value: "<schedule>": `.
 */
export function parseCronSchedule(schedule: string): string | null {
  try {
    parse(schedule);
    return null;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}
