/**
 * A strict, independent reader of gnostic's `openapi.v2.Document` protobuf message, for tests:
 * it decodes the bytes with its own wire reader and a table of the messages' fields (written from
 * gnostic-models' openapiv2/OpenAPIv2.proto), then turns the message back into the Swagger JSON
 * it stands for, as gnostic does when it renders a Document (named pairs become objects, `Any`
 * YAML becomes values, one-element wrappers are unwrapped).
 *
 * Stricter than Go's protobuf runtime on purpose: a field number the table does not know, a
 * wire type that does not match the field's type, a singular field written twice, invalid UTF-8
 * or bytes past the end are errors, so an encoder bug cannot hide as an ignored unknown field.
 */
import { parse as parseYaml } from 'yaml';

type Scalar = 'string' | 'bool' | 'int64' | 'double';
interface FieldDesc {
  readonly name: string;
  readonly type: Scalar | { readonly message: string };
  readonly repeated?: boolean;
}
type MessageDesc = Readonly<Record<number, FieldDesc>>;

const s = (name: string): FieldDesc => ({ name, type: 'string' });
const ss = (name: string): FieldDesc => ({ name, type: 'string', repeated: true });
const b = (name: string): FieldDesc => ({ name, type: 'bool' });
const i64 = (name: string): FieldDesc => ({ name, type: 'int64' });
const d = (name: string): FieldDesc => ({ name, type: 'double' });
const m = (name: string, message: string): FieldDesc => ({ name, type: { message } });
const mm = (name: string, message: string): FieldDesc => ({
  name,
  type: { message },
  repeated: true,
});

/** The fields of a parameter sub-schema after `name` (query/form have allow_empty_value first). */
function parameterTail(first: number): Record<number, FieldDesc> {
  const names: FieldDesc[] = [
    s('type'),
    s('format'),
    m('items', 'PrimitivesItems'),
    s('collection_format'),
    m('default', 'Any'),
    d('maximum'),
    b('exclusive_maximum'),
    d('minimum'),
    b('exclusive_minimum'),
    i64('max_length'),
    i64('min_length'),
    s('pattern'),
    i64('max_items'),
    i64('min_items'),
    b('unique_items'),
    mm('enum', 'Any'),
    d('multiple_of'),
    mm('vendor_extension', 'NamedAny'),
  ];
  const out: Record<number, FieldDesc> = {};
  names.forEach((f, i) => (out[first + i] = f));
  return out;
}

