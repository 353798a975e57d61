/**
 * The result of parsing a request body (JSON or YAML) before it is decoded against a schema, and
 * the error a malformed body produces. Shared by `parseJsonBody`, `parseYamlBody` and
 * `decodeAgainstSchema`.
 */

/** A key that appeared twice in one object, found while parsing. */
export interface DuplicateField {
  /** Upstream strict-decoding path: `spec.replicas`, `spec.containers[0].name`, `metadata.labels.app`. */
  readonly path: string;
  /** Path segments: keys and array indices, from the root. */
  readonly segments: readonly (string | number)[];
  /** Position among all keys of the document (0-based), for ordering strict errors. */
  readonly seq: number;
  /** 1-based line of the repeated value (YAML bodies only; upstream's YAML messages cite it). */
  readonly line?: number;
  /** YAML bodies: upstream's strict message for it, `line 5: key "replicas" already set in map`. */
  readonly yamlMessage?: string;
}

/** A parsed body: plain JSON-like data plus what strict decoding needs to know about its text. */
export interface ParsedBody {
  readonly value: unknown;
  readonly format: 'json' | 'yaml';
  /** Keys repeated within one object, in document order (the last value is the one kept). */
  readonly duplicates: readonly DuplicateField[];
  /**
   * The literal text of numbers whose JS value does not show how they were written (`1.0`, `1e3`,
   * `-0`, integers beyond 2^53), keyed by their container and key or index. YAML bodies record
   * only integers beyond 2^53 (other YAML numbers reach upstream's decoder through float64 too).
   */
  readonly numberLiterals?: WeakMap<object, Map<string | number, string>>;
  /**
   * For JSON bodies with duplicates: the position of the first occurrence of every key of every
   * object, so unknown and duplicate fields can be reported in document order as upstream does.
   */
  readonly keyOrder?: WeakMap<object, Map<string, number>>;
}

export type BodyErrorKind = 'syntax' | 'eof' | 'depth' | 'encoding' | 'yaml';

/**
 * A body that is not well-formed JSON or YAML. `message` is the text upstream reports (Go's
 * `encoding/json` syntax errors, e.g. `invalid character 'x' looking for beginning of value`,
 * `unexpected end of JSON input`; or go-yaml's `yaml: line 3: ...`). The position is in
 * `offset` (bytes), `line` and `column` (1-based).
 *
 * The API server answers 400 BadRequest; see `undecodableObjectMessage` for the full text.
 */
export class BodySyntaxError extends Error {
  override readonly name = 'BodySyntaxError';
  /** Always a 400 BadRequest. */
  readonly reason = 'BadRequest' as const;
  readonly code = 400 as const;
  readonly kind: BodyErrorKind;
  readonly offset: number;
  readonly line: number;
  readonly column: number;

  constructor(
    message: string,
    kind: BodyErrorKind,
    position: { offset: number; line: number; column: number },
  ) {
    super(message);
    this.kind = kind;
    this.offset = position.offset;
    this.line = position.line;
    this.column = position.column;
  }

  /** The message with its position, for logs and for clients that want it. */
  describe(): string {
    return `${this.message} (line ${this.line}, column ${this.column}, byte ${this.offset})`;
  }
}

/** Upstream strict-decoding path of segments: keys joined by `.`, indices as `[i]`. */
export function strictPath(segments: readonly (string | number)[]): string {
  let out = '';
  let first = true;
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += first ? s : '.' + s;
    first = false;
  }
  return out;
}
