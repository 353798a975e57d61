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
import { createOpenApi } from './openapi/index.ts';
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
  const openapi = createOpenApi({
    defs: allResourceDefs,
    version: `v${kubernetesVersion.major}.${kubernetesVersion.minor}.${kubernetesVersion.patch}`,
  });
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
    openapi,
  });
}
