/**
 * Turns schema-DSL types into OpenAPI v3 `components.schemas`, shaped like the ones upstream's
 * kube-openapi generates, because kubectl reads them:
 *
 *   - every object schema is a named component, referenced as `#/components/schemas/<name>`;
 *   - a reference with siblings (a field's description, default or patch extensions) is wrapped
 *     as `allOf: [{$ref}]`, since OpenAPI 3.0 ignores siblings of `$ref` (kubectl explain and
 *     strategic merge patch both follow the wrapper);
 *   - Quantity, IntOrString, Time and MicroTime are the apimachinery components upstream has
 *     (Quantity and IntOrString as `oneOf`, so `kubectl explain` prints `<Quantity>` and
 *     `<IntOrString>`; Time as a `date-time` string, so it prints `<string>`);
 *   - the patch extensions (`x-kubernetes-patch-strategy`, `-patch-merge-key`) sit on the field
 *     itself, where kubectl's strategic merge patch looks for them, next to `x-kubernetes-list-type`
 *     and `-list-map-keys`; `x-kubernetes-map-type` on maps and atomic structs;
 *   - top-level kinds carry `x-kubernetes-group-version-kind` (a list).
 *
 * One instance is shared by every document: each component is converted once, and a document
 * takes the closure of the components its operations reference (`closure`).
 */
import type { Field, ObjectSchema, Schema } from '../../api/index.ts';
import type { GvkExtension, OpenApiSchema } from './types.ts';

const componentPrefix = '#/components/schemas/';

export const quantityComponent = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const intOrStringComponent = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const timeComponent = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const microTimeComponent = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
export const patchComponent = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

