/**
 * ensurePki: the server's certificates and join token, created on the first start and reused after.
 *
 * Layout under the data dir (default /var/lib/podbay):
 *
 *   DIR/                   0700 when we create it
 *   DIR/pki/               0700
 *     ca.crt      0644     self-signed CA, ECDSA P-256, 10 years
 *     ca.key      0600
 *     apiserver.crt 0644   serving certificate (SANs: serving-names.ts), 1 year
 *     apiserver.key 0600
 *     admin.crt   0644     client certificate CN=podbay-admin O=system:masters, 1 year
 *     admin.key   0600
 *     .lock                present only while a process re-issues a certificate
 *   DIR/node-token 0600    K10 join token (node-token.ts)
 *   DIR/kubeconfig 0600    admin kubeconfig: written by the server with writeKubeconfig()
 *
 * Steps (each call):
 *   1. create DIR (0700) if missing; fail with one sentence if it is not writable.
 *   2. load the CA. No `pki/` (or an empty one): build CA + serving + admin in a temp dir and rename
 *      it to `pki/`. The rename is the commit point: a crash leaves no `pki/` (only a temp dir that a
 *      later start sweeps), and of several processes starting at once exactly one rename wins; the
 *      others discard their work and load the winner's.
 *   3. check the leaf certificates (serving, admin); re-issue, under `pki/.lock`, each one that is
 *      missing, unreadable, not ours, expiring within 30 days, or (serving) lacking a wanted SAN.
 *      The CA is kept. Key then cert are each replaced atomically; a crash in between leaves a
 *      mismatched pair, which the next start detects and re-issues.
 *   4. read or create the node token.
 * A second call with the same inputs reads and changes nothing.
 *
 * Corrupted files: leaf certificates and keys are derived data, so they are re-issued (logged, with
 * the reason). The CA is the root of every kubeconfig and every joined node, so an unusable CA
 * (unreadable, mismatched key, not a CA, not P-256, expired, one of the two files missing) is a
 * clear error instead: silently making a new one would lock everybody out. The message says how to
 * start over. The same goes for an unparseable node token. A user may supply their own CA by putting
 * ca.crt and ca.key (ECDSA P-256) in DIR/pki before the first start.
 */
