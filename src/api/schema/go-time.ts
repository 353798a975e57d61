/**
 * `metav1.Time` and `metav1.MicroTime` as upstream reads and writes them: Go's `time.Parse` with
 * the RFC 3339 layouts (and its error messages), then serialisation in UTC — whole seconds for
 * Time (`2006-01-02T15:04:05Z`), microseconds for MicroTime (`2006-01-02T15:04:05.000000Z`).
 */
import { goQuote } from '../validation/go-format.ts';

export const rfc3339Layout = '2006-01-02T15:04:05Z07:00';
export const rfc3339MicroLayout = '2006-01-02T15:04:05.000000Z07:00';

/** A parsed instant: whole seconds since the epoch (UTC) and nanoseconds. */
export interface GoInstant {
  readonly seconds: number;
  readonly nanos: number;
}

/** A string Go's `time.Parse` rejects; `message` is Go's `ParseError` text. */
export class GoTimeParseError extends Error {
  override readonly name = 'GoTimeParseError';
}

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
};

const daysIn = (month: number, year: number): number => {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
};

/**
 * Go's `time.Parse(layout, value)` for the two RFC 3339 layouts upstream uses. Throws
 * `GoTimeParseError` with Go's messages: `parsing time "x" as "<layout>": cannot parse "x" as
 * "2006"`, `parsing time "...": month out of range`, `parsing time "...": extra text: "..."`.
 */
export function parseGoRFC3339(value: string, micro: boolean): GoInstant {
  const layout = micro ? rfc3339MicroLayout : rfc3339Layout;
  let rest = value;
  const bad = (elem: string): never => {
    throw new GoTimeParseError(
      `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(rest)} as ${goQuote(elem)}`,
    );
  };
  const range = (what: string): never => {
    throw new GoTimeParseError(`parsing time ${goQuote(value)}: ${what} out of range`);
  };
  const literal = (lit: string): void => {
    if (!rest.startsWith(lit)) bad(lit);
    rest = rest.slice(lit.length);
  };
  /** Two digits (`fixed`), or one or two. */
  const num = (elem: string, fixed: boolean): number => {
    if (!isDigitAt(rest, 0)) bad(elem);
    if (!isDigitAt(rest, 1)) {
      if (fixed) bad(elem);
      const v = rest.charCodeAt(0) - 0x30;
      rest = rest.slice(1);
      return v;
    }
    const v = (rest.charCodeAt(0) - 0x30) * 10 + (rest.charCodeAt(1) - 0x30);
    rest = rest.slice(2);
    return v;
  };

  if (rest.length < 4 || ![0, 1, 2, 3].every((i) => isDigitAt(rest, i))) bad('2006');
  const year = Number(rest.slice(0, 4));
  rest = rest.slice(4);
  literal('-');
  const month = num('01', true);
  if (month < 1 || month > 12) range('month');
  literal('-');
  const day = num('02', true);
  literal('T');
  const hour = num('15', false);
  if (hour > 23) range('hour');
  literal(':');
  const minute = num('04', true);
  if (minute > 59) range('minute');
  literal(':');
  const second = num('05', true);
  if (second > 59) range('second');
  let nanos = 0;
  if (micro) {
    if (rest.length < 7 || (rest[0] !== '.' && rest[0] !== ',')) bad('.000000');
    for (let i = 1; i <= 6; i++) if (!isDigitAt(rest, i)) bad('.000000');
    nanos = Number(rest.slice(1, 7)) * 1000;
    rest = rest.slice(7);
  } else if ((rest[0] === '.' || rest[0] === ',') && isDigitAt(rest, 1)) {
    // A fraction the layout does not mention is accepted (and dropped by serialisation).
    let i = 1;
    while (isDigitAt(rest, i)) i++;
    const digits = rest.slice(1, i);
    nanos = Number((digits + '000000000').slice(0, 9));
    rest = rest.slice(i);
  }
  let offsetSeconds = 0;
  if (rest.startsWith('Z')) {
    rest = rest.slice(1);
  } else {
    if (rest.length < 6 || rest[3] !== ':' || (rest[0] !== '+' && rest[0] !== '-')) bad('Z07:00');
    if (![1, 2, 4, 5].every((i) => isDigitAt(rest, i))) bad('Z07:00');
    const oh = Number(rest.slice(1, 3));
    const om = Number(rest.slice(4, 6));
    if (oh > 24) range('time zone offset hour');
    if (om > 60) range('time zone offset minute');
    offsetSeconds = (oh * 3600 + om * 60) * (rest[0] === '-' ? -1 : 1);
    rest = rest.slice(6);
  }
  if (rest.length) {
    throw new GoTimeParseError(`parsing time ${goQuote(value)}: extra text: ${goQuote(rest)}`);
  }
  if (day < 1 || day > daysIn(month, year)) range('day');
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return { seconds: Math.floor(d.getTime() / 1000) - offsetSeconds, nanos };
}

/** `2006-01-02T15:04:05Z` (or with `.000000` for micro) in UTC. */
export function formatGoRFC3339(t: GoInstant, micro: boolean): string {
  const d = new Date(t.seconds * 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micro ? `${base}.${pad(Math.floor(t.nanos / 1000), 6)}Z` : `${base}Z`;
}

/** Parses and re-serialises a Time or MicroTime string as upstream stores it. */
export function canonicalGoTime(value: string, micro: boolean): string {
  return formatGoRFC3339(parseGoRFC3339(value, micro), micro);
}
