/**
 * The node join token, in k3s's format: `K10<sha256 of the CA PEM, hex>::server:<secret>`.
 *
 * `podbay agent --server URL --token TOKEN` needs two things from it: the secret, to authenticate,
 * and the CA hash, to trust the server it has never seen (fetch the CA, check its hash, then pin
 * it). A user may also put a bare secret of their own in the file (16+ printable characters, no
 * spaces): it authenticates the same way, but an agent given only that cannot pin the CA.
 *
 * The file is `DIR/node-token`, mode 0600, one line. Policy on reading it:
 * - absent: a new token with a 128-bit random secret is created (first writer wins, atomically);
 * - a K10 token whose hash is not the current CA's (the CA was recreated): rewritten with the
 *   current hash, keeping the secret;
 * - anything else that does not parse: a clear error. It is not replaced, since agents may hold it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from '../../util/index.ts';
import { createFileExclusive, readOptional, writeFileAtomic } from './atomic-file.ts';
import { PkiError } from './pki-error.ts';

export interface NodeToken {
  /** The whole token as stored and as given to agents. */
  token: string;
  /** The part that authenticates. Equal to `token` for a bare (user-chosen) token. */
  secret: string;
  /** Hex SHA-256 of the CA PEM the token pins, or undefined for a bare token. */
  caHash: string | undefined;
}

const K10 = /^K10([0-9a-f]{64})::([^:\s]+):(\S+)$/;
const BARE = /^[\x21-\x7e]{16,}$/;

/** Hex SHA-256 of the CA certificate PEM, as k3s computes it over its `/cacerts` bytes. */
export function caCertHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

/** Parses a token; undefined when it is neither a K10 token nor an acceptable bare secret. */
export function parseNodeToken(token: string): NodeToken | undefined {
  const t = token.trim();
  const m = K10.exec(t);
  if (m !== null) {
    const [, caHash, , secret] = m;
    if (caHash !== undefined && secret !== undefined && BARE.test(secret)) {
      return { token: t, secret, caHash };
    }
    return undefined;
  }
  if (t.startsWith('K10')) return undefined;
  return BARE.test(t) ? { token: t, secret: t, caHash: undefined } : undefined;
}

/** A new K10 token for the CA `caPem` with a fresh 128-bit secret (or the one given). */
export function formatNodeToken(caPem: string, secret: string = randomBytes(16).toString('hex')) {
  return `K10${caCertHash(caPem)}::server:${secret}`;
}

export interface EnsureNodeTokenOptions {
  path: string;
  caPem: string;
  logger: Logger;
}

/** Reads the node token at `path`, creating or repairing it per the policy above. */
export async function ensureNodeToken(
  opts: EnsureNodeTokenOptions,
): Promise<NodeToken & { changed: boolean }> {
  const hash = caCertHash(opts.caPem);
  for (let attempt = 0; attempt < 3; attempt++) {
    const text = await readOptional(opts.path);
    if (text === undefined) {
      const token = formatNodeToken(opts.caPem);
      if (await createFileExclusive(opts.path, token + '\n', 0o600)) {
        opts.logger.info('created node join token', { path: opts.path });
        const parsed = parseNodeToken(token);
        if (parsed !== undefined) return { ...parsed, changed: true };
      }
      continue; // another process created it first: read theirs
    }
    const parsed = parseNodeToken(text);
    if (parsed === undefined) {
      throw new PkiError(
        `${opts.path} does not hold a valid node token (K10<hash>::server:<secret>, or 16+ printable characters); fix it or delete it to create a new one`,
      );
    }
    if (parsed.caHash === undefined || parsed.caHash === hash) return { ...parsed, changed: false };
    const token = formatNodeToken(opts.caPem, parsed.secret);
    await writeFileAtomic(opts.path, token + '\n', 0o600);
    opts.logger.warn('node token pinned an older CA; rewrote it for the current CA', {
      path: opts.path,
    });
    return { token, secret: parsed.secret, caHash: hash, changed: true };
  }
  throw new PkiError(`${opts.path} keeps disappearing while podbay reads it`);
}
