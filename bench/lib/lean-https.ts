/**
 * The least client-side work per HTTPS request we could write, for throughput benchmarks: a pool of
 * keep-alive TLS connections, each carrying one request at a time, the request written as one
 * string and the response framed by its Content-Length. It is to podbay's API what
 * bench/lib/etcd-grpc.ts is to etcd: node:https costs the bench process about three times as much
 * CPU per request (~130 µs against ~40 µs here), and on a 2-core machine the client's CPU is taken
 * from the server under test.
 *
 * Only what the benchmarks need: HTTP/1.1 responses with a Content-Length (podbay's API sends one
 * for every object and Status); anything else is an error, never a guess.
 */
import tls from 'node:tls';
import type { TlsMaterial } from './http.ts';

export interface LeanResponse {
  readonly status: number;
  readonly body: Buffer;
}

const headerEnd = Buffer.from('\r\n\r\n');

/** One TLS connection; `request` must not be called again before the previous one settled. */
class LeanConnection {
  private pending: { resolve: (r: LeanResponse) => void; reject: (e: Error) => void } | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;
  private readonly socket: tls.TLSSocket;

  constructor(socket: tls.TLSSocket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.parse();
    });
    const fail = (err: Error): void => {
      this.failure ??= err;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(this.failure);
    };
    socket.on('error', fail);
    socket.on('close', () => {
      fail(new Error('connection closed by the server'));
    });
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  request(text: string): Promise<LeanResponse> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(text);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  /** Settles the pending request once its whole response is buffered. */
  private parse(): void {
    const end = this.buffered.indexOf(headerEnd);
    if (end < 0 || this.pending === undefined) return;
    const head = this.buffered.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status) || length === null) {
      this.socket.destroy(new Error(`unexpected response head: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + headerEnd.length + Number(length[1]);
    if (this.buffered.length < total) return;
    const body = this.buffered.subarray(end + headerEnd.length, total);
    this.buffered = this.buffered.subarray(total);
    const p = this.pending;
    this.pending = undefined;
    p.resolve({ status, body });
  }
}

export class LeanHttpsClient {
  private readonly url: URL;
  private readonly idle: LeanConnection[] = [];
  private readonly all = new Set<LeanConnection>();
  private readonly material: TlsMaterial;

  constructor(baseUrl: string, material: TlsMaterial) {
    this.url = new URL(baseUrl);
    this.material = material;
  }

  /** One request with a JSON body; resolves with the body when the status is `expect`. */
  async call(method: string, path: string, body: string, expect: number): Promise<Buffer> {
    const conn = this.idle.pop() ?? (await this.open());
    const res = await conn.request(
      `${method} ${path} HTTP/1.1\r\nHost: ${this.url.host}\r\nAccept: application/json\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    if (conn.usable) this.idle.push(conn);
    if (res.status !== expect) {
      throw new Error(`${method} ${path}: ${res.status}: ${res.body.toString('utf8', 0, 300)}`);
    }
    return res.body;
  }

  /** Closes every connection. */
  close(): void {
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle.length = 0;
  }

  private async open(): Promise<LeanConnection> {
    const socket = tls.connect({
      host: this.url.hostname,
      port: Number(this.url.port),
      ...this.material,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const conn = new LeanConnection(socket);
    this.all.add(conn);
    return conn;
  }
}
