/**
 * The Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`), decoded and encoded
 * against our schemas: what client-go's typed clients (and so kubectl's `create` commands) send.
 *
 *   body = "k8s\x00" runtime.Unknown
 *   runtime.Unknown  = { typeMeta = 1: {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3,
 *                        contentType = 4 }
 *   raw              = the object's message: each schema field under its `proto` number
 *
 * Decoding produces the plain JSON-shaped object a JSON client would have sent for the same Go
 * object (field names from the schema), so the API server continues exactly as for a JSON body:
 * `parseProtobufBody` returns a `ParsedBody` for `decodeAgainstSchema`, defaulting and
 * validation. The wire rules, as upstream's gogo-generated (proto2) code writes and reads them:
 *
 *   - int32, int64, bool: varints (negative numbers are 10-byte two's complement); float64: fixed64.
 *   - string: length-delimited UTF-8 (invalid bytes become U+FFFD, as Go's JSON encoder does);
 *     `[]byte` (schema format 'byte'): length-delimited bytes, base64 text in JSON.
 *   - nested objects: length-delimited messages; a field that occurs twice is merged, as in Go.
 *   - repeated fields: one occurrence per element, never packed when written; packed varints are
 *     accepted when read (proto2 parsers must accept both).
 *   - maps: repeated entry messages {key = 1, value = 2}; a missing key or value is the zero value.
 *   - `resource.Quantity` = {string = 1} (absent: "0"); `intstr.IntOrString` = {type = 1,
 *     intVal = 2, strVal = 3}; `metav1.Time` = {seconds = 1, nanos = 2}, whole seconds in JSON,
 *     an empty message being the zero time (omitted); `metav1.MicroTime` the same with
 *     microseconds; `runtime.RawExtension` and `metav1.FieldsV1` (schema `any`) = {raw = 1} whose
 *     bytes are JSON.
 *   - unknown field numbers are skipped, as upstream does.
 *   - `apiVersion` and `kind` come from the envelope (top-level kinds have no such fields in the
 *     message); empty ones are left out, as a JSON body without them.
 *
 * Zero values: Go writes every non-pointer field, so the wire holds zeros a JSON client never
 * sends (`uid: ""`, `hostPort: 0`, `stdin: false`). Go's JSON encoding drops them again with
 * `omitempty`, and so does the decoder: a string, integer or boolean field whose decoded value is
 * its zero is left out unless it is required or listed in `protobufZeroKeptFields` (fields Go
 * declares as pointers, which are sent only when set: `replicas: 0`, `automountServiceAccountToken:
 * false` survive). Zero-valued structs are kept as `{}` (Go's JSON writes `"status": {}` too),
 * quantities as "0", int-or-strings as 0 (`targetPort: 0`), and a zero time is omitted (Go writes
 * `null`, which JSON decoding drops). Empty lists and maps cannot be told from absent ones on the
 * wire and are omitted.
 *
 * Errors carry upstream's texts: the envelope's (`provided data does not appear to be a protobuf
 * message, expected prefix [107 56 115 0]`, `empty body`) in `the object provided is unrecognized
 * (must be of type ConfigMap): ...`, and the object's gogo texts (`unexpected EOF`, `proto: wrong
 * wireType = 0 for field Data`, `proto: ConfigMap: illegal tag 0 (wire type 0)`) in
 * `ConfigMap in version "v1" cannot be handled as a ConfigMap: ...`. Go field names in them are
 * derived from the JSON names (`Data` for `data`, `ObjectMeta` for `metadata`), which matches
 * upstream except for a few abbreviations (upstream says `APIVersion`, we say `ApiVersion`).
 */
import type { ParsedBody } from './body.ts';
import { cannotHandleMessage, unrecognizedObjectMessage, zeroValue } from './decode.ts';
import { GoTimeParseError, formatGoRFC3339, parseGoRFC3339 } from './go-time.ts';
import { goStructName } from './go-types.ts';
import { BodySyntaxError } from './body.ts';
import { parseJsonBody } from './json-body.ts';
import { protobufInlineMessages, protobufZeroKeptFields } from './protobuf-layout.ts';
import {
  WireError,
  WireReader,
  WireWriter,
  fieldNumber,
  int64Of,
  int64Text,
  uint64Text,
  unexpectedEOF,
} from './protobuf-wire.ts';
import type { ObjectSchema, Schema } from './schema.ts';

/** The content type of Kubernetes protobuf bodies. */
export const protobufContentType = 'application/vnd.kubernetes.protobuf';

