/**
 * Structured logging: one line per event, `time level msg key=value ...` (logfmt), the shape klog's
 * structured mode and Nomad use, so `grep pod=default/web` finds a pod's whole story.
 *
 * A logger is cheap to derive (`with`) and writes synchronously to stderr, so nothing is lost on a
 * crash. Level comes from PODBAY_LOG (debug|info|warn|error, default info).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function formatValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  const s = typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
  return /^[\w./:@,+-]*$/.test(s) && s !== '' ? s : JSON.stringify(s);
}

export function formatLine(level: LogLevel, msg: string, fields: LogFields, time: Date): string {
  let line = `${time.toISOString()} ${level.toUpperCase()} ${msg}`;
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) line += ` ${k}=${formatValue(v)}`;
  }
  return line;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stderr. */
  write?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions = {}, base: LogFields = {}): Logger {
  const envLevel = process.env['PODBAY_LOG'];
  const level: LogLevel =
    opts.level ?? (envLevel && envLevel in order ? (envLevel as LogLevel) : 'info');
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const min = order[level];
  const log =
    (l: LogLevel) =>
    (msg: string, fields: LogFields = {}): void => {
      if (order[l] < min) return;
      write(formatLine(l, msg, { ...base, ...fields }, new Date()));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    with: (fields) => createLogger({ level, write }, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  with: () => silentLogger,
};
