/**
 * Go type names for decoding messages. Upstream's decoder names the Go type a value could not be
 * stored in (`... of type int32`, `... of type v1.RestartPolicy`, `... of type []v1.Container`);
 * most names follow from the schema, and named Go types that the schema cannot tell apart from
 * their underlying type (`type RestartPolicy string`, `type ResourceList map[...]Quantity`) are
 * annotated where the schema is defined:
 *
 *   restartPolicy: field(goType('v1.RestartPolicy', string({ enum: [...] })), '...'),
 *
 * Annotations live beside the schema objects (a WeakMap), so the DSL itself is unchanged.
 */
import type { ObjectSchema, Schema } from './schema.ts';

const names = new WeakMap<Schema, string>();

/** Annotates `schema` with the Go type upstream declares for it, and returns it. */
export function goType<S extends Schema>(name: string, schema: S): S {
  names.set(schema, name);
  return schema;
}

/** `Container` for `io.k8s.api.core.v1.Container`: the Go struct's name. */
export function goStructName(schema: ObjectSchema): string {
  const annotated = names.get(schema);
  if (annotated !== undefined) {
    const dot = annotated.lastIndexOf('.');
    return dot < 0 ? annotated : annotated.slice(dot + 1);
  }
  const dot = schema.name.lastIndexOf('.');
  return dot < 0 ? schema.name : schema.name.slice(dot + 1);
}

/** `v1.Container` for `io.k8s.api.core.v1.Container`: package name and type, as Go prints it. */
function objectTypeName(schema: ObjectSchema): string {
  const parts = schema.name.split('.');
  const type = parts[parts.length - 1] ?? schema.name;
  const pkg = parts[parts.length - 2];
  return pkg ? `${pkg}.${type}` : type;
}

/** The Go type upstream decodes a value of this schema into, as `reflect.Type.String()`. */
export function goTypeOf(schema: Schema): string {
  const annotated = names.get(schema);
  if (annotated !== undefined) return annotated;
  switch (schema.kind) {
    case 'string':
      return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return schema.format;
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'quantity':
      return 'resource.Quantity';
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'time':
      return schema.micro ? 'v1.MicroTime' : 'v1.Time';
    case 'any':
      return 'interface {}';
    case 'array':
      return '[]' + goTypeOf(schema.items);
    case 'map':
      return 'map[string]' + goTypeOf(schema.values);
    case 'object':
      return objectTypeName(schema);
  }
}
