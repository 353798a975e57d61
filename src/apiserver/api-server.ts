/**
 * The API server: routes every request to discovery, OpenAPI, health, or a resource handler, and
 * turns every failure into a `Status`. It owns the watch cache and one storage per resource.
 *
 *   request → authenticated user (by the HTTPS layer or the in-process transport)
 *           → parseRequestInfo → resource? → verb allowed? → subresource? → handler
 *                              → otherwise: /version, /healthz|/livez|/readyz, discovery, /openapi
 *
 * Everything here is independent of sockets (see request.ts); `https-server.ts` serves it over TLS.
 */
import { groupVersion, type ResourceDef } from '../api/index.ts';
import type { Store } from '../store/index.ts';
import type { Clock, Logger } from '../util/index.ts';
import { createDiscovery, type Discovery } from './discovery.ts';
import { ApiError, methodNotAllowed, toApiError } from './errors.ts';
import type {
  FilterBuilder,
  HandlerContext,
  NodeConnector,
  ServerServices,
} from './handlers/context.ts';
import { handleGet, handleList, handleWatch } from './handlers/read.ts';
import { sendError, sendJson } from './handlers/respond.ts';
import { subresourceHandler } from './handlers/subresources.ts';
import {
  handleCreate,
  handleDelete,
  handleDeleteCollection,
  handlePatch,
  handleUpdate,
} from './handlers/write.ts';
import { parseRequestInfo, type ResourceRequestInfo } from './request-info.ts';
import type { ApiRequest, ApiResponse } from './request.ts';
import {
  ResourceStorage,
  type Admission,
  type ManagedFieldsUpdater,
} from './storage/resource-storage.ts';
import type { Strategy } from './storage/strategy.ts';
import { WatchCache } from './storage/watch-cache.ts';
import { tableConvertorFor, type TableConvertor } from './tables/index.ts';
import { versionInfo } from './version.ts';

/** One served resource: its definition and the strategy for its special rules. */
export interface ServedResource {
  readonly def: ResourceDef;
  readonly strategy: Strategy;
  readonly table?: TableConvertor;
}

export interface ApiServerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The served resources; given the watch cache for strategies that read other objects. */
  readonly resources: (cache: WatchCache) => readonly ServedResource[];
  readonly buildFilter: FilterBuilder;
  /** Admission plugins, given the server so they can read other resources. */
  readonly admission: (server: ApiServer) => Admission;
  readonly managedFields?: ManagedFieldsUpdater;
  /** host:port clients use to reach us, for discovery. */
  readonly serverAddress: () => string;
  /**
   * Serves /openapi/v2 and /openapi/v3 paths (GET and HEAD), given the path without trailing
   * slashes, the query and the request's headers (by lower-case name); undefined answers 404.
   * `status` defaults to 200 (304 and 406 carry no body); `headers` override the defaults.
   */
  readonly openapi?: (
    path: string,
    query: URLSearchParams,
    header: (name: string) => string | undefined,
  ) => OpenApiAnswer | undefined;
  /** Store key prefix; `/registry/`. */
  readonly prefix?: string;
  /** Serves pods' log/exec/... from their nodes (node-connector/); absent: those answer 503. */
  readonly nodeConnector?: NodeConnector;
}

/** What the `openapi` option answers. */
export interface OpenApiAnswer {
  readonly status?: number;
  readonly contentType?: string;
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Largest request body accepted (upstream MaxRequestBodyBytes). */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

export class ApiServer {
  readonly cache: WatchCache;
  private readonly opts: ApiServerOptions;
  private readonly storages = new Map<string, ResourceStorage>();
  private readonly byResource = new Map<string, ResourceStorage>();
  private readonly tables = new Map<ResourceDef, TableConvertor>();
  private readonly discovery: Discovery;
  private readonly services: ServerServices;
  private ready = false;

  constructor(opts: ApiServerOptions) {
    this.opts = opts;
    const prefix = opts.prefix ?? '/registry/';
    this.cache = new WatchCache({
      store: opts.store,
      prefix,
      logger: opts.logger,
      now: () => opts.clock.now(),
    });
    const admission = opts.admission(this);
    const resources = opts.resources(this.cache);
    for (const r of resources) {
      const storage = new ResourceStorage({
        def: r.def,
        strategy: r.strategy,
        store: opts.store,
        cache: this.cache,
        clock: opts.clock,
        prefix,
        admission,
        ...(opts.managedFields ? { managedFields: opts.managedFields } : {}),
      });
      this.storages.set(`${groupVersion(r.def)}/${r.def.resource}`, storage);
      this.byResource.set(`${r.def.group}/${r.def.resource}`, storage);
      if (r.table) this.tables.set(r.def, r.table);
    }
    this.discovery = createDiscovery({
      defs: resources.map((r) => r.def),
      serverAddress: opts.serverAddress,
    });
    this.services = {
      clock: opts.clock,
      logger: opts.logger,
      store: opts.store,
      cache: this.cache,
      buildFilter: opts.buildFilter,
      tableFor: (def) => this.tables.get(def) ?? tableConvertorFor(def),
      storageOf: (group, resource) => this.storageOf(group, resource),
      kindKnown: (gv, kind) =>
        resources.some((r) => groupVersion(r.def) === gv && r.def.kind === kind),
      ...(opts.nodeConnector ? { nodeConnector: opts.nodeConnector } : {}),
    };
  }

