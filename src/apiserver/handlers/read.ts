/**
 * GET, LIST and WATCH. Reads are served from the watch cache; only a LIST page at an older exact
 * revision (a `continue` token after the data moved on, or resourceVersionMatch=Exact) reads the
 * store's history.
 *
 * resourceVersion semantics, as upstream:
 *   LIST  unset: the latest (consistent) | "0": any | N: not older than N | N + Exact or continue: exactly N
 *   WATCH unset or "0": synthetic ADDED events for the current state, then changes | N: changes after N
 */
import type { KubeObject } from '../../api/index.ts';
import { isStoreError, type KeyValue } from '../../store/index.ts';
import { ApiError, badRequest, gone, notAcceptable, notFound } from '../errors.ts';
import { negotiateOutput, type OutputFormat } from '../negotiation.ts';
import {
  CachedObject,
  TooOldResourceVersionError,
  decodeStored,
  type CacheEvent,
} from '../storage/watch-cache.ts';
import type { HandlerContext } from './context.ts';
import {
  type IncludeObject,
  listJson,
  metadataListJson,
  partialMetadata,
  sendEncoded,
  tableJson,
  tableRow,
} from './respond.ts';

function outputFormat(ctx: HandlerContext): OutputFormat {
  const format = negotiateOutput(ctx.req.header('accept'), { tables: true });
  if (!format) throw notAcceptable();
  return format;
}

function includeObject(ctx: HandlerContext): IncludeObject {
  const v = ctx.info.query.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`invalid includeObject value: ${v}`);
}

export function handleGet(ctx: HandlerContext): void {
  const format = outputFormat(ctx);
  const { info, storage } = ctx;
  const cached = storage.getCached(info.namespace, info.name);
  if (!cached) throw notFound(storage.qualified, info.name);
  if (format.representation === 'table') {
    const convertor = ctx.services.tableFor(ctx.def);
    const json = tableJson({
      rows: [tableRow(cached.object, convertor, includeObject(ctx), ctx.services.clock.now())],
      columns: convertor.columns,
      resourceVersion: cached.object.metadata?.resourceVersion ?? '',
    });
    sendEncoded(ctx.res, 200, json, format);
    return;
  }
  if (format.representation === 'partial-metadata') {
    sendEncoded(ctx.res, 200, JSON.stringify(partialMetadata(cached.object)), format);
    return;
  }
  sendEncoded(ctx.res, 200, cached.json(), format);
}

interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start }),
  ).toString('base64url');
}

function decodeContinue(raw: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as {
      v?: unknown;
      rv?: unknown;
      start?: unknown;
    };
    if (
      parsed.v !== 'meta.k8s.io/v1' ||
      typeof parsed.rv !== 'number' ||
      typeof parsed.start !== 'string'
    ) {
      throw new Error('malformed token');
    }
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

function parseLimit(raw: string | null): number {
  if (raw === null || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit: ${raw}`);
  return n;
}

function parseRv(raw: string | null, what: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw badRequest(`invalid resource version: ${raw}`, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${raw}": ${what}`,
        field: 'resourceVersion',
      },
    ]);
  }
  return n;
}

