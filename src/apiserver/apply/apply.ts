/**
 * Server-side apply: PATCH with `Content-Type: application/apply-patch+yaml`.
 *
 * Steps (upstream's field manager for Apply):
 *   1. Check the request: a fieldManager is required; the applied configuration must be an
 *      object of exactly the resource's apiVersion and kind, without managedFields, and valid
 *      for the schema (no undeclared fields, right JSON types, list-map items with their keys and
 *      without duplicates).
 *   2. If the stored object has no managedFields, its current fields are first given to an Update
 *      manager `before-first-apply`, so that they can conflict and are not silently taken over.
 *   3. Merge the configuration into the stored object (or into nothing: apply creates).
 *   4. The applier's entry becomes exactly the fields of the configuration. Fields it applied last
 *      time and no longer applies are removed from the object, unless another manager owns them.
 *   5. Compare the stored object with the result: a changed field another manager owns is a
 *      conflict (409, nothing written) unless `force`, which takes it over. Other managers lose
 *      the fields that changed or went away; managers left with nothing are dropped.
 *   6. The applier's time becomes now if the object changed; identity metadata is never owned.
 *   7. For the manager `kubectl`, conflicts on fields still as last applied by client-side apply
 *      are taken over, and the last-applied annotation follows the configuration (see
 *      last-applied.ts).
 */
import { metaTime, type ObjectSchema } from '../../api/index.ts';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import {
  type ApplyConflict,
  ApplyConflictError,
  badRequest,
  conflictError,
  internalError,
} from './errors.ts';
import { validateWriteOptions } from './field-manager.ts';
import { FieldSet, isPlainObject } from './field-set.ts';
import {
  buildLastApplied,
  fieldsUnchangedSinceLastApplied,
  hasLastApplied,
  kubectlApplyManager,
  setLastApplied,
} from './last-applied.ts';
import {
  copyManagers,
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  ManagedFieldsError,
  type ManagerInfo,
  ManagerState,
  type Managers,
  managerIdentifier,
} from './managers.ts';
import { compareStrings, renderPath } from './path-element.ts';
import {
  compareObjects,
  deepEqual,
  ensureNamedFieldsAreMembers,
  fieldSetOf,
  formatProblems,
  mergeObjects,
  removeFields,
  TypedError,
  validateObject,
} from './typed.ts';
import {
  applyUpdate,
  filterComparison,
  managedFieldsOf,
  strippedFields,
  stripManagedFields,
} from './update.ts';

export interface ApplyOptions {
  /** The stored object; undefined when there is none (the apply creates it). Not modified. */
  readonly live: Record<string, unknown> | undefined;
  /** The applied configuration, decoded from the request body (see `decodeApplyPatch`). */
  readonly applied: unknown;
  /** Schema of the kind. */
  readonly schema: ObjectSchema;
  /** apiVersion of the resource (`apps/v1`, `v1`); the configuration must name it. */
  readonly apiVersion: string;
  /** Kind of the resource; the configuration must name it. */
  readonly kind: string;
  /** The `fieldManager` parameter (required for apply). */
  readonly manager: string | undefined;
  /** The `force` parameter: take over conflicting fields instead of failing. */
  readonly force: boolean;
  /** `status`, ... ; absent or '' for the main resource. */
  readonly subresource?: string | undefined;
  readonly now: Date;
  /** Fields the strategy resets for this endpoint (see `updateManagedFields`). */
  readonly resetFields?: FieldSet | undefined;
}

export interface ApplyResult {
  /**
   * The object to store, with `metadata.managedFields` set. Not yet defaulted or validated: run
   * it through the same defaulting, admission, strategy and validation as any update (or create,
   * when `live` was undefined). Shares nothing with the inputs.
   */
  readonly object: Record<string, unknown>;
  /** False when the object equals `live` apart from managedFields (the apply was a no-op). */
  readonly changed: boolean;
}

/**
 * Applies a configuration. Throws `ApplyConflictError` (409) on conflicts, `ApplyError` (400/422)
 * on bad input; never modifies its inputs.
 */
