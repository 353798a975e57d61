/**
 * ensureKubeletCerts: the two certificates of the API server ↔ kubelet connection, for a node that
 * runs in the same process as the control plane (`podbay server`), issued from the cluster CA that
 * ensurePki manages.
 *
 *   DIR/pki/kubelet.crt  0644                   the kubelet's serving certificate: CN=system:node:<node>,
 *   DIR/pki/kubelet.key  0600                   O=system:nodes, serverAuth; SANs: the node name, the
 *                                               machine's host name and addresses, localhost
 *   DIR/pki/apiserver-kubelet-client.crt 0644   what the API server presents to kubelets:
 *   DIR/pki/apiserver-kubelet-client.key 0600   CN=kube-apiserver-kubelet-client O=system:masters
 *                                               (kubeadm's names), clientAuth
 *
 * Like ensurePki's leaves: reused while valid, signed by the current CA, more than 30 days from
 * expiry and (serving) carrying every wanted name; otherwise re-issued under `pki/.lock`, key then
 * certificate each replaced atomically. Safe to call from several processes at once.
 *
 * A node agent on another machine (`podbay agent`) cannot read this CA key; it will get its
 * serving certificate through a bootstrap flow (a CSR signed by the control plane), not built yet.
 */
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { type Clock, type Logger, realClock, silentLogger } from '../../util/index.ts';
import { readOptional, removeStaleTemps, withLockFile, writeFileAtomic } from './atomic-file.ts';
import { checkLeaf, parsePair } from './cert-check.ts';
import { type CertKeyPair, issueCertificate } from './certificates.ts';
import { LEAF_VALIDITY_DAYS, type PkiFiles } from './ensure-pki.ts';
import { dataDirError } from './pki-error.ts';
import { servingNames } from './serving-names.ts';

/** The API server's user on kubelets (kubeadm's apiserver-kubelet-client certificate). */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';
export const KUBELET_CLIENT_GROUP = 'system:masters';

/** The names of the kubernetes Service, which belong on the API server's certificate only. */
const API_ONLY_NAMES = new Set([
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
]);

export interface EnsureKubeletCertsOptions {
  /** From ensurePki: where the files go, and the CA that signs them. */
  readonly files: PkiFiles;
  readonly caPem: string;
  readonly caKeyPem: string;
  /** The node's name (a SAN and the serving certificate's CN). */
  readonly nodeName: string;
  /** Extra names or addresses the API server may dial the kubelet at. */
  readonly hosts?: readonly string[];
  readonly logger?: Logger;
  readonly clock?: Clock;
}

export type KubeletCertArtifact = 'kubelet-serving' | 'kubelet-client';

export interface KubeletCerts {
  /** The kubelet's serving certificate and key (PEM). */
  readonly serving: CertKeyPair;
  /** The API server's kubelet-client certificate and key (PEM). */
  readonly client: CertKeyPair;
  /** The serving certificate's wanted names. */
  readonly servingNames: { dnsNames: string[]; ipAddresses: string[] };
  /** What this call issued; empty when both were reused. */
  readonly changed: KubeletCertArtifact[];
}

interface Leaf {
  artifact: KubeletCertArtifact;
  certPath: string;
  keyPath: string;
  check: (certPem: string, keyPem: string) => string | undefined;
  issue: () => CertKeyPair;
}

async function readLeaf(leaf: Leaf): Promise<CertKeyPair | string> {
  const [certPem, keyPem] = await Promise.all([
    readOptional(leaf.certPath),
    readOptional(leaf.keyPath),
  ]);
  if (certPem === undefined || keyPem === undefined) return 'it is missing';
  return leaf.check(certPem, keyPem) ?? { certPem, keyPem };
}

