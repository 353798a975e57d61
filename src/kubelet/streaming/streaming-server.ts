/**
 * The kubelet API's streaming endpoints, what the API server's node connector proxies
 * `pods/exec`, `pods/attach` and `pods/portforward` to (upstream kubelet server.go with the CRI
 * streaming server folded in: no redirect, no second URL):
 *
 *   GET|POST /exec/{namespace}/{pod}[/{uid}]/{container}?command=…&input=1&output=1&error=1&tty=1
 *   GET|POST /attach/{namespace}/{pod}[/{uid}]/{container}?input=1&output=1&error=1&tty=1
 *   GET|POST /portForward/{namespace}/{pod}[/{uid}][?port=80]
 *
 * Each request, in upstream's order:
 *   1. its options (400: "you must specify at least 1 of stdin, stdout, stderr", bad ports)
 *   2. the target (StreamingTargets: 404 "pod does not exist", 500 "container not found (…)")
 *   3. the upgrade (remote-command.ts, port-forward.ts: 400/403 when it cannot be negotiated)
 *   4. the session: StreamingRuntime with the client's streams; exec ends with its exit status
 *
 * Authentication and authorization happen before, in the kubelet server. `close()` ends every
 * session (their processes are stopped through the runtime's abort signals).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  type Clock,
  type Logger,
  anySignal,
  lifetimeAbortController,
  realClock,
  silentLogger,
  errorMessage,
} from '../../util/index.ts';
import {
  exitCodeStatus,
  type ExecStatus,
  internalErrorStatus,
  successStatus,
} from './exec-status.ts';
import { headerList, type HttpReply, writeHttpReply } from './http-reply.ts';
import { parseWebSocketPorts, PORT_FORWARD_PROTOCOL, servePortForward } from './port-forward.ts';
import {
  acceptRemoteCommand,
  isWebSocketUpgrade,
  parseRemoteCommandOptions,
  type RemoteCommandOptions,
  type RemoteCommandSession,
  SPDY_REMOTE_COMMAND_PROTOCOLS,
} from './remote-command.ts';
import { resizeEvents } from './resize-events.ts';
import {
  type AttachStreams,
  isStreamingFailure,
  type StreamingRuntime,
  type StreamingTargets,
} from './types.ts';

/** kubelet's default streamingConnectionIdleTimeout. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 4 * 60 * 60 * 1000;
/** kubelet's streamCreationTimeout (remotecommand.DefaultStreamCreationTimeout). */
export const DEFAULT_STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface StreamingServerOptions {
  readonly runtime: StreamingRuntime;
  readonly targets: StreamingTargets;
  readonly idleTimeoutMs?: number;
  readonly streamCreationTimeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

type Endpoint =
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; uid?: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string; uid?: string };

const ENDPOINTS = new Set(['exec', 'attach', 'portForward']);

/** The endpoint a path names, or undefined when it is not a streaming path. */
export function parseStreamingPath(pathname: string): Endpoint | undefined {
  const parts = pathname.split('/').slice(1).map(decodeURIComponent);
  const [top, namespace = '', pod = ''] = parts;
  if (top === undefined || !ENDPOINTS.has(top) || namespace === '' || pod === '') return undefined;
  if (top === 'portForward') {
    if (parts.length === 3) return { kind: 'portForward', namespace, pod };
    if (parts.length === 4 && parts[3])
      return { kind: 'portForward', namespace, pod, uid: parts[3] };
    return undefined;
  }
  const kind = top === 'exec' ? 'exec' : 'attach';
  if (parts.length === 4 && parts[3]) return { kind, namespace, pod, container: parts[3] };
  if (parts.length === 5 && parts[3] && parts[4]) {
    return { kind, namespace, pod, uid: parts[3], container: parts[4] };
  }
  return undefined;
}

/** Whether a path belongs to the streaming endpoints (also when malformed). */
export function isStreamingPath(pathname: string): boolean {
  return ENDPOINTS.has(pathname.split('/')[1] ?? '');
}

