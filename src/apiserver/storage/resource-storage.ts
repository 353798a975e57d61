/**
 * Generic storage of one resource: the create / update / delete flows of upstream's
 * `genericregistry.Store`, over our store and watch cache.
 *
 * Create:  defaults → strategy.prepareForCreate → system metadata (uid, creationTimestamp,
 *          generation, name from generateName) → admission → validation → managed fields → store.
 * Update:  read current → resourceVersion precondition → defaults → strategy.prepareForUpdate
 *          (or prepareForStatusUpdate) → keep system metadata → generation bump when the spec
 *          changed → admission → validation → managed fields → no-op check → store (compare-and-swap
 *          on the revision read; on a lost race, retry from the fresh value unless the client named
 *          a resourceVersion).
 * Delete:  preconditions → finalizers and graceful deletion set deletionTimestamp and keep the
 *          object → otherwise remove it from the store.
 *
 * Objects handed out are fresh copies the caller may change; the cache's own are never touched.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  metaTime,
  type DeleteOptions,
  type FieldErrorList,
  type KubeObject,
  type ManagedFieldsEntry,
  type ObjectMeta,
  type ResourceDef,
} from '../../api/index.ts';
import { type Store, type KeyValue, isStoreError } from '../../store/index.ts';
import type { Clock } from '../../util/index.ts';
import {
  type ApiError,
  alreadyExists,
  badRequest,
  conflict,
  fromStoreError,
  invalid,
  notFound,
  staleObjectMessage,
} from '../errors.ts';
import type { Strategy, StrategyContext } from './strategy.ts';
import { StoredJson } from './stored-json.ts';
import { CachedObject, type WatchCache, type ResourceCache } from './watch-cache.ts';

/** What kind of write is happening, for admission and managed fields. */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface WriteContext {
  /** Request time, ms since the epoch. */
  readonly now: number;
  /** dryRun=All: run everything but the store write. */
  readonly dryRun: boolean;
  /** The field manager recorded in managedFields. */
  readonly fieldManager: string;
  /** '' for the main resource, or 'status', 'scale', ... (recorded in managedFields). */
  readonly subresource: string;
  /** Server-side apply has already computed managedFields; keep them as they are. */
  readonly managedFieldsSet?: boolean;
}

/**
 * Which update rules apply: the main resource's (also for `scale`, which edits the spec), the
 * status subresource's, or none because a subresource handler (binding, finalize, ephemeral
 * containers) has already prepared and validated the object itself.
 */
export type UpdateRules = 'main' | 'status' | 'handler';

export function updateRulesFor(subresource: string): UpdateRules {
  if (subresource === '' || subresource === 'scale') return 'main';
  if (subresource === 'status') return 'status';
  return 'handler';
}

/** Mutating and validating admission, run on every write after the strategy. */
export interface Admission {
  admit(args: {
    readonly operation: Operation;
    readonly def: ResourceDef;
    readonly namespace: string;
    readonly object: KubeObject;
    readonly old: KubeObject | undefined;
    readonly subresource: string;
  }): void;
}

/** Records which manager owns which fields; see `apiserver/apply`. */
export type ManagedFieldsUpdater = (args: {
  readonly live: KubeObject | undefined;
  readonly updated: KubeObject;
  readonly def: ResourceDef;
  readonly manager: string;
  readonly subresource: string;
  readonly now: number;
}) => ManagedFieldsEntry[] | undefined;

export interface ResourceStorageOptions<T extends KubeObject> {
  readonly def: ResourceDef<T>;
  readonly strategy: Strategy<T>;
  readonly store: Store;
  readonly cache: WatchCache;
  readonly clock: Clock;
  /** Store key prefix, e.g. `/registry/`. */
  readonly prefix: string;
  readonly admission: Admission;
  readonly managedFields?: ManagedFieldsUpdater;
}

export interface DeleteResult<T> {
  /** The object as it is after the request (with deletionTimestamp, or the removed state). */
  readonly object: T;
  /** True when the object is gone from the store (false: deletion pending). */
  readonly deleted: boolean;
}

const generateAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** A name from `generateName`, as upstream: base cut to 58 characters plus 5 random ones. */
export function generateName(base: string): string {
  const cut = base.length > 58 ? base.slice(0, 58) : base;
  const bytes = randomBytes(5);
  let suffix = '';
  for (const b of bytes) suffix += generateAlphabet.charAt(b % generateAlphabet.length);
  return cut + suffix;
}

