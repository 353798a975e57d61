/**
 * Interop with a real Go client: kubectl 1.32's `create` commands send protobuf bodies
 * (client-go's typed clients prefer it). A stand-in server answers discovery, records each POST
 * and answers 201; the recorded body must decode to exactly the object a JSON client sends for
 * the same command, written out here by hand, and to what kubectl itself renders as JSON for it
 * (`--dry-run=client -o json`, its `null`s dropped as JSON decoding drops them).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../index.ts';
import { decodeAgainstSchema } from './decode.ts';
import { parseJsonBody } from './json-body.ts';
import { parseProtobufBody, protobufContentType } from './protobuf.ts';
import type { ObjectSchema } from './schema.ts';

const kubectlBin = '/usr/bin/kubectl';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

const resources = (
  groupVersion: string,
  list: [name: string, kind: string, namespaced: boolean][],
): unknown => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion,
  resources: list.map(([name, kind, namespaced]) => ({
    name,
    singularName: kind.toLowerCase(),
    namespaced,
    kind,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  })),
});

const discovery: Record<string, unknown> = {
  '/version': {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  },
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/api/v1': resources('v1', [
    ['configmaps', 'ConfigMap', true],
    ['namespaces', 'Namespace', false],
    ['secrets', 'Secret', true],
    ['services', 'Service', true],
    ['serviceaccounts', 'ServiceAccount', true],
  ]),
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: ['apps', 'batch'].map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
    })),
  },
  '/apis/apps/v1': resources('apps/v1', [['deployments', 'Deployment', true]]),
  '/apis/batch/v1': resources('batch/v1', [
    ['jobs', 'Job', true],
    ['cronjobs', 'CronJob', true],
  ]),
};

/** The stand-in API server: discovery, 404 for the rest, and 201 with `reply` for POSTs. */
class StandIn {
  readonly recorded: Recorded[] = [];
  reply: unknown = {};
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res);
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      this.recorded.push({
        method: req.method ?? '',
        url,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks),
      });
      const send = (code: number, value: unknown): void => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'POST') {
        send(201, this.reply);
        return;
      }
      const path = url.split('?')[0] ?? url;
      const doc = Object.hasOwn(discovery, path) ? discovery[path] : undefined;
      if (doc !== undefined) {
        send(200, doc);
        return;
      }
      send(404, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => {
        resolve();
      });
    });
  }
}

/** Runs kubectl against `server` with a fresh home, kubeconfig and cache directory. */
async function kubectl(
  server: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'podbay-protobuf-kubectl-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    return await new Promise((resolve) => {
      execFile(
        kubectlBin,
        [
          '--server',
          server,
          '--insecure-skip-tls-verify',
          '--cache-dir',
          join(dir, 'cache'),
          ...args,
        ],
        {
          env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig },
          timeout: 60_000,
        },
        (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Case {
  readonly args: readonly string[];
  readonly path: string;
  readonly schema: ObjectSchema;
  /** The JSON body a client sends for the same object. */
  readonly expected: Record<string, unknown>;
}

const podTemplate = (
  restartPolicy: string,
  container: Record<string, unknown>,
): Record<string, unknown> => ({
  metadata: {},
  spec: { containers: [{ ...container, resources: {} }], restartPolicy },
});

const cases: Case[] = [
  {
    args: ['create', 'configmap', 'c1', '--from-literal=a=b', '--from-literal=n=1'],
    path: '/api/v1/namespaces/default/configmaps',
    schema: api.configMapSchema,
    expected: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1' },
      data: { a: 'b', n: '1' },
    },
  },
  {
    args: ['create', 'namespace', 'x'],
    path: '/api/v1/namespaces',
    schema: api.namespaceSchema,
    expected: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'x' },
      spec: {},
      status: {},
    },
  },
  {
    args: ['create', 'secret', 'generic', 's', '--from-literal=k=v'],
    path: '/api/v1/namespaces/default/secrets',
    schema: api.secretSchema,
    expected: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'dg==' } },
  },
  {
    args: ['create', 'deployment', 'd', '--image=nginx', '--replicas=3', '--port=80'],
    path: '/apis/apps/v1/namespaces/default/deployments',
    schema: api.deploymentSchema,
    expected: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { app: 'd' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            containers: [
              { name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} },
            ],
          },
        },
        strategy: {},
      },
      status: {},
    },
  },
  {
    args: ['create', 'service', 'clusterip', 's', '--tcp=80:8080'],
    path: '/api/v1/namespaces/default/services',
    schema: api.serviceSchema,
    expected: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', labels: { app: 's' } },
      spec: {
        ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
        selector: { app: 's' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    args: ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'],
    path: '/apis/batch/v1/namespaces/default/jobs',
    schema: api.jobSchema,
    expected: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: {
        template: podTemplate('Never', { name: 'j', image: 'busybox', command: ['echo', 'hi'] }),
      },
      status: {},
    },
  },
  {
    args: ['create', 'cronjob', 'c', '--image=busybox', '--schedule=*/1 * * * *', '--', 'date'],
    path: '/apis/batch/v1/namespaces/default/cronjobs',
    schema: api.cronJobSchema,
    expected: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: {
        schedule: '*/1 * * * *',
        jobTemplate: {
          metadata: { name: 'c' },
          spec: {
            template: podTemplate('OnFailure', { name: 'c', image: 'busybox', command: ['date'] }),
          },
        },
      },
      status: {},
    },
  },
  {
    args: ['create', 'serviceaccount', 'sa'],
    path: '/api/v1/namespaces/default/serviceaccounts',
    schema: api.serviceAccountSchema,
    expected: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } },
  },
];

describe('protobuf bodies of kubectl 1.32', () => {
  const standIn = new StandIn();
  let server = '';

  beforeAll(async () => {
    expect(existsSync(kubectlBin), `${kubectlBin} is needed`).toBe(true);
    server = await standIn.listen();
  });
  afterAll(() => standIn.close());

  it.each(cases.map((c) => [c.args.slice(0, 3).join(' '), c] as const))(
    'kubectl %s',
    async (_name, c) => {
      standIn.reply = c.expected;
      const before = standIn.recorded.length;
      const run = await kubectl(server, c.args);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const posts = standIn.recorded.slice(before).filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(1);
      const post = posts[0];
      if (post === undefined) return;
      expect(post.url.split('?')[0]).toBe(c.path);
      expect(post.contentType).toBe(protobufContentType);

      // The decoded body is the JSON body, and JSON decoding accepts it unchanged.
      const body = parseProtobufBody(post.body, c.schema);
      expect(body.value).toEqual(c.expected);
      const decoded = decodeAgainstSchema(structuredClone(body.value), c.schema, {
        mode: 'Strict',
        kindForMessages: { kind: String(c.expected.kind), version: 'v1' },
        source: body,
      });
      expect(decoded.errors).toEqual([]);
      expect(decoded.value).toEqual(c.expected);

      // kubectl's own JSON rendering of the object it sent says the same.
      const flags = ['--dry-run=client', '-o', 'json'];
      const dashes = c.args.indexOf('--');
      const dryArgs =
        dashes < 0
          ? [...c.args, ...flags]
          : [...c.args.slice(0, dashes), ...flags, ...c.args.slice(dashes)];
      const dry = await kubectl(server, dryArgs);
      expect(dry.code).toBe(0);
      const rendered = decodeAgainstSchema(parseJsonBody(dry.stdout).value, c.schema, {
        mode: 'Strict',
        kindForMessages: { kind: String(c.expected.kind), version: 'v1' },
      });
      expect(rendered.errors).toEqual([]);
      expect(rendered.value).toEqual(body.value);
    },
  );
});
