/**
 * The streaming server over plain HTTP with a fake runtime, driven by our own SPDY client and the
 * `ws` package: every protocol version's framing, negotiation failures, the exit status formats,
 * resizes, port-forward pairing and errors, the WebSocket tunnel, and shutdown.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeStreamingRuntime } from './fake-streaming-runtime.ts';
import { parseStreamingPath, StreamingServer } from './streaming-server.ts';
import { podDoesNotExist } from './streaming-targets.ts';
import { rawWebSocket, readAll, spdyUpgrade } from './testing/clients.ts';
import type {
  ContainerTarget,
  ContainerTargetRequest,
  PodTarget,
  PodTargetRequest,
  StreamingFailure,
  StreamingTargets,
} from './types.ts';
import { SpdyConnection } from './spdy/index.ts';

const targets: StreamingTargets = {
  container(req: ContainerTargetRequest): Promise<ContainerTarget | StreamingFailure> {
    if (req.pod !== 'p') return Promise.resolve(podDoesNotExist());
    return Promise.resolve({
      containerId: `${req.pod}/${req.container}`,
      tty: req.container === 'tty',
      stdin: true,
    });
  },
  pod(req: PodTargetRequest): Promise<PodTarget | StreamingFailure> {
    if (req.pod !== 'p') return Promise.resolve(podDoesNotExist());
    return Promise.resolve({ sandboxId: 'sb-p', podUid: 'uid-p' });
  },
};

let echoServer: TcpServer;
let echoPort = 0;
let refusedPort = 0;
let runtime: FakeStreamingRuntime;
/** Streams have 10 s to be created here, enough for a test on a busy machine. */
let served: Served;
/** The same with 300 ms, for the tests of the creation timeout itself. */
let impatient: Served;
let port = 0;
let impatientPort = 0;
const open: { close(): void }[] = [];

interface Served {
  readonly streaming: StreamingServer;
  readonly http: Server;
  readonly port: number;
}

async function serve(streamCreationTimeoutMs: number): Promise<Served> {
  const streaming = new StreamingServer({ runtime, targets, streamCreationTimeoutMs });
  const http = createServer((req, res) => {
    streaming.handleRequest(req, res);
  });
  http.on('upgrade', (req, socket, head) => {
    streaming.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { streaming, http, port: (http.address() as AddressInfo).port };
}

async function stop(s: Served): Promise<void> {
  await s.streaming.close();
  s.http.closeAllConnections();
  await new Promise((r) => s.http.close(r));
}

beforeAll(async () => {
  // An echo server with half-close: what it got, prefixed, once the client ends.
  echoServer = createTcpServer({ allowHalfOpen: true }, (s) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => {
      s.end(Buffer.concat([Buffer.from('echo:'), ...chunks]));
    });
  });
  await new Promise<void>((r) => echoServer.listen(0, '127.0.0.1', r));
  echoPort = (echoServer.address() as AddressInfo).port;
  const closed = createTcpServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  refusedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));

  runtime = new FakeStreamingRuntime({
    portMap: (_sb, p) => ({ host: '127.0.0.1', port: p === 80 ? echoPort : refusedPort }),
  });
  served = await serve(10_000);
  port = served.port;
  impatient = await serve(300);
  impatientPort = impatient.port;
});

afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

afterAll(async () => {
  await stop(served);
  await stop(impatient);
  await new Promise((r) => echoServer.close(r));
});

interface WsResult {
  readonly protocol: string;
  readonly messages: (Buffer | string)[];
  readonly closeCode: number;
}

/** Opens a WebSocket, sends `send` once open, and collects everything until it closes. */
function wsSession(
  path: string,
  protocols: string[],
  send: (ws: WebSocket) => void = () => undefined,
): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, protocols);
    const messages: (Buffer | string)[] = [];
    ws.on('open', () => {
      send(ws);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      messages.push(isBinary ? Buffer.from(data) : data.toString());
    });
    ws.on('close', (code) => {
      resolve({ protocol: ws.protocol, messages, closeCode: code });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        reject(new Error(`${res.statusCode ?? 0} ${body}`));
      });
    });
    ws.on('error', () => undefined);
  });
}