/** Components that are not object schemas of the DSL: scalars with their own wire format. */
const builtinComponents: Readonly<Record<string, OpenApiSchema>> = {
  [quantityComponent]: {
    description:
      'A decimal amount with an optional suffix: a binary SI suffix (Ki, Mi, Gi, Ti, Pi, Ei), a decimal SI suffix (m, k, M, G, T, P, E) or a decimal exponent (1e3). Written as a string such as "500m" or "1Gi"; plain numbers are accepted too.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  [intOrStringComponent]: {
    description:
      'Either an integer or a string: a port number or a port name, a count or a percentage ("25%").',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [timeComponent]: {
    description: 'A point in time, written in RFC 3339 form with second precision.',
    type: 'string',
    format: 'date-time',
  },
  [microTimeComponent]: {
    description: 'A point in time, written in RFC 3339 form with microsecond precision.',
    type: 'string',
    format: 'date-time',
  },
  [patchComponent]: {
    description:
      'The body of a PATCH request: a JSON patch, a JSON merge patch, a strategic merge patch or an apply configuration, as its Content-Type says.',
    type: 'object',
  },
};

interface Converted {
  readonly schema: OpenApiSchema;
  /** Names of the components this one references directly. */
  readonly refs: ReadonlySet<string>;
}

export interface SchemaComponentsOptions {
  /** Extra `x-kubernetes-group-version-kind` entries for a component, beyond its schema's `gvk`. */
  readonly extraGvks?: (name: string) => readonly GvkExtension[] | undefined;
}

export class SchemaComponents {
  private readonly converted = new Map<string, Converted>();
  private readonly sources = new Map<string, ObjectSchema>();
  private readonly checked = new WeakSet<ObjectSchema>();
  private readonly extraGvks: (name: string) => readonly GvkExtension[] | undefined;
  /** Names given to two different object schemas whose components differ (the first one wins). */
  readonly conflicts: string[] = [];

  constructor(opts: SchemaComponentsOptions = {}) {
    this.extraGvks = opts.extraGvks ?? (() => undefined);
  }

  /** `{$ref}` to the component of an object schema, converting it on first use. */
  refTo(obj: ObjectSchema): OpenApiSchema {
    this.register(obj);
    return { $ref: componentPrefix + obj.name };
  }

  /** `{$ref}` to one of the built-in components (Quantity, Patch, ...). */
  builtinRef(name: string): OpenApiSchema {
    if (!Object.hasOwn(builtinComponents, name)) throw new Error(`no built-in component ${name}`);
    return { $ref: componentPrefix + name };
  }

  /** The OpenAPI form of any schema: a `$ref` for named types, inline for the rest. */
  schemaOf(s: Schema): OpenApiSchema {
    switch (s.kind) {
      case 'string': {
        const out: OpenApiSchema = { type: 'string' };
        if (s.format !== undefined) out.format = s.format;
        if (s.enum !== undefined && s.enum.length > 0) out.enum = [...s.enum];
        return out;
      }
      case 'integer':
        return { type: 'integer', format: s.format };
      case 'number':
        return { type: 'number', format: 'double' };
      case 'boolean':
        return { type: 'boolean' };
      case 'quantity':
        return this.builtinRef(quantityComponent);
      case 'int-or-string':
        return this.builtinRef(intOrStringComponent);
      case 'time':
        return this.builtinRef(s.micro ? microTimeComponent : timeComponent);
      case 'any':
        return { type: 'object' };
      case 'array':
        return { type: 'array', items: this.schemaOf(s.items) };
      case 'map': {
        const out: OpenApiSchema = {
          type: 'object',
          additionalProperties: this.schemaOf(s.values),
        };
        if (s.mapType !== undefined) out['x-kubernetes-map-type'] = s.mapType;
        return out;
      }
      case 'object':
        return this.refTo(s);
    }
  }

  /**
   * The components reachable from `roots` (names), keyed and ordered by name. Roots that name no
   * component are ignored.
   */
  closure(roots: Iterable<string>): Record<string, OpenApiSchema> {
    const seen = new Set<string>();
    const queue = [...roots];
    while (queue.length > 0) {
      const name = queue.pop();
      if (name === undefined || seen.has(name)) continue;
      const entry = this.entry(name);
      if (!entry) continue;
      seen.add(name);
      for (const r of entry.refs) if (!seen.has(r)) queue.push(r);
    }
    const out: Record<string, OpenApiSchema> = {};
    for (const name of [...seen].sort()) {
      const entry = this.entry(name);
      if (entry) out[name] = entry.schema;
    }
    return out;
  }

  /** The component called `name`, if one is known. */
  component(name: string): OpenApiSchema | undefined {
    return this.entry(name)?.schema;
  }

  private entry(name: string): Converted | undefined {
    const done = this.converted.get(name);
    if (done) return done;
    if (Object.hasOwn(builtinComponents, name)) {
      const builtin = builtinComponents[name];
      if (builtin) {
        const entry = { schema: builtin, refs: new Set<string>() };
        this.converted.set(name, entry);
        return entry;
      }
    }
    return undefined;
  }

  private register(obj: ObjectSchema): void {
    const existing = this.sources.get(obj.name);
    if (existing === obj) return;
    if (existing) {
      // A second schema under a name already taken: keep the first, note real differences.
      if (this.checked.has(obj)) return;
      this.checked.add(obj);
      const first = this.converted.get(obj.name);
      const other = this.convert(obj);
      if (first && JSON.stringify(first.schema) !== JSON.stringify(other.schema)) {
        this.conflicts.push(obj.name);
      }
      return;
    }
    this.sources.set(obj.name, obj);
    // Placeholder first, so recursive types terminate.
    this.converted.set(obj.name, { schema: {}, refs: new Set() });
    this.converted.set(obj.name, this.convert(obj));
  }

  private convert(obj: ObjectSchema): Converted {
    const refs = new Set<string>();
    const properties: Record<string, OpenApiSchema> = {};
    const required: string[] = [];
    for (const name of Object.keys(obj.fields).sort()) {
      const field = obj.fields[name];
      if (!field) continue;
      const converted = this.fieldSchema(field);
      collectRefs(converted, refs);
      properties[name] = converted;
    }
    for (const [name, field] of Object.entries(obj.fields)) if (field.required) required.push(name);
    const out: OpenApiSchema = { description: obj.description, type: 'object' };
    if (Object.keys(properties).length > 0) out.properties = properties;
    if (required.length > 0) out.required = required;
    const gvks = mergeGvks(obj.gvk ?? [], this.extraGvks(obj.name) ?? []);
    if (gvks.length > 0) out['x-kubernetes-group-version-kind'] = gvks;
    if (obj.atomic) out['x-kubernetes-map-type'] = 'atomic';
    if (obj.preserveUnknownFields) out['x-kubernetes-preserve-unknown-fields'] = true;
    return { schema: out, refs };
  }

  private fieldSchema(field: Field): OpenApiSchema {
    const base = this.schemaOf(field.schema);
    const extra: OpenApiSchema = {};
    if (field.description) extra.description = field.description;
    if (field.default !== undefined) extra.default = field.default;
    if (field.patchStrategy !== undefined)
      extra['x-kubernetes-patch-strategy'] = field.patchStrategy;
    if (field.patchMergeKey !== undefined)
      extra['x-kubernetes-patch-merge-key'] = field.patchMergeKey;
    if (field.listType !== undefined && field.schema.kind === 'array') {
      extra['x-kubernetes-list-type'] = field.listType;
      if (field.listType === 'map' && field.listMapKeys && field.listMapKeys.length > 0) {
        extra['x-kubernetes-list-map-keys'] = [...field.listMapKeys];
      }
    }
    if (base.$ref === undefined) return { ...base, ...extra };
    if (Object.keys(extra).length === 0) return base;
    return { allOf: [base], ...extra };
  }
}

function gvkKey(g: GvkExtension): string {
  return `${g.group}/${g.version}/${g.kind}`;
}

function mergeGvks(
  own: readonly { group: string; version: string; kind: string }[],
  extra: readonly GvkExtension[],
): GvkExtension[] {
  const out: GvkExtension[] = [];
  const seen = new Set<string>();
  for (const g of [...own, ...extra]) {
    // Always the three keys, in one order: kubectl explain compares them with DeepEqual.
    const entry: GvkExtension = { group: g.group, kind: g.kind, version: g.version };
    const key = gvkKey(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry);
  }
  return out;
}

/** Adds the component names `schema` references (at any depth of inline schemas) to `into`. */
export function collectRefs(schema: OpenApiSchema, into: Set<string>): void {
  if (schema.$ref !== undefined && schema.$ref.startsWith(componentPrefix)) {
    into.add(schema.$ref.slice(componentPrefix.length));
  }
  if (schema.allOf) for (const s of schema.allOf) collectRefs(s, into);
  if (schema.oneOf) for (const s of schema.oneOf) collectRefs(s, into);
  if (schema.items) collectRefs(schema.items, into);
  if (schema.additionalProperties) collectRefs(schema.additionalProperties, into);
  if (schema.properties) for (const s of Object.values(schema.properties)) collectRefs(s, into);
}
