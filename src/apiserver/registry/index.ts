/**
 * What the API server serves: every resource definition of the scheme with the strategy for its
 * special rules and its table columns.
 */
import {
  appsV1Resources,
  batchV1Resources,
  coordinationV1Resources,
  coreV1Resources,
  discoveryV1Resources,
  type ResourceDef,
  type Service,
} from '../../api/index.ts';
import type { ServedResource } from '../api-server.ts';
import { defaultStrategy, type Strategy } from '../storage/strategy.ts';
import type { WatchCache } from '../storage/watch-cache.ts';
import { tableConvertorFor } from '../tables/index.ts';
import { jobStrategy } from './jobs.ts';
import { namespaceStrategy } from './namespaces.ts';
import { podStrategy } from './pods.ts';
import { secretStrategy } from './secrets.ts';
import { serviceStrategy } from './services.ts';

/** Every resource definition podbay serves. */
export const allResourceDefs: readonly ResourceDef[] = [
  ...coreV1Resources,
  ...appsV1Resources,
  ...batchV1Resources,
  ...coordinationV1Resources,
  ...discoveryV1Resources,
] as readonly ResourceDef[];

function strategyFor(def: ResourceDef, cache: WatchCache): Strategy {
  const key = `${def.group}/${def.resource}`;
  switch (key) {
    case '/pods':
      return podStrategy(def);
    case '/namespaces':
      return namespaceStrategy(def);
    case '/secrets':
      return secretStrategy(def);
    case 'batch/jobs':
      return jobStrategy(def);
    case '/services': {
      const services = (): Service[] =>
        cache
          .cacheFor('services')
          .list()
          .map((o) => o.object as Service);
      return serviceStrategy(def, {
        usedClusterIPs: () => new Set(services().flatMap((s) => s.spec?.clusterIPs ?? [])),
        usedNodePorts: () =>
          new Set(services().flatMap((s) => (s.spec?.ports ?? []).map((p) => p.nodePort ?? 0))),
      });
    }
    case '/nodes':
      // The node agent registers its Node with status; nothing is reset on create.
      return defaultStrategy(def, { prepareForCreate: () => undefined });
    default:
      return defaultStrategy(def);
  }
}

/** The served resources, wired to the watch cache for the strategies that need other objects. */
export function servedResources(cache: WatchCache): ServedResource[] {
  return allResourceDefs.map((def) => ({
    def,
    strategy: strategyFor(def, cache),
    table: tableConvertorFor(def),
  }));
}
