import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createOpenApi, type OpenApiHandler } from './openapi.ts';
import { allTestDefs, deploymentDef, namespaceDef, podDef } from './testing/test-defs.ts';
import type {
  HttpMethod,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiPathItem,
  OpenApiSchema,
} from './types.ts';

const noQuery = new URLSearchParams();

function serve(
  h: OpenApiHandler,
  path: string,
  query = noQuery,
): { body: string; headers: Readonly<Record<string, string>> } {
  const res = h(path, query);
  if (!res) throw new Error(`${path} was not served`);
  expect(res.contentType).toBe('application/json');
  return res;
}

function rootPaths(h: OpenApiHandler): Record<string, { serverRelativeURL: string }> {
  return (
    JSON.parse(serve(h, '/openapi/v3').body) as {
      paths: Record<string, { serverRelativeURL: string }>;
    }
  ).paths;
}

function doc(h: OpenApiHandler, key: string): OpenApiDocument {
  return JSON.parse(serve(h, `/openapi/v3/${key}`).body) as OpenApiDocument;
}

const handler = createOpenApi({ defs: allTestDefs, version: 'v1.32.0' });
const core = doc(handler, 'api/v1');
const apps = doc(handler, 'apis/apps/v1');

const methods: HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function operations(
  d: OpenApiDocument,
): { path: string; method: HttpMethod; op: OpenApiOperation }[] {
  const out: { path: string; method: HttpMethod; op: OpenApiOperation }[] = [];
  for (const [path, item] of Object.entries(d.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (op) out.push({ path, method, op });
    }
  }
  return out;
}

function item(d: OpenApiDocument, path: string): OpenApiPathItem {
  const p = d.paths[path];
  if (!p) throw new Error(`no path ${path}`);
  return p;
}

function op(d: OpenApiDocument, path: string, method: HttpMethod): OpenApiOperation {
  const o = item(d, path)[method];
  if (!o) throw new Error(`no ${method} on ${path}`);
  return o;
}

/**
 * kubectl's `--validate` check (cli-runtime supportsQueryParamV3): the first PATCH operation with
 * the GVK decides, and it must list fieldValidation as an inline query parameter. Paths come in
 * random order there, so here every matching operation must pass.
 */
function patchOpsSupportingFieldValidation(
  d: OpenApiDocument,
  gvk: { group: string; version: string; kind: string },
): { matching: number; supporting: number } {
  let matching = 0;
  let supporting = 0;
  for (const item of Object.values(d.paths)) {
    const patch = item.patch;
    const g = patch?.['x-kubernetes-group-version-kind'];
    if (!patch || !g || g.group !== gvk.group || g.version !== gvk.version || g.kind !== gvk.kind)
      continue;
    matching++;
    if ((patch.parameters ?? []).some((p) => p.name === 'fieldValidation' && p.in === 'query'))
      supporting++;
  }
  return { matching, supporting };
}

function resolve(d: OpenApiDocument, s: OpenApiSchema): OpenApiSchema {
  let cur = s;
  if (cur.allOf?.[0]) cur = cur.allOf[0];
  if (cur.$ref !== undefined) {
    const target = d.components.schemas[cur.$ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`unresolved ${cur.$ref}`);
    return target;
  }
  return cur;
}

/** Walks a field path the way kubectl's PatchMetaFromOpenAPIV3 does and returns the last field's schema. */
function fieldAt(d: OpenApiDocument, kindComponent: string, path: string[]): OpenApiSchema {
  let cur = d.components.schemas[kindComponent];
  let last: OpenApiSchema | undefined;
  for (const name of path) {
    if (!cur) throw new Error(`cannot descend into ${name}`);
    last = cur.properties?.[name];
    if (!last) throw new Error(`no field ${name}`);
    cur = resolve(d, last.items ?? last);
  }
  if (!last) throw new Error('empty path');
  return last;
}

