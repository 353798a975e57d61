/**
 * Helpers shared by the core/v1 validators: tolerant accessors for fields the decoder may leave
 * out, upstream's small format checks wrapped as field errors, the core additions to object
 * metadata validation (legacy finalizer names), resource-name classes and quantity checks.
 *
 * Everything here is pure and allocation-light: regular expressions and sets are built once.
 */
import type { ObjectMeta } from '../../../meta/v1.ts';
import type { NameRule } from '../../../scheme.ts';
import { Quantity } from '../../../quantity/quantity.ts';
import type { FieldErrorList } from '../../../validation/field-errors.ts';
import { Path, invalid } from '../../../validation/field-errors.ts';
import { GoLiteral, goQuote } from '../../../validation/go-format.ts';
import { scanGoJson } from '../../../schema/go-json-scan.ts';
import type { ValidateNameFunc } from '../../../validation/generic.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../validation/names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../../validation/object-meta.ts';

export type Errs = FieldErrorList;

/**
 * The bad value upstream shows for a nil pointer: Go's error renderer turns it into the string
 * "null", which is then quoted like any string (`Invalid value: "null"`).
 */
export const nilValue = 'null';

// ---- tolerant accessors -----------------------------------------------------------------------
// The schema types mark some fields required, but a request body may omit them (the decoder does
// not insist, exactly like upstream's), so validation reads them through these.

export function str(v: string | null | undefined): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: number | null | undefined): number {
  return typeof v === 'number' ? v : 0;
}

const emptyList: readonly never[] = [];

export function list<T>(v: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(v) ? v : emptyList;
}

const emptyMap: Readonly<Record<string, never>> = {};

export function map<T>(
  v: Readonly<Record<string, T>> | null | undefined,
): Readonly<Record<string, T>> {
  return v && typeof v === 'object' ? v : emptyMap;
}

/** Reads a field the schema marks required as possibly absent (a body may omit it). */
export function maybe<T>(v: T | null | undefined): T | undefined {
  return v ?? undefined;
}

export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

export function hasKeys(v: object | null | undefined): boolean {
  if (!v) return false;
  for (const _k in v) return true;
  return false;
}

// ---- format checks as field errors ------------------------------------------------------------

/** Upstream `ValidateDNS1123Label`. */
export function validateDNS1123Label(value: string, path: Path): Errs {
  const msgs = isDNS1123Label(value);
  return msgs.length ? msgs.map((m) => invalid(path, value, m)) : [];
}

/** Upstream `ValidateDNS1123Subdomain`. */
export function validateDNS1123Subdomain(value: string, path: Path): Errs {
  const msgs = isDNS1123Subdomain(value);
  return msgs.length ? msgs.map((m) => invalid(path, value, m)) : [];
}

/** Upstream `ValidateQualifiedName`. */
export function validateQualifiedName(value: string, path: Path): Errs {
  const msgs = isQualifiedName(value);
  return msgs.length ? msgs.map((m) => invalid(path, value, m)) : [];
}

/** Messages of a name function as Invalid errors at `path`. */
export function nameErrors(fn: ValidateNameFunc, value: string, path: Path): Errs {
  const msgs = fn(value, false);
  return msgs.length ? msgs.map((m) => invalid(path, value, m)) : [];
}

/** Go's `path.IsAbs`. */
export function isAbsPath(p: string): boolean {
  return p.startsWith('/');
}

// ---- object metadata --------------------------------------------------------------------------

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** Upstream `validateKubeFinalizerName`: an unqualified finalizer must be a standard one. */
export function validateKubeFinalizerName(value: string, path: Path): Errs {
  if (!value.includes('/') && !standardFinalizers.has(value)) {
    return [
      invalid(path, value, 'name is neither a standard finalizer name nor is it fully qualified'),
    ];
  }
  return [];
}

const metadataPath = Path.root('metadata');
const finalizersPath = metadataPath.child('finalizers');

export interface CoreMetaOptions {
  readonly namespaced: boolean;
  readonly nameRule: NameRule | ValidateNameFunc;
  readonly path?: Path;
}

/** Core `ValidateObjectMeta`: the generic checks plus legacy finalizer names. */
export function validateCoreObjectMeta(meta: ObjectMeta | undefined, opts: CoreMetaOptions): Errs {
  const path = opts.path ?? metadataPath;
  const errs = validateObjectMeta(meta, {
    namespaced: opts.namespaced,
    nameRule: opts.nameRule,
    path,
  });
  const finalizers = list(meta?.finalizers);
  if (finalizers.length) {
    const fp = opts.path ? path.child('finalizers') : finalizersPath;
    finalizers.forEach((f, i) => errs.push(...validateKubeFinalizerName(f, fp.index(i))));
  }
  return errs;
}

