/**
 * Field selectors (upstream `k8s.io/apimachinery/pkg/fields`): `?fieldSelector=` terms joined by
 * commas, each `field=value`, `field==value` or `field!=value`.
 *
 *   "metadata.name=web,status.phase!=Running,spec.nodeName=="
 *
 * In values, `\` escapes `\`, `,` and `=`; anything else after a backslash, a trailing backslash,
 * or an unescaped `=` or `,` is an error. A missing field reads as "" when matching.
 *
 * Which fields a resource supports is the API server's business: it calls `transform` with a
 * conversion that throws `FieldLabelNotSupportedError` for the others, and returns the message in
 * a 400, as upstream does.
 */
import { goQuote } from '../validation/go-format.ts';

export type FieldOperator = '=' | '==' | '!=';

/** One term. `==` and `=` mean the same. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/** A selector that failed to parse; `message` is upstream's text. */
export class FieldSelectorError extends Error {
  override readonly name: string = 'FieldSelectorError';
  /** In a request (`?fieldSelector=`), always a 400 BadRequest. */
  readonly reason = 'BadRequest' as const;
  readonly code = 400 as const;
}

/**
 * A field selector naming a field the resource cannot be selected by. `message` is upstream's:
 * `field label not supported: spec.foo` for kinds with their own field conversions, or
 * `"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"` for kinds
 * with only the default ones (`style: 'default'`).
 */
export class FieldLabelNotSupportedError extends FieldSelectorError {
  override readonly name = 'FieldLabelNotSupportedError';
  readonly label: string;

