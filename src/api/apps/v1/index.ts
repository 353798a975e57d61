// apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet, ControllerRevision, and their defaulting.
export * from './deployment.ts';
export * from './replica-set.ts';
export * from './daemon-set.ts';
export * from './stateful-set.ts';
export * from './controller-revision.ts';
export * from './well-known.ts';
export * from './defaults.ts';
export * from './validation.ts';
export * from './resources.ts';
