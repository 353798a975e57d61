/**
 * Certificate generation: ECDSA P-256 keys and X.509 v3 certificates signed with ECDSA-SHA256,
 * built with `node:crypto` and our DER writer (der.ts). The certificates carry what Go's
 * `x509.CreateCertificate` would write for the same template: PrintableString names, a SHA-1
 * subject key identifier (RFC 5280 §4.2.1.2, method 1), the CA's key identifier as the authority
 * key identifier, and an issuer copied byte for byte from the CA's subject (Go builds chains by
 * comparing those bytes).
 *
 * Output is PEM: certificates as `CERTIFICATE`, keys as PKCS#8 `PRIVATE KEY` (what Go's
 * `tls.X509KeyPair`, OpenSSL and Node all read).
 */
import {
  type KeyObject,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { isIPv4, parseIPSloppy } from '../../util/index.ts';
import {
  type Element,
  TAG,
  bitString,
  boolean,
  children,
  directoryString,
  explicit,
  implicitPrimitive,
  octetString,
  oid,
  readElement,
  sequence,
  setOf,
  time,
  unsignedInteger,
} from './der.ts';
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

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** keyUsage bits (RFC 5280 §4.2.1.3), numbered from the most significant bit of the first byte. */
const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

/** A positive, non-zero 128-bit serial number (RFC 5280 §4.1.2.2: at most 20 octets). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return unsignedInteger(bytes);
}

function name(subject: CertificateSubject): Buffer {
  const rdn = (type: string, value: string): Buffer =>
    setOf(sequence(oid(type), directoryString(value)));
  return sequence(
    rdn(OID.commonName, subject.commonName),
    ...(subject.organizations ?? []).map((o) => rdn(OID.organization, o)),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // DER leaves out a BOOLEAN that has its DEFAULT value (critical DEFAULT FALSE).
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** A named-bit BIT STRING (keyUsage) in DER: trailing zero bits dropped. */
function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return bitString(bytes, 7 - (highest & 7));
}

/** The public key's bytes (the uncompressed point) inside its SubjectPublicKeyInfo. */
function publicKeyBits(spki: Buffer): Buffer {
  const [, key] = children(readElement(spki));
  if (key?.tag !== TAG.bitString) throw new PkiError('unexpected SubjectPublicKeyInfo');
  return key.contents.subarray(1); // after the unused-bits byte
}

function subjectAltNames(dnsNames: readonly string[], ipAddresses: readonly string[]): Buffer {
  const ips = ipAddresses.map((text) => {
    const ip = parseIPSloppy(text);
    if (ip === null) throw new PkiError(`${text} is not an IP address`);
    // Four bytes for IPv4, as Go's x509 writes them; sixteen for IPv6.
    return implicitPrimitive(7, isIPv4(ip) ? ip.bytes.subarray(12) : ip.bytes);
  });
  return sequence(...dnsNames.map((n) => implicitPrimitive(2, Buffer.from(n, 'ascii'))), ...ips);
}

interface Template {
  subject: Buffer;
  issuer: Buffer;
  now: number;
  validityDays: number;
  spki: Buffer;
  extensions: Buffer[];
  signingKey: KeyObject;
}

/** Builds, signs and PEM-encodes a certificate. */
function certificate(t: Template): string {
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    serialNumber(),
    algorithm,
    t.issuer,
    sequence(time(t.now - BACKDATE_MS), time(t.now + t.validityDays * DAY_MS)),
    t.subject,
    t.spki,
    explicit(3, sequence(...t.extensions)),
  );
  const signature = sign('sha256', tbs, t.signingKey); // DER ECDSA-Sig-Value
  const der = sequence(tbs, algorithm, bitString(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function newKeyPair(): { privateKey: KeyObject; spki: Buffer; keyId: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(publicKeyBits(spki)).digest();
  return { privateKey, spki, keyId };
}

const keyPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

export interface CreateCaOptions {
  commonName: string;
  /** Milliseconds since the epoch; validity starts an hour before. */
  now: number;
  validityDays: number;
}

/** A self-signed CA (basicConstraints CA:TRUE, keyCertSign|cRLSign|digitalSignature). */
export function createCa(opts: CreateCaOptions): CertKeyPair {
  const keys = newKeyPair();
  const subject = name({ commonName: opts.commonName });
  const certPem = certificate({
    subject,
    issuer: subject,
    now: opts.now,
    validityDays: opts.validityDays,
    spki: keys.spki,
    signingKey: keys.privateKey,
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true))),
      extension(
        OID.keyUsage,
        true,
        namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]),
      ),
      extension(OID.subjectKeyIdentifier, false, octetString(keys.keyId)),
    ],
  });
  return { certPem, keyPem: keyPem(keys.privateKey) };
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

