/**
 * End to end: a minimal HTTPS server built from createTlsServerOptions, createCertificateVerifier
 * and createAuthenticator (as the front thread and the API thread use them), with
 * credentials from ensurePki, called by the real kubectl (Go's TLS and HTTP client, the strict one)
 * and by Node's https client. Answers 401 as a metav1.Status to requests without valid credentials,
 * `/version` as kube-apiserver does, and anything else with the authenticated user.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Server, createServer, request as httpsRequest, Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TLSSocket, connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/index.ts';
import { type Pki, ensurePki, issueCertificate, writeKubeconfig } from '../pki/index.ts';
import {
  type Authenticator,
  type CertificateVerifier,
  createAuthenticator,
  createCertificateVerifier,
  createTlsServerOptions,
  createTokenRegistry,
  registerNodeToken,
} from './index.ts';

const KUBECTL = '/usr/bin/kubectl';
const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};
const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+podbay',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'node',
  compiler: 'node',
  platform: 'linux/amd64',
};

let dir: string;
let pki: Pki;
let other: Pki; // a second, unrelated cluster: its CA and certificates must not work here
let server: Server;
let port: number;
let authn: Authenticator;
let authnInTwoYears: Authenticator;
let verifier: CertificateVerifier;

function handler(req: IncomingMessage, res: ServerResponse): void {
  // kubectl adds `?timeout=10s` (from --request-timeout): route on the path alone.
  const path = new URL(req.url ?? '/', 'https://podbay').pathname;
  const user = (path === '/whoami-in-two-years' ? authnInTwoYears : authn).authenticate({
    certificate: verifier.verify(req.socket as TLSSocket),
    authorization: req.headers.authorization,
  });
  res.setHeader('Content-Type', 'application/json');
  if (user === undefined) {
    res.writeHead(401);
    res.end(JSON.stringify(UNAUTHORIZED));
    return;
  }
  res.writeHead(200);
  res.end(JSON.stringify(path === '/version' ? VERSION : { user }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-tls-e2e-'));
  [pki, other] = await Promise.all([
    ensurePki({ dataDir: join(dir, 'data') }),
    ensurePki({ dataDir: join(dir, 'other') }),
  ]);
  const tokens = createTokenRegistry();
  registerNodeToken(tokens, pki.nodeToken);
  verifier = createCertificateVerifier(pki.caPem);
  authn = createAuthenticator({ tokens });
  authnInTwoYears = createAuthenticator({
    tokens,
    clock: new FakeClock(Date.now() + 730 * 24 * 3600 * 1000),
  });
  server = createServer(createTlsServerOptions(pki), handler);
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '::' }, resolve));
  port = (server.address() as AddressInfo).port;
  await writeFile(join(dir, 'ca.crt'), pki.caPem);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL,
      [...args, '--request-timeout=10s'],
      { env: { PATH: process.env['PATH'] ?? '', HOME: dir }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(); // a credential prompt fails at once instead of waiting
  });
}

let configs = 0;
async function kubeconfig(
  opts: { host?: string; caPem?: string } & (
    { clientCertPem: string; clientKeyPem: string } | { token: string }
  ),
): Promise<string> {
  const path = join(dir, `kubeconfig-${++configs}`);
  const { host, caPem, ...creds } = opts;
  await writeKubeconfig({
    path,
    server: `https://${host ?? '127.0.0.1'}:${port}`,
    caPem: caPem ?? pki.caPem,
    ...creds,
  });
  return path;
}

const admin = (host?: string): Promise<string> =>
  kubeconfig({
    clientCertPem: pki.adminCertPem,
    clientKeyPem: pki.adminKeyPem,
    ...(host === undefined ? {} : { host }),
  });

describe('kubectl against the TLS options and authenticator', () => {
  it('gets /version with the generated admin kubeconfig', async () => {
    const r = await kubectl(['--kubeconfig', await admin(), 'get', '--raw', '/version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(VERSION);
  });

  it('is the admin user: CN podbay-admin, groups system:masters and system:authenticated', async () => {
    const r = await kubectl(['--kubeconfig', await admin(), 'get', '--raw', '/whoami']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      user: { name: 'podbay-admin', groups: ['system:masters', 'system:authenticated'] },
    });
  });

  for (const host of ['localhost', '[::1]']) {
    it(`verifies the serving certificate for ${host}`, async () => {
      const r = await kubectl(['--kubeconfig', await admin(host), 'get', '--raw', '/version']);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(VERSION);
    });
  }

  it('refuses a server address the certificate does not name', async () => {
    const r = await kubectl(['--kubeconfig', await admin('127.0.0.2'), 'get', '--raw', '/version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/x509: certificate is valid for .*, not 127\.0\.0\.2/);
  });

  it('refuses the server when trusting another CA', async () => {
    const path = await kubeconfig({
      caPem: other.caPem,
      clientCertPem: pki.adminCertPem,
      clientKeyPem: pki.adminKeyPem,
    });
    const r = await kubectl(['--kubeconfig', path, 'get', '--raw', '/version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/x509: certificate signed by unknown authority/);
  });

  it('authenticates the node join token as the node-token user', async () => {
    for (const token of [pki.nodeToken.token, pki.nodeToken.secret]) {
      const r = await kubectl(['--kubeconfig', await kubeconfig({ token }), 'get', '--raw', '/x']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        user: { name: 'system:node:<unknown>', groups: ['system:nodes', 'system:authenticated'] },
      });
    }
  });

  it('gets 401 Unauthorized with a bad token', async () => {
    const path = await kubeconfig({ token: 'bad' });
    const r = await kubectl(['--kubeconfig', path, 'get', '--raw', '/version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });

  it('gets 401 Unauthorized with a kubeconfig that has no client certificate or token', async () => {
    // With no credentials at all kubectl prompts for a password instead of calling; a kubeconfig
    // with only basic-auth credentials (which podbay, like kube-apiserver >= 1.19, does not accept)
    // makes it call with an Authorization header that authenticates nobody.
    const path = join(dir, 'basic-auth-kubeconfig');
    await writeFile(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        'clusters:',
        `- { name: c, cluster: { server: "https://127.0.0.1:${port}", certificate-authority: ca.crt } }`,
        'users:',
        '- { name: u, user: { username: podbay-admin, password: secret } }',
        'contexts:',
        '- { name: c, context: { cluster: c, user: u } }',
      ].join('\n'),
    );
    const r = await kubectl(['--kubeconfig', path, 'get', '--raw', '/version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });

  it('gets 401 Unauthorized with a client certificate of another CA', async () => {
    const path = await kubeconfig({
      clientCertPem: other.adminCertPem,
      clientKeyPem: other.adminKeyPem,
    });
    const r = await kubectl(['--kubeconfig', path, 'get', '--raw', '/version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(Unauthorized)');
  });
});

interface Reply {
  status: number;
  contentType: string | undefined;
  body: unknown;
  reusedSocket: boolean;
}

function get(
  path: string,
  opts: { cert?: string; key?: string; ca?: string; token?: string; agent?: Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: opts.ca ?? pki.caPem,
        ...(opts.cert === undefined ? {} : { cert: opts.cert }),
        ...(opts.key === undefined ? {} : { key: opts.key }),
        ...(opts.token === undefined ? {} : { headers: { authorization: `Bearer ${opts.token}` } }),
        ...(opts.agent === undefined ? { agent: false } : { agent: opts.agent }),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body: JSON.parse(text),
            reusedSocket: req.reusedSocket,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('Node https client against the TLS options and authenticator', () => {
  it('works with the CA and the admin client certificate', async () => {
    const r = await get('/whoami', { cert: pki.adminCertPem, key: pki.adminKeyPem });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      user: { name: 'podbay-admin', groups: ['system:masters', 'system:authenticated'] },
    });
  });

  it('answers 401 with a Status body without credentials', async () => {
    const r = await get('/whoami');
    expect(r.status).toBe(401);
    expect(r.contentType).toBe('application/json');
    expect(r.body).toEqual(UNAUTHORIZED);
  });

  it('refuses a client certificate from a different CA', async () => {
    const r = await get('/whoami', { cert: other.adminCertPem, key: other.adminKeyPem });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(UNAUTHORIZED);
  });

  it('refuses a certificate of our CA that is not for client auth (the serving one)', async () => {
    const r = await get('/whoami', { cert: pki.servingCertPem, key: pki.servingKeyPem });
    expect(r.status).toBe(401);
  });

  it('accepts client certificates issued later by the same CA, with all their O groups', async () => {
    const dev = issueCertificate({
      ca: { certPem: pki.caPem, keyPem: pki.caKeyPem },
      subject: { commonName: 'jane', organizations: ['devs', 'ops'] },
      usage: 'client',
      now: Date.now(),
      validityDays: 1,
    });
    const r = await get('/whoami', { cert: dev.certPem, key: dev.keyPem });
    expect(r.body).toEqual({
      user: { name: 'jane', groups: ['devs', 'ops', 'system:authenticated'] },
    });
  });

  it('falls back to a bearer token when the certificate does not authenticate', async () => {
    const r = await get('/whoami', {
      cert: other.adminCertPem,
      key: other.adminKeyPem,
      token: pki.nodeToken.token,
    });
    expect(r.status).toBe(200);
    expect((r.body as { user: { name: string } }).user.name).toBe('system:node:<unknown>');
  });

  it('authenticates every request of a keep-alive connection, and stops at expiry', async () => {
    const agent = new Agent({
      keepAlive: true,
      maxSockets: 1,
      cert: pki.adminCertPem,
      key: pki.adminKeyPem,
    });
    try {
      const first = await get('/whoami', { agent });
      const second = await get('/whoami', { agent });
      const later = await get('/whoami-in-two-years', { agent });
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.reusedSocket).toBe(true);
      expect(later.reusedSocket).toBe(true);
      expect(later.status).toBe(401);
    } finally {
      agent.destroy();
    }
  });

  it('negotiates HTTP/1.1 over ALPN even when the client prefers h2', async () => {
    const protocol = await new Promise<string | false | null>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port, ca: pki.caPem, ALPNProtocols: ['h2', 'http/1.1'] },
        () => {
          resolve(socket.alpnProtocol);
          socket.end();
        },
      );
      socket.on('error', reject);
    });
    expect(protocol).toBe('http/1.1');
  });

  const handshake = (minVersion: 'TLSv1' | 'TLSv1.2', maxVersion: 'TLSv1.1' | 'TLSv1.2') =>
    new Promise<string>((resolve) => {
      const socket = connect(
        {
          host: '127.0.0.1',
          port,
          ca: pki.caPem,
          minVersion,
          maxVersion,
          ciphers: 'DEFAULT:@SECLEVEL=0',
        },
        () => {
          resolve(`connected ${socket.getProtocol() ?? ''}`);
          socket.end();
        },
      );
      socket.on('error', (err) => {
        resolve(err.message);
      });
    });

  it('speaks TLS 1.2 and refuses anything older (the server sends a protocol_version alert)', async () => {
    expect(await handshake('TLSv1.2', 'TLSv1.2')).toBe('connected TLSv1.2');
    expect(await handshake('TLSv1', 'TLSv1.1')).toMatch(/alert protocol version/);
  });
});
