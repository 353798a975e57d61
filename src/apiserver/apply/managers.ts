/**
 * `metadata.managedFields` entries as a map of managers (upstream `fieldpath.ManagedFields` plus
 * the times), keyed by the manager identifier: the entry's manager, operation, apiVersion (Update
 * only) and subresource. One entry exists per identifier, so an Apply manager has one entry per
 * subresource whatever apiVersion it applied with, and an Update manager one per apiVersion and
 * subresource.
 *
 * Entries read from a stored object are decoded lazily: an entry this write does not touch is
 * written back as the very same object, without parsing or re-encoding its fieldsV1.
 */
import { goQuote, type ManagedFieldsEntry } from '../../api/index.ts';
import {
  decodeFieldsV1,
  decodeTrustedFieldsV1,
  encodeFieldsV1,
  FieldSet,
  FieldsV1Error,
  isPlainObject,
} from './field-set.ts';
import { compareStrings, goJsonString } from './path-element.ts';

export type Operation = 'Apply' | 'Update';

export interface ManagerInfo {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  /** '' for the main resource. */
  readonly subresource: string;
}

/** Upstream's manager identifier: the Go JSON of the entry without set, time and (for Apply) apiVersion. */
export function managerIdentifier(m: ManagerInfo): string {
  const parts: string[] = [];
  if (m.manager !== '') parts.push(`"manager":${goJsonString(m.manager)}`);
  parts.push(`"operation":"${m.operation}"`);
  if (m.operation !== 'Apply' && m.apiVersion !== '') {
    parts.push(`"apiVersion":${goJsonString(m.apiVersion)}`);
  }
  if (m.subresource !== '') parts.push(`"subresource":${goJsonString(m.subresource)}`);
  return '{' + parts.join(',') + '}';
}

