/**
 * Field errors, as upstream `field.Error`: what validation returns, and what the API server turns
 * into a 422 `Status` whose message and causes match a real cluster's, e.g.
 *
 *   Pod "web" is invalid: spec.containers[0].image: Required value
 *   Pod "web" is invalid: [metadata.name: Invalid value: "Web": a lowercase RFC 1123 ..., spec...]
 */

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError';

export interface FieldError {
  readonly type: FieldErrorType;
  /** JSON path of the field, `spec.containers[0].name`, `metadata.labels[app]`. */
  readonly field: string;
  /** The offending value, when the message shows it. */
  readonly badValue?: unknown;
  readonly detail: string;
}

export type FieldErrorList = FieldError[];

/** A field path, built as validation descends: `root('spec').child('containers').index(0)`. */
export class Path {
  private readonly text: string;

  private constructor(text: string) {
    this.text = text;
  }

  static root(name: string): Path {
    return new Path(name);
  }

  child(name: string): Path {
    return new Path(this.text ? `${this.text}.${name}` : name);
  }

  index(i: number): Path {
    return new Path(`${this.text}[${i}]`);
  }

  /** A map key: `metadata.labels[app]`. */
  key(k: string): Path {
    return new Path(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

type At = Path | string;
const str = (p: At): string => p.toString();

export function required(path: At, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field: str(path), detail };
}

export function invalid(path: At, badValue: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: str(path), badValue, detail };
}

export function notSupported(
  path: At,
  badValue: unknown,
  supported: readonly string[],
): FieldError {
  const detail = supported.length
    ? 'supported values: ' + supported.map((s) => JSON.stringify(s)).join(', ')
    : '';
  return { type: 'FieldValueNotSupported', field: str(path), badValue, detail };
}

export function duplicate(path: At, badValue: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field: str(path), badValue, detail: '' };
}

export function forbidden(path: At, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field: str(path), detail };
}

export function tooLong(path: At, maxLength: number, unit = 'bytes'): FieldError {
  return {
    type: 'FieldValueTooLong',
    field: str(path),
    detail: `must have at most ${maxLength} ${unit}`,
  };
}

export function tooMany(path: At, actual: number, max: number): FieldError {
  return {
    type: 'FieldValueTooMany',
    field: str(path),
    badValue: actual,
    detail: `must have at most ${max} items`,
  };
}

/** The short description of an error type, as upstream `ErrorType.String()`. */
export function errorTypeText(type: FieldErrorType): string {
  switch (type) {
    case 'FieldValueRequired':
      return 'Required value';
    case 'FieldValueInvalid':
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

/** Renders a value as upstream does in messages: strings quoted, numbers and booleans bare. */
function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** The message of one error without its field: `Invalid value: "Web": a lowercase ...`. */
export function errorBody(e: FieldError): string {
  let s = errorTypeText(e.type);
  const showsValue =
    e.type === 'FieldValueInvalid' ||
    e.type === 'FieldValueNotSupported' ||
    e.type === 'FieldValueDuplicate' ||
    (e.type === 'FieldValueTooMany' && e.badValue !== undefined);
  if (showsValue) s += ': ' + renderValue(e.badValue);
  if (e.detail) s += ': ' + e.detail;
  return s;
}

/** `field: body`, the form used in aggregated messages. */
export function formatFieldError(e: FieldError): string {
  return e.field ? `${e.field}: ${errorBody(e)}` : errorBody(e);
}

/** Aggregated message: one error alone, several in brackets, as upstream `utilerrors.NewAggregate`. */
export function formatFieldErrors(errs: readonly FieldError[]): string {
  const parts = [...new Set(errs.map(formatFieldError))];
  return parts.length === 1 ? (parts[0] ?? '') : `[${parts.join(', ')}]`;
}
