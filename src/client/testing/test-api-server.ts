/**
 * A tiny API server for the client's tests: real HTTP on loopback, speaking the Kubernetes REST
 * and watch wire format closely enough for the client to be tested end to end (not against mocks
 * of its own functions). It keeps objects in memory, assigns resourceVersions from one counter,
 * keeps an event history for watches, and has knobs to misbehave: fail requests, cut or end
 * watches, compact history (→ 410 Expired), send bookmarks or ERROR events, split writes.
 *
 * Not a conformance model: selectors support `k=v`, `k!=v` and `k` (labels) and dotted-path
 * equality (fields); strategic merge patch is treated as JSON merge patch.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../util/index.ts';

type Json = Record<string, unknown>;

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

interface Target {
  /** `/api/v1/pods`, `/apis/coordination.k8s.io/v1/leases` */
  readonly collection: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly query: URLSearchParams;
}

interface HistoryEvent {
  readonly rv: number;
  readonly collection: string;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: Json;
}

interface Watcher {
  readonly collection: string;
  readonly namespace: string | undefined;
  readonly matches: (obj: Json) => boolean;
  readonly res: http.ServerResponse;
}

interface Failure {
  readonly match: (req: RecordedRequest) => boolean;
  remaining: number;
  readonly code: number;
  readonly reason: string;
}

function meta(obj: Json): Json {
  const m = obj['metadata'];
  if (typeof m === 'object' && m !== null && !Array.isArray(m)) return m as Json;
  const fresh: Json = {};
  obj['metadata'] = fresh;
  return fresh;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function objectKey(obj: Json): string {
  const m = meta(obj);
  const ns = str(m['namespace']);
  const name = str(m['name']) ?? '';
  return ns ? `${ns}/${name}` : name;
}

export function statusBody(code: number, reason: string, message: string): Json {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out = new Map<string, unknown>(
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? Object.entries(target)
      : [],
  );
  for (const [k, v] of Object.entries(patch as Json)) {
    if (v === null) out.delete(k);
    else out.set(k, mergePatch(out.get(k), v));
  }
  return Object.fromEntries(out);
}

function fieldValue(obj: Json, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[part];
  }
  return typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean'
    ? String(cur)
    : undefined;
}

function selectorMatcher(
  labelSelector: string | null,
  fieldSelector: string | null,
): (o: Json) => boolean {
  const labelReqs = (labelSelector ?? '').split(',').filter((s) => s.trim() !== '');
  const fieldReqs = (fieldSelector ?? '').split(',').filter((s) => s.trim() !== '');
  return (o) => {
    const labels = (meta(o)['labels'] ?? {}) as Record<string, string>;
    for (const req of labelReqs) {
      const ne = req.split('!=');
      const eq = req.split('=');
      if (ne.length === 2) {
        if (labels[ne[0]!.trim()] === ne[1]!.trim()) return false;
      } else if (eq.length === 2) {
        if (labels[eq[0]!.trim()] !== eq[1]!.trim()) return false;
      } else if (!(req.trim() in labels)) return false;
    }
    for (const req of fieldReqs) {
      const ne = req.split('!=');
      const eq = req.split('=');
      if (ne.length === 2) {
        if (fieldValue(o, ne[0]!.trim()) === ne[1]!.trim()) return false;
      } else if (eq.length === 2 && fieldValue(o, eq[0]!.trim()) !== eq[1]!.trim()) return false;
    }
    return true;
  };
}

export class TestApiServer {
  private server: http.Server | undefined;
  private readonly collections = new Map<string, Map<string, Json>>();
  private readonly history: HistoryEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly failures: Failure[] = [];
  private rv = 100;
  private compactedRv = 0;
  private uidSeq = 0;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Write watch events in pieces of at most this many bytes (0: whole). */
  splitWritesAt = 0;
  /** While true, watch requests get no answer until `releaseWatches()`. */
  holdWatches = false;
  private held: (() => void)[] = [];
  url = '';