const messages: Readonly<Record<string, MessageDesc>> = {
  Document: {
    1: s('swagger'),
    2: m('info', 'Info'),
    3: s('host'),
    4: s('base_path'),
    5: ss('schemes'),
    6: ss('consumes'),
    7: ss('produces'),
    8: m('paths', 'Paths'),
    9: m('definitions', 'Definitions'),
    10: m('parameters', 'ParameterDefinitions'),
    11: m('responses', 'ResponseDefinitions'),
    12: mm('security', 'SecurityRequirement'),
    13: m('security_definitions', 'SecurityDefinitions'),
    14: mm('tags', 'Tag'),
    15: m('external_docs', 'ExternalDocs'),
    16: mm('vendor_extension', 'NamedAny'),
  },
  Info: {
    1: s('title'),
    2: s('version'),
    3: s('description'),
    4: s('terms_of_service'),
    5: m('contact', 'Contact'),
    6: m('license', 'License'),
    7: mm('vendor_extension', 'NamedAny'),
  },
  Contact: { 1: s('name'), 2: s('url'), 3: s('email'), 4: mm('vendor_extension', 'NamedAny') },
  License: { 1: s('name'), 2: s('url'), 3: mm('vendor_extension', 'NamedAny') },
  ExternalDocs: { 1: s('description'), 2: s('url'), 3: mm('vendor_extension', 'NamedAny') },
  Tag: {
    1: s('name'),
    2: s('description'),
    3: m('external_docs', 'ExternalDocs'),
    4: mm('vendor_extension', 'NamedAny'),
  },
  Paths: { 1: mm('vendor_extension', 'NamedAny'), 2: mm('path', 'NamedPathItem') },
  NamedPathItem: { 1: s('name'), 2: m('value', 'PathItem') },
  PathItem: {
    1: s('_ref'),
    2: m('get', 'Operation'),
    3: m('put', 'Operation'),
    4: m('post', 'Operation'),
    5: m('delete', 'Operation'),
    6: m('options', 'Operation'),
    7: m('head', 'Operation'),
    8: m('patch', 'Operation'),
    9: mm('parameters', 'ParametersItem'),
    10: mm('vendor_extension', 'NamedAny'),
  },
  Operation: {
    1: ss('tags'),
    2: s('summary'),
    3: s('description'),
    4: m('external_docs', 'ExternalDocs'),
    5: s('operation_id'),
    6: ss('produces'),
    7: ss('consumes'),
    8: mm('parameters', 'ParametersItem'),
    9: m('responses', 'Responses'),
    10: ss('schemes'),
    11: b('deprecated'),
    12: mm('security', 'SecurityRequirement'),
    13: mm('vendor_extension', 'NamedAny'),
  },
  ParametersItem: { 1: m('parameter', 'Parameter'), 2: m('json_reference', 'JsonReference') },
  JsonReference: { 1: s('_ref'), 2: s('description') },
  Parameter: {
    1: m('body_parameter', 'BodyParameter'),
    2: m('non_body_parameter', 'NonBodyParameter'),
  },
  BodyParameter: {
    1: s('description'),
    2: s('name'),
    3: s('in'),
    4: b('required'),
    5: m('schema', 'Schema'),
    6: mm('vendor_extension', 'NamedAny'),
  },
  NonBodyParameter: {
    1: m('header_parameter_sub_schema', 'HeaderParameterSubSchema'),
    2: m('form_data_parameter_sub_schema', 'FormDataParameterSubSchema'),
    3: m('query_parameter_sub_schema', 'QueryParameterSubSchema'),
    4: m('path_parameter_sub_schema', 'PathParameterSubSchema'),
  },
  HeaderParameterSubSchema: {
    1: b('required'),
    2: s('in'),
    3: s('description'),
    4: s('name'),
    ...parameterTail(5),
  },
  PathParameterSubSchema: {
    1: b('required'),
    2: s('in'),
    3: s('description'),
    4: s('name'),
    ...parameterTail(5),
  },
  QueryParameterSubSchema: {
    1: b('required'),
    2: s('in'),
    3: s('description'),
    4: s('name'),
    5: b('allow_empty_value'),
    ...parameterTail(6),
  },
  FormDataParameterSubSchema: {
    1: b('required'),
    2: s('in'),
    3: s('description'),
    4: s('name'),
    5: b('allow_empty_value'),
    ...parameterTail(6),
  },
  PrimitivesItems: {
    1: s('type'),
    2: s('format'),
    3: m('items', 'PrimitivesItems'),
    4: s('collection_format'),
    5: m('default', 'Any'),
  },
  Responses: {
    1: mm('response_code', 'NamedResponseValue'),
    2: mm('vendor_extension', 'NamedAny'),
  },
  NamedResponseValue: { 1: s('name'), 2: m('value', 'ResponseValue') },
  ResponseValue: { 1: m('response', 'Response'), 2: m('json_reference', 'JsonReference') },
  Response: {
    1: s('description'),
    2: m('schema', 'SchemaItem'),
    3: m('headers', 'Headers'),
    4: m('examples', 'Examples'),
    5: mm('vendor_extension', 'NamedAny'),
  },
  Headers: { 1: mm('additional_properties', 'NamedHeader') },
  NamedHeader: { 1: s('name'), 2: m('value', 'Header') },
  Header: { 1: s('type'), 2: s('format'), 18: s('description') },
  Examples: { 1: mm('additional_properties', 'NamedAny') },
  SchemaItem: { 1: m('schema', 'Schema'), 2: m('file_schema', 'FileSchema') },
  FileSchema: { 1: s('format'), 2: s('title'), 3: s('description'), 6: s('type') },
  Definitions: { 1: mm('additional_properties', 'NamedSchema') },
  ParameterDefinitions: { 1: mm('additional_properties', 'NamedParameter') },
  NamedParameter: { 1: s('name'), 2: m('value', 'Parameter') },
  ResponseDefinitions: { 1: mm('additional_properties', 'NamedResponse') },
  NamedResponse: { 1: s('name'), 2: m('value', 'Response') },
  NamedSchema: { 1: s('name'), 2: m('value', 'Schema') },
  Schema: {
    1: s('_ref'),
    2: s('format'),
    3: s('title'),
    4: s('description'),
    5: m('default', 'Any'),
    6: d('multiple_of'),
    7: d('maximum'),
    8: b('exclusive_maximum'),
    9: d('minimum'),
    10: b('exclusive_minimum'),
    11: i64('max_length'),
    12: i64('min_length'),
    13: s('pattern'),
    14: i64('max_items'),
    15: i64('min_items'),
    16: b('unique_items'),
    17: i64('max_properties'),
    18: i64('min_properties'),
    19: ss('required'),
    20: mm('enum', 'Any'),
    21: m('additional_properties', 'AdditionalPropertiesItem'),
    22: m('type', 'TypeItem'),
    23: m('items', 'ItemsItem'),
    24: mm('all_of', 'Schema'),
    25: m('properties', 'Properties'),
    26: s('discriminator'),
    27: b('read_only'),
    28: m('xml', 'Xml'),
    29: m('external_docs', 'ExternalDocs'),
    30: m('example', 'Any'),
    31: mm('vendor_extension', 'NamedAny'),
  },
  Xml: { 1: s('name'), 2: s('namespace'), 3: s('prefix'), 4: b('attribute'), 5: b('wrapped') },
  AdditionalPropertiesItem: { 1: m('schema', 'Schema'), 2: b('boolean') },
  TypeItem: { 1: ss('value') },
  ItemsItem: { 1: mm('schema', 'Schema') },
  Properties: { 1: mm('additional_properties', 'NamedSchema') },
  NamedAny: { 1: s('name'), 2: m('value', 'Any') },
  // google.protobuf.Any (value = 1) is never written by the API server; only the YAML text is.
  Any: { 2: s('yaml') },
  SecurityRequirement: { 1: mm('additional_properties', 'NamedStringArray') },
  NamedStringArray: { 1: s('name'), 2: m('value', 'StringArray') },
  StringArray: { 1: ss('value') },
  SecurityDefinitions: { 1: mm('additional_properties', 'NamedSecurityDefinitionsItem') },
  NamedSecurityDefinitionsItem: { 1: s('name'), 2: m('value', 'SecurityDefinitionsItem') },
  SecurityDefinitionsItem: {
    1: m('basic_authentication_security', 'BasicAuthenticationSecurity'),
    2: m('api_key_security', 'ApiKeySecurity'),
  },
  BasicAuthenticationSecurity: { 1: s('type'), 2: s('description') },
  ApiKeySecurity: {
    1: s('type'),
    2: s('name'),
    3: s('in'),
    4: s('description'),
    5: mm('vendor_extension', 'NamedAny'),
  },
};