/** The 4 bytes every Kubernetes protobuf body starts with: `k8s\x00`. */
export const protobufMagic: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** The apiVersion and kind an envelope names (`runtime.TypeMeta`). */
export interface ProtobufTypeMeta {
  readonly apiVersion: string;
  readonly kind: string;
}

/** The `runtime.Unknown` envelope of a protobuf body. */
export interface ProtobufEnvelope extends ProtobufTypeMeta {
  /** The object's message (a view into the body, not a copy). */
  readonly raw: Uint8Array;
  /** Always empty from client-go; upstream ignores it. */
  readonly contentEncoding: string;
  /** Always empty from client-go; upstream ignores it. */
  readonly contentType: string;
}

export type ProtobufDecodeStage = 'envelope' | 'object';

/**
 * A protobuf body that cannot be decoded: always a 400 BadRequest. `message` is the full text
 * upstream's API server answers with (see the module comment); `detail` is the decoder's own
 * text (`unexpected EOF`, `proto: wrong wireType = 2 for field Replicas`).
 */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
  readonly reason = 'BadRequest' as const;
  readonly code = 400 as const;
  /** Whether the envelope or the object inside it was malformed. */
  readonly stage: ProtobufDecodeStage;
  readonly detail: string;

  constructor(message: string, detail: string, stage: ProtobufDecodeStage) {
    super(message);
    this.detail = detail;
    this.stage = stage;
  }
}

