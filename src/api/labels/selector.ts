/**
 * Label selectors (upstream `k8s.io/apimachinery/pkg/labels`): the string form used by
 * `?labelSelector=` and `kubectl -l`, the `metav1.LabelSelector` form used in specs, and matching.
 *
 *   "app=web,tier!=db,env in (prod,staging),!canary,release,rev>3"
 *
 * Everything vs Nothing: an empty selector (no requirements) matches every object; the Nothing
 * selector (from a null `metav1.LabelSelector`) matches none. Both print as "".
 *
 * Parse errors are `LabelSelectorError`s whose messages are upstream's, word for word, so the
 * API server can return them in a 400 as a real cluster does.
 */
import type { LabelSelector } from '../meta/v1.ts';
import type { FieldError } from '../validation/field-errors.ts';
import { Path, formatFieldErrors, invalid, notSupported } from '../validation/field-errors.ts';
import { goQuote, goStringSlice } from '../validation/go-format.ts';
import { isQualifiedName, isValidLabelValue } from '../validation/names.ts';

/** Upstream `selection.Operator` values. */
export type LabelOperator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

const binaryOperators: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const validOperators: readonly LabelOperator[] = [...binaryOperators, 'exists', '!'];

/** A label map, as `metadata.labels`. */
export type Labels = Readonly<Record<string, string>>;

/** One term of a selector. Values are sorted and unique when parsed from the string form. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** A selector that failed to parse or to convert; `message` is upstream's text. */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
  /** In a request (`?labelSelector=`), always a 400 BadRequest. */
  readonly reason = 'BadRequest' as const;
  readonly code = 400 as const;
}

// ---- requirements ----------------------------------------------------------------------------

const int64Re = /^[+-]?[0-9]+$/;
const minInt64 = -9223372036854775808n;
const maxInt64 = 9223372036854775807n;

/** Go's `strconv.ParseInt(s, 10, 64)`, or undefined. */
function parseInt64(s: string): bigint | undefined {
  if (!int64Re.test(s)) return undefined;
  const v = BigInt(s);
  return v < minInt64 || v > maxInt64 ? undefined : v;
}

/** Upstream `validateLabelKey`: one error with every problem joined by "; ". */
function labelKeyError(key: string, path: string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, key, errs.join('; ')) : undefined;
}

/**
 * Upstream `NewRequirement`: checks the key, the operator's value count, integer values for gt/lt
 * and every value as a label value. Throws `LabelSelectorError` with the aggregated field errors
 * (`key: Invalid value: ...`). `path` prefixes the fields (`key`, `values[0]`); `valuesAsGiven`
 * controls how an empty value list is shown (`[]string{}` or `[]string(nil)`).
 */
export function newLabelRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[] | null,
  opts: { path?: Path } = {},
): LabelRequirement {
  const vals = values ?? [];
  const errs: FieldError[] = [];
  const keyPath = opts.path ? opts.path.child('key') : Path.root('key');
  const valuesPath = opts.path ? opts.path.child('values') : Path.root('values');
  const keyErr = labelKeyError(key, keyPath.toString());
  if (keyErr) errs.push(keyErr);
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) {
        errs.push(
          invalid(
            valuesPath,
            goStringSlice(values),
            "for 'in', 'notin' operators, values set can't be empty",
          ),
        );
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) {
        errs.push(
          invalid(
            valuesPath,
            goStringSlice(values),
            'exact-match compatibility requires one single value',
          ),
        );
      }
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) {
        errs.push(
          invalid(
            valuesPath,
            goStringSlice(values),
            'values set must be empty for exists and does not exist',
          ),
        );
      }
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) {
        errs.push(
          invalid(
            valuesPath,
            goStringSlice(values),
            "for 'Gt', 'Lt' operators, exactly one value is required",
          ),
        );
      }
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(
            invalid(
              valuesPath.index(i),
              v,
              "for 'Gt', 'Lt' operators, the value must be an integer",
            ),
          );
        }
      });
      break;
    default:
      errs.push(
        notSupported(
          opts.path ? opts.path.child('operator') : 'operator',
          operator,
          validOperators,
        ),
      );
  }
  vals.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push(invalid(valuesPath.index(i).key(key), v, msgs.join('; ')));
  });
  if (errs.length) throw new LabelSelectorError(formatFieldErrors(errs));
  return { key, operator, values: [...vals] };
}

function hasValue(r: LabelRequirement, v: string): boolean {
  return r.values.includes(v);
}

