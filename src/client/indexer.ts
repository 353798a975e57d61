/**
 * The informer's local cache (client-go `cache.Indexer` over a thread-safe store): objects by key
 * (`namespace/name`, or `name` for cluster-scoped objects) plus secondary indexes computed by index
 * functions (pods by `spec.nodeName`, anything by namespace).
 *
 * Everything runs on the one event loop, so no locking is needed: each mutation updates the items
 * and every index before it returns. Each object is stored once; indexes hold keys only.
 * Objects handed out are the cached instances: consumers must treat them as read-only.
 */
import type { KubeObject } from '../api/index.ts';

/** The values an object is indexed under (none, one or several). Must be deterministic. */
export type IndexFunc<T> = (obj: T) => readonly string[];

export type Indexers<T> = Readonly<Record<string, IndexFunc<T>>>;

/** Name of the built-in index by `metadata.namespace`. */
export const namespaceIndex = 'namespace';

/** Indexes an object by its namespace (cluster-scoped objects under ''). */
export function metaNamespaceIndexFunc(obj: KubeObject): readonly string[] {
  return [obj.metadata?.namespace ?? ''];
}

/** The cache key of an object: `namespace/name`, or `name` when it has no namespace. */
export function metaNamespaceKey(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '';
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${name}` : name;
}

/** Splits a key made by `metaNamespaceKey` into namespace ('' when none) and name. */
export function splitMetaNamespaceKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * Read access to an informer's cache: what listers and reconcilers use. Reads reflect every event
 * the informer has processed so far (never a state it has not yet delivered to handlers).
 */
export interface CacheReader<T> {
  /** The object under `key` (`namespace/name`), or undefined. */
  get(key: string): T | undefined;
  /** The object `namespace/name` (or `name` for cluster-scoped), or undefined. */
  getByName(namespace: string, name: string): T | undefined;
  /** Every cached object, in no particular order. A new array each call. */
  list(): T[];
  listKeys(): string[];
  /** Objects whose index function `indexName` produced `value`. Throws for an unknown index. */
  byIndex(indexName: string, value: string): T[];
  /** Keys of the objects under `value` in index `indexName`. */
  indexKeys(indexName: string, value: string): string[];
  /** All values currently present in index `indexName`. */
  listIndexValues(indexName: string): string[];
  /** Objects in one namespace (uses the namespace index). */
  listByNamespace(namespace: string): T[];
  readonly size: number;
}

/**
 * The mutable cache behind an informer. Only the informer that owns it calls `upsert`/`delete`;
 * everyone else gets it as a `CacheReader`.
 */
export class Indexer<T extends KubeObject> implements CacheReader<T> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Indexers<T> = {}) {
    this.addIndexers({ [namespaceIndex]: metaNamespaceIndexFunc, ...indexers });
  }

  /**
   * Adds index functions and indexes the objects already cached. Throws when a name is taken
   * (the built-in `namespace` index can be replaced only through the constructor).
   */
  addIndexers(indexers: Indexers<T>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexFuncs.has(name))
        throw new Error(`indexer ${JSON.stringify(name)} already exists`);
      this.indexFuncs.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) addToIndex(index, fn(obj), key);
    }
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  /** Iterates key and object pairs without copying. Do not mutate while iterating. */
  entries(): IterableIterator<[string, T]> {
    return this.items.entries();
  }

  byIndex(indexName: string, value: string): T[] {
    const out: T[] = [];
    for (const key of this.indexKeys(indexName, value)) {
      const obj = this.items.get(key);
      if (obj !== undefined) out.push(obj);
    }
    return out;
  }

  indexKeys(indexName: string, value: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index ${JSON.stringify(indexName)} does not exist`);
    const keys = index.get(value);
    return keys ? [...keys] : [];
  }

  listIndexValues(indexName: string): string[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`index ${JSON.stringify(indexName)} does not exist`);
    return [...index.keys()];
  }

  listByNamespace(namespace: string): T[] {
    return this.byIndex(namespaceIndex, namespace);
  }

  /** Stores `obj` under `key`; returns the object it replaced, if any. */
  upsert(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indices.get(name);
      if (!index) continue;
      const newValues = fn(obj);
      if (old !== undefined) {
        const oldValues = fn(old);
        if (sameValues(oldValues, newValues)) continue;
        removeFromIndex(index, oldValues, key);
      }
      addToIndex(index, newValues, key);
    }
    return old;
  }

  /** Removes `key`; returns the object removed, if any. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.items.delete(key);
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indices.get(name);
      if (index) removeFromIndex(index, fn(old), key);
    }
    return old;
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addToIndex(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
  for (const v of values) {
    let keys = index.get(v);
    if (!keys) {
      keys = new Set();
      index.set(v, keys);
    }
    keys.add(key);
  }
}

function removeFromIndex(
  index: Map<string, Set<string>>,
  values: readonly string[],
  key: string,
): void {
  for (const v of values) {
    const keys = index.get(v);
    if (!keys) continue;
    keys.delete(key);
    if (keys.size === 0) index.delete(v);
  }
}
