/**
 * `parseYamlBody`: YAML request bodies (`application/yaml`, and server-side apply's
 * `application/apply-patch+yaml`), converted to the same JSON-like data a JSON body gives, with
 * upstream's semantics (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 resolution):
 *
 *   - plain scalars resolve as go-yaml v2 does: `yes`/`no`/`on`/`off`/`y`/`n` are booleans,
 *     `~`/`null`/empty are null, `0x1F`/`0o17`/`017`/`0b101`/`1_000` integers, `1e3` and `.5`
 *     floats; `.inf`/`.nan` cannot become JSON (an error, as upstream); timestamps stay strings;
 *     quoted and block scalars are strings;
 *   - explicit standard tags (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!binary`,
 *     `!!timestamp`) convert or fail as upstream (``cannot decode !!str `x` as a !!int``); other
 *     tags are ignored as upstream ignores them (`!!python/object` never means anything), or
 *     rejected with `customTags: 'reject'`;
 *   - only the first document is read; later ones are ignored, as upstream;
 *   - merge keys (`<<`) apply positionally, as in go-yaml v2;
 *   - aliases expand under go-yaml's budget: a document that is mostly alias expansion fails with
 *     `document contains excessive aliasing` (billion laughs); a self-referencing anchor with
 *     `anchor 'x' value contains itself`;
 *   - duplicate keys are reported with upstream's strict message (`line 5: key "replicas" already
 *     set in map`); the last value is kept, as upstream's non-strict conversion does;
 *   - map keys become strings (`1` -> "1", `true` -> "true"); a null or collection key fails.
 *
 * Limits: go-yaml accepts nesting up to 10,000 levels; the `yaml` package composes documents
 * recursively, so we refuse nesting beyond `maxYamlDepth` (500) before composing. Syntax error
 * messages come from the `yaml` package, in go-yaml's `yaml: line N: ...` form but not always
 * with go-yaml's words. Errors are `BodySyntaxError`s of kind 'yaml'.
 */
import {
  Composer,
  LineCounter,
  Parser,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type CST,
  type Document,
  type Node as YamlNode,
  type Pair,
} from 'yaml';
import type { DuplicateField, ParsedBody } from './body.ts';
import { BodySyntaxError, strictPath } from './body.ts';
import { parseJsonBody } from './json-body.ts';
import { goFormatFloat, goQuote } from '../validation/go-format.ts';

/** The deepest nesting we compose (see the module comment). */
export const maxYamlDepth = 500;

export interface YamlBodyOptions {
  /** Tags other than the standard ones: ignored as upstream does (default), or rejected. */
  readonly customTags?: 'ignore' | 'reject';
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

const tagPrefix = 'tag:yaml.org,2002:';
const strTag = tagPrefix + 'str';
const intTag = tagPrefix + 'int';
const floatTag = tagPrefix + 'float';
const boolTag = tagPrefix + 'bool';
const nullTag = tagPrefix + 'null';
const binaryTag = tagPrefix + 'binary';
const timestampTag = tagPrefix + 'timestamp';
const mergeTag = tagPrefix + 'merge';
const mapTag = tagPrefix + 'map';
const seqTag = tagPrefix + 'seq';
const omapTag = tagPrefix + 'omap';
const resolvableTags = new Set(['', strTag, intTag, floatTag, boolTag, nullTag, timestampTag]);

const shortTag = (tag: string): string =>
  tag.startsWith(tagPrefix) ? '!!' + tag.slice(tagPrefix.length) : tag;

/** A scalar typed as go-yaml v2 types it. */
type Resolved =
  | { readonly tag: 'str' | 'timestamp' | 'merge' | 'binary'; readonly value: string }
  | { readonly tag: 'bool'; readonly value: boolean }
  | { readonly tag: 'null'; readonly value: null }
  | { readonly tag: 'int'; readonly value: bigint }
  | { readonly tag: 'float'; readonly value: number };

const resolvedTagNames: Readonly<Record<Resolved['tag'], string>> = {
  str: strTag,
  timestamp: timestampTag,
  merge: mergeTag,
  binary: binaryTag,
  bool: boolTag,
  null: nullTag,
  int: intTag,
  float: floatTag,
};

const boolWords = new Map<string, boolean>();
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
  boolWords.set(w, true);
}
for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  boolWords.set(w, false);
}
const nullWords = new Set(['', '~', 'null', 'Null', 'NULL']);
const specialFloats = new Map<string, number>();
for (const w of ['.nan', '.NaN', '.NAN']) specialFloats.set(w, NaN);
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) specialFloats.set(w, Infinity);
for (const w of ['-.inf', '-.Inf', '-.INF']) specialFloats.set(w, -Infinity);

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const goIntSyntax = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const minInt64 = -9223372036854775808n;
const maxInt64 = 9223372036854775807n;
const maxUint64 = 18446744073709551615n;

