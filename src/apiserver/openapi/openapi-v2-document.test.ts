import { describe, expect, it } from 'vitest';
import { allResourceDefs } from '../registry/index.ts';
import { OpenApiDocuments } from './openapi-documents.ts';
import { openApiV2Document, schemaV2 } from './openapi-v2-document.ts';
import type {
  SwaggerDocument,
  SwaggerMethod,
  SwaggerNonBodyParameter,
  SwaggerOperation,
  SwaggerSchema,
} from './openapi-v2-types.ts';
import { allTestDefs } from './testing/test-defs.ts';

const docs = new OpenApiDocuments({ defs: allTestDefs, version: 'v1.32.0' });
const doc = openApiV2Document(docs, 'v1.32.0');

const methods: SwaggerMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function operations(d: SwaggerDocument): { path: string; method: string; op: SwaggerOperation }[] {
  const out: { path: string; method: string; op: SwaggerOperation }[] = [];
  for (const [path, item] of Object.entries(d.paths)) {
    for (const method of methods) {
      const op = item[method];
      if (op) out.push({ path, method, op });
    }
  }
  return out;
}

function op(path: string, method: SwaggerMethod): SwaggerOperation {
  const o = doc.paths[path]?.[method];
  if (!o) throw new Error(`no ${method} ${path}`);
  return o;
}

function definition(name: string): SwaggerSchema {
  const d = doc.definitions[name];
  if (!d) throw new Error(`no definition ${name}`);
  return d;
}

function property(name: string, field: string): SwaggerSchema {
  const p = definition(name).properties?.[field];
  if (!p) throw new Error(`${name} has no ${field}`);
  return p;
}

/**
 * The rules kube-openapi's `proto.NewOpenAPIData` (what kubectl 1.27/1.28 parse the document
 * with) enforces; one violation anywhere makes kubectl drop the whole document.
 */
function kubeOpenApiViolations(d: SwaggerDocument): string[] {
  const problems: string[] = [];
  const walk = (s: SwaggerSchema, at: string): void => {
    const raw = s as Record<string, unknown>;
    for (const banned of ['allOf', 'oneOf', 'anyOf', 'default', 'nullable']) {
      if (banned in raw) problems.push(`${at}: has ${banned}`);
    }
    if (s.$ref !== undefined) {
      if (s.properties) problems.push(`${at}: $ref with properties`);
      if (s.type !== undefined) problems.push(`${at}: $ref with a type`);
      if (!s.$ref.startsWith('#/definitions/')) problems.push(`${at}: $ref ${s.$ref}`);
      else if (!(s.$ref.slice('#/definitions/'.length) in d.definitions)) {
        problems.push(`${at}: dangling ${s.$ref}`);
      }
      return;
    }
    if (s.type === 'array') {
      if (!s.items) problems.push(`${at}: array without items`);
      else walk(s.items, `${at}[]`);
    }
    if (s.type !== undefined && s.type !== 'object' && s.type !== 'array' && s.properties) {
      problems.push(`${at}: ${s.type} with properties`);
    }
    for (const [name, p] of Object.entries(s.properties ?? {})) walk(p, `${at}.${name}`);
    if (s.additionalProperties) walk(s.additionalProperties, `${at}{}`);
  };
  for (const [name, s] of Object.entries(d.definitions)) walk(s, name);
  for (const { path, method, op: o } of operations(d)) {
    for (const p of o.parameters ?? []) if (p.in === 'body') walk(p.schema, `${method} ${path}`);
    for (const [code, r] of Object.entries(o.responses)) {
      if (r.schema) walk(r.schema, `${method} ${path} ${code}`);
    }
  }
  return problems;
}

