/**
 * Kubeconfig files: writing the admin kubeconfig (credentials embedded as base64 `*-data` fields,
 * which kubectl, client-go and @kubernetes/client-node read) and reading one back for our own CLI
 * and client.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from './atomic-file.ts';
import { PkiError, errnoCode } from './pki-error.ts';

export interface WriteKubeconfigOptions {
  path: string;
  /** The API server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** CA certificate PEM the client trusts for the server. */
  caPem: string;
  /** Client certificate and key (PEM): give both, or `token` instead. */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** A bearer token, instead of a client certificate. */
  token?: string;
  /** Defaults to `podbay`. */
  clusterName?: string;
  /** Defaults to `podbay-admin`. */
  userName?: string;
  /** Defaults to the cluster name. */
  contextName?: string;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/**
 * Writes a kubeconfig with one cluster, one user and one context, and makes that context current.
 * Replaces the whole file (mode 0600) atomically; creates the parent directory (0700) if missing.
 */
export async function writeKubeconfig(opts: WriteKubeconfigOptions): Promise<void> {
  const clusterName = opts.clusterName ?? 'podbay';
  const userName = opts.userName ?? 'podbay-admin';
  const contextName = opts.contextName ?? clusterName;
  const hasCert = opts.clientCertPem !== undefined || opts.clientKeyPem !== undefined;
  if (hasCert && (opts.clientCertPem === undefined || opts.clientKeyPem === undefined)) {
    throw new PkiError('a kubeconfig needs both the client certificate and its key, or neither');
  }
  if (hasCert === (opts.token !== undefined)) {
    throw new PkiError(
      'a kubeconfig needs exactly one credential: a client certificate or a token',
    );
  }
  const user: Record<string, string> =
    opts.clientCertPem !== undefined && opts.clientKeyPem !== undefined
      ? {
          'client-certificate-data': b64(opts.clientCertPem),
          'client-key-data': b64(opts.clientKeyPem),
        }
      : { token: opts.token ?? '' };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name: clusterName,
        cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caPem) },
      },
    ],
    users: [{ name: userName, user }],
    contexts: [{ name: contextName, context: { cluster: clusterName, user: userName } }],
    'current-context': contextName,
  };
  await mkdir(dirname(opts.path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(opts.path, stringify(doc, { lineWidth: 0 }), 0o600);
}

export interface Kubeconfig {
  contextName: string;
  clusterName: string;
  userName: string;
  server: string;
  /** PEM, from `certificate-authority-data` or the `certificate-authority` file; undefined if neither. */
  caPem: string | undefined;
  /** `insecure-skip-tls-verify: true` in the cluster. */
  insecureSkipTlsVerify: boolean;
  clientCertPem: string | undefined;
  clientKeyPem: string | undefined;
  token: string | undefined;
}

export interface ReadKubeconfigOptions {
  /** The context to use instead of `current-context`. */
  context?: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Reads a kubeconfig and resolves its current context (or `opts.context`) to the server URL, CA and
 * credentials. Accepts embedded `*-data` fields and file references (relative to the kubeconfig's
 * directory, as kubectl resolves them) and `token`/`tokenFile`. Every failure is a PkiError naming
 * the file and what is wrong with it.
 */
export async function readKubeconfig(
  path: string,
  opts: ReadKubeconfigOptions = {},
): Promise<Kubeconfig> {
  const fail = (what: string, cause?: unknown): PkiError =>
    new PkiError(`kubeconfig ${path}: ${what}`, cause === undefined ? undefined : { cause });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    throw fail(
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'unreadable',
      err,
    );
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    throw fail(`not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : ''})`, err);
  }
  if (!isObj(doc)) throw fail('not a kubeconfig (expected a YAML mapping)');

  const named = (list: string, name: string, field: string): Obj => {
    const items = doc[list];
    const item = Array.isArray(items)
      ? items.find((i: unknown): i is Obj => isObj(i) && i['name'] === name)
      : undefined;
    const body = item?.[field];
    if (!isObj(body)) throw fail(`no ${field} named "${name}" in ${list}`);
    return body;
  };

  const contextName = opts.context ?? str(doc, 'current-context');
  if (contextName === undefined) throw fail('current-context is not set');
  const context = named('contexts', contextName, 'context');
  const clusterName = str(context, 'cluster');
  if (clusterName === undefined) throw fail(`context "${contextName}" names no cluster`);
  const cluster = named('clusters', clusterName, 'cluster');
  const server = str(cluster, 'server');
  if (server === undefined) throw fail(`cluster "${clusterName}" has no server`);
  const userName = str(context, 'user');
  const user = userName === undefined ? {} : named('users', userName, 'user');

  const base = dirname(path);
  const material = async (
    o: Obj,
    dataKey: string,
    fileKey: string,
  ): Promise<string | undefined> => {
    const data = str(o, dataKey);
    if (data !== undefined) {
      const decoded = Buffer.from(data, 'base64').toString('utf8');
      if (!decoded.includes('-----BEGIN ')) throw fail(`${dataKey} is not base64 of a PEM block`);
      return decoded;
    }
    const file = str(o, fileKey);
    if (file === undefined) return undefined;
    const full = isAbsolute(file) ? file : join(base, file);
    try {
      return await readFile(full, 'utf8');
    } catch (err) {
      throw fail(`${fileKey} ${full} cannot be read`, err);
    }
  };

  const caPem = await material(cluster, 'certificate-authority-data', 'certificate-authority');
  const clientCertPem = await material(user, 'client-certificate-data', 'client-certificate');
  const clientKeyPem = await material(user, 'client-key-data', 'client-key');
  if ((clientCertPem === undefined) !== (clientKeyPem === undefined)) {
    throw fail(`user "${userName ?? ''}" has a client certificate without its key, or a key alone`);
  }
  let token = str(user, 'token');
  const tokenFile = str(user, 'tokenFile');
  if (token === undefined && tokenFile !== undefined) {
    const full = isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile);
    try {
      token = (await readFile(full, 'utf8')).trim();
    } catch (err) {
      throw fail(`tokenFile ${full} cannot be read`, err);
    }
  }
  return {
    contextName,
    clusterName,
    userName: userName ?? '',
    server,
    caPem,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    clientCertPem,
    clientKeyPem,
    token,
  };
}
