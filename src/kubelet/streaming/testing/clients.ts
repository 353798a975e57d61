/**
 * Streaming clients for tests, built on our own SPDY code and the `ws` package: an HTTP upgrade
 * to SPDY/3.1 over a plain TCP connection, and small helpers to read what a stream or WebSocket
 * delivers.
 */
import { connect } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { SpdyConnection } from '../spdy/index.ts';

export interface UpgradeAnswer {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Record<string, string[]>;
  /** The rest of the response (an error's body), when it was not upgraded. */
  readonly body: string;
  readonly conn?: SpdyConnection;
  readonly socket: Duplex;
}

/** Sends an upgrade request to SPDY/3.1 and, on 101, starts a client SpdyConnection. */
export function spdyUpgrade(
  port: number,
  path: string,
  protocols: readonly string[],
  extraHeaders: readonly string[] = [],
): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      const rest = buf.subarray(end + 4);
      const status = Number(head[0]?.split(' ')[1]);
      const headers: Record<string, string[]> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim().toLowerCase();
        (headers[k] ??= []).push(line.slice(i + 1).trim());
      }
      if (status !== 101) {
        socket.off('data', onData);
        let body = rest.toString();
        socket.on('data', (c: Buffer) => (body += c.toString()));
        socket.on('end', () => {
          resolve({ status, headers, body, socket });
        });
        return;
      }
      socket.off('data', onData);
      const conn = new SpdyConnection({ socket, role: 'client', head: rest });
      resolve({ status, headers, body: '', conn, socket });
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(
      [
        `POST ${path} HTTP/1.1`,
        'Host: kubelet',
        'Connection: Upgrade',
        'Upgrade: SPDY/3.1',
        ...protocols.map((p) => `X-Stream-Protocol-Version: ${p}`),
        ...extraHeaders,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** Everything a readable delivers until it ends (or closes). */
export function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const done = (): void => {
      resolve(Buffer.concat(chunks));
    };
    stream.on('end', done);
    stream.on('close', done);
  });
}

/**
 * A bare WebSocket client as a byte stream: offers any subprotocol (the `ws` client refuses
 * kubectl's `SPDY/3.1+portforward.k8s.io`), sends every write as one masked binary message and
 * reads binary messages' payloads; a close frame ends the readable side.
 */
export async function rawWebSocket(
  port: number,
  path: string,
  protocol: string,
): Promise<{ status: number; protocol: string | undefined; stream: Duplex }> {
  const { Duplex } = await import('node:stream');
  const { randomBytes } = await import('node:crypto');
  const socket = connect({ host: '127.0.0.1', port });
  socket.write(
    [
      `GET ${path} HTTP/1.1`,
      'Host: kubelet',
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      `Sec-WebSocket-Protocol: ${protocol}`,
      '',
      '',
    ].join('\r\n'),
  );
  let buf = Buffer.alloc(0);
  const head = await new Promise<string>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const text = buf.subarray(0, end).toString('latin1');
      buf = buf.subarray(end + 4);
      resolve(text);
    };
    socket.on('data', onData);
    socket.on('error', reject);
  });
  const status = Number(head.split(' ')[1]);
  const proto = /\r\nsec-websocket-protocol: *([^\r]*)/i.exec(head)?.[1];
  socket.pause();
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      const mask = randomBytes(4);
      const len = chunk.length;
      const header =
        len < 126
          ? Buffer.from([0x82, 0x80 | len])
          : len < 65536
            ? Buffer.from([0x82, 0x80 | 126, len >> 8, len & 0xff])
            : Buffer.concat([Buffer.from([0x82, 0x80 | 127, 0, 0, 0, 0]), u32(len)]);
      const body = Buffer.alloc(len);
      for (let i = 0; i < len; i++) body[i] = (chunk[i] ?? 0) ^ (mask[i & 3] ?? 0);
      socket.write(Buffer.concat([header, mask, body]), cb);
    },
    final(cb) {
      socket.end(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]), () => {
        cb();
      });
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  const parse = (): void => {
    for (;;) {
      if (buf.length < 2) return;
      const op = (buf[0] ?? 0) & 0x0f;
      let len = (buf[1] ?? 0) & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      if (buf.length < off + len) return;
      const payload = buf.subarray(off, off + len);
      buf = buf.subarray(off + len);
      if (op === 0x8) {
        stream.push(null);
        return;
      }
      if (op === 0x2 || op === 0x0) {
        if (!stream.push(payload)) socket.pause();
      }
    }
  };
  socket.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    parse();
  });
  parse();
  socket.on('close', () => {
    if (!stream.readableEnded) stream.push(null);
  });
  return { status, protocol: proto, stream };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
