/**
 * Go's text formats, for messages that must read as upstream's do: probe outputs and hook
 * failures quote strings with `%q`, print slices as `[a b]`, durations as `1s` / `1m30s`, and
 * network errors as Go's net and net/http packages word them.
 */

/** Go's `%v` of a []string: `[sh -c exit 1]`. */
export function goStringSlice(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

/** Go's time.Duration String() for a duration in milliseconds: `0s`, `500ms`, `1s`, `1m30s`, `1h0m0s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  const s = `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(9))}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}

/** Go's net.JoinHostPort: IPv6 literals in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A Node socket error worded as Go's dialer and connection errors are
 * (`dial tcp 10.244.0.5:8080: connect: connection refused`), since probe failures are shown
 * to users in events exactly as the kubelet words them.
 */
export function goNetError(err: unknown, addr: string, phase: 'dial' | 'read'): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? '';
  const dialReasons: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ETIMEDOUT: 'connect: connection timed out',
    EADDRNOTAVAIL: 'connect: cannot assign requested address',
    EACCES: 'connect: permission denied',
    EPERM: 'connect: operation not permitted',
  };
  const dial = dialReasons[code];
  if (dial !== undefined) return `dial tcp ${addr}: ${dial}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `dial tcp: lookup ${addr.replace(/:\d+$/, '')}: no such host`;
  }
  if (code === 'ECONNRESET') {
    // Node calls a connection closed before any response "socket hang up"; Go calls it EOF.
    if (e?.message === 'socket hang up') return 'EOF';
    return `read tcp ${addr}: read: connection reset by peer`;
  }
  if (code === 'EPIPE') return `write tcp ${addr}: write: broken pipe`;
  const message = e instanceof Error ? e.message : String(err);
  return phase === 'dial' ? `dial tcp ${addr}: ${message}` : message;
}