/** A value that cannot be written as protobuf (wrong JSON type for its schema, bad time). */
export class ProtobufEncodeError extends Error {
  override readonly name = 'ProtobufEncodeError';
  /** Dotted path of the value, e.g. `spec.replicas`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

// ---- plans ----------------------------------------------------------------------------------

/** How one field number of a message is read and written. */
interface FieldPlan {
  readonly num: number;
  /** JSON name; '' for an inline embedded message. */
  readonly name: string;
  /** Go field name, for messages. */
  readonly goName: string;
  readonly schema: Schema;
  /** Keep the value when it is its type's zero (required fields, Go pointers). */
  readonly keepZero: boolean;
  /** Set for an inline embedded struct: its fields, read into and written from the parent. */
  readonly inline: MessagePlan | undefined;
}

/** How one message (an object schema, or an inline part of one) is read and written. */
interface MessagePlan {
  /** Go struct name, for messages. */
  readonly goName: string;
  /** Indexed by field number. */
  readonly byNumber: readonly (FieldPlan | undefined)[];
  /** In ascending field number, the order Go writes them. */
  readonly ordered: readonly FieldPlan[];
  /** The schema has `apiVersion` and `kind` without numbers: they travel in the envelope. */
  readonly typeMeta: boolean;
}

const plans = new WeakMap<ObjectSchema, MessagePlan>();

function goFieldName(name: string, schema: Schema): string {
  if (name === 'metadata' && schema.kind === 'object') return goStructName(schema);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function buildPlan(goName: string, fields: FieldPlan[], typeMeta: boolean): MessagePlan {
  const byNumber: (FieldPlan | undefined)[] = [];
  for (const f of fields) {
    if (byNumber[f.num] !== undefined) {
      throw new Error(`protobuf: ${goName} has two fields numbered ${f.num}`);
    }
    byNumber[f.num] = f;
  }
  const ordered = [...fields].sort((a, b) => a.num - b.num);
  return { goName, byNumber, ordered, typeMeta };
}

/** The plan of an object schema, built on first use from its fields' `proto` numbers. */
function planOf(schema: ObjectSchema): MessagePlan {
  const cached = plans.get(schema);
  if (cached !== undefined) return cached;
  const inlines = Object.hasOwn(protobufInlineMessages, schema.name)
    ? (protobufInlineMessages[schema.name] ?? [])
    : [];
  const kept = Object.hasOwn(protobufZeroKeptFields, schema.name)
    ? new Set(protobufZeroKeptFields[schema.name])
    : undefined;
  const own: FieldPlan[] = [];
  const parts = inlines.map(() => [] as FieldPlan[]);
  let typeMeta = false;
  for (const name in schema.fields) {
    const field = schema.fields[name];
    if (field === undefined) continue;
    if (field.proto === undefined) {
      if (name === 'apiVersion' || name === 'kind') typeMeta = true;
      continue;
    }
    const plan: FieldPlan = {
      num: field.proto,
      name,
      goName: goFieldName(name, field.schema),
      schema: field.schema,
      keepZero: field.required === true || kept?.has(name) === true,
      inline: undefined,
    };
    const part = inlines.findIndex((m) => m.fields.includes(name));
    (part < 0 ? own : (parts[part] ?? own)).push(plan);
  }
  inlines.forEach((m, i) => {
    own.push({
      num: m.proto,
      name: '',
      goName: m.goName,
      schema,
      keepZero: true,
      inline: buildPlan(m.goName, parts[i] ?? [], false),
    });
  });
  const plan = buildPlan(goStructName(schema), own, typeMeta);
  plans.set(schema, plan);
  return plan;
}

// ---- decoding -------------------------------------------------------------------------------

const wireVarint = 0;
const wireFixed64 = 1;
const wireBytes = 2;

/** The wire type a value of this schema is written with (repeated fields: per element). */
function wireOf(schema: Schema): number {
  switch (schema.kind) {
    case 'integer':
    case 'boolean':
      return wireVarint;
    case 'number':
      return wireFixed64;
    case 'string':
    case 'quantity':
    case 'int-or-string':
    case 'time':
    case 'any':
    case 'object':
    case 'array':
    case 'map':
      return wireBytes;
  }
}

function wrongWireType(wire: number, goName: string): WireError {
  return new WireError(`proto: wrong wireType = ${wire} for field ${goName}`);
}

/** Sets `obj[key]`, also for a key like `__proto__` (map keys come from the wire). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else obj[key] = value;
}

/** The state of one decoding: the reader and the literal texts of imprecise int64 values. */
class Decoding {
  readonly r: WireReader;
  literals: WeakMap<object, Map<string | number, string>> | undefined;
  /** Wire type of the tag last read by `tag`. */
  wire = 0;

  constructor(bytes: Uint8Array) {
    this.r = new WireReader(bytes);
  }

  /**
   * Reads a tag and makes the checks every gogo `Unmarshal` makes before looking at the field
   * number. Returns the field number; the wire type is left in `this.wire`.
   */
  tag(end: number, goName: string): number {
    const r = this.r;
    r.varint(end);
    const wire = r.lo & 7;
    const num = fieldNumber(r.lo, r.hi);
    if (wire === 4) throw new WireError(`proto: ${goName}: wiretype end group for non-group`);
    if (num <= 0) {
      // Upstream prints the whole tag where it means the wire type.
      throw new WireError(
        `proto: ${goName}: illegal tag ${num} (wire type ${uint64Text(r.lo, r.hi)})`,
      );
    }
    this.wire = wire;
    return num;
  }

  /** The integer just read into the reader's halves, as its schema's Go type reads it. */
  integer(format: 'int32' | 'int64', container: object, key: string | number): number {
    const { lo, hi } = this.r;
    if (format === 'int32') return lo | 0;
    const v = int64Of(lo, hi);
    if (!Number.isSafeInteger(v)) {
      // Keep the exact text, so decoding against the schema reports it as written.
      this.literals ??= new WeakMap();
      let m = this.literals.get(container);
      if (m === undefined) {
        m = new Map();
        this.literals.set(container, m);
      }
      m.set(key, int64Text(lo, hi));
    }
    return v;
  }

  /** Reads the fields of a message up to `end` into `out`. */
  message(plan: MessagePlan, end: number, out: Record<string, unknown>): void {
    const r = this.r;
    while (r.pos < end) {
      const num = this.tag(end, plan.goName);
      const wire = this.wire;
      const f = plan.byNumber[num];
      if (f === undefined) {
        r.skip(wire, end);
        continue;
      }
      if (f.inline !== undefined) {
        if (wire !== wireBytes) throw wrongWireType(wire, f.goName);
        this.message(f.inline, r.lengthEnd(end), out);
        continue;
      }
      this.field(f, wire, end, out);
    }
  }

  /** One occurrence of field `f` of a message. */
  private field(f: FieldPlan, wire: number, end: number, out: Record<string, unknown>): void {
    const r = this.r;
    const s = f.schema;
    switch (s.kind) {
      case 'array': {
        const items = s.items;
        let list = out[f.name];
        if (!Array.isArray(list)) {
          list = [];
          out[f.name] = list;
        }
        const arr = list as unknown[];
        const itemWire = wireOf(items);
        if (wire === wireBytes && itemWire !== wireBytes) {
          // Packed scalars: one length-delimited run of values.
          const stop = r.lengthEnd(end);
          while (r.pos < stop) arr.push(this.value(items, stop, f.goName, arr, arr.length));
          return;
        }
        if (wire !== itemWire) throw wrongWireType(wire, f.goName);
        arr.push(this.value(items, end, f.goName, arr, arr.length) ?? null);
        return;
      }
      case 'map': {
        if (wire !== wireBytes) throw wrongWireType(wire, f.goName);
        let target = out[f.name];
        if (target === null || typeof target !== 'object') {
          target = {};
          out[f.name] = target;
        }
        this.mapEntry(s.values, r.lengthEnd(end), f.goName, target as Record<string, unknown>);
        return;
      }
      case 'object': {
        if (wire !== wireBytes) throw wrongWireType(wire, f.goName);
        const stop = r.lengthEnd(end);
        let target = out[f.name];
        if (target === null || typeof target !== 'object' || Array.isArray(target)) {
          target = {};
          out[f.name] = target;
        }
        this.message(planOf(s), stop, target as Record<string, unknown>);
        return;
      }
      case 'string':
      case 'integer':
      case 'boolean':
      case 'number': {
        if (wire !== wireOf(s)) throw wrongWireType(wire, f.goName);
        const v = this.value(s, end, f.goName, out, f.name);
        if ((v === '' || v === 0 || v === false) && !f.keepZero) {
          // Go's omitempty: a zero non-pointer scalar is not in the JSON.
          if (Object.hasOwn(out, f.name)) Reflect.deleteProperty(out, f.name);
        } else out[f.name] = v;
        return;
      }
      case 'quantity':
      case 'int-or-string':
      case 'time':
      case 'any': {
        if (wire !== wireBytes) throw wrongWireType(wire, f.goName);
        const v = this.value(s, end, f.goName, out, f.name);
        if (v !== undefined) out[f.name] = v;
        else if (Object.hasOwn(out, f.name)) Reflect.deleteProperty(out, f.name);
        return;
      }
    }
  }

  /**
   * One value of `schema`, its wire type already checked: a field, list element or map value.
   * Returns undefined for a zero time or an empty raw value (Go's JSON `null`).
   */
  private value(
    s: Schema,
    end: number,
    goName: string,
    container: object,
    key: string | number,
  ): unknown {
    const r = this.r;
    switch (s.kind) {
      case 'string': {
        const stop = r.lengthEnd(end);
        const v = s.format === 'byte' ? r.buf.toString('base64', r.pos, stop) : r.text(r.pos, stop);
        r.pos = stop;
        return v;
      }
      case 'integer':
        r.varint(end);
        return this.integer(s.format, container, key);
      case 'boolean':
        r.varint(end);
        return (r.lo | r.hi) !== 0;
      case 'number':
        return r.double(end);
      case 'quantity':
        return this.quantity(r.lengthEnd(end));
      case 'int-or-string':
        return this.intOrString(r.lengthEnd(end));
      case 'time':
        return this.time(r.lengthEnd(end), s.micro);
      case 'any':
        return this.raw(r.lengthEnd(end), goName === 'FieldsV1' ? 'FieldsV1' : 'RawExtension');
      case 'object': {
        const obj: Record<string, unknown> = {};
        this.message(planOf(s), r.lengthEnd(end), obj);
        return obj;
      }
      case 'array':
      case 'map':
        // Lists of lists or of maps do not occur in the Kubernetes API.
        throw new Error(`protobuf: ${goName}: lists of ${s.kind}s cannot be decoded`);
    }
  }

  /**
   * A map entry {key = 1, value = 2} ending at `stop`, stored into `target`. Like upstream, the
   * entry's tags are not checked: anything but the key and the value is skipped.
   */
  private mapEntry(
    values: Schema,
    stop: number,
    goName: string,
    target: Record<string, unknown>,
  ): void {
    const r = this.r;
    const valueWire = wireOf(values);
    let key = '';
    let value: unknown;
    while (r.pos < stop) {
      r.varint(stop);
      const wire = r.lo & 7;
      const num = fieldNumber(r.lo, r.hi);
      if (num === 1) {
        if (wire !== wireBytes) throw wrongWireType(wire, goName);
        const kStop = r.lengthEnd(stop);
        key = r.text(r.pos, kStop);
        r.pos = kStop;
      } else if (num === 2) {
        if (wire !== valueWire) throw wrongWireType(wire, goName);
        value = this.value(values, stop, goName, target, key);
      } else r.skip(wire, stop);
    }
    setOwn(target, key, value ?? zeroValue(values));
  }

  /** `resource.Quantity` = {string = 1}; an absent string is the zero quantity "0". */
  private quantity(stop: number): string {
    const r = this.r;
    let v = '0';
    while (r.pos < stop) {
      const num = this.tag(stop, 'Quantity');
      if (num !== 1) {
        r.skip(this.wire, stop);
        continue;
      }
      if (this.wire !== wireBytes) throw wrongWireType(this.wire, 'String_');
      const sStop = r.lengthEnd(stop);
      v = r.text(r.pos, sStop);
      r.pos = sStop;
    }
    return v;
  }

  /** `intstr.IntOrString` = {type = 1, intVal = 2, strVal = 3}: the number or the string. */
  private intOrString(stop: number): number | string {
    const r = this.r;
    let type = 0;
    let intVal = 0;
    let strVal = '';
    while (r.pos < stop) {
      const num = this.tag(stop, 'IntOrString');
      const wire = this.wire;
      if (num === 1) {
        if (wire !== wireVarint) throw wrongWireType(wire, 'Type');
        r.varint(stop);
        type = int64Of(r.lo, r.hi);
      } else if (num === 2) {
        if (wire !== wireVarint) throw wrongWireType(wire, 'IntVal');
        r.varint(stop);
        intVal = r.lo | 0;
      } else if (num === 3) {
        if (wire !== wireBytes) throw wrongWireType(wire, 'StrVal');
        const sStop = r.lengthEnd(stop);
        strVal = r.text(r.pos, sStop);
        r.pos = sStop;
      } else r.skip(wire, stop);
    }
    if (type === 0) return intVal;
    if (type === 1) return strVal;
    // Go's IntOrString.MarshalJSON refuses any other type.
    throw new WireError('impossible IntOrString.Type');
  }

  /**
   * `metav1.Time` / `MicroTime` = {seconds = 1, nanos = 2}. An empty message is the zero time
   * (undefined: omitted, as Go's JSON `null`). Time keeps whole seconds (upstream drops nanos
   * when reading protobuf); MicroTime truncates to microseconds.
   */
  private time(stop: number, micro: boolean): string | undefined {
    const r = this.r;
    if (r.pos === stop) return undefined;
    let seconds = 0;
    let nanos = 0;
    while (r.pos < stop) {
      const num = this.tag(stop, 'Timestamp');
      const wire = this.wire;
      if (num === 1) {
        if (wire !== wireVarint) throw wrongWireType(wire, 'Seconds');
        r.varint(stop);
        seconds = int64Of(r.lo, r.hi);
      } else if (num === 2) {
        if (wire !== wireVarint) throw wrongWireType(wire, 'Nanos');
        r.varint(stop);
        nanos = r.lo | 0;
      } else r.skip(wire, stop);
    }
    if (!micro) nanos = 0;
    else {
      // Go: time.Unix(seconds, Duration(nanos).Truncate(time.Microsecond)), normalised.
      nanos -= nanos % 1000;
      if (nanos < 0 || nanos >= 1e9) {
        const carry = Math.floor(nanos / 1e9);
        seconds += carry;
        nanos -= carry * 1e9;
      }
    }
    // Years 0000-9999: what RFC 3339 text (and Go's parser of it) can hold.
    if (seconds < minSeconds || seconds > maxSeconds) {
      throw new WireError(`proto: Timestamp: seconds ${seconds} outside of years 0000-9999`);
    }
    return formatGoRFC3339({ seconds, nanos }, micro);
  }

  /** `runtime.RawExtension` / `metav1.FieldsV1` = {raw = 1}, raw being JSON. */
  private raw(stop: number, goName: string): unknown {
    const r = this.r;
    let start = -1;
    let rawStop = -1;
    while (r.pos < stop) {
      const num = this.tag(stop, goName);
      if (num !== 1) {
        r.skip(this.wire, stop);
        continue;
      }
      if (this.wire !== wireBytes) throw wrongWireType(this.wire, 'Raw');
      rawStop = r.lengthEnd(stop);
      start = r.pos;
      r.pos = rawStop;
    }
    if (start < 0 || start === rawStop) return undefined;
    const bytes = r.buf.subarray(start, rawStop);
    if (startsWithMagic(bytes)) {
      throw new WireError(
        `proto: ${goName}: an embedded protobuf object cannot be decoded here; send it as JSON`,
      );
    }
    try {
      return parseJsonBody(bytes).value;
    } catch (e) {
      if (e instanceof BodySyntaxError) throw new WireError(e.message);
      throw e;
    }
  }
}

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds. */
const minSeconds = -62167219200;
const maxSeconds = 253402300799;

function startsWithMagic(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x6b &&
    bytes[1] === 0x38 &&
    bytes[2] === 0x73 &&
    bytes[3] === 0x00
  );
}

/** The `runtime.TypeMeta` message {apiVersion = 1, kind = 2}. */
function readTypeMeta(r: WireReader, stop: number): { apiVersion: string; kind: string } {
  let apiVersion = '';
  let kind = '';
  while (r.pos < stop) {
    r.varint(stop);
    const wire = r.lo & 7;
    const num = fieldNumber(r.lo, r.hi);
    if (wire === 4) throw new WireError('proto: TypeMeta: wiretype end group for non-group');
    if (num <= 0) {
      throw new WireError(
        `proto: TypeMeta: illegal tag ${num} (wire type ${uint64Text(r.lo, r.hi)})`,
      );
    }
    if (num === 1 || num === 2) {
      if (wire !== wireBytes) throw wrongWireType(wire, num === 1 ? 'APIVersion' : 'Kind');
      const sStop = r.lengthEnd(stop);
      const s = r.text(r.pos, sStop);
      r.pos = sStop;
      if (num === 1) apiVersion = s;
      else kind = s;
    } else r.skip(wire, stop);
  }
  return { apiVersion, kind };
}

const unknownFieldNames = ['', 'TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'];

/**
 * Decodes the envelope of a protobuf body: the magic prefix and `runtime.Unknown`. Throws
 * `ProtobufDecodeError` (stage 'envelope', `message` = upstream's serializer error text) for a
 * body that is empty, lacks the prefix, or is not a well-formed `runtime.Unknown`.
 */
export function decodeProtobufEnvelope(body: Uint8Array): ProtobufEnvelope {
  const fail = (detail: string): ProtobufDecodeError =>
    new ProtobufDecodeError(detail, detail, 'envelope');
  if (body.length === 0) throw fail('empty data');
  if (!startsWithMagic(body)) {
    throw fail(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  if (body.length === protobufMagic.length) throw fail('empty body');
  const r = new WireReader(body);
  r.pos = protobufMagic.length;
  const end = body.length;
  let typeMeta = { apiVersion: '', kind: '' };
  let raw: Uint8Array = r.buf.subarray(0, 0);
  let contentEncoding = '';
  let contentType = '';
  try {
    while (r.pos < end) {
      r.varint(end);
      const wire = r.lo & 7;
      const num = fieldNumber(r.lo, r.hi);
      if (wire === 4) throw new WireError('proto: Unknown: wiretype end group for non-group');
      if (num <= 0) {
        throw new WireError(
          `proto: Unknown: illegal tag ${num} (wire type ${uint64Text(r.lo, r.hi)})`,
        );
      }
      if (num > 4) {
        r.skip(wire, end);
        continue;
      }
      if (wire !== wireBytes) throw wrongWireType(wire, unknownFieldNames[num] ?? '');
      const stop = r.lengthEnd(end);
      if (num === 1) typeMeta = readTypeMeta(r, stop);
      else if (num === 2) raw = r.buf.subarray(r.pos, stop);
      else if (num === 3) contentEncoding = r.text(r.pos, stop);
      else contentType = r.text(r.pos, stop);
      r.pos = stop;
    }
  } catch (e) {
    if (e instanceof WireError) throw fail(e.detail);
    throw e;
  }
  return { ...typeMeta, raw, contentEncoding, contentType };
}

/**
 * Decodes an object's message (the envelope's `raw`) against its schema, into the JSON-shaped
 * object described in the module comment (without apiVersion and kind, which the envelope
 * holds). Throws `ProtobufDecodeError` (stage 'object', `message` = `detail`) when malformed.
 */
export function decodeProtobufObject(
  raw: Uint8Array,
  schema: ObjectSchema,
): Record<string, unknown> {
  return decodeRaw(raw, schema, undefined).value;
}

function decodeRaw(
  raw: Uint8Array,
  schema: ObjectSchema,
  typeMeta: ProtobufTypeMeta | undefined,
): { value: Record<string, unknown>; literals: Decoding['literals'] } {
  const d = new Decoding(raw);
  const plan = planOf(schema);
  const out: Record<string, unknown> = {};
  if (typeMeta !== undefined && plan.typeMeta) {
    if (typeMeta.apiVersion !== '') out.apiVersion = typeMeta.apiVersion;
    if (typeMeta.kind !== '') out.kind = typeMeta.kind;
  }
  try {
    d.message(plan, raw.length, out);
    if (d.r.pos > raw.length) throw new WireError(unexpectedEOF);
  } catch (e) {
    if (e instanceof WireError) throw new ProtobufDecodeError(e.detail, e.detail, 'object');
    throw e;
  }
  return { value: out, literals: d.literals };
}

export interface ProtobufBodyOptions {
  /**
   * The endpoint's group, version and kind: fills in what the envelope leaves empty, for
   * messages (upstream's `copyKindDefaults`). Defaults to the schema's first `gvk`.
   */
  readonly defaultKind?: {
    readonly group: string;
    readonly version: string;
    readonly kind: string;
  };
  /** The kind the endpoint decodes into, named in messages. Defaults to `defaultKind.kind`. */
  readonly targetKind?: string;
}

/**
 * A decoded protobuf body, ready for `decodeAgainstSchema` as a parsed JSON body: `format` is
 * 'json' because `value` is what the JSON body of the same object parses to, and protobuf has
 * no duplicate keys. `numberLiterals` holds the exact text of int64 values beyond 2^53.
 */
export interface ProtobufBody extends ParsedBody {
  readonly format: 'json';
  readonly value: Record<string, unknown>;
  /** What the envelope said (apiVersion and kind are also in `value` when not empty). */
  readonly envelope: ProtobufTypeMeta & {
    readonly contentEncoding: string;
    readonly contentType: string;
  };
}

/**
 * Decodes a request body sent as `application/vnd.kubernetes.protobuf` against the endpoint's
 * schema. Called by the API server with the raw body bytes; pure, and the result is fresh (the
 * caller owns it). Throws `ProtobufDecodeError` (400 BadRequest) with upstream's message:
 *   - envelope errors: `the object provided is unrecognized (must be of type ConfigMap): <detail>
 *     (<first 30 bytes in hex>)`;
 *   - object errors: `ConfigMap in version "v1" cannot be handled as a ConfigMap: <detail>`.
 */
export function parseProtobufBody(
  body: Uint8Array,
  schema: ObjectSchema,
  opts: ProtobufBodyOptions = {},
): ProtobufBody {
  const defaults = opts.defaultKind ?? schema.gvk?.[0];
  const targetKind = opts.targetKind ?? defaults?.kind ?? goStructName(schema);
  let envelope: ProtobufEnvelope;
  try {
    envelope = decodeProtobufEnvelope(body);
  } catch (e) {
    if (e instanceof ProtobufDecodeError) {
      throw new ProtobufDecodeError(
        unrecognizedObjectMessage(targetKind, e.detail, body),
        e.detail,
        'envelope',
      );
    }
    throw e;
  }
  let decoded: ReturnType<typeof decodeRaw>;
  try {
    decoded = decodeRaw(envelope.raw, schema, envelope);
  } catch (e) {
    if (e instanceof ProtobufDecodeError) {
      // The kind named in the message is the envelope's, defaulted from the endpoint.
      const slash = envelope.apiVersion.lastIndexOf('/');
      let version = slash < 0 ? envelope.apiVersion : envelope.apiVersion.slice(slash + 1);
      if (version === '' && defaults !== undefined) version = defaults.version;
      const kind = envelope.kind !== '' ? envelope.kind : (defaults?.kind ?? targetKind);
      throw new ProtobufDecodeError(
        cannotHandleMessage({ kind, version, targetKind }, e.detail),
        e.detail,
        'object',
      );
    }
    throw e;
  }
  return {
    value: decoded.value,
    format: 'json',
    duplicates: [],
    ...(decoded.literals !== undefined ? { numberLiterals: decoded.literals } : {}),
    envelope: {
      apiVersion: envelope.apiVersion,
      kind: envelope.kind,
      contentEncoding: envelope.contentEncoding,
      contentType: envelope.contentType,
    },
  };
}

// ---- encoding -------------------------------------------------------------------------------

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class Encoding {
  readonly w = new WireWriter();

  /** The fields of `obj` present in `plan`, in field-number order. */
  message(plan: MessagePlan, obj: Record<string, unknown>, path: string): void {
    const w = this.w;
    for (const f of plan.ordered) {
      if (f.inline !== undefined) {
        // Go always writes an embedded struct, empty or not.
        w.tag(f.num, wireBytes);
        const mark = w.fork();
        this.message(f.inline, obj, path);
        w.join(mark);
        continue;
      }
      const v = Object.hasOwn(obj, f.name) ? obj[f.name] : undefined;
      if (v === undefined || v === null) continue;
      const at = path === '' ? f.name : `${path}.${f.name}`;
      const s = f.schema;
      if (s.kind === 'array') {
        if (!Array.isArray(v))
          throw new ProtobufEncodeError(at, `expected array, got ${typeName(v)}`);
        const itemWire = wireOf(s.items);
        v.forEach((el: unknown, i) => {
          w.tag(f.num, itemWire);
          this.value(s.items, el ?? zeroValue(s.items), `${at}[${i}]`);
        });
      } else if (s.kind === 'map') {
        if (!isRecord(v)) throw new ProtobufEncodeError(at, `expected object, got ${typeName(v)}`);
        const valueWire = wireOf(s.values);
        for (const key of Object.keys(v).sort()) {
          w.tag(f.num, wireBytes);
          const mark = w.fork();
          w.tag(1, wireBytes);
          w.string(key);
          w.tag(2, valueWire);
          this.value(s.values, v[key] ?? zeroValue(s.values), `${at}.${key}`);
          w.join(mark);
        }
      } else {
        w.tag(f.num, wireOf(s));
        this.value(s, v, at);
      }
    }
  }

  /** One value without its tag: a varint, a double, or a length-delimited value. */
  private value(s: Schema, v: unknown, at: string): void {
    const w = this.w;
    const expected = (what: string): ProtobufEncodeError =>
      new ProtobufEncodeError(at, `expected ${what}, got ${typeName(v)}`);
    switch (s.kind) {
      case 'string':
        if (typeof v !== 'string') throw expected('string');
        if (s.format === 'byte') w.bytes(Buffer.from(v, 'base64'));
        else w.string(v);
        return;
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v)) throw expected('integer');
        w.int(v);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') throw expected('boolean');
        w.uint(v ? 1 : 0);
        return;
      case 'number':
        if (typeof v !== 'number') throw expected('number');
        w.double(v);
        return;
      case 'quantity': {
        if (typeof v !== 'string' && typeof v !== 'number') throw expected('quantity');
        const mark = w.fork();
        w.tag(1, wireBytes);
        w.string(String(v));
        w.join(mark);
        return;
      }
      case 'int-or-string': {
        if (typeof v !== 'string' && (typeof v !== 'number' || !Number.isInteger(v))) {
          throw expected('integer or string');
        }
        const mark = w.fork();
        w.tag(1, wireVarint);
        w.uint(typeof v === 'string' ? 1 : 0);
        w.tag(2, wireVarint);
        w.int(typeof v === 'number' ? v : 0);
        w.tag(3, wireBytes);
        w.string(typeof v === 'string' ? v : '');
        w.join(mark);
        return;
      }
      case 'time': {
        if (typeof v !== 'string') throw expected('time string');
        let t: { seconds: number; nanos: number };
        try {
          t = parseGoRFC3339(v, s.micro);
        } catch (e) {
          if (e instanceof GoTimeParseError) throw new ProtobufEncodeError(at, e.message);
          throw e;
        }
        const mark = w.fork();
        w.tag(1, wireVarint);
        w.int(t.seconds);
        w.tag(2, wireVarint);
        w.int(s.micro ? t.nanos - (t.nanos % 1000) : 0);
        w.join(mark);
        return;
      }
      case 'any': {
        const mark = w.fork();
        w.tag(1, wireBytes);
        w.string(JSON.stringify(v));
        w.join(mark);
        return;
      }
      case 'object': {
        if (!isRecord(v)) throw expected('object');
        const mark = w.fork();
        this.message(planOf(s), v, at);
        w.join(mark);
        return;
      }
      case 'array':
      case 'map':
        throw new ProtobufEncodeError(at, `lists of ${s.kind}s cannot be encoded`);
    }
  }
}

/**
 * Encodes a JSON-shaped object as its protobuf message (no envelope). Fields are written in
 * field-number order; absent and null fields are not written; keys the schema does not know and
 * `apiVersion`/`kind` of top-level kinds are ignored. Throws `ProtobufEncodeError` for a value
 * of the wrong JSON type or an unparsable time.
 */
export function encodeProtobufObject(obj: unknown, schema: ObjectSchema): Uint8Array {
  if (!isRecord(obj)) throw new ProtobufEncodeError('', `expected object, got ${typeName(obj)}`);
  const e = new Encoding();
  e.message(planOf(schema), obj, '');
  return e.w.finish();
}

/** Wraps an object's message in the envelope: `k8s\x00` and `runtime.Unknown`. */
export function encodeProtobufEnvelope(
  typeMeta: ProtobufTypeMeta,
  raw: Uint8Array,
  opts: { readonly contentEncoding?: string; readonly contentType?: string } = {},
): Uint8Array {
  const w = new WireWriter(raw.length + 64);
  w.raw(protobufMagic);
  w.tag(1, wireBytes);
  const mark = w.fork();
  w.tag(1, wireBytes);
  w.string(typeMeta.apiVersion);
  w.tag(2, wireBytes);
  w.string(typeMeta.kind);
  w.join(mark);
  w.tag(2, wireBytes);
  w.bytes(raw);
  w.tag(3, wireBytes);
  w.string(opts.contentEncoding ?? '');
  w.tag(4, wireBytes);
  w.string(opts.contentType ?? '');
  return w.finish();
}

/**
 * Encodes an object as a complete Kubernetes protobuf body (envelope and message), as client-go
 * sends it and as a server answers a client that accepts only protobuf.
 */
export function encodeProtobuf(
  obj: unknown,
  schema: ObjectSchema,
  typeMeta: ProtobufTypeMeta,
): Uint8Array {
  return encodeProtobufEnvelope(typeMeta, encodeProtobufObject(obj, schema));
}