import {
  access,
  constants,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  stat,
  chmod,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { type Clock, type Logger, realClock, silentLogger } from '../../util/index.ts';
import {
  readOptional,
  removeStaleTemps,
  syncDir,
  withLockFile,
  writeFileAtomic,
  writeNewFile,
} from './atomic-file.ts';
import { RENEW_BEFORE_MS, certTime, checkCa, checkLeaf, parsePair } from './cert-check.ts';
import { type CertKeyPair, createCa, issueCertificate } from './certificates.ts';
import { type NodeToken, ensureNodeToken } from './node-token.ts';
import { PkiError, dataDirError, errnoCode } from './pki-error.ts';
import { servingNames } from './serving-names.ts';

/** The admin user of the generated kubeconfig: a cluster superuser, as in kubeadm's admin.conf. */
export const ADMIN_USER = 'podbay-admin';
export const ADMIN_GROUP = 'system:masters';
export const SERVING_COMMON_NAME = 'podbay-apiserver';
export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 365;

export interface PkiFiles {
  dataDir: string;
  pkiDir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  nodeToken: string;
  /** Where the server should write the admin kubeconfig. */
  kubeconfig: string;
  /** The in-process node agent's kubelet serving certificate and key (ensureKubeletCerts). */
  kubeletServingCert: string;
  kubeletServingKey: string;
  /** The API server's client certificate and key for kubelets (ensureKubeletCerts). */
  kubeletClientCert: string;
  kubeletClientKey: string;
}

/** The paths of everything ensurePki manages under `dataDir`. */
export function pkiFiles(dataDir: string): PkiFiles {
  const dir = resolve(dataDir);
  const pkiDir = join(dir, 'pki');
  return {
    dataDir: dir,
    pkiDir,
    caCert: join(pkiDir, 'ca.crt'),
    caKey: join(pkiDir, 'ca.key'),
    servingCert: join(pkiDir, 'apiserver.crt'),
    servingKey: join(pkiDir, 'apiserver.key'),
    adminCert: join(pkiDir, 'admin.crt'),
    adminKey: join(pkiDir, 'admin.key'),
    nodeToken: join(dir, 'node-token'),
    kubeconfig: join(dir, 'kubeconfig'),
    kubeletServingCert: join(pkiDir, 'kubelet.crt'),
    kubeletServingKey: join(pkiDir, 'kubelet.key'),
    kubeletClientCert: join(pkiDir, 'apiserver-kubelet-client.crt'),
    kubeletClientKey: join(pkiDir, 'apiserver-kubelet-client.key'),
  };
}

export type PkiArtifact = 'ca' | 'serving' | 'admin' | 'node-token';

export interface EnsurePkiOptions {
  /** The data dir; created (0700) if missing. */
  dataDir: string;
  /**
   * Extra names for the serving certificate: the `--listen` host, a public name or IP, a Service
   * cluster IP. Hosts only, no ports; IPv6 with or without brackets. Names that cannot be a SAN are
   * logged and skipped; `0.0.0.0` and `::` are skipped (the interface addresses cover them).
   */
  hosts?: readonly string[];
  logger?: Logger;
  /** Time source for validity periods and expiry checks. */
  clock?: Clock;
}

export interface Pki {
  files: PkiFiles;
  /** CA certificate (PEM): what clients trust and what client certificates must chain to. */
  caPem: string;
  /** CA private key (PEM), for issuing more certificates (issueClientCertificate). */
  caKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  nodeToken: NodeToken;
  /** The serving certificate's wanted names (it may carry more, from an earlier start). */
  servingNames: { dnsNames: string[]; ipAddresses: string[] };
  /** What this call created or re-issued; empty when everything was reused. */
  changed: PkiArtifact[];
}

interface LoadedCa {
  pair: CertKeyPair;
  cert: X509Certificate;
}

interface LeafSpec {
  artifact: 'serving' | 'admin';
  certPath: string;
  keyPath: string;
  check: (certPem: string, keyPem: string) => string | undefined;
  issue: () => CertKeyPair;
}

/**
 * Creates the CA, serving and admin certificates and the node token on first call; later calls
 * reuse them, re-issuing only leaf certificates that need it (see the file comment). Safe to call
 * from several processes at once. Throws PkiError with a one-sentence message when the data dir is
 * not writable or the CA or node token on disk is unusable.
 */
export async function ensurePki(opts: EnsurePkiOptions): Promise<Pki> {
  const files = pkiFiles(opts.dataDir);
  const logger = (opts.logger ?? silentLogger).with({ component: 'pki' });
  const clock = opts.clock ?? realClock;
  const names = servingNames({ hosts: opts.hosts ?? [] });
  for (const host of names.rejected) {
    logger.warn('ignoring a host that cannot be a certificate name', { host });
  }
  const wanted = { dnsNames: names.dnsNames, ipAddresses: names.ipAddresses };
  try {
    await mkdir(files.dataDir, { recursive: true, mode: 0o700 });
    await access(files.dataDir, constants.W_OK);
    const changed: PkiArtifact[] = [];

    let ca = await loadCa(files, clock.now(), logger);
    if (ca === undefined) {
      if (await createPkiDir(files, wanted, clock.now(), logger)) {
        changed.push('ca', 'serving', 'admin');
      }
      ca = await loadCa(files, clock.now(), logger);
      if (ca === undefined) throw new PkiError(`${files.pkiDir} vanished while podbay created it`);
    }
    const caPair = ca.pair;
    const caCert = ca.cert;

    const specs: LeafSpec[] = [
      {
        artifact: 'serving',
        certPath: files.servingCert,
        keyPath: files.servingKey,
        check: (c, k) => leafReason(c, k, { ca: caCert, now: clock.now(), ...wanted }),
        issue: () => issueServing(caPair, wanted, clock.now()),
      },
      {
        artifact: 'admin',
        certPath: files.adminCert,
        keyPath: files.adminKey,
        check: (c, k) =>
          leafReason(c, k, {
            ca: caCert,
            now: clock.now(),
            subject: [`CN=${ADMIN_USER}`, `O=${ADMIN_GROUP}`],
          }),
        issue: () => issueAdmin(caPair, clock.now()),
      },
    ];
    const leaves = await ensureLeaves(files, specs, logger, changed);

    const nodeToken = await ensureNodeToken({
      path: files.nodeToken,
      caPem: caPair.certPem,
      logger,
    });
    if (nodeToken.changed) changed.push('node-token');
    await tightenModes(
      [
        [files.pkiDir, 0o700],
        [files.caKey, 0o600],
        [files.servingKey, 0o600],
        [files.adminKey, 0o600],
        [files.nodeToken, 0o600],
      ],
      logger,
    );

    return {
      files,
      caPem: caPair.certPem,
      caKeyPem: caPair.keyPem,
      servingCertPem: leaves.serving.certPem,
      servingKeyPem: leaves.serving.keyPem,
      adminCertPem: leaves.admin.certPem,
      adminKeyPem: leaves.admin.keyPem,
      nodeToken: {
        token: nodeToken.token,
        secret: nodeToken.secret,
        caHash: nodeToken.caHash,
      },
      servingNames: wanted,
      changed,
    };
  } catch (err) {
    throw dataDirError(files.dataDir, err);
  }
}

function caError(files: PkiFiles, reason: string): PkiError {
  return new PkiError(
    `the CA in ${files.pkiDir} is unusable (${reason}); restore it, or delete ${files.pkiDir} to create a new CA, which invalidates existing kubeconfigs and joined nodes`,
  );
}

/**
 * The CA on disk; undefined when there is none yet (no `pki/`, or an empty one). The directory is
 * listed before the files are read: another process's `pki/` appears whole at its rename, so a
 * listing that finds it means its files are there, while reading the files first could miss them
 * and then list the dir the rename has just put in place.
 */
async function loadCa(files: PkiFiles, now: number, logger: Logger): Promise<LoadedCa | undefined> {
  const entries = await readdir(files.pkiDir).catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  });
  if (entries.length === 0) return undefined;
  const [certPem, keyPem] = await Promise.all([
    readOptional(files.caCert),
    readOptional(files.caKey),
  ]);
  if (certPem === undefined || keyPem === undefined) {
    throw caError(files, `${certPem === undefined ? 'ca.crt' : 'ca.key'} is missing`);
  }
  const parsed = parsePair(certPem, keyPem);
  if (typeof parsed === 'string') throw caError(files, parsed);
  const bad = checkCa(parsed, now);
  if (bad !== undefined) throw caError(files, bad);
  if (certTime(parsed.cert.validTo) - now < RENEW_BEFORE_MS) {
    logger.warn('the CA expires soon; plan to replace it', { validTo: parsed.cert.validTo });
  }
  return { pair: { certPem, keyPem }, cert: parsed.cert };
}