describe('/openapi/v3', () => {
  it('lists the discovery roots and every group version with the hash of the document served there', () => {
    const paths = rootPaths(handler);
    expect(Object.keys(paths)).toEqual([
      'api',
      'api/v1',
      'apis',
      'apis/apps',
      'apis/apps/v1',
      'apis/batch',
      'apis/batch/v1',
      'apis/coordination.k8s.io',
      'apis/coordination.k8s.io/v1',
      'apis/discovery.k8s.io',
      'apis/discovery.k8s.io/v1',
    ]);
    for (const [key, { serverRelativeURL }] of Object.entries(paths)) {
      const url = new URL(serverRelativeURL, 'http://x');
      expect(url.pathname).toBe(`/openapi/v3/${key}`);
      const body = serve(handler, url.pathname).body;
      const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
      expect(url.searchParams.get('hash')).toBe(hash);
      expect(hash).toMatch(/^[0-9A-F]{128}$/);
    }
  });

  it('gives the same hashes from a fresh handler (content hashes, stable across restarts)', () => {
    const again = createOpenApi({ defs: allTestDefs, version: 'v1.32.0' });
    expect(rootPaths(again)).toEqual(rootPaths(handler));
    const other = createOpenApi({ defs: allTestDefs, version: 'v1.32.1' });
    expect(rootPaths(other)['api/v1']).not.toEqual(rootPaths(handler)['api/v1']);
  });

  it('marks a document immutable only when asked for its current hash', () => {
    const url = new URL(rootPaths(handler)['apis/apps/v1']?.serverRelativeURL ?? '', 'http://x');
    const fixed = new Date('2025-03-01T12:00:00Z');
    const h = createOpenApi({ defs: allTestDefs, version: 'v1.32.0', now: () => fixed });
    const current = serve(h, url.pathname, url.searchParams);
    expect(current.headers['Cache-Control']).toBe('public, immutable');
    expect(current.headers['Expires']).toBe('Sun, 01 Mar 2026 12:00:00 GMT');
    expect(current.headers['ETag']).toBe(`"${url.searchParams.get('hash') ?? ''}"`);
    const stale = serve(h, url.pathname, new URLSearchParams({ hash: 'ABC' }));
    expect(stale.body).toBe(current.body);
    expect(stale.headers['Cache-Control']).toBe('no-cache, private');
    expect(serve(h, url.pathname).headers['Cache-Control']).toBe('no-cache, private');
  });

  it('answers undefined for paths it does not serve', () => {
    for (const path of [
      '/openapi/v2',
      '/openapi/v3x',
      '/openapi/v3/api/v2',
      '/openapi/v3/apis/nope/v1',
      '/openapi/v3/apis/nope',
      '/openapi/v3/apis/apps/v1/extra',
      '/version',
    ]) {
      expect(handler(path, noQuery), path).toBeUndefined();
    }
    expect(handler('/openapi/v3/', noQuery)?.body).toBe(handler('/openapi/v3', noQuery)?.body);
    expect(handler('/openapi/v3/apis/apps/v1/', noQuery)?.body).toBe(
      handler('/openapi/v3/apis/apps/v1', noQuery)?.body,
    );
  });

  it('builds nothing until asked, then each document once', () => {
    let reads = 0;
    const counted = allTestDefs.map((def) => {
      const copy = { ...def };
      Object.defineProperty(copy, 'schema', {
        get: () => {
          reads++;
          return def.schema;
        },
      });
      return copy;
    });
    const h = createOpenApi({ defs: counted, version: 'v1.32.0' });
    expect(reads).toBe(0);
    const first = h('/openapi/v3/apis/apps/v1', noQuery);
    expect(reads).toBeGreaterThan(0);
    const afterFirst = reads;
    expect(h('/openapi/v3/apis/apps/v1', noQuery)?.body).toBe(first?.body);
    expect(reads).toBe(afterFirst);
  });

  it('serves the small discovery-root documents', () => {
    expect(Object.keys(doc(handler, 'api').paths)).toEqual(['/api/']);
    expect(Object.keys(doc(handler, 'apis').paths)).toEqual(['/apis/']);
    const group = doc(handler, 'apis/apps');
    expect(op(group, '/apis/apps/', 'get').operationId).toBe('getAppsAPIGroup');
    expect(Object.keys(group.components.schemas)).toContain(
      'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup',
    );
  });
});