/** Go's `ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: the integer, or undefined. */
function parseGoInt(s: string): bigint | undefined {
  const m = goIntSyntax.exec(s);
  if (!m) return undefined;
  const negative = m[1] === '-';
  const body = m[2] ?? '';
  let v: bigint;
  if (/^0[xXoObB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  if (negative) v = -v;
  if (v < minInt64) return undefined;
  if (v > maxInt64 && (negative || v > maxUint64)) return undefined;
  return v;
}

const timestampRe =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[+-][0-9]{1,2}(?::[0-9]{2})?))?)?$/;

/** go-yaml v2 `resolve`: types a scalar's text under a (possibly empty) standard tag. */
function resolveText(tag: string, s: string): Resolved {
  const c = s.charCodeAt(0);
  let hint: string;
  if (s.length === 0) hint = 'N';
  else if (c === 0x2b || c === 0x2d) hint = 'S';
  else if (c >= 0x30 && c <= 0x39) hint = 'D';
  else if (c === 0x2e) hint = '.';
  else if ('yYnNtTfFoO~'.includes(s.charAt(0))) hint = 'M';
  else hint = '';
  if (hint === '' || tag === strTag || tag === binaryTag) return { tag: 'str', value: s };
  const b = boolWords.get(s);
  if (b !== undefined) return { tag: 'bool', value: b };
  if (nullWords.has(s)) return { tag: 'null', value: null };
  const f = specialFloats.get(s);
  if (f !== undefined) return { tag: 'float', value: f };
  if (s === '<<') return { tag: 'merge', value: s };
  if (hint === '.') {
    const v = Number(s);
    if (/^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(s) && Number.isFinite(v)) {
      return { tag: 'float', value: v };
    }
  } else if (hint === 'D' || hint === 'S') {
    if ((tag === '' || tag === timestampTag) && timestampRe.test(s)) {
      return { tag: 'timestamp', value: s };
    }
    const plain = s.replaceAll('_', '');
    const i = parseGoInt(plain);
    if (i !== undefined) return { tag: 'int', value: i };
    if (yamlStyleFloat.test(plain)) {
      const v = Number(plain);
      if (Number.isFinite(v)) return { tag: 'float', value: v };
    }
    if (/^-0b[01]+$/.test(plain)) {
      const v = -BigInt('0b' + plain.slice(3));
      if (v >= minInt64) return { tag: 'int', value: v };
    }
  }
  return { tag: 'str', value: s };
}

/** Go's base64 StdEncoding (line breaks skipped), as a string; undefined when invalid. */
function decodeBase64(s: string): string | undefined {
  const clean = s.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) {
    return undefined;
  }
  return lenientDecoder.decode(Buffer.from(clean, 'base64'));
}

/** `strconv.FormatFloat(f, 'g', -1, 32)` as sigs.k8s.io/yaml writes float map keys. */
function formatFloatKey(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (v === Infinity) return '.inf';
  if (v === -Infinity) return '-.inf';
  const f = Math.fround(v);
  let shortest = String(f);
  for (let p = 1; p <= 9; p++) {
    const candidate = f.toPrecision(p);
    if (Math.fround(Number(candidate)) === f) {
      shortest = candidate;
      break;
    }
  }
  return goFormatFloat(Number(shortest));
}

interface Ctx {
  readonly lines: LineCounter;
  readonly customTags: 'ignore' | 'reject';
  readonly aliasTargets: Map<YamlNode, YamlNode>;
  readonly expanding: Set<YamlNode>;
  readonly duplicates: DuplicateField[];
  numberLiterals: WeakMap<object, Map<string | number, string>> | undefined;
  decodeCount: number;
  aliasCount: number;
  aliasDepth: number;
  dupSeq: number;
}

