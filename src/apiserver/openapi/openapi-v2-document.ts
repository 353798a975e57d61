/**
 * The one Swagger 2.0 document `/openapi/v2` serves, derived from the OpenAPI v3 documents (so
 * both describe the same paths, operations and schemas, generated once from the api module's
 * schemas), the way upstream's kube-openapi builder lays out its v2 document:
 *
 *   - every path of every group version, plus the discovery roots (`/api/`, `/apis/`,
 *     `/apis/<group>/`), in one `paths` object, sorted;
 *   - `definitions` named as the v3 components (`io.k8s.api.core.v1.Pod`), referenced as
 *     `#/definitions/<name>`; a field's description and patch extensions sit next to its `$ref`
 *     (v3 wraps such references in `allOf`);
 *   - Quantity and IntOrString, `oneOf` in v3, are strings here (IntOrString with format
 *     `int-or-string`), as upstream publishes them;
 *   - defaults are left out, as kube-apiserver prunes them from its v2 document;
 *   - an operation's request body is a parameter `in: body` (first in the list); its media types
 *     become `consumes` (`*\/*` when it takes none) and the responses' become `produces`.
 *
 * kubectl 1.27 and 1.28 read this document for client-side apply (the patch type from the PATCH
 * operation's `consumes`, the merge keys from `definitions`), `--validate` (which needs it to
 * parse, and looks for `fieldValidation` on PATCH operations) and `explain` (which needs it to
 * parse before it reads v3). kube-openapi's parser rejects the whole document for one bad
 * definition, so every schema keeps to what it accepts: no `type` beside `$ref`, exactly one
 * `items` on arrays.
 */
import type { OpenApiDocuments } from './openapi-documents.ts';
import {
  schemaExtensions,
  type SwaggerDocument,
  type SwaggerNonBodyParameter,
  type SwaggerOperation,
  type SwaggerParameter,
  type SwaggerPathItem,
  type SwaggerResponse,
  type SwaggerSchema,
} from './openapi-v2-types.ts';
import type {
  HttpMethod,
  OpenApiMediaType,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiPathItem,
  OpenApiSchema,
} from './types.ts';

const v3Prefix = '#/components/schemas/';
const v2Prefix = '#/definitions/';

const methods: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

/** Builds the v2 document from every v3 document `docs` serves. */
export function openApiV2Document(docs: OpenApiDocuments, version: string): SwaggerDocument {
  const paths: Record<string, SwaggerPathItem> = {};
  const components: Record<string, OpenApiSchema> = {};
  let securityDefinitions: SwaggerDocument['securityDefinitions'] = {};
  for (const key of docs.keys()) {
    const doc = docs.build(key);
    if (!doc) continue;
    for (const [path, item] of Object.entries(doc.paths)) paths[path] = pathItemV2(item);
    Object.assign(components, doc.components.schemas);
    securityDefinitions = securityDefinitionsV2(doc.components.securitySchemes);
  }
  const sortedPaths: Record<string, SwaggerPathItem> = {};
  for (const p of Object.keys(paths).sort()) {
    const item = paths[p];
    if (item) sortedPaths[p] = item;
  }
  const definitions: Record<string, SwaggerSchema> = {};
  for (const name of Object.keys(components).sort()) {
    const schema = components[name];
    if (schema) definitions[name] = schemaV2(schema);
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths: sortedPaths,
    definitions,
    security: Object.keys(securityDefinitions).map((name) => ({ [name]: [] })),
    securityDefinitions,
  };
}