/** Creates or re-issues the kubelet serving and API-server kubelet-client certificates. */
export async function ensureKubeletCerts(opts: EnsureKubeletCertsOptions): Promise<KubeletCerts> {
  const { files } = opts;
  const logger = (opts.logger ?? silentLogger).with({ component: 'pki' });
  const clock = opts.clock ?? realClock;
  const ca = { certPem: opts.caPem, keyPem: opts.caKeyPem };
  const caCert = new X509Certificate(opts.caPem);
  const names = servingNames({ hosts: [opts.nodeName, ...(opts.hosts ?? [])] });
  for (const host of names.rejected) {
    logger.warn('ignoring a host that cannot be a certificate name', { host });
  }
  const wanted = {
    dnsNames: names.dnsNames.filter((n) => !API_ONLY_NAMES.has(n)),
    ipAddresses: names.ipAddresses,
  };
  const servingSubject = {
    commonName: `system:node:${opts.nodeName}`,
    organizations: ['system:nodes'],
  };
  const clientSubject = { commonName: KUBELET_CLIENT_USER, organizations: [KUBELET_CLIENT_GROUP] };
  const check =
    (extra: { subject: string[]; dnsNames?: string[]; ipAddresses?: string[] }) =>
    (certPem: string, keyPem: string): string | undefined => {
      const parsed = parsePair(certPem, keyPem);
      return typeof parsed === 'string'
        ? parsed
        : checkLeaf(parsed, { ca: caCert, now: clock.now(), ...extra });
    };
  const leaves: Leaf[] = [
    {
      artifact: 'kubelet-serving',
      certPath: files.kubeletServingCert,
      keyPath: files.kubeletServingKey,
      check: check({
        subject: [`CN=${servingSubject.commonName}`, 'O=system:nodes'],
        ...wanted,
      }),
      issue: () =>
        issueCertificate({
          ca,
          subject: servingSubject,
          usage: 'server',
          dnsNames: wanted.dnsNames,
          ipAddresses: wanted.ipAddresses,
          now: clock.now(),
          validityDays: LEAF_VALIDITY_DAYS,
        }),
    },
    {
      artifact: 'kubelet-client',
      certPath: files.kubeletClientCert,
      keyPath: files.kubeletClientKey,
      check: check({ subject: [`CN=${KUBELET_CLIENT_USER}`, `O=${KUBELET_CLIENT_GROUP}`] }),
      issue: () =>
        issueCertificate({
          ca,
          subject: clientSubject,
          usage: 'client',
          now: clock.now(),
          validityDays: LEAF_VALIDITY_DAYS,
        }),
    },
  ];

  try {
    const found = await Promise.all(leaves.map(readLeaf));
    const result = new Map<KubeletCertArtifact, CertKeyPair>();
    const bad: Leaf[] = [];
    leaves.forEach((leaf, i) => {
      const pair = found[i];
      if (pair === undefined || typeof pair === 'string') bad.push(leaf);
      else result.set(leaf.artifact, pair);
    });
    const changed: KubeletCertArtifact[] = [];
    if (bad.length > 0) {
      await withLockFile(join(files.pkiDir, '.lock'), async () => {
        await removeStaleTemps(files.pkiDir);
        for (const leaf of bad) {
          const again = await readLeaf(leaf); // another process may have issued it meanwhile
          if (typeof again !== 'string') {
            result.set(leaf.artifact, again);
            continue;
          }
          const pair = leaf.issue();
          await writeFileAtomic(leaf.keyPath, pair.keyPem, 0o600);
          await writeFileAtomic(leaf.certPath, pair.certPem, 0o644);
          logger.info('issued certificate', { cert: leaf.artifact, because: again });
          result.set(leaf.artifact, pair);
          changed.push(leaf.artifact);
        }
      });
    }
    const serving = result.get('kubelet-serving');
    const client = result.get('kubelet-client');
    if (!serving || !client) throw new Error(`${files.pkiDir} lost the kubelet certificates`);
    return { serving, client, servingNames: wanted, changed };
  } catch (err) {
    throw dataDirError(files.dataDir, err);
  }
}
