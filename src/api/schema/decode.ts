/**
 * `decodeAgainstSchema`: what upstream's typed JSON decoding does to a request body, given our
 * schema instead of Go structs. It runs on every write (create, update, patch results, apply), so
 * it walks the value once, in place, and allocates only for what it changes or reports.
 *
 *   body bytes --parseJsonBody / parseYamlBody--> ParsedBody --decodeAgainstSchema--> DecodeResult
 *
 * What it does, as upstream's decoder (sigs.k8s.io/json in strict mode, then the serializer):
 *   1. Type-checks every value: strings, int32/int64 (integral, in range: `1.0` is not an int),
 *      float64, booleans; quantities, int-or-strings and times through their own parsers.
 *   2. Canonicalises: quantities to their canonical text (`0.5` -> `500m`), times to UTC
 *      (`2024-01-01T10:00:00+02:00` -> `2024-01-01T08:00:00Z`).
 *   3. Drops `null` object fields (Go leaves them unset; omitted on output) except inside `any`;
 *      a `null` map value or list element becomes its type's zero value (`""`, `0`, `"0"`, `{}`).
 *   4. Drops unknown fields (field names are case-sensitive), reporting each with its strict path
 *      (`spec.containers[0].foo`); `any` subtrees and `preserveUnknownFields` objects are kept.
 *   5. Reports duplicate fields found by the parser, except where upstream cannot see them
 *      (under unknown fields or in raw `any` values).
 *
 * Errors, in upstream's order of precedence:
 *   - a value that its own unmarshaller rejects (quantity, int-or-string, time) stops decoding
 *     and is the error;
 *   - otherwise the first type error (`json: cannot unmarshal string into Go struct field
 *     PodSpec.spec.replicas of type int32`) is the error;
 *   - otherwise, in Strict mode, the unknown and duplicate fields together, in document order
 *     (`strict decoding error: unknown field "spec.foo", duplicate field "spec.replicas"`);
 *     in Warn mode they become warnings (one per field); in Ignore mode nothing.
 * Each error becomes a 400 BadRequest with `<Kind> in version "<v>" cannot be handled as a
 * <Kind>: <detail>` (`DecodeError`, mapped to a Status without string matching).
 */
import { Quantity, QuantityError } from '../quantity/quantity.ts';
import { goQuote } from '../validation/go-format.ts';
import type { DuplicateField, ParsedBody } from './body.ts';
import { strictPath } from './body.ts';
import { GoTimeParseError, canonicalGoTime } from './go-time.ts';
import { goStructName, goTypeOf } from './go-types.ts';
import type { ObjectSchema, Schema } from './schema.ts';

/** The `fieldValidation` query parameter. */
export type FieldValidationDirective = 'Strict' | 'Warn' | 'Ignore';

/** The kind named in decoding messages: the body's (defaulted from the URL) and the target's. */
export interface KindForMessages {
  /** The kind the body says it is (or the URL's kind when the body says nothing). */
  readonly kind: string;
  /** The version the body says it is (`v1` of `apps/v1`). */
  readonly version: string;
  /** The kind the endpoint decodes into; `kind` when omitted. */
  readonly targetKind?: string;
}

export interface DecodeOptions {
  readonly mode: FieldValidationDirective;
  readonly kindForMessages: KindForMessages;
  /** What the parser found: duplicates, number texts, key order. Omit for values not parsed from a body (patch results). */
  readonly source?: ParsedBody;
}

export type DecodeErrorKind = 'type' | 'strict';