  /** Loads the watch cache; the server answers resource requests only after this. */
  async start(): Promise<void> {
    await this.cache.start();
    this.ready = true;
  }

  stop(): void {
    this.cache.stop();
  }

  /** The storage of a resource by group and plural name ('' for core). */
  storageOf(group: string, resource: string): ResourceStorage | undefined {
    return this.byResource.get(`${group}/${resource}`);
  }

  /** Serves one request. Never throws: failures become Status responses. */
  async handle(req: ApiRequest, res: ApiResponse): Promise<void> {
    const info = parseRequestInfo(req.method, req.url);
    try {
      if (info.isResourceRequest) {
        await this.handleResource(req, res, info);
        return;
      }
      this.handleNonResource(req, res, info.path, info.query);
    } catch (err) {
      const apiErr = toApiError(err);
      if (apiErr.code >= 500) {
        this.opts.logger.error('request failed', {
          method: req.method,
          url: req.url,
          err: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
      }
      sendError(res, apiErr);
    }
  }

  private handleNonResource(
    req: ApiRequest,
    res: ApiResponse,
    path: string,
    query: URLSearchParams,
  ): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    const clean = path.replace(/\/+$/, '') || '/';
    switch (clean) {
      case '/version':
        sendJson(res, 200, JSON.stringify(versionInfo(), null, 2));
        return;
      case '/healthz':
      case '/livez':
      case '/readyz':
      case '/healthz/ping':
      case '/livez/ping':
      case '/readyz/ping': {
        if (!this.ready && clean.startsWith('/readyz')) {
          res.send(
            500,
            { 'Content-Type': 'text/plain; charset=utf-8' },
            '[-]informer-sync failed: not ready\nreadyz check failed\n',
          );
          return;
        }
        const body = query.has('verbose')
          ? `[+]ping ok\n[+]etcd ok\n${clean.slice(1)} check passed\n`
          : 'ok';
        res.send(
          200,
          { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
          body,
        );
        return;
      }
    }
    const disc = this.discovery.serve(clean, req.header('accept'));
    if (disc) {
      sendJson(res, 200, disc.body, disc.contentType);
      return;
    }
    if (clean.startsWith('/openapi/')) {
      const doc = this.opts.openapi?.(clean, query, (name) => req.header(name));
      if (doc) {
        res.send(
          doc.status ?? 200,
          {
            ...(doc.contentType === undefined ? {} : { 'Content-Type': doc.contentType }),
            'Cache-Control': 'no-cache, private',
            ...doc.headers,
          },
          doc.body,
        );
        return;
      }
    }
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }

  private async handleResource(
    req: ApiRequest,
    res: ApiResponse,
    info: ResourceRequestInfo,
  ): Promise<void> {
    const key = `${info.group ? info.group + '/' : ''}${info.version}/${info.resource}`;
    const storage = this.storages.get(key);
    // Built only when thrown: constructing an Error captures a stack, which on every request cost
    // ~4% of a create's CPU.
    const notFoundError = (): ApiError =>
      new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (!storage) throw notFoundError();
    const def = storage.def;
    if (!def.namespaced && info.namespace) throw notFoundError();
    if (!this.ready)
      throw new ApiError(503, 'ServiceUnavailable', 'the server is starting up, please retry');
    const ctx: HandlerContext = { req, res, info, storage, def, services: this.services };

    if (info.subresource) {
      const sub = def.subresources.find((s) => s.name === info.subresource);
      if (!sub || !info.name) throw notFoundError();
      await subresourceHandler(ctx, sub);
      return;
    }
    if (info.verb !== 'connect' && !def.verbs.includes(info.verb)) throw methodNotAllowed();
    switch (info.verb) {
      case 'get':
        handleGet(ctx);
        return;
      case 'list':
        await handleList(ctx);
        return;
      case 'watch':
        handleWatch(ctx);
        return;
      case 'create':
        if (info.name) throw methodNotAllowed();
        await handleCreate(ctx);
        return;
      case 'update':
        await handleUpdate(ctx);
        return;
      case 'patch':
        await handlePatch(ctx);
        return;
      case 'delete':
        await handleDelete(ctx);
        return;
      case 'deletecollection':
        await handleDeleteCollection(ctx);
        return;
      case 'connect':
        throw methodNotAllowed();
    }
  }
}
