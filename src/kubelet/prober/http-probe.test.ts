import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container, HTTPGetAction } from '../../api/index.ts';
import { httpGet, newRequestForHTTPGetAction, requestUrl } from './http-get.ts';
import { httpProbe } from './http-probe.ts';

const container: Container = {
  name: 'app',
  image: 'busybox',
  ports: [
    { name: 'http', containerPort: 8080, protocol: 'TCP' },
    { name: 'admin', containerPort: 9090, protocol: 'TCP' },
  ],
};

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
}

let servers: http.Server[] = [];

async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  server: http.Server = http.createServer(),
): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  server.on('request', (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, seen };
}

afterEach(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  servers = [];
});

function action(port: number | string, extra: Partial<HTTPGetAction> = {}): HTTPGetAction {
  return { port, path: '/healthz', scheme: 'HTTP', ...extra };
}

describe('newRequestForHTTPGetAction', () => {
  it('builds the URL from the pod IP, a named port and the path', () => {
    const req = newRequestForHTTPGetAction(action('http'), container, '10.244.0.5', 'probe');
    expect(requestUrl(req)).toBe('http://10.244.0.5:8080/healthz');
    expect(req.headers).toEqual([
      ['User-Agent', 'kube-probe/1.32'],
      ['Accept', '*/*'],
    ]);
  });

  it('uses the action host, HTTPS, numeric ports given as strings and IPv6 literals', () => {
    expect(
      requestUrl(
        newRequestForHTTPGetAction(
          action('8443', { host: 'fd00::5', scheme: 'HTTPS', path: 'ready?x=1' }),
          container,
          '10.244.0.5',
          'probe',
        ),
      ),
    ).toBe('https://[fd00::5]:8443/ready?x=1');
  });

  it('refuses unknown port names and out-of-range ports with upstream messages', () => {
    expect(() => newRequestForHTTPGetAction(action('web'), container, '10.0.0.1', 'probe')).toThrow(
      'strconv.Atoi: parsing "web": invalid syntax',
    );
    expect(() => newRequestForHTTPGetAction(action(70000), container, '10.0.0.1', 'probe')).toThrow(
      'invalid port number: 70000',
    );
  });

  it('canonicalises header names, keeps repeats, lets users override User-Agent, Accept and Host', () => {
    const req = newRequestForHTTPGetAction(
      action(80, {
        httpHeaders: [
          { name: 'x-custom', value: 'a' },
          { name: 'X-CUSTOM', value: 'b' },
          { name: 'user-agent', value: 'mine' },
          { name: 'accept', value: 'application/json' },
          { name: 'host', value: 'example.com' },
        ],
      }),
      container,
      '10.0.0.1',
      'lifecycle',
    );
    expect(req.headers).toEqual([
      ['X-Custom', 'a'],
      ['X-Custom', 'b'],
      ['User-Agent', 'mine'],
      ['Accept', 'application/json'],
    ]);
    expect(req.hostHeader).toBe('example.com');
  });

  it('drops Accept when the user set it empty, and names hooks kube-lifecycle', () => {
    const req = newRequestForHTTPGetAction(
      action(80, { httpHeaders: [{ name: 'Accept', value: '' }] }),
      container,
      '10.0.0.1',
      'lifecycle',
    );
    expect(req.headers).toEqual([['User-Agent', 'kube-lifecycle/1.32']]);
  });
});