function startOf(node: unknown): number {
  const range = (node as { range?: readonly number[] } | null | undefined)?.range;
  return range?.[0] ?? 0;
}

/** A failure that go-yaml reports without a line. */
function failPlain(ctx: Ctx, message: string, offset: number): never {
  const pos = ctx.lines.linePos(offset);
  throw new BodySyntaxError(message, 'yaml', { offset, line: pos.line, column: pos.col });
}

function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

/** go-yaml v2's accounting: one count per decoded node, alias-driven ones counted apart. */
function count(ctx: Ctx, node: unknown): void {
  ctx.decodeCount++;
  if (ctx.aliasDepth > 0) ctx.aliasCount++;
  if (
    ctx.aliasCount > 100 &&
    ctx.decodeCount > 1000 &&
    ctx.aliasCount / ctx.decodeCount > allowedAliasRatio(ctx.decodeCount)
  ) {
    failPlain(ctx, 'yaml: document contains excessive aliasing', startOf(node));
  }
}

/** Binds every alias to the latest node anchored with its name before it, in document order. */
function bindAliases(ctx: Ctx, root: YamlNode | null): void {
  const byName = new Map<string, YamlNode>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (node === null || node === undefined) continue;
    if (isAlias(node)) {
      const target = byName.get(node.source);
      if (!target)
        failPlain(ctx, `yaml: unknown anchor '${node.source}' referenced`, startOf(node));
      ctx.aliasTargets.set(node, target);
      continue;
    }
    const anchored = node as { anchor?: string };
    if (anchored.anchor) byName.set(anchored.anchor, node as YamlNode);
    if (isMap(node)) {
      const pairs = node.items;
      for (let k = pairs.length - 1; k >= 0; k--) {
        const pair = pairs[k];
        if (pair) stack.push(pair.value, pair.key);
      }
    } else if (isSeq(node)) {
      for (let k = node.items.length - 1; k >= 0; k--) stack.push(node.items[k]);
    }
  }
}

function checkCustomTag(ctx: Ctx, node: unknown, tag: string): void {
  if (ctx.customTags === 'reject') {
    failPlain(ctx, `yaml: unsupported tag ${shortTag(tag)}`, startOf(node));
  }
}

/** Types a scalar node as go-yaml v2's decoder would. */
function resolveScalar(ctx: Ctx, node: YamlNode): Resolved {
  const scalar = node as { tag?: string; type?: string; source?: string; value?: unknown };
  // With the failsafe schema every scalar's value is its source string.
  const text =
    typeof scalar.source === 'string'
      ? scalar.source
      : typeof scalar.value === 'string'
        ? scalar.value
        : '';
  const tag = scalar.tag ?? '';
  if (tag === '' && scalar.type !== 'PLAIN') return { tag: 'str', value: text };
  if (tag === binaryTag) {
    const decoded = decodeBase64(text);
    if (decoded === undefined) {
      failPlain(ctx, 'yaml: !!binary value contains invalid base64 data', startOf(node));
    }
    return { tag: 'binary', value: decoded };
  }
  if (tag === mergeTag) return { tag: 'merge', value: text };
  if (!resolvableTags.has(tag)) {
    checkCustomTag(ctx, node, tag);
    return { tag: 'str', value: text };
  }
  const r = resolveText(tag, text);
  if (tag === '' || tag === strTag || resolvedTagNames[r.tag] === tag) return r;
  if (tag === floatTag && r.tag === 'int') return { tag: 'float', value: Number(r.value) };
  failPlain(
    ctx,
    `yaml: cannot decode ${shortTag(resolvedTagNames[r.tag])} \`${text}\` as a ${shortTag(tag)}`,
    startOf(node),
  );
}

function isMergeKey(node: unknown): boolean {
  if (!isScalar(node)) return false;
  const scalar = node as { tag?: string; type?: string; source?: string };
  return (
    scalar.source === '<<' &&
    ((scalar.type === 'PLAIN' && (scalar.tag === undefined || scalar.tag === '')) ||
      scalar.tag === mergeTag)
  );
}

