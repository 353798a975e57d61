/**
 * Client certificates: which user a TLS connection's certificate names, where TLS ends (the HTTPS
 * front thread). A certificate counts when the handshake verified it (`socket.authorized`,
 * possible because the server runs with `requestCert: true, rejectUnauthorized: false` and our CA
 * in `ca`), and it is issued and signed by our CA and usable for client auth. User = the subject CN
 * (exactly one, non-empty), groups = the subject O values. Its validity period is the
 * authenticator's to check, against its clock, for every request (authenticator.ts).
 *
 * The answer is cached per connection, keyed by the certificate's fingerprint (a TLS 1.2
 * renegotiation that changes the certificate is noticed), so a keep-alive connection pays for the
 * signature check once; on TLS 1.3, which cannot renegotiate, later requests do not even look at
 * the certificate.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { User } from './user.ts';

/** A client certificate our CA issued, as the user it names and the end of its validity. */
export interface VerifiedCertificate {
  readonly user: User;
  /** Milliseconds since the epoch. */
  readonly notAfter: number;
}

export interface CertificateVerifier {
  /** The connection's certificate, if it is one of ours for client auth; never throws. */
  verify(socket: TLSSocket): VerifiedCertificate | undefined;
}

const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_ANY = '2.5.29.37.0';

interface Cached {
  readonly fingerprint: string;
  readonly certificate: VerifiedCertificate | undefined;
}

function subjectValues(subject: unknown, key: string): string[] {
  if (typeof subject !== 'object' || subject === null) return [];
  const v: unknown = (subject as Record<string, unknown>)[key];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function createCertificateVerifier(caPem: string): CertificateVerifier {
  const ca = new X509Certificate(caPem);
  const cache = new WeakMap<TLSSocket, Cached>();

  function check(
    peer: Partial<PeerCertificate> & { raw: Buffer },
  ): VerifiedCertificate | undefined {
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
        return {
          user: { name, groups: subjectValues(peer.subject, 'O') },
          notAfter: Date.parse(cert.validTo),
        };
      }
    } catch {
      // Not a certificate we can read: no user.
    }
    return undefined;
  }

  return {
    verify(socket) {
      if (!socket.authorized) return undefined;
      const known = cache.get(socket);
      if (known !== undefined && socket.getProtocol() === 'TLSv1.3') return known.certificate;
      const peer: Partial<PeerCertificate> = socket.getPeerCertificate(false);
      if (peer.raw === undefined || peer.fingerprint256 === undefined) return undefined;
      if (known?.fingerprint === peer.fingerprint256) return known.certificate;
      const entry = {
        fingerprint: peer.fingerprint256,
        certificate: check({ ...peer, raw: peer.raw }),
      };
      cache.set(socket, entry);
      return entry.certificate;
    },
  };
}
