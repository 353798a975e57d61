/**
 * `pods/exec`, `pods/attach` and `pods/portforward`: upstream's ExecREST/AttachREST/
 * PortForwardREST Connect with the pod strategy's stream locations, then an upgrade-aware proxy
 * to the node's kubelet (its `/exec`, `/attach`, `/portForward` endpoints), which speaks the
 * protocols itself (WebSocket channel.k8s.io v1–v5, SPDY/3.1, SPDY tunnelled over WebSocket).
 *
 *   1. decode the options from the query (400 with Go's conversion error)
 *   2. exec/attach: the container: the one named must exist in the pod (regular, init or
 *      ephemeral); none named is fine for a pod with exactly one container, else 400 "a
 *      container name must be specified for pod p, choose one of: [a b]"
 *   3. a pod not bound to a node: 400 "pod p does not have a host assigned"
 *   4. the Node (404 `nodes "n" not found`), its kubelet address and port
 *   5. the upgrade request to the kubelet, with the client's headers (Authorization removed, as
 *      kube-apiserver's authentication filter does; X-Forwarded-For added) and the API server's
 *      client certificate; a connection failure is a 500 "error dialing backend: …"
 *   6. the kubelet's answer relayed as it is: a 101 and then the bytes both ways until either
 *      side closes; an error (≥ 400) with its status, headers and body (kubectl prints "unable to
 *      upgrade connection: <body>"); anything else a 500 "invalid upgrade response".
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Node, Pod } from '../../api/index.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import type { HandlerContext } from '../handlers/context.ts';
import type { UpgradeRequest } from '../request.ts';
import { type KubeletClient, UnknownServerError } from './kubelet-client.ts';

/** How much of a kubelet's error answer is relayed. */
const MAX_ERROR_BODY = 64 * 1024;

/** Hop-by-hop and credential headers not forwarded to the kubelet (Connection/Upgrade are re-set). */
const DROPPED = new Set([
  'host',
  'authorization',
  'connection',
  'upgrade',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'content-length',
  'te',
  'trailer',
]);

/** runtime's string→bool conversion: false only for "0" and "false" (any case). */
function goBool(v: string | null): boolean {
  return v !== null && !(v === '0' || v.toLowerCase() === 'false');
}

export interface StreamOptions {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
  readonly container?: string;
  readonly command: readonly string[];
}

/** PodExecOptions / PodAttachOptions from the query. */
export function decodeStreamOptions(query: URLSearchParams): StreamOptions {
  const container = query.get('container');
  return {
    stdin: goBool(query.get('stdin')),
    stdout: goBool(query.get('stdout')),
    stderr: goBool(query.get('stderr')),
    tty: goBool(query.get('tty')),
    ...(container !== null && container !== '' ? { container } : {}),
    command: query.getAll('command'),
  };
}

/** PodPortForwardOptions.ports from the query: Go's ParseInt(s, 10, 32) per value. */
export function decodePortForwardPorts(query: URLSearchParams): number[] {
  return query.getAll('ports').map((v) => {
    const quoted = JSON.stringify(v);
    if (!/^[+-]?\d+$/.test(v))
      throw badRequest(`strconv.ParseInt: parsing ${quoted}: invalid syntax`);
    const n = Number(v);
    if (n > 2147483647 || n < -2147483648) {
      throw badRequest(`strconv.ParseInt: parsing ${quoted}: value out of range`);
    }
    return n;
  });
}

/** Upstream streamLocation's container choice for exec and attach. */
export function streamContainer(container: string | undefined, pod: Pod): string {
  const name = pod.metadata?.name ?? '';
  const spec = pod.spec;
  const regular = spec?.containers ?? [];
  const init = spec?.initContainers ?? [];
  if (container === undefined || container === '') {
    const only = regular[0];
    if (regular.length === 1 && only) return only.name;
    if (regular.length === 0)
      throw badRequest(`a container name must be specified for pod ${name}`);
    let message = `a container name must be specified for pod ${name}, choose one of: [${regular.map((c) => c.name).join(' ')}]`;
    if (init.length > 0) {
      message += ` or one of the init containers: [${init.map((c) => c.name).join(' ')}]`;
    }
    throw badRequest(message);
  }
  const exists =
    regular.some((c) => c.name === container) ||
    init.some((c) => c.name === container) ||
    (spec?.ephemeralContainers ?? []).some((c) => c.name === container);
  if (!exists) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/** Go's url.QueryEscape: only letters, digits and -_.~ stay; a space becomes '+'. */
function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Go's url.Values.Encode: keys sorted, values in order. */
function encodeQuery(params: [string, string][]): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map(([k, v]) => `${goQueryEscape(k)}=${goQueryEscape(v)}`).join('&');
}

/** The kubelet path and query for a stream request (upstream streamParams). */
export function kubeletStreamPath(
  subresource: 'exec' | 'attach' | 'portforward',
  namespace: string,
  pod: string,
  container: string,
  opts: StreamOptions,
  ports: readonly number[],
): string {
  const enc = encodeURIComponent;
  if (subresource === 'portforward') {
    const query = ports.length > 0 ? encodeQuery([['port', ports.join(',')]]) : '';
    return `/portForward/${enc(namespace)}/${enc(pod)}${query ? `?${query}` : ''}`;
  }
  const params: [string, string][] = [];
  if (opts.stdin) params.push(['input', '1']);
  if (opts.stdout) params.push(['output', '1']);
  if (opts.stderr) params.push(['error', '1']);
  if (opts.tty) params.push(['tty', '1']);
  if (subresource === 'exec') for (const c of opts.command) params.push(['command', c]);
  const query = encodeQuery(params);
  return `/${subresource}/${enc(namespace)}/${enc(pod)}/${enc(container)}${query ? `?${query}` : ''}`;
}

