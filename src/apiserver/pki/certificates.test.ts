import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertKeyPair, createCa, issueCertificate } from './certificates.ts';
import { type Element, TAG, children, oid, readElement } from './der.ts';

const run = promisify(execFile);
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

/**
 * A CA as podbay wrote them before its own DER writer (with @peculiar/x509): existing data dirs
 * hold such CAs, and leaves issued now must chain to them. A test key, used nowhere else.
 */
const EARLIER_CA: CertKeyPair = {
  certPem: `-----BEGIN CERTIFICATE-----
MIIBZzCCAQ6gAwIBAgIQX4TX6IvLVoRdgej71nn4azAKBggqhkjOPQQDAjAUMRIw
EAYDVQQDEwlwb2RiYXktY2EwHhcNMjYxMTIzMDU0NTMzWhcNMzYxMTIwMDY0NTMz
WjAUMRIwEAYDVQQDEwlwb2RiYXktY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AAQ0P/xVvcdL5La7AySGj4up0iaIL+SEu6sr07iHwqwpiOB3/tHbhLe5azBPbvBm
HWhim7zEXhsh8WmRD1YL1eASo0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB
/wQEAwIBhjAdBgNVHQ4EFgQU2DPvRv08a8xcJknucnQRp6NbnE4wCgYIKoZIzj0E
AwIDRwAwRAIgEvpCVvQfiL44aCjDSnIdF3BYHkooG0K9qMINSaY7efICIGbRxAnC
AgwgFBhJtyVmETwbHJ5ILMdriUsToEWhZwK7
-----END CERTIFICATE-----
`,
  keyPem: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPKOdU7Xw0Gfwj8Km
gKU9KILoLpIJePjZsS9kSEaQExehRANCAAQ0P/xVvcdL5La7AySGj4up0iaIL+SE
u6sr07iHwqwpiOB3/tHbhLe5azBPbvBmHWhim7zEXhsh8WmRD1YL1eAS
-----END PRIVATE KEY-----
`,
};

/** The TBSCertificate's fields, the version tag skipped: serial, algorithm, issuer, validity, subject, spki, [3]. */
function tbsFields(pem: string): Element[] {
  const [tbs] = children(readElement(new X509Certificate(pem).raw));
  const fields = children(tbs!);
  return fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
}

/** Extension id → { critical, value (the DER inside extnValue) }. */
function extensions(pem: string): Map<string, { critical: boolean; value: Buffer }> {
  const tagged = tbsFields(pem).find((f) => f.tag === 0xa3)!;
  const out = new Map<string, { critical: boolean; value: Buffer }>();
  for (const ext of children(readElement(tagged.contents))) {
    const parts = children(ext);
    const id = ['2.5.29.14', '2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.35', '2.5.29.37'].find(
      (d) => oid(d).equals(parts[0]!.raw),
    );
    out.set(id ?? 'unknown', {
      critical: parts.length === 3 && parts[1]!.contents[0] === 0xff,
      value: parts[parts.length - 1]!.contents,
    });
  }
  return out;
}

/** A one-day client certificate for `commonName`, signed by `signer`. */
function issueClient(signer: CertKeyPair, commonName = 'x'): CertKeyPair {
  return issueCertificate({
    ca: signer,
    subject: { commonName },
    usage: 'client',
    now: NOW,
    validityDays: 1,
  });
}

describe('certificates', () => {
  let ca: CertKeyPair;
  let server: CertKeyPair;
  let client: CertKeyPair;
  let dir: string;

  beforeAll(async () => {
    ca = createCa({ commonName: 'podbay-ca@1', now: NOW, validityDays: 3650 });
    server = issueCertificate({
      ca,
      subject: { commonName: 'podbay-apiserver' },
      usage: 'server',
      dnsNames: ['localhost', 'kubernetes.default.svc'],
      ipAddresses: ['127.0.0.1', '::1', 'fe80::1'],
      now: NOW,
      validityDays: 365,
    });
    client = issueCertificate({
      ca,
      subject: { commonName: 'jane', organizations: ['system:masters', 'dev ops', 'équipe'] },
      usage: 'client',
      now: NOW,
      validityDays: 365,
    });
    dir = await mkdtemp(join(tmpdir(), 'podbay-certs-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes a self-signed P-256 CA that OpenSSL reads as a CA', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=podbay-ca@1');
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(createPrivateKey(ca.keyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const ext = extensions(ca.certPem);
    expect(ext.get('2.5.29.19')).toEqual({
      critical: true,
      value: Buffer.from('30030101ff', 'hex'),
    });
    // keyUsage: digitalSignature, keyCertSign, cRLSign (bits 0, 5, 6; one unused bit).
    expect(ext.get('2.5.29.15')).toEqual({ critical: true, value: Buffer.from('03020186', 'hex') });
    expect(ext.get('2.5.29.14')?.critical).toBe(false);
  });

  it('backdates validity by an hour and keeps whole seconds', () => {
    const cert = new X509Certificate(server.certPem);
    expect(Date.parse(cert.validFrom)).toBe(NOW - 60 * 60 * 1000);
    expect(Date.parse(cert.validTo)).toBe(NOW + 365 * 24 * 60 * 60 * 1000);
  });

  it('writes GeneralizedTime from 2050 on and UTCTime before (RFC 5280)', () => {
    const late = issueCertificate({
      ca,
      subject: { commonName: 'late' },
      usage: 'client',
      now: Date.UTC(2049, 11, 31, 12, 0, 0),
      validityDays: 2,
    });
    const [, , , validity] = tbsFields(late.certPem);
    const [from, to] = children(validity!);
    expect(from?.tag).toBe(TAG.utcTime);
    expect(from?.contents.toString()).toBe('491231110000Z');
    expect(to?.tag).toBe(TAG.generalizedTime);
    expect(to?.contents.toString()).toBe('20500102120000Z');
    expect(new X509Certificate(late.certPem).validTo).toBe('Jan  2 12:00:00 2050 GMT');
  });

  it('issues a serving certificate with its SANs, chained to the CA', () => {
    const cert = new X509Certificate(server.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(server.keyPem))).toBe(true);
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, DNS:kubernetes.default.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:FE80:0:0:0:0:0:0:1',
    );
    expect(cert.checkHost('kubernetes.default.svc', { subject: 'never' })).toBe(
      'kubernetes.default.svc',
    );
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extKeyUsage serverAuth
    const ext = extensions(server.certPem);
    expect(ext.get('2.5.29.19')).toEqual({ critical: true, value: Buffer.from('3000', 'hex') });
    // keyUsage: digitalSignature only (bit 0; seven unused bits).
    expect(ext.get('2.5.29.15')).toEqual({ critical: true, value: Buffer.from('03020780', 'hex') });
    // The authority key id is the CA's subject key id.
    const caKeyId = readElement(extensions(ca.certPem).get('2.5.29.14')!.value).contents;
    const aki = children(readElement(ext.get('2.5.29.35')!.value));
    expect(aki[0]?.tag).toBe(0x80);
    expect(aki[0]?.contents.equals(caKeyId)).toBe(true);
  });

  it('issues a client certificate with the groups as O, and no SANs', () => {
    const cert = new X509Certificate(client.certPem);
    expect(cert.subject.split('\n')).toEqual([
      'CN=jane',
      'O=system:masters',
      'O=dev ops',
      'O=équipe',
    ]);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // extKeyUsage clientAuth
    expect(cert.subjectAltName).toBeUndefined();
    // PrintableString where the value allows it, UTF8String otherwise (as Go's x509 writes names).
    const subject = children(tbsFields(client.certPem)[4]!).map(
      (rdn) => children(children(rdn)[0]!)[1]!.tag,
    );
    expect(subject).toEqual([
      TAG.printableString,
      TAG.printableString,
      TAG.printableString,
      TAG.utf8String,
    ]);
  });

  it('gives every certificate its own key and serial number', () => {
    const again = issueClient(ca, 'jane');
    const a = new X509Certificate(client.certPem);
    const b = new X509Certificate(again.certPem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.publicKey.equals(b.publicKey)).toBe(false);
  });

  it('chains a leaf to a CA written by earlier podbay versions: issuer bytes and key id match', () => {
    const leaf = issueClient(EARLIER_CA, 'node');
    const caCert = new X509Certificate(EARLIER_CA.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    // Go builds chains by comparing the leaf's issuer with the CA's subject, byte for byte.
    expect(tbsFields(leaf.certPem)[2]!.raw.equals(tbsFields(EARLIER_CA.certPem)[4]!.raw)).toBe(
      true,
    );
    const caKeyId = readElement(extensions(EARLIER_CA.certPem).get('2.5.29.14')!.value).contents;
    const aki = children(readElement(extensions(leaf.certPem).get('2.5.29.35')!.value));
    expect(aki[0]?.contents.equals(caKeyId)).toBe(true);
  });

  it('passes OpenSSL strict verification for its purpose', async () => {
    await writeFile(join(dir, 'ca.crt'), ca.certPem);
    await writeFile(join(dir, 'server.crt'), server.certPem);
    await writeFile(join(dir, 'client.crt'), client.certPem);
    const verify = (purpose: string, file: string): Promise<{ stdout: string }> =>
      run('openssl', [
        'verify',
        '-x509_strict',
        '-attime',
        String(NOW / 1000),
        '-purpose',
        purpose,
        '-CAfile',
        join(dir, 'ca.crt'),
        join(dir, file),
      ]);
    await expect(verify('sslserver', 'server.crt')).resolves.toMatchObject({
      stdout: `${join(dir, 'server.crt')}: OK\n`,
    });
    await expect(verify('sslclient', 'client.crt')).resolves.toMatchObject({
      stdout: `${join(dir, 'client.crt')}: OK\n`,
    });
    // And the purpose is enforced: a client certificate is no server's.
    await expect(verify('sslserver', 'client.crt')).rejects.toThrow(
      /unsuitable certificate purpose/,
    );
  });

  it('refuses a CA key that is not P-256 or not a key, and a CA certificate it cannot read', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    const p384Pem = p384.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => issueClient({ ...ca, keyPem: p384Pem })).toThrow(
      'the CA key must be an ECDSA P-256 key',
    );
    const junk = '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n';
    expect(() => issueClient({ ...ca, keyPem: junk })).toThrow('the CA key cannot be read');
    const truncated = '-----BEGIN CERTIFICATE-----\nMIIBZzCC\n-----END CERTIFICATE-----\n';
    expect(() => issueClient({ ...ca, certPem: truncated })).toThrow(
      'the CA certificate cannot be read',
    );
  });
});
