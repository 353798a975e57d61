/**
 * JSON Patch (RFC 6902, `application/json-patch+json`) with the behaviour of the library the
 * kube-apiserver uses for it (evanphx/json-patch v4), quirks included, because that is what
 * `kubectl patch --type json` meets on a real cluster:
 *
 * - `replace` of a missing object member adds it (only array indexes must exist);
 * - array indexes may be negative (counted from the end) and `+1`-style signs are accepted;
 * - `add` and `replace` without a `value` write `null`; `copy` from a missing member writes `null`;
 * - the pointer's first segment is never looked at (`a/b` behaves as `/b`), and the empty pointer
 *   `""` is missing for every operation except `replace` and `test` (whole document);
 * - `test` treats a missing member and `null` alike;
 * - the total size of values copied by `copy` (Go's compact JSON encoding) is limited to 3 MiB.
 *
 * Every failure is a 422 `PatchError` whose `detail` is the library's message (upstream hides it
 * behind a generic message). The caller checks the operation count (10000) before applying.
 *
 * Inputs are never mutated: containers along a written path are copied on first write, untouched
 * subtrees are shared with `original` and the patch values.
 */
import { guardDepth, unprocessable } from './errors.ts';
import { goEncodedLength, goJsonKind } from './go-json.ts';
import {
  type JsonObject,
  deleteOwn,
  getOwn,
  hasOwn,
  isObject,
  jsonEqual,
  setOwn,
} from './json-value.ts';

/** At most this many operations in one JSON patch (`maxJSONPatchOperations`). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** Default limit on the bytes `copy` operations may add (`JSONPatchMaxCopyBytes`, 3 MiB). */
export const JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024;

export interface JsonPatchOptions {
  /** Limit on the accumulated size of copied values; 0 disables it. Default 3 MiB. */
  readonly maxCopyBytes?: number;
}

type Container = JsonObject | unknown[];