export function apply(opts: ApplyOptions): ApplyResult {
  const optionsError = validateWriteOptions({
    kind: 'PatchOptions',
    apply: true,
    fieldManager: opts.manager,
    force: opts.force,
  });
  if (optionsError !== undefined) throw optionsError;
  const manager = opts.manager ?? '';
  const applied = checkApplied(opts);
  const subresource = opts.subresource ?? '';
  const live = opts.live === undefined ? undefined : stripManagedFields(opts.live);
  const time = metaTime(opts.now.getTime());

  let base: Managers;
  try {
    base = decodeManagedFields(managedFieldsOf(opts.live), false);
  } catch (e) {
    if (e instanceof ManagedFieldsError) {
      throw internalError(`failed to decode managed fields: ${e.message}`);
    }
    throw e;
  }

  const run = (force: boolean): Outcome => {
    const managers = copyManagers(base);
    if (managers.size === 0 && live !== undefined) {
      applyUpdate(managers, {
        live: undefined,
        updated: live,
        schema: opts.schema,
        manager: 'before-first-apply',
        apiVersion: opts.apiVersion,
        subresource,
        time,
        resetFields: undefined,
      });
    }
    return applyOnce({
      live,
      applied,
      schema: opts.schema,
      managers,
      info: { manager, operation: 'Apply', apiVersion: opts.apiVersion, subresource },
      force,
      time,
      resetFields: opts.resetFields,
    });
  };

  let outcome: Outcome;
  try {
    try {
      outcome = run(opts.force);
    } catch (e) {
      if (!(e instanceof ApplyConflictError) || manager !== kubectlApplyManager) throw e;
      const allowed = fieldsUnchangedSinceLastApplied(live, opts.schema, opts.apiVersion);
      if (allowed === undefined) throw e;
      const remaining = e.conflicts.filter((c) => !allowed.has(c.path));
      if (remaining.length > 0) throw conflictError(remaining, describeManager);
      outcome = run(true);
    }
  } catch (e) {
    if (e instanceof TypedError) throw badRequest(typedPatchError(applied, opts, e.message));
    throw e;
  }

  let object = outcome.object;
  if (manager === kubectlApplyManager && hasLastApplied(object)) {
    object = setLastApplied(object, buildLastApplied(applied));
  }
  const entries = encodeManagedFields(outcome.managers);
  const metadata = isPlainObject(object['metadata']) ? { ...object['metadata'] } : {};
  if (entries.length > 0) metadata['managedFields'] = entries;
  else delete metadata['managedFields'];
  const result = structuredClone({ ...object, metadata });
  return { object: result, changed: !deepEqual(stripManagedFields(result), live ?? {}) };
}

interface Outcome {
  readonly object: Record<string, unknown>;
  readonly managers: Managers;
}

interface ApplyStep {
  readonly live: unknown;
  readonly applied: Record<string, unknown>;
  readonly schema: ObjectSchema;
  readonly managers: Managers;
  readonly info: ManagerInfo;
  readonly force: boolean;
  readonly time: string;
  readonly resetFields: FieldSet | undefined;
}

function applyOnce(s: ApplyStep): Outcome {
  const { schema, managers } = s;
  const liveObj = s.live ?? {};
  const merged = asObject(mergeObjects(liveObj, s.applied, schema));
  const id = managerIdentifier(s.info);
  const previous = managers.get(id);
  const lastSet = previous?.set;
  let configSet = fieldSetOf(s.applied, schema);
  if (s.resetFields !== undefined) configSet = configSet.recursiveDifference(s.resetFields);
  const applier = new ManagerState(s.info, { set: configSet, time: previous?.time });
  managers.set(id, applier);
  const result =
    lastSet === undefined || lastSet.isEmpty() ? merged : prune(merged, managers, lastSet, schema);

  const cmp = filterComparison(compareObjects(liveObj, result, schema), s.resetFields);
  const changed = cmp.modified.union(cmp.added);
  const touched = changed.union(cmp.removed);
  const conflicts: ApplyConflict[] = [];
  const ids = [...managers.keys()].sort(compareStrings);
  for (const other of ids) {
    const m = managers.get(other);
    if (other === id || m === undefined) continue;
    const owned = m.set.intersection(changed);
    for (const path of owned.paths()) {
      conflicts.push({
        manager: m.manager,
        operation: m.operation,
        apiVersion: m.apiVersion,
        subresource: m.subresource,
        path,
        field: renderPath(path),
      });
    }
  }
  if (conflicts.length > 0 && !s.force) throw conflictError(conflicts, describeManager);
  for (const [other, m] of managers) {
    if (other !== id && m.touches(touched)) {
      m.set = m.set.difference(changed).difference(cmp.removed);
    }
  }
  for (const [other, m] of managers) if (m.isEmpty()) managers.delete(other);

  const noop = deepEqual(liveObj, result);
  const own = managers.get(id);
  if (own !== undefined) {
    if (!noop) own.time = s.time;
    own.set = own.set.difference(strippedFields);
    if (own.isEmpty()) managers.delete(id);
  }
  return { object: noop ? asObject(liveObj) : result, managers };
}

