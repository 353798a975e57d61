/**
 * PkiError: the one error type of the PKI and kubeconfig code. Its message is one sentence a user can
 * act on (the CLI prints it as it is); the underlying system error, if any, is the `cause`.
 */
export class PkiError extends Error {
  override readonly name = 'PkiError';
}

const reasons: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'a file is in the way of the directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
};

/** The errno code of a Node system error, if it is one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = err.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Turns a failure to create or write something under the data dir into the one-sentence error the
 * user sees; errors that are not about writability are returned unchanged.
 */
export function dataDirError(dataDir: string, err: unknown): unknown {
  if (err instanceof PkiError) return err;
  const code = errnoCode(err);
  const reason = code === undefined ? undefined : reasons[code];
  if (reason === undefined) return err;
  return new PkiError(
    `data dir ${dataDir} is not writable (${reason}): run as root or choose another with --data-dir`,
    { cause: err },
  );
}