/**
 * A body upstream would refuse to decode: always 400 BadRequest. `message` is the full Status
 * message; `detail` is the decoder's own text (`json: cannot unmarshal ...`, `strict decoding
 * error: ...`, `quantities must match ...`).
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly reason = 'BadRequest' as const;
  readonly code = 400 as const;
  readonly kind: DecodeErrorKind;
  readonly detail: string;

  constructor(message: string, detail: string, kind: DecodeErrorKind) {
    super(message);
    this.detail = detail;
    this.kind = kind;
  }
}

export interface DecodeResult<T = unknown> {
  /** The decoded value: the input, cleaned in place (see the module comment). */
  readonly value: T;
  /** Strict paths of unknown fields (dropped), in document order. Empty in Ignore mode. */
  readonly unknownFields: string[];
  /** Strict paths of duplicate fields (the last value was kept). Empty in Ignore mode. */
  readonly duplicateFields: string[];
  /** The strict errors as upstream words them, in order (`unknown field "spec.foo"`). */
  readonly strictErrors: string[];
  /** Warn mode: one `Warning:` header text per problem. */
  readonly warnings: string[];
  /** At most one error; empty when the body decoded (in Warn and Ignore modes, despite strict problems). */
  readonly errors: DecodeError[];
}

/** `Pod in version "v1" cannot be handled as a Pod: <detail>` (upstream `transformDecodeError`). */
export function cannotHandleMessage(k: KindForMessages, detail: string): string {
  return `${k.kind} in version ${goQuote(k.version)} cannot be handled as a ${k.targetKind ?? k.kind}: ${detail}`;
}

/** `strict decoding error: a, b` (upstream `runtime.NewStrictDecodingError`). */
export function strictDecodingMessage(strictErrors: readonly string[]): string {
  return 'strict decoding error: ' + strictErrors.join(', ');
}

/**
 * Upstream's `summarizeData(body, 30)`: the start of a JSON-looking body, or hex of others, for
 * `the object provided is unrecognized` messages.
 */
export function summarizeBody(body: Uint8Array | string, maxLength = 30): string {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  if (bytes.length === 0) return '<empty>';
  const head = bytes.subarray(0, maxLength);
  const more = bytes.length > maxLength ? ' ...' : '';
  if (bytes[0] === 0x7b) return new TextDecoder().decode(head) + more;
  return Buffer.from(head).toString('hex') + more;
}

/**
 * The message for a body whose kind could not even be determined (upstream: `the object provided
 * is unrecognized (must be of type Pod): <detail> (<summary>)`).
 */
export function unrecognizedObjectMessage(
  targetKind: string,
  detail: string,
  body: Uint8Array | string,
): string {
  return `the object provided is unrecognized (must be of type ${targetKind}): ${detail} (${summarizeBody(body)})`;
}

const findKindType =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/**
 * Upstream's first look at a body (`SimpleMetaFactory.Interpret`): its apiVersion and kind, read
 * case-insensitively as Go's standard decoder does. Returns the group, version and kind, or the
 * error text upstream reports (`couldn't get version/kind; json parse error: ...`,
 * `unexpected GroupVersion string: a/b/c`).
 */
export function interpretTypeMeta(
  value: unknown,
): { group: string; version: string; kind: string } | { error: string } {
  const prefix = "couldn't get version/kind; json parse error: ";
  if (value === null) return { group: '', version: '', kind: '' };
  if (typeof value !== 'object') {
    return {
      error: `${prefix}json: cannot unmarshal ${jsonKind(value)} into Go value of type ${findKindType}`,
    };
  }
  if (Array.isArray(value)) {
    return { error: `${prefix}json: cannot unmarshal array into Go value of type ${findKindType}` };
  }
  let apiVersion = '';
  let kind = '';
  let typeError: string | undefined;
  // Go's standard decoder matches field names case-insensitively; the last match wins.
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    const which = lower === 'apiversion' ? 'apiVersion' : lower === 'kind' ? 'kind' : undefined;
    if (!which) continue;
    if (v === null) continue;
    if (typeof v !== 'string') {
      typeError ??= `${prefix}json: cannot unmarshal ${jsonKind(v)} into Go struct field .${which} of type string`;
      continue;
    }
    if (which === 'apiVersion') apiVersion = v;
    else kind = v;
  }
  if (typeError) return { error: typeError };
  const slashes = apiVersion.split('/').length - 1;
  if (slashes > 1) return { error: `unexpected GroupVersion string: ${apiVersion}` };
  if (slashes === 1) {
    const at = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, at), version: apiVersion.slice(at + 1), kind };
  }
  return { group: '', version: apiVersion, kind };
}

