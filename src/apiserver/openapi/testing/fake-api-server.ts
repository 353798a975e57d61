/**
 * A stand-in API server for running the real kubectl against our OpenAPI documents without the
 * real server: plain HTTP on loopback, serving /version, legacy discovery built from the given
 * definitions, /openapi/v3 and /openapi/v2 through the handlers under test (404 for a version
 * without one), objects seeded by the test for GETs,
 * and recording every write (POST, PUT, PATCH, DELETE), which it answers by echoing an object.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { groupVersion, type ResourceDef } from '../../../api/index.ts';
import type { OpenApiV2Handler } from '../openapi-v2.ts';
import type { OpenApiHandler } from '../openapi.ts';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType: string;
  readonly body: string;
  /** The request's If-None-Match header, if any. */
  readonly ifNoneMatch?: string;
}

export interface FakeApiServer {
  readonly url: string;
  /** Every request kubectl made, in order. */
  readonly requests: RecordedRequest[];
  /** Writes only (POST, PUT, PATCH, DELETE). */
  writes(): RecordedRequest[];
  /** Serves `object` for GET `path` (e.g. /api/v1/namespaces/default/pods/web). */
  seed(path: string, object: unknown): void;
  close(): Promise<void>;
}

function discoveryDocuments(defs: readonly ResourceDef[]): Map<string, unknown> {
  const docs = new Map<string, unknown>();
  const byGv = new Map<string, ResourceDef[]>();
  for (const def of defs) {
    const gv = groupVersion(def);
    byGv.set(gv, [...(byGv.get(gv) ?? []), def]);
  }
  docs.set('/api', {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  });
  const groups = new Map<string, string[]>();
  for (const def of defs) {
    if (def.group === '') continue;
    const versions = groups.get(def.group) ?? [];
    if (!versions.includes(def.version)) versions.push(def.version);
    groups.set(def.group, versions);
  }
  docs.set('/apis', {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
      return { name, versions: list, preferredVersion: list[0] };
    }),
  });
  for (const [gv, list] of byGv) {
    const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
    docs.set(path, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: gv,
      resources: list.flatMap((def) => [
        {
          name: def.resource,
          singularName: def.singular,
          namespaced: def.namespaced,
          kind: def.kind,
          verbs: def.verbs,
          ...(def.shortNames.length > 0 ? { shortNames: def.shortNames } : {}),
        },
        ...def.subresources.map((s) => ({
          name: `${def.resource}/${s.name}`,
          singularName: '',
          namespaced: def.namespaced,
          kind: s.kind,
          verbs: s.verbs,
          ...(s.group !== undefined ? { group: s.group } : {}),
          ...(s.version !== undefined ? { version: s.version } : {}),
        })),
      ]),
    });
  }
  return docs;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function notFound(res: ServerResponse): void {
  sendJson(res, 404, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    code: 404,
  });
}

export async function startFakeApiServer(opts: {
  defs: readonly ResourceDef[];
  openapi?: OpenApiHandler;
  openapiV2?: OpenApiV2Handler;
}): Promise<FakeApiServer> {
  const discovery = discoveryDocuments(opts.defs);
  const objects = new Map<string, unknown>();
  const requests: RecordedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    requests.push({
      method,
      path,
      query: url.searchParams,
      contentType: req.headers['content-type'] ?? '',
      body,
      ...(req.headers['if-none-match'] === undefined
        ? {}
        : { ifNoneMatch: req.headers['if-none-match'] }),
    });
    if (method === 'GET') {
      if (path === '/version') {
        sendJson(res, 200, {
          major: '1',
          minor: '32',
          gitVersion: 'v1.32.0',
          gitCommit: '',
          gitTreeState: 'clean',
          buildDate: '2025-01-01T00:00:00Z',
          goVersion: 'go1.23',
          compiler: 'gc',
          platform: 'linux/amd64',
        });
        return;
      }
      const disc = discovery.get(path);
      if (disc !== undefined) {
        sendJson(res, 200, disc);
        return;
      }
      if (path === '/openapi/v2' && opts.openapiV2) {
        const answer = opts.openapiV2((name) => {
          const v = req.headers[name];
          return Array.isArray(v) ? v.join(', ') : v;
        });
        res.writeHead(answer.status, {
          ...answer.headers,
          ...(answer.status === 304 ? {} : { 'Content-Length': answer.body.length }),
        });
        res.end(answer.body);
        return;
      }
      if (path.startsWith('/openapi/')) {
        const doc = path.startsWith('/openapi/v3')
          ? opts.openapi?.(path, url.searchParams)
          : undefined;
        if (!doc) {
          notFound(res);
          return;
        }
        res.writeHead(200, {
          ...doc.headers,
          'Content-Type': doc.contentType,
          'Content-Length': Buffer.byteLength(doc.body),
        });
        res.end(doc.body);
        return;
      }
      const obj = objects.get(path);
      if (obj !== undefined) {
        sendJson(res, 200, obj);
        return;
      }
      notFound(res);
      return;
    }
    // A write: echo an object back, as a server would answer.
    let answer: unknown = objects.get(path);
    if (method === 'POST' || method === 'PUT') {
      try {
        answer = JSON.parse(body);
      } catch {
        answer = {};
      }
    }
    sendJson(res, method === 'POST' ? 201 : 200, answer ?? {});
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    seed: (path, object) => objects.set(path, object),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      }),
  };
}