function noteLiteral(ctx: Ctx, container: object, key: string | number, text: string): void {
  ctx.numberLiterals ??= new WeakMap();
  let m = ctx.numberLiterals.get(container);
  if (!m) {
    m = new Map();
    ctx.numberLiterals.set(container, m);
  }
  m.set(key, text);
}

/** The JSON form of a scalar value. */
function scalarToJson(ctx: Ctx, node: YamlNode, r: Resolved): string | number | boolean | null {
  switch (r.tag) {
    case 'str':
    case 'timestamp':
    case 'merge':
    case 'binary':
    case 'bool':
    case 'null':
      return r.value;
    case 'int':
      return Number(r.value);
    case 'float':
      if (!Number.isFinite(r.value)) {
        const shown = Number.isNaN(r.value) ? 'NaN' : r.value > 0 ? '+Inf' : '-Inf';
        failPlain(ctx, `json: unsupported value: ${shown}`, startOf(node));
      }
      return r.value;
  }
}

/** A mapping key, typed: its JSON text, its identity among go-yaml's typed keys, and `%#v`. */
interface Key {
  readonly text: string;
  readonly identity: string;
  readonly shown: string;
}

/**
 * Converts a node (or null) to JSON-like data. `slot` is where the result goes (container and key
 * or index), for recording literal texts of big integers; `path` is its strict path.
 */
function convert(
  ctx: Ctx,
  node: unknown,
  path: (string | number)[],
  slot: { container: object; key: string | number } | undefined,
): unknown {
  count(ctx, node);
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = ctx.aliasTargets.get(node);
    if (!target) failPlain(ctx, `yaml: unknown anchor '${node.source}' referenced`, startOf(node));
    if (ctx.expanding.has(node)) {
      failPlain(ctx, `yaml: anchor '${node.source}' value contains itself`, startOf(node));
    }
    ctx.expanding.add(node);
    ctx.aliasDepth++;
    try {
      return convert(ctx, target, path, slot);
    } finally {
      ctx.aliasDepth--;
      ctx.expanding.delete(node);
    }
  }
  if (isScalar(node)) {
    const r = resolveScalar(ctx, node);
    if (r.tag === 'int' && slot && (r.value > 9007199254740991n || r.value < -9007199254740991n)) {
      noteLiteral(ctx, slot.container, slot.key, r.value.toString());
    }
    return scalarToJson(ctx, node, r);
  }
  if (isMap(node)) {
    const tag = (node as { tag?: string }).tag;
    if (tag && tag !== mapTag && tag !== omapTag) checkCustomTag(ctx, node, tag);
    const obj: Record<string, unknown> = {};
    const seen = new Set<string>();
    mappingInto(ctx, node.items, obj, seen, path);
    return obj;
  }
  if (isSeq(node)) {
    const tag = (node as { tag?: string }).tag;
    if (tag && tag !== seqTag) checkCustomTag(ctx, node, tag);
    const arr: unknown[] = [];
    node.items.forEach((item, i) => {
      path.push(i);
      arr.push(convert(ctx, item, path, { container: arr, key: i }));
      path.pop();
    });
    return arr;
  }
  return null;
}

function keyOf(ctx: Ctx, node: unknown): Key {
  count(ctx, node);
  let target = node;
  if (isAlias(node)) {
    target = ctx.aliasTargets.get(node);
    count(ctx, target);
  }
  if (target === null || target === undefined) return nullKey(ctx, node);
  if (!isScalar(target)) {
    failPlain(ctx, 'yaml: invalid map key: a mapping or sequence cannot be a key', startOf(node));
  }
  const r = resolveScalar(ctx, target as YamlNode);
  switch (r.tag) {
    case 'str':
    case 'timestamp':
    case 'merge':
    case 'binary':
      return { text: r.value, identity: 's' + r.value, shown: goQuote(r.value) };
    case 'bool':
      return { text: String(r.value), identity: 'b' + String(r.value), shown: String(r.value) };
    case 'int':
      return {
        text: r.value.toString(),
        identity: 'i' + r.value.toString(),
        shown: r.value.toString(),
      };
    case 'float':
      return {
        text: formatFloatKey(r.value),
        identity: 'f' + String(r.value),
        shown: goFormatFloat(r.value),
      };
    case 'null':
      return nullKey(ctx, node);
  }
}

