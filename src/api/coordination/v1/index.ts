// coordination.k8s.io/v1: Lease. Leases have no upstream defaulting.
export * from './lease.ts';
export * from './validation.ts';
export * from './resources.ts';