/**
 * Removes what the applier applied last time and no longer applies, keeping what any manager
 * (the applier's new configuration included) owns, and what the applier did not own before.
 */
function prune(
  merged: Record<string, unknown>,
  managers: Managers,
  lastSet: FieldSet,
  schema: ObjectSchema,
): Record<string, unknown> {
  const ensure = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, schema);
  const last = ensure(lastSet);
  let owned = FieldSet.empty;
  for (const m of managers.values()) owned = owned.union(m.set);
  const mergedSet = ensure(fieldSetOf(merged, schema));
  const firstPass = asObject(removeFields(merged, last, schema));
  const keep = ensure(fieldSetOf(firstPass, schema)).union(ensure(owned));
  const secondPass = asObject(removeFields(merged, mergedSet.difference(keep), schema));
  const dangling = mergedSet.difference(ensure(fieldSetOf(secondPass, schema))).intersection(last);
  return asObject(removeFields(merged, dangling, schema));
}

function asObject(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

// ---- request checks ---------------------------------------------------------------------------

function checkApplied(opts: ApplyOptions): Record<string, unknown> {
  const applied = opts.applied ?? {};
  if (!isPlainObject(applied)) {
    throw badRequest(
      `error decoding patch: json: cannot unmarshal ${jsonKind(applied)} into Go value of type map[string]interface {}`,
    );
  }
  const got = gvkString(applied['apiVersion'], applied['kind']);
  const want = gvkString(opts.apiVersion, opts.kind);
  if (got !== want) throw badRequest(`invalid object type: ${got}`);
  const metadata = applied['metadata'];
  if (isPlainObject(metadata) && Array.isArray(metadata['managedFields'])) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const problems = validateObject(applied, opts.schema);
  if (problems.length > 0) {
    throw badRequest(typedPatchError(applied, opts, formatProblems(problems)));
  }
  return applied;
}

function typedPatchError(
  applied: Record<string, unknown>,
  opts: ApplyOptions,
  message: string,
): string {
  const metadata = isPlainObject(applied['metadata']) ? applied['metadata'] : {};
  const ns = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  return `failed to create typed patch object (${ns}/${name}; ${gvkString(opts.apiVersion, opts.kind)}): ${message}`;
}

/** Go's `GroupVersionKind.String()` of an object's apiVersion and kind (`apps/v1, Kind=Deployment`). */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const k = typeof kind === 'string' ? kind : '';
  const parts = av.split('/');
  if (av === '') return `/, Kind=${k}`;
  if (parts.length === 1) return `/${av}, Kind=${k}`;
  if (parts.length === 2) return `${parts[0] ?? ''}/${parts[1] ?? ''}, Kind=${k}`;
  return '/, Kind=';
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'value';
}

/**
 * Decodes the body of an apply request (YAML or JSON) as upstream does, YAML 1.1 like Go's yaml
 * library. Throws a 400 `ApplyError` (`error decoding patch: ...`) when it is not well-formed.
 * Whether it is an object is checked by `apply`.
 */
export function decodeApplyPatch(body: string | Uint8Array): unknown {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return parseYaml(text, { version: '1.1', uniqueKeys: false, merge: true }) as unknown;
  } catch (e) {
    const detail =
      e instanceof YAMLParseError
        ? `line ${(e.linePos?.[0].line ?? 0).toString()}: ${e.message.split('\n')[0] ?? ''}`
        : e instanceof Error
          ? e.message
          : String(e);
    throw badRequest(`error decoding patch: error converting YAML to JSON: yaml: ${detail}`);
  }
}
