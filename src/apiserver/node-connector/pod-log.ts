/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: upstream's LogREST and pod LogLocation, then the
 * kubelet's answer streamed through.
 *
 *   1. decode and validate PodLogOptions (400 / 422 `PodLogOptions "p" is invalid: ...`)
 *   2. pick the container: the one given must exist (init, regular or ephemeral); none given is
 *      fine for a pod with exactly one container, else 400 with the names to choose from
 *   3. a pod not bound to a node yet: 204 No Content (no log, as upstream)
 *   4. the Node object (404 `nodes "n" not found`), its kubelet address and port
 *   5. GET https://<kubelet>/containerLogs/{ns}/{pod}/{container}?<options>
 *   6. a kubelet error becomes a Status as upstream's response checker makes it: 400 BadRequest or
 *      500 InternalError with the kubelet's text, anything else the generic "the server could not
 *      find the requested resource ( pods/log p)" family
 *   7. 200 text/plain, chunked: the kubelet's body as it arrives, paced by the client (the kubelet
 *      read is paused while the client is behind); the kubelet request is cancelled when the
 *      client goes away, and the client's response ends when the kubelet's does.
 */
import type { IncomingMessage } from 'node:http';
import type { Node, Pod } from '../../api/index.ts';
import { ApiError, badRequest, internalError, notFound } from '../errors.ts';
import type { HandlerContext } from '../handlers/context.ts';
import { type KubeletClient, UnknownServerError } from './kubelet-client.ts';
import { kubeletLogQuery, podLogOptions } from './pod-log-options.ts';

/** How much of a kubelet error body is read (upstream maxReadLength). */
const MAX_ERROR_BODY = 50_000;

/** Upstream validateContainer: the container the request is for. */
export function validateContainer(container: string | undefined, pod: Pod): string {
  const name = pod.metadata?.name ?? '';
  const spec = pod.spec;
  const regular = spec?.containers ?? [];
  if (container === undefined || container === '') {
    const only = regular[0];
    if (regular.length === 1 && only) return only.name;
    if (regular.length === 0) {
      throw badRequest(`a container name must be specified for pod ${name}`);
    }
    const names = [
      ...(spec?.initContainers ?? []).map((c) => c.name),
      ...regular.map((c) => c.name),
      ...(spec?.ephemeralContainers ?? []).map((c) => c.name),
    ];
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
    );
  }
  const exists =
    regular.some((c) => c.name === container) ||
    (spec?.initContainers ?? []).some((c) => c.name === container) ||
    (spec?.ephemeralContainers ?? []).some((c) => c.name === container);
  if (!exists) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/** The generic messages of upstream NewGenericServerResponse, by status code. */
function genericMessage(
  code: number,
  body: string,
): { reason: ApiError['reason']; message: string } {
  switch (code) {
    case 404:
      return { reason: 'NotFound', message: 'the server could not find the requested resource' };
    case 401:
      return {
        reason: 'Unauthorized',
        message: 'the server has asked for the client to provide credentials',
      };
    case 403:
      return { reason: 'Forbidden', message: body };
    case 405:
      return {
        reason: 'MethodNotAllowed',
        message: 'the server does not allow this method on the requested resource',
      };
    case 409:
      return { reason: 'Conflict', message: 'the server reported a conflict' };
    case 422:
      return {
        reason: 'Invalid',
        message: 'the server rejected our request due to an error in our request',
      };
    case 429:
      return {
        reason: 'TooManyRequests',
        message: 'the server has received too many requests and has asked us to try again later',
      };
    case 503:
      return {
        reason: 'ServiceUnavailable',
        message: 'the server is currently unable to handle the request',
      };
    case 504:
      return {
        reason: 'Timeout',
        message:
          'the server was unable to return a response in the time allotted, but may still be processing the request',
      };
    default:
      if (code >= 500) {
        return {
          reason: 'InternalError',
          message: `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding`,
        };
      }
      return {
        reason: 'InternalError',
        message: `the server responded with the status code ${code} but did not return more information`,
      };
  }
}

/** A generic server response error whose reason may be empty (upstream StatusReasonUnknown). */
class GenericResponseError extends ApiError {
  private readonly unknownReason: boolean;

  constructor(
    code: number,
    reason: ApiError['reason'],
    message: string,
    name: string,
    unknown: boolean,
  ) {
    super(code, reason, message, { name, kind: 'pods/log' });
    this.unknownReason = unknown;
  }