const frame = (channel: number, text: string): Buffer =>
  Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);

function plainGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('parseStreamingPath', () => {
  it.each([
    ['/exec/ns/p/c', { kind: 'exec', namespace: 'ns', pod: 'p', container: 'c' }],
    [
      '/exec/ns/p/uid-1/c',
      { kind: 'exec', namespace: 'ns', pod: 'p', uid: 'uid-1', container: 'c' },
    ],
    ['/attach/ns/p/c', { kind: 'attach', namespace: 'ns', pod: 'p', container: 'c' }],
    ['/portForward/ns/p', { kind: 'portForward', namespace: 'ns', pod: 'p' }],
    ['/portForward/ns/p/u', { kind: 'portForward', namespace: 'ns', pod: 'p', uid: 'u' }],
    ['/exec/ns/p', undefined],
    ['/exec/ns/p/u/c/extra', undefined],
    ['/portForward/ns', undefined],
    ['/logs/ns/p/c', undefined],
  ])('%s', (path, want) => {
    expect(parseStreamingPath(path)).toEqual(want);
  });
});

describe('exec over WebSocket', () => {
  const execPath = (q: string): string => `/exec/default/p/main?${q}`;

  it('v5: "ready" message, stdout, stdin closed with [255, 0], a Success status, close 1000', async () => {
    const r = await wsSession(
      execPath('command=cat&input=1&output=1'),
      ['v5.channel.k8s.io'],
      (ws) => {
        ws.send(frame(0, 'typed'));
        ws.send(Buffer.from([255, 0]));
      },
    );
    expect(r.protocol).toBe('v5.channel.k8s.io');
    expect(r.messages).toEqual([
      Buffer.from([1]),
      frame(1, 'typed'),
      frame(3, '{"metadata":{},"status":"Success"}'),
    ]);
    expect(r.closeCode).toBe(1000);
  });

  it('v4: a non-zero exit as upstream’s NonZeroExitCode status, byte for byte', async () => {
    const r = await wsSession(execPath('command=sh&command=-c&command=exit%203&output=1&error=1'), [
      'v4.channel.k8s.io',
      'channel.k8s.io',
    ]);
    expect(r.protocol).toBe('v4.channel.k8s.io');
    expect(r.messages.at(-1)).toEqual(
      frame(
        3,
        '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
      ),
    );
  });

  it('v1 (channel.k8s.io): a failure as plain text, nothing on success', async () => {
    const fail = await wsSession(execPath('command=nosuch&output=1'), ['channel.k8s.io']);
    const last = fail.messages.at(-1) as Buffer;
    expect(last[0]).toBe(3);
    expect(last.subarray(1).toString()).toMatch(
      /^Internal error occurred: error executing command in container: OCI runtime exec failed/,
    );
    const ok = await wsSession(execPath('command=true&output=1'), ['channel.k8s.io']);
    expect(ok.messages).toEqual([Buffer.from([1])]);
  });

  it('base64.channel.k8s.io: text frames, a digit then base64', async () => {
    const r = await wsSession(
      execPath('command=cat&input=1&output=1'),
      ['base64.channel.k8s.io'],
      (ws) => {
        ws.send(`0${Buffer.from('hi there').toString('base64')}`);
        setTimeout(() => {
          ws.close();
        }, 100);
      },
    );
    expect(r.messages.slice(0, 2)).toEqual(['1', `1${Buffer.from('hi there').toString('base64')}`]);
  });

  it('no subprotocol: binary, as v1', async () => {
    const r = await wsSession(execPath('command=echo&command=x&output=1'), []);
    expect(r.protocol).toBe('');
    expect(r.messages).toEqual([Buffer.from([1]), frame(1, 'x\n')]);
  });

  it('refuses subprotocols it does not speak', async () => {
    await expect(
      wsSession(execPath('command=true&output=1'), ['v9.channel.k8s.io']),
    ).rejects.toThrow(
      '403 requested protocol(s) are not supported: [v9.channel.k8s.io]; supports [v5.channel.k8s.io',
    );
  });

  it('with a tty, forwards terminal sizes from channel 4 (split across messages)', async () => {
    const before = runtime.calls.length;
    const r = await wsSession(
      execPath('command=sizes&input=1&output=1&tty=1'),
      ['v5.channel.k8s.io'],
      (ws) => {
        ws.send(frame(4, '{"Width":80,'));
        ws.send(frame(4, '"Height":24}{"width":100,"height":30}'));
        setTimeout(() => {
          ws.send(frame(0, '\u0004'));
        }, 100);
      },
    );
    expect(runtime.calls[before]?.resizes).toEqual([
      { width: 80, height: 24 },
      { width: 100, height: 30 },
    ]);
    expect(
      Buffer.concat(
        r.messages
          .filter((m): m is Buffer => typeof m !== 'string' && m[0] === 1)
          .map((m) => m.subarray(1)),
      ).toString(),
    ).toBe('80x24\n100x30\n');
  });

  it('answers bad options and unknown pods before upgrading', async () => {
    await expect(wsSession(execPath('command=true'), ['v5.channel.k8s.io'])).rejects.toThrow(
      '400 you must specify at least 1 of stdin, stdout, stderr',
    );
    await expect(
      wsSession('/exec/default/other/main?command=true&output=1', ['v5.channel.k8s.io']),
    ).rejects.toThrow('404 pod does not exist');
  });
});

