import { X509Certificate, createPrivateKey } from 'node:crypto';
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/index.ts';
import { PkiError, caCertHash, ensurePki, pkiFiles } from './index.ts';
import type { Pki } from './index.ts';

const DAY = 24 * 60 * 60 * 1000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-pki-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

async function snapshot(dataDir: string): Promise<Record<string, string>> {
  const f = pkiFiles(dataDir);
  const out: Record<string, string> = {};
  for (const p of [
    f.caCert,
    f.caKey,
    f.servingCert,
    f.servingKey,
    f.adminCert,
    f.adminKey,
    f.nodeToken,
  ]) {
    const st = await stat(p);
    out[p] = `${st.ino}:${st.mtimeMs}:${await readFile(p, 'utf8')}`;
  }
  return out;
}

function sans(pem: string): string {
  return new X509Certificate(pem).subjectAltName ?? '';
}

describe('ensurePki: first start', () => {
  it('creates the data dir, CA, serving and admin certificates and the node token', async () => {
    const dataDir = join(dir, 'data');
    const pki = await ensurePki({ dataDir, hosts: ['10.9.8.7', 'api.example.test', '[fd00::99]'] });
    expect(pki.changed).toEqual(['ca', 'serving', 'admin', 'node-token']);

    const ca = new X509Certificate(pki.caPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/^CN=podbay-ca@\d+$/);
    const caYears = (Date.parse(ca.validTo) - Date.now()) / (365 * DAY);
    expect(caYears).toBeGreaterThan(9.9);
    expect(caYears).toBeLessThan(10.1);
    expect(createPrivateKey(pki.caKeyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

    const serving = new X509Certificate(pki.servingCertPem);
    expect(serving.ca).toBe(false);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkIssued(ca)).toBe(true);
    expect(serving.checkPrivateKey(createPrivateKey(pki.servingKeyPem))).toBe(true);
    expect(serving.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extKeyUsage serverAuth
    const names = sans(pki.servingCertPem);
    for (const n of ['DNS:localhost', 'DNS:kubernetes.default.svc', 'DNS:api.example.test']) {
      expect(names).toContain(n);
    }
    expect(serving.checkHost(hostname().toLowerCase(), { subject: 'never' })).toBeDefined();
    for (const ip of ['127.0.0.1', '::1', '10.9.8.7', 'fd00::99']) {
      expect(serving.checkIP(ip)).toBeDefined();
    }
    for (const addrs of Object.values(networkInterfaces())) {
      for (const a of addrs ?? [])
        if (!a.internal) expect(serving.checkIP(a.address)).toBeDefined();
    }

    const admin = new X509Certificate(pki.adminCertPem);
    expect(admin.subject).toBe('CN=podbay-admin\nO=system:masters');
    expect(admin.verify(ca.publicKey)).toBe(true);
    expect(admin.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
    expect(admin.checkPrivateKey(createPrivateKey(pki.adminKeyPem))).toBe(true);

    expect(pki.nodeToken.token).toBe(`K10${caCertHash(pki.caPem)}::server:${pki.nodeToken.secret}`);
    expect(pki.nodeToken.secret).toMatch(/^[0-9a-f]{32}$/);
    expect((await readFile(pki.files.nodeToken, 'utf8')).trim()).toBe(pki.nodeToken.token);
  });

  it('writes what it returns, with 0700 directories, 0600 keys and token, 0644 certificates', async () => {
    const dataDir = join(dir, 'a', 'b');
    const pki = await ensurePki({ dataDir });
    const f = pki.files;
    expect(await mode(f.dataDir)).toBe(0o700);
    expect(await mode(f.pkiDir)).toBe(0o700);
    for (const p of [f.caKey, f.servingKey, f.adminKey, f.nodeToken])
      expect(await mode(p)).toBe(0o600);
    for (const p of [f.caCert, f.servingCert, f.adminCert]) expect(await mode(p)).toBe(0o644);
    expect(await readFile(f.caCert, 'utf8')).toBe(pki.caPem);
    expect(await readFile(f.caKey, 'utf8')).toBe(pki.caKeyPem);
    expect(await readFile(f.servingCert, 'utf8')).toBe(pki.servingCertPem);
    expect(await readFile(f.adminKey, 'utf8')).toBe(pki.adminKeyPem);
    expect((await readdir(f.pkiDir)).sort()).toEqual([
      'admin.crt',
      'admin.key',
      'apiserver.crt',
      'apiserver.key',
      'ca.crt',
      'ca.key',
    ]);
    expect((await readdir(f.dataDir)).sort()).toEqual(['node-token', 'pki']);
  });

  it('fails with one clear sentence when the data dir cannot be created', async () => {
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    const err: unknown = await ensurePki({ dataDir: join(file, 'data') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PkiError);
    expect((err as Error).message).toBe(
      `data dir ${join(file, 'data')} is not writable (a part of the path is not a directory): run as root or choose another with --data-dir`,
    );
    const err2: unknown = await ensurePki({ dataDir: file }).catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(/^data dir .* is not writable \(.*\): run as root/);
  });
});

describe('ensurePki: later starts', () => {
  it('reuses everything: a second call reads and changes nothing', async () => {
    const hosts = ['10.1.1.1', '*.apps.example.test', 'under_score.local', '[fd00::7]'];
    const first = await ensurePki({ dataDir: dir, hosts });
    const before = await snapshot(dir);
    const second = await ensurePki({ dataDir: dir, hosts });
    expect(second.changed).toEqual([]);
    expect(await snapshot(dir)).toEqual(before);
    expect(second.caPem).toBe(first.caPem);
    expect(second.servingCertPem).toBe(first.servingCertPem);
    expect(second.adminKeyPem).toBe(first.adminKeyPem);
    expect(second.nodeToken).toEqual(first.nodeToken);
  });

  it('re-issues the serving certificate, keeping the CA, when a wanted SAN is missing', async () => {
    const first = await ensurePki({ dataDir: dir });
    expect(sans(first.servingCertPem)).not.toContain('new.example.test');
    const second = await ensurePki({
      dataDir: dir,
      hosts: ['new.example.test:6443'.split(':')[0]!],
    });
    expect(second.changed).toEqual(['serving']);
    expect(second.caPem).toBe(first.caPem);
    expect(second.adminCertPem).toBe(first.adminCertPem);
    expect(second.nodeToken).toEqual(first.nodeToken);
    expect(sans(second.servingCertPem)).toContain('DNS:new.example.test');
    expect(second.servingKeyPem).not.toBe(first.servingKeyPem);
    expect(await readFile(second.files.servingCert, 'utf8')).toBe(second.servingCertPem);
    expect(await readFile(second.files.servingKey, 'utf8')).toBe(second.servingKeyPem);
    expect(await mode(second.files.servingKey)).toBe(0o600);
    expect(
      new X509Certificate(second.servingCertPem).verify(new X509Certificate(first.caPem).publicKey),
    ).toBe(true);

    // A new IP re-issues too; a name no longer wanted does not (extra SANs are harmless).
    expect((await ensurePki({ dataDir: dir, hosts: ['10.200.0.1'] })).changed).toEqual(['serving']);
    expect((await ensurePki({ dataDir: dir })).changed).toEqual([]);
    expect(await readdir(second.files.pkiDir)).not.toContain('.lock');
  });

  it('re-issues serving and admin certificates expiring within 30 days, keeping the CA', async () => {
    const start = Date.now();
    const first = await ensurePki({ dataDir: dir, clock: new FakeClock(start) });
    expect(
      (await ensurePki({ dataDir: dir, clock: new FakeClock(start + 330 * DAY) })).changed,
    ).toEqual([]);
    const later = await ensurePki({ dataDir: dir, clock: new FakeClock(start + 340 * DAY) });
    expect(later.changed).toEqual(['serving', 'admin']);
    expect(later.caPem).toBe(first.caPem);
    const serving = new X509Certificate(later.servingCertPem);
    expect(Date.parse(serving.validTo)).toBeGreaterThan(start + 700 * DAY);

    const err: unknown = await ensurePki({
      dataDir: dir,
      clock: new FakeClock(start + 3651 * DAY),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PkiError);
    expect((err as Error).message).toMatch(
      /^the CA in .* is unusable \(it expired on .*\); restore it, or delete/,
    );
  });

  it('tightens key and token permissions that were loosened', async () => {
    const pki = await ensurePki({ dataDir: dir });
    await chmod(pki.files.caKey, 0o644);
    await chmod(pki.files.nodeToken, 0o666);
    await chmod(pki.files.pkiDir, 0o755);
    const again = await ensurePki({ dataDir: dir });
    expect(again.changed).toEqual([]);
    expect(await mode(pki.files.caKey)).toBe(0o600);
    expect(await mode(pki.files.nodeToken)).toBe(0o600);
    expect(await mode(pki.files.pkiDir)).toBe(0o700);
  });
});

describe('ensurePki: damaged files', () => {
  // Policy: leaf certificates are derived data and are re-issued; the CA and node token are held
  // by others (kubeconfigs, joined nodes), so damage there is a clear error that changes nothing.
  const leafDamage: [string, (p: Pki) => Promise<void>][] = [
    ['a garbage certificate', (p) => writeFile(p.files.servingCert, 'garbage')],
    ['a truncated key', (p) => writeFile(p.files.servingKey, p.servingKeyPem.slice(0, 60))],
    ['an empty certificate file', (p) => writeFile(p.files.servingCert, '')],
    ['a missing key', (p) => rm(p.files.servingKey)],
    ['a key of another certificate', (p) => writeFile(p.files.servingKey, p.adminKeyPem)],
    [
      'a certificate of another CA',
      async (p) => {
        const other = await ensurePki({ dataDir: join(dir, 'other') });
        await writeFile(p.files.servingCert, other.servingCertPem);
        await writeFile(p.files.servingKey, other.servingKeyPem);
      },
    ],
  ];
  for (const [what, damage] of leafDamage) {
    it(`re-issues the serving certificate after ${what}`, async () => {
      const pki = await ensurePki({ dataDir: dir });
      await damage(pki);
      const again = await ensurePki({ dataDir: dir });
      expect(again.changed).toEqual(['serving']);
      expect(again.caPem).toBe(pki.caPem);
      const cert = new X509Certificate(await readFile(pki.files.servingCert, 'utf8'));
      expect(
        cert.checkPrivateKey(createPrivateKey(await readFile(pki.files.servingKey, 'utf8'))),
      ).toBe(true);
      expect(cert.verify(new X509Certificate(pki.caPem).publicKey)).toBe(true);
    });
  }

  it('re-issues an admin certificate whose subject is not the admin', async () => {
    const pki = await ensurePki({ dataDir: dir });
    await writeFile(pki.files.adminCert, pki.servingCertPem);
    await writeFile(pki.files.adminKey, pki.servingKeyPem);
    const again = await ensurePki({ dataDir: dir });
    expect(again.changed).toEqual(['admin']);
    expect(new X509Certificate(again.adminCertPem).subject).toBe(
      'CN=podbay-admin\nO=system:masters',
    );
  });

  const caDamage: [string, (p: Pki) => Promise<void>, RegExp][] = [
    ['garbage ca.crt', (p) => writeFile(p.files.caCert, 'garbage'), /not a PEM certificate/],
    [
      'garbage ca.key',
      (p) => writeFile(p.files.caKey, '-----BEGIN PRIVATE KEY-----\nAAAA\n'),
      /not a PEM private key/,
    ],
    ['a missing ca.key', (p) => rm(p.files.caKey), /ca\.key is missing/],
    ['a missing ca.crt', (p) => rm(p.files.caCert), /ca\.crt is missing/],
    [
      'both CA files missing beside others',
      async (p) => {
        await rm(p.files.caKey);
        await rm(p.files.caCert);
      },
      /ca\.crt is missing/,
    ],
    [
      'a CA key of another CA',
      async (p) => {
        const other = await ensurePki({ dataDir: join(dir, 'other') });
        await writeFile(p.files.caKey, other.caKeyPem);
      },
      /the key does not belong to the certificate/,
    ],
    [
      'a leaf certificate as CA',
      async (p) => {
        await writeFile(p.files.caCert, p.servingCertPem);
        await writeFile(p.files.caKey, p.servingKeyPem);
      },
      /not a CA/,
    ],
  ];
  for (const [what, damage, reason] of caDamage) {
    it(`refuses, changing nothing, after ${what}`, async () => {
      const pki = await ensurePki({ dataDir: dir });
      await damage(pki);
      const files = await readdir(pki.files.pkiDir);
      const contents = await Promise.all(
        files.map((f) => readFile(join(pki.files.pkiDir, f), 'utf8')),
      );
      const err: unknown = await ensurePki({ dataDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PkiError);
      const msg = (err as Error).message;
      expect(msg).toMatch(reason);
      expect(msg).toContain(`the CA in ${pki.files.pkiDir} is unusable`);
      expect(msg).toContain(`delete ${pki.files.pkiDir} to create a new CA`);
      expect(await readdir(pki.files.pkiDir)).toEqual(files);
      expect(
        await Promise.all(files.map((f) => readFile(join(pki.files.pkiDir, f), 'utf8'))),
      ).toEqual(contents);
    });
  }

  it('starts over after the user deletes pki/ as the message says, keeping the token secret', async () => {
    const pki = await ensurePki({ dataDir: dir });
    await rm(pki.files.pkiDir, { recursive: true });
    const fresh = await ensurePki({ dataDir: dir });
    expect(fresh.changed).toEqual(['ca', 'serving', 'admin', 'node-token']);
    expect(fresh.caPem).not.toBe(pki.caPem);
    expect(fresh.nodeToken.secret).toBe(pki.nodeToken.secret);
    expect(fresh.nodeToken.caHash).toBe(caCertHash(fresh.caPem));
    expect((await readFile(pki.files.nodeToken, 'utf8')).trim()).toBe(fresh.nodeToken.token);
  });

  it('treats an empty pki/ as no pki/', async () => {
    await mkdir(join(dir, 'pki'));
    expect((await ensurePki({ dataDir: dir })).changed).toContain('ca');
  });

  it('refuses an unparseable node token and keeps a user-chosen one', async () => {
    const pki = await ensurePki({ dataDir: dir });
    for (const bad of [
      '',
      'short',
      'has spaces in the middle of it',
      `K10${'0'.repeat(64)}::server:`,
    ]) {
      await writeFile(pki.files.nodeToken, bad);
      const err: unknown = await ensurePki({ dataDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PkiError);
      expect((err as Error).message).toMatch(
        /node-token does not hold a valid node token .*delete it to create a new one$/,
      );
      expect(await readFile(pki.files.nodeToken, 'utf8')).toBe(bad);
    }
    await writeFile(pki.files.nodeToken, 'my-own-token-0123456789\n');
    const own = await ensurePki({ dataDir: dir });
    expect(own.nodeToken).toEqual({
      token: 'my-own-token-0123456789',
      secret: 'my-own-token-0123456789',
      caHash: undefined,
    });
    expect(own.changed).toEqual([]);
  });
});

describe('ensurePki: crashes and concurrency', () => {
  it('sweeps a temp pki dir a crashed first start left, and a stale lock', async () => {
    const leftover = join(dir, '.pki-new-abc123');
    await mkdir(leftover);
    await writeFile(join(leftover, 'ca.key'), 'half');
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(leftover, old, old);
    const pki = await ensurePki({ dataDir: dir });
    expect(await readdir(dir)).not.toContain('.pki-new-abc123');

    // A crashed re-issue: a lock file of a dead process and a half-written temp key.
    await writeFile(join(pki.files.pkiDir, '.lock'), '999999999\n');
    const tmpKey = `${pki.files.servingKey}.tmp-999999999-aaaa`;
    await writeFile(tmpKey, 'half');
    await utimes(tmpKey, old, old);
    const again = await ensurePki({ dataDir: dir, hosts: ['after-crash.example.test'] });
    expect(again.changed).toEqual(['serving']);
    expect((await readdir(pki.files.pkiDir)).sort()).toEqual([
      'admin.crt',
      'admin.key',
      'apiserver.crt',
      'apiserver.key',
      'ca.crt',
      'ca.key',
    ]);
  });

  it('recovers from a crash between writing a new serving key and its certificate', async () => {
    const pki = await ensurePki({ dataDir: dir });
    const other = await ensurePki({ dataDir: join(dir, 'other') });
    await writeFile(pki.files.servingKey, other.servingKeyPem); // the new key landed, the cert did not
    const again = await ensurePki({ dataDir: dir });
    expect(again.changed).toEqual(['serving']);
    const cert = new X509Certificate(await readFile(pki.files.servingCert, 'utf8'));
    expect(
      cert.checkPrivateKey(createPrivateKey(await readFile(pki.files.servingKey, 'utf8'))),
    ).toBe(true);
  });

  it('concurrent first starts in one process agree on one CA and leave a consistent dir', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => ensurePki({ dataDir: dir })));
    const ca = results[0]!.caPem;
    for (const r of results) {
      expect(r.caPem).toBe(ca);
      expect(r.nodeToken).toEqual(results[0]!.nodeToken);
      expect(new X509Certificate(r.servingCertPem).verify(new X509Certificate(ca).publicKey)).toBe(
        true,
      );
    }
    expect(results.filter((r) => r.changed.includes('ca'))).toHaveLength(1);
    expect(results.filter((r) => r.changed.includes('node-token'))).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual(['node-token', 'pki']);
    expect((await ensurePki({ dataDir: dir })).changed).toEqual([]);
  });

  it('concurrent re-issues leave a matching key and certificate on disk', async () => {
    await ensurePki({ dataDir: dir });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        ensurePki({ dataDir: dir, hosts: [`host-${i}.example.test`] }),
      ),
    );
    for (const r of results) {
      expect(
        new X509Certificate(r.servingCertPem).checkPrivateKey(createPrivateKey(r.servingKeyPem)),
      ).toBe(true);
    }
    const f = pkiFiles(dir);
    const cert = new X509Certificate(await readFile(f.servingCert, 'utf8'));
    expect(cert.checkPrivateKey(createPrivateKey(await readFile(f.servingKey, 'utf8')))).toBe(true);
    expect(await readdir(f.pkiDir)).not.toContain('.lock');
  });
});