/** One operation's failure, in the library's words; becomes a 422 `PatchError`. */
class OpFailure extends Error {
  readonly testFailed: boolean;
  constructor(message: string, testFailed = false) {
    super(message);
    this.testFailed = testFailed;
  }
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

function decodeToken(t: string): string {
  return t.includes('~') ? t.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~')) : t;
}

/** Go's `strconv.Atoi`: an optional sign and decimal digits, within int64. */
function atoi(s: string): number | OpFailure {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    return new OpFailure(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  const n = Number(s);
  if (Math.abs(n) >= 2 ** 63) {
    return new OpFailure(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return n;
}

function invalidIndex(idx: number): OpFailure {
  return new OpFailure(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
}

function cloneContainer<T extends Container>(c: T): T {
  return (Array.isArray(c) ? c.slice() : Object.assign({}, c)) as T;
}

/** The JSON patch document being edited, with copy-on-write ownership of its containers. */
class WorkingDoc {
  root: unknown;
  private readonly owned = new WeakSet<object>();

  constructor(root: unknown) {
    this.root = root;
  }

  private own<T extends Container>(c: T): T {
    if (this.owned.has(c)) return c;
    const copy = cloneContainer(c);
    this.owned.add(copy);
    return copy;
  }

  /**
   * The container a pointer's last token lives in, and that token decoded; `undefined` when the
   * path to it does not exist. With `write`, every container on the way is made private first.
   */
  find(path: string, write: boolean): { con: Container; key: string } | undefined {
    const tokens = path.split('/');
    if (tokens.length < 2) return undefined;
    const root = this.root;
    if (!isContainer(root)) return undefined;
    let cur: Container = write ? this.own(root) : root;
    this.root = cur;
    for (let i = 1; i < tokens.length - 1; i++) {
      const token = decodeToken(tokens[i] ?? '');
      let found: unknown;
      let index = -1;
      if (Array.isArray(cur)) {
        const idx = arrayIndex(cur, token);
        if (idx instanceof OpFailure) return undefined;
        index = idx;
        found = cur[idx];
      } else {
        found = getOwn(cur, token);
      }
      if (!isContainer(found)) return undefined;
      let next: Container = found;
      if (write) {
        next = this.own(found);
        if (next !== found) {
          if (Array.isArray(cur)) cur[index] = next;
          else setOwn(cur, token, next);
        }
      }
      cur = next;
    }
    return { con: cur, key: decodeToken(tokens[tokens.length - 1] ?? '') };
  }
}

/** An existing element's index for reading, negative indexes counted from the end. */
function arrayIndex(a: readonly unknown[], key: string): number | OpFailure {
  const parsed = atoi(key);
  if (parsed instanceof OpFailure) return parsed;
  let idx = parsed;
  if (idx < 0) {
    if (idx < -a.length) return invalidIndex(idx);
    idx += a.length;
  }
  if (idx >= a.length) return invalidIndex(parsed);
  return idx;
}

function conGet(con: Container, key: string): unknown {
  if (!Array.isArray(con)) return getOwn(con, key);
  const idx = arrayIndex(con, key);
  if (idx instanceof OpFailure) throw idx;
  return con[idx];
}

function conAdd(con: Container, key: string, value: unknown): void {
  if (!Array.isArray(con)) {
    setOwn(con, key, value);
    return;
  }
  if (key === '-') {
    con.push(value);
    return;
  }
  const parsed = atoi(key);
  if (parsed instanceof OpFailure) {
    throw new OpFailure(`value was not a proper array index: '${key}': ${parsed.message}`);
  }
  const size = con.length + 1;
  let idx = parsed;
  if (idx >= size) throw invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) throw invalidIndex(idx);
    idx += size;
  }
  con.splice(idx, 0, value);
}

function conSet(con: Container, key: string, value: unknown): void {
  if (!Array.isArray(con)) {
    setOwn(con, key, value);
    return;
  }
  const idx = arrayIndex(con, key);
  if (idx instanceof OpFailure) throw idx;
  con[idx] = value;
}

function conRemove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!hasOwn(con, key)) {
      throw new OpFailure(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    }
    deleteOwn(con, key);
    return;
  }
  const idx = arrayIndex(con, key);
  if (idx instanceof OpFailure) throw idx;
  con.splice(idx, 1);
}

/** An operation's string member (`path`, `from`): the string, or why it could not be read. */
function member(op: JsonObject, name: 'path' | 'from'): string | OpFailure {
  const v = getOwn(op, name);
  if (v === undefined || v === null) {
    return new OpFailure(
      name === 'path'
        ? `operation missing path field: ${MISSING}`
        : `operation, missing from field: ${MISSING}`,
    );
  }
  if (typeof v !== 'string') {
    return new OpFailure(`json: cannot unmarshal ${goJsonKind(v)} into Go value of type string`);
  }
  return v;
}

function wrap(context: string, cause: unknown): OpFailure {
  if (cause instanceof OpFailure) return new OpFailure(`${context}: ${cause.message}`);
  throw cause;
}

function attempt<T>(fn: () => T, context: string): T {
  try {
    return fn();
  } catch (e) {
    throw wrap(context, e);
  }
}

/** Go's json.Marshal size of a value and an independent copy of it. */
function deepCopyWithSize(v: unknown): { copy: unknown; size: number } {
  // A missing member and JSON null are both Go's nil node, which copies as null and counts nothing.
  if (v === undefined || v === null) return { copy: null, size: 0 };
  const text = JSON.stringify(v);
  return { copy: JSON.parse(text) as unknown, size: goEncodedLength(text) };
}

/**
 * Applies `operations` in order to `original` and returns the new document. Throws a 422
 * `PatchError` (kind `OperationFailed` or `TestFailed`) at the first operation that fails; nothing
 * of a failed patch is visible to the caller.
 */
export function applyJsonPatch(
  original: unknown,
  operations: readonly unknown[],
  options: JsonPatchOptions = {},
): unknown {
  return guardDepth(() => applyOperations(original, operations, options));
}

function applyOperations(
  original: unknown,
  operations: readonly unknown[],
  options: JsonPatchOptions,
): unknown {
  const maxCopyBytes = options.maxCopyBytes ?? JSON_PATCH_MAX_COPY_BYTES;
  const doc = new WorkingDoc(original);
  let copied = 0;
  for (const raw of operations) {
    const op: JsonObject = isObject(raw) ? raw : {};
    try {
      const kind = getOwn(op, 'op');
      switch (typeof kind === 'string' ? kind : 'unknown') {
        case 'add':
          add(doc, op);
          break;
        case 'remove':
          remove(doc, op);
          break;
        case 'replace':
          replace(doc, op);
          break;
        case 'move':
          move(doc, op);
          break;
        case 'test':
          test(doc, op);
          break;
        case 'copy':
          copied = copy(doc, op, copied, maxCopyBytes);
          break;
        default:
          throw new OpFailure(`Unexpected kind: ${typeof kind === 'string' ? kind : 'unknown'}`);
      }
    } catch (e) {
      if (e instanceof OpFailure) {
        throw unprocessable(e.message, e.testFailed ? 'TestFailed' : 'OperationFailed');
      }
      throw e;
    }
  }
  return doc.root;
}

function valueOf(op: JsonObject): unknown {
  const v = getOwn(op, 'value');
  return v === undefined ? null : v;
}

function add(doc: WorkingDoc, op: JsonObject): void {
  const path = member(op, 'path');
  if (path instanceof OpFailure)
    throw new OpFailure(`add operation failed to decode path: ${MISSING}`);
  const at = doc.find(path, true);
  if (!at) {
    throw new OpFailure(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  }
  attempt(() => {
    conAdd(at.con, at.key, valueOf(op));
  }, `error in add for path: '${path}'`);
}

function remove(doc: WorkingDoc, op: JsonObject): void {
  const path = member(op, 'path');
  if (path instanceof OpFailure) {
    throw new OpFailure(`remove operation failed to decode path: ${MISSING}`);
  }
  const at = doc.find(path, true);
  if (!at) {
    throw new OpFailure(
      `remove operation does not apply: doc is missing path: "${path}": ${MISSING}`,
    );
  }
  attempt(() => {
    conRemove(at.con, at.key);
  }, `error in remove for path: '${path}'`);
}

function replace(doc: WorkingDoc, op: JsonObject): void {
  const path = member(op, 'path');
  if (path instanceof OpFailure) throw wrap('replace operation failed to decode path', path);
  if (path === '') {
    // Only an object or array replaces the whole document; upstream silently ignores the rest.
    const v = getOwn(op, 'value');
    if (isContainer(v)) doc.root = v;
    return;
  }
  const at = doc.find(path, true);
  if (!at) {
    throw new OpFailure(
      `replace operation does not apply: doc is missing path: ${path}: ${MISSING}`,
    );
  }
  try {
    conGet(at.con, at.key);
  } catch (e) {
    if (e instanceof OpFailure) {
      throw new OpFailure(
        `replace operation does not apply: doc is missing key: ${path}: ${MISSING}`,
      );
    }
    throw e;
  }
  attempt(() => {
    conSet(at.con, at.key, valueOf(op));
  }, `error in remove for path: '${path}'`);
}

function move(doc: WorkingDoc, op: JsonObject): void {
  const from = member(op, 'from');
  if (from instanceof OpFailure) throw wrap('move operation failed to decode from', from);
  const src = doc.find(from, true);
  if (!src) {
    throw new OpFailure(
      `move operation does not apply: doc is missing from path: ${from}: ${MISSING}`,
    );
  }
  const value = attempt(() => conGet(src.con, src.key), `error in move for path: '${src.key}'`);
  attempt(() => {
    conRemove(src.con, src.key);
  }, `error in move for path: '${src.key}'`);
  const path = member(op, 'path');
  if (path instanceof OpFailure) throw wrap('move operation failed to decode path', path);
  const dst = doc.find(path, true);
  if (!dst) {
    throw new OpFailure(
      `move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`,
    );
  }
  attempt(() => {
    conAdd(dst.con, dst.key, value ?? null);
  }, `error in move for path: '${path}'`);
}

function test(doc: WorkingDoc, op: JsonObject): void {
  const path = member(op, 'path');
  if (path instanceof OpFailure) throw wrap('test operation failed to decode path', path);
  const failed = (): OpFailure => new OpFailure(`testing value ${path} failed: test failed`, true);
  const expected = getOwn(op, 'value');
  if (path === '') {
    if (!jsonEqual(doc.root, expected)) throw failed();
    return;
  }
  const at = doc.find(path, false);
  if (!at) {
    throw new OpFailure(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
  }
  const actual = attempt(() => conGet(at.con, at.key), `error in test for path: '${path}'`);
  if (actual === undefined || actual === null) {
    if (expected === null) return;
    throw failed();
  }
  if (expected === undefined || !jsonEqual(actual, expected)) throw failed();
}

function copy(doc: WorkingDoc, op: JsonObject, copied: number, maxCopyBytes: number): number {
  const from = member(op, 'from');
  if (from instanceof OpFailure) throw wrap('copy operation failed to decode from', from);
  const src = doc.find(from, false);
  if (!src) {
    throw new OpFailure(
      `copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`,
    );
  }
  const value = attempt(() => conGet(src.con, src.key), `error in copy for from: '${from}'`);
  const path = member(op, 'path');
  if (path instanceof OpFailure) {
    throw new OpFailure(`copy operation failed to decode path: ${MISSING}`);
  }
  const dst = doc.find(path, true);
  if (!dst) {
    throw new OpFailure(
      `copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`,
    );
  }
  const { copy: duplicate, size } = deepCopyWithSize(value);
  const total = copied + size;
  if (maxCopyBytes > 0 && total > maxCopyBytes) {
    throw new OpFailure(
      `Unable to complete the copy, the accumulated size increase of copy is ${total}, exceeding the limit ${maxCopyBytes}`,
    );
  }
  attempt(() => {
    conAdd(dst.con, dst.key, duplicate);
  }, 'error while adding value during copy');
  return total;
}