  override toStatus(): ReturnType<ApiError['toStatus']> {
    const status = super.toStatus();
    if (!this.unknownReason) return status;
    const { reason: _omitted, ...rest } = status;
    return rest;
  }
}

/** Upstream GenericHttpResponseChecker: the Status for a kubelet's error answer. */
export function kubeletResponseError(code: number, body: string, podName: string): ApiError {
  if (code === 500) return internalError(new Error(body));
  if (code === 400) return badRequest(body);
  const { reason, message } = genericMessage(code, body);
  const known =
    code === 404 ||
    code === 401 ||
    code === 403 ||
    code === 405 ||
    code === 409 ||
    code === 422 ||
    code === 429 ||
    code === 503 ||
    code === 504 ||
    code >= 500;
  return new GenericResponseError(
    code,
    reason,
    `${message} ( pods/log ${podName})`,
    podName,
    !known,
  );
}

async function readLimited(res: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      const b = chunk as Buffer;
      if (size + b.length >= limit) {
        chunks.push(b.subarray(0, limit - size));
        break;
      }
      chunks.push(b);
      size += b.length;
    }
  } finally {
    res.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface PodLogDeps {
  readonly kubelets: KubeletClient;
}

/** Serves pods/{name}/log; see the file comment. */
export async function servePodLog(ctx: HandlerContext, pod: Pod, deps: PodLogDeps): Promise<void> {
  const name = ctx.info.name;
  const opts = podLogOptions(ctx.info.query, name);
  const container = validateContainer(opts.container, pod);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) {
    ctx.res.send(204, {}, '');
    return;
  }
  const nodes = ctx.services.storageOf('', 'nodes');
  const node = nodes?.getCached('', nodeName)?.object as Node | undefined;
  if (!node) throw notFound({ group: '', resource: 'nodes' }, nodeName);
  const location = deps.kubelets.location(node);
  const namespace = ctx.info.namespace;
  const query = kubeletLogQuery(opts);
  const path =
    `/containerLogs/${[namespace, name, container].map(encodeURIComponent).join('/')}` +
    (query ? `?${query}` : '');

  // Our own controller, so the kubelet request ends both when the client goes away and when we stop.
  const upstream = new AbortController();
  const onClientGone = (): void => {
    upstream.abort();
  };
  ctx.req.signal.addEventListener('abort', onClientGone, { once: true });
  let completed = false;
  try {
    let res: IncomingMessage;
    try {
      res = await deps.kubelets.request({
        location,
        method: 'GET',
        path,
        signal: upstream.signal,
        insecureSkipVerify: opts.insecureSkipTLSVerifyBackend,
      });
    } catch (err) {
      if (err instanceof UnknownServerError) throw err;
      throw internalError(err);
    }
    const code = res.statusCode ?? 500;
    if (code < 200 || code > 206) {
      throw kubeletResponseError(code, await readLimited(res, MAX_ERROR_BODY), name);
    }
    completed = await relay(ctx, res, upstream.signal);
  } finally {
    ctx.req.signal.removeEventListener('abort', onClientGone);
    // A kubelet response read to its end leaves the connection to be reused; anything else is
    // cut so the kubelet stops reading the log.
    if (!completed) upstream.abort();
  }
}

/**
 * Copies the kubelet's body to the client, pausing the kubelet while the client is behind.
 * Resolves true when the kubelet's response was read to its end.
 */
function relay(ctx: HandlerContext, res: IncomingMessage, signal: AbortSignal): Promise<boolean> {
  const stream = ctx.res.stream(200, { 'Content-Type': 'text/plain' });
  return new Promise<boolean>((resolve) => {
    let ended = false;
    const finish = (): void => {
      res.off('data', onData);
      stream.end();
      resolve(ended);
    };
    const onData = (chunk: Buffer): void => {
      if (stream.closed) {
        res.destroy();
        return;
      }
      if (!stream.write(chunk)) {
        res.pause();
        stream.onDrain(() => {
          if (!res.destroyed) res.resume();
        });
      }
    };
    res.on('data', onData);
    res.once('end', () => {
      ended = true;
      finish();
    });
    // The kubelet went away mid-stream, or we aborted: the client's response just ends.
    res.once('error', finish);
    res.once('close', finish);
    if (signal.aborted) res.destroy();
  });
}
