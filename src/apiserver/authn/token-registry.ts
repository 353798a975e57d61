/**
 * Bearer tokens. A `TokenAuthenticator` maps a token to a user or says it does not know it; the
 * authenticator asks each of its token authenticators in order. Today there is one kind, the
 * `TokenRegistry` of static tokens (the node join token); service-account JWTs will be another
 * `TokenAuthenticator` (verify the signature, then look up the bound object), added beside it.
 *
 * The registry never compares secrets with `===`: it keeps SHA-256 digests of its tokens and compares
 * the digest of the presented token with every entry using `timingSafeEqual`, without stopping at a
 * match, so the time taken says nothing about how much of a token was right, or which one matched.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { NODE_TOKEN_USER, type User, withAuthenticatedGroup } from './user.ts';

export interface TokenAuthenticator {
  /**
   * The user `token` authenticates, or undefined if this authenticator does not accept it.
   * Synchronous and side-effect free; called once per request that carries a bearer token.
   */
  authenticateToken(token: string): User | undefined;
}

export interface TokenRegistry extends TokenAuthenticator {
  /** Registers `token` for `user`, replacing an earlier registration of the same token. */
  add(token: string, user: Readonly<User>): void;
  /** Forgets `token`; true if it was registered. */
  remove(token: string): boolean;
  /** How many tokens are registered. */
  readonly size: number;
}

interface Entry {
  digest: Buffer;
  user: User;
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * A registry of static bearer tokens. Users it returns carry `system:authenticated` and are fresh
 * copies, so a caller cannot change the registry through them. Empty tokens are never accepted.
 */
export function createTokenRegistry(
  entries: Iterable<readonly [string, Readonly<User>]> = [],
): TokenRegistry {
  let list: Entry[] = [];
  const registry: TokenRegistry = {
    add(token, user) {
      if (token === '') throw new Error('an empty string cannot be a token');
      const digest = digestOf(token);
      list = [
        ...list.filter((e) => !timingSafeEqual(e.digest, digest)),
        { digest, user: { name: user.name, groups: [...user.groups] } },
      ];
    },
    remove(token) {
      const digest = digestOf(token);
      const before = list.length;
      list = list.filter((e) => !timingSafeEqual(e.digest, digest));
      return list.length !== before;
    },
    get size() {
      return list.length;
    },
    authenticateToken(token) {
      if (token === '') return undefined;
      const digest = digestOf(token);
      let found: User | undefined;
      for (const e of list) {
        if (timingSafeEqual(e.digest, digest)) found = e.user;
      }
      return found === undefined ? undefined : withAuthenticatedGroup(found);
    },
  };
  for (const [token, user] of entries) registry.add(token, user);
  return registry;
}

/**
 * Registers the node join token (see pki's NodeToken) as `NODE_TOKEN_USER`: both the whole token and
 * its secret part are accepted, so an agent may send either.
 */
export function registerNodeToken(
  registry: TokenRegistry,
  nodeToken: { token: string; secret: string },
): void {
  registry.add(nodeToken.token, NODE_TOKEN_USER);
  registry.add(nodeToken.secret, NODE_TOKEN_USER);
}
