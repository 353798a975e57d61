/**
 * Assembles the API server from its parts: the served resources with their strategies and
 * tables, selectors, admission, managed fields and OpenAPI.
 */
import { groupVersion } from '../api/index.ts';
import type { Store } from '../store/index.ts';
import type { Clock, Logger } from '../util/index.ts';
import { createAdmission } from './admission/admission.ts';
import { ApiServer } from './api-server.ts';
import type { NodeConnector } from './handlers/context.ts';
import { updateManagedFields } from './apply/index.ts';
import {
  createOpenApi,
  createOpenApiV2,
  OpenApiDocuments,
  openApiV2Path,
} from './openapi/index.ts';
import { allResourceDefs, servedResources } from './registry/index.ts';
import { buildFilter } from './selectors.ts';
import { kubernetesVersion } from './version.ts';

export interface CreateApiServerOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** host:port clients use to reach us, for discovery. */
  readonly serverAddress: () => string;
  /** Serves pods' log (and later exec, attach, port-forward) from their kubelets. */
  readonly nodeConnector?: NodeConnector;
}

export function createApiServer(opts: CreateApiServerOptions): ApiServer {
  const version = `v${kubernetesVersion.major}.${kubernetesVersion.minor}.${kubernetesVersion.patch}`;
  // One set of documents behind /openapi/v3 and /openapi/v2, made on the first request for either.
  let documents: OpenApiDocuments | undefined;
  const shared = (): OpenApiDocuments =>
    (documents ??= new OpenApiDocuments({ defs: allResourceDefs, version }));
  const v3 = createOpenApi({ defs: allResourceDefs, version, documents: shared });
  const v2 = createOpenApiV2({ documents: shared, version });
  return new ApiServer({
    store: opts.store,
    clock: opts.clock,
    logger: opts.logger,
    serverAddress: opts.serverAddress,
    ...(opts.nodeConnector ? { nodeConnector: opts.nodeConnector } : {}),
    resources: servedResources,
    buildFilter,
    admission: (server) =>
      createAdmission({
        namespace: (name) => server.storageOf('', 'namespaces')?.getCached('', name)?.object,
      }),
    managedFields: ({ live, updated, def, manager, subresource, now }) =>
      updateManagedFields({
        live,
        updated,
        schema: def.schema,
        manager,
        apiVersion: groupVersion(def),
        subresource,
        now: new Date(now),
      }),
    openapi: (path, query, header) => {
      if (path !== openApiV2Path) return v3(path, query);
      const answer = v2(header);
      return { status: answer.status, body: answer.body, headers: answer.headers };
    },
  });
}
