import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { AbortError, FakeClock } from '../util/index.ts';
import { NetworkError } from './errors.ts';
import { HttpsTransport } from './transport.ts';

const run = promisify(execFile);

interface Pki {
  ca: string;
  otherCa: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

async function makePki(dir: string): Promise<Pki> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const p = (f: string): string => join(dir, f);
  for (const ca of ['ca', 'other-ca']) {
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      p(`${ca}.key`),
      '-out',
      p(`${ca}.crt`),
      '-subj',
      `/CN=${ca}`,
      '-days',
      '2',
    ]);
  }
  await writeFile(p('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await writeFile(p('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    await run('openssl', [
      'req',
      ...ec,
      '-keyout',
      p(`${who}.key`),
      '-out',
      p(`${who}.csr`),
      '-subj',
      `/CN=${who}-${who === 'client' ? 'alice' : 'x'}`,
    ]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      p(`${who}.csr`),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p(`${who}.crt`),
      '-days',
      '2',
      '-extfile',
      p(`${who}.ext`),
    ]);
  }
  const r = (f: string): Promise<string> => readFile(p(f), 'utf8');
  return {
    ca: await r('ca.crt'),
    otherCa: await r('other-ca.crt'),
    serverCert: await r('server.crt'),
    serverKey: await r('server.key'),
    clientCert: await r('client.crt'),
    clientKey: await r('client.key'),
  };
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: http.Server | https.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

describe('HttpsTransport over TLS', () => {
  let dir = '';
  let pki: Pki;
  let server: https.Server;
  let url = '';
  let connections = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podbay-client-tls-'));
    pki = await makePki(dir);
    server = https.createServer(
      {
        key: pki.serverKey,
        cert: pki.serverCert,
        ca: pki.ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const sock = req.socket;
        if (!(sock instanceof TLSSocket)) throw new Error('not TLS');
        const peer = sock.getPeerCertificate();
        const cn = Object.keys(peer).length > 0 ? peer.subject.CN : null;
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = JSON.stringify({
            clientCN: cn,
            authorized: sock.authorized,
            authorization: req.headers.authorization ?? null,
            method: req.method,
            url: req.url,
            contentLength: req.headers['content-length'] ?? null,
            body: Buffer.concat(chunks).toString('utf8'),
          });
          res.writeHead(200, { 'Content-Type': 'application/json', 'X-Multi': ['a', 'b'] });
          res.end(body);
        });
      },
    );
    server.on('secureConnection', () => connections++);
    url = `https://127.0.0.1:${await listen(server)}`;
  });

  afterAll(async () => {
    await closeServer(server);
    await rm(dir, { recursive: true, force: true });
  });

  it('authenticates with a client certificate, verifies the server against the CA, and reuses the connection', async () => {
    const t = new HttpsTransport({
      server: url,
      caPem: pki.ca,
      certPem: pki.clientCert,
      keyPem: pki.clientKey,
    });
    try {
      const before = connections;
      const signal = new AbortController().signal;
      const res = await t.request({
        method: 'POST',
        path: '/api/v1/namespaces/default/pods?dryRun=All',
        headers: { 'content-type': 'application/json' },
        body: '{"a":"é"}',
        signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['x-multi']).toBe('a, b');
      const seen = JSON.parse(res.body.toString('utf8'));
      expect(seen).toMatchObject({
        clientCN: 'client-alice',
        authorized: true,
        authorization: null,
        method: 'POST',
        url: '/api/v1/namespaces/default/pods?dryRun=All',
        contentLength: String(Buffer.byteLength('{"a":"é"}')),
        body: '{"a":"é"}',
      });
      await t.request({ method: 'GET', path: '/version', headers: {}, signal });
      expect(connections - before).toBe(1);
    } finally {
      t.close();
    }
  });

  it('sends a bearer token', async () => {
    const t = new HttpsTransport({ server: url, caPem: pki.ca, token: 's3cret' });
    try {
      const res = await t.request({
        method: 'GET',
        path: '/x',
        headers: {},
        signal: new AbortController().signal,
      });
      expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({
        authorization: 'Bearer s3cret',
        clientCN: null,
      });
    } finally {
      t.close();
    }
  });

  it('refuses a server certificate not signed by the given CA, as a NetworkError', async () => {
    const t = new HttpsTransport({ server: url, caPem: pki.otherCa, token: 'x' });
    try {
      const err = await t
        .request({ method: 'GET', path: '/x', headers: {}, signal: new AbortController().signal })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).code).toMatch(/CERT|SIGNATURE|VERIFY/);
    } finally {
      t.close();
    }
  });
});

