/**
 * What server-side apply needs to know about a schema node, resolved once from our schema DSL
 * (the equivalent of upstream's conversion of OpenAPI into structured-merge-diff types):
 *
 *   leaf    scalars (and `any`, owned whole): string, numeric, boolean or untyped scalar
 *   struct  an object schema; `atomic` when `x-kubernetes-map-type: atomic`
 *   map     `map[string]X`; `atomic` when `mapType: 'atomic'`
 *   list    `listType` atomic (the default), set, or map (with `listMapKeys`); a list without a
 *           listType but with patchStrategy merge is associative, as upstream's schema
 *           conversion makes it (keyed on patchMergeKey, or a set without one)
 *
 * Shapes are cached per schema (and per field, for lists, since list semantics live on the field).
 */
import type { ArraySchema, Field, MapSchema, ObjectSchema, Schema } from '../../api/index.ts';

export type ScalarType = 'numeric' | 'string' | 'boolean' | 'untyped' | 'any';

export interface LeafShape {
  readonly kind: 'leaf';
  readonly scalar: ScalarType;
}

export interface StructShape {
  readonly kind: 'struct';
  readonly schema: ObjectSchema;
  readonly atomic: boolean;
  /** Unknown fields are kept (and owned as leaves) instead of rejected. */
  readonly open: boolean;
  /**
   * Fields that exist in upstream's Go zero value of this struct: non-pointer structs (`{}`) and
   * fields without `omitempty` (`null`). See `zeroValueOf`.
   */
  readonly zeroFields: ReadonlyMap<string, null | Record<string, never>>;
}

export interface MapShape {
  readonly kind: 'map';
  readonly schema: MapSchema;
  readonly atomic: boolean;
}

export interface ListShape {
  readonly kind: 'list';
  readonly schema: ArraySchema;
  readonly relation: 'atomic' | 'set' | 'map';
  readonly keys: readonly string[];
}

export type Shape = LeafShape | StructShape | MapShape | ListShape;

const leafShapes: Readonly<Record<ScalarType, LeafShape>> = {
  numeric: { kind: 'leaf', scalar: 'numeric' },
  string: { kind: 'leaf', scalar: 'string' },
  boolean: { kind: 'leaf', scalar: 'boolean' },
  untyped: { kind: 'leaf', scalar: 'untyped' },
  any: { kind: 'leaf', scalar: 'any' },
};

/** The shape used for fields a schema does not declare (kept as opaque leaves). */
export const anyShape: LeafShape = leafShapes.any;

const bySchema = new WeakMap<Schema, Shape>();
const byField = new WeakMap<Field, Shape>();

/** The shape of a schema node; pass the field when the node is a struct field (list semantics). */
export function shapeOf(schema: Schema, field?: Field): Shape {
  if (schema.kind === 'array' && field !== undefined) {
    let s = byField.get(field);
    if (s === undefined) {
      s = listShape(schema, field);
      byField.set(field, s);
    }
    return s;
  }
  let s = bySchema.get(schema);
  if (s === undefined) {
    s = computeShape(schema);
    bySchema.set(schema, s);
  }
  return s;
}

function computeShape(schema: Schema): Shape {
  switch (schema.kind) {
    case 'string':
      // date-time and other formatted strings are untyped scalars upstream; plain ones strings.
      return schema.format === undefined || schema.format === 'byte'
        ? leafShapes.string
        : leafShapes.untyped;
    case 'integer':
    case 'number':
      return leafShapes.numeric;
    case 'boolean':
      return leafShapes.boolean;
    case 'quantity':
    case 'int-or-string':
    case 'time':
      return leafShapes.untyped;
    case 'any':
      return leafShapes.any;
    case 'array':
      return listShape(schema, undefined);
    case 'map':
      return { kind: 'map', schema, atomic: schema.mapType === 'atomic' };
    case 'object':
      return {
        kind: 'struct',
        schema,
        atomic: schema.atomic === true,
        open: schema.preserveUnknownFields === true,
        zeroFields: zeroFieldsOf(schema),
      };
  }
}

function listShape(schema: ArraySchema, field: Field | undefined): ListShape {
  const listType = field?.listType;
  if (listType === 'map') {
    return { kind: 'list', schema, relation: 'map', keys: field?.listMapKeys ?? [] };
  }
  if (listType === 'set') return { kind: 'list', schema, relation: 'set', keys: [] };
  if (listType === undefined && field?.patchStrategy?.startsWith('merge') === true) {
    const key = field.patchMergeKey;
    return key === undefined
      ? { kind: 'list', schema, relation: 'set', keys: [] }
      : { kind: 'list', schema, relation: 'map', keys: [key] };
  }
  return { kind: 'list', schema, relation: 'atomic', keys: [] };
}

/** The shape of field `name` of a struct, or undefined when the struct does not declare it. */
export function fieldShape(s: StructShape, name: string): Shape | undefined {
  if (!Object.hasOwn(s.schema.fields, name)) return undefined;
  const f = s.schema.fields[name];
  return f === undefined ? undefined : shapeOf(f.schema, f);
}

