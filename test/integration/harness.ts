/**
 * An in-process API server on a memory store, for integration tests: the same handler HTTPS
 * clients reach, called through the in-process transport, so tests see real status codes,
 * headers and bodies without sockets; `serveHttps` puts an API server behind real HTTPS.
 */
import {
  createApiServer,
  createAuthenticator,
  createInProcessTransport,
  createTlsServerOptions,
  createTokenRegistry,
  ensureSystemNamespaces,
  startHttpsFront,
  type ApiServer,
  type Pki,
  type RunningServer,
} from '../../src/apiserver/index.ts';
import { MemoryStore, type Store } from '../../src/store/index.ts';
import { realClock, silentLogger, type Clock } from '../../src/util/index.ts';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** The body parsed as JSON when it is JSON, else the text. */
  body: unknown;
  text: string;
}

export interface WatchEvent {
  type: string;
  object: {
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    [k: string]: unknown;
  };
}

export interface Watch {
  readonly events: WatchEvent[];
  readonly status: number;
  stop(): void;
  /** Waits until at least `count` events arrived (or the timeout), and returns the first `count`. */
  next(count: number, timeoutMs?: number): Promise<WatchEvent[]>;
}

/** Reads a value at a dotted path (`metadata.name`, `items.0.spec`) of a JSON body. */
export function at(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * The front thread's compiled module. A worker thread runs JavaScript only, so tests, which run
 * the TypeScript sources, use dist/'s copy: `npm test` builds it first (after changing
 * src/apiserver/front/, run `npm run build` before running tests alone).
 */
export const frontThread = new URL('../../dist/apiserver/front/front-thread.js', import.meta.url);

/**
 * `api` over HTTPS on 127.0.0.1 (a free port) with the TLS options and authenticator
 * `podbay server` uses: certificates of `pki`'s CA authenticate; no bearer tokens.
 */
export function serveHttps(api: ApiServer, pki: Pki): Promise<RunningServer> {
  return startHttpsFront(frontThread).serve(
    {
      api,
      tls: createTlsServerOptions(pki),
      caPem: pki.caPem,
      authenticator: createAuthenticator({ tokens: createTokenRegistry() }),
      logger: silentLogger,
    },
    '127.0.0.1',
    0,
  );
}

export interface Harness {
  api: ApiServer;
  store: Store;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  /** Starts a watch and collects its events until `stop()`. */
  watch(path: string, headers?: Record<string, string>): Promise<Watch>;
  stop(): Promise<void>;
}

export async function startHarness(opts: { clock?: Clock; store?: Store } = {}): Promise<Harness> {
  const clock = opts.clock ?? realClock;
  const store = opts.store ?? new MemoryStore();
  const api = createApiServer({
    store,
    clock,
    logger: silentLogger,
    serverAddress: () => '127.0.0.1:6443',
  });
  await api.start();
  await ensureSystemNamespaces(api, clock);
  const transport = createInProcessTransport(api, {
    name: 'admin',
    groups: ['system:masters', 'system:authenticated'],
  });
  const open: AbortController[] = [];

  const request: Harness['request'] = async (method, path, body, headers = {}) => {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await transport.request({
      method,
      path,
      headers: h,
      ...(payload !== undefined ? { body: payload } : {}),
      signal: new AbortController().signal,
    });
    const text = res.body.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, headers: { ...res.headers }, body: parsed, text };
  };

  const watch: Harness['watch'] = async (path, headers = {}) => {
    const ac = new AbortController();
    open.push(ac);
    const res = await transport.stream({
      method: 'GET',
      path,
      headers: { accept: 'application/json', ...headers },
      signal: ac.signal,
    });
    const events: WatchEvent[] = [];
    const waiters: (() => void)[] = [];
    void (async () => {
      let buf = '';
      try {
        for await (const chunk of res.body) {
          buf += chunk.toString('utf8');
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.trim()) events.push(JSON.parse(line) as WatchEvent);
            for (const w of waiters.splice(0)) w();
          }
        }
      } catch {
        // aborted
      }
      for (const w of waiters.splice(0)) w();
    })();
    return {
      events,
      status: res.status,
      stop: () => {
        ac.abort();
      },
      async next(count, timeoutMs = 2000) {
        const deadline = Date.now() + timeoutMs;
        while (events.length < count && Date.now() < deadline) {
          await new Promise<void>((r) => {
            waiters.push(r);
            setTimeout(r, 50);
          });
        }
        return events.slice(0, count);
      },
    };
  };

  return {
    api,
    store,
    request,
    watch,
    async stop() {
      for (const ac of open) ac.abort();
      api.stop();
      await store.close();
    },
  };
}
