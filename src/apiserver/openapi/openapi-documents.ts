/**
 * The OpenAPI v3 documents of the served API, one per path that `/openapi/v3` lists:
 *
 *   api                 GET /api/            (APIVersions)
 *   apis                GET /apis/           (APIGroupList)
 *   apis/<group>        GET /apis/<group>/   (APIGroup)
 *   api/v1, apis/<group>/<version>
 *                       GET <prefix>/ (APIResourceList) and every path of every resource of that
 *                       group version (see resource-paths.ts), with the components they use.
 *
 * Documents are built on demand from the resource definitions; the caller caches them.
 */
import {
  apiGroupListSchema,
  apiGroupSchema,
  apiResourceListSchema,
  apiVersionsSchema,
  bindingSchema,
  deleteOptionsSchema,
  groupVersion,
  nodeProxyOptionsSchema,
  podAttachOptionsSchema,
  podExecOptionsSchema,
  podLogOptionsSchema,
  podPortForwardOptionsSchema,
  podProxyOptionsSchema,
  scaleSchema,
  serviceProxyOptionsSchema,
  statusSchema,
  watchEventSchema,
  type ObjectSchema,
  type ResourceDef,
} from '../../api/index.ts';
import {
  addResourcePaths,
  groupVersionName,
  groupVersionPrefix,
  groupVersionTag,
  pathItem,
  type PathContext,
} from './resource-paths.ts';
import { collectRefs, SchemaComponents } from './schema-components.ts';
import type {
  GvkExtension,
  HttpMethod,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiPathItem,
} from './types.ts';

/** Kinds that subresources and meta operations use besides the resources' own. */
const builtinKinds: readonly ObjectSchema[] = [
  scaleSchema,
  bindingSchema,
  podLogOptionsSchema,
  podExecOptionsSchema,
  podAttachOptionsSchema,
  podPortForwardOptionsSchema,
  podProxyOptionsSchema,
  nodeProxyOptionsSchema,
  serviceProxyOptionsSchema,
  deleteOptionsSchema,
  statusSchema,
  watchEventSchema,
] as readonly ObjectSchema[];

export interface OpenApiDocumentsOptions {
  readonly defs: readonly ResourceDef[];
  /** Server version for `info.version`, e.g. `v1.32.0`. */
  readonly version: string;
  /** Further kinds subresources may name (their schemas, with `gvk`). */
  readonly kinds?: readonly ObjectSchema[];
}

function gvkKey(g: { group: string; version: string; kind: string }): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

export class OpenApiDocuments {
  private readonly opts: OpenApiDocumentsOptions;
  private readonly byGroupVersion = new Map<string, ResourceDef[]>();
  private readonly groups = new Map<string, string[]>();
  private readonly kindIndex = new Map<string, ObjectSchema>();
  private readonly extraGvks = new Map<string, GvkExtension[]>();
  readonly components: SchemaComponents;

  constructor(opts: OpenApiDocumentsOptions) {
    this.opts = opts;
    for (const def of opts.defs) {
      const key = documentKey(def);
      let list = this.byGroupVersion.get(key);
      if (!list) this.byGroupVersion.set(key, (list = []));
      list.push(def);
      if (def.group !== '') {
        const versions = this.groups.get(def.group) ?? [];
        if (!versions.includes(def.version)) versions.push(def.version);
        this.groups.set(def.group, versions);
      }
    }
    const addExtra = (name: string, gvk: GvkExtension): void => {
      const list = this.extraGvks.get(name) ?? [];
      list.push(gvk);
      this.extraGvks.set(name, list);
    };
    for (const def of opts.defs) {
      addExtra(def.schema.name, { group: def.group, kind: def.kind, version: def.version });
      addExtra(def.listSchema.name, {
        group: def.group,
        kind: `${def.kind}List`,
        version: def.version,
      });
    }
    // Like upstream, the shared option and event kinds name every served group version.
    const served = [...new Set(opts.defs.map((d) => `${d.group}\n${d.version}`))].sort();
    for (const gv of served) {
      const [group = '', version = ''] = gv.split('\n');
      addExtra(deleteOptionsSchema.name, { group, kind: 'DeleteOptions', version });
      addExtra(watchEventSchema.name, { group, kind: 'WatchEvent', version });
    }
    this.components = new SchemaComponents({
      extraGvks: (name) => this.extraGvks.get(name),
    });
    const index = (schema: ObjectSchema, gvks: readonly GvkExtension[]): void => {
      for (const g of gvks)
        if (!this.kindIndex.has(gvkKey(g))) this.kindIndex.set(gvkKey(g), schema);
    };
    for (const def of opts.defs) {
      index(def.schema, [{ group: def.group, kind: def.kind, version: def.version }]);
      index(def.listSchema, [{ group: def.group, kind: `${def.kind}List`, version: def.version }]);
    }
    for (const schema of [...(opts.kinds ?? []), ...builtinKinds]) index(schema, schema.gvk ?? []);
  }

