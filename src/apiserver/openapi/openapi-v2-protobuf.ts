/**
 * The v2 document as gnostic's `openapi.v2.Document` protobuf message
 * (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto), which client-go's
 * `OpenAPISchema()` asks for (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`) and
 * unmarshals. kube-apiserver produces it by parsing its JSON document with gnostic and marshaling
 * the result; we write the same message straight from the document.
 *
 * Messages and the field numbers written (proto3: empty strings, false and absent messages are
 * not written; every map is a repeated `Named*` pair of name 1, value 2, in document order):
 *
 *   Document      1 swagger, 2 info, 8 paths, 9 definitions, 12 security, 13 security_definitions
 *   Info          1 title, 2 version
 *   Paths         2 path (NamedPathItem)
 *   PathItem      2 get, 3 put, 4 post, 5 delete, 6 options, 7 head, 8 patch, 9 parameters
 *   Operation     1 tags, 3 description, 5 operation_id, 6 produces, 7 consumes, 8 parameters,
 *                 9 responses, 10 schemes, 13 vendor_extension
 *   ParametersItem 1 parameter → Parameter 1 body_parameter | 2 non_body_parameter
 *   BodyParameter 2 name, 3 in, 4 required, 5 schema
 *   NonBodyParameter 3 query_parameter_sub_schema | 4 path_parameter_sub_schema
 *   QueryParameterSubSchema 1 required, 2 in, 3 description, 4 name, 6 type, 20 unique_items
 *   PathParameterSubSchema  1 required, 2 in, 3 description, 4 name, 5 type, 19 unique_items
 *   Responses     1 response_code (NamedResponseValue) → ResponseValue 1 response
 *   Response      1 description, 2 schema → SchemaItem 1 schema
 *   Definitions   1 additional_properties (NamedSchema)
 *   Schema        1 _ref, 2 format, 4 description, 19 required, 20 enum, 21 additional_properties
 *                 (AdditionalPropertiesItem 1 schema), 22 type (TypeItem 1 value), 23 items
 *                 (ItemsItem 1 schema), 25 properties (Properties 1 additional_properties),
 *                 31 vendor_extension
 *   SecurityRequirement 1 additional_properties (NamedStringArray → StringArray 1 value)
 *   SecurityDefinitions 1 additional_properties → SecurityDefinitionsItem 2 api_key_security
 *   ApiKeySecurity 1 type, 2 name, 3 in, 4 description
 *   NamedAny      1 name, 2 value → Any 2 yaml
 *
 * Vendor extensions and enum values are `Any` messages holding the value as YAML text, which
 * kubectl parses back (kube-openapi's `VendorExtensionToMap`, the GVK lookups of apply and
 * `--validate`); we write the block YAML gnostic writes.
 */
import { WireWriter } from '../../api/index.ts';
import {
  schemaExtensions,
  type SwaggerDocument,
  type SwaggerMethod,
  type SwaggerOperation,
  type SwaggerParameter,
  type SwaggerPathItem,
  type SwaggerSchema,
} from './openapi-v2-types.ts';

const wireVarint = 0;
const wireBytes = 2;

const pathItemFields: readonly [SwaggerMethod, number][] = [
  ['get', 2],
  ['put', 3],
  ['post', 4],
  ['delete', 5],
  ['options', 6],
  ['head', 7],
  ['patch', 8],
];

/** Encodes the document as an `openapi.v2.Document` message. */
export function encodeOpenApiV2Protobuf(doc: SwaggerDocument): Buffer {
  const e = new Encoder(new WireWriter(1 << 20));
  e.document(doc);
  return Buffer.from(e.w.buf.subarray(0, e.w.pos));
}

class Encoder {
  readonly w: WireWriter;

  constructor(w: WireWriter) {
    this.w = w;
  }

  private string(num: number, s: string | undefined): void {
    if (s === undefined || s === '') return;
    this.w.tag(num, wireBytes);
    this.w.string(s);
  }

  private strings(num: number, list: readonly string[] | undefined): void {
    // Repeated strings are written element by element, empty ones included.
    for (const s of list ?? []) {
      this.w.tag(num, wireBytes);
      this.w.string(s);
    }
  }

  private bool(num: number, b: boolean | undefined): void {
    if (b !== true) return;
    this.w.tag(num, wireVarint);
    this.w.uint(1);
  }

  private message(num: number, body: () => void): void {
    this.w.tag(num, wireBytes);
    const mark = this.w.fork();
    body();
    this.w.join(mark);
  }

  /** `Any{yaml}`: a value written as YAML text. */
  private any(num: number, value: unknown): void {
    this.message(num, () => {
      this.string(2, extensionYaml(value));
    });
  }

  /** `repeated NamedAny` holding the vendor extensions. */
  private extensions(num: number, entries: readonly (readonly [string, unknown])[]): void {
    for (const [name, value] of entries) {
      if (value === undefined) continue;
      this.message(num, () => {
        this.string(1, name);
        this.any(2, value);
      });
    }
  }

  document(doc: SwaggerDocument): void {
    this.string(1, doc.swagger);
    this.message(2, () => {
      this.string(1, doc.info.title);
      this.string(2, doc.info.version);
    });
    this.message(8, () => {
      for (const [path, item] of Object.entries(doc.paths)) {
        this.message(2, () => {
          this.string(1, path);
          this.message(2, () => {
            this.pathItem(item);
          });
        });
      }
    });
    this.message(9, () => {
      for (const [name, schema] of Object.entries(doc.definitions)) {
        this.message(1, () => {
          this.string(1, name);
          this.message(2, () => {
            this.schema(schema);
          });
        });
      }
    });
    for (const requirement of doc.security) {
      this.message(12, () => {
        for (const [name, scopes] of Object.entries(requirement)) {
          this.message(1, () => {
            this.string(1, name);
            this.message(2, () => {
              this.strings(1, scopes);
            });
          });
        }
      });
    }
    this.message(13, () => {
      for (const [name, def] of Object.entries(doc.securityDefinitions)) {
        this.message(1, () => {
          this.string(1, name);
          this.message(2, () => {
            this.message(2, () => {
              this.string(1, def.type);
              this.string(2, def.name);
              this.string(3, def.in);
              this.string(4, def.description);
            });
          });
        });
      }
    });
  }

