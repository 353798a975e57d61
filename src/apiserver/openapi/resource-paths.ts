/**
 * The OpenAPI paths of one served resource, laid out as upstream's API installer lays them out:
 *
 *   <prefix>/namespaces/{namespace}/<resource>          list, create, deletecollection
 *   <prefix>/namespaces/{namespace}/<resource>/{name}   read, replace, patch, delete
 *   <prefix>/namespaces/{namespace}/<resource>/{name}/<subresource>
 *   <prefix>/<resource>                                 list across namespaces
 *   <prefix>/watch/namespaces/{namespace}/<resource>[/{name}], <prefix>/watch/<resource>
 *                                                       the deprecated watch endpoints
 *
 * (cluster-scoped resources drop the `namespaces/{namespace}` part). Every operation carries
 * `x-kubernetes-action` and the `x-kubernetes-group-version-kind` of the object it reads or
 * writes: the resource's kind, or a subresource's own kind (autoscaling/v1 Scale for `scale`,
 * PodExecOptions for `exec`). kubectl relies on both: `--validate=strict` takes the first PATCH
 * operation (in random order) whose GVK matches and requires a `fieldValidation` parameter on it;
 * `kubectl explain` finds a resource's GVK on its list and item paths; client-side apply checks
 * that PATCH accepts `application/strategic-merge-patch+json`.
 */
import type { ObjectSchema, ResourceDef, SubresourceDef, Verb } from '../../api/index.ts';
import {
  createParameters,
  deleteCollectionParameters,
  deleteParameters,
  listParameters,
  nameParameter,
  namespaceParameter,
  optionsParameters,
  patchParameters,
  proxyPathParameter,
  readParameters,
  replaceParameters,
} from './parameters.ts';
import { collectRefs, patchComponent, type SchemaComponents } from './schema-components.ts';
import type {
  GvkExtension,
  HttpMethod,
  OpenApiMediaType,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiPathItem,
  OpenApiRequestBody,
  OpenApiResponse,
  OpenApiSchema,
  OperationAction,
} from './types.ts';

/** What building the paths of a group version needs. */
export interface PathContext {
  readonly components: SchemaComponents;
  /** The schema of a kind that is not the resource's own (Scale, Binding, PodExecOptions ...). */
  readonly kindSchema: (gvk: GvkExtension) => ObjectSchema | undefined;
  /** Component names the document references; filled in while building. */
  readonly refs: Set<string>;
  /** `x-kubernetes-group-version-kind` of the meta kinds every group version serves. */
  readonly statusSchema: ObjectSchema;
  readonly deleteOptionsSchema: ObjectSchema;
  readonly watchEventSchema: ObjectSchema;
}

/** Subresources served by a streaming connection (upstream "connecters"). */
const connectSubresources: ReadonlySet<string> = new Set([
  'exec',
  'attach',
  'portforward',
  'proxy',
]);

/** Resources whose DELETE answers with the deleted object rather than a Status. */
const deleteReturnsObject: ReadonlySet<string> = new Set(['/pods', '/services']);

const writeContent = ['application/json', 'application/yaml'] as const;
const listContent = [
  'application/json',
  'application/json;stream=watch',
  'application/yaml',
] as const;
const patchContent = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** `CoreV1`, `AppsV1`, `CoordinationV1` ... as in upstream operation IDs. */
export function groupVersionName(def: { group: string; version: string }): string {
  const group = def.group === '' ? 'core' : def.group.replace(/\.k8s\.io$/, '');
  const words = group.split(/[.-]/).filter((w) => w !== '');
  return words.map(upperFirst).join('') + upperFirst(def.version);
}

