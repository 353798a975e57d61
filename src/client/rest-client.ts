/**
 * The REST client: typed verbs over the API's resource paths, the way client-go's dynamic and typed
 * clients are used. `RestClient` holds the transport and the user agent; `resource(ref)` gives a
 * `ResourceClient` for one resource (`pods`, `leases`, ...) with get/list/create/update/patch/
 * delete/deleteCollection/watch and the subresource calls.
 *
 * Every call takes an optional `signal`. A non-2xx answer throws `ApiStatusError` (see errors.ts);
 * a request that got no answer throws `NetworkError`; nothing is retried here (see retry.ts).
 *
 * Paths: `/api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]` for the core group,
 * `/apis/{group}/{version}/...` for the others.
 */
import { groupVersion, type KubeObject, type List, type Status } from '../api/index.ts';
import { errorFromResponse } from './errors.ts';
import type { Transport, TransportResponse, TransportStream } from './transport.ts';
import { decodeWatchEvents, type WatchEvent } from './watch.ts';

/**
 * Identifies a resource. A `ResourceDef` from the api module satisfies it; so does a literal such
 * as `{ group: 'apps', version: 'v1', resource: 'deployments', namespaced: true }`.
 */
export interface ResourceRef {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural, lower case. */
  readonly resource: string;
  readonly namespaced: boolean;
  /** The kind, used to fill `kind` into list items that lack it. */
  readonly kind?: string;
}

/** coordination.k8s.io/v1 leases (leader election, node heartbeats). */
export const leasesResource: ResourceRef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  namespaced: true,
  kind: 'Lease',
};

/** core/v1 events. */
export const eventsResource: ResourceRef = {
  group: '',
  version: 'v1',
  resource: 'events',
  namespaced: true,
  kind: 'Event',
};

export type QueryValue = string | number | boolean | undefined;

/** Builds `?a=1&b=2`, leaving out undefined values; '' when nothing is left. */
export function buildQuery(params: Readonly<Record<string, QueryValue>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The path of a resource collection, object or subresource (no query). */
export function resourcePath(
  ref: ResourceRef,
  where: {
    namespace?: string | undefined;
    name?: string | undefined;
    subresource?: string | undefined;
  } = {},
): string {
  let p = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  if (ref.namespaced && where.namespace) p += `/namespaces/${encodeURIComponent(where.namespace)}`;
  p += `/${ref.resource}`;
  if (where.name !== undefined) {
    p += `/${encodeURIComponent(where.name)}`;
    if (where.subresource) p += `/${where.subresource}`;
  }
  return p;
}

/** Options every call takes. Aborting `signal` cancels the request (the call rejects with its reason). */
export interface RequestOptions {
  readonly signal?: AbortSignal;
}

/** GET of one object. */
export interface GetOptions extends RequestOptions {
  readonly namespace?: string;
  /** '' (default): the latest; '0': any cached version. */
  readonly resourceVersion?: string;
}

/** Server-side filtering of list, watch and deleteCollection. */
export interface SelectorOptions {
  /** Label selector in the API's syntax: `app=web,tier!=db,env in (a,b)`. */
  readonly labelSelector?: string;
  /** Field selector: `spec.nodeName=node1,status.phase!=Succeeded`. */
  readonly fieldSelector?: string;
}

/** LIST: one page with `limit`, the next with its `continue` token; everything without `limit`. */
export interface ListOptions extends RequestOptions, SelectorOptions {
  /** Omitted: all namespaces (namespaced resources). */
  readonly namespace?: string;
  /** Page size; the answer carries `metadata.continue` when more remain. */
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  readonly timeoutSeconds?: number;
}

/** WATCH: start after `resourceVersion` (from a LIST or the last event seen). */
export interface WatchOptions extends RequestOptions, SelectorOptions {
  readonly namespace?: string;
  /** Start after this version; omitted or '0' starts with synthetic ADDED events for all objects. */
  readonly resourceVersion?: string;
  /** Default true. */
  readonly allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long (it picks 30–60 min when omitted). */
  readonly timeoutSeconds?: number;
  readonly sendInitialEvents?: boolean;
  readonly resourceVersionMatch?: 'NotOlderThan';
}

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** create, update, updateStatus and patch. */
export interface WriteOptions extends RequestOptions {
  /** Defaults to the object's `metadata.namespace` for create/update. */
  readonly namespace?: string;
  /** Run admission and validation without persisting. */
  readonly dryRun?: boolean;
  readonly fieldManager?: string;
  readonly fieldValidation?: FieldValidation;
}

/**
 * `json` (RFC 6902), `merge` (RFC 7386), `strategic` (Kubernetes strategic merge), `apply`
 * (server-side apply: the body is the applied configuration; `fieldManager` is required).
 */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const patchContentTypes: Readonly<Record<PatchType, string>> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** patch: `fieldManager` is required by the server for `apply`. */
export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  readonly force?: boolean;
  /** Patch a subresource (`status`, `scale`) instead of the object. */
  readonly subresource?: string;
}

