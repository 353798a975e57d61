import { runStoreConformance } from '../testing/index.ts';
import { MemoryStore } from './memory-store.ts';

runStoreConformance('memory', () =>
  Promise.resolve({ store: new MemoryStore(), cleanup: () => Promise.resolve() }),
);