/** Core `ValidateObjectMetaUpdate`: the generic checks plus legacy finalizer names. */
export function validateCoreObjectMetaUpdate(
  meta: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  allowUnconditionalUpdate: boolean,
): Errs {
  const errs = validateObjectMetaUpdate(meta, old, { allowUnconditionalUpdate });
  list(meta?.finalizers).forEach((f, i) =>
    errs.push(...validateKubeFinalizerName(f, finalizersPath.index(i))),
  );
  return errs;
}

/**
 * What the generic registry checks on every update before the kind's own rules (upstream
 * `validateCommonFields`): the new metadata as a path-segment name, then the update rules.
 */
export function validateCommonUpdateFields(
  meta: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  namespaced: boolean,
  allowUnconditionalUpdate: boolean,
): Errs {
  const errs = validateObjectMeta(meta, { namespaced, nameRule: 'path-segment' });
  errs.push(...validateObjectMetaUpdate(meta, old, { allowUnconditionalUpdate }));
  return errs;
}

/**
 * The metadata part of an update of an object whose kind allows unconditional updates: the
 * registry's common checks, then the core metadata update rules (duplicates collapse when the
 * list is aggregated, as upstream's do).
 */
export function metaUpdate(
  meta: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  namespaced: boolean,
): Errs {
  const errs = validateCommonUpdateFields(meta, old, namespaced, true);
  errs.push(...validateCoreObjectMetaUpdate(meta, old, true));
  return errs;
}

// ---- resource names ---------------------------------------------------------------------------

const hugePagesPrefix = 'hugepages-';
const requestsHugePagesPrefix = 'requests.hugepages-';
const defaultNamespacePrefix = 'kubernetes.io/';
const requestsPrefix = 'requests.';

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith(hugePagesPrefix);
}

function isQuotaHugePageResourceName(name: string): boolean {
  return name.startsWith(hugePagesPrefix) || name.startsWith(requestsHugePagesPrefix);
}