/** How upstream names a manager in conflict messages: `"kubectl-scale" with subresource "scale" using apps/v1`. */
export function describeManager(m: ManagerInfo): string {
  let s = goQuote(m.manager);
  if (m.subresource !== '') s += ` with subresource ${goQuote(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** One manager's entry while a write is computed. */
export class ManagerState implements ManagerInfo {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly subresource: string;
  private currentTime: string | undefined;
  /**
   * The stored (or last encoded) entry, valid while the set is unchanged: written back as is, or
   * with a new time when only the time changed (its fieldsV1 is never re-encoded then).
   */
  private raw: ManagedFieldsEntry | undefined;
  private rawFields: Record<string, unknown> | undefined;
  private decoded: FieldSet | undefined;

  constructor(
    info: ManagerInfo,
    init: { set: FieldSet; time?: string | undefined } | { raw: ManagedFieldsEntry },
  ) {
    this.manager = info.manager;
    this.operation = info.operation;
    this.apiVersion = info.apiVersion;
    this.subresource = info.subresource;
    if ('raw' in init) {
      this.raw = init.raw;
      this.currentTime = init.raw.time;
      this.rawFields = isPlainObject(init.raw.fieldsV1) ? init.raw.fieldsV1 : {};
    } else {
      this.currentTime = init.time;
      this.decoded = init.set;
    }
  }

  /** When the manager last changed the object (RFC 3339, seconds). */
  get time(): string | undefined {
    return this.currentTime;
  }

  set time(t: string | undefined) {
    this.currentTime = t;
  }

  get id(): string {
    return managerIdentifier(this);
  }

  /** The owned fields (decoded on first use). */
  get set(): FieldSet {
    this.decoded ??= decodeTrustedFieldsV1(this.rawFields ?? {});
    return this.decoded;
  }

  set set(s: FieldSet) {
    if (this.decoded === s) return;
    this.decoded = s;
    this.raw = undefined;
    this.rawFields = undefined;
  }

  isEmpty(): boolean {
    if (this.decoded !== undefined) return this.decoded.isEmpty();
    return this.rawFields === undefined || Object.keys(this.rawFields).length === 0;
  }

  /** Whether some member path of `x` is owned (checked on the stored JSON when not decoded). */
  touches(x: FieldSet): boolean {
    if (x.isEmpty()) return false;
    if (this.decoded !== undefined || this.rawFields === undefined) return this.set.intersects(x);
    return rawTouches(this.rawFields, x);
  }

  /** Whether every member path of `x` is owned. */
  containsAll(x: FieldSet): boolean {
    if (x.isEmpty()) return true;
    if (this.decoded !== undefined || this.rawFields === undefined) {
      return this.set.intersection(x).equals(x);
    }
    return rawContainsAll(this.rawFields, x);
  }

  toEntry(): ManagedFieldsEntry {
    if (this.raw !== undefined) {
      if (this.raw.time === this.currentTime) return this.raw;
      const { time: _, ...rest } = this.raw;
      this.raw = this.currentTime === undefined ? rest : { ...rest, time: this.currentTime };
      return this.raw;
    }
    const e: ManagedFieldsEntry = {};
    if (this.manager !== '') e.manager = this.manager;
    e.operation = this.operation;
    e.apiVersion = this.apiVersion;
    if (this.time !== undefined) e.time = this.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = encodeFieldsV1(this.set);
    if (this.subresource !== '') e.subresource = this.subresource;
    this.raw = e;
    return e;
  }

  copy(): ManagerState {
    const c = new ManagerState(this, { set: FieldSet.empty, time: this.time });
    c.raw = this.raw;
    c.rawFields = this.rawFields;
    c.decoded = this.decoded;
    return c;
  }
}

function isRawMember(v: unknown): boolean {
  return isPlainObject(v) && (Object.hasOwn(v, '.') || Object.keys(v).length === 0);
}

function rawContainsAll(raw: Record<string, unknown>, x: FieldSet): boolean {
  for (const m of x.members) if (!isRawMember(raw[m])) return false;
  for (const [pe, c] of x.children) {
    const v = raw[pe];
    if (!isPlainObject(v) || !rawContainsAll(v, c)) return false;
  }
  return true;
}

function rawTouches(raw: Record<string, unknown>, x: FieldSet): boolean {
  for (const m of x.members) {
    if (isRawMember(raw[m])) return true;
  }
  for (const [pe, c] of x.children) {
    const v = raw[pe];
    if (isPlainObject(v) && rawTouches(v, c)) return true;
  }
  return false;
}

/** Managers by identifier. */
export type Managers = Map<string, ManagerState>;

export class ManagedFieldsError extends Error {
  override readonly name = 'ManagedFieldsError';
}

/**
 * Decodes `metadata.managedFields` (absent or null: no managers). Entries are checked as upstream
 * does (operation, apiVersion, fieldsType); with `eager`, every fieldsV1 is parsed now (for entries
 * a client sent), otherwise on first use (for entries we stored ourselves). Throws
 * `ManagedFieldsError` with upstream's message for a bad entry. Later duplicates win.
 */
export function decodeManagedFields(entries: unknown, eager: boolean): Managers {
  const managers: Managers = new Map();
  if (entries === undefined || entries === null) return managers;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  for (let i = 0; i < entries.length; i++) {
    const e: unknown = entries[i];
    if (!isPlainObject(e))
      throw new ManagedFieldsError(`managed fields entry ${i} must be an object`);
    const operation = e['operation'];
    if (operation !== 'Apply' && operation !== 'Update') {
      throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    }
    const apiVersion = e['apiVersion'];
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      throw new ManagedFieldsError('apiVersion must not be empty');
    }
    const fieldsType = e['fieldsType'];
    if (fieldsType === undefined || fieldsType === null || fieldsType === '') {
      throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    }
    if (fieldsType !== 'FieldsV1') {
      throw new ManagedFieldsError(
        `invalid fieldsType ${goQuote(typeof fieldsType === 'string' ? fieldsType : JSON.stringify(fieldsType))} in managed fields entry ${i}`,
      );
    }
    const manager = typeof e['manager'] === 'string' ? e['manager'] : '';
    const subresource = typeof e['subresource'] === 'string' ? e['subresource'] : '';
    const time = typeof e['time'] === 'string' ? e['time'] : undefined;
    const info: ManagerInfo = { manager, operation, apiVersion, subresource };
    const fieldsV1 = e['fieldsV1'] ?? {};
    let state: ManagerState;
    if (eager) {
      let set: FieldSet;
      try {
        set = decodeFieldsV1(fieldsV1);
      } catch (err) {
        if (err instanceof FieldsV1Error) {
          throw new ManagedFieldsError(`error decoding set: ${err.message}`);
        }
        throw err;
      }
      state = new ManagerState(info, { set, time });
    } else {
      if (!isPlainObject(fieldsV1)) {
        throw new ManagedFieldsError('error decoding set: fieldsV1 must be a JSON object');
      }
      state = new ManagerState(info, { raw: e });
    }
    managers.set(state.id, state);
  }
  return managers;
}

/** Copies the map and its states, so a computation can change them without touching the input. */
export function copyManagers(m: Managers): Managers {
  const out: Managers = new Map();
  for (const [id, s] of m) out.set(id, s.copy());
  return out;
}

/**
 * The entries to store, in upstream's order: by operation (Apply first), time (seconds), manager,
 * apiVersion, subresource. Managers owning nothing are left out.
 */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const states = [...managers.values()].filter((s) => !s.isEmpty());
  states.sort(
    (p, q) =>
      compareStrings(p.operation, q.operation) ||
      timeSeconds(p.time) - timeSeconds(q.time) ||
      compareStrings(p.manager, q.manager) ||
      compareStrings(p.apiVersion, q.apiVersion) ||
      compareStrings(p.subresource, q.subresource),
  );
  return states.map((s) => s.toEntry());
}

/** Whether a request's managedFields asks for a reset: `[]`, or one entry with nothing set. */
export function isResetManagedFields(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return true;
  if (v.length !== 1) return false;
  const e: unknown = v[0];
  if (!isPlainObject(e)) return false;
  return Object.values(e).every((x) => x === undefined || x === null || x === '');
}

export function timeSeconds(t: string | undefined): number {
  if (t === undefined) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** Name of the bucket older Update managers are merged into. */
export const ancientChangesManager = 'ancient-changes';

/** Upstream's default limit of Update entries per object. */
export const defaultMaxUpdateManagers = 10;

/**
 * Caps the number of Update managers as upstream does: while there are more than `max`, the
 * oldest ones (by time, then identifier) are merged, per apiVersion, into one `ancient-changes`
 * entry. Apply managers are never merged.
 */
export function capUpdateManagers(managers: Managers, max: number): void {
  const updaters = [...managers.values()].filter((s) => s.operation === 'Update').map((s) => s.id);
  if (updaters.length <= max) return;
  const seconds = (id: string): number => timeSeconds(managers.get(id)?.time);
  updaters.sort((a, b) => seconds(a) - seconds(b) || compareStrings(a, b));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i] as string;
    const state = managers.get(id);
    if (state === undefined) continue;
    const version = state.apiVersion;
    const bucketInfo: ManagerInfo = {
      manager: ancientChangesManager,
      operation: 'Update',
      apiVersion: version,
      subresource: '',
    };
    const bucketId = managerIdentifier(bucketInfo);
    const first = firstByVersion.get(version);
    if (first === undefined || id === bucketId) {
      firstByVersion.set(version, first ?? id);
      continue;
    }
    let bucket = managers.get(bucketId);
    if (bucket === undefined) {
      const f = managers.get(first);
      managers.delete(first);
      bucket = new ManagerState(bucketInfo, { set: f?.set ?? FieldSet.empty, time: f?.time });
      managers.set(bucketId, bucket);
    }
    bucket.set = state.set.union(bucket.set);
    managers.delete(id);
    length--;
    bucket.time = state.time;
  }
}