/** The JSON kind Go's decoder names in messages: string, number, bool, array, object, null. */
function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'string' || t === 'number') return t;
  if (t === 'boolean') return 'bool';
  return 'object';
}

/** Thrown inside the walk by values whose own unmarshaller fails: stops decoding at once. */
class AbortDecoding extends Error {
  readonly detail: string;

  constructor(detail: string) {
    super(detail);
    this.detail = detail;
  }
}

interface StrictEntry {
  readonly message: string;
  readonly path: string;
  readonly unknown: boolean;
  readonly seq: number;
}

/** Canonical forms of recently seen quantity texts: the same few ("500m", "1Gi") recur. */
const quantityCache = new Map<string, string>();
const quantityCacheSize = 4096;

const int32Min = -2147483648;
const int32Max = 2147483647;
const safeIntegerLiteral = /^-?(0|[1-9][0-9]*)$/;

/** The walk's state; one per call. */
class Decoder {
  readonly mode: FieldValidationDirective;
  readonly literals: WeakMap<object, Map<string | number, string>> | undefined;
  readonly keyOrder: WeakMap<object, Map<string, number>> | undefined;
  /** Strict path segments of the current position. */
  readonly segments: (string | number)[] = [];
  /** Go struct field names entered so far, and the struct each belongs to. */
  readonly fieldStack: string[] = [];
  readonly structStack: ObjectSchema[] = [];
  typeError: string | undefined;
  readonly unknown: StrictEntry[] = [];
  walkSeq = 0;

  constructor(mode: FieldValidationDirective, source: ParsedBody | undefined) {
    this.mode = mode;
    this.literals = source?.numberLiterals;
    this.keyOrder = source?.keyOrder;
  }

  /** Saves the first type error, as Go's decoder does (decoding continues). */
  private saveTypeError(value: string, goType: string): void {
    if (this.typeError !== undefined) return;
    const struct = this.structStack[this.structStack.length - 1];
    this.typeError =
      struct !== undefined
        ? `json: cannot unmarshal ${value} into Go struct field ${goStructName(struct)}.${this.fieldStack.join('.')} of type ${goType}`
        : `json: cannot unmarshal ${value} into Go value of type ${goType}`;
  }

  /** The JSON text of a number at container[key]: the parser's note, else the JS rendering. */
  private numberText(v: number, container: object | undefined, key: string | number): string {
    const noted = container ? this.literals?.get(container)?.get(key) : undefined;
    return noted ?? String(v);
  }

