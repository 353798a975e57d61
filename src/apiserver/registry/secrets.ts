/**
 * Secrets: `stringData` is a write-only convenience: its entries are merged into `data` (base64)
 * on every write and never stored, as upstream's conversion does.
 */
import type { ResourceDef, Secret } from '../../api/index.ts';
import { defaultStrategy, type Strategy } from '../storage/strategy.ts';

export function mergeStringData(secret: Secret): void {
  const stringData = secret.stringData;
  if (!stringData) return;
  const data = { ...secret.data };
  for (const [k, v] of Object.entries(stringData))
    data[k] = Buffer.from(v, 'utf8').toString('base64');
  secret.data = data;
  delete secret.stringData;
}

export function secretStrategy(def: ResourceDef<Secret>): Strategy<Secret> {
  return defaultStrategy(def, {
    prepareForCreate: mergeStringData,
    prepareForUpdate: mergeStringData,
  });
}
