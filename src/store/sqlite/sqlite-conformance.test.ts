import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runStoreConformance } from '../testing/index.ts';
import { SqliteStore } from './sqlite-store.ts';

runStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podbay-store-'));
  const store = await SqliteStore.open({ path: join(dir, 'state.db') });
  return {
    store,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
});
