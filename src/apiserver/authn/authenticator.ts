/**
 * Request authentication: who is calling. The server calls `authenticate` once per request, before
 * routing; undefined means "no valid credentials" and the server answers 401 (anonymous access is
 * off). Methods, tried in upstream's order, first success wins:
 *
 *   1. x509 client certificate: verified where TLS ends (client-certificate.ts) and passed in as
 *      `certificate`; here it must still be within its validity, by this authenticator's clock (a
 *      keep-alive connection can outlive its certificate).
 *   2. `Authorization: Bearer <token>`: asked of each token authenticator in order.
 *
 * Every user returned also has the group `system:authenticated`, as upstream adds it.
 */
import { type Clock, realClock } from '../../util/index.ts';
import type { VerifiedCertificate } from './client-certificate.ts';
import type { TokenAuthenticator } from './token-registry.ts';
import { type User, withAuthenticatedGroup } from './user.ts';

export interface AuthenticatorOptions {
  /** Bearer-token authenticators, asked in order. */
  tokens: TokenAuthenticator | readonly TokenAuthenticator[];
  /** Time source for certificate expiry on long-lived connections. */
  clock?: Clock;
}

/** What a request brings to prove who it is. */
export interface Credentials {
  /** The connection's client certificate, if it is one of ours (CertificateVerifier). */
  readonly certificate?: VerifiedCertificate | undefined;
  /** The `Authorization` header. */
  readonly authorization?: string | undefined;
}

export interface Authenticator {
  /** The user these credentials authenticate as, or undefined (the caller answers 401). Never throws. */
  authenticate(credentials: Credentials): User | undefined;
}

/** The bearer token of an `Authorization` header, or undefined (upstream's parsing). */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parts = header.trim().split(' ');
  if (parts.length < 2 || parts[0]?.toLowerCase() !== 'bearer') return undefined;
  const token = parts[1];
  return token === undefined || token === '' ? undefined : token;
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const tokens: readonly TokenAuthenticator[] = Array.isArray(opts.tokens)
    ? (opts.tokens as readonly TokenAuthenticator[])
    : [opts.tokens as TokenAuthenticator];
  const clock = opts.clock ?? realClock;
  return {
    authenticate({ certificate, authorization }) {
      if (certificate !== undefined && clock.now() < certificate.notAfter) {
        return withAuthenticatedGroup(certificate.user);
      }
      const token = bearerToken(authorization);
      if (token === undefined) return undefined;
      for (const t of tokens) {
        const user = t.authenticateToken(token);
        if (user !== undefined) return withAuthenticatedGroup(user);
      }
      return undefined;
    },
  };
}
