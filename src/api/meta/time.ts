/**
 * metav1.Time as the API writes it: RFC 3339 in UTC at whole seconds (Go's `time.RFC3339`), e.g.
 * `2026-11-22T19:20:00Z`; upstream truncates the fraction.
 */

// A write stamps several fields with the same second (creationTimestamp, managedFields' time,
// conditions), so the last second's text is kept rather than formatted again.
let lastSecond = Number.NaN;
let lastText = '';

export function metaTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}