function copy<T>(obj: T): T {
  return JSON.parse(JSON.stringify(obj)) as T;
}

type Rec = Record<string, unknown>;

/** Everything but metadata and status, as one string, to see whether a write changed the spec. */
function specOf(obj: KubeObject): string {
  const rest: Rec = {};
  for (const [k, v] of Object.entries(obj as Rec)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = v;
  }
  return JSON.stringify(rest);
}

/** Encodes an object for the store: JSON without resourceVersion (the store's revision is that). */
export function encodeForStore(obj: KubeObject): Uint8Array {
  return Buffer.from(StoredJson.of(obj).text);
}

function withRevision<T extends KubeObject>(obj: T, revision: number): T {
  obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
  return obj;
}

/** Whether two versions differ in anything but resourceVersion and managedFields timestamps. */
function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = o.metadata ?? {};
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(a) === strip(b);
}

export class ResourceStorage<T extends KubeObject = KubeObject> {
  readonly def: ResourceDef<T>;
  private readonly opts: ResourceStorageOptions<T>;
  private readonly resourceCache: ResourceCache;

  constructor(opts: ResourceStorageOptions<T>) {
    this.def = opts.def;
    this.opts = opts;
    this.resourceCache = opts.cache.cacheFor(opts.def.resource);
  }

  /** True if DELETE answers with the deleted object rather than a Success Status. */
  get returnsDeletedObject(): boolean {
    return this.opts.strategy.returnsDeletedObject;
  }

  get cache(): ResourceCache {
    return this.resourceCache;
  }

  /** The qualified resource for error messages. */
  get qualified(): { group: string; resource: string } {
    return { group: this.def.group, resource: this.def.resource };
  }

  /** Cache key of an object: `namespace/name`, or `name` for cluster-scoped kinds. */
  cacheKey(namespace: string, name: string): string {
    return this.def.namespaced ? `${namespace}/${name}` : name;
  }

  /** Store key prefix of every object of this resource: `/registry/pods/`. */
  storePrefix(): string {
    return `${this.opts.prefix}${this.def.resource}/`;
  }

  /** Store key: `/registry/pods/default/web`. */
  storeKey(namespace: string, name: string): string {
    return `${this.opts.prefix}${this.def.resource}/${this.cacheKey(namespace, name)}`;
  }

  /** The current object, straight from the cache (do not mutate it). */
  getCached(namespace: string, name: string): CachedObject | undefined {
    return this.resourceCache.get(this.cacheKey(namespace, name));
  }

  /** A copy of the current object, or 404. */
  get(namespace: string, name: string): T {
    const c = this.getCached(namespace, name);
    if (!c) throw notFound(this.qualified, name);
    return copy(c.object as T);
  }

  private strategyContext(namespace: string, now: number): StrategyContext {
    return { now, namespace };
  }

  private validationFailed(name: string, errs: FieldErrorList): ApiError {
    return invalid(this.def.kind, this.def.group, name, errs);
  }

  private applyManagedFields(live: T | undefined, updated: T, ctx: WriteContext): void {
    const mf = this.opts.managedFields;
    if (!mf || ctx.managedFieldsSet) return;
    const entries = mf({
      live,
      updated,
      def: this.def as unknown as ResourceDef,
      manager: ctx.fieldManager,
      subresource: ctx.subresource,
      now: ctx.now,
    });
    if (entries === undefined) return;
    const meta = updated.metadata ?? (updated.metadata = {});
    if (entries.length) meta.managedFields = entries;
    else delete meta.managedFields;
  }

