import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../util/index.ts';
import { duplexPair } from '../testing/duplex-pair.ts';
import {
  encodeDataFrame,
  encodeGoAway,
  encodeHeaderBlock,
  encodePing,
  encodeSettings,
  encodeSynStream,
  encodeWindowUpdate,
  FrameReader,
  type SpdyFrame,
} from './frames.ts';
import { HeaderCompressor } from './header-compression.ts';
import { SpdyConnection, type SpdyStream } from './spdy-connection.ts';

const open: SpdyConnection[] = [];

afterEach(() => {
  for (const c of open.splice(0)) c.destroy();
});

function pair(
  onStream?: (s: SpdyStream) => void,
  extra: { idleTimeoutMs?: number; clock?: FakeClock } = {},
): { client: SpdyConnection; server: SpdyConnection; serverSocket: Duplex; clientSocket: Duplex } {
  const [clientSocket, serverSocket] = duplexPair();
  const server = new SpdyConnection({
    socket: serverSocket,
    role: 'server',
    ...(onStream ? { onStream } : {}),
    ...extra,
  });
  const client = new SpdyConnection({ socket: clientSocket, role: 'client' });
  open.push(client, server);
  return { client, server, serverSocket, clientSocket };
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    stream.on('error', reject);
  });
}

/** Collects what one side writes, as frames (the other side's view of the wire). */
function tap(socket: Duplex): SpdyFrame[] {
  const frames: SpdyFrame[] = [];
  const reader = new FrameReader();
  socket.on('data', (c: Buffer) => {
    reader.push(c);
    for (let f = reader.next(); f; f = reader.next()) frames.push(f);
  });
  return frames;
}