  /** Every document key `/openapi/v3` lists, sorted. */
  keys(): string[] {
    const keys = ['api', 'apis', ...this.byGroupVersion.keys()];
    for (const group of this.groups.keys()) keys.push(`apis/${group}`);
    return keys.sort();
  }

  /** The document for `key`, or undefined when it is not one of `keys()`. */
  build(key: string): OpenApiDocument | undefined {
    if (key === 'api') {
      return this.single('/api/', {
        description: 'Lists the versions of the core API group.',
        operationId: 'getCoreAPIVersions',
        tags: ['core'],
        schema: apiVersionsSchema,
      });
    }
    if (key === 'apis') {
      return this.single('/apis/', {
        description: 'Lists the API groups and their versions.',
        operationId: 'getAPIVersions',
        tags: ['apis'],
        schema: apiGroupListSchema,
      });
    }
    const groupMatch = /^apis\/([^/]+)$/.exec(key);
    if (groupMatch) {
      const group = groupMatch[1] ?? '';
      if (!this.groups.has(group)) return undefined;
      const name = groupVersionName({ group, version: '' });
      return this.single(`/apis/${group}/`, {
        description: `Describes the ${group} API group.`,
        operationId: `get${name}APIGroup`,
        tags: [groupVersionTag({ group, version: '' }).replace(/_$/, '')],
        schema: apiGroupSchema,
      });
    }
    const defs = this.byGroupVersion.get(key);
    const first = defs?.[0];
    if (!defs || !first) return undefined;
    return this.groupVersion(first, defs);
  }

  private groupVersion(gv: ResourceDef, defs: readonly ResourceDef[]): OpenApiDocument {
    const refs = new Set<string>();
    const ctx: PathContext = {
      components: this.components,
      kindSchema: (gvk) => this.kindIndex.get(gvkKey(gvk)),
      refs,
      statusSchema,
      deleteOptionsSchema,
      watchEventSchema,
    };
    const paths: Record<string, OpenApiPathItem> = {};
    const discovery = this.components.refTo(apiResourceListSchema);
    collectRefs(discovery, refs);
    paths[`${groupVersionPrefix(gv)}/`] = pathItem(
      new Map<HttpMethod, OpenApiOperation>([
        [
          'get',
          {
            description: `Lists the resources of ${groupVersion(gv)}.`,
            operationId: `get${groupVersionName(gv)}APIResources`,
            tags: [groupVersionTag(gv)],
            responses: {
              '200': { description: 'OK', content: jsonAndYaml(discovery) },
              '401': { description: 'Unauthorized' },
            },
          },
        ],
      ]),
    );
    for (const def of defs) addResourcePaths(def, ctx, paths);
    return this.document(paths, refs);
  }

  private single(
    path: string,
    op: { description: string; operationId: string; tags: string[]; schema: ObjectSchema },
  ): OpenApiDocument {
    const refs = new Set<string>();
    const ref = this.components.refTo(op.schema);
    collectRefs(ref, refs);
    const paths: Record<string, OpenApiPathItem> = {
      [path]: pathItem(
        new Map<HttpMethod, OpenApiOperation>([
          [
            'get',
            {
              description: op.description,
              operationId: op.operationId,
              tags: op.tags,
              responses: {
                '200': { description: 'OK', content: jsonAndYaml(ref) },
                '401': { description: 'Unauthorized' },
              },
            },
          ],
        ]),
      ),
    };
    return this.document(paths, refs);
  }

  private document(paths: Record<string, OpenApiPathItem>, refs: Set<string>): OpenApiDocument {
    const sortedPaths: Record<string, OpenApiPathItem> = {};
    for (const p of Object.keys(paths).sort()) {
      const item = paths[p];
      if (item) sortedPaths[p] = item;
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: this.opts.version },
      paths: sortedPaths,
      components: {
        schemas: this.components.closure(refs),
        securitySchemes: {
          BearerToken: {
            type: 'apiKey',
            in: 'header',
            name: 'authorization',
            description: 'Bearer token authentication.',
          },
        },
      },
    };
  }
}

/** `api/v1` or `apis/<group>/<version>`: the key of a group version's document. */
export function documentKey(def: { group: string; version: string }): string {
  return def.group === '' ? `api/${def.version}` : `apis/${def.group}/${def.version}`;
}

function jsonAndYaml(
  schema: OpenApiDocument['components']['schemas'][string],
): Record<string, { schema: OpenApiDocument['components']['schemas'][string] }> {
  return { 'application/json': { schema }, 'application/yaml': { schema } };
}