  /**
   * Decodes `v` (found at container[key]) against `schema`. Returns the value to store, which is
   * `v` itself unless it was canonicalised.
   */
  value(v: unknown, schema: Schema, container: object | undefined, key: string | number): unknown {
    switch (schema.kind) {
      case 'string':
        if (typeof v === 'string') {
          if (schema.format === 'byte') this.checkBase64(v);
          return v;
        }
        this.saveTypeError(jsonKind(v), goTypeOf(schema));
        return v;
      case 'integer': {
        if (typeof v !== 'number') {
          this.saveTypeError(jsonKind(v), goTypeOf(schema));
          return v;
        }
        const text = this.numberText(v, container, key);
        if (!safeIntegerLiteral.test(text)) {
          this.saveTypeError('number ' + text, goTypeOf(schema));
          return v;
        }
        const outOfRange =
          schema.format === 'int32' ? v < int32Min || v > int32Max : !Number.isSafeInteger(v);
        if (outOfRange) this.saveTypeError('number ' + text, goTypeOf(schema));
        return Object.is(v, -0) ? 0 : v;
      }
      case 'number':
        if (typeof v !== 'number') {
          this.saveTypeError(jsonKind(v), goTypeOf(schema));
        } else if (!Number.isFinite(v)) {
          this.saveTypeError('number ' + this.numberText(v, container, key), goTypeOf(schema));
        }
        return v;
      case 'boolean':
        if (typeof v !== 'boolean') this.saveTypeError(jsonKind(v), goTypeOf(schema));
        return v;
      case 'quantity':
        return this.quantity(v, container, key);
      case 'int-or-string':
        return this.intOrString(v, container, key);
      case 'time':
        return this.time(v, schema.micro);
      case 'any':
        return v;
      case 'array':
        if (!Array.isArray(v)) {
          this.saveTypeError(jsonKind(v), goTypeOf(schema));
          return v;
        }
        this.array(v, schema.items);
        return v;
      case 'map':
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
          this.saveTypeError(jsonKind(v), goTypeOf(schema));
          return v;
        }
        this.map(v as Record<string, unknown>, schema.values);
        return v;
      case 'object':
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
          this.saveTypeError(jsonKind(v), goTypeOf(schema));
          return v;
        }
        this.object(v as Record<string, unknown>, schema);
        return v;
    }
  }

  private checkBase64(s: string): void {
    if (this.typeError !== undefined) return;
    const at = base64ErrorOffset(s);
    if (at !== undefined) this.typeError = `illegal base64 data at input byte ${at}`;
  }

  private quantity(v: unknown, container: object | undefined, key: string | number): unknown {
    let text: string;
    if (typeof v === 'string') text = v.trim();
    else if (typeof v === 'number') text = this.numberText(v, container, key);
    else if (v === null) return '0';
    else text = typeof v === 'boolean' ? String(v) : '{';
    const cached = quantityCache.get(text);
    if (cached !== undefined) return cached;
    let canonical: string;
    try {
      canonical = Quantity.parse(text).toString();
    } catch (e) {
      if (e instanceof QuantityError) throw new AbortDecoding(e.message);
      throw e;
    }
    if (quantityCache.size >= quantityCacheSize) quantityCache.clear();
    quantityCache.set(text, canonical);
    return canonical;
  }

  private intOrString(v: unknown, container: object | undefined, key: string | number): unknown {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') {
      const text = this.numberText(v, container, key);
      if (!safeIntegerLiteral.test(text) || v < int32Min || v > int32Max) {
        throw new AbortDecoding(
          `json: cannot unmarshal number ${text} into Go value of type int32`,
        );
      }
      return Object.is(v, -0) ? 0 : v;
    }
    if (v === null) return 0;
    throw new AbortDecoding(`json: cannot unmarshal ${jsonKind(v)} into Go value of type int32`);
  }

  private time(v: unknown, micro: boolean): unknown {
    if (v === null) return null;
    if (typeof v !== 'string') {
      throw new AbortDecoding(`json: cannot unmarshal ${jsonKind(v)} into Go value of type string`);
    }
    try {
      return canonicalGoTime(v, micro);
    } catch (e) {
      if (e instanceof GoTimeParseError) throw new AbortDecoding(e.message);
      throw e;
    }
  }

  private array(arr: unknown[], items: Schema): void {
    const segs = this.segments;
    for (let i = 0; i < arr.length; i++) {
      let el = arr[i];
      if (el === null) {
        const zero = zeroValue(items);
        if (zero === null) continue;
        el = zero;
        arr[i] = zero;
        if (typeof zero === 'object') continue;
      }
      segs.push(i);
      const out = this.value(el, items, arr, i);
      segs.pop();
      if (out !== el) arr[i] = out;
    }
  }

  private map(obj: Record<string, unknown>, values: Schema): void {
    const segs = this.segments;
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      let el = obj[k];
      if (el === null) {
        const zero = zeroValue(values);
        if (zero === null) continue;
        obj[k] = zero;
        if (typeof zero === 'object') continue;
        el = zero;
      }
      segs.push(k);
      const out = this.value(el, values, obj, k);
      segs.pop();
      if (out !== el) obj[k] = out;
    }
  }

  private object(obj: Record<string, unknown>, schema: ObjectSchema): void {
    const fields = schema.fields;
    const segs = this.segments;
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      const field = Object.hasOwn(fields, k) ? fields[k] : undefined;
      if (field === undefined) {
        if (schema.preserveUnknownFields) continue;
        if (this.mode !== 'Ignore') this.noteUnknown(obj, k);
        Reflect.deleteProperty(obj, k);
        continue;
      }
      const el = obj[k];
      if (el === null) {
        if (field.schema.kind !== 'any') Reflect.deleteProperty(obj, k);
        continue;
      }
      segs.push(k);
      this.fieldStack.push(k);
      this.structStack.push(schema);
      const out = this.value(el, field.schema, obj, k);
      this.structStack.pop();
      this.fieldStack.pop();
      segs.pop();
      if (out !== el) obj[k] = out;
    }
  }

  private noteUnknown(obj: object, key: string): void {
    const segments = [...this.segments, key];
    const path = strictPath(segments);
    const seq = this.keyOrder?.get(obj)?.get(key) ?? this.walkSeq++;
    this.unknown.push({ message: `unknown field ${goQuote(path)}`, path, unknown: true, seq });
  }
}

