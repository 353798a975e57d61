/**
 * Request authentication: who is calling. The server calls `authenticate(req)` once per request,
 * before routing; undefined means "no valid credentials" and the server answers 401 (anonymous
 * access is off). Methods, tried in upstream's order, first success wins:
 *
 *   1. x509 client certificate: the TLS handshake verified it (`socket.authorized`, possible because
 *      the server runs with `requestCert: true, rejectUnauthorized: false` and our CA in `ca`), and
 *      it is issued and signed by our CA, within its validity, and usable for client auth. User =
 *      the subject CN (exactly one, non-empty), groups = the subject O values.
 *   2. `Authorization: Bearer <token>`: asked of each token authenticator in order.
 *
 * Every user returned also has the group `system:authenticated`, as upstream adds it.
 *
 * A certificate's user is cached per connection, keyed by its fingerprint (a TLS 1.2 renegotiation
 * that changes the certificate is noticed), so a keep-alive connection pays for the signature check
 * once; on TLS 1.3, which cannot renegotiate, later requests do not even look at the certificate.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type PeerCertificate, TLSSocket } from 'node:tls';
import { type Clock, realClock } from '../../util/index.ts';
import type { TokenAuthenticator } from './token-registry.ts';
import { type User, withAuthenticatedGroup } from './user.ts';

export interface AuthenticatorOptions {
  /** The CA (PEM) that client certificates must be issued by. */
  caPem: string;
  /** Bearer-token authenticators, asked in order. */
  tokens: TokenAuthenticator | readonly TokenAuthenticator[];
  /** Time source for certificate expiry on long-lived connections. */
  clock?: Clock;
}

export interface Authenticator {
  /** The user `req` authenticates as, or undefined (the caller answers 401). Never throws. */
  authenticate(req: IncomingMessage): User | undefined;
}

const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_ANY = '2.5.29.37.0';

interface CachedCert {
  fingerprint: string;
  notAfter: number;
  user: User | undefined;
}

function subjectValues(subject: unknown, key: string): string[] {
  if (typeof subject !== 'object' || subject === null) return [];
  const v: unknown = (subject as Record<string, unknown>)[key];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
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
  const ca = new X509Certificate(opts.caPem);
  const tokens: readonly TokenAuthenticator[] = Array.isArray(opts.tokens)
    ? (opts.tokens as readonly TokenAuthenticator[])
    : [opts.tokens as TokenAuthenticator];
  const clock = opts.clock ?? realClock;
  const cache = new WeakMap<TLSSocket, CachedCert>();

  function verifyCert(socket: TLSSocket): CachedCert | undefined {
    // TLS 1.3 has no renegotiation: the certificate a connection was verified with cannot change,
    // so skip getPeerCertificate (which builds the whole certificate object on every request).
    const known = cache.get(socket);
    if (known !== undefined && socket.getProtocol() === 'TLSv1.3') return known;
    // An empty object when the client sent no certificate.
    const peer: Partial<PeerCertificate> = socket.getPeerCertificate(false);
    if (peer.raw === undefined || peer.fingerprint256 === undefined) return undefined;
    const hit = cache.get(socket);
    if (hit?.fingerprint === peer.fingerprint256) return hit;
    let user: User | undefined;
    let notAfter = 0;
    try {
      const cert = new X509Certificate(peer.raw);
      const eku = cert.keyUsage as string[] | undefined; // Node's name for extendedKeyUsage
      const cn = subjectValues(peer.subject, 'CN');
      const name = cn[0];
      if (
        cert.checkIssued(ca) &&
        cert.verify(ca.publicKey) &&
        (eku === undefined || eku.includes(EKU_CLIENT_AUTH) || eku.includes(EKU_ANY)) &&
        cn.length === 1 &&
        name !== undefined &&
        name !== ''
      ) {
        user = { name, groups: subjectValues(peer.subject, 'O') };
        notAfter = Date.parse(cert.validTo);
      }
    } catch {
      user = undefined;
    }
    const entry = { fingerprint: peer.fingerprint256, notAfter, user };
    cache.set(socket, entry);
    return entry;
  }

  return {
    authenticate(req) {
      const socket = req.socket;
      if (socket instanceof TLSSocket && socket.authorized) {
        const entry = verifyCert(socket);
        if (entry?.user !== undefined && clock.now() < entry.notAfter) {
          return withAuthenticatedGroup(entry.user);
        }
      }
      const token = bearerToken(req.headers.authorization);
      if (token === undefined) return undefined;
      for (const t of tokens) {
        const user = t.authenticateToken(token);
        if (user !== undefined) return withAuthenticatedGroup(user);
      }
      return undefined;
    },
  };
}
