/**
 * Field sets: which fields of an object someone owns, as a trie of path elements (upstream
 * structured-merge-diff `fieldpath.Set`), and their `fieldsV1` JSON encoding.
 *
 * A node has `members` (elements owned themselves: a leaf field, or "the element itself" of a
 * struct, map or list item) and `children` (elements with owned paths below them). An element can
 * be both, which FieldsV1 writes as a `.` key:
 *
 *   { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } }
 *     members of root: none; child f:metadata → child f:labels, which is a member (`.`) and has
 *     the member f:app.
 *
 * FieldSets are immutable: operations return new sets that share unchanged subtrees with their
 * inputs (and return an input itself when nothing changes), so they are cheap to combine.
 * Invariant: no child set is empty.
 */
import {
  canonicalPathElement,
  comparePathElements,
  type FieldPath,
  type PathElement,
  UnknownPathElementTypeError,
} from './path-element.ts';
import { errorMessage } from '../../util/index.ts';

const noMembers: ReadonlySet<PathElement> = new Set();
const noChildren: ReadonlyMap<PathElement, FieldSet> = new Map();

export class FieldSet {
  /** The empty set. */
  static readonly empty: FieldSet = new FieldSet(noMembers, noChildren);

  /** Elements owned at this level. */
  readonly members: ReadonlySet<PathElement>;
  /** Non-empty sets below elements of this level. */
  readonly children: ReadonlyMap<PathElement, FieldSet>;

  /** Prefer `FieldSet.of` or a `FieldSetBuilder`; `children` must not contain empty sets. */
  constructor(members: ReadonlySet<PathElement>, children: ReadonlyMap<PathElement, FieldSet>) {
    this.members = members;
    this.children = children;
  }