/**
 * Builds a complete `pki/` in a temp dir and renames it into place. Returns false when another
 * process's `pki/` got there first (ours is then discarded).
 */
async function createPkiDir(
  files: PkiFiles,
  wanted: { dnsNames: string[]; ipAddresses: string[] },
  now: number,
  logger: Logger,
): Promise<boolean> {
  await removeStaleTemps(files.dataDir, ['.pki-new-']);
  const started = performance.now();
  const tmp = await mkdtemp(join(files.dataDir, '.pki-new-')); // mode 0700
  try {
    const ca = createCa({
      commonName: `podbay-ca@${Math.floor(now / 1000)}`,
      now,
      validityDays: CA_VALIDITY_DAYS,
    });
    const serving = issueServing(ca, wanted, now);
    const admin = issueAdmin(ca, now);
    await Promise.all([
      writeNewFile(join(tmp, 'ca.crt'), ca.certPem, 0o644),
      writeNewFile(join(tmp, 'ca.key'), ca.keyPem, 0o600),
      writeNewFile(join(tmp, 'apiserver.crt'), serving.certPem, 0o644),
      writeNewFile(join(tmp, 'apiserver.key'), serving.keyPem, 0o600),
      writeNewFile(join(tmp, 'admin.crt'), admin.certPem, 0o644),
      writeNewFile(join(tmp, 'admin.key'), admin.keyPem, 0o600),
    ]);
    await syncDir(tmp);
    try {
      await rename(tmp, files.pkiDir);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw err;
    }
    await syncDir(files.dataDir);
    logger.info('created CA, serving and admin certificates', {
      dir: files.pkiDir,
      ms: Math.round(performance.now() - started),
    });
    return true;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function leafReason(
  certPem: string,
  keyPem: string,
  wanted: Parameters<typeof checkLeaf>[1],
): string | undefined {
  const parsed = parsePair(certPem, keyPem);
  return typeof parsed === 'string' ? parsed : checkLeaf(parsed, wanted);
}

async function readLeaf(spec: LeafSpec): Promise<CertKeyPair | string> {
  const [certPem, keyPem] = await Promise.all([
    readOptional(spec.certPath),
    readOptional(spec.keyPath),
  ]);
  if (certPem === undefined || keyPem === undefined) return 'it is missing';
  return spec.check(certPem, keyPem) ?? { certPem, keyPem };
}

/** Loads each leaf; re-issues the unusable ones under the lock (re-checking there first). */
async function ensureLeaves(
  files: PkiFiles,
  specs: readonly LeafSpec[],
  logger: Logger,
  changed: PkiArtifact[],
): Promise<Record<LeafSpec['artifact'], CertKeyPair>> {
  const found = await Promise.all(specs.map(readLeaf));
  const result: Partial<Record<LeafSpec['artifact'], CertKeyPair>> = {};
  const bad: LeafSpec[] = [];
  specs.forEach((spec, i) => {
    const leaf = found[i];
    if (leaf === undefined || typeof leaf === 'string') bad.push(spec);
    else result[spec.artifact] = leaf;
  });
  if (bad.length > 0) {
    await withLockFile(join(files.pkiDir, '.lock'), async () => {
      await removeStaleTemps(files.pkiDir);
      for (const spec of bad) {
        const again = await readLeaf(spec); // another process may have fixed it meanwhile
        if (typeof again !== 'string') {
          result[spec.artifact] = again;
          continue;
        }
        const pair = spec.issue();
        await writeFileAtomic(spec.keyPath, pair.keyPem, 0o600);
        await writeFileAtomic(spec.certPath, pair.certPem, 0o644);
        logger.info('issued certificate', { cert: spec.artifact, because: again });
        result[spec.artifact] = pair;
        changed.push(spec.artifact);
      }
    });
  }
  const { serving, admin } = result;
  if (serving === undefined || admin === undefined) {
    throw new PkiError(`${files.pkiDir} is missing certificates podbay just checked`);
  }
  return { serving, admin };
}

function issueServing(
  ca: CertKeyPair,
  wanted: { dnsNames: string[]; ipAddresses: string[] },
  now: number,
): CertKeyPair {
  return issueCertificate({
    ca,
    subject: { commonName: SERVING_COMMON_NAME },
    usage: 'server',
    dnsNames: wanted.dnsNames,
    ipAddresses: wanted.ipAddresses,
    now,
    validityDays: LEAF_VALIDITY_DAYS,
  });
}

function issueAdmin(ca: CertKeyPair, now: number): CertKeyPair {
  return issueCertificate({
    ca,
    subject: { commonName: ADMIN_USER, organizations: [ADMIN_GROUP] },
    usage: 'client',
    now,
    validityDays: LEAF_VALIDITY_DAYS,
  });
}

/** Takes group/other permissions away from key material that has them (e.g. after a copy). */
async function tightenModes(
  entries: readonly (readonly [string, number])[],
  logger: Logger,
): Promise<void> {
  await Promise.all(
    entries.map(async ([path, mode]) => {
      const st = await stat(path);
      if ((st.mode & 0o077) !== 0) {
        await chmod(path, mode);
        logger.warn('tightened permissions', { path, mode: mode.toString(8) });
      }
    }),
  );
}
