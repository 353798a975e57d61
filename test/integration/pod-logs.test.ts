/**
 * `kubectl logs` end to end, without real containers: an API server (in-process and over HTTPS)
 * with the node connector, and the kubelet API server on 127.0.0.1 with a fake ContainerLogSource
 * over CRI-format log files in a temp dir. Certificates come from the real PKI code (cluster CA,
 * kubelet serving certificate, apiserver-kubelet-client certificate). The real kubectl, when
 * present, checks what users see.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiServer,
  type NodeConnectorHandle,
  type RunningServer,
  createApiServer,
  createInProcessTransport,
  createNodeConnector,
  ensureKubeletCerts,
  ensurePki,
  ensureSystemNamespaces,
  writeKubeconfig,
  type KubeletCerts,
  type Pki,
} from '../../src/apiserver/index.ts';
import { issueCertificate } from '../../src/apiserver/pki/index.ts';
import {
  type ContainerLogFailure,
  type ContainerLogSource,
  type ContainerLogTarget,
  type RunningKubeletServer,
  containerNotFound,
  containerWaiting,
  podNotFound,
  previousNotFound,
  startKubeletServer,
} from '../../src/kubelet/server/index.ts';
import { MemoryStore } from '../../src/store/index.ts';
import { realClock, silentLogger } from '../../src/util/index.ts';
import { missing } from '../support/prerequisites.ts';
import { serveHttps } from './harness.ts';

const KUBECTL = '/usr/bin/kubectl';
const NODE = 'node-1';

// ---------------------------------------------------------------------------------------------
// A fake kubelet core: container instances backed by log files, exits on demand.

interface Instance {
  readonly path: string;
  readonly id: string;
  exit(): void;
  /** Signals the server passed to waitForExit: aborted once its request ended. */
  readonly waiters: AbortSignal[];
  readonly exited: Promise<void>;
}

function instance(path: string, id: string, running: boolean): Instance {
  let exit = (): void => undefined;
  const exited = new Promise<void>((r) => {
    exit = r;
  });
  if (!running) exit();
  return { path, id, exit, exited, waiters: [] };
}

interface FakeContainer {
  current?: Instance;
  previous?: Instance;
  waiting?: string;
}

class FakeLogSource implements ContainerLogSource {
  readonly pods = new Map<string, Map<string, FakeContainer>>();

  set(pod: string, container: string, c: FakeContainer): void {
    const key = `default/${pod}`;
    const containers = this.pods.get(key) ?? new Map<string, FakeContainer>();
    containers.set(container, c);
    this.pods.set(key, containers);
  }

