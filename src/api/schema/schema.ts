/**
 * The schema DSL: one description of every API type, from which we derive
 *   - the TypeScript types (`Infer<typeof schema>`),
 *   - strict decoding (unknown and duplicate fields, wrong JSON types) for `fieldValidation`,
 *   - the OpenAPI v3 documents kubectl reads (`kubectl explain`, `--validate=strict`, apply),
 *   - the patch metadata strategic merge patch and server-side apply need (merge keys, strategies,
 *     list and map types).
 *
 * Field names, JSON types, merge keys and list types follow the upstream Go types and their struct
 * tags exactly (they are the wire contract); the descriptions are our own words.
 *
 * Schemas are plain immutable data. Builders (`string()`, `object()`, ...) only construct them; the
 * phantom `__type` member carries the TypeScript type and never exists at run time.
 */

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

interface Base<T> {
  /** Phantom: the TypeScript type this schema describes. Never set at run time. */
  readonly __type?: T;
}

export interface StringSchema<T extends string = string> extends Base<T> {
  readonly kind: 'string';
  readonly enum?: readonly string[];
  /** OpenAPI `format`, informative only (e.g. 'byte' for base64 data, 'date-time'). */
  readonly format?: string;
}

export interface IntegerSchema extends Base<number> {
  readonly kind: 'integer';
  readonly format: 'int32' | 'int64';
}

export interface NumberSchema extends Base<number> {
  readonly kind: 'number';
}

export interface BooleanSchema extends Base<boolean> {
  readonly kind: 'boolean';
}

/** `resource.Quantity`: a string ("500m", "1Gi") or a number on the wire; stored canonical. */
export interface QuantitySchema extends Base<string> {
  readonly kind: 'quantity';
}

/** `intstr.IntOrString`: a port number or a port name, a count or a percentage. */
export interface IntOrStringSchema extends Base<number | string> {
  readonly kind: 'int-or-string';
}

/** `metav1.Time` (RFC 3339, seconds) or `metav1.MicroTime` (microseconds). */
export interface TimeSchema extends Base<string> {
  readonly kind: 'time';
  readonly micro: boolean;
}

/** Anything at all (RawExtension, FieldsV1, preserved unknown fields). */
export interface AnySchema<T = unknown> extends Base<T> {
  readonly kind: 'any';
}

export interface ArraySchema<T = unknown> extends Base<T[]> {
  readonly kind: 'array';
  readonly items: Schema;
}

export interface MapSchema<T = unknown> extends Base<Record<string, T>> {
  readonly kind: 'map';
  readonly values: Schema;
  /** `x-kubernetes-map-type` for server-side apply; 'granular' when unset. */
  readonly mapType?: 'atomic' | 'granular';
}

export interface FieldOptions {
  /** Required in OpenAPI (the JSON field has no `omitempty` and validation demands it). */
  readonly required?: boolean;
  /** `patchStrategy` struct tag, for strategic merge patch. */
  readonly patchStrategy?: PatchStrategy;
  /** `patchMergeKey` struct tag, for strategic merge patch. */
  readonly patchMergeKey?: string;
  /** `+listType`: how server-side apply treats a list ('atomic' when unset). */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** `+listMapKey`s of a list of type 'map'. */
  readonly listMapKeys?: readonly string[];
  /** The upstream default, shown in OpenAPI (the real defaulting is code in `defaults`). */
  readonly default?: unknown;
  /**
   * The Kubernetes protobuf field number: the `N` of the upstream struct tag
   * `protobuf:"bytes,N,opt,name=..."` (a fact of the wire format, never to be changed). The
   * protobuf codec (`protobuf.ts`) reads and writes the field under this number; the wire type
   * follows from the schema. Every field has one except:
   *   - `apiVersion` and `kind` of top-level kinds (upstream's inline `TypeMeta`): protobuf carries
   *     them in the envelope (`runtime.Unknown`), not in the message;
   *   - the fields of `Table`, `TableRow` and `TableColumnDefinition`, which upstream never
   *     encodes as protobuf.
   * Fields of an inline embedded struct that the schema flattens into its parent (`Volume`'s
   * `VolumeSource`, `Probe`'s `ProbeHandler`, ...) carry their number inside that struct; which
   * fields those are is listed in `protobuf-layout.ts`.
   */
  readonly proto?: number;
}

export interface Field<
  S extends Schema = Schema,
  R extends boolean = boolean,
> extends FieldOptions {
  readonly schema: S;
  readonly description: string;
  readonly required?: R;
}

export type Fields = Readonly<Record<string, Field>>;

export interface ObjectSchema<T = unknown> extends Base<T> {
  readonly kind: 'object';
  /** OpenAPI component name, e.g. `io.k8s.api.core.v1.Container`. */
  readonly name: string;
  readonly description: string;
  readonly fields: Fields;
  /** `x-kubernetes-map-type: atomic` on a struct (e.g. LocalObjectReference) for apply. */
  readonly atomic?: boolean;
  /** `x-kubernetes-group-version-kind` for top-level kinds. */
  readonly gvk?: readonly GroupVersionKind[];
  /** Unknown fields are kept, not rejected (RawExtension-like objects). */
  readonly preserveUnknownFields?: boolean;
}

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export type Schema =
  | StringSchema
  | IntegerSchema
  | NumberSchema
  | BooleanSchema
  | QuantitySchema
  | IntOrStringSchema
  | TimeSchema
  | AnySchema
  | ArraySchema
  | MapSchema
  | ObjectSchema;