  constructor(label: string, style: 'kind' | 'default' = 'kind') {
    super(
      style === 'kind'
        ? `field label not supported: ${label}`
        : `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
    );
    this.label = label;
  }
}

/** Reads a field of an object for matching; undefined means absent (matches as ""). */
export type FieldGetter = (field: string) => string | undefined;

/** Upstream `TransformFunc`: rewrites (or rejects, by throwing) one term's field and value. */
export type FieldTransform = (field: string, value: string) => { field: string; value: string };

/** `\` -> `\\`, `,` -> `\,`, `=` -> `\=` */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

/** The inverse of `escapeFieldValue`; throws `FieldSelectorError` with upstream's messages. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      // Upstream prints the rune with %v: its code point number.
      throw new FieldSelectorError(
        `invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`,
      );
    } else out += c;
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

function termString(r: FieldRequirement): string {
  return `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`;
}

/**
 * A parsed field selector: a conjunction of terms, or Nothing. Immutable.
 * Upstream `fields.Selector`.
 */
export class FieldsSelector {
  /** null for Nothing. */
  readonly terms: readonly FieldRequirement[] | null;

  private constructor(terms: readonly FieldRequirement[] | null) {
    this.terms = terms;
  }

  private static readonly everythingSelector = new FieldsSelector([]);
  private static readonly nothingSelector = new FieldsSelector(null);

  /** Matches everything (no terms). */
  static everything(): FieldsSelector {
    return FieldsSelector.everythingSelector;
  }

  /** Matches nothing. */
  static nothing(): FieldsSelector {
    return FieldsSelector.nothingSelector;
  }

  /** A selector of these terms, in the given order. */
  static of(terms: readonly FieldRequirement[]): FieldsSelector {
    return terms.length ? new FieldsSelector([...terms]) : FieldsSelector.everythingSelector;
  }

  empty(): boolean {
    return this.terms !== null && this.terms.length === 0;
  }

  isNothing(): boolean {
    return this.terms === null;
  }

  /** Whether an object whose fields `get` reads satisfies every term. */
  matches(get: FieldGetter): boolean {
    if (this.terms === null) return false;
    for (const t of this.terms) {
      const v = get(t.field) ?? '';
      if (t.operator === '!=' ? v === t.value : v !== t.value) return false;
    }
    return true;
  }

  /** The value `field` must have for a match, when a `=` term pins it. */
  requiresExactMatch(field: string): string | undefined {
    if (this.terms === null) return undefined;
    for (const t of this.terms) if (t.field === field && t.operator !== '!=') return t.value;
    return undefined;
  }

  /**
   * Rewrites every term with `fn` (upstream `Transform`); a term rewritten to an empty field and
   * value is dropped. Errors thrown by `fn` propagate (e.g. `FieldLabelNotSupportedError`).
   */
  transform(fn: FieldTransform): FieldsSelector {
    if (this.terms === null) return this;
    const out: FieldRequirement[] = [];
    for (const t of this.terms) {
      const { field, value } = fn(t.field, t.value);
      if (field.length === 0 && value.length === 0) continue;
      out.push({ field, operator: t.operator, value });
    }
    return FieldsSelector.of(out);
  }

  /** The string form: terms comma-separated, values escaped, `==` written as `=`. */
  toString(): string {
    return this.terms === null ? '' : this.terms.map(termString).join(',');
  }
}

/** Splits on commas not escaped by a backslash. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** The first `!=`, `==` or `=` (in that preference at each position) splits field from value. */
function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith('!=', i)) return [term.slice(0, i), '!=', term.slice(i + 2)];
    if (term.startsWith('==', i)) return [term.slice(0, i), '==', term.slice(i + 2)];
    if (term[i] === '=') return [term.slice(0, i), '=', term.slice(i + 1)];
  }
  return undefined;
}

/** Go's byte-wise string order. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Parses a field selector (upstream `ParseSelector`): terms are sorted as written, empty terms
 * ignored, "" is Everything. Throws `FieldSelectorError` with upstream's messages:
 * `invalid selector: 'a'; can't understand 'a'`, escape errors.
 */
export function parseFieldSelector(s: string): FieldsSelector {
  const parts = splitTerms(s).sort(compareStrings);
  const terms: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split)
      throw new FieldSelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    const [field, operator, rhs] = split;
    terms.push({ field, operator, value: unescapeFieldValue(rhs) });
  }
  return FieldsSelector.of(terms);
}

/** `parseFieldSelector(s).transform(fn)` (upstream `ParseAndTransformSelector`). */
export function parseAndTransformFieldSelector(s: string, fn: FieldTransform): FieldsSelector {
  return parseFieldSelector(s).transform(fn);
}

/** `field=value` for each entry (upstream `SelectorFromSet`); undefined is Everything. */
export function fieldsSelectorFromSet(
  set: Readonly<Record<string, string>> | undefined,
): FieldsSelector {
  if (!set) return FieldsSelector.everything();
  return FieldsSelector.of(
    Object.entries(set).map(([field, value]) => ({ field, operator: '=' as const, value })),
  );
}

/**
 * The conversion of kinds without their own field selectors (upstream
 * `DefaultMetaV1FieldSelectorConversion`): only `metadata.name` and `metadata.namespace`.
 */
export const defaultFieldSelectorConversion: FieldTransform = (field, value) => {
  if (field === 'metadata.name' || field === 'metadata.namespace') return { field, value };
  throw new FieldLabelNotSupportedError(field, 'default');
};

/**
 * A conversion for a kind that supports `metadata.name`, `metadata.namespace` (unless
 * cluster-scoped) and the given labels; `aliases` rename old labels (`spec.host` ->
 * `spec.nodeName`). Others throw `field label not supported: <label>`.
 */
export function fieldSelectorConversion(opts: {
  readonly labels: Iterable<string>;
  readonly namespaced?: boolean;
  readonly aliases?: Readonly<Record<string, string>>;
}): FieldTransform {
  const supported = new Set<string>(opts.labels);
  supported.add('metadata.name');
  if (opts.namespaced !== false) supported.add('metadata.namespace');
  const aliases = opts.aliases ?? {};
  return (field, value) => {
    if (supported.has(field)) return { field, value };
    if (Object.hasOwn(aliases, field)) return { field: aliases[field] ?? field, value };
    throw new FieldLabelNotSupportedError(field);
  };
}