const isBase64Char = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x30 && c <= 0x39) ||
  c === 0x2b ||
  c === 0x2f;

/**
 * Where Go's `base64.StdEncoding` decoding of `s` fails (its `CorruptInputError` offset), or
 * undefined when `s` is valid. Line breaks are skipped; padding is required.
 */
export function base64ErrorOffset(s: string): number | undefined {
  const n = s.length;
  const skipBreaks = (at: number): number => {
    while (at < n && (s.charCodeAt(at) === 0x0a || s.charCodeAt(at) === 0x0d)) at++;
    return at;
  };
  let si = 0;
  for (;;) {
    for (let j = 0; j < 4; j++) {
      if (si === n) return j === 0 ? undefined : si - j;
      const c = s.charCodeAt(si++);
      if (isBase64Char(c)) continue;
      if (c === 0x0a || c === 0x0d) {
        j--;
        continue;
      }
      if (c !== 0x3d /* = */ || j < 2) return si - 1;
      if (j === 2) {
        si = skipBreaks(si);
        if (si === n) return n;
        if (s.charCodeAt(si) !== 0x3d) return si - 1;
        si++;
      }
      si = skipBreaks(si);
      return si < n ? si : undefined;
    }
  }
}

/** Go's zero value of a type, as a `null` list element or map value becomes; null to leave null. */
export function zeroValue(schema: Schema): unknown {
  switch (schema.kind) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
    case 'int-or-string':
      return 0;
    case 'boolean':
      return false;
    case 'quantity':
      return '0';
    case 'object':
      return {};
    case 'time':
    case 'any':
    case 'array':
    case 'map':
      return null;
  }
}

/**
 * Whether upstream's decoder sees a duplicate at these path segments: it does in struct fields,
 * maps and lists it decodes, and inside objects that preserve unknown fields; it does not under
 * unknown fields (skipped) or in raw values (`any`, kept as bytes).
 */
function duplicateIsVisible(root: Schema, segments: readonly (string | number)[]): boolean {
  let s: Schema = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    switch (s.kind) {
      case 'object': {
        if (typeof seg !== 'string') return false;
        const f = Object.hasOwn(s.fields, seg) ? s.fields[seg] : undefined;
        if (!f) return s.preserveUnknownFields === true;
        if (last) return true;
        s = f.schema;
        break;
      }
      case 'map':
        if (typeof seg !== 'string') return false;
        if (last) return true;
        s = s.values;
        break;
      case 'array':
        if (typeof seg !== 'number' || last) return false;
        s = s.items;
        break;
      case 'string':
      case 'integer':
      case 'number':
      case 'boolean':
      case 'quantity':
      case 'int-or-string':
      case 'time':
      case 'any':
        return false;
    }
  }
  return false;
}