describe('group version documents', () => {
  it('are OpenAPI 3.0 documents whose every reference resolves within the document', () => {
    for (const key of Object.keys(rootPaths(handler))) {
      const d = doc(handler, key);
      expect(d.openapi).toBe('3.0.0');
      expect(d.info).toEqual({ title: 'Kubernetes', version: 'v1.32.0' });
      const text = JSON.stringify(d);
      for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
        expect(d.components.schemas, `${key}: ${m[1] ?? ''}`).toHaveProperty([m[1] ?? '']);
      }
    }
  });

  it('generate every real schema without two different schemas sharing a component name', async () => {
    const { OpenApiDocuments } = await import('./openapi-documents.ts');
    const docs = new OpenApiDocuments({ defs: allTestDefs, version: 'v1.32.0' });
    for (const key of docs.keys()) docs.build(key);
    expect(docs.components.conflicts).toEqual([]);
  });

  it('give each kind exactly one component carrying its GVK', () => {
    for (const [d, defs] of [
      [core, allTestDefs.filter((x) => x.group === '')],
      [apps, allTestDefs.filter((x) => x.group === 'apps')],
    ] as const) {
      for (const def of defs) {
        for (const kind of [def.kind, `${def.kind}List`]) {
          const owners = Object.entries(d.components.schemas).filter(([, s]) =>
            (s['x-kubernetes-group-version-kind'] ?? []).some(
              (g) => g.group === def.group && g.version === def.version && g.kind === kind,
            ),
          );
          expect(
            owners.map(([n]) => n),
            kind,
          ).toHaveLength(1);
        }
      }
    }
  });

  it('lay out namespaced resources like upstream: collection, item, subresources, all-namespaces list, watch', () => {
    const pods = Object.keys(core.paths).filter((p) => /\/pods\b/.test(p));
    expect(pods.sort()).toEqual(
      [
        '/api/v1/namespaces/{namespace}/pods',
        '/api/v1/namespaces/{namespace}/pods/{name}',
        '/api/v1/namespaces/{namespace}/pods/{name}/attach',
        '/api/v1/namespaces/{namespace}/pods/{name}/binding',
        '/api/v1/namespaces/{namespace}/pods/{name}/ephemeralcontainers',
        '/api/v1/namespaces/{namespace}/pods/{name}/eviction',
        '/api/v1/namespaces/{namespace}/pods/{name}/exec',
        '/api/v1/namespaces/{namespace}/pods/{name}/log',
        '/api/v1/namespaces/{namespace}/pods/{name}/portforward',
        '/api/v1/namespaces/{namespace}/pods/{name}/proxy',
        '/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}',
        '/api/v1/namespaces/{namespace}/pods/{name}/status',
        '/api/v1/pods',
        '/api/v1/watch/namespaces/{namespace}/pods',
        '/api/v1/watch/namespaces/{namespace}/pods/{name}',
        '/api/v1/watch/pods',
      ].sort(),
    );
    const actions = (path: string): Record<string, string | undefined> =>
      Object.fromEntries(
        methods
          .filter((m) => item(core, path)[m])
          .map((m) => [m, item(core, path)[m]?.['x-kubernetes-action']]),
      );
    expect(actions('/api/v1/namespaces/{namespace}/pods')).toEqual({
      get: 'list',
      post: 'post',
      delete: 'deletecollection',
    });
    expect(actions('/api/v1/namespaces/{namespace}/pods/{name}')).toEqual({
      get: 'get',
      put: 'put',
      patch: 'patch',
      delete: 'delete',
    });
    expect(actions('/api/v1/pods')).toEqual({ get: 'list' });
    expect(actions('/api/v1/watch/pods')).toEqual({ get: 'watchlist' });
    expect(actions('/api/v1/watch/namespaces/{namespace}/pods/{name}')).toEqual({ get: 'watch' });
    expect(actions('/api/v1/namespaces/{namespace}/pods/{name}/exec')).toEqual({
      get: 'connect',
      post: 'connect',
    });
    expect(actions('/api/v1/namespaces/{namespace}/pods/{name}/log')).toEqual({ get: 'get' });
    expect(actions('/api/v1/namespaces/{namespace}/pods/{name}/binding')).toEqual({ post: 'post' });
  });

  it('lay out cluster-scoped resources without a namespace', () => {
    const namespaces = Object.keys(core.paths).filter((p) =>
      /\/namespaces(\/\{name\}[^]*)?$/.test(p),
    );
    expect(namespaces.sort()).toEqual(
      [
        '/api/v1/namespaces',
        '/api/v1/namespaces/{name}',
        '/api/v1/namespaces/{name}/finalize',
        '/api/v1/namespaces/{name}/status',
        '/api/v1/watch/namespaces',
        '/api/v1/watch/namespaces/{name}',
      ].sort(),
    );
    // namespaces serve no deletecollection.
    expect(item(core, '/api/v1/namespaces').delete).toBeUndefined();
    expect(op(core, '/api/v1/namespaces/{name}', 'get').operationId).toBe('readCoreV1Namespace');
    expect(item(core, '/api/v1/namespaces/{name}').parameters?.map((p) => p.name)).toEqual([
      'name',
      'pretty',
    ]);
  });

  it('put a GVK and an action on every resource operation', () => {
    for (const d of [core, apps]) {
      for (const { path, op: o } of operations(d)) {
        if (path === '/api/v1/' || path === '/apis/apps/v1/') continue;
        expect(o['x-kubernetes-action'], path).toBeDefined();
        expect(Object.keys(o['x-kubernetes-group-version-kind'] ?? {}).sort(), path).toEqual([
          'group',
          'kind',
          'version',
        ]);
      }
    }
    expect(
      op(apps, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', 'patch')[
        'x-kubernetes-group-version-kind'
      ],
    ).toEqual({ group: 'autoscaling', kind: 'Scale', version: 'v1' });
    expect(
      op(core, '/api/v1/namespaces/{namespace}/pods/{name}/exec', 'post')[
        'x-kubernetes-group-version-kind'
      ],
    ).toEqual({ group: '', kind: 'PodExecOptions', version: 'v1' });
    expect(
      op(core, '/api/v1/namespaces/{namespace}/pods/{name}/status', 'patch')[
        'x-kubernetes-group-version-kind'
      ],
    ).toEqual({ group: '', kind: 'Pod', version: 'v1' });
    expect(
      op(core, '/api/v1/namespaces/{namespace}/pods/{name}/eviction', 'post')[
        'x-kubernetes-group-version-kind'
      ],
    ).toEqual({ group: 'policy', kind: 'Eviction', version: 'v1' });
  });

  it('let kubectl --validate=strict find fieldValidation on every PATCH of every kind', () => {
    const gvks = [
      ...allTestDefs.filter((d) => d.group === '').map((d) => ({ d: core, g: d })),
      ...allTestDefs.filter((d) => d.group === 'apps').map((d) => ({ d: apps, g: d })),
    ];
    for (const { d, g } of gvks) {
      const { matching, supporting } = patchOpsSupportingFieldValidation(d, g);
      expect(matching, g.kind).toBeGreaterThan(0);
      expect(supporting, g.kind).toBe(matching);
    }
    // Pod is patched through the pod itself, its status and its ephemeral containers.
    expect(patchOpsSupportingFieldValidation(core, podDef)).toEqual({ matching: 3, supporting: 3 });
    expect(
      patchOpsSupportingFieldValidation(apps, {
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
      }),
    ).toEqual({ matching: 3, supporting: 3 });
    // The deployment's own patch accepts every patch type, strategic merge patch included.
    const patch = op(apps, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'patch');
    expect(Object.keys(patch.requestBody?.content ?? {}).sort()).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
    expect(patch.parameters?.map((p) => p.name)).toEqual([
      'dryRun',
      'fieldManager',
      'fieldValidation',
      'force',
    ]);
  });

  it('declare the query parameters of each kind of operation', () => {
    const names = (o: OpenApiOperation, path: string): string[] =>
      [...(item(core, path).parameters ?? []), ...(o.parameters ?? [])].map((p) => p.name).sort();
    const collection = '/api/v1/namespaces/{namespace}/pods';
    const single = `${collection}/{name}`;
    expect(names(op(core, collection, 'get'), collection)).toEqual(
      [
        'allowWatchBookmarks',
        'continue',
        'fieldSelector',
        'labelSelector',
        'limit',
        'namespace',
        'pretty',
        'resourceVersion',
        'resourceVersionMatch',
        'sendInitialEvents',
        'timeoutSeconds',
        'watch',
      ].sort(),
    );
    expect(names(op(core, collection, 'post'), collection)).toEqual(
      ['dryRun', 'fieldManager', 'fieldValidation', 'namespace', 'pretty'].sort(),
    );
    expect(names(op(core, collection, 'delete'), collection)).toEqual(
      [
        'continue',
        'dryRun',
        'fieldSelector',
        'gracePeriodSeconds',
        'ignoreStoreReadErrorWithClusterBreakingPotential',
        'labelSelector',
        'limit',
        'namespace',
        'orphanDependents',
        'pretty',
        'propagationPolicy',
        'resourceVersion',
        'resourceVersionMatch',
        'sendInitialEvents',
        'timeoutSeconds',
      ].sort(),
    );
    expect(names(op(core, single, 'delete'), single)).toEqual(
      [
        'dryRun',
        'gracePeriodSeconds',
        'ignoreStoreReadErrorWithClusterBreakingPotential',
        'name',
        'namespace',
        'orphanDependents',
        'pretty',
        'propagationPolicy',
      ].sort(),
    );
    const exec = `${single}/exec`;
    expect(names(op(core, exec, 'get'), exec)).toEqual(
      ['command', 'container', 'name', 'namespace', 'stderr', 'stdin', 'stdout', 'tty'].sort(),
    );
    const log = `${single}/log`;
    expect(names(op(core, log, 'get'), log)).toEqual(
      expect.arrayContaining([
        'container',
        'follow',
        'previous',
        'sinceSeconds',
        'tailLines',
        'timestamps',
      ]),
    );
    // Repeated query parameters are not unique. (Shared by GET and POST, so on the path item.)
    const command = item(core, exec).parameters?.find((p) => p.name === 'command');
    expect(command?.schema).toEqual({ type: 'string' });
  });

  it('describe request and response bodies with the media types the server speaks', () => {
    const collection = '/api/v1/namespaces/{namespace}/pods';
    const list = op(core, collection, 'get').responses['200']?.content ?? {};
    expect(Object.keys(list)).toEqual([
      'application/json',
      'application/json;stream=watch',
      'application/yaml',
    ]);
    expect(list['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/io.k8s.api.core.v1.PodList',
    });
    const create = op(core, collection, 'post');
    expect(create.requestBody).toEqual({
      content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' } } },
      required: true,
    });
    expect(Object.keys(create.responses)).toEqual(['200', '201', '202', '401']);
    const watch = op(core, '/api/v1/watch/pods', 'get').responses['200']?.content?.[
      'application/json'
    ];
    expect(watch?.schema).toEqual({
      $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
    });
    const scale = op(apps, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', 'put');
    expect(scale.requestBody?.content['*/*']?.schema).toEqual({
      $ref: '#/components/schemas/io.k8s.api.autoscaling.v1.Scale',
    });
  });

  it('carry the strategic merge patch metadata where kubectl looks for it', () => {
    const containers = fieldAt(apps, 'io.k8s.api.apps.v1.Deployment', [
      'spec',
      'template',
      'spec',
      'containers',
    ]);
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(containers['x-kubernetes-patch-strategy']).toBe('merge');
    const ports = fieldAt(apps, 'io.k8s.api.apps.v1.Deployment', [
      'spec',
      'template',
      'spec',
      'containers',
      'ports',
    ]);
    expect(ports['x-kubernetes-patch-merge-key']).toBe('containerPort');
    expect(ports['x-kubernetes-list-map-keys']).toEqual(['containerPort', 'protocol']);
    const volumes = fieldAt(core, 'io.k8s.api.core.v1.Pod', ['spec', 'volumes']);
    expect(volumes['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    const strategy = fieldAt(apps, 'io.k8s.api.apps.v1.Deployment', ['spec', 'strategy']);
    expect(strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
    expect(strategy.allOf).toEqual([
      { $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' },
    ]);
    const finalizers = fieldAt(core, 'io.k8s.api.core.v1.Pod', ['metadata', 'finalizers']);
    expect(finalizers['x-kubernetes-patch-strategy']).toBe('merge');
    expect(finalizers['x-kubernetes-list-type']).toBe('set');
    const conditions = fieldAt(core, 'io.k8s.api.core.v1.Pod', ['status', 'conditions']);
    expect(conditions['x-kubernetes-patch-merge-key']).toBe('type');
  });

  it('keep the shared meta kinds tagged with every served group version', () => {
    const gvks =
      core.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']?.[
        'x-kubernetes-group-version-kind'
      ];
    expect(gvks).toEqual(
      expect.arrayContaining([
        { group: '', kind: 'DeleteOptions', version: 'v1' },
        { group: 'apps', kind: 'DeleteOptions', version: 'v1' },
        { group: 'coordination.k8s.io', kind: 'DeleteOptions', version: 'v1' },
      ]),
    );
  });

  it('name operations and tags as upstream does', () => {
    expect(op(core, '/api/v1/namespaces/{namespace}/pods', 'get').operationId).toBe(
      'listCoreV1NamespacedPod',
    );
    expect(op(core, '/api/v1/namespaces/{namespace}/pods', 'delete').operationId).toBe(
      'deleteCoreV1CollectionNamespacedPod',
    );
    expect(op(core, '/api/v1/pods', 'get').operationId).toBe('listCoreV1PodForAllNamespaces');
    expect(op(core, '/api/v1/watch/pods', 'get').operationId).toBe(
      'watchCoreV1PodListForAllNamespaces',
    );
    expect(op(core, '/api/v1/namespaces/{namespace}/pods/{name}/exec', 'get').operationId).toBe(
      'connectCoreV1GetNamespacedPodExec',
    );
    expect(
      op(core, '/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}', 'get').operationId,
    ).toBe('connectCoreV1GetNamespacedPodProxyWithPath');
    expect(
      op(apps, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', 'patch')
        .operationId,
    ).toBe('patchAppsV1NamespacedDeploymentScale');
    expect(op(apps, '/apis/apps/v1/', 'get').operationId).toBe('getAppsV1APIResources');
    expect(op(apps, '/apis/apps/v1/', 'get').tags).toEqual(['apps_v1']);
    const leases = doc(handler, 'apis/coordination.k8s.io/v1');
    expect(
      op(leases, '/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}', 'get'),
    ).toMatchObject({
      operationId: 'readCoordinationV1NamespacedLease',
      tags: ['coordination_v1'],
    });
  });

  it('include only the components a document uses', () => {
    const only = createOpenApi({ defs: [namespaceDef, deploymentDef], version: 'v1' });
    const d = doc(only, 'api/v1');
    const names = Object.keys(d.components.schemas);
    expect(names).toContain('io.k8s.api.core.v1.Namespace');
    expect(names).not.toContain('io.k8s.api.core.v1.PodSpec');
    expect(names).toEqual([...names].sort());
    expect(Object.keys(doc(only, 'apis/apps/v1').components.schemas)).toContain(
      'io.k8s.api.core.v1.PodSpec',
    );
  });
});