  async start(): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req, res, Buffer.concat(chunks).toString('utf8'));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    for (const h of this.held.splice(0)) h();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }

  /** The current resourceVersion. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Requests whose URL contains `fragment` (and method, if given). */
  requestsMatching(fragment: string, method?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.url.includes(fragment) && (!method || r.method === method),
    );
  }

  /** The next `count` requests matching `match` get a failure Status with `code`/`reason`. */
  failNext(
    match: (req: RecordedRequest) => boolean,
    count: number,
    code = 503,
    reason = 'ServiceUnavailable',
  ): void {
    this.failures.push({ match, remaining: count, code, reason });
  }

  /** Stops failing requests. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  /** Stored objects of a collection (`/api/v1/pods`). */
  objects(collection: string): Json[] {
    return [...(this.collections.get(collection)?.values() ?? [])];
  }

  object(collection: string, key: string): Json | undefined {
    return this.collections.get(collection)?.get(key);
  }

  /** Inserts objects directly (no HTTP), recording ADDED events. */
  seed(collection: string, objects: readonly object[]): void {
    for (const o of objects) this.write(collection, 'ADDED', structuredClone(o) as Json);
  }

  /** Changes or deletes an object directly, recording the event. */
  mutate(collection: string, key: string, fn: (obj: Json) => Json | undefined): void {
    const cur = this.collections.get(collection)?.get(key);
    if (!cur) throw new Error(`no ${collection} ${key}`);
    const next = fn(structuredClone(cur));
    if (next === undefined) this.remove(collection, key);
    else this.write(collection, 'MODIFIED', next);
  }

  /** Forgets history up to now: watches from older versions get 410 Expired. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
  }

  /** Cuts every open watch connection (no clean end of the chunked body). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  /** Ends every open watch cleanly (as a server-side timeout does). */
  endWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Lets watches answer again after `holdWatches` was set (and answers those held). */
  releaseWatches(): void {
    this.holdWatches = false;
    for (const h of this.held.splice(0)) h();
  }

  openWatches(): number {
    return this.watchers.size;
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watch. */
  bookmark(): void {
    for (const w of this.watchers) {
      this.send(w.res, {
        type: 'BOOKMARK',
        object: {
          kind: 'Bookmark',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(this.rv) },
        },
      });
    }
  }

  /** Sends an ERROR event with a Status to every watch, then ends them. */
  watchError(code: number, reason: string, message: string): void {
    for (const w of this.watchers) {
      this.send(w.res, { type: 'ERROR', object: statusBody(code, reason, message) });
      w.res.end();
    }
    this.watchers.clear();
  }

  private send(res: http.ServerResponse, event: Json): void {
    const line = Buffer.from(JSON.stringify(event) + '\n');
    if (this.splitWritesAt <= 0) {
      res.write(line);
      return;
    }
    for (let i = 0; i < line.length; i += this.splitWritesAt) {
      res.write(line.subarray(i, i + this.splitWritesAt));
    }
  }

  private write(collection: string, type: 'ADDED' | 'MODIFIED', obj: Json): Json {
    const m = meta(obj);
    this.rv++;
    m['resourceVersion'] = String(this.rv);
    if (type === 'ADDED') {
      m['uid'] ??= `uid-${++this.uidSeq}`;
      m['creationTimestamp'] ??= '2026-01-01T00:00:00Z';
    }
    let objects = this.collections.get(collection);
    if (!objects) {
      objects = new Map();
      this.collections.set(collection, objects);
    }
    objects.set(objectKey(obj), obj);
    this.emit({ rv: this.rv, collection, type, object: obj });
    return obj;
  }

  private remove(collection: string, key: string): Json | undefined {
    const objects = this.collections.get(collection);
    const obj = objects?.get(key);
    if (!objects || !obj) return undefined;
    objects.delete(key);
    this.rv++;
    const gone = structuredClone(obj);
    meta(gone)['resourceVersion'] = String(this.rv);
    this.emit({ rv: this.rv, collection, type: 'DELETED', object: gone });
    return gone;
  }

  private emit(e: HistoryEvent): void {
    this.history.push(e);
    for (const w of this.watchers) {
      if (this.watcherWants(w, e)) this.send(w.res, { type: e.type, object: e.object });
    }
  }

  private watcherWants(w: Watcher, e: HistoryEvent): boolean {
    if (e.collection !== w.collection) return false;
    if (w.namespace !== undefined && meta(e.object)['namespace'] !== w.namespace) return false;
    return w.matches(e.object);
  }

  private parse(url: string): Target | undefined {
    const u = new URL(url, 'http://x');
    const segs = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let prefix: string;
    let rest: string[];
    if (segs[0] === 'api' && segs.length >= 2) {
      prefix = `/api/${segs[1]}`;
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length >= 3) {
      prefix = `/apis/${segs[1]}/${segs[2]}`;
      rest = segs.slice(3);
    } else {
      return undefined;
    }
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      return {
        collection: `${prefix}/${rest[2]}`,
        namespace: rest[1],
        name: rest[3],
        subresource: rest[4],
        query: u.searchParams,
      };
    }
    if (rest.length === 0) return undefined;
    return {
      collection: `${prefix}/${rest[0]}`,
      namespace: undefined,
      name: rest[1],
      subresource: rest[2],
      query: u.searchParams,
    };
  }

  private reply(res: http.ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private fail(res: http.ServerResponse, code: number, reason: string, message: string): void {
    this.reply(res, code, statusBody(code, reason, message));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
    };
    this.requests.push(rec);
    const failure = this.failures.find((f) => f.remaining > 0 && f.match(rec));
    if (failure) {
      failure.remaining--;
      this.fail(res, failure.code, failure.reason, `injected failure ${failure.code}`);
      return;
    }
    const t = this.parse(rec.url);
    if (!t) {
      this.fail(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    try {
      this.route(rec, t, res);
    } catch (err) {
      this.fail(res, 400, 'BadRequest', errorMessage(err));
    }
  }

  private route(req: RecordedRequest, t: Target, res: http.ServerResponse): void {
    const objects = this.collections.get(t.collection) ?? new Map<string, Json>();
    const key =
      t.name === undefined ? undefined : t.namespace ? `${t.namespace}/${t.name}` : t.name;
    switch (req.method) {
      case 'GET': {
        if (key === undefined) {
          if (t.query.get('watch') === 'true') this.watch(t, res);
          else this.list(t, objects, res);
          return;
        }
        const obj = objects.get(key);
        if (!obj) {
          this.fail(res, 404, 'NotFound', `"${t.name}" not found`);
          return;
        }
        this.reply(res, 200, obj);
        return;
      }
      case 'POST': {
        if (key !== undefined) {
          // Subresource create (binding, ...): echo it back.
          this.reply(res, 201, JSON.parse(req.body) as unknown);
          return;
        }
        const obj = JSON.parse(req.body) as Json;
        const m = meta(obj);
        if (t.namespace) m['namespace'] = t.namespace;
        if (!m['name'] && typeof m['generateName'] === 'string') {
          m['name'] = `${m['generateName']}${(++this.uidSeq).toString(36)}`;
        }
        if (objects.has(objectKey(obj))) {
          this.fail(res, 409, 'AlreadyExists', `"${String(m['name'])}" already exists`);
          return;
        }
        delete m['resourceVersion'];
        this.reply(res, 201, this.write(t.collection, 'ADDED', obj));
        return;
      }
      case 'PUT': {
        if (key === undefined) {
          this.fail(res, 405, 'MethodNotAllowed', 'PUT on a collection');
          return;
        }
        const cur = objects.get(key);
        if (!cur) {
          this.fail(res, 404, 'NotFound', `"${t.name}" not found`);
          return;
        }
        const obj = JSON.parse(req.body) as Json;
        const sentRv = str(meta(obj)['resourceVersion']);
        if (sentRv && sentRv !== meta(cur)['resourceVersion']) {
          this.fail(
            res,
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${t.collection} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`,
          );
          return;
        }
        const next =
          t.subresource === 'status' ? { ...structuredClone(cur), status: obj['status'] } : obj;
        meta(next)['uid'] = meta(cur)['uid'];
        meta(next)['creationTimestamp'] = meta(cur)['creationTimestamp'];
        if (t.namespace) meta(next)['namespace'] = t.namespace;
        this.reply(res, 200, this.write(t.collection, 'MODIFIED', next));
        return;
      }
      case 'PATCH': {
        if (key === undefined) {
          this.fail(res, 405, 'MethodNotAllowed', 'PATCH on a collection');
          return;
        }
        const patch = JSON.parse(req.body) as unknown;
        const cur = objects.get(key);
        const type = req.headers['content-type'] ?? '';
        if (!cur) {
          if (type !== 'application/apply-patch+yaml') {
            this.fail(res, 404, 'NotFound', `"${t.name}" not found`);
            return;
          }
          const obj = patch as Json;
          if (t.namespace) meta(obj)['namespace'] = t.namespace;
          this.reply(res, 201, this.write(t.collection, 'ADDED', obj));
          return;
        }
        if (type === 'application/json-patch+json') {
          this.fail(res, 415, 'UnsupportedMediaType', 'json patch is not supported here');
          return;
        }
        const next = mergePatch(structuredClone(cur), patch) as Json;
        this.reply(res, 200, this.write(t.collection, 'MODIFIED', next));
        return;
      }
      case 'DELETE': {
        if (key === undefined) {
          const match = selectorMatcher(t.query.get('labelSelector'), t.query.get('fieldSelector'));
          for (const [k, o] of [...objects]) {
            if ((t.namespace === undefined || meta(o)['namespace'] === t.namespace) && match(o)) {
              this.remove(t.collection, k);
            }
          }
          this.reply(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
          return;
        }
        const gone = this.remove(t.collection, key);
        if (!gone) {
          this.fail(res, 404, 'NotFound', `"${t.name}" not found`);
          return;
        }
        this.reply(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Success',
          details: { name: t.name, uid: meta(gone)['uid'] },
        });
        return;
      }
      default: {
        this.fail(res, 405, 'MethodNotAllowed', `${req.method} not allowed`);
        return;
      }
    }
  }

  private list(t: Target, objects: Map<string, Json>, res: http.ServerResponse): void {
    const match = selectorMatcher(t.query.get('labelSelector'), t.query.get('fieldSelector'));
    const limit = Number(t.query.get('limit') ?? '0');
    const cont = t.query.get('continue');
    let after = '';
    let listRv = this.rv;
    if (cont) {
      const token = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')) as {
        rv: number;
        after: string;
      };
      if (token.rv < this.compactedRv) {
        this.fail(
          res,
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result.',
        );
        return;
      }
      after = token.after;
      listRv = token.rv;
    }
    const keys = [...objects.keys()].sort();
    const items: Json[] = [];
    let next: string | undefined;
    for (const k of keys) {
      if (k <= after) continue;
      const o = objects.get(k)!;
      if (t.namespace !== undefined && meta(o)['namespace'] !== t.namespace) continue;
      if (!match(o)) continue;
      if (limit > 0 && items.length === limit) {
        next = Buffer.from(
          JSON.stringify({ rv: listRv, after: objectKey(items[items.length - 1]!) }),
        ).toString('base64');
        break;
      }
      // Lists omit kind and apiVersion on items, as the real API does.
      const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
      items.push(rest);
    }
    const resource = t.collection.split('/').pop() ?? '';
    const kind =
      resource === 'leases' ? 'LeaseList' : resource === 'events' ? 'EventList' : 'PodList';
    const apiVersion = t.collection.startsWith('/api/')
      ? 'v1'
      : t.collection.split('/').slice(2, 4).join('/');
    this.reply(res, 200, {
      kind,
      apiVersion,
      metadata: { resourceVersion: String(listRv), ...(next ? { continue: next } : {}) },
      items,
    });
  }

  private watch(t: Target, res: http.ServerResponse): void {
    const start = (): void => {
      if (res.destroyed) return;
      const rvParam = t.query.get('resourceVersion');
      const from = rvParam ? Number(rvParam) : 0;
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      if (from > 0 && from < this.compactedRv) {
        this.send(res, {
          type: 'ERROR',
          object: statusBody(
            410,
            'Expired',
            `too old resource version: ${from} (${this.compactedRv})`,
          ),
        });
        res.end();
        return;
      }
      const w: Watcher = {
        collection: t.collection,
        namespace: t.namespace,
        matches: selectorMatcher(t.query.get('labelSelector'), t.query.get('fieldSelector')),
        res,
      };
      if (from === 0) {
        for (const o of this.collections.get(t.collection)?.values() ?? []) {
          if ((w.namespace === undefined || meta(o)['namespace'] === w.namespace) && w.matches(o)) {
            this.send(res, { type: 'ADDED', object: o });
          }
        }
      } else {
        for (const e of this.history)
          if (e.rv > from && this.watcherWants(w, e))
            this.send(res, { type: e.type, object: e.object });
      }
      this.watchers.add(w);
      res.on('close', () => this.watchers.delete(w));
    };
    if (this.holdWatches) this.held.push(start);
    else start();
  }
}

/**
 * Polls `cond` until it holds, letting I/O run between polls; with a FakeClock, steps it by
 * `stepMs` each round so timers (back-off, delays) fire. Throws after `rounds` polls.
 */
export async function eventually(
  cond: () => boolean,
  opts: { clock?: { step(ms: number): Promise<void> }; stepMs?: number; rounds?: number } = {},
): Promise<void> {
  const rounds = opts.rounds ?? 2000;
  for (let i = 0; i < rounds; i++) {
    if (cond()) return;
    if (opts.clock) await opts.clock.step(opts.stepMs ?? 100);
    await new Promise((r) => setTimeout(r, 2));
  }
  if (!cond()) throw new Error('condition not met in time');
}