  resolve(req: {
    namespace: string;
    pod: string;
    container: string;
    previous: boolean;
  }): Promise<ContainerLogTarget | ContainerLogFailure> {
    const containers = this.pods.get(`${req.namespace}/${req.pod}`);
    if (!containers) return Promise.resolve(podNotFound(req.pod));
    const c = containers.get(req.container);
    if (!c) return Promise.resolve(containerNotFound(req.container, req.pod));
    const inst = req.previous ? c.previous : c.current;
    if (req.previous && !inst) return Promise.resolve(previousNotFound(req.container, req.pod));
    if (!inst) return Promise.resolve(containerWaiting(req.container, req.pod, c.waiting));
    return Promise.resolve({
      path: inst.path,
      containerId: inst.id,
      waitForExit: (signal: AbortSignal) => {
        inst.waiters.push(signal);
        return inst.exited;
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The cluster.

let dir: string;
let pki: Pki;
let certs: KubeletCerts;
let api: ApiServer;
let store: MemoryStore;
let connector: NodeConnectorHandle;
let kubelet: RunningKubeletServer;
let https: RunningServer;
let kubeconfig: string;
const logs = new FakeLogSource();

interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: unknown;
}

let transport: ReturnType<typeof createInProcessTransport>;

async function request(method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await transport.request({
    method,
    path,
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: new AbortController().signal,
  });
  const text = res.body.toString('utf8');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

const logPath = (pod: string, query = ''): string =>
  `/api/v1/namespaces/default/pods/${pod}/log${query ? `?${query}` : ''}`;

function cri(ts: string, stream: 'stdout' | 'stderr', tag: 'F' | 'P', msg: string): string {
  return `${ts} ${stream} ${tag} ${msg}\n`;
}

async function logFile(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function createPod(name: string, spec: Record<string, unknown>): Promise<void> {
  const res = await request('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec,
  });
  expect(res.status, res.text).toBe(201);
}

async function createNode(name: string, status: Record<string, unknown>): Promise<void> {
  const res = await request('POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
  });
  expect(res.status, res.text).toBe(201);
  const current = res.body as Record<string, unknown>;
  const upd = await request('PUT', `/api/v1/nodes/${name}/status`, { ...current, status });
  expect(upd.status, upd.text).toBe(200);
}

const T0 = '2024-05-01T10:00:00.000000001Z';
const T1 = '2024-05-01T10:00:01Z';
const T2 = '2024-05-01T10:00:02.5Z';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-pod-logs-'));
  pki = await ensurePki({ dataDir: join(dir, 'data'), hosts: ['127.0.0.1'] });
  certs = await ensureKubeletCerts({
    files: pki.files,
    caPem: pki.caPem,
    caKeyPem: pki.caKeyPem,
    nodeName: NODE,
    hosts: ['127.0.0.1'],
  });

  kubelet = await startKubeletServer({
    tls: { certPem: certs.serving.certPem, keyPem: certs.serving.keyPem, caPem: pki.caPem },
    logs,
    host: '127.0.0.1',
    port: 0,
  });
  connector = createNodeConnector({
    caPem: pki.caPem,
    certPem: certs.client.certPem,
    keyPem: certs.client.keyPem,
    connectTimeoutMs: 2000,
  });
  store = new MemoryStore();
  let address = '127.0.0.1:0';
  api = createApiServer({
    store,
    clock: realClock,
    logger: silentLogger,
    serverAddress: () => address,
    nodeConnector: connector.connect,
  });
  await api.start();
  await ensureSystemNamespaces(api, realClock);
  transport = createInProcessTransport(api, {
    name: 'admin',
    groups: ['system:masters', 'system:authenticated'],
  });
  https = await serveHttps(api, pki);
  address = `127.0.0.1:${https.address.port}`;
  kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig({
    path: kubeconfig,
    server: `https://${address}`,
    caPem: pki.caPem,
    clientCertPem: pki.adminCertPem,
    clientKeyPem: pki.adminKeyPem,
  });

  await createNode(NODE, {
    addresses: [
      { type: 'Hostname', address: 'node-1.invalid' },
      { type: 'InternalIP', address: '127.0.0.1' },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
  });

  // web: an init container, a running app with a previous run, a sidecar still being created.
  await createPod('web', {
    nodeName: NODE,
    initContainers: [{ name: 'setup', image: 'busybox' }],
    containers: [
      { name: 'app', image: 'busybox' },
      { name: 'sidecar', image: 'busybox' },
    ],
  });
  logs.set('web', 'setup', {
    current: instance(
      await logFile('setup.log', cri(T0, 'stdout', 'F', 'setup done')),
      'i1',
      false,
    ),
  });
  logs.set('web', 'app', {
    current: instance(
      await logFile(
        'app-1.log',
        cri(T0, 'stdout', 'F', 'one') +
          cri(T1, 'stderr', 'P', 'tw') +
          cri(T1, 'stderr', 'F', 'o') +
          cri(T2, 'stdout', 'F', 'three'),
      ),
      'a1',
      true,
    ),
    previous: instance(
      await logFile('app-0.log', cri(T0, 'stdout', 'F', 'crashed run')),
      'a0',
      false,
    ),
  });
  logs.set('web', 'sidecar', { waiting: 'ContainerCreating' });

  await createPod('single', { nodeName: NODE, containers: [{ name: 'main', image: 'busybox' }] });
  logs.set('single', 'main', {
    current: instance(
      await logFile('single.log', cri(T0, 'stdout', 'F', 'hello from single')),
      's1',
      false,
    ),
  });

  await createPod('pending', { containers: [{ name: 'main', image: 'busybox' }] });
  await createPod('ghost', { nodeName: NODE, containers: [{ name: 'main', image: 'busybox' }] });
  await createPod('lost', {
    nodeName: 'node-gone',
    containers: [{ name: 'main', image: 'busybox' }],
  });
});

afterAll(async () => {
  await https.close();
  await kubelet.close();
  connector.close();
  api.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('GET pods/{name}/log through the kubelet', () => {
  it('returns the log of the only container, as text/plain', async () => {
    const res = await request('GET', logPath('single'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.text).toBe('hello from single\n');
  });

  it('joins partial lines and interleaves stdout and stderr', async () => {
    const res = await request('GET', logPath('web', 'container=app'));
    expect(res.text).toBe('one\ntwo\nthree\n');
  });

  it.each([
    ['tailLines=1', 'three\n'],
    ['tailLines=2', 'o\nthree\n'],
    ['limitBytes=6', 'one\ntw'],
    [
      'timestamps=true',
      `2024-05-01T10:00:00.000000001Z one\n2024-05-01T10:00:01.000000000Z two\n2024-05-01T10:00:02.500000000Z three\n`,
    ],
    ['sinceTime=2024-05-01T10:00:01Z', 'two\nthree\n'],
    // sinceSeconds counts from now: these records are from 2024.
    ['sinceSeconds=60', ''],
  ])('%s', async (query, want) => {
    const res = await request('GET', logPath('web', `container=app&${query}`));
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe(want);
  });

  it('returns the previous run with previous=true', async () => {
    const res = await request('GET', logPath('web', 'container=app&previous=true'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('crashed run\n');
  });

  it('returns init container logs', async () => {
    const res = await request('GET', logPath('web', 'container=setup'));
    expect(res.text).toBe('setup done\n');
  });

  it('follows appended lines and ends when the container exits', async () => {
    const path = await logFile('follow.log', cri(T0, 'stdout', 'F', 'first'));
    const inst = instance(path, 'f1', true);
    await createPod('follow', { nodeName: NODE, containers: [{ name: 'main', image: 'busybox' }] });
    logs.set('follow', 'main', { current: inst });

    const res = await transport.stream({
      method: 'GET',
      path: logPath('follow', 'follow=true'),
      headers: {},
      signal: new AbortController().signal,
    });
    expect(res.status).toBe(200);
    let text = '';
    let ended = false;
    const reading = (async () => {
      for await (const chunk of res.body) text += chunk.toString();
      ended = true;
    })();
    const until = async (cond: () => boolean): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(cond()).toBe(true);
    };
    await until(() => text === 'first\n');
    await appendFile(path, cri(T1, 'stdout', 'F', 'second'));
    await until(() => text === 'first\nsecond\n');
    expect(ended).toBe(false);
    await appendFile(path, cri(T2, 'stdout', 'F', 'last words'));
    inst.exit();
    await reading;
    expect(text).toBe('first\nsecond\nlast words\n');
    expect(inst.waiters.every((s) => s.aborted)).toBe(true);
  });

  it('streams a large log completely, paced by the reader', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) =>
      cri(T0, 'stdout', 'F', `line ${i} ${'x'.repeat(80)}`),
    );
    await createPod('big', { nodeName: NODE, containers: [{ name: 'main', image: 'busybox' }] });
    logs.set('big', 'main', {
      current: instance(await logFile('big.log', lines.join('')), 'b1', false),
    });
    const res = await request('GET', logPath('big'));
    expect(res.status).toBe(200);
    const got = res.text.split('\n');
    expect(got).toHaveLength(40_001);
    expect(got[39_999]).toBe(`line 39999 ${'x'.repeat(80)}`);
  });
});

describe('errors', () => {
  const status = (
    code: number,
    reason: string | undefined,
    message: string,
  ): Record<string, unknown> => ({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason === undefined ? {} : { reason }),
    code,
  });

  it.each([
    [
      'a pod with several containers needs one named (init, regular and ephemeral listed)',
      logPath('web'),
      400,
      'BadRequest',
      'a container name must be specified for pod web, choose one of: [setup app sidecar]',
    ],
    [
      'a container that is not in the pod',
      logPath('web', 'container=nope'),
      400,
      'BadRequest',
      'container nope is not valid for pod web',
    ],
    [
      'a container still being created (the kubelet text, as kubectl shows it)',
      logPath('web', 'container=sidecar'),
      400,
      'BadRequest',
      'container "sidecar" in pod "web" is waiting to start: ContainerCreating',
    ],
    [
      'previous without a previous run',
      logPath('single', 'previous=true'),
      400,
      'BadRequest',
      'previous terminated container "main" in pod "single" not found',
    ],
    ['a missing pod', logPath('nothere'), 404, 'NotFound', 'pods "nothere" not found'],
    ['a node that does not exist', logPath('lost'), 404, 'NotFound', 'nodes "node-gone" not found'],
    [
      'a pod the kubelet does not know',
      logPath('ghost'),
      404,
      'NotFound',
      'the server could not find the requested resource ( pods/log ghost)',
    ],
    [
      'negative tailLines',
      logPath('single', 'tailLines=-1'),
      422,
      'Invalid',
      'PodLogOptions "single" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'limitBytes 0',
      logPath('single', 'limitBytes=0'),
      422,
      'Invalid',
      'PodLogOptions "single" is invalid: limitBytes: Invalid value: 0: must be greater than 0',
    ],
    [
      'both since options',
      logPath('single', 'sinceSeconds=10&sinceTime=2024-01-01T00:00:00Z'),
      422,
      'Invalid',
      'PodLogOptions "single" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    ],
    [
      'sinceSeconds 0',
      logPath('single', 'sinceSeconds=0'),
      422,
      'Invalid',
      'PodLogOptions "single" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0',
    ],
    [
      'stream without the alpha feature',
      logPath('single', 'stream=Stdout'),
      422,
      'Invalid',
      'PodLogOptions "single" is invalid: stream: Forbidden: may not be specified',
    ],
    [
      'tailLines that is not a number',
      logPath('single', 'tailLines=ten'),
      400,
      'BadRequest',
      'strconv.ParseInt: parsing "ten": invalid syntax',
    ],
    [
      'sinceTime that is not RFC 3339',
      logPath('single', 'sinceTime=2024-01-01'),
      400,
      'BadRequest',
      'parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"',
    ],
  ])('%s', async (_name, path, code, reason, message) => {
    const res = await request('GET', path);
    expect(res.status).toBe(code);
    expect(res.body).toMatchObject(status(code, reason, message));
  });

  it('answers 204 with no body for a pod not bound to a node yet', async () => {
    const res = await request('GET', logPath('pending'));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('refuses methods other than GET', async () => {
    const res = await request('POST', logPath('single'), {});
    expect(res.status).toBe(405);
  });

  it('answers exec without an upgrade as upstream does', async () => {
    const res = await request('POST', '/api/v1/namespaces/default/pods/single/exec?command=ls');
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toBe('Upgrade request required');
  });

  it('reports a node without usable addresses', async () => {
    await createNode('bare', { addresses: [{ type: 'ExternalDNS', address: 'x.invalid' }] });
    await createPod('on-bare', {
      nodeName: 'bare',
      containers: [{ name: 'main', image: 'busybox' }],
    });
    const nodeless = createNodeConnector({
      caPem: pki.caPem,
      certPem: certs.client.certPem,
      keyPem: certs.client.keyPem,
      preferredAddressTypes: ['InternalIP', 'Hostname'],
    });
    try {
      // The default order includes ExternalDNS; this one does not.
      const direct = createApiServer({
        store,
        clock: realClock,
        logger: silentLogger,
        serverAddress: () => '127.0.0.1:0',
        nodeConnector: nodeless.connect,
      });
      await direct.start();
      const t = createInProcessTransport(direct, { name: 'admin', groups: ['system:masters'] });
      const res = await t.request({
        method: 'GET',
        path: logPath('on-bare'),
        headers: {},
        signal: new AbortController().signal,
      });
      direct.stop();
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body.toString())).toEqual(
        status(
          500,
          undefined,
          'no preferred addresses found; known addresses: [{ExternalDNS x.invalid}]',
        ),
      );
    } finally {
      nodeless.close();
    }
  });

  it('reports a kubelet that does not answer as Go would word it', async () => {
    // A port nothing listens on: bind one, then close it.
    const closed = await startKubeletServer({
      tls: { certPem: certs.serving.certPem, keyPem: certs.serving.keyPem, caPem: pki.caPem },
      logs,
      host: '127.0.0.1',
      port: 0,
    });
    const port = closed.port;
    await closed.close();
    await createNode('down', {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    });
    await createPod('on-down', {
      nodeName: 'down',
      containers: [{ name: 'main', image: 'busybox' }],
    });
    const res = await request('GET', logPath('on-down', 'follow=true&tailLines=5'));
    expect(res.status).toBe(500);
    expect(res.body).toEqual(
      status(
        500,
        undefined,
        `Get "https://127.0.0.1:${port}/containerLogs/default/on-down/main?follow=true&tailLines=5": dial tcp 127.0.0.1:${port}: connect: connection refused`,
      ),
    );
  });

  it('verifies the kubelet certificate, unless insecureSkipTLSVerifyBackend', async () => {
    const other = await ensurePki({ dataDir: join(dir, 'other') });
    const foreign = await ensureKubeletCerts({
      files: other.files,
      caPem: other.caPem,
      caKeyPem: other.caKeyPem,
      nodeName: 'impostor',
      hosts: ['127.0.0.1'],
    });
    const impostor = await startKubeletServer({
      // Serves a certificate from another CA, but trusts our API server's client certificate.
      tls: { certPem: foreign.serving.certPem, keyPem: foreign.serving.keyPem, caPem: pki.caPem },
      logs,
      host: '127.0.0.1',
      port: 0,
    });
    try {
      await createNode('impostor', {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: impostor.port } },
      });
      await createPod('on-impostor', {
        nodeName: 'impostor',
        containers: [{ name: 'main', image: 'busybox' }],
      });
      logs.set('on-impostor', 'main', logs.pods.get('default/single')?.get('main') ?? {});
      const res = await request('GET', logPath('on-impostor'));
      expect(res.status).toBe(500);
      expect((res.body as { message: string }).message).toBe(
        `Get "https://127.0.0.1:${impostor.port}/containerLogs/default/on-impostor/main": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
      );
      const skip = await request(
        'GET',
        logPath('on-impostor', 'insecureSkipTLSVerifyBackend=true'),
      );
      expect(skip.status).toBe(200);
      expect(skip.text).toBe('hello from single\n');
    } finally {
      await impostor.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the kubelet API', () => {
  function get(
    path: string,
    creds: { cert?: string; key?: string } = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: kubelet.port,
          path,
          ca: pki.caPem,
          agent: new Agent({ keepAlive: false }),
          ...(creds.cert ? { cert: creds.cert, key: creds.key } : {}),
        },
        (res: IncomingMessage) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
  const apiserver = (): { cert: string; key: string } => ({
    cert: certs.client.certPem,
    key: certs.client.keyPem,
  });

  it('answers 401 without a client certificate, even for /healthz', async () => {
    expect(await get('/containerLogs/default/single/main')).toEqual({
      status: 401,
      body: 'Unauthorized',
    });
    expect((await get('/healthz')).status).toBe(401);
  });

  it('answers 401 to a certificate from another CA', async () => {
    const other = await ensurePki({ dataDir: join(dir, 'other2') });
    const res = await get('/healthz', { cert: other.adminCertPem, key: other.adminKeyPem });
    expect(res.status).toBe(401);
  });

  it('answers 403 to a user that may not use the kubelet API', async () => {
    const someone = issueCertificate({
      ca: { certPem: pki.caPem, keyPem: pki.caKeyPem },
      subject: { commonName: 'someone', organizations: ['developers'] },
      usage: 'client',
      now: Date.now(),
      validityDays: 1,
    });
    const res = await get('/containerLogs/default/single/main', {
      cert: someone.certPem,
      key: someone.keyPem,
    });
    expect(res).toEqual({
      status: 403,
      body: 'Forbidden (user=someone, verb=get, resource=nodes, subresource=proxy)',
    });
  });

  it('serves the API server and admins', async () => {
    expect(await get('/healthz', apiserver())).toEqual({ status: 200, body: 'ok' });
    expect(await get('/healthz', { cert: pki.adminCertPem, key: pki.adminKeyPem })).toEqual({
      status: 200,
      body: 'ok',
    });
  });

  it.each([
    ['/containerLogs/default/single/main', 200, 'hello from single\n'],
    ['/containerLogs/default/single/main?tail=all', 200, 'hello from single\n'],
    ['/containerLogs/default/single/other', 404, 'container "other" not found in pod "single"'],
    ['/containerLogs/default/nobody/main', 404, 'pod "nobody" does not exist'],
    [
      '/containerLogs/default/single/main?tailLines=x',
      400,
      '{"message": "Unable to decode query."}',
    ],
    ['/containerLogs/default/single/main?tailLines=-2', 422, '{"message": "Invalid request."}'],
    ['/containerLogs/default/single/', 400, '{"message": "Missing container name."}'],
    ['/exec/default/single/main?command=ls', 501, 'exec is not served by this kubelet server'],
    ['/portForward/default/single', 501, 'portForward is not served by this kubelet server'],
    ['/pods', 404, '404 page not found\n'],
  ])('%s → %i', async (path, status, body) => {
    expect(await get(path, apiserver())).toEqual({ status, body });
  });

  it('ends an open follow when the client goes away', async () => {
    const path = await logFile('abandoned.log', cri(T0, 'stdout', 'F', 'still here'));
    const inst = instance(path, 'ab1', true);
    await createPod('abandoned', {
      nodeName: NODE,
      containers: [{ name: 'main', image: 'busybox' }],
    });
    logs.set('abandoned', 'main', { current: inst });
    // Through the HTTPS API server, as kubectl would.
    const ac = new AbortController();
    const got = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: https.address.port,
          path: logPath('abandoned', 'follow=true'),
          ca: pki.caPem,
          cert: pki.adminCertPem,
          key: pki.adminKeyPem,
          agent: new Agent({ keepAlive: false }),
          signal: ac.signal,
        },
        (res) => {
          res.once('data', (c: Buffer) => {
            resolve(c.toString());
          });
          res.on('error', () => undefined);
        },
      );
      req.on('error', () => undefined);
      req.on('error', reject);
      req.end();
    });
    expect(got).toBe('still here\n');
    expect(inst.waiters).toHaveLength(1);
    ac.abort();
    const deadline = Date.now() + 5000;
    while (!inst.waiters.every((s) => s.aborted) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(inst.waiters[0]?.aborted).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe.skipIf(missing({ [KUBECTL]: existsSync(KUBECTL) }))('kubectl logs', () => {
  function kubectl(
    args: string[],
    timeoutMs = 30_000,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        KUBECTL,
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kubectl-cache'), ...args],
        { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir }, timeout: timeoutMs },
        (err, stdout, stderr) => {
          resolve({
            code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
            stdout,
            stderr,
          });
        },
      );
    });
  }

  it('shows a log, with the options users pass', async () => {
    expect(await kubectl(['logs', 'single'])).toMatchObject({
      code: 0,
      stdout: 'hello from single\n',
    });
    expect((await kubectl(['logs', 'web', '-c', 'app'])).stdout).toBe('one\ntwo\nthree\n');
    expect((await kubectl(['logs', 'web', '-c', 'app', '--tail=1'])).stdout).toBe('three\n');
    expect((await kubectl(['logs', 'web', '-c', 'app', '--limit-bytes=6'])).stdout).toBe('one\ntw');
    expect((await kubectl(['logs', 'web', '-c', 'app', '--previous'])).stdout).toBe(
      'crashed run\n',
    );
    expect((await kubectl(['logs', 'web', '-c', 'app', '--timestamps', '--tail=1'])).stdout).toBe(
      '2024-05-01T10:00:02.500000000Z three\n',
    );
    expect((await kubectl(['logs', 'web', '-c', 'app', '--since=1h'])).stdout).toBe('');
    expect(
      (await kubectl(['logs', 'web', '-c', 'app', '--since-time=2024-05-01T10:00:01Z'])).stdout,
    ).toBe('two\nthree\n');
  });

  it('picks the first container of a pod with several, as kubectl does', async () => {
    const res = await kubectl(['logs', 'web']);
    expect(res.stdout).toBe('one\ntwo\nthree\n');
    expect(res.stderr).toContain('Defaulted container "app" out of: app, sidecar, setup (init)');
  });

  it('shows the kubelet errors in upstream words', async () => {
    expect(await kubectl(['logs', 'web', '-c', 'sidecar'])).toMatchObject({
      code: 1,
      stderr:
        'Error from server (BadRequest): container "sidecar" in pod "web" is waiting to start: ContainerCreating\n',
    });
    expect(await kubectl(['logs', 'single', '--previous'])).toMatchObject({
      code: 1,
      stderr:
        'Error from server (BadRequest): previous terminated container "main" in pod "single" not found\n',
    });
    expect(await kubectl(['logs', 'web', '-c', 'nope'])).toMatchObject({
      code: 1,
      stderr: 'error: container nope is not valid for pod web\n',
    });
  });

  it('follows until the container exits', async () => {
    const path = await logFile('kubectl-follow.log', cri(T0, 'stdout', 'F', 'a'));
    const inst = instance(path, 'kf', true);
    await createPod('kfollow', {
      nodeName: NODE,
      containers: [{ name: 'main', image: 'busybox' }],
    });
    logs.set('kfollow', 'main', { current: inst });
    const running = kubectl(['logs', '-f', 'kfollow']);
    await new Promise((r) => setTimeout(r, 1000));
    await appendFile(path, cri(T1, 'stdout', 'F', 'b'));
    await new Promise((r) => setTimeout(r, 300));
    inst.exit();
    expect(await running).toMatchObject({ code: 0, stdout: 'a\nb\n' });
  });
});