/** Server-side apply: who applies (`fieldManager`), and whether to force conflicts. */
export interface ApplyOptions extends Omit<PatchOptions, 'fieldManager'> {
  readonly fieldManager: string;
}

/** delete: sent as a `DeleteOptions` body (`gracePeriodSeconds: 0` deletes at once). */
export interface DeleteRequestOptions extends RequestOptions {
  readonly namespace?: string;
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly dryRun?: boolean;
}

/** deleteCollection: which objects (selectors, namespace) and how (DeleteOptions). */
export interface DeleteCollectionOptions extends DeleteRequestOptions, SelectorOptions {}

/** Subresource calls (`log`, `binding`, `status`, `scale`, `eviction`). */
export interface SubresourceOptions extends RequestOptions {
  readonly namespace?: string;
  /** Extra query parameters (`container`, `tailLines`, `follow`, ...). */
  readonly query?: Readonly<Record<string, QueryValue>>;
}

/** One per component and server: the transport to use and how to introduce ourselves. */
export interface RestClientOptions {
  readonly transport: Transport;
  /** Sent as `User-Agent`, e.g. `podbay-kubelet/0.1.0`. Default `podbay`. */
  readonly userAgent?: string;
}

/** One raw call, for paths outside the resource verbs (discovery, /version, logs). */
export interface RawRequest extends RequestOptions {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly body?: Buffer | string;
  readonly contentType?: string;
  readonly accept?: string;
}

function isRawBody(v: unknown): v is string | Buffer {
  return typeof v === 'string' || Buffer.isBuffer(v);
}

/**
 * The client shared by all resource clients of a component. Stateless apart from its options;
 * safe to use from any number of concurrent callers.
 */
export class RestClient {
  readonly transport: Transport;
  readonly userAgent: string;

  constructor(opts: RestClientOptions) {
    this.transport = opts.transport;
    this.userAgent = opts.userAgent ?? 'podbay';
  }

  /** A client for one resource; cheap, create as many as needed. */
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    return new ResourceClient<T>(this, ref);
  }

  private headers(req: RawRequest): Record<string, string> {
    const h: Record<string, string> = {
      accept: req.accept ?? 'application/json',
      'user-agent': this.userAgent,
    };
    if (req.body !== undefined) h['content-type'] = req.contentType ?? 'application/json';
    return h;
  }

  /** Sends a request; resolves with a 2xx response, throws `ApiStatusError` for any other status. */
  async raw(req: RawRequest): Promise<TransportResponse> {
    const res = await this.transport.request({
      method: req.method,
      path: req.path,
      headers: this.headers(req),
      ...(req.body !== undefined ? { body: req.body } : {}),
      signal: req.signal ?? new AbortController().signal,
    });
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.body);
    return res;
  }

  /** `raw`, with the body parsed as JSON. */
  async json(req: RawRequest): Promise<unknown> {
    const res = await this.raw(req);
    if (res.body.length === 0) return undefined;
    return JSON.parse(res.body.toString('utf8')) as unknown;
  }

  /**
   * Opens a streaming response (watch, log follow). A non-2xx answer is read whole and thrown as
   * `ApiStatusError`; otherwise the caller owns the body (see `TransportStream`).
   */
  async stream(req: RawRequest): Promise<TransportStream> {
    const res = await this.transport.stream({
      method: req.method,
      path: req.path,
      headers: this.headers(req),
      ...(req.body !== undefined ? { body: req.body } : {}),
      signal: req.signal ?? new AbortController().signal,
    });
    if (res.status >= 200 && res.status <= 299) return res;
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c);
    throw errorFromResponse(res.status, Buffer.concat(chunks));
  }
}

/**
 * Typed verbs for one resource. `T` is the object type the caller expects; responses are not
 * validated against it (the server is trusted to send what it serves).
 *
 * Namespaced resources need a namespace for object verbs: `opts.namespace`, else the object's
 * `metadata.namespace` (create/update); a missing one throws `TypeError` before any request.
 * List, watch and deleteCollection without a namespace span all namespaces. For cluster-scoped
 * resources the namespace is ignored.
 */
export class ResourceClient<T extends KubeObject = KubeObject> {
  readonly client: RestClient;
  readonly ref: ResourceRef;

  constructor(client: RestClient, ref: ResourceRef) {
    this.client = client;
    this.ref = ref;
  }