/** The TypeScript type a schema describes. */
export type Infer<S> = S extends Base<infer T> ? T : never;

type RequiredKeys<F extends Fields> = {
  [K in keyof F]: F[K] extends Field<Schema, true> ? K : never;
}[keyof F];
type OptionalKeys<F extends Fields> = Exclude<keyof F, RequiredKeys<F>>;

/** The object type described by a field set: required fields are required, the rest optional. */
export type InferFields<F extends Fields> = {
  -readonly [K in RequiredKeys<F>]: Infer<F[K]['schema']>;
} & {
  -readonly [K in OptionalKeys<F>]?: Infer<F[K]['schema']>;
};

// ---- builders -------------------------------------------------------------------------------

export function string<T extends string = string>(
  opts: { enum?: readonly T[]; format?: string } = {},
): StringSchema<T> {
  return { kind: 'string', ...opts };
}

export function int32(): IntegerSchema {
  return { kind: 'integer', format: 'int32' };
}

export function int64(): IntegerSchema {
  return { kind: 'integer', format: 'int64' };
}

export function number(): NumberSchema {
  return { kind: 'number' };
}

export function boolean(): BooleanSchema {
  return { kind: 'boolean' };
}

export function quantity(): QuantitySchema {
  return { kind: 'quantity' };
}

export function intOrString(): IntOrStringSchema {
  return { kind: 'int-or-string' };
}

export function time(): TimeSchema {
  return { kind: 'time', micro: false };
}

export function microTime(): TimeSchema {
  return { kind: 'time', micro: true };
}

export function any<T = unknown>(): AnySchema<T> {
  return { kind: 'any' };
}

export function array<S extends Schema>(items: S): ArraySchema<Infer<S>> {
  return { kind: 'array', items };
}

export function map<S extends Schema>(
  values: S,
  opts: { mapType?: 'atomic' | 'granular' } = {},
): MapSchema<Infer<S>> {
  return { kind: 'map', values, ...opts };
}

/** `map[string]string`, the type of labels, annotations, nodeSelector, data. */
export function stringMap(): MapSchema<string> {
  return map(string());
}

export function field<S extends Schema, R extends boolean = false>(
  schema: S,
  description: string,
  opts: FieldOptions & { required?: R } = {},
): Field<S, R> {
  return { schema, description, ...opts };
}

/** Shorthand for a required field. */
export function requiredField<S extends Schema>(
  schema: S,
  description: string,
  opts: Omit<FieldOptions, 'required'> = {},
): Field<S, true> {
  return { schema, description, ...opts, required: true };
}

export interface ObjectOptions {
  readonly atomic?: boolean;
  readonly gvk?: readonly GroupVersionKind[];
  readonly preserveUnknownFields?: boolean;
}

export function object<F extends Fields>(
  name: string,
  description: string,
  fields: F,
  opts: ObjectOptions = {},
): ObjectSchema<InferFields<F>> {
  return { kind: 'object', name, description, fields, ...opts };
}

/**
 * A list with strategic-merge semantics on `key` and the matching apply list-map, the most common
 * shape in the API (`containers`, `env`, `volumes` ...). `keys` defaults to `[key]`.
 */
export function mergeList<S extends Schema>(
  items: S,
  description: string,
  key: string,
  opts: {
    keys?: readonly string[];
    strategy?: PatchStrategy;
    listType?: 'map' | 'atomic';
    proto?: number;
  } = {},
): Field<ArraySchema<Infer<S>>> {
  return field(array(items), description, {
    patchStrategy: opts.strategy ?? 'merge',
    patchMergeKey: key,
    listType: opts.listType ?? 'map',
    ...(opts.listType === 'atomic' ? {} : { listMapKeys: opts.keys ?? [key] }),
    ...(opts.proto !== undefined ? { proto: opts.proto } : {}),
  });
}

/** A list of scalars with set semantics (strategic merge patch 'merge', apply 'set'). */
export function setList<S extends Schema>(
  items: S,
  description: string,
  opts: { proto?: number } = {},
): Field<ArraySchema<Infer<S>>> {
  return field(array(items), description, { patchStrategy: 'merge', listType: 'set', ...opts });
}

/** An atomic list: replaced whole by every patch and owned whole by one apply manager. */
export function atomicList<S extends Schema>(
  items: S,
  description: string,
  opts: { proto?: number } = {},
): Field<ArraySchema<Infer<S>>> {
  return field(array(items), description, { listType: 'atomic', ...opts });
}

// ---- walking --------------------------------------------------------------------------------

/** The field `name` of an object schema, if it has one. */
export function fieldOf(schema: Schema | undefined, name: string): Field | undefined {
  if (schema?.kind !== 'object') return undefined;
  return Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined;
}

/** The schema of one element of a list, or of one value of a map. */
export function elementOf(schema: Schema | undefined): Schema | undefined {
  if (schema?.kind === 'array') return schema.items;
  if (schema?.kind === 'map') return schema.values;
  return undefined;
}