function nullKey(ctx: Ctx, node: unknown): never {
  failPlain(ctx, 'unsupported map key of type: %!s(<nil>), key: <nil>', startOf(node));
}

/** Sets one entry as go-yaml's `setMapIndex` does, noting duplicates; the last value wins. */
function setEntry(
  ctx: Ctx,
  obj: Record<string, unknown>,
  seen: Set<string>,
  key: Key,
  value: unknown,
  valueNode: unknown,
  keyNode: unknown,
  path: (string | number)[],
): void {
  if (seen.has(key.identity)) {
    const offset =
      valueNode === null || valueNode === undefined ? startOf(keyNode) : startOf(valueNode);
    const line = ctx.lines.linePos(offset).line;
    const segments = [...path, key.text];
    ctx.duplicates.push({
      path: strictPath(segments),
      segments,
      seq: ctx.dupSeq++,
      line,
      yamlMessage: `line ${line}: key ${key.shown} already set in map`,
    });
  }
  seen.add(key.identity);
  if (key.text === '__proto__') {
    Object.defineProperty(obj, key.text, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    obj[key.text] = value;
  }
}

function mappingInto(
  ctx: Ctx,
  pairs: Pair[],
  obj: Record<string, unknown>,
  seen: Set<string>,
  path: (string | number)[],
): void {
  for (const pair of pairs) {
    if (isMergeKey(pair.key)) {
      mergeInto(ctx, pair.value, obj, seen, path);
      continue;
    }
    const key = keyOf(ctx, pair.key);
    path.push(key.text);
    const value = convert(ctx, pair.value, path, { container: obj, key: key.text });
    path.pop();
    setEntry(ctx, obj, seen, key, value, pair.value, pair.key, path);
  }
}

function mergeInto(
  ctx: Ctx,
  node: unknown,
  obj: Record<string, unknown>,
  seen: Set<string>,
  path: (string | number)[],
): void {
  const wantMap = (): never =>
    failPlain(ctx, 'yaml: map merge requires map or sequence of maps as the value', startOf(node));
  const mergeOne = (n: unknown): void => {
    count(ctx, n);
    if (isAlias(n)) {
      const target = ctx.aliasTargets.get(n);
      if (!isMap(target)) wantMap();
      if (ctx.expanding.has(n)) {
        failPlain(ctx, `yaml: anchor '${n.source}' value contains itself`, startOf(n));
      }
      ctx.expanding.add(n);
      ctx.aliasDepth++;
      try {
        count(ctx, target);
        mappingInto(ctx, (target as { items: Pair[] }).items, obj, seen, path);
      } finally {
        ctx.aliasDepth--;
        ctx.expanding.delete(n);
      }
      return;
    }
    if (!isMap(n)) wantMap();
    mappingInto(ctx, (n as { items: Pair[] }).items, obj, seen, path);
  };
  if (isMap(node) || isAlias(node)) {
    mergeOne(node);
    return;
  }
  if (isSeq(node)) {
    // Earlier maps take precedence: apply them last.
    for (let k = node.items.length - 1; k >= 0; k--) mergeOne(node.items[k]);
    return;
  }
  wantMap();
}

/** The nesting depth of a CST token, measured without recursion. */
function cstDepth(root: CST.Token | undefined): number {
  let max = 0;
  const stack: [CST.Token, number][] = root ? [[root, 0]] : [];
  while (stack.length) {
    const entry = stack.pop();
    if (!entry) break;
    const [token, depth] = entry;
    if (
      token.type === 'block-map' ||
      token.type === 'block-seq' ||
      token.type === 'flow-collection'
    ) {
      const d = depth + 1;
      if (d > max) max = d;
      for (const item of token.items) {
        const it = item as { key?: CST.Token | null; value?: CST.Token };
        if (it.key) stack.push([it.key, d]);
        if (it.value) stack.push([it.value, d]);
      }
    }
  }
  return max;
}

/** The `yaml` package's first error in go-yaml's form. */
function syntaxError(
  lines: LineCounter,
  err: { code: string; message: string; pos: [number, number] },
): BodySyntaxError {
  const offset = err.pos[0];
  const pos = lines.linePos(offset);
  let message = err.message.split('\n')[0] ?? err.message;
  message = message.replace(/ at line \d+, column \d+:?$/, '');
  if (err.code === 'TAB_AS_INDENT') message = 'found character that cannot start any token';
  const alias = /^Aliased anchor not found: (.*)$/.exec(message);
  const text = alias
    ? `yaml: unknown anchor '${alias[1] ?? ''}' referenced`
    : `yaml: ${pos.line > 1 ? `line ${pos.line}: ` : ''}${message}`;
  return new BodySyntaxError(text, 'yaml', { offset, line: pos.line, column: pos.col });
}

function decodeYamlText(bytes: Uint8Array | string): string {
  if (typeof bytes === 'string') return bytes;
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new BodySyntaxError('yaml: invalid leading UTF-8 octet', 'yaml', {
      offset: 0,
      line: 1,
      column: 1,
    });
  }
}

