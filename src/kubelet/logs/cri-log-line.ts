/**
 * One line of a CRI-format container log, as conmon (and containerd, CRI-O) write them:
 *
 *   2016-10-06T00:17:09.669794202Z stdout P log content 1
 *   2016-10-06T00:17:09.669794203+02:00 stderr F log content 2
 *
 * `<RFC 3339 time with 0-9 fraction digits> <stdout|stderr> <tags> <message>`, where the first tag
 * (tags are `:`-separated, for forward compatibility) is `P` for a partial line (the runtime split a
 * long line, or the process wrote without a newline; the next record continues it) or `F` for a
 * full one. Parsing follows the kubelet's CRI log parser: a partial record loses the newline that
 * ends its record, a full one keeps it, so concatenating messages rebuilds what the process wrote.
 */

export type LogStream = 'stdout' | 'stderr';

/** A log timestamp kept exactly as written: nanosecond precision and the writer's UTC offset. */
export interface LogTimestamp {
  /** Whole seconds since the Unix epoch (UTC). */
  readonly epochSeconds: number;
  /** 0..999,999,999. */
  readonly nanos: number;
  /** `2016-10-06T00:17:09` in the writer's local time. */
  readonly local: string;
  /** `Z` or `+hh:mm` / `-hh:mm`, as Go prints a zone offset (`Z` for any zero offset). */
  readonly zone: string;
}

export interface CriLogLine {
  readonly timestamp: LogTimestamp;
  readonly stream: LogStream;
  readonly partial: boolean;
  /** The message; ends with `\n` for a full line that was terminated in the file. */
  readonly log: Buffer;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Parses an RFC 3339 timestamp with an optional 1-9 digit fraction (Go's `RFC3339NanoLenient`);
 * undefined when it is not one.
 */
export function parseLogTimestamp(text: string): LogTimestamp | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  let zoneOut = 'Z';
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
    if (offsetMinutes !== 0) zoneOut = zone;
  }
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return {
    epochSeconds: Math.floor(utcMs / 1000),
    nanos: frac === undefined ? 0 : Number(frac.padEnd(9, '0')),
    local: text.slice(0, 19),
    zone: zoneOut,
  };
}

/** Go's `RFC3339NanoFixed` (`2006-01-02T15:04:05.000000000Z07:00`) in the timestamp's own offset. */
export function formatLogTimestamp(ts: LogTimestamp): string {
  return `${ts.local}.${String(ts.nanos).padStart(9, '0')}${ts.zone}`;
}

/** Nanoseconds since the epoch, for exact comparisons with `since`. */
export function timestampNanos(ts: LogTimestamp): bigint {
  return BigInt(ts.epochSeconds) * 1_000_000_000n + BigInt(ts.nanos);
}

const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * Parses one record (with or without its trailing newline). Returns the reason when the record is
 * not CRI format; the reader skips such records, as the kubelet does.
 */
export function parseCriLogLine(line: Buffer): CriLogLine | string {
  const tsEnd = line.indexOf(SPACE);
  if (tsEnd < 0) return 'timestamp is not found';
  const tsText = line.toString('latin1', 0, tsEnd);
  const timestamp = parseLogTimestamp(tsText);
  if (!timestamp) return `unexpected timestamp format ${JSON.stringify(tsText)}`;

  const streamStart = tsEnd + 1;
  const streamEnd = line.indexOf(SPACE, streamStart);
  if (streamEnd < 0) return 'stream type is not found';
  const stream = line.toString('latin1', streamStart, streamEnd);
  if (stream !== 'stdout' && stream !== 'stderr') {
    return `unexpected stream type ${JSON.stringify(stream)}`;
  }

  const tagStart = streamEnd + 1;
  const tagEnd = line.indexOf(SPACE, tagStart);
  if (tagEnd < 0) return 'log tag is not found';
  const tags = line.toString('latin1', tagStart, tagEnd);
  const partial = tags.split(':')[0] === 'P';

  let end = line.length;
  // A partial record's newline only ends the record; the message continues in the next one.
  if (partial && end > 0 && line[end - 1] === NEWLINE) end--;
  return { timestamp, stream, partial, log: line.subarray(tagEnd + 1, Math.max(end, tagEnd + 1)) };
}
