import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { allResourceDefs } from '../registry/index.ts';
import { OpenApiDocuments } from './openapi-documents.ts';
import { openApiV2Document } from './openapi-v2-document.ts';
import { encodeOpenApiV2Protobuf, extensionYaml } from './openapi-v2-protobuf.ts';
import type { SwaggerDocument } from './openapi-v2-types.ts';
import { decodeGnosticDocument, gnosticToSwagger, type Message } from './testing/gnostic-reader.ts';
import { allTestDefs } from './testing/test-defs.ts';

const doc = openApiV2Document(
  new OpenApiDocuments({ defs: allTestDefs, version: 'v1.32.0' }),
  'v1.32.0',
);

/** The JSON form the document is served as: what gnostic would have parsed. */
const asJson = (d: SwaggerDocument): unknown => JSON.parse(JSON.stringify(d)) as unknown;

function field(m: unknown, name: string): Message {
  return ((m as Message)[name] ?? {}) as Message;
}

function namedValue(list: unknown, name: string): Message {
  const hit = (list as Message[]).find((p) => p['name'] === name);
  if (!hit) throw new Error(`no ${name}`);
  return field(hit, 'value');
}

describe('the OpenAPI v2 document as gnostic protobuf', () => {
  it('decodes, field by field, into the JSON document it was written from', () => {
    const bytes = encodeOpenApiV2Protobuf(doc);
    expect(gnosticToSwagger(decodeGnosticDocument(bytes))).toEqual(asJson(doc));
  });

  it('does so for every served kind too', () => {
    const real = openApiV2Document(
      new OpenApiDocuments({ defs: allResourceDefs, version: 'v1.32.0' }),
      'v1.32.0',
    );
    const bytes = encodeOpenApiV2Protobuf(real);
    expect(gnosticToSwagger(decodeGnosticDocument(bytes))).toEqual(asJson(real));
    // Smaller than the JSON, as protobuf should be.
    expect(bytes.length).toBeLessThan(JSON.stringify(real).length);
  });

  it('puts the patch metadata of PodSpec.containers in NamedAny vendor extensions, as YAML', () => {
    const decoded = decodeGnosticDocument(encodeOpenApiV2Protobuf(doc));
    const podSpec = namedValue(
      field(decoded, 'definitions')['additional_properties'],
      'io.k8s.api.core.v1.PodSpec',
    );
    const containers = namedValue(
      field(podSpec, 'properties')['additional_properties'],
      'containers',
    );
    expect(field(containers, 'type')['value']).toEqual(['array']);
    const items = field(containers, 'items')['schema'] as Message[];
    expect(items.map((i) => i['_ref'])).toEqual(['#/definitions/io.k8s.api.core.v1.Container']);
    const ext = containers['vendor_extension'] as Message[];
    expect(ext.map((e) => [e['name'], field(e, 'value')['yaml']])).toEqual([
      ['x-kubernetes-list-map-keys', '- "name"\n'],
      ['x-kubernetes-list-type', '"map"\n'],
      ['x-kubernetes-patch-merge-key', '"name"\n'],
      ['x-kubernetes-patch-strategy', '"merge"\n'],
    ]);
  });

  it('writes the GVK extension of kinds and operations as YAML that yaml.v2 reads back', () => {
    const decoded = decodeGnosticDocument(encodeOpenApiV2Protobuf(doc));
    const pod = namedValue(
      field(decoded, 'definitions')['additional_properties'],
      'io.k8s.api.core.v1.Pod',
    );
    const gvk = (pod['vendor_extension'] as Message[]).find(
      (e) => e['name'] === 'x-kubernetes-group-version-kind',
    );
    expect(field(gvk, 'value')['yaml']).toBe('- group: ""\n  kind: "Pod"\n  version: "v1"\n');
    const item = namedValue(
      field(decoded, 'paths')['path'],
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
    );
    const patchExt = field(item, 'patch')['vendor_extension'] as Message[];
    expect(patchExt.map((e) => [e['name'], field(e, 'value')['yaml']])).toEqual([
      ['x-kubernetes-action', '"patch"\n'],
      ['x-kubernetes-group-version-kind', 'group: "apps"\nkind: "Deployment"\nversion: "v1"\n'],
    ]);
  });

  it('writes block YAML for any JSON value, read back the same by a YAML 1.1 reader', () => {
    const cases: unknown[] = [
      'merge,retainKeys',
      '',
      'true',
      'yes',
      'say "hi"\n\tand \\ more ünïcødé',
      42,
      false,
      null,
      [],
      {},
      ['containerPort', 'protocol'],
      [{ group: '', kind: 'Pod', version: 'v1' }],
      { group: 'apps', kind: 'Deployment', version: 'v1' },
      { nested: { list: [1, 'two', { three: [3] }], empty: [] }, on: 'key', 'with space': 1 },
      [[1, 2], [], [{ a: 1 }]],
    ];
    for (const value of cases) {
      const text = extensionYaml(value);
      expect(text.endsWith('\n'), JSON.stringify(value)).toBe(true);
      expect(parseYaml(text, { version: '1.1' }), text).toEqual(value);
    }
    expect(extensionYaml(['a', 'b'])).toBe('- "a"\n- "b"\n');
    expect(extensionYaml(true)).toBe('true\n');
  });

  it('keeps text exact: multi-byte characters, quotes and long descriptions', () => {
    const tiny: SwaggerDocument = {
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.32.0' },
      paths: {},
      definitions: {
        'x.y.Z': {
          type: 'object',
          description: `${'long '.repeat(5000)}— “quoted” ✓ 🚀`,
          properties: { a: { type: 'string', enum: ['A', 'B'] } },
          required: ['a'],
        },
      },
      security: [],
      securityDefinitions: {},
    };
    expect(gnosticToSwagger(decodeGnosticDocument(encodeOpenApiV2Protobuf(tiny)))).toEqual(
      asJson(tiny),
    );
  });
});
