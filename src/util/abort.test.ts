import { getMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { lifetimeAbortController } from './abort.ts';

describe('lifetimeAbortController', () => {
  it('takes any number of abort listeners without a MaxListenersExceededWarning', async () => {
    // A plain signal warns past Node's default of 10 listeners; this one has no limit.
    expect(getMaxListeners(new AbortController().signal)).toBe(10);
    const lifetime = lifetimeAbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 50; i++) lifetime.signal.addEventListener('abort', () => undefined);
      // Warnings are emitted on a later tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
