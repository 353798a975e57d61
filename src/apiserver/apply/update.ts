/**
 * Managed fields on every write that is not an apply: create, update (PUT) and the JSON, merge
 * and strategic-merge patches, on the main resource and on subresources.
 *
 * Steps (upstream's field manager for Update):
 *   1. Pick the entries to start from: for a subresource write the stored ones; otherwise the ones
 *      the request carries (`[]` resets them), falling back to the stored ones when the request
 *      has none or invalid ones.
 *   2. An existing object without entries stays without (nothing is tracked until an apply).
 *   3. Compare the stored object with the new one (both without managedFields), minus the reset
 *      fields the strategy wipes anyway (status on the main resource, spec on status, ...).
 *   4. Every manager loses the fields this write changed or removed; the writer's Update entry
 *      (per manager, apiVersion and subresource) gains the fields it changed, except identity
 *      metadata (name, namespace, uid, resourceVersion, ...), and its time becomes now.
 *   5. Managers left with nothing are dropped; more than 10 Update entries are merged, oldest
 *      first, into `ancient-changes`.
 */
import { metaTime, type ManagedFieldsEntry, type ObjectSchema } from '../../api/index.ts';
import { FieldSet, isPlainObject } from './field-set.ts';
import {
  capUpdateManagers,
  decodeManagedFields,
  defaultMaxUpdateManagers,
  encodeManagedFields,
  isResetManagedFields,
  ManagedFieldsError,
  ManagerState,
  type Managers,
  managerIdentifier,
} from './managers.ts';
import { fieldPath } from './path-element.ts';
import { type Comparison, compareObjects, deepEqual, TypedError } from './typed.ts';

/** Fields no manager ever owns: type and identity metadata the server controls. */
export const strippedFields: FieldSet = FieldSet.of(
  fieldPath('apiVersion'),
  fieldPath('kind'),
  fieldPath('metadata'),
  fieldPath('metadata', 'name'),
  fieldPath('metadata', 'namespace'),
  fieldPath('metadata', 'creationTimestamp'),
  fieldPath('metadata', 'selfLink'),
  fieldPath('metadata', 'uid'),
  fieldPath('metadata', 'clusterName'),
  fieldPath('metadata', 'generation'),
  fieldPath('metadata', 'managedFields'),
  fieldPath('metadata', 'resourceVersion'),
);

export interface UpdateManagedFieldsOptions {
  /** The stored object before this write; undefined for a create. Not modified. */
  readonly live: unknown;
  /**
   * The object about to be stored, after decoding, patching and defaulting, before the strategy
   * and mutating admission; its `metadata.managedFields` must be what the request carried (for a
   * patch: what the patched document has). Not modified.
   */
  readonly updated: unknown;
  /** Schema of the kind (the main resource's schema also for subresource writes). */
  readonly schema: ObjectSchema;
  /** The manager (see `fieldManagerFor`); '' becomes `unknown`. */
  readonly manager: string;
  /** apiVersion of the resource the request addressed (`apps/v1`). */
  readonly apiVersion: string;
  /** `status`, `scale`, ... ; absent or '' for the main resource. */
  readonly subresource?: string | undefined;
  readonly now: Date;
  /** Fields the strategy resets for this endpoint; changes there are neither owned nor lost. */
  readonly resetFields?: FieldSet | undefined;
  /** Defaults to upstream's 10. */
  readonly maxUpdateManagers?: number | undefined;
}

/**
 * The `metadata.managedFields` to store with `updated` (an empty list means: store none). Pure
 * apart from reading its inputs; cost is one walk of both objects plus work proportional to what
 * changed: entries the write does not touch are returned as the same objects (treat them as
 * immutable). On a structural problem upstream would fail on (list items without keys), the
 * stored entries are kept.
 */
export function updateManagedFields(opts: UpdateManagedFieldsOptions): ManagedFieldsEntry[] {
  const liveEntries = managedFieldsOf(opts.live);
  const managers = startingManagers(
    liveEntries,
    managedFieldsOf(opts.updated),
    opts.subresource ?? '',
  );
  if (managers.size === 0 && opts.live !== undefined) return [];
  try {
    applyUpdate(managers, {
      live: opts.live,
      updated: opts.updated,
      schema: opts.schema,
      manager: opts.manager === '' ? 'unknown' : opts.manager,
      apiVersion: opts.apiVersion,
      subresource: opts.subresource ?? '',
      time: metaTime(opts.now.getTime()),
      resetFields: opts.resetFields,
    });
  } catch (e) {
    if (e instanceof TypedError || e instanceof ManagedFieldsError) {
      return Array.isArray(liveEntries) ? (liveEntries as ManagedFieldsEntry[]) : [];
    }
    throw e;
  }
  capUpdateManagers(managers, opts.maxUpdateManagers ?? defaultMaxUpdateManagers);
  return encodeManagedFields(managers);
}

/**
 * Returns `obj` (shallow-copied along `metadata`) with `metadata.managedFields` set to `entries`,
 * or without the field when `entries` is empty.
 */