describe('SpdyConnection', () => {
  it('opens a stream with headers, carries data both ways and ends each half with FIN', async () => {
    const accepted: SpdyStream[] = [];
    const { client, server } = pair((s) => {
      accepted.push(s);
      s.accept();
    });
    const stream = await client.createStream([
      ['streamType', 'stdin'],
      ['port', '80'],
    ]);
    expect(stream.id).toBe(1);
    const serverStream = accepted[0];
    if (!serverStream) throw new Error('no stream');
    expect(serverStream.header('streamtype')).toBe('stdin');
    expect(serverStream.header('Port')).toBe('80');

    const serverGot = readAll(serverStream);
    const clientGot = readAll(stream);
    stream.end('hello from the client');
    serverStream.end('hello from the server');
    expect((await serverGot).toString()).toBe('hello from the client');
    expect((await clientGot).toString()).toBe('hello from the server');
    await new Promise((r) => setImmediate(r));
    expect(server.streamCount).toBe(0);
    expect(client.streamCount).toBe(0);
  });

  it('moves megabytes without any WINDOW_UPDATE, as spdystream does (no SPDY flow control)', async () => {
    let serverStream: SpdyStream | undefined;
    const { client } = pair((s) => {
      serverStream = s;
      s.accept();
    });
    const stream = await client.createStream([['streamtype', 'data']]);
    const payload = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < payload.length; i += 4) payload.writeUInt32LE(i, i);
    const got = readAll(serverStream as SpdyStream);
    stream.end(payload);
    expect((await got).equals(payload)).toBe(true);
  });

  it('splits big writes into data frames of at most 256 KiB, the last one with FIN', async () => {
    let serverStream: SpdyStream | undefined;
    const { client, clientSocket } = pair((s) => {
      serverStream = s;
      s.accept();
    });
    const frames = tap(clientSocket);
    const stream = await client.createStream([['streamtype', 'stdout']]);
    const got = readAll(stream);
    serverStream?.end(Buffer.alloc(600 * 1024, 1));
    expect((await got).length).toBe(600 * 1024);
    const data = frames.flatMap((f) => (f.type === 'data' ? [[f.data.length, f.flags]] : []));
    expect(data).toEqual([
      [256 * 1024, 0],
      [256 * 1024, 0],
      [88 * 1024, 0],
      [0, 1],
    ]);
  });

  it('stops reading the connection while a stream reader is behind, and goes on when it reads', async () => {
    let serverStream: SpdyStream | undefined;
    const { client, serverSocket } = pair((s) => {
      serverStream = s;
      s.accept();
    });
    const stream = await client.createStream([['streamtype', 'data']]);
    const chunk = Buffer.alloc(64 * 1024, 7);
    let written = 0;
    // Write until the client's stream reports back-pressure: nobody reads on the server side.
    while (stream.write(chunk)) {
      written += chunk.length;
      await new Promise((r) => setImmediate(r));
      if (written > 8 * 1024 * 1024) break;
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toBeLessThan(8 * 1024 * 1024);
    expect(serverSocket.isPaused()).toBe(true);
    const got = readAll(serverStream as SpdyStream);
    stream.end();
    const all = await got;
    expect(all.length).toBeGreaterThanOrEqual(written);
    expect(serverSocket.isPaused()).toBe(false);
  });

  it('resets: destroy() sends RST_STREAM and the peer stream closes without end', async () => {
    let serverStream: SpdyStream | undefined;
    const { client } = pair((s) => {
      serverStream = s;
      s.accept();
    });
    const stream = await client.createStream([['streamtype', 'data']]);
    const closed = once(serverStream as SpdyStream, 'close');
    let ended = false;
    serverStream?.on('end', () => (ended = true));
    serverStream?.resume();
    stream.destroy();
    await closed;
    expect(serverStream?.resetByPeer).toBe(5); // CANCEL
    expect(ended).toBe(false);
  });

  it('refuses streams when there is no handler, and createStream rejects', async () => {
    const { client } = pair();
    await expect(client.createStream([['streamtype', 'error']])).rejects.toThrow(/reset/);
  });

  it('drops data sent on a stream before it was accepted (spdystream does too)', async () => {
    const [clientSocket, serverSocket] = duplexPair();
    const streams: SpdyStream[] = [];
    let accept: () => void = () => undefined;
    const server = new SpdyConnection({
      socket: serverSocket,
      role: 'server',
      onStream: (s) => {
        streams.push(s);
        accept = () => {
          s.accept();
        };
      },
    });
    open.push(server);
    const compressor = new HeaderCompressor();
    const block = await compressor.compress(encodeHeaderBlock([['streamtype', 'stdin']]));
    const replies = tap(clientSocket);
    clientSocket.write(encodeSynStream({ streamId: 1, headerBlock: block }));
    clientSocket.write(encodeDataFrame(1, 0, Buffer.from('lost')));
    // Frames are handled in order: once the PING is echoed, the stream and its data were seen.
    clientSocket.write(encodePing(1));
    while (!replies.some((f) => f.type === 'ping')) await new Promise((r) => setImmediate(r));
    expect(streams).toHaveLength(1);
    accept();
    clientSocket.write(encodeDataFrame(1, 1, Buffer.from('kept')));
    const got = await readAll(streams[0] as SpdyStream);
    expect(got.toString()).toBe('kept');
    compressor.close();
    clientSocket.destroy();
  });

  it('ignores SETTINGS and WINDOW_UPDATE, and resets streams opened with a stale id', async () => {
    const [clientSocket, serverSocket] = duplexPair();
    const seen: number[] = [];
    const server = new SpdyConnection({
      socket: serverSocket,
      role: 'server',
      onStream: (s) => {
        seen.push(s.id);
        s.accept();
      },
    });
    open.push(server);
    const replies = tap(clientSocket);
    const compressor = new HeaderCompressor();
    const block = (): Promise<Buffer> => compressor.compress(encodeHeaderBlock([['a', 'b']]));
    clientSocket.write(encodeSettings([{ flags: 0, id: 7, value: 1 }]));
    clientSocket.write(encodeWindowUpdate(0, 100));
    clientSocket.write(encodeSynStream({ streamId: 5, headerBlock: await block() }));
    clientSocket.write(encodeSynStream({ streamId: 3, headerBlock: await block() }));
    clientSocket.write(encodeSynStream({ streamId: 6, headerBlock: await block() }));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([5]);
    expect(replies.filter((f) => f.type === 'syn_reply').map((f) => f.type)).toHaveLength(1);
    expect(replies.filter((f) => f.type === 'rst_stream')).toEqual([
      { type: 'rst_stream', streamId: 3, status: 1 },
      { type: 'rst_stream', streamId: 6, status: 1 },
    ]);
    compressor.close();
    clientSocket.destroy();
  });

  it('echoes the peer’s pings and resolves its own', async () => {
    const { client, server } = pair();
    await expect(client.ping()).resolves.toBeGreaterThanOrEqual(0);
    await expect(server.ping()).resolves.toBeGreaterThanOrEqual(0);
  });

  it('close(): resets unfinished streams, sends GOAWAY and ends; the peer sees every stream end', async () => {
    let serverStream: SpdyStream | undefined;
    const { client, server, clientSocket } = pair((s) => {
      serverStream = s;
      s.accept();
    });
    const frames = tap(clientSocket);
    const stream = await client.createStream([['streamtype', 'stdout']]);
    const got = readAll(stream);
    serverStream?.write('last words');
    await new Promise((r) => setImmediate(r));
    server.close();
    await got;
    await Promise.all([server.closed, client.closed]);
    const types = frames.map((f) => f.type);
    expect(types).toContain('goaway');
    expect(types.indexOf('rst_stream')).toBeLessThan(types.indexOf('goaway'));
  });

  it('a peer GOAWAY ends every stream’s incoming half and, once ours are done, the socket', async () => {
    let serverStream: SpdyStream | undefined;
    const { client, server, clientSocket } = pair((s) => {
      serverStream = s;
      s.accept();
    });
    const stdin = await client.createStream([['streamtype', 'stdin']]);
    const ended = once(serverStream as SpdyStream, 'end');
    serverStream?.resume();
    // Written directly: client.close() would reset its streams first, as client-go does.
    clientSocket.write(encodeGoAway(1, 0));
    await ended;
    expect(server.streamCount).toBe(1);
    serverStream?.end();
    stdin.resume();
    stdin.end();
    await server.closed;
  });

  it('a garbled byte stream ends the connection', async () => {
    const [clientSocket, serverSocket] = duplexPair();
    const server = new SpdyConnection({ socket: serverSocket, role: 'server' });
    open.push(server);
    clientSocket.resume();
    // A PING with id 0: no peer may send it.
    clientSocket.write(Buffer.from('80030006' + '00000004' + '00000000', 'hex'));
    await server.closed;
    expect(server.isClosed).toBe(true);
  });

  it('closes after the idle timeout, counting any frame as activity', async () => {
    const clock = new FakeClock();
    const { client, server } = pair(
      (s) => {
        s.accept();
      },
      { idleTimeoutMs: 1000, clock },
    );
    await clock.step(600);
    await client.ping();
    await clock.step(600);
    expect(server.isClosed).toBe(false);
    await clock.step(500);
    await server.closed;
    expect(server.isClosed).toBe(true);
  });
});
