/**
 * A go-cmp style report of the differences between two objects, for the messages upstream ends
 * with `cmp.Diff(old, new)` (pod updates that change immutable fields, changed ephemeral
 * containers):
 *
 *     core.PodSpec{
 *     	... // 2 identical fields
 *     	Containers: []core.Container{
 *     		{
 *     			Name:  "web",
 *     			Image: "nginx",
 *   - 			Command: nil,
 *   + 			Command: []string{"sleep", "1"},
 *     			... // 19 identical fields
 *     		},
 *     	},
 *     	... // 30 identical fields
 *     }
 *
 * go-cmp documents its output as unstable (it even varies the spaces after `-`/`+` between runs),
 * so this follows its layout and conventions (two lines of context, zero-valued fields left out
 * of compact values, `... // N identical fields`) rather than byte-for-byte equality. Field names
 * and order come from our schemas, which follow the v1 types.
 */
import type { ObjectSchema, Schema } from '../../../schema/schema.ts';
import { goQuote } from '../../../validation/go-format.ts';

const contextRecords = 2;

/** `io.k8s.api.core.v1.Container` -> `core.Container`. */
function goTypeName(schema: Schema | undefined): string {
  if (!schema) return 'any';
  switch (schema.kind) {
    case 'object': {
      const dot = schema.name.lastIndexOf('.');
      const pkg = schema.name.includes('.apimachinery.') ? 'v1' : 'core';
      return `${pkg}.${schema.name.slice(dot + 1)}`;
    }
    case 'array':
      return `[]${goTypeName(schema.items)}`;
    case 'map':
      return `map[string]${goTypeName(schema.values)}`;
    case 'string':
    case 'time':
      return 'string';
    case 'integer':
      return schema.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'quantity':
      return 'resource.Quantity';
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'any':
      return 'any';
  }
}

const goNames: Readonly<Record<string, string>> = {
  dnsPolicy: 'DNSPolicy',
  dnsConfig: 'DNSConfig',
  os: 'OS',
  tty: 'TTY',
  hostIPC: 'HostIPC',
  hostPID: 'HostPID',
  hostIP: 'HostIP',
  uid: 'UID',
  httpGet: 'HTTPGet',
  httpHeaders: 'HTTPHeaders',
  tcpSocket: 'TCPSocket',
  grpc: 'GRPC',
  apiVersion: 'APIVersion',
  nfs: 'NFS',
  iscsi: 'ISCSI',
  rbd: 'RBD',
  fc: 'FC',
  csi: 'CSI',
  cephfs: 'CephFS',
  seLinuxOptions: 'SELinuxOptions',
  setHostnameAsFQDN: 'SetHostnameAsFQDN',
  targetWWNs: 'TargetWWNs',
  wwids: 'WWIDs',
  ip: 'IP',
};

function goFieldName(json: string): string {
  return goNames[json] ?? json.charAt(0).toUpperCase() + json.slice(1);
}

function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === false;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isZero(a) && isZero(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((x, i) => equal(x, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
    if (!equal(ao[k], bo[k])) return false;
  }
  return true;
}

/** A value on one line, as go-cmp prints values in context (types elided, zero fields left out). */
function compact(v: unknown, schema: Schema | undefined, withType: boolean): string {
  if (v === undefined || v === null) return 'nil';
  const prefix = withType ? goTypeName(schema) : '';
  if (Array.isArray(v)) {
    const items = schema?.kind === 'array' ? schema.items : undefined;
    return `${prefix}{${v.map((x) => compact(x, items, false)).join(', ')}}`;
  }
  if (typeof v === 'object') {
    if (schema?.kind === 'map') {
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : 1,
      );
      return `${prefix}{${entries.map(([k, x]) => `${goQuote(k)}: ${compact(x, schema.values, false)}`).join(', ')}}`;
    }
    const obj = v as Record<string, unknown>;
    const parts: string[] = [];
    for (const k of fieldOrder(obj, schema)) {
      const x = obj[k];
      if (isZero(x)) continue;
      parts.push(`${goFieldName(k)}: ${compact(x, fieldSchema(schema, k), false)}`);
    }
    return `${prefix}{${parts.join(', ')}}`;
  }
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

function fieldSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (schema?.kind !== 'object') return undefined;
  return Object.hasOwn(schema.fields, key) ? schema.fields[key]?.schema : undefined;
}

/** Keys of both values in schema order, then any the schema does not know. */
function fieldOrder(
  obj: Record<string, unknown>,
  schema: Schema | undefined,
  other?: Record<string, unknown>,
): string[] {
  const keys: string[] = [];
  // The internal PodSpec that upstream diffs has no deprecated `serviceAccount` field.
  const seen = new Set<string>(['serviceAccount']);
  if (schema?.kind === 'object') {
    for (const k of Object.keys(schema.fields)) {
      keys.push(k);
      seen.add(k);
    }
  }
  for (const src of other ? [obj, other] : [obj]) {
    for (const k of Object.keys(src)) {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    }
  }
  return keys;
}