/** In the `kubernetes.io/` namespace, explicitly or by having no prefix. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes(defaultNamespacePrefix);
}

/** Not native, no `requests.` prefix, and a qualified name once prefixed with `requests.`. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith(requestsPrefix)) return false;
  return isQualifiedName(requestsPrefix + name).length === 0;
}

/** Requests may be below limits: native resources other than hugepages. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

export function isStandardContainerResourceName(name: string): boolean {
  return standardContainerResources.has(name) || isHugePageResourceName(name);
}

const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);

export function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || isQuotaHugePageResourceName(name);
}

const standardQuotaResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);

export function isStandardQuotaResourceName(name: string): boolean {
  return standardQuotaResources.has(name) || isQuotaHugePageResourceName(name);
}

const integerResources = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

export function isIntegerResourceName(name: string): boolean {
  return integerResources.has(name) || isExtendedResourceName(name);
}

/** Upstream `validateResourceName`: a qualified name; unprefixed ones must be standard. */
export function validateResourceName(name: string, path: Path): Errs {
  const errs = validateQualifiedName(name, path);
  if (errs.length) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

/** Upstream `validateContainerResourceName`. */
export function validateContainerResourceName(name: string, path: Path): Errs {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!isStandardContainerResourceName(name)) {
      errs.push(invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

// ---- quantities -------------------------------------------------------------------------------

/** Parses a stored quantity; the decoder has already rejected malformed ones. */
export function parseQty(text: string): Quantity {
  const q = Quantity.tryParse(text);
  return q instanceof Quantity ? q : Quantity.zero;
}

/**
 * Go's `%#v` of a `resource.Quantity` parsed from `text`, the bad value upstream shows when it
 * passes a Quantity by value (its String method has a pointer receiver, so Go prints the struct).
 * Values that upstream keeps in its int64 representation are reproduced exactly; others (beyond
 * int64, which Go prints with a pointer address) fall back to the quantity's text.
 */
export function goQuantity(text: string): GoLiteral {
  if (text === '0') return goQuantityLiteral(0n, 0, '0', 'DecimalSI');
  let pos = 0;
  let positive = true;
  if (text.startsWith('-')) {
    positive = false;
    pos++;
  } else if (text.startsWith('+')) {
    pos++;
  }
  while (pos < text.length && text[pos] === '0') pos++;
  let start = pos;
  while (pos < text.length && isDigit(text.charCodeAt(pos))) pos++;
  let num = text.slice(start, pos);
  if (num.length === 0) num = '0';
  let denom = '';
  if (text[pos] === '.') {
    pos++;
    start = pos;
    while (pos < text.length && isDigit(text.charCodeAt(pos))) pos++;
    denom = text.slice(start, pos);
  }
  const info = goSuffix(text.slice(pos));
  if (!info) return new GoLiteral(text);
  let precision: number;
  let scale: number;
  let mantissa = 1n;
  if (info.binary) {
    if (denom.length > 0) return new GoLiteral(text);
    mantissa = 1n << BigInt(info.exponent);
    precision = 15 - num.length - Math.trunc((info.exponent * 3) / 10) - 1;
    scale = 0;
  } else {
    precision = 18 - (num.length + denom.length);
    scale = info.exponent;
  }
  if (precision < 0) return new GoLiteral(text);
  scale -= denom.length;
  if (scale < -9) return new GoLiteral(text);
  const shifted = num + denom;
  const digits = BigInt(shifted);
  let value = digits * mantissa;
  if (value > 9223372036854775807n) return new GoLiteral(text);
  if (!positive) value = -value;
  let kept = '';
  if (info.binary) {
    if (info.exponent % 10 === 0 && (digits & 7n) !== 0n) kept = text;
  } else if (scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0') {
    kept = text;
  }
  return goQuantityLiteral(value, scale, kept, info.format);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function goQuantityLiteral(value: bigint, scale: number, kept: string, format: string): GoLiteral {
  return new GoLiteral(
    `resource.Quantity{i:resource.int64Amount{value:${value.toString()}, scale:${scale}}, ` +
      `d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${goQuote(kept)}, Format:"${format}"}`,
  );
}

const exponentSuffixRe = /^[eE]([-+]?[0-9]+)$/;

function goSuffix(s: string): { format: string; exponent: number; binary: boolean } | undefined {
  switch (s) {
    case '':
      return { format: 'DecimalSI', exponent: 0, binary: false };
    case 'n':
      return { format: 'DecimalSI', exponent: -9, binary: false };
    case 'u':
      return { format: 'DecimalSI', exponent: -6, binary: false };
    case 'm':
      return { format: 'DecimalSI', exponent: -3, binary: false };
    case 'k':
      return { format: 'DecimalSI', exponent: 3, binary: false };
    case 'M':
      return { format: 'DecimalSI', exponent: 6, binary: false };
    case 'G':
      return { format: 'DecimalSI', exponent: 9, binary: false };
    case 'T':
      return { format: 'DecimalSI', exponent: 12, binary: false };
    case 'P':
      return { format: 'DecimalSI', exponent: 15, binary: false };
    case 'E':
      return { format: 'DecimalSI', exponent: 18, binary: false };
    case 'Ki':
      return { format: 'BinarySI', exponent: 10, binary: true };
    case 'Mi':
      return { format: 'BinarySI', exponent: 20, binary: true };
    case 'Gi':
      return { format: 'BinarySI', exponent: 30, binary: true };
    case 'Ti':
      return { format: 'BinarySI', exponent: 40, binary: true };
    case 'Pi':
      return { format: 'BinarySI', exponent: 50, binary: true };
    case 'Ei':
      return { format: 'BinarySI', exponent: 60, binary: true };
  }
  const e = exponentSuffixRe.exec(s);
  if (e) return { format: 'DecimalExponent', exponent: Number(e[1]), binary: false };
  return undefined;
}

/** `must be greater than or equal to 0` with the quantity's canonical text. */
export function validateNonnegativeQty(q: Quantity, path: Path): Errs {
  return q.sign() < 0 ? [invalid(path, q.toString(), 'must be greater than or equal to 0')] : [];
}

/** Upstream `ValidateResourceQuantityValue`: non-negative, and integral for counted resources. */
export function validateResourceQuantityValue(name: string, text: string, path: Path): Errs {
  const q = parseQty(text);
  const errs = validateNonnegativeQty(q, path);
  if (isIntegerResourceName(name) && q.milliValue() % 1000n !== 0n) {
    errs.push(invalid(path, goQuantity(text), 'must be an integer'));
  }
  return errs;
}

// ---- Go's encoding/json errors ----------------------------------------------------------------

const utf8 = new TextEncoder();

/**
 * The error Go's `json.Unmarshal` returns for `data` (text, or the raw bytes of a `[]byte` field)
 * decoded into a value of Go type `goType`, which is a JSON object (`map[string]interface {}`) or
 * array (`[]core.Taint`); undefined when it succeeds. Covers the scanner's syntax messages and a
 * top-level value of the wrong JSON type.
 */
export function goJSONUnmarshalError(
  data: string | Uint8Array,
  want: 'object' | 'array',
  goType: string,
): string | undefined {
  const bytes = typeof data === 'string' ? utf8.encode(data) : data;
  const err = scanGoJson(bytes);
  if (err) return err;
  // Valid JSON: its first non-space byte gives the kind of the top-level value.
  let i = 0;
  while (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d) i++;
  let got: string;
  switch (bytes[i] ?? 0) {
    case 0x7b: // {
      got = 'object';
      break;
    case 0x5b: // [
      got = 'array';
      break;
    case 0x6e: // null
      return undefined;
    case 0x22: // "
      got = 'string';
      break;
    case 0x74: // true
    case 0x66: // false
      got = 'bool';
      break;
    default:
      got = 'number';
  }
  return got === want ? undefined : `json: cannot unmarshal ${got} into Go value of type ${goType}`;
}

/** `goJSONUnmarshalError` into `map[string]interface {}`. */
export function goJSONObjectError(data: Uint8Array): string | undefined {
  return goJSONUnmarshalError(data, 'object', 'map[string]interface {}');
}
