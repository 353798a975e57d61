import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../util/index.ts';
import { ensureKubeletCerts, ensurePki, type Pki } from './index.ts';

const DAY = 24 * 60 * 60 * 1000;

/** The machine's interface addresses, which the serving certificate's SANs follow. */
function interfaceAddresses(): string {
  return Object.values(networkInterfaces())
    .flatMap((list) => (list ?? []).map((i) => i.address))
    .sort()
    .join(',');
}

/**
 * Other tests on this machine may add or remove an interface address (a bridge) at any time; the
 * serving certificate must then gain it. So a check for "nothing re-issued" allows that one.
 */
function servingIfMoved(addressesBefore: string): string[] {
  return interfaceAddresses() === addressesBefore ? [] : ['kubelet-serving'];
}
let dir: string;
let pki: Pki;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-kubelet-pki-'));
  pki = await ensurePki({ dataDir: dir });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const opts = (extra: { nodeName?: string; hosts?: string[]; clock?: FakeClock } = {}) => ({
  files: pki.files,
  caPem: pki.caPem,
  caKeyPem: pki.caKeyPem,
  nodeName: extra.nodeName ?? 'node-a',
  ...(extra.hosts ? { hosts: extra.hosts } : {}),
  ...(extra.clock ? { clock: extra.clock } : {}),
});

describe('ensureKubeletCerts', () => {
  it('issues the kubelet serving and the apiserver kubelet-client certificates from the CA', async () => {
    const certs = await ensureKubeletCerts(opts({ hosts: ['10.9.8.7'] }));
    expect(certs.changed).toEqual(['kubelet-serving', 'kubelet-client']);
    const ca = new X509Certificate(pki.caPem);

    const serving = new X509Certificate(certs.serving.certPem);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.subject.split('\n')).toEqual(['CN=system:node:node-a', 'O=system:nodes']);
    expect(serving.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    for (const name of ['node-a', 'localhost', hostname().toLowerCase()]) {
      expect(serving.checkHost(name, { subject: 'never' })).toBe(name);
    }
    expect(serving.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(serving.checkIP('10.9.8.7')).toBe('10.9.8.7');
    // The API server's Service names are not the kubelet's.
    expect(serving.checkHost('kubernetes.default', { subject: 'never' })).toBeUndefined();

    const client = new X509Certificate(certs.client.certPem);
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(client.subject.split('\n')).toEqual([
      'CN=kube-apiserver-kubelet-client',
      'O=system:masters',
    ]);
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);

    const f = pki.files;
    expect((await stat(f.kubeletServingKey)).mode & 0o777).toBe(0o600);
    expect((await stat(f.kubeletClientKey)).mode & 0o777).toBe(0o600);
    expect((await stat(f.kubeletServingCert)).mode & 0o777).toBe(0o644);
    expect((await readdir(f.pkiDir)).sort()).toEqual(
      [
        'admin.crt',
        'admin.key',
        'apiserver-kubelet-client.crt',
        'apiserver-kubelet-client.key',
        'apiserver.crt',
        'apiserver.key',
        'ca.crt',
        'ca.key',
        'kubelet.crt',
        'kubelet.key',
      ].sort(),
    );
  });

  it('reuses valid certificates and re-issues only what needs it', async () => {
    const addresses = interfaceAddresses();
    const first = await ensureKubeletCerts(opts());
    const again = await ensureKubeletCerts(opts());
    expect(again.changed).toEqual(servingIfMoved(addresses));
    if (again.changed.length === 0) expect(again.serving).toEqual(first.serving);
    expect(again.client).toEqual(first.client);

    // Another node name: the serving certificate lacks it.
    const renamed = await ensureKubeletCerts(opts({ nodeName: 'node-b' }));
    expect(renamed.changed).toEqual(['kubelet-serving']);
    expect(new X509Certificate(renamed.serving.certPem).subject).toContain('system:node:node-b');

    // A corrupted key is re-issued, with the reason logged.
    await writeFile(pki.files.kubeletClientKey, 'garbage');
    expect((await ensureKubeletCerts(opts({ nodeName: 'node-b' }))).changed).toEqual([
      ...servingIfMoved(addresses),
      'kubelet-client',
    ]);
  });

  it('renews certificates within 30 days of expiry', async () => {
    const start = Date.now();
    const addresses = interfaceAddresses();
    await ensureKubeletCerts(opts({ clock: new FakeClock(start) }));
    expect(
      (await ensureKubeletCerts(opts({ clock: new FakeClock(start + 300 * DAY) }))).changed,
    ).toEqual(servingIfMoved(addresses));
    const later = await ensureKubeletCerts(opts({ clock: new FakeClock(start + 340 * DAY) }));
    expect(later.changed).toEqual(['kubelet-serving', 'kubelet-client']);
  });

  it('re-issues certificates signed by another CA', async () => {
    await ensureKubeletCerts(opts());
    const other = await ensurePki({ dataDir: join(dir, 'other') });
    const certs = await ensureKubeletCerts({
      ...opts(),
      caPem: other.caPem,
      caKeyPem: other.caKeyPem,
    });
    expect(certs.changed).toEqual(['kubelet-serving', 'kubelet-client']);
    expect(
      new X509Certificate(certs.serving.certPem).verify(new X509Certificate(other.caPem).publicKey),
    ).toBe(true);
  });
});
