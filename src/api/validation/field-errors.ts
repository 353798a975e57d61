/**
 * Field errors, as upstream `field.Error`: what validation returns, and what the API server turns
 * into a 422 `Status` whose message and causes match a real cluster's, e.g.
 *
 *   Pod "web" is invalid: spec.containers[0].image: Required value
 *   Pod "web" is invalid: [metadata.name: Invalid value: "Web": a lowercase RFC 1123 ..., spec...]
 */
import { GoLiteral, goFormatFloat, goQuote, goStringSlice } from './go-format.ts';

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  readonly type: FieldErrorType;
  /** JSON path of the field, `spec.containers[0].name`, `metadata.labels[app]`. */
  readonly field: string;
  /**
   * The offending value. Shown in the message for every type except Required, Forbidden, TooLong
   * and InternalError, rendered as Go does (see `renderBadValue`); `omitValue` hides it.
   */
  readonly badValue?: unknown;
  readonly detail: string;
}

export type FieldErrorList = FieldError[];

/** A bad value that is not shown in the message (upstream's `omitValue`). */
export const omitValue: unique symbol = Symbol('omitValue');

/**
 * A field path, built as validation descends: `Path.root('spec').child('containers').index(0)`.
 * Immutable; every step returns a new path.
 */
export class Path {
  private readonly text: string;

  private constructor(text: string) {
    this.text = text;
  }

  /** `Path.root('metadata')`, or several names at once: `Path.root('spec', 'template')`. */
  static root(name: string, ...moreNames: string[]): Path {
    let p = new Path(name);
    for (const n of moreNames) p = p.child(n);
    return p;
  }

  child(name: string, ...moreNames: string[]): Path {
    let p = new Path(this.text ? `${this.text}.${name}` : name);
    for (const n of moreNames) p = p.child(n);
    return p;
  }

  index(i: number): Path {
    return new Path(`${this.text}[${i}]`);
  }

  /** A map key: `metadata.labels[app]` (not quoted, as upstream). */
  key(k: string): Path {
    return new Path(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

type At = Path | string;
const str = (p: At): string => p.toString();

export function notFound(path: At, badValue: unknown): FieldError {
  return { type: 'FieldValueNotFound', field: str(path), badValue, detail: '' };
}

export function required(path: At, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field: str(path), badValue: '', detail };
}

export function invalid(path: At, badValue: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: str(path), badValue, detail };
}

/** Upstream `field.TypeInvalid`: the value does not have the schema's type. */
export function typeInvalid(path: At, badValue: unknown, detail: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field: str(path), badValue, detail };
}

/** `supported values: "Always", "Never"`, each value Go-quoted, in the order given. */
export function notSupported(
  path: At,
  badValue: unknown,
  supported: readonly string[],
): FieldError {
  const detail = supported.length ? 'supported values: ' + supported.map(goQuote).join(', ') : '';
  return { type: 'FieldValueNotSupported', field: str(path), badValue, detail };
}

export function duplicate(path: At, badValue: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field: str(path), badValue, detail: '' };
}

export function forbidden(path: At, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field: str(path), badValue: '', detail };
}

/**
 * `Too long: may not be more than N bytes` (the value itself is never shown). A negative
 * `maxLength` gives `Too long: value is too long`.
 */
export function tooLong(path: At, maxLength: number): FieldError {
  return {
    type: 'FieldValueTooLong',
    field: str(path),
    badValue: omitValue,
    detail: maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long',
  };
}

/**
 * `Too many: 12: must have at most 10 items`. A negative `actual` hides the count; a negative
 * `max` gives `has too many items`.
 */
export function tooMany(path: At, actual: number, max: number): FieldError {
  return {
    type: 'FieldValueTooMany',
    field: str(path),
    badValue: actual >= 0 ? actual : omitValue,
    detail: max >= 0 ? `must have at most ${max} items` : 'has too many items',
  };
}

export function internalError(path: At, err: Error | string): FieldError {
  return {
    type: 'InternalError',
    field: str(path),
    badValue: null,
    detail: typeof err === 'string' ? err : err.message,
  };
}