/** The v2 form of a v3 schema (a component or an inline schema). */
export function schemaV2(s: OpenApiSchema): SwaggerSchema {
  let out: SwaggerSchema = {};
  if (s.allOf && s.allOf.length === 1 && s.allOf[0]) {
    // `allOf: [X]` only wraps a reference so that it can have siblings; v2 keeps them beside it.
    out = schemaV2(s.allOf[0]);
  }
  if (s.$ref !== undefined) {
    out.$ref = s.$ref.startsWith(v3Prefix) ? v2Prefix + s.$ref.slice(v3Prefix.length) : s.$ref;
  }
  if (s.description !== undefined) out.description = s.description;
  if (s.type !== undefined) out.type = s.type;
  else if (s.oneOf?.some((o) => o.type === 'string')) out.type = 'string';
  if (s.format !== undefined) out.format = s.format;
  if (s.enum !== undefined) out.enum = [...s.enum];
  if (s.properties) {
    const properties: Record<string, SwaggerSchema> = {};
    for (const [name, p] of Object.entries(s.properties)) properties[name] = schemaV2(p);
    out.properties = properties;
  }
  if (s.required) out.required = [...s.required];
  if (s.items) out.items = schemaV2(s.items);
  if (s.additionalProperties) out.additionalProperties = schemaV2(s.additionalProperties);
  for (const ext of schemaExtensions) {
    const v = s[ext];
    if (v !== undefined) Object.assign(out, { [ext]: structuredClone(v) });
  }
  return out;
}

function parameterV2(p: OpenApiParameter): SwaggerNonBodyParameter {
  const out: SwaggerNonBodyParameter = {
    name: p.name,
    in: p.in,
    description: p.description,
    type: p.schema.type,
  };
  if (p.required !== undefined) out.required = p.required;
  if (p.schema.uniqueItems !== undefined) out.uniqueItems = p.schema.uniqueItems;
  return out;
}

function firstSchema(content: Record<string, OpenApiMediaType>): OpenApiSchema | undefined {
  for (const media of Object.values(content)) return media.schema;
  return undefined;
}

function operationV2(op: OpenApiOperation): SwaggerOperation {
  const parameters: SwaggerParameter[] = [];
  let consumes = ['*/*'];
  if (op.requestBody) {
    consumes = Object.keys(op.requestBody.content);
    const schema = firstSchema(op.requestBody.content);
    if (schema) {
      parameters.push({
        name: 'body',
        in: 'body',
        ...(op.requestBody.required === undefined ? {} : { required: op.requestBody.required }),
        schema: schemaV2(schema),
      });
    }
  }
  for (const p of op.parameters ?? []) parameters.push(parameterV2(p));
  const produces: string[] = [];
  const responses: Record<string, SwaggerResponse> = {};
  for (const [code, r] of Object.entries(op.responses)) {
    const response: SwaggerResponse = { description: r.description };
    if (r.content) {
      for (const t of Object.keys(r.content)) if (!produces.includes(t)) produces.push(t);
      const schema = firstSchema(r.content);
      if (schema) response.schema = schemaV2(schema);
    }
    responses[code] = response;
  }
  const out: SwaggerOperation = {
    description: op.description,
    consumes,
    produces,
    schemes: ['https'],
    tags: [...op.tags],
    operationId: op.operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    responses,
  };
  if (op['x-kubernetes-action'] !== undefined)
    out['x-kubernetes-action'] = op['x-kubernetes-action'];
  const gvk = op['x-kubernetes-group-version-kind'];
  if (gvk !== undefined) {
    out['x-kubernetes-group-version-kind'] = {
      group: gvk.group,
      kind: gvk.kind,
      version: gvk.version,
    };
  }
  return out;
}

function pathItemV2(item: OpenApiPathItem): SwaggerPathItem {
  const out: SwaggerPathItem = {};
  for (const m of methods) {
    const op = item[m];
    if (op) out[m] = operationV2(op);
  }
  if (item.parameters && item.parameters.length > 0) {
    out.parameters = item.parameters.map(parameterV2);
  }
  return out;
}

function securityDefinitionsV2(
  schemes: Record<string, unknown>,
): SwaggerDocument['securityDefinitions'] {
  const out: SwaggerDocument['securityDefinitions'] = {};
  for (const [name, scheme] of Object.entries(schemes)) {
    if (typeof scheme !== 'object' || scheme === null) continue;
    const s = scheme as Record<string, unknown>;
    if (s['type'] !== 'apiKey') continue;
    const where = s['in'] === 'query' ? 'query' : 'header';
    out[name] = {
      type: 'apiKey',
      name: typeof s['name'] === 'string' ? s['name'] : 'authorization',
      in: where,
      description: typeof s['description'] === 'string' ? s['description'] : '',
    };
  }
  return out;
}
