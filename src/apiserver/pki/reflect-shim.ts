/**
 * The smallest Reflect metadata API that `@peculiar/x509` needs.
 *
 * `@peculiar/x509` registers its algorithms in a `tsyringe` container, and `tsyringe` refuses to load
 * unless `Reflect.getMetadata` exists (it expects the `reflect-metadata` polyfill, which is not one
 * of our dependencies). These four functions are the part of that API that tsyringe and tslib's
 * `__metadata` use. They are installed only when missing, so a real polyfill loaded earlier wins, and
 * only right before the library is loaded, i.e. only when a certificate must be generated.
 */
type Key = unknown;
type Target = object;

const store = new WeakMap<Target, Map<PropertyKey | undefined, Map<Key, unknown>>>();

function ownMap(target: Target, prop: PropertyKey | undefined): Map<Key, unknown> {
  let byProp = store.get(target);
  if (byProp === undefined) {
    byProp = new Map();
    store.set(target, byProp);
  }
  let byKey = byProp.get(prop);
  if (byKey === undefined) {
    byKey = new Map();
    byProp.set(prop, byKey);
  }
  return byKey;
}

const shim = {
  defineMetadata(key: Key, value: unknown, target: Target, prop?: PropertyKey): void {
    ownMap(target, prop).set(key, value);
  },
  getOwnMetadata(key: Key, target: Target, prop?: PropertyKey): unknown {
    return store.get(target)?.get(prop)?.get(key);
  },
  getMetadata(key: Key, target: Target, prop?: PropertyKey): unknown {
    for (let o: Target | null = target; o !== null; o = Object.getPrototypeOf(o) as Target | null) {
      const own = store.get(o)?.get(prop);
      if (own?.has(key) === true) return own.get(key);
    }
    return undefined;
  },
  metadata(key: Key, value: unknown) {
    return (target: Target, prop?: PropertyKey): void => {
      ownMap(target, prop).set(key, value);
    };
  },
};

/** Adds the metadata functions to the global `Reflect` where they are missing. Idempotent. */
export function installReflectMetadataShim(): void {
  const reflect = Reflect as unknown as Record<string, unknown>;
  for (const [name, fn] of Object.entries(shim)) {
    if (typeof reflect[name] !== 'function') reflect[name] = fn;
  }
}
