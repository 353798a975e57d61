/**
 * The strict-decoding findings upstream collects while it reads a PATCH body with
 * `fieldValidation=Warn` (the default) or `Strict`: duplicate object keys anywhere in the body
 * (`duplicate field "metadata.labels.app"`) and, for a JSON patch, operation members other than
 * `op`, `path`, `from` and `value` (`unknown field "[0].vaule"`). The API server turns them into
 * warnings (Warn) or a 422 (Strict) together with what decoding the patched object finds.
 *
 * Paths are written as upstream's decoder writes them: keys joined by `.`, array positions as
 * `[i]`. At most 100 distinct findings are kept, in document order.
 *
 * Works on text `JSON.parse` has accepted (and whose nesting was checked), without recursion.
 */
import { goQuote } from '../../api/index.ts';

const MAX_FINDINGS = 100;
const OPERATION_MEMBERS = new Set(['op', 'path', 'from', 'value']);

interface Frame {
  readonly isObject: boolean;
  /** Keys seen so far (objects). */
  readonly keys: Set<string>;
  /** Length of the path when this container began. */
  readonly pathLength: number;
  /** Next element index (arrays). */
  index: number;
  /** A JSON patch operation: its members are checked against the operation's fields. */
  readonly isOperation: boolean;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Index just past the string literal that starts at `start` (a `"`). */
function endOfString(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j += 2;
    else if (c === 0x22) return j + 1;
    else j++;
  }
}

/** Index just past the number or literal that starts at `start`. */
function endOfScalar(text: string, start: number): number {
  let j = start;
  for (;;) {
    const c = text.charCodeAt(j);
    if (j >= text.length || c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c)) return j;
    j++;
  }
}

/** Index just past the whole value that starts at `start`. */
function endOfValue(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === 0x22) return endOfString(text, start);
  if (first !== 0x7b && first !== 0x5b) return endOfScalar(text, start);
  let depth = 0;
  let j = start;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 0x22) {
      j = endOfString(text, j);
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
}

/**
 * Strict-decoding findings for a body, as upstream words them (`duplicate field "a.b"`,
 * `unknown field "[0].x"`). `jsonPatch` checks the members of each top-level operation object.
 */
export function strictFieldFindings(text: string, jsonPatch: boolean): string[] {
  const findings: string[] = [];
  const seen = new Set<string>();
  const report = (kind: 'duplicate field' | 'unknown field', field: string): void => {
    if (findings.length >= MAX_FINDINGS) return;
    const message = `${kind} ${goQuote(path.length > 0 ? `${path.join('')}.${field}` : field)}`;
    if (seen.has(message)) return;
    seen.add(message);
    findings.push(message);
  };

  const frames: Frame[] = [];
  const path: string[] = [];

  /** A value starts: inside an array, its position joins the path. */
  const beginValue = (): void => {
    const top = frames[frames.length - 1];
    if (top && !top.isObject) path.push('[', String(top.index), ']');
  };
  /** A value ended: drop what it added to the path, advance the array position. */
  const endValue = (): void => {
    const top = frames[frames.length - 1];
    if (!top) return;
    path.length = top.pathLength;
    if (!top.isObject) top.index++;
  };
  const open = (isObject: boolean): void => {
    beginValue();
    const isOperation =
      jsonPatch && isObject && frames.length === 1 && frames[0]?.isObject === false;
    frames.push({ isObject, keys: new Set(), pathLength: path.length, index: 0, isOperation });
  };

  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === 0x2c || c === 0x3a) {
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      open(c === 0x7b);
      i++;
      if (c === 0x7b) i = readKey(i);
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      frames.pop();
      endValue();
      i++;
      const top = frames[frames.length - 1];
      if (top?.isObject) i = readKey(i);
      continue;
    }
    beginValue();
    i = endOfValue(text, i);
    endValue();
    const top = frames[frames.length - 1];
    if (top?.isObject) i = readKey(i);
  }
  return findings;

  /**
   * In an object, after `{` or a member: reads the next key (if any) and its colon, records
   * findings, and skips the values of unknown operation members. Returns where to continue.
   */
  function readKey(from: number): number {
    let j = from;
    for (;;) {
      while (j < text.length && (isSpace(text.charCodeAt(j)) || text.charCodeAt(j) === 0x2c)) j++;
      if (text.charCodeAt(j) !== 0x22) return j;
      const end = endOfString(text, j);
      const raw = text.slice(j + 1, end - 1);
      const key = raw.includes('\\') ? (JSON.parse(text.slice(j, end)) as string) : raw;
      j = end;
      while (isSpace(text.charCodeAt(j)) || text.charCodeAt(j) === 0x3a) j++;
      const top = frames[frames.length - 1];
      if (!top) return j;
      if (top.isOperation && !OPERATION_MEMBERS.has(key)) {
        report('unknown field', key);
        // Upstream does not look inside the value of a member it does not know.
        j = endOfValue(text, j);
        continue;
      }
      if (top.keys.has(key)) report('duplicate field', key);
      top.keys.add(key);
      path.push(path.length > 0 ? '.' : '', key);
      return j;
    }
  }
}
