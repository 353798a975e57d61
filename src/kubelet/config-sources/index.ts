// ConfigMaps and Secrets for the node's pods: per-object watches, cached, with change
// notifications (the node agent resyncs the pods that use a changed object).
export {
  ConfigSources,
  type ConfigSourceKind,
  type ConfigSourcesOptions,
} from './config-sources.ts';
export {
  WatchingObjectCache,
  type ObjectClient,
  type WatchingObjectCacheOptions,
} from './watching-object-cache.ts';
export { podConfigMapNames, podSecretNames } from './referenced-names.ts';