  private pathItem(item: SwaggerPathItem): void {
    for (const [method, num] of pathItemFields) {
      const op = item[method];
      if (op) {
        this.message(num, () => {
          this.operation(op);
        });
      }
    }
    for (const p of item.parameters ?? []) this.parameter(9, p);
  }

  private operation(op: SwaggerOperation): void {
    this.strings(1, op.tags);
    this.string(3, op.description);
    this.string(5, op.operationId);
    this.strings(6, op.produces);
    this.strings(7, op.consumes);
    for (const p of op.parameters ?? []) this.parameter(8, p);
    this.message(9, () => {
      for (const [code, response] of Object.entries(op.responses)) {
        this.message(1, () => {
          this.string(1, code);
          this.message(2, () => {
            this.message(1, () => {
              this.string(1, response.description);
              const schema = response.schema;
              if (schema) {
                this.message(2, () => {
                  this.message(1, () => {
                    this.schema(schema);
                  });
                });
              }
            });
          });
        });
      }
    });
    this.strings(10, op.schemes);
    this.extensions(13, [
      ['x-kubernetes-action', op['x-kubernetes-action']],
      ['x-kubernetes-group-version-kind', op['x-kubernetes-group-version-kind']],
    ]);
  }

  /** A `ParametersItem` holding a `Parameter`. */
  private parameter(num: number, p: SwaggerParameter): void {
    this.message(num, () => {
      this.message(1, () => {
        if (p.in === 'body') {
          this.message(1, () => {
            this.string(2, p.name);
            this.string(3, p.in);
            this.bool(4, p.required);
            this.message(5, () => {
              this.schema(p.schema);
            });
          });
          return;
        }
        this.message(2, () => {
          // Query and path sub-schemas share fields 1-4; `type` and `uniqueItems` differ.
          const query = p.in === 'query';
          this.message(query ? 3 : 4, () => {
            this.bool(1, p.required);
            this.string(2, p.in);
            this.string(3, p.description);
            this.string(4, p.name);
            this.string(query ? 6 : 5, p.type);
            this.bool(query ? 20 : 19, p.uniqueItems);
          });
        });
      });
    });
  }

  private schema(s: SwaggerSchema): void {
    this.string(1, s.$ref);
    this.string(2, s.format);
    this.string(4, s.description);
    this.strings(19, s.required);
    for (const v of s.enum ?? []) this.any(20, v);
    const additional = s.additionalProperties;
    if (additional) {
      this.message(21, () => {
        this.message(1, () => {
          this.schema(additional);
        });
      });
    }
    if (s.type !== undefined) {
      const type = s.type;
      this.message(22, () => {
        this.strings(1, [type]);
      });
    }
    const items = s.items;
    if (items) {
      this.message(23, () => {
        this.message(1, () => {
          this.schema(items);
        });
      });
    }
    const properties = s.properties;
    if (properties) {
      this.message(25, () => {
        for (const [name, p] of Object.entries(properties)) {
          this.message(1, () => {
            this.string(1, name);
            this.message(2, () => {
              this.schema(p);
            });
          });
        }
      });
    }
    this.extensions(
      31,
      schemaExtensions.map((name) => [name, s[name]] as const),
    );
  }
}

/** Keys that YAML 1.1 readers (kubectl's yaml.v2) would take for booleans or null. */
const yamlKeywords = /^(?:y|n|yes|no|on|off|true|false|null|~)$/i;

function yamlKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) && !yamlKeywords.test(k) ? k : JSON.stringify(k);
}

function yamlScalar(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'null';
  // Strings are always double-quoted: JSON's escapes are valid YAML, and quoting keeps "true",
  // "1" or "" strings.
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (typeof v === 'object') return Object.keys(v).length === 0 ? '{}' : undefined;
  // Functions and symbols have no JSON form.
  return 'null';
}

function yamlLines(v: unknown, indent: string, out: string[]): void {
  const scalar = yamlScalar(v);
  if (scalar !== undefined) {
    out.push(indent + scalar);
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v as unknown[]) {
      const s = yamlScalar(item);
      if (s !== undefined) {
        out.push(`${indent}- ${s}`);
        continue;
      }
      // A nested block: its first line goes on the dash, the rest stay indented under it.
      const nested: string[] = [];
      yamlLines(item, `${indent}  `, nested);
      nested.forEach((line, i) => {
        out.push(i === 0 ? `${indent}- ${line.slice(indent.length + 2)}` : line);
      });
    }
    return;
  }
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
    const s = yamlScalar(value);
    if (s !== undefined) out.push(`${indent}${yamlKey(k)}: ${s}`);
    else {
      out.push(`${indent}${yamlKey(k)}:`);
      yamlLines(value, `${indent}  `, out);
    }
  }
}

/** A JSON value as block YAML, the text of an `Any` (e.g. `- group: ""\n  kind: "Pod"\n...`). */
export function extensionYaml(value: unknown): string {
  const out: string[] = [];
  yamlLines(value, '', out);
  return `${out.join('\n')}\n`;
}