export function withManagedFields<T extends object>(
  obj: T,
  entries: readonly ManagedFieldsEntry[],
): T {
  const current = (obj as { metadata?: unknown }).metadata;
  const { managedFields: _, ...metadata } = isPlainObject(current) ? current : {};
  if (entries.length > 0) metadata['managedFields'] = [...entries];
  return { ...obj, metadata };
}

/**
 * Upstream's no-op guard for updates: when `updated` equals `live` except for managedFields
 * times, returns `updated` with the stored times, so that a write that changes nothing does not
 * change the object (and needs no new resourceVersion). Otherwise returns `updated` as is.
 */
export function keepManagedFieldsTimesOnNoop<T extends object>(updated: T, live: object): T {
  const a = entriesOf(updated);
  const b = entriesOf(live);
  if (a === undefined || b === undefined || a.length !== b.length || a.length === 0) return updated;
  if (a.every((e, i) => e.time === b[i]?.time)) return updated;
  const withoutTime = (e: ManagedFieldsEntry | undefined): unknown => ({ ...e, time: undefined });
  if (!a.every((e, i) => deepEqual(withoutTime(e), withoutTime(b[i])))) return updated;
  if (!deepEqual(stripManagedFields(updated), stripManagedFields(live))) return updated;
  return withManagedFields(updated, b);
}

function entriesOf(obj: unknown): ManagedFieldsEntry[] | undefined {
  const v = managedFieldsOf(obj);
  return Array.isArray(v) && v.every(isPlainObject) ? v : undefined;
}

// ---- internals shared with apply ----------------------------------------------------------------

export function managedFieldsOf(obj: unknown): unknown {
  if (!isPlainObject(obj)) return undefined;
  const metadata = obj['metadata'];
  return isPlainObject(metadata) ? metadata['managedFields'] : undefined;
}

/** A shallow copy of `obj` without `metadata.managedFields` (or `obj` when it has none). */
export function stripManagedFields(obj: unknown): unknown {
  if (!isPlainObject(obj)) return obj;
  const metadata = obj['metadata'];
  if (!isPlainObject(metadata) || !Object.hasOwn(metadata, 'managedFields')) return obj;
  const { managedFields: _, ...rest } = metadata;
  return { ...obj, metadata: rest };
}

function startingManagers(live: unknown, request: unknown, subresource: string): Managers {
  const fromLive = (): Managers => {
    try {
      return decodeManagedFields(live, false);
    } catch (e) {
      if (e instanceof ManagedFieldsError) return new Map();
      throw e;
    }
  };
  if (subresource !== '') return fromLive();
  if (isResetManagedFields(request)) return new Map();
  if (!Array.isArray(request) || request.length === 0) return fromLive();
  if (request === live || deepEqual(request, live)) return fromLive();
  try {
    const fromRequest = decodeManagedFields(request, true);
    if (fromRequest.size > 0) return fromRequest;
  } catch (e) {
    if (!(e instanceof ManagedFieldsError)) throw e;
  }
  return fromLive();
}

export interface UpdateStep {
  readonly live: unknown;
  readonly updated: unknown;
  readonly schema: ObjectSchema;
  readonly manager: string;
  readonly apiVersion: string;
  readonly subresource: string;
  readonly time: string;
  readonly resetFields?: FieldSet | undefined;
}

/** Steps 3 and 4 above, on `managers` in place. Throws TypedError on bad list items. */
export function applyUpdate(managers: Managers, s: UpdateStep): void {
  const cmp = filterComparison(
    compareObjects(stripManagedFields(s.live), stripManagedFields(s.updated), s.schema),
    s.resetFields,
  );
  const changed = cmp.modified.union(cmp.added);
  const touched = changed.union(cmp.removed);
  if (!touched.isEmpty()) {
    const info = {
      manager: s.manager,
      operation: 'Update' as const,
      apiVersion: s.apiVersion,
      subresource: s.subresource,
    };
    const id = managerIdentifier(info);
    const own = changed.difference(strippedFields);
    const prev = managers.get(id);
    for (const [other, m] of managers) {
      if (other !== id && m.touches(touched)) {
        m.set = m.set.difference(changed).difference(cmp.removed);
      }
    }
    if (prev !== undefined) {
      // The writer keeps what it owned except what this write removed, and gains what it changed;
      // when that is what it already owns (a controller rewriting its status), the stored
      // fieldsV1 is kept as is.
      const unchanged =
        prev.containsAll(own) &&
        !prev.touches(cmp.removed) &&
        !prev.touches(changed.difference(own));
      if (!unchanged) prev.set = prev.set.difference(changed).difference(cmp.removed).union(own);
      if (!own.isEmpty()) prev.time = s.time;
    } else if (!own.isEmpty()) {
      managers.set(id, new ManagerState(info, { set: own, time: s.time }));
    }
  }
  for (const [id, m] of managers) if (m.isEmpty()) managers.delete(id);
}

export function filterComparison(c: Comparison, reset: FieldSet | undefined): Comparison {
  if (reset === undefined || reset.isEmpty()) return c;
  return {
    added: c.added.recursiveDifference(reset),
    modified: c.modified.recursiveDifference(reset),
    removed: c.removed.recursiveDifference(reset),
  };
}
