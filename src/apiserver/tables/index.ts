// The public surface of server-side printing (tables for `kubectl get`).
export * from './table-convertor.ts';
export * from './table-convertor-for.ts';
export * from './human-duration.ts';
export * from './pod-table.ts';
export * from './core-tables.ts';
export * from './service-tables.ts';
export * from './apps-tables.ts';
export * from './batch-tables.ts';
export * from './lease-table.ts';
