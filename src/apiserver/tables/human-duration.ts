/**
 * Ages and durations as kubectl shows them (upstream `duration.HumanDuration` and the printers'
 * `translateTimestampSince`): about two or three significant figures, e.g. `45s`, `3m12s`, `25m`,
 * `5h3m`, `2d4h`, `400d`, `3y17d`.
 *
 *   elapsed            shown as
 *   < -1s              <invalid>     (clock skew beyond tolerance)
 *   -1s .. 0           0s
 *   < 2 minutes        Ns
 *   < 10 minutes       NmSs (Nm when S is 0)
 *   < 3 hours          Nm
 *   < 8 hours          NhMm (Nh when M is 0)
 *   < 2 days           Nh
 *   < 8 days           NdHh (Nd when H is 0)
 *   < 2 years          Nd           (a year is 365 days)
 *   < 8 years          NyDd (Ny when D is 0)
 *   otherwise          Ny
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** `ms` milliseconds in kubectl's short human form. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / second);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / minute);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / hour);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (days < 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (days < 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), which upstream treats as unset. */
const goZeroTime = -62_135_596_800_000;

/**
 * A `metav1.Time` / `metav1.MicroTime` string as ms since the epoch; undefined when it is unset,
 * unparseable or Go's zero time.
 */
export function parseTimestamp(ts: string | undefined): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) || t <= goZeroTime ? undefined : t;
}

/** The time elapsed since `ts` up to `now` (ms), or `<unknown>` when `ts` is unset. */
export function translateTimestampSince(ts: string | undefined, now: number): string {
  const t = parseTimestamp(ts);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

/** The same for a time already parsed with `parseTimestamp`. */
export function translateTimeSince(t: number | undefined, now: number): string {
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}
