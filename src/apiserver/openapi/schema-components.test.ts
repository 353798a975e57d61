import { describe, expect, it } from 'vitest';
import {
  any,
  array,
  atomicList,
  boolean,
  field,
  int32,
  int64,
  intOrString,
  map,
  mergeList,
  microTime,
  number,
  object,
  quantity,
  requiredField,
  setList,
  string,
  stringMap,
  time,
  type Fields,
  type ObjectSchema,
} from '../../api/index.ts';
import {
  intOrStringComponent,
  microTimeComponent,
  quantityComponent,
  SchemaComponents,
  timeComponent,
} from './schema-components.ts';
import type { OpenApiSchema } from './types.ts';

const ref = (name: string): OpenApiSchema => ({ $ref: `#/components/schemas/${name}` });

const item = object('io.example.v1.Item', 'An item.', {
  name: requiredField(string(), 'Name of the item.'),
  port: field(int32(), 'A port.'),
});

const thing = object(
  'io.example.v1.Thing',
  'A thing.',
  {
    kind: field(string(), 'Kind.'),
    spec: requiredField(item, 'The item.'),
    items: mergeList(item, 'Items by name.', 'name'),
    tags: setList(string(), 'Tags.'),
    refs: atomicList(item, 'Atomic items.'),
    selector: field(stringMap(), 'Selector.'),
    frozen: field(map(string(), { mapType: 'atomic' }), 'Frozen map.'),
    limits: field(map(quantity()), 'Limits.'),
    size: field(quantity(), 'Size.'),
    port: field(intOrString(), 'Port.'),
    created: field(time(), 'Created.'),
    renewed: field(microTime(), 'Renewed.'),
    policy: field(string({ enum: ['Always', 'Never'] as const }), 'Policy.', {
      default: 'Always',
    }),
    count: field(int64(), 'Count.'),
    ratio: field(number(), 'Ratio.'),
    on: field(boolean(), 'On.'),
    raw: field(any(), 'Raw.'),
    data: field(map(string({ format: 'byte' })), 'Data.'),
    strategy: field(item, 'Strategy.', { patchStrategy: 'retainKeys' }),
    plain: field(item, ''),
  },
  { gvk: [{ group: 'example.io', version: 'v1', kind: 'Thing' }] },
);

function thingComponent(): { c: SchemaComponents; schema: OpenApiSchema } {
  const c = new SchemaComponents();
  expect(c.refTo(thing)).toEqual(ref('io.example.v1.Thing'));
  const schema = c.component('io.example.v1.Thing');
  if (!schema) throw new Error('Thing was not registered');
  return { c, schema };
}

function prop(schema: OpenApiSchema, name: string): OpenApiSchema {
  const p = schema.properties?.[name];
  if (!p) throw new Error(`no property ${name}`);
  return p;
}

