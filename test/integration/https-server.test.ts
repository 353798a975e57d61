/**
 * The API server over HTTPS (startHttpsFront: TLS and HTTP on the front thread, the API on this one),
 * with a real PKI and Node's https client: who may call, bodies past the limit, a watch that holds
 * its subscription while the client is connected and drops it when the client goes away (the
 * request's abort signal, which the server makes only when a handler asks for it), a taken port,
 * and a close that ends what is still open.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiServer,
  type Pki,
  type RunningServer,
  createApiServer,
  ensurePki,
  createAuthenticator,
  createTlsServerOptions,
  createTokenRegistry,
  ensureSystemNamespaces,
  startHttpsFront,
} from '../../src/apiserver/index.ts';
import { MemoryStore } from '../../src/store/index.ts';
import { realClock, silentLogger } from '../../src/util/index.ts';
import { frontThread } from './harness.ts';

let dir: string;
let pki: Pki;
let api: ApiServer;
let https: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-https-server-'));
  pki = await ensurePki({ dataDir: dir });
  api = createApiServer({
    store: new MemoryStore(),
    clock: realClock,
    logger: silentLogger,
    serverAddress: () => '127.0.0.1',
  });
  await api.start();
  await ensureSystemNamespaces(api, realClock);
  https = await serve();
});

/** A server on a free port whose only bearer token is `secret-token` (user `token-user`). */
function serve(port = 0): Promise<RunningServer> {
  return startHttpsFront(frontThread).serve(
    {
      api,
      tls: createTlsServerOptions(pki),
      caPem: pki.caPem,
      authenticator: createAuthenticator({
        tokens: createTokenRegistry([['secret-token', { name: 'token-user', groups: [] }]]),
      }),
      logger: silentLogger,
    },
    '127.0.0.1',
    port,
  );
}

afterAll(async () => {
  await https.close();
  api.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Sent {
  req: ClientRequest;
  /** Resolves with the status once the response head arrived. */
  status: Promise<number>;
  /** Resolves with the whole body once the response ended. */
  body: Promise<string>;
}

/**
 * A request, as the admin (client certificate) unless `as` says otherwise; `chunked` sends the
 * body without a Content-Length.
 */
function send(
  method: string,
  path: string,
  body?: string,
  opts: {
    as?: 'admin' | 'nobody' | { token: string };
    chunked?: boolean;
    server?: RunningServer;
  } = {},
): Sent {
  let req: ClientRequest | undefined;
  let gotBody: (text: string) => void = () => undefined;
  const whole = new Promise<string>((resolve) => {
    gotBody = resolve;
  });
  const as = opts.as ?? 'admin';
  const status = new Promise<number>((resolve, reject) => {
    req = httpsRequest(
      {
        host: '127.0.0.1',
        port: (opts.server ?? https).address.port,
        method,
        path,
        ca: pki.caPem,
        ...(as === 'admin' ? { cert: pki.adminCertPem, key: pki.adminKeyPem } : {}),
        agent: new Agent({ keepAlive: false }),
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(typeof as === 'object' ? { authorization: `Bearer ${as.token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => undefined);
        res.on('close', () => {
          gotBody(Buffer.concat(chunks).toString());
        });
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    if (opts.chunked && body !== undefined) {
      // Two writes before end: Node sends them chunked, with no Content-Length.
      const half = Math.floor(body.length / 2);
      req.write(body.slice(0, half));
      req.write(body.slice(half));
      req.end();
    } else {
      req.end(body);
    }
  });
  if (req === undefined) throw new Error('no request');
  return { req, status, body: whole };
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the API server over HTTPS', () => {
  it('answers 401 without credentials, except for /version and the health checks', async () => {
    const refused = send('GET', '/api/v1/namespaces', undefined, { as: 'nobody' });
    expect(await refused.status).toBe(401);
    expect(JSON.parse(await refused.body)).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
    });
    expect(await send('GET', '/version', undefined, { as: 'nobody' }).status).toBe(200);
    expect(await send('GET', '/readyz', undefined, { as: 'nobody' }).status).toBe(200);
    expect(
      await send('GET', '/api/v1/namespaces', undefined, { as: { token: 'wrong' } }).status,
    ).toBe(401);
  });

  it('authenticates client certificates and bearer tokens', async () => {
    expect(await send('GET', '/api/v1/namespaces').status).toBe(200);
    const byToken = send('GET', '/api/v1/namespaces', undefined, { as: { token: 'secret-token' } });
    expect(await byToken.status).toBe(200);
  });

  it('refuses a body past 3 MiB with 413, declared or chunked', async () => {
    const big = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big' },
      data: { x: 'x'.repeat(3 * 1024 * 1024) },
    });
    for (const chunked of [false, true]) {
      const r = send('POST', '/api/v1/namespaces/default/configmaps', big, { chunked });
      expect(await r.status).toBe(413);
      expect(JSON.parse(await r.body)).toMatchObject({
        code: 413,
        reason: 'RequestEntityTooLarge',
      });
    }
    const small = send(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"small"}}',
      { chunked: true },
    );
    expect(await small.status).toBe(201);
  });

  it('ends a watch when its client goes away', async () => {
    const configmaps = api.cache.cacheFor('configmaps');
    const before = configmaps.subscribers;
    const watch = send('GET', '/api/v1/namespaces/default/configmaps?watch=true');
    expect(await watch.status).toBe(200);
    await until('the watch to subscribe', () => configmaps.subscribers === before + 1);
    watch.req.destroy();
    await until('the watch to unsubscribe', () => configmaps.subscribers === before);
  });

  it('says so when the port is taken', async () => {
    await expect(serve(https.address.port)).rejects.toThrow(
      `cannot listen on 127.0.0.1:${https.address.port}: the address is already in use`,
    );
  });

  it('close() ends the responses still streaming', async () => {
    const other = await serve();
    const watch = send('GET', '/api/v1/namespaces/default/configmaps?watch=true', undefined, {
      server: other,
    });
    expect(await watch.status).toBe(200);
    await other.close();
    await watch.body; // the response ended (or was cut) rather than hanging
  });
});
