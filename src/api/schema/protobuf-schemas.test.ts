/**
 * Every schema the api module exports can be carried by protobuf: every field has its upstream
 * field number (`proto`), numbers are unique within each message, and the layout tables of
 * `protobuf-layout.ts` name fields that exist.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../index.ts';
import { protobufInlineMessages, protobufZeroKeptFields } from './protobuf-layout.ts';
import type { ObjectSchema, Schema } from './schema.ts';

const schemaKinds = new Set([
  'string',
  'integer',
  'number',
  'boolean',
  'quantity',
  'int-or-string',
  'time',
  'any',
  'array',
  'map',
  'object',
]);

function isSchema(v: unknown): v is Schema {
  return (
    typeof v === 'object' && v !== null && schemaKinds.has(String((v as { kind?: unknown }).kind))
  );
}

/** Every object schema reachable from the exported `...Schema` values, by identity. */
function reachableObjects(): ObjectSchema[] {
  const seen = new Set<ObjectSchema>();
  const visit = (s: Schema): void => {
    if (s.kind === 'array') visit(s.items);
    else if (s.kind === 'map') visit(s.values);
    else if (s.kind === 'object' && !seen.has(s)) {
      seen.add(s);
      for (const f of Object.values(s.fields)) visit(f.schema);
    }
  };
  for (const [name, value] of Object.entries(api)) {
    if (name.endsWith('Schema') && isSchema(value)) visit(value);
  }
  return [...seen];
}

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Upstream marks these `+protobuf=false`: they are only ever served as JSON. */
const jsonOnly = new Set([meta + 'Table', meta + 'TableRow', meta + 'TableColumnDefinition']);

const objects = reachableObjects();
const byName = new Map<string, ObjectSchema[]>();
for (const o of objects) byName.set(o.name, [...(byName.get(o.name) ?? []), o]);

describe('protobuf field numbers', () => {
  it('reaches the schemas of every served group version', () => {
    const names = new Set(objects.map((o) => o.name));
    for (const n of [
      'io.k8s.api.core.v1.Pod',
      'io.k8s.api.core.v1.PersistentVolume',
      'io.k8s.api.apps.v1.StatefulSet',
      'io.k8s.api.batch.v1.CronJob',
      'io.k8s.api.autoscaling.v1.Scale',
      'io.k8s.api.coordination.v1.Lease',
      'io.k8s.api.discovery.v1.EndpointSlice',
      meta + 'DeleteOptions',
      meta + 'Status',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
    expect(objects.length).toBeGreaterThan(250);
  });

  it('gives every field a number, except TypeMeta and the JSON-only Table types', () => {
    const missing: string[] = [];
    for (const o of objects) {
      for (const [name, f] of Object.entries(o.fields)) {
        if (f.proto !== undefined) {
          expect(Number.isInteger(f.proto) && f.proto > 0, `${o.name}.${name}`).toBe(true);
          continue;
        }
        if (jsonOnly.has(o.name)) continue;
        // apiVersion and kind of an inline TypeMeta travel in the envelope, in pairs.
        if (
          (name === 'apiVersion' || name === 'kind') &&
          o.fields.apiVersion?.proto === undefined
        ) {
          expect(o.fields.kind?.proto, `${o.name} has apiVersion and kind together`).toBe(
            undefined,
          );
          continue;
        }
        missing.push(`${o.name}.${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('numbers the object metadata 1 and list items 2, as every upstream kind does', () => {
    for (const o of objects) {
      if (!o.gvk || jsonOnly.has(o.name)) continue;
      const m = o.fields.metadata;
      if (m !== undefined) expect(m.proto, `${o.name}.metadata`).toBe(1);
      if (o.name.endsWith('List') && o.fields.items) {
        expect(o.fields.items.proto, `${o.name}.items`).toBe(2);
      }
    }
  });

  it('keeps numbers unique within each message, inline embedded messages apart', () => {
    const clashes: string[] = [];
    for (const o of objects) {
      const inlines = protobufInlineMessages[o.name] ?? [];
      const spaces = new Map<string, Map<number, string>>();
      const use = (space: string, num: number, name: string): void => {
        const m = spaces.get(space) ?? new Map<number, string>();
        spaces.set(space, m);
        const other = m.get(num);
        if (other !== undefined) clashes.push(`${o.name} ${space}: ${other} and ${name} = ${num}`);
        m.set(num, name);
      };
      for (const inline of inlines) use('', inline.proto, inline.goName);
      for (const [name, f] of Object.entries(o.fields)) {
        if (f.proto === undefined) continue;
        const inline = inlines.find((m) => m.fields.includes(name));
        use(inline?.goName ?? '', f.proto, name);
      }
    }
    expect(clashes).toEqual([]);
  });
});

describe('protobuf layout tables', () => {
  it('name inline fields that exist in their schema', () => {
    for (const [name, inlines] of Object.entries(protobufInlineMessages)) {
      const schemas = byName.get(name);
      expect(schemas, name).toBeDefined();
      for (const s of schemas ?? []) {
        for (const inline of inlines) {
          for (const f of inline.fields) {
            expect(s.fields[f]?.proto, `${name}.${f}`).toBeTypeOf('number');
          }
        }
      }
    }
    // The fields of Volume's VolumeSource are Volume's fields but its name.
    const volume = api.volumeSchema;
    const source = protobufInlineMessages[volume.name]?.[0]?.fields ?? [];
    expect([...source, 'name'].sort()).toEqual(Object.keys(volume.fields).sort());
  });

  it('keep zeros only of optional scalar fields that exist', () => {
    for (const [name, fields] of Object.entries(protobufZeroKeptFields)) {
      const schemas = byName.get(name);
      expect(schemas, name).toBeDefined();
      for (const s of schemas ?? []) {
        for (const f of fields) {
          const field = s.fields[f];
          expect(field, `${name}.${f}`).toBeDefined();
          expect(['string', 'integer', 'boolean'], `${name}.${f}`).toContain(field?.schema.kind);
          expect(field?.required, `${name}.${f}`).not.toBe(true);
        }
      }
    }
  });
});
