/**
 * The remote-command protocols (exec and attach), server side, as the kubelet's cri/streaming
 * remotecommand package serves them: the request's options, the upgrade, and a session with the
 * client's stdin/stdout/stderr/resize streams that ends with a status on the error stream.
 *
 *   WebSocket (Upgrade: websocket; kubectl ≥ 1.30, client libraries)
 *     subprotocols, first the client lists that we support: v5.channel.k8s.io (binary, stdin
 *     close), v4.channel.k8s.io and v4.base64.channel.k8s.io (JSON status), channel.k8s.io and
 *     base64.channel.k8s.io (v1: text errors), v3.channel.k8s.io and v2.channel.k8s.io (as v1),
 *     or none (binary v1). Channels 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; an empty
 *     message on the first writable of stdout/stderr/error tells the client we are ready.
 *   SPDY/3.1 (Upgrade: SPDY/3.1, X-Stream-Protocol-Version; kubectl's fallback and older ones)
 *     versions v4.channel.k8s.io (JSON status), v3 (resize), v2, channel.k8s.io (v1). The client
 *     opens one stream per stream type (header `streamType`: error, stdin, stdout, stderr,
 *     resize); the session starts once all expected ones are open, or fails after 30 s.
 *
 *   session: upgrade → streams → the runtime runs with them → finish(status): outputs ended,
 *            status written, connection closed. `signal` aborts when the client goes away.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { type Clock, type Logger, realClock, silentLogger } from '../../util/index.ts';
import { encodeExecStatus, type ExecStatus } from './exec-status.ts';
import { goHeaderDump, headerList, type HttpReply, writeHttpReply } from './http-reply.ts';
import { SpdyConnection, type SpdyStream } from './spdy/index.ts';
import { ChannelConnection, type ChannelType } from './ws-channels.ts';
import { upgradeToWebSocket } from './ws-upgrade.ts';
import type { Duplex } from 'node:stream';

/** What the client asked for (kubelet NewOptions). */
export interface RemoteCommandOptions {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** kubelet's remotecommand NewOptions: `input`, `output`, `error`, `tty` equal to "1". */
export function parseRemoteCommandOptions(
  query: URLSearchParams,
): RemoteCommandOptions | HttpReply {
  const flag = (name: string): boolean => query.get(name) === '1';
  const tty = flag('tty');
  const stdin = flag('input');
  const stdout = flag('output');
  // With a tty stdout carries everything; upstream silently drops stderr.
  const stderr = flag('error') && !tty;
  if (!stdin && !stdout && !stderr) {
    return { code: 400, body: 'you must specify at least 1 of stdin, stdout, stderr' };
  }
  return { stdin, stdout, stderr, tty };
}

export interface RemoteCommandSession {
  readonly transport: 'websocket' | 'spdy';
  /** The negotiated subprotocol or stream protocol version ('' when the client named none). */
  readonly protocol: string;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** The raw resize stream (JSON terminal sizes), when the protocol has one. */
  readonly resize?: Readable;
  /** Aborts when the client has gone (connection closed). */
  readonly signal: AbortSignal;
  /** Ends the outputs, writes the status on the error stream and closes the connection. */
  finish(status: ExecStatus): Promise<void>;
  /** Drops the connection now. */
  abort(): void;
}

interface WsProtocol {
  readonly binary: boolean;
  readonly streamClose: boolean;
  readonly jsonStatus: boolean;
}

const WS_PROTOCOLS: ReadonlyMap<string, WsProtocol> = new Map([
  ['v5.channel.k8s.io', { binary: true, streamClose: true, jsonStatus: true }],
  ['v4.channel.k8s.io', { binary: true, streamClose: false, jsonStatus: true }],
  ['v4.base64.channel.k8s.io', { binary: false, streamClose: false, jsonStatus: true }],
  ['v3.channel.k8s.io', { binary: true, streamClose: false, jsonStatus: false }],
  ['v2.channel.k8s.io', { binary: true, streamClose: false, jsonStatus: false }],
  ['channel.k8s.io', { binary: true, streamClose: false, jsonStatus: false }],
  ['base64.channel.k8s.io', { binary: false, streamClose: false, jsonStatus: false }],
  ['', { binary: true, streamClose: false, jsonStatus: false }],
]);

/** The SPDY stream protocol versions the kubelet accepts, in its order of preference. */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = [
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (
    (req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
    (req.headers.connection ?? '').toLowerCase().includes('upgrade')
  );
}

/** The subprotocols the client offered, in its order. */
export function requestedSubprotocols(req: IncomingMessage): string[] {
  return headerList(req.rawHeaders, 'sec-websocket-protocol');
}

/**
 * The first offered subprotocol among `supported` ('' when the client offered none and '' is
 * supported), or an error reply as the kubelet's websocket handshake gives it.
 */
export function negotiateSubprotocol(
  req: IncomingMessage,
  supported: readonly string[],
): string | HttpReply {
  const offered = requestedSubprotocols(req);
  const candidates = offered.length === 0 ? [''] : offered;
  const chosen = candidates.find((p) => supported.includes(p));
  if (chosen !== undefined) return chosen;
  return {
    code: 403,
    body: `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${supported.join(' ')}]`,
  };
}

export interface AcceptOptions {
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly options: RemoteCommandOptions;
  readonly wss: WebSocketServer;
  readonly idleTimeoutMs: number;
  readonly streamCreationTimeoutMs: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Upgrades an exec or attach request; undefined when it was answered with an error instead. */
export function acceptRemoteCommand(a: AcceptOptions): Promise<RemoteCommandSession | undefined> {
  return isWebSocketUpgrade(a.req) ? acceptWebSocket(a) : acceptSpdy(a);
}

function waitFinished(w: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (w.writableFinished || w.destroyed || signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      w.off('finish', done);
      w.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    w.on('finish', done);
    w.on('close', done);
    signal.addEventListener('abort', done);
    if (!w.writableEnded) w.end();
  });
}

// ------------------------------------------------------------------------------- WebSocket

function acceptWebSocket(a: AcceptOptions): Promise<RemoteCommandSession | undefined> {
  const chosen = negotiateSubprotocol(a.req, [...WS_PROTOCOLS.keys()]);
  if (typeof chosen !== 'string') {
    writeHttpReply(a.socket, chosen);
    return Promise.resolve(undefined);
  }
  const proto = WS_PROTOCOLS.get(chosen) ?? { binary: true, streamClose: false, jsonStatus: false };
  return upgradeToWebSocket(a.wss, a.req, a.socket, a.head, chosen).then((ws) =>
    ws ? webSocketSession(a, ws, chosen, proto) : undefined,
  );
}

function webSocketSession(
  a: AcceptOptions,
  ws: WebSocket,
  protocol: string,
  proto: WsProtocol,
): RemoteCommandSession {
  const o = a.options;
  const channels: ChannelType[] = [
    o.stdin ? 'read' : 'ignore',
    o.stdout ? 'write' : 'ignore',
    o.stderr ? 'write' : 'ignore',
    'write',
    'read',
  ];
  const conn = new ChannelConnection({
    ws,
    protocol: proto,
    channels,
    idleTimeoutMs: a.idleTimeoutMs,
    ...(a.clock ? { clock: a.clock } : {}),
    ...(a.logger ? { logger: a.logger } : {}),
  });
  const abort = new AbortController();
  void conn.closed.then(() => {
    abort.abort();
  });
  // The kubelet's "connection established" signal: an empty message on the lowest writable.
  conn.send(o.stdout ? 1 : o.stderr ? 2 : 3, Buffer.alloc(0));
  const stdout = o.stdout ? conn.writer(1) : undefined;
  const stderr = o.stderr ? conn.writer(2) : undefined;
  return {
    transport: 'websocket',
    protocol,
    ...(o.stdin ? { stdin: conn.reader(0) } : {}),
    ...(stdout ? { stdout } : {}),
    ...(stderr ? { stderr } : {}),
    resize: conn.reader(4),
    signal: abort.signal,
    async finish(status) {
      await Promise.all(
        [stdout, stderr].flatMap((w) => (w ? [waitFinished(w, abort.signal)] : [])),
      );
      const bytes = encodeExecStatus(status, proto.jsonStatus);
      if (bytes) conn.send(3, bytes);
      conn.close(1000);
    },
    abort() {
      conn.terminate();
    },
  };
}

// ------------------------------------------------------------------------------------ SPDY

function spdyHandshake(req: IncomingMessage, supported: readonly string[]): string | HttpReply {
  const offered = headerList(req.rawHeaders, 'x-stream-protocol-version');
  if (offered.length === 0) {
    return { code: 400, body: 'unable to upgrade: X-Stream-Protocol-Version is required' };
  }
  const chosen = offered.find((p) => supported.includes(p));
  if (chosen === undefined) {
    return {
      code: 403,
      body: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`,
      headers: supported.map((p) => ['X-Accepted-Stream-Protocol-Versions', p] as const),
    };
  }
  return chosen;
}

/** spdy.ResponseUpgrader: both headers must name the upgrade. */
function spdyUpgradeHeadersOk(req: IncomingMessage): boolean {
  const connection = (req.headers.connection ?? '').toLowerCase();
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  return connection.includes('upgrade') && upgrade.includes('spdy/3.1');
}

/**
 * Negotiates the SPDY stream protocol and answers 101; undefined (after answering an error) when
 * it cannot. Shared with port-forward.
 */
export function upgradeSpdy(
  req: IncomingMessage,
  socket: Duplex,
  supported: readonly string[],
): string | undefined {
  const chosen = spdyHandshake(req, supported);
  if (typeof chosen !== 'string') {
    writeHttpReply(socket, chosen);
    return undefined;
  }
  if (!spdyUpgradeHeadersOk(req)) {
    writeHttpReply(socket, {
      code: 400,
      body: `unable to upgrade: missing upgrade headers in request: ${goHeaderDump(req.rawHeaders)}`,
    });
    return undefined;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Connection: Upgrade\r\n' +
      'Upgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${chosen}\r\n` +
      `Date: ${new Date().toUTCString()}\r\n\r\n`,
  );
  return chosen;
}

type StreamKind = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

function acceptSpdy(a: AcceptOptions): Promise<RemoteCommandSession | undefined> {
  const protocol = upgradeSpdy(a.req, a.socket, SPDY_REMOTE_COMMAND_PROTOCOLS);
  if (protocol === undefined) return Promise.resolve(undefined);
  const log = a.logger ?? silentLogger;
  const clock = a.clock ?? realClock;
  const o = a.options;
  const version = protocol === 'channel.k8s.io' ? 1 : Number(protocol.charAt(1));
  const resizing = version >= 3;
  const expected =
    1 + (o.stdin ? 1 : 0) + (o.stdout ? 1 : 0) + (o.stderr ? 1 : 0) + (o.tty && resizing ? 1 : 0);
  const streams = new Map<StreamKind, SpdyStream>();
  let received = 0;
  let onComplete: () => void = () => undefined;
  const conn = new SpdyConnection({
    socket: a.socket,
    role: 'server',
    head: a.head,
    idleTimeoutMs: a.idleTimeoutMs,
    clock,
    logger: log,
    onStream(stream) {
      // Every stream is replied to; only the known types count (kubelet waitForStreams).
      stream.accept();
      const type = stream.header('streamtype') ?? '';
      if (
        type === 'error' ||
        type === 'stdin' ||
        type === 'stdout' ||
        type === 'stderr' ||
        (type === 'resize' && resizing)
      ) {
        streams.set(type, stream);
        received++;
        if (received === expected) onComplete();
      } else {
        log.debug('unexpected stream type', { streamType: type });
      }
    },
  });
  return new Promise((resolve) => {
    const cancelTimer = clock.setTimeout(() => {
      log.info('timed out waiting for client to create streams');
      conn.close();
      resolve(undefined);
    }, a.streamCreationTimeoutMs);
    void conn.closed.then(() => {
      cancelTimer();
      resolve(undefined);
    });
    onComplete = () => {
      cancelTimer();
      resolve(spdySession(conn, streams, protocol, version));
    };
  });
}

function spdySession(
  conn: SpdyConnection,
  streams: Map<StreamKind, SpdyStream>,
  protocol: string,
  version: number,
): RemoteCommandSession {
  const abort = new AbortController();
  void conn.closed.then(() => {
    abort.abort();
  });
  const stdin = streams.get('stdin');
  const stdout = streams.get('stdout');
  const stderr = streams.get('stderr');
  const resize = streams.get('resize');
  const error = streams.get('error');
  // v1 closes its half of stdin at once (the kubelet's v1ProtocolHandler).
  if (version === 1) stdin?.end();
  return {
    transport: 'spdy',
    protocol,
    ...(stdin ? { stdin } : {}),
    ...(stdout ? { stdout } : {}),
    ...(stderr ? { stderr } : {}),
    ...(resize ? { resize } : {}),
    signal: abort.signal,
    async finish(status) {
      await Promise.all(
        [stdout, stderr].flatMap((w) => (w ? [waitFinished(w, abort.signal)] : [])),
      );
      const bytes = encodeExecStatus(status, version >= 4);
      if (error) {
        if (bytes) error.write(bytes);
        await waitFinished(error, abort.signal);
      }
      conn.close();
    },
    abort() {
      conn.destroy();
    },
  };
}