describe('exec over SPDY', () => {
  const path = '/exec/default/p/main?command=cat&input=1&output=1&error=1';

  async function streams(
    conn: SpdyConnection,
    types: string[],
  ): Promise<Record<string, Awaited<ReturnType<SpdyConnection['createStream']>>>> {
    const out: Record<string, Awaited<ReturnType<SpdyConnection['createStream']>>> = {};
    for (const t of types) out[t] = await conn.createStream([['streamType', t]]);
    return out;
  }

  it('v4: one stream per type, output, and the status on the error stream', async () => {
    const up = await spdyUpgrade(port, path, ['v4.channel.k8s.io', 'v3.channel.k8s.io']);
    expect(up.status).toBe(101);
    expect(up.headers['x-stream-protocol-version']).toEqual(['v4.channel.k8s.io']);
    expect(up.headers.upgrade).toEqual(['SPDY/3.1']);
    const conn = up.conn as SpdyConnection;
    open.push({
      close: () => {
        conn.destroy();
      },
    });
    const s = await streams(conn, ['error', 'stdin', 'stdout', 'stderr']);
    const stdout = readAll(s.stdout!);
    const status = readAll(s.error!);
    s.stdin!.end('over spdy');
    expect((await stdout).toString()).toBe('over spdy');
    expect((await status).toString()).toBe('{"metadata":{},"status":"Success"}');
    await conn.closed;
  });

  it('v2: a failure’s message as text on the error stream', async () => {
    const up = await spdyUpgrade(port, '/exec/default/p/main?command=false&output=1', [
      'v2.channel.k8s.io',
    ]);
    const conn = up.conn as SpdyConnection;
    open.push({
      close: () => {
        conn.destroy();
      },
    });
    const s = await streams(conn, ['error', 'stdout']);
    expect((await readAll(s.error!)).toString()).toBe(
      'command terminated with non-zero exit code: error executing command [false], exit code 1',
    );
  });

  it('closes the connection when the client does not open its streams in time', async () => {
    const up = await spdyUpgrade(impatientPort, path, ['v4.channel.k8s.io']);
    const conn = up.conn as SpdyConnection;
    await conn.createStream([['streamType', 'error']]);
    await conn.closed;
    expect(conn.isClosed).toBe(true);
  });

  it('answers negotiation failures as the kubelet does', async () => {
    const none = await spdyUpgrade(port, path, []);
    expect(none).toMatchObject({
      status: 400,
      body: 'unable to upgrade: X-Stream-Protocol-Version is required\n',
    });
    const wrong = await spdyUpgrade(port, path, ['v9.channel.k8s.io']);
    expect(wrong.status).toBe(403);
    expect(wrong.body).toBe(
      'unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io], server accepts [v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io]\n',
    );
    expect(wrong.headers['x-accepted-stream-protocol-versions']).toEqual([
      'v4.channel.k8s.io',
      'v3.channel.k8s.io',
      'v2.channel.k8s.io',
      'channel.k8s.io',
    ]);
    expect(await plainGet(path)).toEqual({
      status: 400,
      body: 'unable to upgrade: X-Stream-Protocol-Version is required\n',
    });
  });
});