describe('httpProbe against a local server', () => {
  it('succeeds on 200-299 with the body as output and sends the probe headers', async () => {
    const { port, seen } = await serve((_req, res) => {
      res.end('ok');
    });
    const req = newRequestForHTTPGetAction(
      action(port, { httpHeaders: [{ name: 'x-probe', value: '1' }] }),
      container,
      '127.0.0.1',
      'probe',
    );
    expect(await httpProbe(req, 1000)).toEqual({ result: 'success', output: 'ok' });
    expect(seen[0]?.url).toBe('/healthz');
    expect(seen[0]?.headers['user-agent']).toBe('kube-probe/1.32');
    expect(seen[0]?.headers.accept).toBe('*/*');
    expect(seen[0]?.headers['x-probe']).toBe('1');
    expect(seen[0]?.headers.host).toBe(`127.0.0.1:${port}`);
    expect(seen[0]?.headers['accept-encoding']).toBeUndefined();
    expect(seen[0]?.headers.connection).toBe('close');
  });

  it('sends the Host header override and repeated headers', async () => {
    const { port, seen } = await serve((_req, res) => {
      res.end();
    });
    const req = newRequestForHTTPGetAction(
      action(port, {
        httpHeaders: [
          { name: 'Host', value: 'svc.example' },
          { name: 'X-Rep', value: 'a' },
          { name: 'X-Rep', value: 'b' },
        ],
      }),
      container,
      '127.0.0.1',
      'probe',
    );
    await httpProbe(req, 1000);
    expect(seen[0]?.headers.host).toBe('svc.example');
    const raw = seen[0]?.rawHeaders ?? [];
    const reps = raw.filter((_v, i) => i % 2 === 1 && raw[i - 1] === 'X-Rep');
    expect(reps).toEqual(['a', 'b']);
  });

  it('fails on 500 with upstream message and never the body', async () => {
    const { port } = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('secret details');
    });
    const req = newRequestForHTTPGetAction(action(port), container, '127.0.0.1', 'probe');
    expect(await httpProbe(req, 1000)).toEqual({
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
  });

  it('follows redirects on the same host, also to another port', async () => {
    const target = await serve((_req, res) => {
      res.end('moved here');
    });
    const { port, seen } = await serve((req, res) => {
      if (req.url === '/healthz') {
        res.writeHead(302, { location: '/step2' });
        res.end();
      } else {
        res.writeHead(307, { location: `http://127.0.0.1:${target.port}/final` });
        res.end();
      }
    });
    const req = newRequestForHTTPGetAction(action(port), container, '127.0.0.1', 'probe');
    expect(await httpProbe(req, 2000)).toEqual({ result: 'success', output: 'moved here' });
    expect(seen.map((s) => s.url)).toEqual(['/healthz', '/step2']);
    expect(target.seen[0]?.url).toBe('/final');
    expect(target.seen[0]?.headers['user-agent']).toBe('kube-probe/1.32');
  });

  it('stops at a redirect to another host: success with a warning, the redirect not followed', async () => {
    const { port } = await serve((_req, res) => {
      res.writeHead(301, { location: 'http://example.invalid/elsewhere' });
      res.end('see elsewhere');
    });
    const req = newRequestForHTTPGetAction(action(port), container, '127.0.0.1', 'probe');
    expect(await httpProbe(req, 1000)).toEqual({
      result: 'warning',
      output: 'Probe terminated redirects, Response body: see elsewhere',
    });
  });

  it('gives up after 10 requests of redirects', async () => {
    const { port, seen } = await serve((req, res) => {
      res.writeHead(302, { location: `${req.url ?? ''}x` });
      res.end();
    });
    const req = newRequestForHTTPGetAction(action(port), container, '127.0.0.1', 'probe');
    const out = await httpProbe(req, 2000);
    expect(out.result).toBe('failure');
    expect(out.output).toMatch(
      /^Get "http:\/\/127\.0\.0\.1:\d+\/healthzx+": stopped after 10 redirects$/,
    );
    expect(seen).toHaveLength(10);
  });

  it('reads at most 10 KiB of the body', async () => {
    const { port } = await serve((_req, res) => {
      res.end('y'.repeat(50 * 1024));
    });
    const req = newRequestForHTTPGetAction(action(port), container, '127.0.0.1', 'probe');
    const out = await httpProbe(req, 1000);
    expect(out.result).toBe('success');
    expect(out.output).toHaveLength(10 * 1024);
  });

  it('fails with Go wording when nothing listens', async () => {
    const { port } = await serve(() => undefined);
    for (const s of servers) await new Promise((r) => s.close(r));
    servers = [];
    const req = newRequestForHTTPGetAction(action(port), container, '127.0.0.1', 'probe');
    expect(await httpProbe(req, 1000)).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    });
  });

  it('times out when the server does not answer in time', async () => {
    const { port } = await serve(() => {
      // never answers
    });
    const req = newRequestForHTTPGetAction(action(port), container, '127.0.0.1', 'probe');
    const started = Date.now();
    expect(await httpProbe(req, 300)).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a server closing the connection without an answer as EOF', async () => {
    const { port } = await serve((req) => {
      req.socket.destroy();
    });
    const req = newRequestForHTTPGetAction(action(port), container, '127.0.0.1', 'probe');
    expect(await httpProbe(req, 1000)).toEqual({
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/healthz": EOF`,
    });
  });
});

describe('HTTPS', () => {
  let dir: string;
  let key: string;
  let cert: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'podbay-probe-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=probe-test',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('probes HTTPS without verifying the (self-signed) certificate', async () => {
    const { port } = await serve((_req, res) => {
      res.end('tls ok');
    }, https.createServer({ key, cert }));
    const req = newRequestForHTTPGetAction(
      action(port, { scheme: 'HTTPS' }),
      container,
      '127.0.0.1',
      'probe',
    );
    expect(await httpProbe(req, 2000)).toEqual({ result: 'success', output: 'tls ok' });
  });

  it('words an HTTPS request answered in plain HTTP as Go does', async () => {
    const { port } = await serve((_req, res) => {
      res.end();
    });
    const req = newRequestForHTTPGetAction(
      action(port, { scheme: 'HTTPS' }),
      container,
      '127.0.0.1',
      'lifecycle',
    );
    await expect(httpGet(req, { timeoutMs: 2000 })).rejects.toMatchObject({
      kind: 'http-response-to-https',
      message: `Get "https://127.0.0.1:${port}/healthz": http: server gave HTTP response to HTTPS client`,
    });
  });
});
