/**
 * A small HTTP(S) client on node:http(s) with keep-alive agents, for the benchmarks' set-up and
 * measured requests alike. Throughput runs, where the bench process's own CPU per request competes
 * with the server's, use bench/lib/lean-https.ts instead.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  readonly status: number;
  readonly body: Buffer;
}

export interface TlsMaterial {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface HttpClientOptions {
  /** Client certificate and CA: HTTPS when given. */
  readonly tls?: TlsMaterial;
  /**
   * Most connections kept open at once (default: as many as requests in flight). Requests beyond
   * wait for a free connection, as they do in a real client, instead of each opening its own.
   */
  readonly maxSockets?: number;
}

export interface WatchStream {
  /** Ends the stream (destroys its connection). */
  close(): void;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly tls: TlsMaterial | undefined;

  constructor(baseUrl: string, opts: HttpClientOptions = {}) {
    this.base = new URL(baseUrl);
    this.tls = opts.tls;
    const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets ?? Infinity };
    this.agent = opts.tls
      ? new https.Agent({ ...agentOptions, ...opts.tls })
      : new http.Agent(agentOptions);
  }

  /** Another client for the same server, with its own connections. */
  with(opts: Omit<HttpClientOptions, 'tls'>): HttpClient {
    return new HttpClient(this.base.href, { ...opts, ...(this.tls ? { tls: this.tls } : {}) });
  }

  /** One request; the whole body is read. Never throws for an HTTP status, only for I/O errors. */
  request(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = this.send(method, path, this.agent, body, headers, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  }

  /** A request that must answer `expect` (a status); the body is returned, or an error thrown. */
  async call(
    method: string,
    path: string,
    body?: string,
    expect = 200,
    headers: Record<string, string> = {},
  ): Promise<Buffer> {
    const res = await this.request(method, path, body, headers);
    if (res.status !== expect) {
      throw new HttpError(
        `${method} ${path}: ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`,
      );
    }
    return res.body;
  }

  /** `call`, parsed as JSON. */
  async json(method: string, path: string, body?: string, expect = 200): Promise<unknown> {
    return JSON.parse((await this.call(method, path, body, expect)).toString('utf8'));
  }

  /**
   * A streaming request (a watch) on its own connection: `onLine` gets each newline-terminated
   * line. Resolves once the response headers arrived with status 200.
   */
  stream(
    method: string,
    path: string,
    body: string | undefined,
    onLine: (line: string) => void,
  ): Promise<WatchStream> {
    return new Promise((resolve, reject) => {
      const req = this.send(method, path, false, body, {}, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new HttpError(`${method} ${path}: ${res.statusCode ?? 0}`));
          return;
        }
        res.setEncoding('utf8');
        let pending = '';
        res.on('data', (chunk: string) => {
          pending += chunk;
          let nl = pending.indexOf('\n');
          while (nl >= 0) {
            const line = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            if (line !== '') onLine(line);
            nl = pending.indexOf('\n');
          }
        });
        res.on('error', () => undefined);
        resolve({
          close() {
            req.destroy();
          },
        });
      });
      req.on('error', reject);
    });
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private send(
    method: string,
    path: string,
    agent: http.Agent | false,
    body: string | undefined,
    headers: Record<string, string>,
    onResponse: (res: http.IncomingMessage) => void,
  ): http.ClientRequest {
    const options: https.RequestOptions = {
      host: this.base.hostname,
      port: this.base.port,
      method,
      path,
      agent,
      headers: {
        accept: 'application/json',
        ...(body === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        ...headers,
      },
      ...(agent === false && this.tls ? this.tls : {}),
    };
    const req =
      this.base.protocol === 'https:'
        ? https.request(options, onResponse)
        : http.request(options, onResponse);
    req.end(body);
    return req;
  }
}