  private objectNamespace(
    op: string,
    given: string | undefined,
    obj?: KubeObject,
  ): string | undefined {
    if (!this.ref.namespaced) return undefined;
    const ns = given ?? obj?.metadata?.namespace;
    if (!ns) throw new TypeError(`${op} ${this.ref.resource}: a namespace is required`);
    return ns;
  }

  private objectName(op: string, obj: KubeObject): string {
    const name = obj.metadata?.name;
    if (!name) throw new TypeError(`${op} ${this.ref.resource}: metadata.name is required`);
    return name;
  }

  private writeQuery(opts: WriteOptions & { force?: boolean }): string {
    return buildQuery({
      dryRun: opts.dryRun ? 'All' : undefined,
      fieldManager: opts.fieldManager,
      fieldValidation: opts.fieldValidation,
      force: opts.force,
    });
  }

  private signalOf(opts: RequestOptions): { signal?: AbortSignal } {
    return opts.signal ? { signal: opts.signal } : {};
  }

  /** GET one object. Throws NotFound when it does not exist. */
  async get(name: string, opts: GetOptions = {}): Promise<T> {
    const ns = this.objectNamespace('get', opts.namespace);
    const path =
      resourcePath(this.ref, { namespace: ns, name }) +
      buildQuery({ resourceVersion: opts.resourceVersion });
    return (await this.client.json({ method: 'GET', path, ...this.signalOf(opts) })) as T;
  }

  /**
   * LIST one page (or everything without `limit`). Items lacking `apiVersion`/`kind` (the API
   * omits them inside lists) get them from the list's own kind, so they can be used as they are.
   */
  async list(opts: ListOptions = {}): Promise<List<T>> {
    const path =
      resourcePath(this.ref, { namespace: this.ref.namespaced ? opts.namespace : undefined }) +
      buildQuery({
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
        timeoutSeconds: opts.timeoutSeconds,
      });
    const list = (await this.client.json({
      method: 'GET',
      path,
      ...this.signalOf(opts),
    })) as List<T>;
    if (!Array.isArray(list.items)) list.items = [];
    const kind = list.kind?.endsWith('List') ? list.kind.slice(0, -4) : this.ref.kind;
    const apiVersion = list.apiVersion ?? groupVersion(this.ref);
    for (const item of list.items) {
      if (item.kind === undefined && kind !== undefined) item.kind = kind;
      if (item.apiVersion === undefined) item.apiVersion = apiVersion;
    }
    return list;
  }

  /** POST a new object; the answer is the object as stored. */
  async create(obj: T, opts: WriteOptions = {}): Promise<T> {
    const ns = this.objectNamespace('create', opts.namespace, obj);
    const path = resourcePath(this.ref, { namespace: ns }) + this.writeQuery(opts);
    return (await this.client.json({
      method: 'POST',
      path,
      body: JSON.stringify(obj),
      ...this.signalOf(opts),
    })) as T;
  }

  /**
   * PUT the whole object. With `metadata.resourceVersion` set this is a compare-and-swap: a stale
   * version throws Conflict (see `retryOnConflict`).
   */
  async update(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put('update', obj, undefined, opts);
  }

  /** PUT through the status subresource: only `status` (and some metadata) changes. */
  async updateStatus(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.put('updateStatus', obj, 'status', opts);
  }

  private async put(
    op: string,
    obj: T,
    subresource: string | undefined,
    opts: WriteOptions,
  ): Promise<T> {
    const ns = this.objectNamespace(op, opts.namespace, obj);
    const name = this.objectName(op, obj);
    const path =
      resourcePath(this.ref, { namespace: ns, name, subresource }) + this.writeQuery(opts);
    return (await this.client.json({
      method: 'PUT',
      path,
      body: JSON.stringify(obj),
      ...this.signalOf(opts),
    })) as T;
  }

  /**
   * PATCH an object. `patch` is sent as is when it is a string or Buffer, else as JSON. For
   * `apply`, pass `fieldManager` (and `force` to take over conflicting fields).
   */
  async patch(name: string, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const ns = this.objectNamespace('patch', opts.namespace);
    const path =
      resourcePath(this.ref, { namespace: ns, name, subresource: opts.subresource }) +
      this.writeQuery(opts);
    return (await this.client.json({
      method: 'PATCH',
      path,
      body: isRawBody(patch) ? patch : JSON.stringify(patch),
      contentType: patchContentTypes[type],
      ...this.signalOf(opts),
    })) as T;
  }

  /** Server-side apply of `obj` (its name and namespace say which object). */
  async apply(obj: T, opts: ApplyOptions): Promise<T> {
    const ns = this.objectNamespace('apply', opts.namespace, obj);
    return this.patch(this.objectName('apply', obj), 'apply', obj, {
      ...opts,
      ...(ns !== undefined ? { namespace: ns } : {}),
    });
  }

