import { describe, expect, it } from 'vitest';
import { allDone } from './promises.ts';

describe('allDone', () => {
  it('resolves when all resolve', async () => {
    await expect(allDone([Promise.resolve(1), Promise.resolve('x')])).resolves.toBeUndefined();
  });

  it('rejects with the first error, only after the slower work has finished', async () => {
    let slowDone = false;
    const slow = new Promise<void>((resolve) =>
      setTimeout(() => {
        slowDone = true;
        resolve();
      }, 30),
    );
    const first = new Error('first');
    const result = allDone([Promise.reject(first), slow, Promise.reject(new Error('second'))]);
    await expect(result).rejects.toBe(first);
    expect(slowDone).toBe(true);
  });
});