/** The short description of an error type, as upstream `ErrorType.String()`. */
export function errorTypeText(type: FieldErrorType): string {
  switch (type) {
    case 'FieldValueNotFound':
      return 'Not found';
    case 'FieldValueRequired':
      return 'Required value';
    case 'FieldValueInvalid':
    case 'FieldValueTypeInvalid':
      return 'Invalid value';
    case 'FieldValueNotSupported':
      return 'Unsupported value';
    case 'FieldValueDuplicate':
      return 'Duplicate value';
    case 'FieldValueForbidden':
      return 'Forbidden';
    case 'FieldValueTooLong':
      return 'Too long';
    case 'FieldValueTooMany':
      return 'Too many';
    case 'InternalError':
      return 'Internal error';
  }
}

/**
 * Renders a bad value as upstream v1.32 does: strings Go-quoted (`%q`), numbers and booleans bare
 * (`%v`; integral numbers as integers, others as Go floats), null as `null`, a `GoLiteral` (or any
 * object with its own `toString`, like Go's `fmt.Stringer`) as its text, string arrays as
 * `[]string{"a", "b"}`. Other objects have no faithful rendering (Go prints `%#v` of its struct);
 * they are shown as JSON.
 */
export function renderBadValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'number':
      return Number.isInteger(v) ? String(v) : goFormatFloat(v);
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'undefined':
      return 'null';
    case 'symbol':
    case 'function':
      return String(v);
    case 'object':
      break;
  }
  if (v === null) return 'null';
  if (v instanceof GoLiteral) return v.text;
  if (Array.isArray(v)) {
    if (v.every((x): x is string => typeof x === 'string')) return goStringSlice(v).text;
    return JSON.stringify(v);
  }
  const withToString = v as { toString?: unknown };
  if (typeof withToString.toString === 'function' && !isPlainObject(v)) {
    return (v as { toString(): string }).toString();
  }
  return JSON.stringify(v);
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The message of one error without its field: `Invalid value: "Web": a lowercase ...`. */
export function errorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
    case 'InternalError':
      s = errorTypeText(e.type);
      break;
    case 'FieldValueNotFound':
    case 'FieldValueInvalid':
    case 'FieldValueTypeInvalid':
    case 'FieldValueNotSupported':
    case 'FieldValueDuplicate':
    case 'FieldValueTooMany':
      s =
        e.badValue === omitValue
          ? errorTypeText(e.type)
          : `${errorTypeText(e.type)}: ${renderBadValue(e.badValue)}`;
  }
  if (e.detail) s += ': ' + e.detail;
  return s;
}

/** `field: body`, upstream `field.Error.Error()`. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/**
 * Aggregated message: one error alone, several in brackets and comma-separated, duplicates
 * (same text) dropped, as upstream `ErrorList.ToAggregate().Error()`. Empty for no errors.
 */
export function formatFieldErrors(errs: readonly FieldError[]): string {
  const parts = [...new Set(errs.map(formatFieldError))];
  return parts.length === 1 ? (parts[0] ?? '') : parts.length ? `[${parts.join(', ')}]` : '';
}

/** `Deployment.apps`: upstream `schema.GroupKind.String()`. */
export function qualifiedKind(gk: { readonly group: string; readonly kind: string }): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

/**
 * The message of a 422 Invalid `Status`, upstream `errors.NewInvalid`:
 * `Pod "web" is invalid: spec.containers[0].image: Required value`.
 */
export function invalidMessage(
  gk: { readonly group: string; readonly kind: string },
  name: string,
  errs: readonly FieldError[],
): string {
  const head = `${qualifiedKind(gk)} ${goQuote(name)} is invalid`;
  return errs.length ? `${head}: ${formatFieldErrors(errs)}` : head;
}

/** The `details.causes` of a 422 Invalid `Status`: one per error, message without the field. */
export function fieldErrorCauses(
  errs: readonly FieldError[],
): { reason: FieldErrorType; message: string; field: string }[] {
  return errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
}