describe('the OpenAPI v2 document', () => {
  it('is one Swagger 2.0 document with the paths of every v3 document', () => {
    expect(doc.swagger).toBe('2.0');
    expect(doc.info).toEqual({ title: 'Kubernetes', version: 'v1.32.0' });
    const v3Paths = docs.keys().flatMap((key) => Object.keys(docs.build(key)?.paths ?? {}));
    expect(Object.keys(doc.paths)).toEqual([...new Set(v3Paths)].sort());
    for (const root of ['/api/', '/apis/', '/apis/apps/', '/api/v1/', '/apis/apps/v1/']) {
      expect(doc.paths, root).toHaveProperty([root]);
    }
    expect(doc.securityDefinitions).toEqual({
      BearerToken: {
        type: 'apiKey',
        name: 'authorization',
        in: 'header',
        description: 'Bearer token authentication.',
      },
    });
    expect(doc.security).toEqual([{ BearerToken: [] }]);
  });

  it('keeps to what kubectl 1.27/1.28 can parse, for the test kinds and every served kind', () => {
    expect(kubeOpenApiViolations(doc)).toEqual([]);
    const real = openApiV2Document(
      new OpenApiDocuments({ defs: allResourceDefs, version: 'v1.32.0' }),
      'v1.32.0',
    );
    expect(kubeOpenApiViolations(real)).toEqual([]);
    expect(Object.keys(real.definitions)).toContain('io.k8s.api.core.v1.Pod');
  });

  it('names definitions as upstream does and references them under #/definitions/', () => {
    const pod = definition('io.k8s.api.core.v1.Pod');
    expect(pod.type).toBe('object');
    expect(pod['x-kubernetes-group-version-kind']).toEqual([
      { group: '', kind: 'Pod', version: 'v1' },
    ]);
    // A reference with a description: side by side, as upstream's v2 has it (no allOf).
    expect(property('io.k8s.api.core.v1.Pod', 'metadata')).toEqual({
      $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      description: expect.any(String) as string,
    });
    expect(definition('io.k8s.api.apps.v1.Deployment')['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
  });

  it('carries the strategic merge patch metadata on the fields, where kubectl apply looks', () => {
    const containers = property('io.k8s.api.core.v1.PodSpec', 'containers');
    expect(containers).toMatchObject({
      type: 'array',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(property('io.k8s.api.core.v1.Container', 'ports')).toMatchObject({
      'x-kubernetes-patch-merge-key': 'containerPort',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    });
    expect(property('io.k8s.api.core.v1.PodSpec', 'volumes')).toMatchObject({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge,retainKeys',
    });
    // A patch strategy on a referenced type sits beside the $ref.
    const strategy = property('io.k8s.api.apps.v1.DeploymentSpec', 'strategy');
    expect(strategy.$ref).toBe('#/definitions/io.k8s.api.apps.v1.DeploymentStrategy');
    expect(strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
  });

  it('publishes Quantity and IntOrString as strings, Time as a date-time string', () => {
    expect(definition('io.k8s.apimachinery.pkg.util.intstr.IntOrString')).toEqual({
      description: expect.any(String) as string,
      type: 'string',
      format: 'int-or-string',
    });
    expect(definition('io.k8s.apimachinery.pkg.api.resource.Quantity')).toEqual({
      description: expect.any(String) as string,
      type: 'string',
    });
    expect(definition('io.k8s.apimachinery.pkg.apis.meta.v1.Time')).toMatchObject({
      type: 'string',
      format: 'date-time',
    });
  });

  it('leaves defaults out, as kube-apiserver prunes them from v2', () => {
    expect(JSON.stringify(doc)).not.toContain('"default"');
    expect(schemaV2({ type: 'string', default: 'x', description: 'd' })).toEqual({
      type: 'string',
      description: 'd',
    });
  });

  it('lets client-side apply find the patch types, and --validate find fieldValidation, on every PATCH', () => {
    const all = operations(doc).filter((o) => o.method === 'patch');
    // PATCH on proxy connects to the pod; it names PodProxyOptions, never a kind kubectl patches.
    for (const { op: o } of all.filter((p) => p.op['x-kubernetes-action'] === 'connect')) {
      expect(o['x-kubernetes-group-version-kind']?.kind).toMatch(/ProxyOptions$/);
    }
    const patches = all.filter((p) => p.op['x-kubernetes-action'] === 'patch');
    expect(patches.length).toBeGreaterThan(10);
    for (const { path, op: o } of patches) {
      expect(o.consumes, path).toContain('application/strategic-merge-patch+json');
      expect(o['x-kubernetes-group-version-kind'], path).toBeDefined();
      const names = (o.parameters ?? []).map((p) => p.name);
      expect(names, path).toContain('fieldValidation');
      const fv = o.parameters?.find((p) => p.name === 'fieldValidation') as SwaggerNonBodyParameter;
      expect(fv).toMatchObject({ in: 'query', type: 'string' });
    }
    const pod = op('/api/v1/namespaces/{namespace}/pods/{name}', 'patch');
    expect(pod['x-kubernetes-action']).toBe('patch');
    expect(pod['x-kubernetes-group-version-kind']).toEqual({
      group: '',
      kind: 'Pod',
      version: 'v1',
    });
    expect(pod.parameters?.[0]).toEqual({
      name: 'body',
      in: 'body',
      required: true,
      schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' },
    });
  });

  it('describes bodies as body parameters, media types as consumes and produces', () => {
    const create = op('/apis/apps/v1/namespaces/{namespace}/deployments', 'post');
    expect(create.consumes).toEqual(['*/*']);
    expect(create.produces).toEqual(['application/json', 'application/yaml']);
    expect(create.schemes).toEqual(['https']);
    expect(create.tags).toEqual(['apps_v1']);
    expect(create.operationId).toBe('createAppsV1NamespacedDeployment');
    expect(create.parameters?.[0]).toEqual({
      name: 'body',
      in: 'body',
      required: true,
      schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' },
    });
    expect(create.responses['201']).toEqual({
      description: 'Created',
      schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' },
    });
    expect(create.responses['401']).toEqual({ description: 'Unauthorized' });
    const list = op('/api/v1/namespaces/{namespace}/pods', 'get');
    expect(list.consumes).toEqual(['*/*']);
    expect(list.produces).toContain('application/json;stream=watch');
    expect(list['x-kubernetes-action']).toBe('list');
    expect(list.parameters?.map((p) => p.name)).toContain('labelSelector');
    const item = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
    expect(item?.parameters?.map((p) => p.name)).toEqual(['name', 'namespace', 'pretty']);
    expect(item?.parameters?.[0]).toEqual({
      name: 'name',
      in: 'path',
      description: 'Name of the Pod.',
      required: true,
      type: 'string',
      uniqueItems: true,
    });
  });
});