  /** The set of the given paths (each owned as a member at its last element). */
  static of(...paths: FieldPath[]): FieldSet {
    const b = new FieldSetBuilder();
    for (const p of paths) b.insert(p);
    return b.build();
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  /** Whether `path` is a member (owned itself, not merely something below it). */
  has(path: FieldPath): boolean {
    const [first, ...rest] = path;
    if (first === undefined) return false;
    if (rest.length === 0) return this.members.has(first);
    return this.children.get(first)?.has(rest) ?? false;
  }

  /** The set below one element (empty if nothing is there). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe) ?? FieldSet.empty;
  }

  /** Number of member paths. */
  get size(): number {
    let n = this.members.size;
    for (const c of this.children.values()) n += c.size;
    return n;
  }

  union(other: FieldSet): FieldSet {
    if (other.isEmpty() || other === this) return this;
    if (this.isEmpty()) return other;
    let members = this.members;
    for (const m of other.members) {
      if (!members.has(m)) {
        if (members === this.members) members = new Set(this.members);
        (members as Set<PathElement>).add(m);
      }
    }
    let children = this.children;
    for (const [pe, oc] of other.children) {
      const mine = this.children.get(pe);
      const merged = mine === undefined ? oc : mine.union(oc);
      if (merged !== mine) {
        if (children === this.children) children = new Map(this.children);
        (children as Map<PathElement, FieldSet>).set(pe, merged);
      }
    }
    return members === this.members && children === this.children
      ? this
      : new FieldSet(members, children);
  }

  intersection(other: FieldSet): FieldSet {
    if (this.isEmpty() || other.isEmpty()) return FieldSet.empty;
    if (other === this) return this;
    const members = new Set<PathElement>();
    const [small, large] =
      this.members.size <= other.members.size
        ? [this.members, other.members]
        : [other.members, this.members];
    for (const m of small) if (large.has(m)) members.add(m);
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, c] of this.children) {
      const oc = other.children.get(pe);
      if (oc === undefined) continue;
      const i = c.intersection(oc);
      if (!i.isEmpty()) children.set(pe, i);
    }
    return make(members, children);
  }

  /** The paths of this set that are not members of `other` (exact paths, not subtrees). */
  difference(other: FieldSet): FieldSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    let members = this.members;
    for (const m of other.members) {
      if (members.has(m)) {
        if (members === this.members) members = new Set(this.members);
        (members as Set<PathElement>).delete(m);
      }
    }
    let children = this.children;
    for (const [pe, oc] of other.children) {
      const mine = this.children.get(pe);
      if (mine === undefined) continue;
      const d = mine.difference(oc);
      if (d === mine) continue;
      if (children === this.children) children = new Map(this.children);
      if (d.isEmpty()) (children as Map<PathElement, FieldSet>).delete(pe);
      else (children as Map<PathElement, FieldSet>).set(pe, d);
    }
    return members === this.members && children === this.children ? this : make(members, children);
  }

  /** Like `difference`, but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    let members = this.members;
    for (const m of other.members) {
      if (members.has(m)) {
        if (members === this.members) members = new Set(this.members);
        (members as Set<PathElement>).delete(m);
      }
    }
    let children = this.children;
    for (const [pe, mine] of this.children) {
      let d: FieldSet;
      if (other.members.has(pe)) d = FieldSet.empty;
      else {
        const oc = other.children.get(pe);
        if (oc === undefined) continue;
        d = mine.recursiveDifference(oc);
      }
      if (d === mine) continue;
      if (children === this.children) children = new Map(this.children);
      if (d.isEmpty()) (children as Map<PathElement, FieldSet>).delete(pe);
      else (children as Map<PathElement, FieldSet>).set(pe, d);
    }
    return members === this.members && children === this.children ? this : make(members, children);
  }

  /** Whether some member path of `other` is a member of this set. */
  intersects(other: FieldSet): boolean {
    const [small, large] =
      this.members.size <= other.members.size
        ? [this.members, other.members]
        : [other.members, this.members];
    for (const m of small) if (large.has(m)) return true;
    for (const [pe, c] of other.children) {
      const mine = this.children.get(pe);
      if (mine !== undefined && mine.intersects(c)) return true;
    }
    return false;
  }

  equals(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.members.size !== other.members.size || this.children.size !== other.children.size) {
      return false;
    }
    for (const m of this.members) if (!other.members.has(m)) return false;
    for (const [pe, c] of this.children) {
      const oc = other.children.get(pe);
      if (oc === undefined || !c.equals(oc)) return false;
    }
    return true;
  }

  /**
   * Every member path, in upstream's iteration order: at each level the members (sorted), then
   * the paths below each child (sorted).
   */
  *paths(prefix: FieldPath = []): Generator<FieldPath> {
    for (const m of [...this.members].sort(comparePathElements)) yield [...prefix, m];
    for (const pe of [...this.children.keys()].sort(comparePathElements)) {
      const c = this.children.get(pe);
      if (c !== undefined) yield* c.paths([...prefix, pe]);
    }
  }

  /** This set as `fieldsV1` JSON (see `encodeFieldsV1`). */
  toJSON(): Record<string, unknown> {
    return encodeFieldsV1(this);
  }
}

function make(
  members: ReadonlySet<PathElement>,
  children: ReadonlyMap<PathElement, FieldSet>,
): FieldSet {
  if (members.size === 0 && children.size === 0) return FieldSet.empty;
  return new FieldSet(
    members.size === 0 ? noMembers : members,
    children.size === 0 ? noChildren : children,
  );
}

/** Mutable trie used while a set is being computed; `build()` freezes it into a FieldSet. */
export class FieldSetBuilder {
  private readonly members = new Set<PathElement>();
  private readonly children = new Map<PathElement, FieldSetBuilder>();

  /** Adds one path (owned as a member at its last element). */
  insert(path: FieldPath): void {
    const last = path[path.length - 1];
    if (last === undefined) return;
    this.nodeAt(path, path.length - 1).members.add(last);
  }

  private nodeAt(path: FieldPath, depth: number): FieldSetBuilder {
    const pe = path[0];
    return depth === 0 || pe === undefined ? this : this.child(pe).nodeAt(path.slice(1), depth - 1);
  }