  /**
   * DELETE an object. The answer is the object when deletion is graceful or blocked by finalizers
   * (it still exists, with `deletionTimestamp`), otherwise a Success Status.
   */
  async delete(name: string, opts: DeleteRequestOptions = {}): Promise<T | Status> {
    const ns = this.objectNamespace('delete', opts.namespace);
    const path = resourcePath(this.ref, { namespace: ns, name });
    return (await this.client.json({
      method: 'DELETE',
      path,
      body: JSON.stringify(deleteOptionsBody(opts)),
      ...this.signalOf(opts),
    })) as T | Status;
  }

  /** DELETE every object matching the selectors (in one namespace, or all). */
  async deleteCollection(opts: DeleteCollectionOptions = {}): Promise<List<T> | Status> {
    const path =
      resourcePath(this.ref, { namespace: this.ref.namespaced ? opts.namespace : undefined }) +
      buildQuery({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    return (await this.client.json({
      method: 'DELETE',
      path,
      body: JSON.stringify(deleteOptionsBody(opts)),
      ...this.signalOf(opts),
    })) as List<T> | Status;
  }

  /**
   * Starts a watch (`?watch=true`, bookmarks on by default). Resolves once the server accepted it;
   * then iterate the events. Iteration throws `ApiStatusError` for an `ERROR` event (410 Expired
   * when `resourceVersion` is too old: re-list), `NetworkError` when the connection breaks, and
   * the abort reason when `signal` aborts; it ends when the server closes the watch (timeout).
   */
  async watch(opts: WatchOptions = {}): Promise<AsyncIterable<WatchEvent<T>>> {
    const path =
      resourcePath(this.ref, { namespace: this.ref.namespaced ? opts.namespace : undefined }) +
      buildQuery({
        watch: 'true',
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
        allowWatchBookmarks: opts.allowWatchBookmarks ?? true,
        sendInitialEvents: opts.sendInitialEvents,
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
      });
    const res = await this.client.stream({ method: 'GET', path, ...this.signalOf(opts) });
    return decodeWatchEvents<T>(res.body);
  }

  /** GET a subresource (`status`, `scale`, ...) parsed as JSON. */
  async getSubresource<R = unknown>(
    name: string,
    subresource: string,
    opts: SubresourceOptions = {},
  ): Promise<R> {
    return (await this.client.json({
      method: 'GET',
      path: this.subresourcePath('getSubresource', name, subresource, opts),
      ...this.signalOf(opts),
    })) as R;
  }

  /** GET a subresource as bytes (`log`). */
  async getSubresourceRaw(
    name: string,
    subresource: string,
    opts: SubresourceOptions = {},
  ): Promise<Buffer> {
    const res = await this.client.raw({
      method: 'GET',
      path: this.subresourcePath('getSubresource', name, subresource, opts),
      accept: '*/*',
      ...this.signalOf(opts),
    });
    return res.body;
  }

  /** Streams a subresource (`log` with `follow: true`): bytes as they come. */
  async streamSubresource(
    name: string,
    subresource: string,
    opts: SubresourceOptions = {},
  ): Promise<AsyncIterable<Buffer>> {
    const res = await this.client.stream({
      method: 'GET',
      path: this.subresourcePath('streamSubresource', name, subresource, opts),
      accept: '*/*',
      ...this.signalOf(opts),
    });
    return res.body;
  }

  /** POST to a subresource (`binding`, `eviction`); the answer parsed as JSON. */
  async createSubresource<R = unknown>(
    name: string,
    subresource: string,
    body: unknown,
    opts: SubresourceOptions & Pick<WriteOptions, 'dryRun' | 'fieldManager'> = {},
  ): Promise<R> {
    const path = this.subresourcePath('createSubresource', name, subresource, {
      ...opts,
      query: {
        ...opts.query,
        dryRun: opts.dryRun ? 'All' : undefined,
        fieldManager: opts.fieldManager,
      },
    });
    return (await this.client.json({
      method: 'POST',
      path,
      body: isRawBody(body) ? body : JSON.stringify(body),
      ...this.signalOf(opts),
    })) as R;
  }

  private subresourcePath(
    op: string,
    name: string,
    subresource: string,
    opts: SubresourceOptions,
  ): string {
    const ns = this.objectNamespace(op, opts.namespace);
    return (
      resourcePath(this.ref, { namespace: ns, name, subresource }) + buildQuery(opts.query ?? {})
    );
  }
}

function deleteOptionsBody(opts: DeleteRequestOptions): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    ...(opts.gracePeriodSeconds !== undefined
      ? { gracePeriodSeconds: opts.gracePeriodSeconds }
      : {}),
    ...(opts.preconditions ? { preconditions: opts.preconditions } : {}),
    ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
    ...(opts.dryRun ? { dryRun: ['All'] } : {}),
  };
}