  /**
   * Creates `obj` in `namespace`. The caller has decoded it and checked apiVersion/kind; everything
   * else (metadata rules, defaults, validation) happens here. Answers with the object as stored
   * (that is `obj`, with its resourceVersion) and its JSON, made from the stored text: change
   * neither afterwards, or the JSON no longer matches.
   */
  async create(namespace: string, obj: T, ctx: WriteContext): Promise<CachedObject> {
    const def = this.def;
    const meta: ObjectMeta = (obj.metadata ??= {});
    if (meta.resourceVersion) {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    if (def.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace || meta.namespace || '';
    } else {
      delete meta.namespace;
    }
    def.defaults(obj);
    // Ownership is recorded for what the client sent (after defaulting), before the server adds
    // anything of its own, as upstream's field manager does.
    this.applyManagedFields(undefined, obj, ctx);
    // System fields (upstream FillObjectMetaSystemFields and name generation) come before the
    // strategy, which may use them (a Job's selector uses its uid).
    meta.uid = randomUUID();
    meta.creationTimestamp = metaTime(ctx.now);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (def.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    const generated = !meta.name && !!meta.generateName;
    if (generated) meta.name = generateName(meta.generateName ?? '');
    const sctx = this.strategyContext(namespace, ctx.now);
    this.opts.strategy.prepareForCreate(obj, sctx);

    this.opts.admission.admit({
      operation: 'CREATE',
      def: def as unknown as ResourceDef,
      namespace: meta.namespace ?? '',
      object: obj,
      old: undefined,
      subresource: ctx.subresource,
    });
    const errs = [
      ...def.validate(obj, { namespace: meta.namespace ?? '' }),
      ...this.opts.strategy.validate(obj, sctx),
    ];
    if (errs.length) throw this.validationFailed(meta.name ?? meta.generateName ?? '', errs);

    if (ctx.dryRun) {
      if (this.getCached(namespace, meta.name ?? ''))
        throw alreadyExists(this.qualified, meta.name ?? '');
      return new CachedObject(this.cacheKey(namespace, meta.name ?? ''), obj, 0);
    }
    // A generated name may collide; like upstream (RetryGenerateName) try a few fresh names.
    for (let attempt = 0; ; attempt++) {
      const name = meta.name ?? '';
      try {
        const stored = StoredJson.of(obj);
        const kv = await this.opts.store.create(
          this.storeKey(namespace, name),
          Buffer.from(stored.text),
        );
        const rev = kv.modRevision;
        const key = this.cacheKey(namespace, name);
        return new CachedObject(key, withRevision(obj, rev), rev, stored.withRevision(rev));
      } catch (err) {
        if (isStoreError(err, 'KeyExists')) {
          if (generated && attempt < 7) {
            meta.name = generateName(meta.generateName ?? '');
            continue;
          }
          throw alreadyExists(this.qualified, name);
        }
        throw isStoreError(err) ? fromStoreError(err, this.qualified, name) : err;
      }
    }
  }

  /**
   * Updates an object by applying `mutate` to a copy of its current state, upstream's
   * GuaranteedUpdate. `mutate` returns the desired object (it may build a new one). When it names a
   * resourceVersion, that must be the current one (409 otherwise); when it does not, the update is
   * unconditional only if the kind allows it, and a lost race is retried from the fresh value.
   *
   * Returns the stored object, or undefined when `allowCreate` created it (see `created`).
   */
  async update(
    namespace: string,
    name: string,
    mutate: (current: T | undefined) => T | Promise<T>,
    ctx: WriteContext,
    opts: {
      allowCreate?: boolean;
      /**
       * The resourceVersion `mutate` returns was read by the server, not sent by the client (a
       * patch applied to the current object): a lost race is retried from the fresh object.
       */
      retryOnConflict?: boolean;
    } = {},
  ): Promise<{ object: T; created: boolean }> {
    const def = this.def;
    const isStatus = updateRulesFor(ctx.subresource) === 'status';
    for (let attempt = 0; attempt < 16; attempt++) {
      const cached = this.getCached(namespace, name);
      const current = cached ? copy(cached.object as T) : undefined;
      const obj = await mutate(current ? copy(current) : undefined);
      const meta: ObjectMeta = (obj.metadata ??= {});
      if (meta.name && meta.name !== name) {
        throw badRequest(
          `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
        );
      }
      if (def.namespaced && meta.namespace && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.name = name;
      if (def.namespaced) meta.namespace = namespace;
      else delete meta.namespace;

      if (!current) {
        if (opts.allowCreate && !isStatus) {
          const { resourceVersion: _rv, ...rest } = meta;
          obj.metadata = rest;
          const created = await this.create(namespace, obj, ctx);
          return { object: created.object as T, created: true };
        }
        throw notFound(this.qualified, name);
      }
      const currentRev = Number(current.metadata?.resourceVersion);
      const requested = meta.resourceVersion;
      if (requested !== undefined && requested !== '' && requested !== String(currentRev)) {
        throw conflict(this.qualified, name, staleObjectMessage);
      }
      if ((requested === undefined || requested === '') && !def.allowUnconditionalUpdate) {
        throw invalid(def.kind, def.group, name, [
          {
            type: 'FieldValueInvalid',
            field: 'metadata.resourceVersion',
            badValue: 0,
            detail: 'must be specified for an update',
          },
        ]);
      }
      const next = this.prepareUpdate(namespace, obj, current, ctx);
      if (sameObject(next, current)) return { object: current, created: false };
      if (ctx.dryRun) return { object: next, created: false };

      // Removing the last finalizer of an object being deleted with no grace left removes the
      // object (upstream's shouldDeleteDuringUpdate). A pod in graceful deletion stays until its
      // kubelet deletes it with grace 0, however long its containers take to stop.
      const finalDelete =
        current.metadata?.deletionGracePeriodSeconds === 0 &&
        !(next.metadata?.finalizers?.length ?? 0) &&
        !this.opts.strategy.hasPendingFinalization(next);
      try {
        if (finalDelete) {
          const kv = await this.opts.store.delete(this.storeKey(namespace, name), currentRev);
          return { object: withRevision(next, kv.modRevision), created: false };
        }
        const kv = await this.opts.store.update(
          this.storeKey(namespace, name),
          encodeForStore(next),
          currentRev,
        );
        return { object: withRevision(next, kv.modRevision), created: false };
      } catch (err) {
        // A lost race is retried from the fresh object when the client named no resourceVersion,
        // or when `mutate` got it from the server (a patch): upstream's GuaranteedUpdate.
        if (
          isStoreError(err, 'Conflict') &&
          (opts.retryOnConflict === true || requested === undefined || requested === '')
        )
          continue;
        if (isStoreError(err, 'Conflict')) throw conflict(this.qualified, name, staleObjectMessage);
        throw isStoreError(err) ? fromStoreError(err, this.qualified, name) : err;
      }
    }
    throw conflict(this.qualified, name, 'too many concurrent updates, please retry');
  }

  private prepareUpdate(namespace: string, obj: T, old: T, ctx: WriteContext): T {
    const def = this.def;
    const sctx = this.strategyContext(namespace, ctx.now);
    const rules = updateRulesFor(ctx.subresource);
    const meta: ObjectMeta = (obj.metadata ??= {});
    const oldMeta: ObjectMeta = old.metadata ?? {};
    if (rules !== 'handler') def.defaults(obj);
    // Upstream BeforeUpdate: clients cannot set generation, and omitted system fields are kept.
    if (oldMeta.generation !== undefined) meta.generation = oldMeta.generation;
    else delete meta.generation;
    if (rules === 'status') this.opts.strategy.prepareForStatusUpdate(obj, old, sctx);
    else if (rules === 'main') this.opts.strategy.prepareForUpdate(obj, old, sctx);
    if (!meta.uid && oldMeta.uid) meta.uid = oldMeta.uid;
    if (oldMeta.creationTimestamp) meta.creationTimestamp = oldMeta.creationTimestamp;
    if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
    if (
      oldMeta.deletionGracePeriodSeconds !== undefined &&
      meta.deletionGracePeriodSeconds === undefined
    ) {
      meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    }
    delete meta.selfLink;
    if (def.tracksGeneration && rules === 'main' && specOf(obj) !== specOf(old)) {
      meta.generation = (oldMeta.generation ?? 0) + 1;
    }
    // After the strategy reset what this endpoint may not change, so only real changes are owned.
    this.applyManagedFields(old, obj, ctx);
    this.opts.admission.admit({
      operation: 'UPDATE',
      def: def as unknown as ResourceDef,
      namespace,
      object: obj,
      old,
      subresource: ctx.subresource,
    });
    if (rules !== 'handler') {
      const vctx = { namespace };
      const errs =
        rules === 'status'
          ? (def.validateStatusUpdate?.(obj, old, vctx) ?? [])
          : [
              ...def.validateUpdate(obj, old, vctx),
              ...this.opts.strategy.validateUpdate(obj, old, sctx),
            ];
      if (errs.length) throw this.validationFailed(meta.name ?? '', errs);
    }
    return obj;
  }

  /**
   * Deletes an object: honours preconditions, finalizers and graceful deletion (upstream
   * `BeforeDelete` and `updateForGracefulDeletionAndFinalizers`). While finalizers remain or a grace
   * period runs, the object stays, marked with deletionTimestamp; a repeated delete may only shorten
   * the grace period, and the new deadline counts from the first request.
   */
  async delete(
    namespace: string,
    name: string,
    options: DeleteOptions,
    ctx: WriteContext,
  ): Promise<DeleteResult<T>> {
    for (let attempt = 0; attempt < 16; attempt++) {
      const cached = this.getCached(namespace, name);
      if (!cached) throw notFound(this.qualified, name);
      const current = copy(cached.object as T);
      this.checkPreconditions(current, options, name);
      this.opts.admission.admit({
        operation: 'DELETE',
        def: this.def as unknown as ResourceDef,
        namespace,
        object: current,
        old: current,
        subresource: '',
      });
      const rev = Number(current.metadata?.resourceVersion);
      const next = copy(current);
      const meta: ObjectMeta = (next.metadata ??= {});
      let changed = false;

      if (meta.deletionTimestamp) {
        const existing = meta.deletionGracePeriodSeconds ?? 0;
        const wanted = options.gracePeriodSeconds;
        if (existing > 0 && wanted !== undefined && wanted < existing) {
          const start = Date.parse(meta.deletionTimestamp) - existing * 1000;
          meta.deletionTimestamp = metaTime(start + Math.max(0, wanted) * 1000);
          meta.deletionGracePeriodSeconds = Math.max(0, wanted);
          changed = true;
        }
      } else {
        const grace = this.opts.strategy.gracePeriod(current, options);
        if (grace > 0) {
          meta.deletionTimestamp = metaTime(ctx.now + grace * 1000);
          meta.deletionGracePeriodSeconds = grace;
          if ((meta.generation ?? 0) > 0) meta.generation = (meta.generation ?? 0) + 1;
          changed = true;
        }
        // The propagation policy becomes a finalizer the garbage collector honours, as upstream.
        const policy =
          options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
        const finalizers = new Set(meta.finalizers ?? []);
        if (policy === 'Foreground') finalizers.add('foregroundDeletion');
        if (policy === 'Orphan') finalizers.add('orphan');
        if (finalizers.size !== (meta.finalizers?.length ?? 0)) {
          meta.finalizers = [...finalizers];
          changed = true;
        }
        const finalizing = finalizers.size > 0 || this.opts.strategy.hasPendingFinalization(next);
        if (finalizing && !meta.deletionTimestamp) {
          meta.deletionTimestamp = metaTime(ctx.now);
          meta.deletionGracePeriodSeconds = 0;
          if ((meta.generation ?? 0) > 0) meta.generation = (meta.generation ?? 0) + 1;
          changed = true;
        }
        if (meta.deletionTimestamp) {
          // The deletion started with this request.
          this.opts.strategy.onDeletionStart(next, this.strategyContext(namespace, ctx.now));
        }
      }

      const pending =
        (meta.finalizers?.length ?? 0) > 0 ||
        this.opts.strategy.hasPendingFinalization(next) ||
        (meta.deletionGracePeriodSeconds ?? 0) > 0;
      try {
        if (pending) {
          if (!changed) return { object: current, deleted: false };
          if (ctx.dryRun) return { object: next, deleted: false };
          const kv = await this.opts.store.update(
            this.storeKey(namespace, name),
            encodeForStore(next),
            rev,
          );
          return { object: withRevision(next, kv.modRevision), deleted: false };
        }
        if (ctx.dryRun) return { object: next, deleted: true };
        const kv: KeyValue = await this.opts.store.delete(this.storeKey(namespace, name), rev);
        return { object: withRevision(next, kv.modRevision), deleted: true };
      } catch (err) {
        if (isStoreError(err, 'Conflict')) continue;
        throw isStoreError(err) ? fromStoreError(err, this.qualified, name) : err;
      }
    }
    throw conflict(this.qualified, name, 'too many concurrent updates, please retry');
  }

  private checkPreconditions(current: T, options: DeleteOptions, name: string): void {
    const meta = current.metadata ?? {};
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== meta.uid) {
      throw conflict(
        this.qualified,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        this.qualified,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
      );
    }
  }

  /** Encodes a cached object for the wire (JSON with resourceVersion). */
  static json(obj: CachedObject): string {
    return obj.json();
  }
}

export { CachedObject };
