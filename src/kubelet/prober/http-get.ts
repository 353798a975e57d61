/**
 * The HTTP GET that httpGet probes and httpGet lifecycle hooks send (upstream pkg/probe/http:
 * request.go builds it, http.go sends it), made with node:http / node:https:
 *
 *   - URL `scheme://host:port/path`: host defaults to the pod IP, port by number or by the name of
 *     one of the container's ports; HTTPS certificates are not verified.
 *   - Headers: the action's httpHeaders (names canonicalised, repeats kept), `User-Agent:
 *     kube-probe/1.32` (`kube-lifecycle/1.32` for hooks) and `Accept: *\/*` unless given (an
 *     empty Accept removes it), a `Host` header overrides the Host line; no keep-alive, no
 *     compression, no proxy.
 *   - Redirects are followed (at most 10 requests) only while they stay on the same host name;
 *     one to another host ends the exchange with the redirect response itself.
 *   - At most 10 KiB of the body is read; the rest is dropped.
 *   - One timeout covers the whole exchange, redirects and body included.
 * Errors carry Go's wording (`Get "http://10.244.0.5:8080/": dial tcp 10.244.0.5:8080: connect:
 * connection refused`), since upstream shows them to users in events.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Container, HTTPGetAction } from '../../api/index.ts';
import { realClock, type Clock, errorMessage } from '../../util/index.ts';
import { goNetError, joinHostPort } from './go-format.ts';
import { resolveContainerPort } from './resolve-port.ts';
import { kubeMajorMinor } from './types.ts';

/** Upstream maxRespBodyLength. */
export const maxResponseBodyBytes = 10 * 1024;
const maxRequests = 10;

export interface HttpGetRequest {
  readonly scheme: 'http' | 'https';
  /** Host name or IP to connect to (no brackets). */
  readonly host: string;
  readonly port: number;
  /** Path and query, escaped, starting with `/`. */
  readonly path: string;
  /** Header lines in order, names canonical; never `Host`. */
  readonly headers: readonly (readonly [string, string])[];
  /** The Host header's value when the action set one. */
  readonly hostHeader?: string;
}

export interface HttpGetResponse {
  readonly statusCode: number;
  /** The first `maxResponseBodyBytes` of the body. */
  readonly body: Buffer;
}

export type HttpGetErrorKind = 'timeout' | 'http-response-to-https' | 'redirects' | 'other';

/** A failed exchange; `message` is worded as Go's http client words it. */
export class HttpGetError extends Error {
  override readonly name = 'HttpGetError';
  readonly kind: HttpGetErrorKind;
  /** The failure happened while reading the body (upstream treats that as a probe error). */
  readonly whileReadingBody: boolean;

  constructor(message: string, kind: HttpGetErrorKind, whileReadingBody = false) {
    super(message);
    this.kind = kind;
    this.whileReadingBody = whileReadingBody;
  }
}

/** Go's textproto.CanonicalMIMEHeaderKey. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  let upper = true;
  let out = '';
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

/** Path and query as Go's url.Parse and String() would send them for the action's path. */
function normalisePath(path: string): string {
  try {
    const u = new URL(path, 'http://placeholder/');
    return `${u.pathname}${u.search}`;
  } catch {
    return path.startsWith('/') ? path : `/${path}`;
  }
}

/**
 * Upstream NewRequestForHTTPGetAction. `purpose` is `probe` or `lifecycle` (the User-Agent's
 * `kube-<purpose>/1.32`). Throws PortResolutionError for a port it cannot resolve.
 */
export function newRequestForHTTPGetAction(
  action: HTTPGetAction,
  container: Container,
  podIP: string,
  purpose: 'probe' | 'lifecycle',
): HttpGetRequest {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase() === 'https' ? 'https' : 'http';
  const host = action.host || podIP;
  const port = resolveContainerPort(action.port, container);
  const headers: [string, string][] = (action.httpHeaders ?? []).map((h) => [
    canonicalHeaderKey(h.name),
    h.value,
  ]);
  const has = (name: string): boolean => headers.some(([k]) => k === name);
  if (!has('User-Agent')) headers.push(['User-Agent', `kube-${purpose}/${kubeMajorMinor}`]);
  if (!has('Accept')) headers.push(['Accept', '*/*']);
  else if (headers.find(([k]) => k === 'Accept')?.[1] === '') {
    for (let i = headers.length - 1; i >= 0; i--)
      if (headers[i]?.[0] === 'Accept') headers.splice(i, 1);
  }
  const hostHeader = headers.find(([k]) => k === 'Host')?.[1];
  return {
    scheme,
    host,
    port,
    path: normalisePath(action.path ?? '/'),
    headers: headers.filter(([k]) => k !== 'Host'),
    ...(hostHeader ? { hostHeader } : {}),
  };
}

/** The request's URL as Go prints it in errors. */
export function requestUrl(req: HttpGetRequest): string {
  return `${req.scheme}://${joinHostPort(req.host, req.port)}${req.path}`;
}

function isRedirect(code: number): boolean {
  return code === 301 || code === 302 || code === 303 || code === 307 || code === 308;
}

function wireHeaders(req: HttpGetRequest): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of req.headers) {
    // Go sends only the first User-Agent value, and none when it is empty.
    if (k === 'User-Agent') {
      if (out[k] === undefined && v !== '') out[k] = v;
      continue;
    }
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  out.Host = req.hostHeader ?? joinHostPort(req.host, req.port);
  return out;
}

interface ExchangeState {
  signal: AbortSignal;
  /** Why the signal fired: our own timeout, or the caller's signal. */
  timedOut: () => boolean;
}