export function valuesShape(m: MapShape): Shape {
  return shapeOf(m.schema.values);
}

export function itemsShape(l: ListShape): Shape {
  return shapeOf(l.schema.items);
}

/** The default of a list-map key field (upstream fills missing key fields from it). */
export function keyDefault(l: ListShape, key: string): unknown {
  const items = l.schema.items;
  if (items.kind !== 'object' || !Object.hasOwn(items.fields, key)) return undefined;
  return items.fields[key]?.default;
}

// ---- Go zero values ---------------------------------------------------------------------------

/**
 * Non-pointer struct fields of the built-in types, by OpenAPI component name. Upstream compares
 * Go objects, where such a field always exists (as `{}` when empty), so creating an object never
 * "adds" it and managers do not own it as a whole (no `.` in their FieldsV1). Top-level kinds'
 * `metadata`, `spec` and `status` are handled generically.
 */
const nonPointerStructFields: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.core.v1.PodTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.core.v1.PodTemplate': ['template'],
  'io.k8s.api.core.v1.Container': ['resources'],
  'io.k8s.api.core.v1.EphemeralContainer': ['resources'],
  'io.k8s.api.core.v1.ContainerStatus': ['state', 'lastState'],
  'io.k8s.api.core.v1.NodeStatus': ['daemonEndpoints', 'nodeInfo'],
  'io.k8s.api.core.v1.NodeDaemonEndpoints': ['kubeletEndpoint'],
  'io.k8s.api.core.v1.ServiceStatus': ['loadBalancer'],
  'io.k8s.api.core.v1.Event': ['involvedObject', 'source'],
  'io.k8s.api.core.v1.Binding': ['target'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': ['resources'],
  'io.k8s.api.apps.v1.DeploymentSpec': ['template', 'strategy'],
  'io.k8s.api.apps.v1.ReplicaSetSpec': ['template'],
  'io.k8s.api.apps.v1.DaemonSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.apps.v1.StatefulSetSpec': ['template', 'updateStrategy'],
  'io.k8s.api.batch.v1.JobSpec': ['template'],
  'io.k8s.api.batch.v1.CronJobSpec': ['jobTemplate'],
  'io.k8s.api.batch.v1.JobTemplateSpec': ['metadata', 'spec'],
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec': ['scaleTargetRef'],
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': ['scaleTargetRef'],
};

/**
 * Non-pointer `metav1.Time` fields, which Go always writes (as null when unset): a condition
 * written without `lastProbeTime` still has its owner own it, as upstream shows.
 */
const nonPointerTimeFields: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.core.v1.PodCondition': ['lastProbeTime', 'lastTransitionTime'],
  'io.k8s.api.core.v1.NodeCondition': ['lastHeartbeatTime', 'lastTransitionTime'],
  'io.k8s.api.core.v1.NamespaceCondition': ['lastTransitionTime'],
  'io.k8s.api.core.v1.PersistentVolumeClaimCondition': ['lastProbeTime', 'lastTransitionTime'],
  'io.k8s.api.core.v1.ReplicationControllerCondition': ['lastTransitionTime'],
  'io.k8s.api.core.v1.ContainerStateRunning': ['startedAt'],
  'io.k8s.api.core.v1.ContainerStateTerminated': ['startedAt', 'finishedAt'],
  'io.k8s.api.core.v1.Event': ['firstTimestamp', 'lastTimestamp', 'eventTime'],
  'io.k8s.api.apps.v1.DeploymentCondition': ['lastUpdateTime', 'lastTransitionTime'],
  'io.k8s.api.apps.v1.ReplicaSetCondition': ['lastTransitionTime'],
  'io.k8s.api.apps.v1.DaemonSetCondition': ['lastTransitionTime'],
  'io.k8s.api.apps.v1.StatefulSetCondition': ['lastTransitionTime'],
  'io.k8s.api.batch.v1.JobCondition': ['lastProbeTime', 'lastTransitionTime'],
};

const emptyStruct: Record<string, never> = Object.freeze({});

function zeroFieldsOf(schema: ObjectSchema): ReadonlyMap<string, null | Record<string, never>> {
  const zero = new Map<string, null | Record<string, never>>();
  const structs = new Set(nonPointerStructFields[schema.name] ?? []);
  const times = new Set(nonPointerTimeFields[schema.name] ?? []);
  if (schema.gvk !== undefined && schema.gvk.length > 0) {
    for (const f of ['metadata', 'spec', 'status']) structs.add(f);
  }
  for (const [name, f] of Object.entries(schema.fields)) {
    if (structs.has(name) && f.schema.kind === 'object') zero.set(name, emptyStruct);
    else if (f.required === true || (times.has(name) && f.schema.kind === 'time')) {
      zero.set(name, null);
    }
  }
  return zero;
}