describe('attach', () => {
  it('uses the container’s tty (the resize stream is then expected over SPDY)', async () => {
    const up = await spdyUpgrade(port, '/attach/default/p/tty?input=1&output=1', [
      'v4.channel.k8s.io',
    ]);
    const conn = up.conn as SpdyConnection;
    open.push({
      close: () => {
        conn.destroy();
      },
    });
    const error = await conn.createStream([['streamType', 'error']]);
    const stdin = await conn.createStream([['streamType', 'stdin']]);
    const stdout = await conn.createStream([['streamType', 'stdout']]);
    const resize = await conn.createStream([['streamType', 'resize']]);
    resize.write('{"Width":10,"Height":5}');
    const out = readAll(stdout);
    stdin.end('to main\n');
    expect((await out).toString()).toBe('attached to p/tty\nto main\n');
    expect((await readAll(error)).toString()).toBe('{"metadata":{},"status":"Success"}');
  });
});

describe('port-forward', () => {
  it('SPDY: pairs error and data streams by requestID and carries half-closes', async () => {
    const up = await spdyUpgrade(port, '/portForward/default/p', ['portforward.k8s.io']);
    expect(up.headers['x-stream-protocol-version']).toEqual(['portforward.k8s.io']);
    const conn = up.conn as SpdyConnection;
    open.push({
      close: () => {
        conn.destroy();
      },
    });
    const h = (type: string, id: string): [string, string][] => [
      ['streamType', type],
      ['port', '80'],
      ['requestID', id],
    ];
    const [error0, error1] = [
      await conn.createStream(h('error', '0')),
      await conn.createStream(h('error', '1')),
    ];
    const data1 = await conn.createStream(h('data', '1'));
    const data0 = await conn.createStream(h('data', '0'));
    const got0 = readAll(data0);
    const got1 = readAll(data1);
    data0.end('zero');
    data1.end('one');
    expect((await got0).toString()).toBe('echo:zero');
    expect((await got1).toString()).toBe('echo:one');
    expect((await readAll(error0)).toString()).toBe('');
    expect((await readAll(error1)).toString()).toBe('');
  });

  it('SPDY: pairs streams without requestID by stream id, as old clients send them', async () => {
    const up = await spdyUpgrade(port, '/portForward/default/p', ['portforward.k8s.io']);
    const conn = up.conn as SpdyConnection;
    open.push({
      close: () => {
        conn.destroy();
      },
    });
    const error = await conn.createStream([
      ['streamType', 'error'],
      ['port', '80'],
    ]);
    const data = await conn.createStream([
      ['streamType', 'data'],
      ['port', '80'],
    ]);
    const got = readAll(data);
    data.end('legacy');
    expect((await got).toString()).toBe('echo:legacy');
    expect((await readAll(error)).toString()).toBe('');
  });

  it('SPDY: resets streams with bad headers, and reports a refused port on the error stream', async () => {
    const up = await spdyUpgrade(port, '/portForward/default/p', ['portforward.k8s.io']);
    const conn = up.conn as SpdyConnection;
    open.push({
      close: () => {
        conn.destroy();
      },
    });
    await expect(conn.createStream([['streamType', 'data']])).rejects.toThrow(/reset/);
    await expect(
      conn.createStream([
        ['streamType', 'data'],
        ['port', '0'],
      ]),
    ).rejects.toThrow(/reset/);
    await expect(
      conn.createStream([
        ['streamType', 'bogus'],
        ['port', '1'],
      ]),
    ).rejects.toThrow(/reset/);
    const error = await conn.createStream([
      ['streamType', 'error'],
      ['port', '81'],
      ['requestID', '7'],
    ]);
    const data = await conn.createStream([
      ['streamType', 'data'],
      ['port', '81'],
      ['requestID', '7'],
    ]);
    data.resume();
    expect((await readAll(error)).toString()).toBe(
      `error forwarding port 81 to pod sb-p, uid : failed to connect to localhost:81 inside namespace "sb-p": dial tcp 127.0.0.1:81: connect: connection refused`,
    );
  });

  it('SPDY: a pair still incomplete after the creation timeout gets an error', async () => {
    const up = await spdyUpgrade(impatientPort, '/portForward/default/p', ['portforward.k8s.io']);
    const conn = up.conn as SpdyConnection;
    open.push({
      close: () => {
        conn.destroy();
      },
    });
    const error = await conn.createStream([
      ['streamType', 'error'],
      ['port', '80'],
      ['requestID', '9'],
    ]);
    expect((await readAll(error)).toString()).toBe(
      '(conn=sb-p, request=9) timed out waiting for streams',
    );
  });

  it('WebSocket v4: each channel starts with the port, little-endian', async () => {
    const r = await wsSession('/portForward/default/p?port=80', ['v4.channel.k8s.io'], (ws) => {
      ws.send(frame(0, 'GET'));
      setTimeout(() => {
        ws.close();
      }, 200);
    });
    expect(r.protocol).toBe('v4.channel.k8s.io');
    expect(r.messages.slice(0, 2)).toEqual([Buffer.from([0, 80, 0]), Buffer.from([1, 80, 0])]);
  });

  it('WebSocket: the port is required', async () => {
    await expect(wsSession('/portForward/default/p', ['v4.channel.k8s.io'])).rejects.toThrow(
      '400 query parameter "port" is required',
    );
    await expect(wsSession('/portForward/default/p?port=x', ['v4.channel.k8s.io'])).rejects.toThrow(
      '400 unable to parse "x" as a port: strconv.ParseUint: parsing "x": invalid syntax',
    );
  });

  it('SPDY tunnelled over WebSocket (SPDY/3.1+portforward.k8s.io), as kubectl 1.31+ does', async () => {
    // kubectl's gorilla client offers it as is; `ws` would refuse to (a '/' is no token).
    const raw = await rawWebSocket(port, '/portForward/default/p', 'SPDY/3.1+portforward.k8s.io');
    expect(raw.status).toBe(101);
    expect(raw.protocol).toBe('SPDY/3.1+portforward.k8s.io');
    const conn = new SpdyConnection({ socket: raw.stream, role: 'client' });
    open.push({
      close: () => {
        conn.destroy();
      },
    });
    const h = (type: string): [string, string][] => [
      ['streamType', type],
      ['port', '80'],
      ['requestID', '0'],
    ];
    const error = await conn.createStream(h('error'));
    const data = await conn.createStream(h('data'));
    const got = readAll(data);
    data.end('tunnelled');
    expect((await got).toString()).toBe('echo:tunnelled');
    expect((await readAll(error)).toString()).toBe('');
  });
});

describe('shutdown', () => {
  it('close() ends running sessions and their commands', async () => {
    const local = new FakeStreamingRuntime();
    const server = new StreamingServer({ runtime: local, targets });
    const h = createServer();
    h.on('upgrade', (req, socket, head) => {
      server.handleUpgrade(req, socket, head);
    });
    await new Promise<void>((r) => h.listen(0, '127.0.0.1', r));
    const p = (h.address() as AddressInfo).port;
    const ws = new WebSocket(`ws://127.0.0.1:${p}/exec/default/p/main?command=sleep&output=1`, [
      'v5.channel.k8s.io',
    ]);
    const closed = new Promise<number>((r) => ws.once('close', r));
    await new Promise((r) => ws.once('open', r));
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    await closed;
    expect(local.calls[0]?.ended).toBe('aborted');
    h.closeAllConnections();
    await new Promise((r) => h.close(r));
  });
});