function tlsError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  return code.startsWith('ERR_SSL_') || code === 'EPROTO';
}

function once(
  req: HttpGetRequest,
  state: ExchangeState,
): Promise<HttpGetResponse & { location?: string }> {
  const url = requestUrl(req);
  const addr = joinHostPort(req.host, req.port);
  return new Promise((resolve, reject) => {
    let headersReceived = false;
    const fail = (err: unknown): void => {
      if (state.signal.aborted) {
        if (state.timedOut()) {
          reject(
            new HttpGetError(
              headersReceived
                ? 'context deadline exceeded (Client.Timeout or context cancellation while reading body)'
                : `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
              'timeout',
              headersReceived,
            ),
          );
        } else {
          reject(new HttpGetError(`Get "${url}": context canceled`, 'other', headersReceived));
        }
        return;
      }
      const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
      const text = errorMessage(err);
      if (
        req.scheme === 'https' &&
        (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/.test(text))
      ) {
        reject(
          new HttpGetError(
            `Get "${url}": http: server gave HTTP response to HTTPS client`,
            'http-response-to-https',
          ),
        );
        return;
      }
      if (tlsError(err)) {
        // OpenSSL's reason out of `write EPROTO …:SSL routines:ssl3_read_bytes:<reason>:…`.
        const reason = /SSL routines:[^:]*:([^:]+)/.exec(text)?.[1] ?? text;
        reject(new HttpGetError(`Get "${url}": remote error: tls: ${reason}`, 'other'));
        return;
      }
      reject(
        new HttpGetError(
          headersReceived
            ? goNetError(err, addr, 'read')
            : `Get "${url}": ${goNetError(err, addr, 'dial')}`,
          'other',
          headersReceived,
        ),
      );
    };
    let request: http.ClientRequest;
    try {
      const common = {
        host: req.host,
        port: req.port,
        path: req.path,
        method: 'GET',
        headers: wireHeaders(req),
        setHost: false,
        agent: false as const,
        signal: state.signal,
      };
      request =
        req.scheme === 'https'
          ? https.request({
              ...common,
              rejectUnauthorized: false,
              // Go's ServerName is the URL's host name, never an IP and never the Host header.
              servername: isIP(req.host) ? '' : req.host,
            })
          : http.request(common);
    } catch (err) {
      // Invalid header names or values, refused by node before anything is sent.
      reject(new HttpGetError(`Get "${url}": ${errorMessage(err)}`, 'other'));
      return;
    }
    request.on('error', fail);
    request.on('response', (res) => {
      headersReceived = true;
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        const location = res.headers.location;
        resolve({
          statusCode: res.statusCode ?? 0,
          body: Buffer.concat(chunks).subarray(0, maxResponseBodyBytes),
          ...(location !== undefined ? { location } : {}),
        });
        // Nothing more is read; the connection is not reused.
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= maxResponseBodyBytes) finish();
      });
      res.on('end', finish);
      res.on('error', (err) => {
        if (!done) fail(err);
      });
      res.on('aborted', () => {
        if (!done) fail(Object.assign(new Error('unexpected EOF'), { code: 'EUNEXPECTEDEOF' }));
      });
    });
    request.end();
  });
}

export interface HttpGetOptions {
  /** The whole exchange; undefined: no limit (lifecycle hooks). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

/**
 * Sends the GET, following same-host redirects. Resolves with the final response (a redirect
 * to another host included), rejects with HttpGetError.
 */
export async function httpGet(
  req: HttpGetRequest,
  opts: HttpGetOptions = {},
): Promise<HttpGetResponse> {
  const clock = opts.clock ?? realClock;
  const controller = new AbortController();
  let timedOut = false;
  const cancelTimer =
    opts.timeoutMs !== undefined
      ? clock.setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, opts.timeoutMs)
      : undefined;
  const onAbort = (): void => {
    controller.abort();
  };
  if (opts.signal?.aborted) controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const state: ExchangeState = { signal: controller.signal, timedOut: () => timedOut };
  try {
    let current = req;
    for (let requests = 1; ; requests++) {
      const res = await once(current, state);
      if (!isRedirect(res.statusCode) || res.location === undefined) return res;
      let next: URL;
      try {
        next = new URL(res.location, requestUrl(current));
      } catch {
        throw new HttpGetError(
          `Get "${requestUrl(current)}": failed to parse Location header "${res.location}"`,
          'other',
        );
      }
      const nextHost = next.hostname.replace(/^\[(.*)\]$/, '$1');
      // Upstream's redirect checker: another host ends the exchange with this response.
      if (nextHost.toLowerCase() !== req.host.toLowerCase()) return res;
      if (requests >= maxRequests) {
        throw new HttpGetError(`Get "${next.href}": stopped after 10 redirects`, 'redirects');
      }
      const scheme = next.protocol === 'https:' ? 'https' : 'http';
      const relative = !/^[a-z][a-z0-9+.-]*:/i.test(res.location);
      const port = next.port ? Number(next.port) : scheme === 'https' ? 443 : 80;
      current = {
        scheme,
        host: nextHost,
        port,
        path: `${next.pathname}${next.search}`,
        headers: req.headers,
        // A custom Host header survives only a relative redirect, as in Go; an absolute one
        // names its own host.
        ...(relative
          ? req.hostHeader !== undefined
            ? { hostHeader: req.hostHeader }
            : {}
          : { hostHeader: next.host }),
      };
    }
  } finally {
    cancelTimer?.();
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