  /** Marks `pe` at this level as a member. */
  add(pe: PathElement): void {
    this.members.add(pe);
  }

  /** The builder below `pe`, created on demand (empty ones vanish in `build`). */
  child(pe: PathElement): FieldSetBuilder {
    let c = this.children.get(pe);
    if (c === undefined) {
      c = new FieldSetBuilder();
      this.children.set(pe, c);
    }
    return c;
  }

  build(): FieldSet {
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, c] of this.children) {
      const built = c.build();
      if (!built.isEmpty()) children.set(pe, built);
    }
    return make(this.members.size === 0 ? noMembers : new Set(this.members), children);
  }
}

// ---- FieldsV1 ---------------------------------------------------------------------------------

/**
 * The `fieldsV1` JSON of a set, exactly as upstream writes it: keys in upstream's element order,
 * `{}` for a member without children, and `".": {}` first in a child that is also a member.
 */
export function encodeFieldsV1(set: FieldSet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  emit(set, out);
  return out;
}

function emit(set: FieldSet, out: Record<string, unknown>): void {
  const keys =
    set.children.size === 0
      ? [...set.members]
      : set.members.size === 0
        ? [...set.children.keys()]
        : [...new Set([...set.members, ...set.children.keys()])];
  if (keys.length > 1) keys.sort(comparePathElements);
  for (const k of keys) {
    const c = set.children.get(k);
    if (c === undefined) {
      out[k] = {};
      continue;
    }
    const o: Record<string, unknown> = {};
    if (set.members.has(k)) o['.'] = {};
    emit(c, o);
    out[k] = o;
  }
}

export class FieldsV1Error extends Error {
  override readonly name = 'FieldsV1Error';
}

/**
 * Parses `fieldsV1` JSON into a set. Keys are canonicalised (`k:` fields sorted, Go JSON), keys
 * of unknown element types are skipped as upstream does; anything else malformed throws
 * `FieldsV1Error`.
 */
export function decodeFieldsV1(json: unknown): FieldSet {
  if (!isPlainObject(json)) throw new FieldsV1Error('fieldsV1 must be a JSON object');
  return decodeNode(json, false).set;
}

/**
 * Decodes fieldsV1 this package wrote itself (stored entries): keys are taken as they are,
 * without re-canonicalising them, which makes decoding several times cheaper.
 */
export function decodeTrustedFieldsV1(json: Record<string, unknown>): FieldSet {
  return decodeNode(json, true).set;
}

const knownTypes = new Set(['f', 'k', 'v', 'i']);

function decodeNode(
  node: Record<string, unknown>,
  trusted: boolean,
): { set: FieldSet; isMember: boolean } {
  let isMember = false;
  let members: Set<PathElement> | undefined;
  let children: Map<PathElement, FieldSet> | undefined;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (key === '.') {
      isMember = true;
      continue;
    }
    let pe: PathElement;
    try {
      if (trusted && key[1] === ':' && knownTypes.has(key.charAt(0))) pe = key;
      else pe = canonicalPathElement(key);
    } catch (e) {
      if (e instanceof UnknownPathElementTypeError) continue;
      throw new FieldsV1Error(`parsing key as path element: ${errorMessage(e)}`);
    }
    if (!isPlainObject(value)) {
      throw new FieldsV1Error(`value of ${JSON.stringify(key)} must be a JSON object`);
    }
    const child = decodeNode(value, trusted);
    if (child.isMember) (members ??= new Set()).add(pe);
    if (!child.set.isEmpty()) {
      children ??= new Map();
      const prev = children.get(pe);
      children.set(pe, prev === undefined ? child.set : prev.union(child.set));
    }
  }
  const set = make(members ?? noMembers, children ?? noChildren);
  // A key whose value has no children at all (`{}`) stands for a member.
  return { set, isMember: isMember || set.isEmpty() };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