/** A decoded message: proto field names to values; repeated fields are arrays. */
export type Message = { [field: string]: unknown };

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos: number;
  private readonly buf: Uint8Array;

  constructor(buf: Uint8Array, pos = 0) {
    this.buf = buf;
    this.pos = pos;
  }

  varint(end: number): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= end) throw new Error('truncated varint');
      if (shift > 63n) throw new Error('varint too long');
      const byte = this.buf[this.pos++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
  }

  message(type: string, end: number, path: string): Message {
    const desc = messages[type];
    if (!desc) throw new Error(`${path}: no message type ${type}`);
    const out: Message = {};
    while (this.pos < end) {
      const tag = this.varint(end);
      const num = Number(tag >> 3n);
      const wire = Number(tag & 7n);
      const field = desc[num];
      if (!field) throw new Error(`${path}: ${type} has no field ${num}`);
      const at = `${path}.${field.name}`;
      let value: unknown;
      const t = field.type;
      if (typeof t === 'object' || t === 'string') {
        if (wire !== 2) throw new Error(`${at}: wire type ${wire}, want 2`);
        const len = Number(this.varint(end));
        const stop = this.pos + len;
        if (stop > end) throw new Error(`${at}: length ${len} past the end`);
        if (typeof t === 'object') value = this.message(t.message, stop, at);
        else value = utf8.decode(this.buf.subarray(this.pos, stop));
        this.pos = stop;
      } else if (t === 'double') {
        if (wire !== 1) throw new Error(`${at}: wire type ${wire}, want 1`);
        if (this.pos + 8 > end) throw new Error(`${at}: truncated double`);
        value = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(
          0,
          true,
        );
        this.pos += 8;
      } else {
        if (wire !== 0) throw new Error(`${at}: wire type ${wire}, want 0`);
        const v = this.varint(end);
        value = t === 'bool' ? v !== 0n : Number(BigInt.asIntN(64, v));
      }
      if (field.repeated) {
        const list = (out[field.name] ??= []) as unknown[];
        list.push(value);
      } else {
        if (Object.hasOwn(out, field.name)) throw new Error(`${at}: written twice`);
        out[field.name] = value;
      }
    }
    if (this.pos !== end) throw new Error(`${path}: ${type} overran its length`);
    return out;
  }
}

/** Decodes bytes as an `openapi.v2.Document`. */
export function decodeGnosticDocument(bytes: Uint8Array): Message {
  return new Reader(bytes).message('Document', bytes.length, 'Document');
}

