/**
 * Test helpers for store backends. Kept out of `src/store/index.ts` so that production code never
 * loads vitest.
 */
export { runStoreConformance, type OpenedStore } from './conformance.ts';