/**
 * Fast path for the common YAML body that is plain JSON (kubectl's server-side apply sends JSON
 * as `application/apply-patch+yaml`): when the JSON parser reads it with no duplicates and only
 * plain integers, go-yaml would read the same data. Anything else (floats, whose YAML reading
 * differs in corners; escapes go-yaml v2 rejects; duplicates, whose messages differ) takes the
 * YAML path.
 */
function parseJsonLikeYaml(text: string): ParsedBody | undefined {
  let i = 0;
  while (
    i < text.length &&
    (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')
  )
    i++;
  if (text[i] !== '{' || /\\\/|\\[uU][dD][89a-fA-F]/.test(text)) return undefined;
  let parsed: ParsedBody;
  try {
    parsed = parseJsonBody(text);
  } catch {
    return undefined;
  }
  if (parsed.duplicates.length || parsed.numberLiterals) return undefined;
  return { value: parsed.value, format: 'yaml', duplicates: [] };
}

/**
 * Parses a YAML request body into JSON-like data with upstream's conversion rules (see the
 * module comment). Throws `BodySyntaxError` (kind 'yaml').
 */
export function parseYamlBody(bytes: Uint8Array | string, opts: YamlBodyOptions = {}): ParsedBody {
  const text = decodeYamlText(bytes);
  const fast = parseJsonLikeYaml(text);
  if (fast) return fast;
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  // Only the first document counts; stop reading tokens once a second one starts.
  const tokens: CST.Token[] = [];
  let documents = 0;
  for (const token of parser.parse(text)) {
    if (token.type === 'document' && ++documents > 1) break;
    tokens.push(token);
  }
  const first = tokens.find((t): t is CST.Document => t.type === 'document');
  const ctx: Ctx = {
    lines,
    customTags: opts.customTags ?? 'ignore',
    aliasTargets: new Map(),
    expanding: new Set(),
    duplicates: [],
    numberLiterals: undefined,
    decodeCount: 0,
    aliasCount: 0,
    aliasDepth: 0,
    dupSeq: 0,
  };
  if (first && cstDepth(first.value) > maxYamlDepth) {
    failPlain(
      ctx,
      `yaml: nesting deeper than ${maxYamlDepth} levels is not supported`,
      first.offset,
    );
  }
  const composer = new Composer({
    schema: 'failsafe',
    version: '1.1',
    uniqueKeys: false,
    prettyErrors: false,
  });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens)) {
    doc ??= d;
  }
  if (!doc) return { value: null, format: 'yaml', duplicates: [] };
  const err = doc.errors[0];
  if (err) throw syntaxError(lines, err);
  const root = doc.contents as YamlNode | null;
  bindAliases(ctx, root);
  count(ctx, null); // the document node itself
  const value = convert(ctx, root, [], undefined);
  return {
    value,
    format: 'yaml',
    duplicates: ctx.duplicates,
    ...(ctx.numberLiterals ? { numberLiterals: ctx.numberLiterals } : {}),
  };
}

// Compile the `yaml` package's lazily built regular expressions now, on a shallow stack: a
// regular expression compiled deep in a recursion can exhaust V8's native stack fatally.
parseYamlBody(
  'a: &x {b: [1, "q", \'s\', !!str t, ~]}\nc: *x\nd: |\n  l\ne: >-\n  f\n  g\nh: "\\u00e9 x "\n',
);