function timeoutError(): ApiError {
  return new ApiError(504, 'Timeout', 'Too large resource version', {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/** Waits until the cache has seen `rv`; a resourceVersion in the future gives upstream's 504. */
async function waitFresh(ctx: HandlerContext, rv: number): Promise<void> {
  try {
    await ctx.services.cache.waitUntilFresh(rv);
  } catch {
    throw timeoutError();
  }
}

export async function handleList(ctx: HandlerContext): Promise<void> {
  const format = outputFormat(ctx);
  const { info, storage, def, services } = ctx;
  const q = info.query;
  const filter = services.buildFilter(def, q.get('labelSelector'), q.get('fieldSelector'));
  const limit = parseLimit(q.get('limit'));
  const rvParam = q.get('resourceVersion');
  const rv = parseRv(rvParam, 'must be a valid resource version');
  const match = q.get('resourceVersionMatch') ?? '';
  const continueRaw = q.get('continue') ?? '';
  if (match && match !== 'NotOlderThan' && match !== 'Exact') {
    throw badRequest(`invalid resourceVersionMatch: ${match}`);
  }
  if (match && rv === undefined) {
    throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (continueRaw && rvParam !== null && rvParam !== '' && rvParam !== '0') {
    throw badRequest('specifying resource version is not allowed when using continue');
  }
  const prefix = def.namespaced && info.namespace ? `${info.namespace}/` : '';

  let items: CachedObject[];
  let listRv: number;
  let more = false;
  let remaining: number | undefined;
  let exactRv: number | undefined;
  let startAfter = '';
  if (continueRaw) {
    const token = decodeContinue(continueRaw);
    exactRv = token.rv;
    startAfter = prefix + token.start;
  } else if (rv !== undefined && rv !== 0 && (match === 'Exact' || (limit > 0 && match === ''))) {
    exactRv = rv;
  }

  if (exactRv !== undefined && exactRv !== services.cache.revision) {
    // An older snapshot: page through the store's history at exactly that revision.
    ({ items, more } = await listFromStore(ctx, prefix, exactRv, startAfter, limit, filter));
    listRv = exactRv;
  } else {
    if (rv === undefined && exactRv === undefined) {
      await waitFresh(ctx, await services.store.currentRevision());
    } else if (rv !== undefined && rv > 0) {
      await waitFresh(ctx, rv);
    }
    listRv = services.cache.revision;
    const all = storage.cache.list(prefix, startAfter);
    if (!filter && limit > 0 && all.length > limit) {
      items = all.slice(0, limit);
      more = true;
      remaining = all.length - limit;
    } else if (filter) {
      items = [];
      for (const o of all) {
        if (!filter(o.object)) continue;
        if (limit > 0 && items.length === limit) {
          more = true;
          break;
        }
        items.push(o);
      }
    } else {
      items = all;
    }
  }
  const last = items[items.length - 1];
  const continueToken =
    more && last ? encodeContinue({ rv: listRv, start: last.key.slice(prefix.length) }) : undefined;
  const base = {
    resourceVersion: String(listRv),
    ...(continueToken ? { continueToken } : {}),
  };
  if (format.representation === 'table') {
    const convertor = services.tableFor(def);
    const include = includeObject(ctx);
    const now = services.clock.now();
    const json = tableJson({
      ...base,
      ...(remaining !== undefined ? { remaining } : {}),
      columns: convertor.columns,
      rows: items.map((i) => tableRow(i.object, convertor, include, now)),
    });
    sendEncoded(ctx.res, 200, json, format);
    return;
  }
  if (format.representation === 'partial-metadata') {
    sendEncoded(ctx.res, 200, metadataListJson({ ...base, items }), format);
    return;
  }
  sendEncoded(
    ctx.res,
    200,
    listJson({ ...base, ...(remaining !== undefined ? { remaining } : {}), def, items }),
    format,
  );
}

async function listFromStore(
  ctx: HandlerContext,
  prefix: string,
  revision: number,
  startAfter: string,
  limit: number,
  filter: ((o: KubeObject) => boolean) | undefined,
): Promise<{ items: CachedObject[]; more: boolean }> {
  const base = ctx.storage.storePrefix();
  const items: CachedObject[] = [];
  let after = startAfter ? base + startAfter : '';
  for (;;) {
    let page;
    try {
      page = await ctx.services.store.list(base + prefix, {
        revision,
        ...(after ? { startAfter: after } : {}),
        ...(limit > 0 ? { limit: Math.max(limit, 100) } : {}),
      });
    } catch (err) {
      if (isStoreError(err, 'Compacted')) {
        throw gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      throw err;
    }
    let kv: KeyValue | undefined;
    for (kv of page.items) {
      const obj = decodeStored(kv);
      if (filter && !filter(obj)) continue;
      if (limit > 0 && items.length === limit) return { items, more: true };
      items.push(new CachedObject(kv.key.slice(base.length), obj, kv.modRevision));
    }
    if (!page.more || !kv) return { items, more: false };
    after = kv.key;
  }
}

/** Bytes a watcher may fall behind by before we close it (it re-lists and resumes). */
const maxWatchBacklog = 16 * 1024 * 1024;
const bookmarkIntervalMs = 60_000;

export function handleWatch(ctx: HandlerContext): void {
  const format = outputFormat(ctx);
  const { info, storage, def, services, req } = ctx;
  const q = info.query;
  const filter = services.buildFilter(def, q.get('labelSelector'), q.get('fieldSelector'));
  const rv = parseRv(q.get('resourceVersion'), 'must be a valid resource version');
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const sendInitialEvents = q.get('sendInitialEvents') === 'true';
  const timeoutRaw = q.get('timeoutSeconds');
  let timeoutSeconds = timeoutRaw ? Number(timeoutRaw) : 1800 + Math.floor(Math.random() * 1800);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)
    throw badRequest(`invalid timeoutSeconds: ${timeoutRaw ?? ''}`);
  if (timeoutSeconds === 0) timeoutSeconds = 1800;
  if (sendInitialEvents && (q.get('resourceVersionMatch') !== 'NotOlderThan' || !bookmarks)) {
    throw badRequest(
      'sendInitialEvents is forbidden unless resourceVersionMatch=NotOlderThan and allowWatchBookmarks=true',
    );
  }
  const namespacePrefix = def.namespaced && info.namespace ? `${info.namespace}/` : '';
  const nameFilter = info.name;
  const matches = (o: CachedObject): boolean =>
    (!namespacePrefix || o.key.startsWith(namespacePrefix)) &&
    (!nameFilter || o.object.metadata?.name === nameFilter) &&
    (!filter || filter(o.object));

  const table = format.representation === 'table' ? services.tableFor(def) : undefined;
  const include = table ? includeObject(ctx) : 'Object';
  let sentColumns = false;
  const contentType = table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json';
  const stream = ctx.res.stream(200, {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
  });

  const encodeObject = (o: CachedObject): string => {
    if (table) {
      const json = tableJson({
        rows: [tableRow(o.object, table, include, services.clock.now())],
        columns: sentColumns ? undefined : table.columns,
        resourceVersion: o.object.metadata?.resourceVersion ?? '',
      });
      sentColumns = true;
      return json;
    }
    if (format.representation === 'partial-metadata')
      return JSON.stringify(partialMetadata(o.object));
    return o.json();
  };
  let lastRv = 0;
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  const timers: (() => void)[] = [];
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    for (const t of timers) t();
    stream.end();
  };
  const send = (type: string, objJson: string): void => {
    if (closed) return;
    if (stream.closed) {
      close();
      return;
    }
    stream.write(`{"type":"${type}","object":${objJson}}\n`);
    if (stream.buffered() > maxWatchBacklog) {
      services.logger.warn('closing a watch that is not keeping up', {
        resource: def.resource,
        user: req.user.name,
      });
      close();
    }
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const meta: Record<string, unknown> = {
      resourceVersion: String(Math.max(lastRv, services.cache.revision)),
    };
    if (annotations) meta['annotations'] = annotations;
    send(
      'BOOKMARK',
      JSON.stringify({
        kind: def.kind,
        apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
        metadata: meta,
      }),
    );
  };
  const onEvents = (events: readonly CacheEvent[]): void => {
    for (const e of events) {
      lastRv = e.revision;
      const now = matches(e.object);
      const before = e.prev ? matches(e.prev) : false;
      if (e.type === 'DELETED') {
        if (before || now) send('DELETED', encodeObject(e.object));
      } else if (now) {
        send(before ? 'MODIFIED' : 'ADDED', encodeObject(e.object));
      } else if (before) {
        // The object left the selection: upstream reports it as deleted.
        send('DELETED', encodeObject(e.object));
      }
    }
  };

  req.signal.addEventListener('abort', close, { once: true });
  timers.push(
    services.clock.setTimeout(() => {
      if (bookmarks) bookmark();
      close();
    }, timeoutSeconds * 1000),
  );

  const startRv = services.cache.revision;
  if (rv === undefined || rv === 0 || sendInitialEvents) {
    for (const o of storage.cache.list(namespacePrefix)) {
      if (matches(o)) send('ADDED', encodeObject(o));
    }
    lastRv = startRv;
    if (sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
  }
  const from = rv === undefined || rv === 0 || sendInitialEvents ? startRv : rv;
  try {
    unsubscribe = storage.cache.subscribe(from, onEvents);
  } catch (err) {
    if (err instanceof TooOldResourceVersionError) {
      const status = gone(err.message).toStatus();
      send('ERROR', JSON.stringify(status));
      close();
      return;
    }
    throw err;
  }
  if (bookmarks) {
    const tick = (): void => {
      if (closed) return;
      bookmark();
      timers.push(services.clock.setTimeout(tick, bookmarkIntervalMs));
    };
    timers.push(services.clock.setTimeout(tick, bookmarkIntervalMs));
  }
}
