/**
 * What every resource handler gets: the resource's storage and definition, the parsed request,
 * and server-wide services.
 */
import type { KubeObject, ResourceDef } from '../../api/index.ts';
import type { Clock, Logger } from '../../util/index.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import type { ApiRequest, ApiResponse } from '../request.ts';
import type { ResourceStorage } from '../storage/resource-storage.ts';
import type { WatchCache } from '../storage/watch-cache.ts';
import type { TableConvertor } from '../tables/index.ts';
import type { Store } from '../../store/index.ts';

/** Builds a predicate from the request's label and field selectors (400 on bad syntax). */
export type FilterBuilder = (
  def: ResourceDef,
  labelSelector: string | null,
  fieldSelector: string | null,
) => ((obj: KubeObject) => boolean) | undefined;

export interface ServerServices {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: Store;
  readonly cache: WatchCache;
  readonly buildFilter: FilterBuilder;
  readonly tableFor: (def: ResourceDef) => TableConvertor;
  /** The storage of another resource (e.g. namespaces for admission), by resource name. */
  readonly storageOf: (group: string, resource: string) => ResourceStorage | undefined;
  /** Whether the scheme knows this kind in this group version (for decoding messages). */
  readonly kindKnown: (groupVersion: string, kind: string) => boolean;
  /** Serves a pod's streaming subresources (log, exec, ...) from its node; absent: 503. */
  readonly nodeConnector?: NodeConnector;
}

/** Forwards a pod subresource request to the node running the pod. */
export type NodeConnector = (ctx: HandlerContext, pod: KubeObject) => Promise<void>;

export interface HandlerContext {
  readonly req: ApiRequest;
  readonly res: ApiResponse;
  readonly info: ResourceRequestInfo;
  readonly storage: ResourceStorage;
  readonly def: ResourceDef;
  readonly services: ServerServices;
}