/** `core_v1`, `apps_v1`, `coordination_v1` ... as in upstream tags. */
export function groupVersionTag(def: { group: string; version: string }): string {
  const name = groupVersionName({ group: def.group, version: '' });
  return `${lowerFirst(name)}_${def.version}`;
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPrefix(def: { group: string; version: string }): string {
  return def.group === '' ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function content(
  types: readonly string[],
  schema: OpenApiSchema,
): Record<string, OpenApiMediaType> {
  const out: Record<string, OpenApiMediaType> = {};
  for (const t of types) out[t] = { schema };
  return out;
}

const unauthorized: OpenApiResponse = { description: 'Unauthorized' };

interface OperationSpec {
  readonly action: OperationAction;
  readonly operationId: string;
  readonly description: string;
  readonly parameters: readonly OpenApiParameter[];
  readonly requestBody?: OpenApiRequestBody;
  readonly responses: Record<string, OpenApiResponse>;
}

/** Builds the paths of one resource into `paths`. */
export function addResourcePaths(
  def: ResourceDef,
  ctx: PathContext,
  paths: Record<string, OpenApiPathItem>,
): void {
  const b = new ResourcePathBuilder(def, ctx);
  b.build();
  for (const [path, ops] of b.paths) paths[path] = pathItem(ops, b.pathParams.get(path) ?? []);
}

class ResourcePathBuilder {
  readonly paths = new Map<string, Map<HttpMethod, OpenApiOperation>>();
  readonly pathParams = new Map<string, OpenApiParameter[]>();
  private readonly def: ResourceDef;
  private readonly ctx: PathContext;
  private readonly gvk: GvkExtension;
  private readonly gvName: string;
  private readonly tag: string;
  private readonly prefix: string;

  constructor(def: ResourceDef, ctx: PathContext) {
    this.def = def;
    this.ctx = ctx;
    this.gvk = { group: def.group, kind: def.kind, version: def.version };
    this.gvName = groupVersionName(def);
    this.tag = groupVersionTag(def);
    this.prefix = groupVersionPrefix(def);
  }

  build(): void {
    const def = this.def;
    const has = (v: Verb): boolean => def.verbs.includes(v);
    const ns = def.namespaced ? 'Namespaced' : '';
    const scope = def.namespaced ? `/namespaces/{namespace}` : '';
    const scopeParams = def.namespaced ? [namespaceParameter] : [];
    const collection = `${this.prefix}${scope}/${def.resource}`;
    const item = `${collection}/{name}`;
    const itemParams = [...scopeParams, nameParameter(def.kind)];
    const object = this.ref(def.schema);
    const list = this.ref(def.listSchema);
    const status = this.ref(this.ctx.statusSchema);
    const deleteOptions = this.ref(this.ctx.deleteOptionsSchema);
    const watchEvent = this.ref(this.ctx.watchEventSchema);
    const kind = def.kind;

    if (has('list')) {
      this.add(collection, 'get', scopeParams, {
        action: 'list',
        operationId: `list${this.gvName}${ns}${kind}`,
        description: has('watch')
          ? `Lists or watches objects of kind ${kind}.`
          : `Lists objects of kind ${kind}.`,
        parameters: listParameters,
        responses: { '200': { description: 'OK', content: content(listContent, list) } },
      });
      if (def.namespaced) {
        this.add(`${this.prefix}/${def.resource}`, 'get', [], {
          action: 'list',
          operationId: `list${this.gvName}${kind}ForAllNamespaces`,
          description: has('watch')
            ? `Lists or watches objects of kind ${kind} in every namespace.`
            : `Lists objects of kind ${kind} in every namespace.`,
          parameters: listParameters,
          responses: { '200': { description: 'OK', content: content(listContent, list) } },
        });
      }
    }
    if (has('create')) {
      this.add(collection, 'post', scopeParams, {
        action: 'post',
        operationId: `create${this.gvName}${ns}${kind}`,
        description: `Creates ${article(kind)} ${kind}.`,
        parameters: createParameters,
        requestBody: { content: { '*/*': { schema: object } }, required: true },
        responses: {
          '200': { description: 'OK', content: content(writeContent, object) },
          '201': { description: 'Created', content: content(writeContent, object) },
          '202': { description: 'Accepted', content: content(writeContent, object) },
        },
      });
    }
    if (has('deletecollection')) {
      this.add(collection, 'delete', scopeParams, {
        action: 'deletecollection',
        operationId: `delete${this.gvName}Collection${ns}${kind}`,
        description: `Deletes every selected object of kind ${kind}.`,
        parameters: deleteCollectionParameters,
        requestBody: { content: { '*/*': { schema: deleteOptions } } },
        responses: { '200': { description: 'OK', content: content(writeContent, status) } },
      });
    }
    if (has('get')) {
      this.add(item, 'get', itemParams, {
        action: 'get',
        operationId: `read${this.gvName}${ns}${kind}`,
        description: `Reads the ${kind} named in the path.`,
        parameters: readParameters,
        responses: { '200': { description: 'OK', content: content(writeContent, object) } },
      });
    }
    if (has('update')) {
      this.add(item, 'put', itemParams, {
        action: 'put',
        operationId: `replace${this.gvName}${ns}${kind}`,
        description: `Replaces the ${kind} named in the path.`,
        parameters: replaceParameters,
        requestBody: { content: { '*/*': { schema: object } }, required: true },
        responses: {
          '200': { description: 'OK', content: content(writeContent, object) },
          '201': { description: 'Created', content: content(writeContent, object) },
        },
      });
    }
    if (has('patch')) {
      this.add(item, 'patch', itemParams, this.patchSpec(`${ns}${kind}`, kind, object));
    }
    if (has('delete')) {
      const returned = deleteReturnsObject.has(`${def.group}/${def.resource}`) ? object : status;
      this.add(item, 'delete', itemParams, {
        action: 'delete',
        operationId: `delete${this.gvName}${ns}${kind}`,
        description: `Deletes the ${kind} named in the path.`,
        parameters: deleteParameters,
        requestBody: { content: { '*/*': { schema: deleteOptions } } },
        responses: {
          '200': { description: 'OK', content: content(writeContent, returned) },
          '202': { description: 'Accepted', content: content(writeContent, returned) },
        },
      });
    }
    if (has('watch')) {
      const watchScope = `${this.prefix}/watch${scope}/${def.resource}`;
      const watchResponses = {
        '200': { description: 'OK', content: content(listContent, watchEvent) },
      };
      if (has('list')) {
        this.add(watchScope, 'get', scopeParams, {
          action: 'watchlist',
          operationId: `watch${this.gvName}${ns}${kind}List`,
          description: `Watches changes to objects of kind ${kind}. Deprecated: use a list with watch=true.`,
          parameters: listParameters,
          responses: watchResponses,
        });
        if (def.namespaced) {
          this.add(`${this.prefix}/watch/${def.resource}`, 'get', [], {
            action: 'watchlist',
            operationId: `watch${this.gvName}${kind}ListForAllNamespaces`,
            description: `Watches changes to objects of kind ${kind} in every namespace. Deprecated: use a list with watch=true.`,
            parameters: listParameters,
            responses: watchResponses,
          });
        }
      }
      this.add(`${watchScope}/{name}`, 'get', itemParams, {
        action: 'watch',
        operationId: `watch${this.gvName}${ns}${kind}`,
        description: `Watches changes to the ${kind} named in the path. Deprecated: use a list with watch=true and a metadata.name field selector.`,
        parameters: listParameters,
        responses: watchResponses,
      });
    }
    for (const sub of this.def.subresources) this.subresource(sub, item, itemParams, ns);
  }

  private subresource(
    sub: SubresourceDef,
    item: string,
    itemParams: readonly OpenApiParameter[],
    ns: string,
  ): void {
    const def = this.def;
    const path = `${item}/${sub.name}`;
    const subGvk: GvkExtension = {
      group: sub.group ?? def.group,
      kind: sub.kind,
      version: sub.version ?? def.version,
    };
    const idBase = `${ns}${def.kind}${upperFirst(sub.name)}`;
    const kindSchema = this.kindSchemaOf(subGvk);
    const body = kindSchema ? this.ref(kindSchema) : { type: 'object' as const };
    const has = (v: Verb): boolean => sub.verbs.includes(v);

    if (connectSubresources.has(sub.name)) {
      const params = optionsParameters(kindSchema);
      const methods: [Verb, HttpMethod][] = [
        ['get', 'get'],
        ['create', 'post'],
        ['update', 'put'],
        ['patch', 'patch'],
        ['delete', 'delete'],
      ];
      const paths: [string, OpenApiParameter[], string][] = [[path, [...itemParams], '']];
      if (sub.name === 'proxy') {
        paths.push([`${path}/{path}`, [...itemParams, proxyPathParameter], 'WithPath']);
      }
      for (const [p, pParams, suffix] of paths) {
        for (const [verb, method] of methods) {
          if (!has(verb)) continue;
          const m = upperFirst(method);
          this.add(
            p,
            method,
            pParams,
            {
              action: 'connect',
              operationId: `connect${this.gvName}${m}${idBase}${suffix}`,
              description: `Connects ${method.toUpperCase()} requests to ${sub.name} of the ${def.kind} named in the path.`,
              parameters: params,
              responses: {
                '200': { description: 'OK', content: { '*/*': { schema: { type: 'string' } } } },
              },
            },
            subGvk,
          );
        }
      }
      return;
    }

    if (has('get')) {
      if (sub.name === 'log') {
        const options = this.kindSchemaOf({ ...subGvk, kind: `${def.kind}LogOptions` });
        this.add(
          path,
          'get',
          itemParams,
          {
            action: 'get',
            operationId: `read${this.gvName}${idBase}`,
            description: `Reads the log of a container of the ${def.kind} named in the path.`,
            parameters: [...readParameters, ...optionsParameters(options)].sort(byName),
            responses: {
              '200': {
                description: 'OK',
                content: content(['text/plain', ...writeContent], { type: 'string' }),
              },
            },
          },
          subGvk,
        );
      } else {
        this.add(
          path,
          'get',
          itemParams,
          {
            action: 'get',
            operationId: `read${this.gvName}${idBase}`,
            description: `Reads ${sub.name} of the ${def.kind} named in the path.`,
            parameters: readParameters,
            responses: { '200': { description: 'OK', content: content(writeContent, body) } },
          },
          subGvk,
        );
      }
    }
    if (has('create')) {
      this.add(
        path,
        'post',
        itemParams,
        {
          action: 'post',
          operationId: `create${this.gvName}${idBase}`,
          description: `Creates ${sub.name} of the ${def.kind} named in the path.`,
          parameters: createParameters,
          requestBody: { content: { '*/*': { schema: body } }, required: true },
          responses: {
            '200': { description: 'OK', content: content(writeContent, body) },
            '201': { description: 'Created', content: content(writeContent, body) },
            '202': { description: 'Accepted', content: content(writeContent, body) },
          },
        },
        subGvk,
      );
    }
    if (has('update')) {
      this.add(
        path,
        'put',
        itemParams,
        {
          action: 'put',
          operationId: `replace${this.gvName}${idBase}`,
          description: `Replaces ${sub.name} of the ${def.kind} named in the path.`,
          parameters: replaceParameters,
          requestBody: { content: { '*/*': { schema: body } }, required: true },
          responses: {
            '200': { description: 'OK', content: content(writeContent, body) },
            '201': { description: 'Created', content: content(writeContent, body) },
          },
        },
        subGvk,
      );
    }
    if (has('patch')) {
      this.add(path, 'patch', itemParams, this.patchSpec(idBase, def.kind, body, sub.name), subGvk);
    }
    if (has('delete')) {
      const status = this.ref(this.ctx.statusSchema);
      this.add(
        path,
        'delete',
        itemParams,
        {
          action: 'delete',
          operationId: `delete${this.gvName}${idBase}`,
          description: `Deletes ${sub.name} of the ${def.kind} named in the path.`,
          parameters: deleteParameters,
          responses: {
            '200': { description: 'OK', content: content(writeContent, status) },
            '202': { description: 'Accepted', content: content(writeContent, status) },
          },
        },
        subGvk,
      );
    }
  }

  private patchSpec(
    idBase: string,
    kind: string,
    returned: OpenApiSchema,
    subresource?: string,
  ): OperationSpec {
    const patch = this.ctx.components.builtinRef(patchComponent);
    collectRefs(patch, this.ctx.refs);
    return {
      action: 'patch',
      operationId: `patch${this.gvName}${idBase}`,
      description:
        subresource === undefined
          ? `Partially updates the ${kind} named in the path.`
          : `Partially updates ${subresource} of the ${kind} named in the path.`,
      parameters: patchParameters,
      requestBody: { content: content(patchContent, patch), required: true },
      responses: {
        '200': { description: 'OK', content: content(writeContent, returned) },
        '201': { description: 'Created', content: content(writeContent, returned) },
      },
    };
  }

  private kindSchemaOf(gvk: GvkExtension): ObjectSchema | undefined {
    const def = this.def;
    if (gvk.group === def.group && gvk.version === def.version && gvk.kind === def.kind) {
      return def.schema;
    }
    return this.ctx.kindSchema(gvk);
  }

  private ref(schema: ObjectSchema): OpenApiSchema {
    const ref = this.ctx.components.refTo(schema);
    collectRefs(ref, this.ctx.refs);
    return ref;
  }

  private add(
    path: string,
    method: HttpMethod,
    pathParams: readonly OpenApiParameter[],
    spec: OperationSpec,
    gvk: GvkExtension = this.gvk,
  ): void {
    let ops = this.paths.get(path);
    if (!ops) {
      ops = new Map();
      this.paths.set(path, ops);
      this.pathParams.set(path, [...pathParams]);
    }
    const op: OpenApiOperation = {
      description: spec.description,
      operationId: spec.operationId,
      tags: [this.tag],
      parameters: [...pathParams, ...spec.parameters],
      responses: { ...spec.responses, '401': unauthorized },
      'x-kubernetes-action': spec.action,
      'x-kubernetes-group-version-kind': { group: gvk.group, kind: gvk.kind, version: gvk.version },
    };
    if (spec.requestBody) op.requestBody = spec.requestBody;
    ops.set(method, op);
  }
}

function byName(a: OpenApiParameter, b: OpenApiParameter): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function paramKey(p: OpenApiParameter): string {
  return `${p.in}:${p.name}`;
}

/**
 * A path item from its operations. Parameters every operation shares move up to the path item,
 * as upstream's builder does — except `fieldValidation` when the path has a PATCH: kubectl looks
 * for it on the PATCH operation only.
 */
export function pathItem(
  ops: ReadonlyMap<HttpMethod, OpenApiOperation>,
  pathParams: readonly OpenApiParameter[] = [],
): OpenApiPathItem {
  const all = [...ops.values()];
  const counts = new Map<string, number>();
  for (const op of all) {
    for (const p of op.parameters ?? [])
      counts.set(paramKey(p), (counts.get(paramKey(p)) ?? 0) + 1);
  }
  const keepOnPatch = ops.has('patch') ? new Set(['query:fieldValidation']) : new Set<string>();
  const common = new Set<string>();
  for (const [key, n] of counts) if (n === all.length && !keepOnPatch.has(key)) common.add(key);
  for (const p of pathParams) common.add(paramKey(p));

  const hoisted = new Map<string, OpenApiParameter>();
  const out: OpenApiPathItem = {};
  const methods = [...ops.keys()].sort();
  for (const method of methods) {
    const op = ops.get(method);
    if (!op) continue;
    const own: OpenApiParameter[] = [];
    for (const p of op.parameters ?? []) {
      if (common.has(paramKey(p))) hoisted.set(paramKey(p), p);
      else own.push(p);
    }
    const copy: OpenApiOperation = { ...op };
    if (own.length > 0) copy.parameters = own.sort(byName);
    else delete copy.parameters;
    out[method] = copy;
  }
  if (hoisted.size > 0) out.parameters = [...hoisted.values()].sort(byName);
  return out;
}

function article(noun: string): string {
  return /^[AEIOU]/.test(noun) ? 'an' : 'a';
}