describe('HttpsTransport over plain HTTP (loopback)', () => {
  it('reports a refused connection as a NetworkError with its code', async () => {
    const s = http.createServer();
    const port = await listen(s);
    await closeServer(s);
    const t = new HttpsTransport({ server: `http://127.0.0.1:${port}` });
    try {
      const err = await t
        .request({ method: 'GET', path: '/', headers: {}, signal: new AbortController().signal })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).code).toBe('ECONNREFUSED');
    } finally {
      t.close();
    }
  });

  it('rejects with the abort reason when aborted before the answer, and closes the connection', async () => {
    const state = { closed: false };
    let arrived!: () => void;
    const got = new Promise<void>((r) => (arrived = r));
    const s = http.createServer((req) => {
      req.socket.on('close', () => (state.closed = true));
      arrived();
    });
    const port = await listen(s);
    const t = new HttpsTransport({ server: `http://127.0.0.1:${port}` });
    try {
      const ctl = new AbortController();
      const p = t.request({ method: 'GET', path: '/slow', headers: {}, signal: ctl.signal });
      await got;
      const reason = new AbortError('stop now');
      ctl.abort(reason);
      await expect(p).rejects.toBe(reason);
      for (let i = 0; i < 100 && !state.closed; i++) await new Promise((r) => setTimeout(r, 5));
      expect(state.closed).toBe(true);
    } finally {
      t.close();
      await closeServer(s);
    }
  });

  it('times out a request on the injected clock', async () => {
    const clock = new FakeClock();
    let arrived!: () => void;
    const got = new Promise<void>((r) => (arrived = r));
    const s = http.createServer(() => {
      arrived();
    });
    const port = await listen(s);
    const t = new HttpsTransport({
      server: `http://127.0.0.1:${port}`,
      clock,
      requestTimeoutMs: 5000,
    });
    try {
      const p = t.request({
        method: 'GET',
        path: '/hang',
        headers: {},
        signal: new AbortController().signal,
      });
      const settled = p.catch((e: unknown) => e);
      await got;
      await clock.step(5000);
      const err = await settled;
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).code).toBe('ETIMEDOUT');
    } finally {
      t.close();
      await closeServer(s);
    }
  });

  describe('stream', () => {
    let s: http.Server;
    let port = 0;
    let current: http.ServerResponse | undefined;
    let onRequest: (() => void) | undefined;

    beforeAll(async () => {
      s = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        res.flushHeaders();
        current = res;
        onRequest?.();
      });
      port = await listen(s);
    });
    afterAll(async () => {
      await closeServer(s);
    });

    const open = async (t: HttpsTransport, signal: AbortSignal) => {
      const arrived = new Promise<void>((r) => (onRequest = r));
      const st = await t.stream({ method: 'GET', path: '/w?watch=true', headers: {}, signal });
      await arrived;
      return st;
    };

    it('gives status and headers before any body byte, then the chunks until the end', async () => {
      const t = new HttpsTransport({ server: `http://127.0.0.1:${port}` });
      try {
        const st = await open(t, new AbortController().signal);
        expect(st.status).toBe(200);
        expect(st.headers['content-type']).toBe('application/json');
        const it = st.body[Symbol.asyncIterator]();
        current!.write('hello ');
        const first = await it.next();
        expect(first.done).toBe(false);
        current!.write('world');
        current!.end();
        const rest: Buffer[] = [first.value as Buffer];
        for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
        expect(Buffer.concat(rest).toString()).toBe('hello world');
      } finally {
        t.close();
      }
    });

    it('throws a NetworkError when the connection is cut mid-stream', async () => {
      const t = new HttpsTransport({ server: `http://127.0.0.1:${port}` });
      try {
        const st = await open(t, new AbortController().signal);
        current!.write('partial');
        const consume = (async () => {
          const got: string[] = [];
          for await (const c of st.body) {
            got.push(c.toString());
            current!.destroy();
          }
          return got;
        })();
        await expect(consume).rejects.toBeInstanceOf(NetworkError);
      } finally {
        t.close();
      }
    });

    it('throws the abort reason when aborted mid-stream, and the server sees the close', async () => {
      const t = new HttpsTransport({ server: `http://127.0.0.1:${port}` });
      try {
        const ctl = new AbortController();
        const st = await open(t, ctl.signal);
        const res = current!;
        const closed = new Promise<void>((r) =>
          res.on('close', () => {
            r();
          }),
        );
        const consume = (async () => {
          for await (const _ of st.body) ctl.abort(new AbortError('bye'));
        })();
        res.write('x');
        await expect(consume).rejects.toMatchObject({ name: 'AbortError', message: 'bye' });
        await closed;
      } finally {
        t.close();
      }
    });

    it('releases the connection when the consumer stops iterating early', async () => {
      const t = new HttpsTransport({ server: `http://127.0.0.1:${port}` });
      try {
        const st = await open(t, new AbortController().signal);
        const res = current!;
        const closed = new Promise<void>((r) =>
          res.on('close', () => {
            r();
          }),
        );
        res.write('a');
        for await (const _ of st.body) break;
        await closed;
      } finally {
        t.close();
      }
    });
  });
});
