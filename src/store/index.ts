/**
 * The store module's public surface: the contract (`types.ts`), the backends and `openStore`.
 * Test helpers (the conformance suite) live in `./testing/index.ts` so production code never
 * loads vitest.
 */
export * from './types.ts';
export {
  openStore,
  parseStoreUrl,
  type OpenStoreOptions,
  type StoreLocation,
} from './open-store.ts';
export { MemoryStore, type MemoryStoreOptions } from './memory/memory-store.ts';
export {
  SqliteStore,
  type SqliteStoreOptions,
  type CompactionStats,
  type WriteStats,
} from './sqlite/sqlite-store.ts';