/** Whether `labels` satisfy one requirement. */
export function requirementMatches(r: LabelRequirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && hasValue(r, value ?? '');
    case 'notin':
    case '!=':
      return !has || !hasValue(r, value ?? '');
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const actual = parseInt64(value ?? '');
      const wanted = parseInt64(r.values[0] ?? '');
      if (actual === undefined || wanted === undefined) return false;
      return r.operator === 'gt' ? actual > wanted : actual < wanted;
    }
  }
}

/** The string form of one requirement: `!k`, `k`, `k=v`, `k in (a,b)`, `k>3`. */
export function requirementString(r: LabelRequirement): string {
  let s = r.operator === '!' ? '!' + r.key : r.key;
  switch (r.operator) {
    case '=':
      s += '=';
      break;
    case '==':
      s += '==';
      break;
    case '!=':
      s += '!=';
      break;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    case 'exists':
    case '!':
      return s;
  }
  const values =
    r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort(compareStrings).join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${values})` : s + values;
}

/** Go's byte-wise string order (UTF-16 order differs only for astral characters). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortByKey(reqs: LabelRequirement[]): LabelRequirement[] {
  return reqs.sort((a, b) => compareStrings(a.key, b.key));
}

// ---- selectors -------------------------------------------------------------------------------

/**
 * A parsed label selector: a conjunction of requirements, or Nothing. Immutable.
 * Upstream `labels.Selector`.
 */
export class LabelsSelector {
  /** null for Nothing. */
  readonly requirements: readonly LabelRequirement[] | null;

  private constructor(requirements: readonly LabelRequirement[] | null) {
    this.requirements = requirements;
  }

  private static readonly everythingSelector = new LabelsSelector([]);
  private static readonly nothingSelector = new LabelsSelector(null);

  /** Matches every object (an empty selector). */
  static everything(): LabelsSelector {
    return LabelsSelector.everythingSelector;
  }

  /** Matches no object (a null `metav1.LabelSelector`). */
  static nothing(): LabelsSelector {
    return LabelsSelector.nothingSelector;
  }

  /** A selector of the given requirements, sorted by key. */
  static of(requirements: readonly LabelRequirement[]): LabelsSelector {
    return new LabelsSelector(sortByKey([...requirements]));
  }

  /** Nothing is not empty; Everything is. */
  empty(): boolean {
    return this.requirements !== null && this.requirements.length === 0;
  }

  isNothing(): boolean {
    return this.requirements === null;
  }

  matches(labels: Labels | undefined): boolean {
    if (this.requirements === null) return false;
    for (const r of this.requirements) if (!requirementMatches(r, labels)) return false;
    return true;
  }

  /** This selector plus more requirements (Nothing stays Nothing). */
  add(...requirements: LabelRequirement[]): LabelsSelector {
    if (this.requirements === null) return this;
    return new LabelsSelector(sortByKey([...this.requirements, ...requirements]));
  }

  /** The value `label` must have for a match, when the selector pins it to one value. */
  requiresExactMatch(label: string): string | undefined {
    if (this.requirements === null) return undefined;
    for (const r of this.requirements) {
      if (r.key !== label) continue;
      if (
        (r.operator === '=' || r.operator === '==' || r.operator === 'in') &&
        r.values.length === 1
      ) {
        return r.values[0];
      }
      return undefined;
    }
    return undefined;
  }

  /** The string form, requirements comma-separated in key order; "" for Everything and Nothing. */
  toString(): string {
    return this.requirements === null ? '' : this.requirements.map(requirementString).join(',');
  }
}

/** `key=value` for each label, unvalidated (upstream `SelectorFromSet`). */
export function labelsSelectorFromSet(set: Labels | undefined): LabelsSelector {
  if (!set) return LabelsSelector.everything();
  return LabelsSelector.of(
    Object.entries(set).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })),
  );
}

/** `key=value` for each label, validated (upstream `ValidatedSelectorFromSet`). */
export function validatedLabelsSelectorFromSet(set: Labels | undefined): LabelsSelector {
  if (!set) return LabelsSelector.everything();
  return LabelsSelector.of(Object.entries(set).map(([k, v]) => newLabelRequirement(k, '=', [v])));
}

/**
 * Converts a `metav1.LabelSelector` (upstream `LabelSelectorAsSelector`): null matches nothing,
 * an empty one everything; matchLabels become `=` requirements and matchExpressions their
 * operators. Throws `LabelSelectorError` with upstream's message for an unknown operator or an
 * invalid key or value.
 */
export function labelSelectorAsSelector(ps: LabelSelector | null | undefined): LabelsSelector {
  if (ps === null || ps === undefined) return LabelsSelector.nothing();
  const matchLabels = ps.matchLabels ?? {};
  const exprs = ps.matchExpressions ?? [];
  const labelKeys = Object.keys(matchLabels);
  if (labelKeys.length + exprs.length === 0) return LabelsSelector.everything();
  const reqs: LabelRequirement[] = [];
  for (const k of labelKeys) reqs.push(newLabelRequirement(k, '=', [matchLabels[k] ?? '']));
  for (const e of exprs) {
    const operator: string = e.operator;
    let op: LabelOperator;
    switch (operator) {
      case 'In':
        op = 'in';
        break;
      case 'NotIn':
        op = 'notin';
        break;
      case 'Exists':
        op = 'exists';
        break;
      case 'DoesNotExist':
        op = '!';
        break;
      default:
        throw new LabelSelectorError(`${goQuote(operator)} is not a valid label selector operator`);
    }
    const values = e.values && e.values.length ? e.values : null;
    reqs.push(newLabelRequirement(e.key, op, values));
  }
  return LabelsSelector.of(reqs);
}

/**
 * The labels a `metav1.LabelSelector` requires, when it can be written as plain labels (upstream
 * `LabelSelectorAsMap`): matchLabels plus each `In` with exactly one value. Null for a null
 * selector; throws `LabelSelectorError` (upstream's message) for any other operator.
 */
export function labelSelectorAsMap(
  ps: LabelSelector | null | undefined,
): Record<string, string> | null {
  if (!ps) return null;
  const out: Record<string, string> = { ...(ps.matchLabels ?? {}) };
  for (const e of ps.matchExpressions ?? []) {
    const operator: string = e.operator;
    switch (operator) {
      case 'In':
        if (e.values?.length !== 1) {
          throw new LabelSelectorError(
            `operator ${goQuote(operator)} without a single value cannot be converted into the old label selector format`,
          );
        }
        out[e.key] = e.values[0] ?? '';
        break;
      case 'NotIn':
      case 'Exists':
      case 'DoesNotExist':
        throw new LabelSelectorError(
          `operator ${goQuote(operator)} cannot be converted into the old label selector format`,
        );
      default:
        throw new LabelSelectorError(`${goQuote(operator)} is not a valid selector operator`);
    }
  }
  return out;
}

// ---- the string form -------------------------------------------------------------------------

type Token =
  | 'error'
  | 'end'
  | ')'
  | ','
  | '!'
  | '=='
  | '='
  | '>'
  | 'identifier'
  | 'in'
  | '<'
  | '!='
  | 'notin'
  | '(';

const keywordTokens: Readonly<Record<string, Token>> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

interface Item {
  tok: Token;
  lit: string;
}

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean =>
  c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';

/** Upstream's lexer: identifiers are runs of anything but specials and whitespace; NUL ends input. */
function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const read = (): string => (pos < s.length ? (s[pos++] ?? '\0') : '\0');
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '\0') {
      items.push({ tok: 'end', lit: '' });
      return items;
    }
    if (isSpecial(ch)) {
      let buffer = ch;
      const first = keywordTokens[buffer];
      let last: Item | undefined = first ? { tok: first, lit: buffer } : undefined;
      for (;;) {
        const next = read();
        if (next === '\0') break;
        if (!isSpecial(next)) {
          pos--;
          break;
        }
        buffer += next;
        const t = Object.hasOwn(keywordTokens, buffer) ? keywordTokens[buffer] : undefined;
        if (t) last = { tok: t, lit: buffer };
        else if (last) {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    let buffer = ch;
    for (;;) {
      const next = read();
      if (next === '\0') break;
      if (isSpecial(next) || isWhitespace(next)) {
        pos--;
        break;
      }
      buffer += next;
    }
    const t = Object.hasOwn(keywordTokens, buffer) ? keywordTokens[buffer] : undefined;
    items.push({ tok: t ?? 'identifier', lit: buffer });
  }
}

type Context = 'keyAndOperator' | 'values';

const operatorTokens = new Map<Token, LabelOperator>([
  ['in', 'in'],
  ['=', '='],
  ['==', '=='],
  ['>', 'gt'],
  ['<', 'lt'],
  ['notin', 'notin'],
  ['!=', '!='],
]);

class Parser {
  private readonly items: Item[];
  private position = 0;
  private readonly path: Path | undefined;

  constructor(s: string, path: Path | undefined) {
    this.items = lex(s);
    this.path = path;
  }

  private item(context: Context, at: number): Item {
    const it = this.items[at] ?? { tok: 'end', lit: '' };
    if (context === 'values' && (it.tok === 'in' || it.tok === 'notin')) {
      return { tok: 'identifier', lit: it.lit };
    }
    return it;
  }

  private lookahead(context: Context): Item {
    return this.item(context, this.position);
  }

  private consume(context: Context): Item {
    return this.item(context, this.position++);
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('values');
      if (tok === 'end') return reqs;
      if (tok !== 'identifier' && tok !== '!') {
        throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      let r: LabelRequirement;
      try {
        r = this.parseRequirement();
      } catch (e) {
        if (e instanceof LabelSelectorError) {
          throw new LabelSelectorError(`unable to parse requirement: ${e.message}`);
        }
        throw e;
      }
      reqs.push(r);
      const t = this.consume('values');
      if (t.tok === 'end') return reqs;
      if (t.tok !== ',') {
        throw new LabelSelectorError(`found '${t.lit}', expected: ',' or 'end of string'`);
      }
      const t2 = this.lookahead('values');
      if (t2.tok !== 'identifier' && t2.tok !== '!') {
        throw new LabelSelectorError(`found '${t2.lit}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') {
      return newLabelRequirement(key, operator, [], this.pathOpts());
    }
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newLabelRequirement(key, op, [...values].sort(compareStrings), this.pathOpts());
  }

  private pathOpts(): { path?: Path } {
    return this.path ? { path: this.path } : {};
  }

  private parseKeyAndInferOperator(): { key: string; operator: LabelOperator | undefined } {
    let operator: LabelOperator | undefined;
    let t = this.consume('values');
    if (t.tok === '!') {
      operator = '!';
      t = this.consume('values');
    }
    if (t.tok !== 'identifier')
      throw new LabelSelectorError(`found '${t.lit}', expected: identifier`);
    const keyErr = labelKeyError(t.lit, this.path ? this.path.toString() : '<nil>');
    if (keyErr) throw new LabelSelectorError(formatFieldErrors([keyErr]));
    const next = this.lookahead('values').tok;
    if ((next === 'end' || next === ',') && operator !== '!') operator = 'exists';
    return { key: t.lit, operator };
  }

  private parseOperator(): LabelOperator {
    const { tok, lit } = this.consume('keyAndOperator');
    const op = operatorTokens.get(tok);
    if (op === undefined) {
      throw new LabelSelectorError(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    }
    return op;
  }

  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.tok !== '(') throw new LabelSelectorError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('values');
    if (tok === ')') {
      this.consume('values');
      return new Set(['']);
    }
    if (tok !== 'identifier' && tok !== ',') {
      throw new LabelSelectorError(`found '${lit}', expected: ',', ')' or identifier`);
    }
    const s = this.parseIdentifiersList();
    if (this.consume('values').tok !== ')') {
      // Upstream reports the token that followed '(' here, not the offending one.
      throw new LabelSelectorError(`found '${lit}', expected: ')'`);
    }
    return s;
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume('values');
      if (tok === 'identifier') {
        s.add(lit);
        const t2 = this.lookahead('values');
        if (t2.tok === ',') continue;
        if (t2.tok === ')') return s;
        throw new LabelSelectorError(`found '${t2.lit}', expected: ',' or ')'`);
      }
      if (tok !== ',') {
        throw new LabelSelectorError(`found '${lit}', expected: ',', or identifier`);
      }
      // "(," and ",," and ",)" each stand for an empty value.
      if (s.size === 0) s.add('');
      const t2 = this.lookahead('values');
      if (t2.tok === ')') {
        s.add('');
        return s;
      }
      if (t2.tok === ',') {
        this.consume('values');
        s.add('');
      }
    }
  }

  private parseExactValue(): Set<string> {
    const t = this.lookahead('values');
    if (t.tok === 'end' || t.tok === ',') return new Set(['']);
    const v = this.consume('values');
    if (v.tok === 'identifier') return new Set([v.lit]);
    throw new LabelSelectorError(`found '${v.lit}', expected: identifier`);
  }
}

/**
 * Parses the string form of a label selector (upstream `labels.Parse`). "" is Everything.
 * Throws `LabelSelectorError` with upstream's message. `path`, when given, is where the field
 * errors of invalid keys and values point (upstream `field.WithPath`).
 */
export function parseLabelSelector(s: string, opts: { path?: Path } = {}): LabelsSelector {
  return LabelsSelector.of(new Parser(s, opts.path).parse());
}
