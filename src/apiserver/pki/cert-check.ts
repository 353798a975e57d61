/**
 * Checking certificates already on disk, with `node:crypto` only (fast: no ASN.1 library to load).
 * Every check returns the reason a certificate is unusable, or undefined when it is fine, so the
 * caller can log why it re-issues.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A certificate that expires within this window is re-issued. */
export const RENEW_BEFORE_MS = 30 * DAY_MS;

export interface ParsedPair {
  cert: X509Certificate;
  key: KeyObject;
}

/** Parses a PEM certificate and key; `string` is the reason they are unusable. */
export function parsePair(certPem: string, keyPem: string): ParsedPair | string {
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return 'the certificate file is not a PEM certificate';
  }
  try {
    key = createPrivateKey(keyPem);
  } catch {
    return 'the key file is not a PEM private key';
  }
  if (!cert.checkPrivateKey(key)) return 'the key does not belong to the certificate';
  return { cert, key };
}

/** Milliseconds since the epoch of a Node certificate date string (`Jan  1 00:00:00 2036 GMT`). */
export function certTime(value: string): number {
  return Date.parse(value);
}

/** Why a CA cannot be used (not a CA, not P-256, expired), or undefined. */
export function checkCa(pair: ParsedPair, now: number): string | undefined {
  if (!pair.cert.ca) return 'the certificate is not a CA (basicConstraints CA:FALSE)';
  const details = pair.key.asymmetricKeyDetails;
  if (pair.key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1') {
    return 'the key is not an ECDSA P-256 key';
  }
  if (certTime(pair.cert.validTo) <= now) return `it expired on ${pair.cert.validTo}`;
  return undefined;
}

export interface LeafWanted {
  ca: X509Certificate;
  now: number;
  /** Subject lines the certificate must have, as Node prints them (`CN=podbay-admin`). */
  subject?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

/** Why a leaf certificate must be re-issued, or undefined when it can be kept. */
export function checkLeaf(pair: ParsedPair, wanted: LeafWanted): string | undefined {
  const { cert } = pair;
  if (!cert.checkIssued(wanted.ca) || !cert.verify(wanted.ca.publicKey)) {
    return 'it is not signed by the current CA';
  }
  if (certTime(cert.validFrom) > wanted.now) return `it is not valid before ${cert.validFrom}`;
  if (certTime(cert.validTo) - wanted.now < RENEW_BEFORE_MS) {
    return `it expires on ${cert.validTo}, within 30 days`;
  }
  const lines = cert.subject.split('\n');
  const missingSubject = (wanted.subject ?? []).filter((s) => !lines.includes(s));
  if (missingSubject.length > 0) return `its subject lacks ${missingSubject.join(', ')}`;
  const missing = [
    ...(wanted.dnsNames ?? []).filter(
      (n) => cert.checkHost(n, { subject: 'never', wildcards: false }) === undefined,
    ),
    ...(wanted.ipAddresses ?? []).filter((ip) => cert.checkIP(ip) === undefined),
  ];
  if (missing.length > 0) return `its SANs lack ${missing.join(', ')}`;
  return undefined;
}