export class StreamingServer {
  private readonly opts: StreamingServerOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly wss: WebSocketServer;
  private readonly stopping = lifetimeAbortController();
  private readonly sessions = new Set<Promise<void>>();

  constructor(opts: StreamingServerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.logger ?? silentLogger).with({ component: 'streaming' });
    this.wss = new WebSocketServer({
      noServer: true,
      // Compression costs CPU on every port-forward byte; kubectl never asks for it.
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
    });
  }

  /** Serves an upgrade request to a streaming path (already authenticated and authorized). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.track(this.serveUpgrade(req, socket, head));
  }

  /**
   * A streaming path without an upgrade: validated as an upgrade would be, then answered with the
   * error the upgrade attempt gives upstream.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.track(this.serveRequest(req, res));
  }

  /** Ends every session and waits for them. Idempotent. */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.sessions]);
    this.wss.close();
  }

  private track(p: Promise<void>): void {
    const task = p
      .catch((err: unknown) => {
        this.log.error('streaming request failed', {
          err: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
      })
      .finally(() => {
        this.sessions.delete(task);
      });
    this.sessions.add(task);
  }

  private reject(socket: Duplex, res: ServerResponse | undefined, reply: HttpReply): void {
    if (!res) {
      writeHttpReply(socket, reply);
      return;
    }
    const body = reply.body.endsWith('\n') ? reply.body : `${reply.body}\n`;
    res.writeHead(reply.code, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': String(Buffer.byteLength(body)),
    });
    for (const [k, v] of reply.headers ?? []) res.appendHeader(k, v);
    res.end(body);
  }

  private async serveRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const endpoint = parseStreamingPath(url.pathname);
    const method = req.method ?? 'GET';
    if (!endpoint) {
      this.reject(req.socket, res, { code: 404, body: '404 page not found' });
      return;
    }
    if (method !== 'GET' && method !== 'POST') {
      this.reject(req.socket, res, { code: 405, body: '405: Method Not Allowed' });
      return;
    }
    const failure = await this.validate(endpoint, url.searchParams, false);
    if (failure) {
      this.reject(req.socket, res, failure);
      return;
    }
    // What the SPDY upgrade says when the request is no upgrade at all.
    const supported =
      endpoint.kind === 'portForward' ? [PORT_FORWARD_PROTOCOL] : SPDY_REMOTE_COMMAND_PROTOCOLS;
    const offered = headerList(req.rawHeaders, 'x-stream-protocol-version');
    let reply: HttpReply;
    if (offered.length === 0) {
      reply = { code: 400, body: 'unable to upgrade: X-Stream-Protocol-Version is required' };
    } else if (!offered.some((p) => supported.includes(p))) {
      reply = {
        code: 403,
        body: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`,
      };
    } else {
      reply = { code: 400, body: 'unable to upgrade: missing upgrade headers in request' };
    }
    this.reject(req.socket, res, reply);
  }

  /** Options and target checks shared by upgrades and plain requests; a reply when they fail. */
  private async validate(
    endpoint: Endpoint,
    query: URLSearchParams,
    websocket: boolean,
  ): Promise<HttpReply | undefined> {
    if (endpoint.kind === 'portForward') {
      if (websocket) {
        const ports = parseWebSocketPorts(query);
        if (!Array.isArray(ports)) return ports;
      }
      const target = await this.opts.targets.pod(endpoint);
      return isStreamingFailure(target) ? { code: target.code, body: target.message } : undefined;
    }
    const options = parseRemoteCommandOptions(query);
    if ('code' in options) return options;
    const target = await this.opts.targets.container(endpoint);
    return isStreamingFailure(target) ? { code: target.code, body: target.message } : undefined;
  }

  private async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const endpoint = parseStreamingPath(url.pathname);
    const method = req.method ?? 'GET';
    if (!endpoint) {
      writeHttpReply(socket, { code: 404, body: '404 page not found' });
      return;
    }
    if (method !== 'GET' && method !== 'POST') {
      writeHttpReply(socket, { code: 405, body: '405: Method Not Allowed' });
      return;
    }
    const query = url.searchParams;
    const websocket = isWebSocketUpgrade(req);
    const log = this.log.with({ pod: `${endpoint.namespace}/${endpoint.pod}`, op: endpoint.kind });
    const common = {
      req,
      socket,
      head,
      wss: this.wss,
      idleTimeoutMs: this.opts.idleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
      streamCreationTimeoutMs:
        this.opts.streamCreationTimeoutMs ?? DEFAULT_STREAM_CREATION_TIMEOUT_MS,
      clock: this.clock,
      logger: log,
    };

    if (endpoint.kind === 'portForward') {
      if (websocket && !this.isTunnel(req)) {
        const ports = parseWebSocketPorts(query);
        if (!Array.isArray(ports)) {
          writeHttpReply(socket, ports);
          return;
        }
      }
      const target = await this.opts.targets.pod(endpoint);
      if (isStreamingFailure(target)) {
        writeHttpReply(socket, { code: target.code, body: target.message });
        return;
      }
      log.debug('port forward', { sandbox: target.sandboxId });
      await servePortForward({
        ...common,
        query,
        podName: target.sandboxId,
        podUid: '',
        signal: this.stopping.signal,
        forward: (port, stream, signal) =>
          this.opts.runtime.portForward({ sandboxId: target.sandboxId, port, stream, signal }),
      });
      return;
    }

    const requested = parseRemoteCommandOptions(query);
    if ('code' in requested) {
      writeHttpReply(socket, requested);
      return;
    }
    const target = await this.opts.targets.container(endpoint);
    if (isStreamingFailure(target)) {
      writeHttpReply(socket, { code: target.code, body: target.message });
      return;
    }
    // Attach uses the container's tty, whatever the client asked (upstream GetAttach).
    const options: RemoteCommandOptions =
      endpoint.kind === 'attach' ? { ...requested, tty: target.tty } : requested;
    const session = await acceptRemoteCommand({ ...common, options });
    if (!session) return;
    const command = query.getAll('command');
    log.debug(endpoint.kind === 'exec' ? 'exec' : 'attach', {
      container: endpoint.container,
      protocol: `${session.transport}/${session.protocol}`,
      tty: options.tty,
    });
    const failure =
      endpoint.kind === 'exec'
        ? 'error executing command in container'
        : 'error attaching to container';
    const status = await this.runSession(session, options, failure, (streams) =>
      endpoint.kind === 'exec'
        ? this.opts.runtime
            .exec({ ...streams, containerId: target.containerId, command })
            .then(({ exitCode }) =>
              exitCode === 0 ? successStatus : exitCodeStatus(command, exitCode),
            )
        : this.opts.runtime
            .attach({ ...streams, containerId: target.containerId })
            .then(() => successStatus),
    );
    await session.finish(status);
  }

  private isTunnel(req: IncomingMessage): boolean {
    return headerList(req.rawHeaders, 'sec-websocket-protocol').some(
      (p) => p.startsWith('SPDY/3.1+') && p.endsWith(PORT_FORWARD_PROTOCOL),
    );
  }

  private async runSession(
    session: RemoteCommandSession,
    options: RemoteCommandOptions,
    failure: string,
    run: (streams: AttachStreams) => Promise<ExecStatus>,
  ): Promise<ExecStatus> {
    const signal = anySignal([session.signal, this.stopping.signal]);
    const onStop = (): void => {
      session.abort();
    };
    this.stopping.signal.addEventListener('abort', onStop);
    try {
      return await run({
        ...(session.stdin ? { stdin: session.stdin } : {}),
        ...(session.stdout ? { stdout: session.stdout } : {}),
        ...(session.stderr && !options.tty ? { stderr: session.stderr } : {}),
        tty: options.tty,
        ...(options.tty && session.resize ? { resize: resizeEvents(session.resize) } : {}),
        signal,
      });
    } catch (err) {
      const message = `${failure}: ${errorMessage(err)}`;
      this.log.info('streaming session failed', { err: message });
      return internalErrorStatus(message);
    } finally {
      this.stopping.signal.removeEventListener('abort', onStop);
    }
  }
}
