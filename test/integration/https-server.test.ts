/**
 * The API server over HTTPS (createHttpsServer), with a real PKI and Node's https client: a watch
 * holds its subscription while the client is connected and drops it when the client goes away
 * (the request's abort signal, which the server makes only when a handler asks for it).
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
  ensureSystemNamespaces,
} from '../../src/apiserver/index.ts';
import { MemoryStore } from '../../src/store/index.ts';
import { realClock, silentLogger } from '../../src/util/index.ts';
import { serveHttps } from './harness.ts';

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
  https = await serveHttps(api, pki);
});

afterAll(async () => {
  await https.close();
  api.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A request as the admin; resolves with the status once the response head arrived. */
function send(
  method: string,
  path: string,
  body?: string,
): { req: ClientRequest; status: Promise<number> } {
  let req: ClientRequest | undefined;
  const status = new Promise<number>((resolve, reject) => {
    req = httpsRequest(
      {
        host: '127.0.0.1',
        port: https.address.port,
        method,
        path,
        ca: pki.caPem,
        cert: pki.adminCertPem,
        key: pki.adminKeyPem,
        agent: new Agent({ keepAlive: false }),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('error', () => undefined);
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  if (req === undefined) throw new Error('no request');
  return { req, status };
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the API server over HTTPS', () => {
  it('ends a watch when its client goes away', async () => {
    const configmaps = api.cache.cacheFor('configmaps');
    const before = configmaps.subscribers;
    const watch = send('GET', '/api/v1/namespaces/default/configmaps?watch=true');
    expect(await watch.status).toBe(200);
    await until('the watch to subscribe', () => configmaps.subscribers === before + 1);
    watch.req.destroy();
    await until('the watch to unsubscribe', () => configmaps.subscribers === before);
  });
});
