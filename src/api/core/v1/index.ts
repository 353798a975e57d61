// core/v1: the public surface of the core API group, version v1.
export * from './enums.ts';
export * from './references.ts';
export * from './selectors.ts';
export * from './security.ts';
export * from './affinity.ts';
export * from './resources.ts';
export * from './probe.ts';
export * from './container.ts';
export * from './volume.ts';
export * from './pod-status.ts';
export * from './pod.ts';
export * from './node.ts';
export * from './namespace.ts';
export * from './service.ts';
export * from './config.ts';
export * from './event.ts';
export * from './options.ts';