type Line = { readonly mark: ' ' | '-' | '+'; readonly depth: number; readonly text: string };

function push(out: Line[], mark: Line['mark'], depth: number, text: string): void {
  out.push({ mark, depth, text });
}

/** Aligns `Key:` columns of consecutive single-line records, as go-cmp does. */
function alignKeys(records: { key: string; rest: string }[]): string[] {
  const width = Math.max(0, ...records.map((r) => r.key.length));
  return records.map((r) => `${r.key}:${' '.repeat(width - r.key.length + 1)}${r.rest}`);
}

function diffStruct(
  oldObj: Record<string, unknown>,
  newObj: Record<string, unknown>,
  schema: Schema | undefined,
  depth: number,
  out: Line[],
): void {
  const keys = fieldOrder(oldObj, schema, newObj);
  const same = keys.map((k) => equal(oldObj[k], newObj[k]));
  let i = 0;
  let first = true;
  while (i < keys.length) {
    if (same[i]) {
      let j = i;
      while (j < keys.length && same[j]) j++;
      const isLast = j === keys.length;
      const lo = first ? 0 : Math.min(contextRecords, j - i);
      let hi = isLast ? 0 : Math.min(contextRecords, j - i - lo);
      if (j - i - lo - hi === 1) hi++;
      const ctx: { key: string; rest: string }[] = [];
      for (let k = i; k < i + lo; k++) {
        const key = keys[k] ?? '';
        ctx.push({
          key: goFieldName(key),
          rest: compact(oldObj[key], fieldSchema(schema, key), false) + ',',
        });
      }
      for (const line of alignKeys(ctx)) push(out, ' ', depth, line);
      const elided = j - i - lo - hi;
      if (elided > 0)
        push(out, ' ', depth, `... // ${elided} identical field${elided === 1 ? '' : 's'}`);
      const tail: { key: string; rest: string }[] = [];
      for (let k = j - hi; k < j; k++) {
        const key = keys[k] ?? '';
        tail.push({
          key: goFieldName(key),
          rest: compact(oldObj[key], fieldSchema(schema, key), false) + ',',
        });
      }
      for (const line of alignKeys(tail)) push(out, ' ', depth, line);
      i = j;
    } else {
      const key = keys[i] ?? '';
      diffValue(
        goFieldName(key) + ': ',
        oldObj[key],
        newObj[key],
        fieldSchema(schema, key),
        depth,
        out,
      );
      i++;
    }
    first = false;
  }
}

function diffValue(
  label: string,
  a: unknown,
  b: unknown,
  schema: Schema | undefined,
  depth: number,
  out: Line[],
): void {
  const bothObjects =
    a !== null &&
    b !== null &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !isZero(a) &&
    !isZero(b);
  if (
    bothObjects &&
    Array.isArray(a) &&
    Array.isArray(b) &&
    a.length === b.length &&
    schema?.kind === 'array'
  ) {
    push(out, ' ', depth, `${label}${goTypeName(schema)}{`);
    a.forEach((x, idx) => {
      const y: unknown = b[idx];
      if (equal(x, y)) push(out, ' ', depth + 1, compact(x, schema.items, false) + ',');
      else diffValue('', x, y, schema.items, depth + 1, out);
    });
    push(out, ' ', depth, '},');
    return;
  }
  if (bothObjects && !Array.isArray(a) && !Array.isArray(b) && schema?.kind !== 'map') {
    push(out, ' ', depth, `${label}${label ? goTypeName(schema) : ''}{`);
    diffStruct(a as Record<string, unknown>, b as Record<string, unknown>, schema, depth + 1, out);
    push(out, ' ', depth, '},');
    return;
  }
  push(out, '-', depth, `${label}${compact(a, schema, true)},`);
  push(out, '+', depth, `${label}${compact(b, schema, true)},`);
}

/** The go-cmp style report of `oldValue` -> `newValue`, both of the type `schema` describes. */
export function specDiff(oldValue: object, newValue: object, schema: ObjectSchema): string {
  const out: Line[] = [];
  push(out, ' ', 0, `${goTypeName(schema)}{`);
  diffStruct(
    oldValue as Record<string, unknown>,
    newValue as Record<string, unknown>,
    schema,
    1,
    out,
  );
  push(out, ' ', 0, '}');
  return out.map((l) => `${l.mark} ${'\t'.repeat(l.depth)}${l.text}`).join('\n') + '\n';
}
