/**
 * Per-resource behaviour the generic storage cannot know: what a create resets, what an update
 * preserves, how deletion is graceful. The defaults here are what most kinds do upstream; each kind
 * with special rules (pods, namespaces, services, ...) provides its own strategy in `registry/`.
 */
import type { DeleteOptions, FieldErrorList, KubeObject, ResourceDef } from '../../api/index.ts';

/** What every strategy hook may look at. */
export interface StrategyContext {
  /** Request time, milliseconds since the epoch. */
  readonly now: number;
  /** Namespace of the request ('' for cluster-scoped). */
  readonly namespace: string;
}

export interface Strategy<T extends KubeObject = KubeObject> {
  /**
   * Create: clear or initialise what a client may not set (usually `status`). Runs after defaulting
   * and before validation (upstream `PrepareForCreate`).
   */
  prepareForCreate(obj: T, ctx: StrategyContext): void;
  /** Update of the main resource: keep what only the status subresource may change. */
  prepareForUpdate(obj: T, old: T, ctx: StrategyContext): void;
  /** Update through `status`: keep everything but the status. */
  prepareForStatusUpdate(obj: T, old: T, ctx: StrategyContext): void;
  /** Extra validation on create that needs more than the ResourceDef (usually none). */
  validate(obj: T, ctx: StrategyContext): FieldErrorList;
  /** Extra validation on update. */
  validateUpdate(obj: T, old: T, ctx: StrategyContext): FieldErrorList;
  /**
   * Graceful deletion: the grace period in seconds to wait before the object is removed, or 0 to
   * remove it now. Only kinds with graceful deletion (pods) return more than 0.
   */
  gracePeriod(obj: T, opts: DeleteOptions): number;
  /** True if DELETE answers with the deleted object rather than a Success Status. */
  readonly returnsDeletedObject: boolean;
  /**
   * Finalization state beyond metadata.finalizers that keeps a deleted object in the store
   * (namespaces: spec.finalizers, cleared by the namespace controller).
   */
  hasPendingFinalization(obj: T): boolean;
  /** Marks an object whose deletion just started (namespaces: status.phase Terminating). */
  onDeletionStart(obj: T, ctx: StrategyContext): void;
}

type Record_ = Record<string, unknown>;

/** Copies everything but `metadata` and `status` from `from` onto `to` (for status updates). */
export function keepAllButStatus(obj: KubeObject, old: KubeObject): void {
  const o = obj as Record_;
  const keep = new Set(['status', 'metadata', 'apiVersion', 'kind']);
  for (const k of Object.keys(o)) {
    if (!keep.has(k)) Reflect.deleteProperty(o, k);
  }
  for (const [k, v] of Object.entries(old as Record_)) {
    if (!keep.has(k)) o[k] = v;
  }
  // A status write may not change metadata either (upstream ResetObjectMetaForStatus), except for
  // managedFields and resourceVersion, which the storage handles.
  const meta = { ...old.metadata };
  if (obj.metadata?.resourceVersion !== undefined)
    meta.resourceVersion = obj.metadata.resourceVersion;
  if (obj.metadata?.managedFields !== undefined) meta.managedFields = obj.metadata.managedFields;
  obj.metadata = meta;
}

/** Makes `obj.status` equal the old object's status (for main-resource updates). */
export function keepStatus(obj: KubeObject, old: KubeObject): void {
  const o = obj as Record_;
  const p = old as Record_;
  if (p['status'] === undefined) delete o['status'];
  else o['status'] = p['status'];
}

/** The strategy most kinds use upstream. */
export function defaultStrategy<T extends KubeObject>(
  def: ResourceDef<T>,
  overrides: Partial<Strategy<T>> = {},
): Strategy<T> {
  return {
    prepareForCreate(obj) {
      if (def.hasStatusSubresource) delete (obj as Record_)['status'];
    },
    prepareForUpdate(obj, old) {
      if (def.hasStatusSubresource) keepStatus(obj, old);
    },
    prepareForStatusUpdate(obj, old) {
      keepAllButStatus(obj, old);
    },
    validate: () => [],
    validateUpdate: () => [],
    gracePeriod: () => 0,
    returnsDeletedObject: false,
    hasPendingFinalization: () => false,
    onDeletionStart: () => undefined,
    ...overrides,
  };
}
