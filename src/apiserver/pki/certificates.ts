/**
 * Certificate generation: ECDSA P-256 keys from WebCrypto, X.509 certificates built by
 * `@peculiar/x509`. The library (and its ~100 ms of module loading) is imported lazily, on the first
 * call here; a start that finds every certificate on disk valid never loads it (checking uses only
 * `node:crypto`, see cert-check.ts).
 *
 * Output is PEM: certificates as `CERTIFICATE`, keys as PKCS#8 `PRIVATE KEY` (what Go's
 * `tls.X509KeyPair`, OpenSSL and Node all read).
 */
import { KeyObject, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { PkiError } from './pki-error.ts';

/** A certificate and its private key, both PEM. */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

export interface CertificateSubject {
  commonName: string;
  /** `O` values; for a client certificate these are the user's groups. */
  organizations?: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start an hour in the past, so a node whose clock is a little behind accepts them. */
const BACKDATE_MS = 60 * 60 * 1000;
const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;

let x509Module: Promise<typeof X509> | undefined;

/**
 * Loads `@peculiar/x509` once. Its dependency injection container (tsyringe) needs the Reflect
 * metadata API, so the standard polyfill is loaded first.
 */
function loadX509(): Promise<typeof X509> {
  x509Module ??= import('reflect-metadata').then(() => import('@peculiar/x509'));
  return x509Module;
}

/** A positive, non-zero 128-bit serial number in hex (RFC 5280 §4.1.2.2: at most 20 octets). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function nameOf(subject: CertificateSubject): X509.JsonName {
  return [{ CN: [subject.commonName] }, ...(subject.organizations ?? []).map((o) => ({ O: [o] }))];
}

async function generateKeyPair(): Promise<CryptoKeyPair> {
  return await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

function keyToPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

async function importSigningKey(keyPem: string): Promise<CryptoKey> {
  let der: Buffer;
  try {
    const key = createPrivateKey(keyPem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new PkiError('the CA key must be an ECDSA P-256 key');
    }
    der = key.export({ type: 'pkcs8', format: 'der' });
  } catch (err) {
    if (err instanceof PkiError) throw err;
    throw new PkiError('the CA key cannot be read', { cause: err });
  }
  return crypto.subtle.importKey('pkcs8', der, EC_KEY, false, ['sign']);
}

export interface CreateCaOptions {
  commonName: string;
  /** Milliseconds since the epoch; validity starts an hour before. */
  now: number;
  validityDays: number;
}

/** A self-signed CA (basicConstraints CA:TRUE, keyCertSign|cRLSign). */
export async function createCa(opts: CreateCaOptions): Promise<CertKeyPair> {
  const x = await loadX509();
  const keys = await generateKeyPair();
  const cert = await x.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: nameOf({ commonName: opts.commonName }),
      notBefore: new Date(opts.now - BACKDATE_MS),
      notAfter: new Date(opts.now + opts.validityDays * DAY_MS),
      keys,
      signingAlgorithm: EC_SIGN,
      extensions: [
        new x.BasicConstraintsExtension(true, undefined, true),
        new x.KeyUsagesExtension(
          x.KeyUsageFlags.keyCertSign | x.KeyUsageFlags.cRLSign | x.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem') + '\n', keyPem: keyToPem(keys.privateKey) };
}

export interface IssueCertificateOptions {
  /** The signing CA. */
  ca: CertKeyPair;
  subject: CertificateSubject;
  /** `server`: extKeyUsage serverAuth plus the SANs; `client`: extKeyUsage clientAuth. */
  usage: 'server' | 'client';
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** Milliseconds since the epoch; validity starts an hour before. */
  now: number;
  validityDays: number;
}

/** A fresh key pair and a certificate for it, signed by `ca`. */
export async function issueCertificate(opts: IssueCertificateOptions): Promise<CertKeyPair> {
  const x = await loadX509();
  const caCert = new x.X509Certificate(opts.ca.certPem);
  const signingKey = await importSigningKey(opts.ca.keyPem);
  const keys = await generateKeyPair();
  const extensions: X509.Extension[] = [
    new x.BasicConstraintsExtension(false, undefined, true),
    new x.KeyUsagesExtension(x.KeyUsageFlags.digitalSignature, true),
    new x.ExtendedKeyUsageExtension(
      [opts.usage === 'server' ? x.ExtendedKeyUsage.serverAuth : x.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
  ];
  const caKeyId = caCert.getExtension(x.SubjectKeyIdentifierExtension)?.keyId;
  if (caKeyId !== undefined) extensions.push(new x.AuthorityKeyIdentifierExtension(caKeyId));
  const names: X509.JsonGeneralName[] = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x.SubjectAlternativeNameExtension(names, false));
  const cert = await x.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: nameOf(opts.subject),
      issuer: caCert.subjectName,
      notBefore: new Date(opts.now - BACKDATE_MS),
      notAfter: new Date(opts.now + opts.validityDays * DAY_MS),
      publicKey: keys.publicKey,
      signingKey,
      signingAlgorithm: EC_SIGN,
      extensions,
    },
    crypto,
  );
  return { certPem: cert.toString('pem') + '\n', keyPem: keyToPem(keys.privateKey) };
}
