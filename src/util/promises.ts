/**
 * Waits for every promise; when one rejected, rejects with the first error, but only once all
 * have settled (unlike Promise.all), so that work started side by side is finished before a
 * failure is undone.
 */
export async function allDone(promises: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