/** What a leaf needs from its CA: the CA's subject as encoded, its key identifier, its key. */
function readCa(ca: CertKeyPair): {
  subject: Buffer;
  keyId: Buffer | undefined;
  key: KeyObject;
} {
  let key: KeyObject;
  try {
    key = createPrivateKey(ca.keyPem);
  } catch (err) {
    throw new PkiError('the CA key cannot be read', { cause: err });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new PkiError('the CA key must be an ECDSA P-256 key');
  }
  try {
    const der = new X509Certificate(ca.certPem).raw;
    // Certificate → TBSCertificate → [version], serial, signature, issuer, validity, subject, ...
    const [tbs] = children(readElement(der));
    if (tbs === undefined) throw new RangeError('no TBSCertificate');
    const fields = children(tbs);
    const at = fields[0]?.tag === 0xa0 ? 1 : 0;
    const subject = fields[at + 4];
    if (subject?.tag !== TAG.sequence) throw new RangeError('no subject');
    return { subject: subject.raw, keyId: subjectKeyId(fields), key };
  } catch (err) {
    throw new PkiError('the CA certificate cannot be read', { cause: err });
  }
}

/** The subjectKeyIdentifier extension's key id among a TBSCertificate's fields, if any. */
function subjectKeyId(fields: readonly Element[]): Buffer | undefined {
  // extensions [3] EXPLICIT Extensions, a SEQUENCE OF Extension { extnID, critical?, extnValue }.
  const tagged = fields.find((f) => f.tag === 0xa3);
  if (tagged === undefined) return undefined;
  const want = oid(OID.subjectKeyIdentifier);
  for (const ext of children(readElement(tagged.contents))) {
    const parts = children(ext);
    if (parts[0]?.raw.equals(want) !== true) continue;
    const value = parts[parts.length - 1];
    // extnValue wraps the extension's own DER: here an OCTET STRING holding the key id.
    return value?.tag === TAG.octetString ? readElement(value.contents).contents : undefined;
  }
  return undefined;
}

/** A fresh key pair and a certificate for it, signed by `ca`. */
export function issueCertificate(opts: IssueCertificateOptions): CertKeyPair {
  const ca = readCa(opts.ca);
  const keys = newKeyPair();
  const extensions = [
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature])),
    extension(
      OID.extKeyUsage,
      false,
      sequence(oid(opts.usage === 'server' ? OID.serverAuth : OID.clientAuth)),
    ),
    extension(OID.subjectKeyIdentifier, false, octetString(keys.keyId)),
  ];
  if (ca.keyId !== undefined) {
    extensions.push(
      extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, ca.keyId))),
    );
  }
  const dnsNames = opts.dnsNames ?? [];
  const ipAddresses = opts.ipAddresses ?? [];
  if (dnsNames.length + ipAddresses.length > 0) {
    extensions.push(extension(OID.subjectAltName, false, subjectAltNames(dnsNames, ipAddresses)));
  }
  const certPem = certificate({
    subject: name(opts.subject),
    issuer: ca.subject,
    now: opts.now,
    validityDays: opts.validityDays,
    spki: keys.spki,
    signingKey: ca.key,
    extensions,
  });
  return { certPem, keyPem: keyPem(keys.privateKey) };
}