/** The client's headers for the kubelet: one value per name, multiple values joined. */
function forwardedHeaders(
  up: UpgradeRequest,
  remoteAddress: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = up.rawHeaders;
  let forwardedFor: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) continue;
    if (lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
      continue;
    }
    const existing = Object.keys(out).find((k) => k.toLowerCase() === lower);
    if (existing) out[existing] = `${out[existing] ?? ''}, ${value}`;
    else out[name] = value;
  }
  if (remoteAddress) {
    forwardedFor = forwardedFor ? `${forwardedFor}, ${remoteAddress}` : remoteAddress;
  }
  if (forwardedFor) out['X-Forwarded-For'] = forwardedFor;
  let upgradeValue = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === 'upgrade') upgradeValue = raw[i + 1] ?? '';
  }
  out.Connection = 'Upgrade';
  out.Upgrade = upgradeValue;
  return out;
}

function rawHead(res: IncomingMessage): Buffer {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 500} ${res.statusMessage ?? ''}`];
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`${raw[i] ?? ''}: ${raw[i + 1] ?? ''}`);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n');
}

async function readLimited(res: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      const b = chunk as Buffer;
      chunks.push(b.subarray(0, Math.max(0, limit - size)));
      size += b.length;
      if (size >= limit) break;
    }
  } finally {
    res.destroy();
  }
  return Buffer.concat(chunks);
}

/** Relays a non-upgrade kubelet answer (an error) to the client as it is, then closes. */
async function relayError(client: Duplex, res: IncomingMessage): Promise<void> {
  const body = await readLimited(res, MAX_ERROR_BODY);
  const lines = [`HTTP/1.1 ${res.statusCode ?? 500} ${res.statusMessage ?? ''}`];
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = (raw[i] ?? '').toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection')
      continue;
    lines.push(`${raw[i] ?? ''}: ${raw[i + 1] ?? ''}`);
  }
  lines.push(`Content-Length: ${body.length}`, 'Connection: close');
  if (!client.destroyed)
    client.end(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), body]));
}

/** How long one side may take to flush and close after the other closed. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Copies bytes both ways (UpgradeAwareHandler's two io.Copy). A half-close passes through (the
 * other side's write half is ended once what was written before it is flushed); once one side has
 * closed, the other is ended and given a grace period to flush, then destroyed. Any error tears
 * both down.
 */
function pipeBoth(client: Duplex, backend: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let open = 2;
    const timers: NodeJS.Timeout[] = [];
    const closed = (): void => {
      open--;
      if (open > 0) return;
      for (const t of timers) clearTimeout(t);
      resolve();
    };
    const afterClose = (other: Duplex): void => {
      if (other.destroyed) return;
      if (!other.writableEnded) other.end();
      const t = setTimeout(() => {
        other.destroy();
      }, CLOSE_GRACE_MS);
      t.unref();
      timers.push(t);
    };
    client.pipe(backend);
    backend.pipe(client);
    client.once('close', () => {
      afterClose(backend);
      closed();
    });
    backend.once('close', () => {
      afterClose(client);
      closed();
    });
    const fail = (): void => {
      client.destroy();
      backend.destroy();
    };
    client.on('error', fail);
    backend.on('error', fail);
  });
}

export interface PodStreamDeps {
  readonly kubelets: KubeletClient;
}

/** Serves an upgrade request for pods/{exec,attach,portforward}; see the file comment. */
export async function servePodStream(
  ctx: HandlerContext,
  pod: Pod,
  up: UpgradeRequest,
  deps: PodStreamDeps,
): Promise<void> {
  const sub = ctx.info.subresource as 'exec' | 'attach' | 'portforward';
  const name = ctx.info.name;
  const opts = decodeStreamOptions(ctx.info.query);
  const ports = sub === 'portforward' ? decodePortForwardPorts(ctx.info.query) : [];
  const container = sub === 'portforward' ? '' : streamContainer(opts.container, pod);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const node = ctx.services.storageOf('', 'nodes')?.getCached('', nodeName)?.object as
    Node | undefined;
  if (!node) throw notFound({ group: '', resource: 'nodes' }, nodeName);
  const location = deps.kubelets.location(node);
  const path = kubeletStreamPath(sub, ctx.info.namespace, name, container, opts, ports);

  const client = up.socket;
  const backendAbort = new AbortController();
  const onClientGone = (): void => {
    backendAbort.abort();
  };
  client.once('close', onClientGone);
  let answer;
  try {
    answer = await deps.kubelets.upgrade({
      location,
      method: ctx.req.method,
      path,
      headers: forwardedHeaders(up, (client as { remoteAddress?: string }).remoteAddress),
      signal: backendAbort.signal,
    });
  } catch (err) {
    client.off('close', onClientGone);
    if (err instanceof UnknownServerError) {
      // Go's proxy says "error dialing backend: dial tcp …" where a GET says `Get "url": …`.
      throw new UnknownServerError(
        err.message.replace(/^\w+ "[^"]*": /, 'error dialing backend: '),
      );
    }
    throw err;
  }
  client.off('close', onClientGone);
  if (!answer.upgraded) {
    const code = answer.response.statusCode ?? 500;
    if (code < 400) {
      answer.response.destroy();
      throw new ApiError(500, 'InternalError', `invalid upgrade response: status code ${code}`);
    }
    await relayError(client, answer.response);
    return;
  }
  const backend = answer.socket;
  client.write(rawHead(answer.response));
  if (answer.head.length > 0) client.write(answer.head);
  if (up.head.length > 0) backend.write(up.head);
  if (client.destroyed) {
    backend.destroy();
    return;
  }
  await pipeBoth(client, backend);
}