// ---- back to Swagger JSON ------------------------------------------------------------------

const msg = (v: unknown): Message => (v ?? {}) as Message;
const list = (v: unknown): Message[] => (v ?? []) as Message[];
const str = (v: unknown): string | undefined => v as string | undefined;

/** kubectl parses these with yaml.v2, a YAML 1.1 reader. */
function anyValue(a: Message): unknown {
  return parseYaml(str(a['yaml']) ?? '', { version: '1.1' });
}

function extensions(target: Record<string, unknown>, named: unknown): void {
  for (const e of list(named)) target[str(e['name']) ?? ''] = anyValue(msg(e['value']));
}

function named<T>(pairs: unknown, value: (m: Message) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const p of list(pairs)) out[str(p['name']) ?? ''] = value(msg(p['value']));
  return out;
}

function set(out: Record<string, unknown>, key: string, v: unknown): void {
  if (v !== undefined) out[key] = v;
}

function schemaJson(sm: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  set(out, '$ref', sm['_ref']);
  set(out, 'format', sm['format']);
  set(out, 'description', sm['description']);
  set(out, 'required', sm['required']);
  if (sm['enum']) out['enum'] = list(sm['enum']).map(anyValue);
  const additional = msg(sm['additional_properties']);
  if (additional['schema']) out['additionalProperties'] = schemaJson(msg(additional['schema']));
  const types = (msg(sm['type'])['value'] ?? []) as string[];
  if (types.length === 1) out['type'] = types[0];
  else if (types.length > 1) out['type'] = types;
  const items = list(msg(sm['items'])['schema']);
  if (items.length === 1 && items[0]) out['items'] = schemaJson(items[0]);
  if (sm['properties']) {
    out['properties'] = named(msg(sm['properties'])['additional_properties'], schemaJson);
  }
  extensions(out, sm['vendor_extension']);
  return out;
}

function parameterJson(item: Message): Record<string, unknown> {
  const p = msg(item['parameter']);
  if (p['body_parameter']) {
    const bp = msg(p['body_parameter']);
    const out: Record<string, unknown> = { name: bp['name'], in: bp['in'] };
    set(out, 'description', bp['description']);
    set(out, 'required', bp['required']);
    out['schema'] = schemaJson(msg(bp['schema']));
    return out;
  }
  const nb = msg(p['non_body_parameter']);
  const sub = msg(nb['query_parameter_sub_schema'] ?? nb['path_parameter_sub_schema']);
  const out: Record<string, unknown> = {
    name: sub['name'],
    in: sub['in'],
    description: sub['description'],
  };
  set(out, 'required', sub['required']);
  set(out, 'type', sub['type']);
  set(out, 'uniqueItems', sub['unique_items']);
  return out;
}

function operationJson(op: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  set(out, 'description', op['description']);
  set(out, 'consumes', op['consumes']);
  set(out, 'produces', op['produces']);
  set(out, 'schemes', op['schemes']);
  set(out, 'tags', op['tags']);
  set(out, 'operationId', op['operation_id']);
  if (op['parameters']) out['parameters'] = list(op['parameters']).map(parameterJson);
  out['responses'] = named(msg(op['responses'])['response_code'], (v) => {
    const r = msg(v['response']);
    const response: Record<string, unknown> = { description: r['description'] };
    const schema = msg(r['schema'])['schema'];
    if (schema) response['schema'] = schemaJson(msg(schema));
    return response;
  });
  extensions(out, op['vendor_extension']);
  return out;
}

const methodNames = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** The Swagger JSON a decoded Document stands for. */
export function gnosticToSwagger(doc: Message): Record<string, unknown> {
  const info = msg(doc['info']);
  return {
    swagger: doc['swagger'],
    info: { title: info['title'], version: info['version'] },
    paths: named(msg(doc['paths'])['path'], (item) => {
      const out: Record<string, unknown> = {};
      for (const method of methodNames) {
        if (item[method]) out[method] = operationJson(msg(item[method]));
      }
      if (item['parameters']) out['parameters'] = list(item['parameters']).map(parameterJson);
      return out;
    }),
    definitions: named(msg(doc['definitions'])['additional_properties'], schemaJson),
    security: list(doc['security']).map((req) =>
      named(req['additional_properties'], (v) => (v['value'] ?? []) as string[]),
    ),
    securityDefinitions: named(
      msg(doc['security_definitions'])['additional_properties'],
      (item) => {
        const k = msg(item['api_key_security']);
        return { type: k['type'], name: k['name'], in: k['in'], description: k['description'] };
      },
    ),
  };
}
