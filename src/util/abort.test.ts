import { describe, expect, it } from 'vitest';
import { lifetimeAbortController } from './abort.ts';

describe('lifetimeAbortController', () => {
  it('takes any number of abort listeners without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const plain = new AbortController();
      const lifetime = lifetimeAbortController();
      for (let i = 0; i < 50; i++) {
        plain.signal.addEventListener('abort', () => undefined);
        lifetime.signal.addEventListener('abort', () => undefined);
      }
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      // The plain one warns (which shows the check works), the lifetime one does not.
      expect(warnings.map((w) => w.name)).toEqual(['MaxListenersExceededWarning']);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
