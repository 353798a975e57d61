/** The message of a thrown value, for logs and error texts (anything may be thrown in JS). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