describe('SchemaComponents', () => {
  it('turns an object schema into a component with sorted properties and required fields in declaration order', () => {
    const { schema } = thingComponent();
    expect(schema.description).toBe('A thing.');
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties ?? {})).toEqual(Object.keys(thing.fields).sort());
    expect(schema.required).toEqual(['spec']);
    expect(schema['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.io', kind: 'Thing', version: 'v1' },
    ]);
  });

  it('wraps a reference that has a description, default or patch extension in allOf', () => {
    const { schema } = thingComponent();
    expect(prop(schema, 'spec')).toEqual({
      allOf: [ref('io.example.v1.Item')],
      description: 'The item.',
    });
    expect(prop(schema, 'strategy')).toEqual({
      allOf: [ref('io.example.v1.Item')],
      description: 'Strategy.',
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    // Nothing to say next to the reference: a bare $ref.
    expect(prop(schema, 'plain')).toEqual(ref('io.example.v1.Item'));
  });

  it('puts patch and list extensions on list fields, items as references', () => {
    const { schema } = thingComponent();
    expect(prop(schema, 'items')).toEqual({
      type: 'array',
      items: ref('io.example.v1.Item'),
      description: 'Items by name.',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(prop(schema, 'tags')).toEqual({
      type: 'array',
      items: { type: 'string' },
      description: 'Tags.',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'set',
    });
    expect(prop(schema, 'refs')).toEqual({
      type: 'array',
      items: ref('io.example.v1.Item'),
      description: 'Atomic items.',
      'x-kubernetes-list-type': 'atomic',
    });
  });

  it('describes maps with additionalProperties and their map type', () => {
    const { schema } = thingComponent();
    expect(prop(schema, 'selector')).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Selector.',
    });
    expect(prop(schema, 'frozen')).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
      'x-kubernetes-map-type': 'atomic',
      description: 'Frozen map.',
    });
    expect(prop(schema, 'limits').additionalProperties).toEqual(ref(quantityComponent));
    expect(prop(schema, 'data').additionalProperties).toEqual({ type: 'string', format: 'byte' });
  });

  it('references the apimachinery components for Quantity, IntOrString, Time and MicroTime', () => {
    const { c, schema } = thingComponent();
    expect(prop(schema, 'size')).toEqual({ allOf: [ref(quantityComponent)], description: 'Size.' });
    expect(prop(schema, 'port')).toEqual({
      allOf: [ref(intOrStringComponent)],
      description: 'Port.',
    });
    expect(prop(schema, 'created').allOf).toEqual([ref(timeComponent)]);
    expect(prop(schema, 'renewed').allOf).toEqual([ref(microTimeComponent)]);
    // Shaped like upstream's: oneOf for the two scalar unions (kubectl explain prints the component
    // name for them), a date-time string for times (it prints <string>).
    expect(c.component(quantityComponent)).toMatchObject({
      oneOf: [{ type: 'string' }, { type: 'number' }],
    });
    expect(c.component(quantityComponent)?.type).toBeUndefined();
    expect(c.component(intOrStringComponent)).toMatchObject({
      format: 'int-or-string',
      oneOf: [{ type: 'integer' }, { type: 'string' }],
    });
    expect(c.component(timeComponent)).toMatchObject({ type: 'string', format: 'date-time' });
    expect(c.component(microTimeComponent)).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('inlines scalars with format, enum and default', () => {
    const { schema } = thingComponent();
    expect(prop(schema, 'policy')).toEqual({
      type: 'string',
      enum: ['Always', 'Never'],
      description: 'Policy.',
      default: 'Always',
    });
    expect(prop(schema, 'count')).toEqual({
      type: 'integer',
      format: 'int64',
      description: 'Count.',
    });
    expect(prop(schema, 'ratio')).toEqual({
      type: 'number',
      format: 'double',
      description: 'Ratio.',
    });
    expect(prop(schema, 'on')).toEqual({ type: 'boolean', description: 'On.' });
    expect(prop(schema, 'raw')).toEqual({ type: 'object', description: 'Raw.' });
  });

  it('marks atomic structs and objects that keep unknown fields', () => {
    const c = new SchemaComponents();
    const ref1 = object(
      'io.example.v1.Ref',
      'A reference.',
      { name: field(string(), 'N.') },
      {
        atomic: true,
      },
    );
    const open = object('io.example.v1.Open', 'Anything.', {}, { preserveUnknownFields: true });
    c.refTo(ref1);
    c.refTo(open);
    expect(c.component('io.example.v1.Ref')?.['x-kubernetes-map-type']).toBe('atomic');
    expect(c.component('io.example.v1.Open')).toEqual({
      description: 'Anything.',
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('handles recursive types', () => {
    const fields: Record<string, Fields[string]> = { name: field(string(), 'Name.') };
    const node: ObjectSchema = object('io.example.v1.Node', 'A tree node.', fields);
    fields['children'] = field(array(node), 'Children.');
    const c = new SchemaComponents();
    c.refTo(node);
    expect(c.component('io.example.v1.Node')?.properties?.['children']).toEqual({
      type: 'array',
      items: ref('io.example.v1.Node'),
      description: 'Children.',
    });
    expect(Object.keys(c.closure(['io.example.v1.Node']))).toEqual(['io.example.v1.Node']);
  });

  it('gives the closure of references, sorted by name, built-ins included', () => {
    const { c } = thingComponent();
    const other = object('io.example.v1.Other', 'Unrelated.', {});
    c.refTo(other);
    expect(Object.keys(c.closure(['io.example.v1.Thing']))).toEqual(
      [
        quantityComponent,
        timeComponent,
        microTimeComponent,
        intOrStringComponent,
        'io.example.v1.Item',
        'io.example.v1.Thing',
      ].sort(),
    );
    expect(Object.keys(c.closure(['io.example.v1.Item']))).toEqual(['io.example.v1.Item']);
    expect(c.closure(['io.example.v1.Missing'])).toEqual({});
  });

  it('adds extra GVKs and always writes group, kind and version', () => {
    const c = new SchemaComponents({
      extraGvks: (name) =>
        name === 'io.example.v1.Thing'
          ? [
              { group: 'example.io', kind: 'Thing', version: 'v1' },
              { group: '', kind: 'Thing', version: 'v1' },
            ]
          : undefined,
    });
    c.refTo(thing);
    expect(c.component('io.example.v1.Thing')?.['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.io', kind: 'Thing', version: 'v1' },
      { group: '', kind: 'Thing', version: 'v1' },
    ]);
  });

  it('keeps the first of two schemas with one name and reports it when they differ', () => {
    const c = new SchemaComponents();
    const a = object('io.example.v1.Dup', 'First.', { x: field(string(), 'X.') });
    const same = object('io.example.v1.Dup', 'First.', { x: field(string(), 'X.') });
    const different = object('io.example.v1.Dup', 'Second.', { y: field(string(), 'Y.') });
    c.refTo(a);
    c.refTo(same);
    expect(c.conflicts).toEqual([]);
    c.refTo(different);
    expect(c.conflicts).toEqual(['io.example.v1.Dup']);
    expect(c.component('io.example.v1.Dup')?.description).toBe('First.');
  });
});