/** Upstream saves at most this many strict errors. */
const maxStrictErrors = 100;

/** The YAML strict error of a body's duplicates, as go-yaml words it. */
function yamlStrictError(dups: readonly DuplicateField[]): string | undefined {
  const lines = dups.map((d) => d.yamlMessage).filter((m): m is string => m !== undefined);
  return lines.length ? 'yaml: unmarshal errors:\n  ' + lines.join('\n  ') : undefined;
}

/**
 * Decodes a parsed body against a kind's schema: see the module comment. Takes ownership of
 * `value` (it is modified in place and returned as `result.value`).
 */
export function decodeAgainstSchema<T = unknown>(
  value: unknown,
  schema: ObjectSchema<T> | Schema,
  opts: DecodeOptions,
): DecodeResult<T> {
  const d = new Decoder(opts.mode, opts.source);
  let aborted: string | undefined;
  let out: unknown = value;
  try {
    if (
      schema.kind === 'object' &&
      value !== null &&
      (typeof value !== 'object' || Array.isArray(value))
    ) {
      d.typeError = `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${goTypeOf(schema)}`;
    } else if (value !== null) {
      out = d.value(value, schema, undefined, '');
    }
  } catch (e) {
    if (!(e instanceof AbortDecoding)) throw e;
    aborted = e.detail;
  }
  const result = (errors: DecodeError[], extra?: Partial<DecodeResult<T>>): DecodeResult<T> => ({
    value: out as T,
    unknownFields: [],
    duplicateFields: [],
    strictErrors: [],
    warnings: [],
    errors,
    ...extra,
  });
  const k = opts.kindForMessages;
  const failure = aborted ?? d.typeError;
  if (failure !== undefined) {
    return result([new DecodeError(cannotHandleMessage(k, failure), failure, 'type')]);
  }
  if (opts.mode === 'Ignore') return result([]);

  // Strict problems, in document order: duplicates the decoder can see, and unknown fields.
  const source = opts.source;
  const yamlError = source?.format === 'yaml' ? yamlStrictError(source.duplicates) : undefined;
  const jsonDuplicates: StrictEntry[] =
    source?.format === 'json'
      ? source.duplicates
          .filter((dup) => duplicateIsVisible(schema, dup.segments))
          .map((dup) => ({
            message: `duplicate field ${goQuote(dup.path)}`,
            path: dup.path,
            unknown: false,
            seq: dup.seq,
          }))
      : [];
  let entries = d.unknown;
  if (jsonDuplicates.length) {
    entries = [...entries, ...jsonDuplicates].sort((a, b) => a.seq - b.seq);
  }
  // Upstream reports each distinct problem once, and at most 100 of them.
  const seen = new Set<string>();
  const kept: StrictEntry[] = [];
  for (const e of entries) {
    if (seen.has(e.message)) continue;
    seen.add(e.message);
    if (kept.length >= maxStrictErrors) break;
    kept.push(e);
  }
  const strictErrors = [...(yamlError ? [yamlError] : []), ...kept.map((e) => e.message)];
  const unknownFields = kept.filter((e) => e.unknown).map((e) => e.path);
  const duplicateFields =
    source?.format === 'yaml'
      ? source.duplicates.map((dup) => dup.path)
      : kept.filter((e) => !e.unknown).map((e) => e.path);
  if (strictErrors.length === 0) return result([]);
  if (opts.mode === 'Warn') {
    const warnings = [
      ...(yamlError ? (source?.duplicates.map((dup) => dup.yamlMessage ?? '') ?? []) : []),
      ...kept.map((e) => e.message),
    ];
    return result([], { unknownFields, duplicateFields, strictErrors, warnings });
  }
  const detail = strictDecodingMessage(strictErrors);
  return result([new DecodeError(cannotHandleMessage(k, detail), detail, 'strict')], {
    unknownFields,
    duplicateFields,
    strictErrors,
  });
}
