import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PkiError, readKubeconfig, writeKubeconfig } from './index.ts';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n';
const run = promisify(execFile);
const b64 = (s: string): string => Buffer.from(s).toString('base64');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-kubeconfig-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeKubeconfig', () => {
  it('writes embedded credentials and a current context, mode 0600', async () => {
    const path = join(dir, 'kubeconfig');
    await writeKubeconfig({
      path,
      server: 'https://127.0.0.1:6443',
      caPem: CA,
      clientCertPem: CERT,
      clientKeyPem: KEY,
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(parse(await readFile(path, 'utf8'))).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      clusters: [
        {
          name: 'podbay',
          cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64(CA) },
        },
      ],
      users: [
        {
          name: 'podbay-admin',
          user: { 'client-certificate-data': b64(CERT), 'client-key-data': b64(KEY) },
        },
      ],
      contexts: [{ name: 'podbay', context: { cluster: 'podbay', user: 'podbay-admin' } }],
      'current-context': 'podbay',
    });
    expect(await readdir(dir)).toEqual(['kubeconfig']);
  });

  it('is read by kubectl as written', async () => {
    const path = join(dir, 'kubeconfig');
    await writeKubeconfig({
      path,
      server: 'https://[::1]:6443',
      caPem: CA,
      clientCertPem: CERT,
      clientKeyPem: KEY,
      clusterName: 'c1',
      userName: 'u1',
      contextName: 'ctx1',
    });
    const { stdout } = await run(
      '/usr/bin/kubectl',
      ['config', 'view', '--kubeconfig', path, '--raw', '--minify', '-o', 'json'],
      { env: { ...process.env, HOME: dir, KUBECONFIG: '' } },
    );
    const view = JSON.parse(stdout);
    expect(view['current-context']).toBe('ctx1');
    expect(view.clusters[0].cluster).toEqual({
      server: 'https://[::1]:6443',
      'certificate-authority-data': b64(CA),
    });
    expect(view.users[0]).toEqual({
      name: 'u1',
      user: { 'client-certificate-data': b64(CERT), 'client-key-data': b64(KEY) },
    });
  });

  it('replaces an existing file atomically and restores mode 0600', async () => {
    const path = join(dir, 'kubeconfig');
    await writeFile(path, 'old');
    await chmod(path, 0o644);
    await writeKubeconfig({ path, server: 'https://h:1', caPem: CA, token: 'tok' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const kc = await readKubeconfig(path);
    expect(kc.token).toBe('tok');
    expect(kc.clientCertPem).toBeUndefined();
    expect(await readdir(dir)).toEqual(['kubeconfig']);
  });

  it('creates a missing parent directory 0700', async () => {
    const path = join(dir, 'home', '.kube', 'config');
    await writeKubeconfig({ path, server: 'https://h:1', caPem: CA, token: 'tok' });
    expect((await stat(join(dir, 'home', '.kube'))).mode & 0o777).toBe(0o700);
  });

  it('needs exactly one complete credential', async () => {
    const path = join(dir, 'kubeconfig');
    const base = { path, server: 'https://h:1', caPem: CA };
    await expect(writeKubeconfig(base)).rejects.toThrow(/exactly one credential/);
    await expect(
      writeKubeconfig({ ...base, clientCertPem: CERT, clientKeyPem: KEY, token: 't' }),
    ).rejects.toThrow(/exactly one credential/);
    await expect(writeKubeconfig({ ...base, clientCertPem: CERT })).rejects.toThrow(
      /both the client certificate and its key/,
    );
    await expect(writeKubeconfig(base)).rejects.toBeInstanceOf(PkiError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('readKubeconfig', () => {
  it('round-trips what writeKubeconfig wrote', async () => {
    const path = join(dir, 'kubeconfig');
    await writeKubeconfig({
      path,
      server: 'https://127.0.0.1:6443',
      caPem: CA,
      clientCertPem: CERT,
      clientKeyPem: KEY,
    });
    expect(await readKubeconfig(path)).toEqual({
      contextName: 'podbay',
      clusterName: 'podbay',
      userName: 'podbay-admin',
      server: 'https://127.0.0.1:6443',
      caPem: CA,
      insecureSkipTlsVerify: false,
      clientCertPem: CERT,
      clientKeyPem: KEY,
      token: undefined,
    });
  });

  it('resolves file references relative to the kubeconfig and honours a chosen context', async () => {
    await writeFile(join(dir, 'ca.crt'), CA);
    await writeFile(join(dir, 'tok'), 'from-file\n');
    const path = join(dir, 'config');
    await writeFile(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: a',
        'clusters:',
        '- name: ca',
        '  cluster: { server: "https://a:1", certificate-authority: ca.crt }',
        '- name: cb',
        '  cluster: { server: "https://b:2", insecure-skip-tls-verify: true }',
        'users:',
        '- name: ua',
        `  user: { client-certificate: ${join(dir, 'ca.crt')}, client-key-data: ${b64(KEY)} }`,
        '- name: ub',
        '  user: { tokenFile: tok }',
        'contexts:',
        '- { name: a, context: { cluster: ca, user: ua } }',
        '- { name: b, context: { cluster: cb, user: ub } }',
      ].join('\n'),
    );
    const a = await readKubeconfig(path);
    expect(a).toMatchObject({
      server: 'https://a:1',
      caPem: CA,
      clientCertPem: CA,
      clientKeyPem: KEY,
    });
    const b = await readKubeconfig(path, { context: 'b' });
    expect(b).toMatchObject({
      server: 'https://b:2',
      caPem: undefined,
      insecureSkipTlsVerify: true,
      token: 'from-file',
    });
  });

  const broken: [string, string, RegExp][] = [
    ['not YAML', 'a: [1, 2', /not valid YAML/],
    ['a list', '- a\n- b\n', /not a kubeconfig/],
    ['no current context', 'apiVersion: v1\nclusters: []\n', /current-context is not set/],
    ['a missing context', 'current-context: x\ncontexts: []\n', /no context named "x" in contexts/],
    [
      'a missing cluster',
      'current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n',
      /no cluster named "c" in clusters/,
    ],
    [
      'a cluster without server',
      'current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]\n',
      /cluster "c" has no server/,
    ],
    [
      'bad base64 data',
      'current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: "https://h", certificate-authority-data: "!!"}}]\n',
      /certificate-authority-data is not base64 of a PEM block/,
    ],
    [
      'a certificate without key',
      `current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://h"}}]\nusers: [{name: u, user: {client-certificate-data: ${b64(CERT)}}}]\n`,
      /client certificate without its key/,
    ],
    [
      'a missing referenced file',
      'current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: "https://h", certificate-authority: nope.crt}}]\n',
      /certificate-authority .*nope\.crt cannot be read/,
    ],
  ];
  for (const [what, text, message] of broken) {
    it(`says what is wrong with ${what}`, async () => {
      const path = join(dir, 'config');
      await writeFile(path, text);
      const err: unknown = await readKubeconfig(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PkiError);
      expect((err as Error).message).toMatch(new RegExp(`^kubeconfig ${path}: `));
      expect((err as Error).message).toMatch(message);
    });
  }

  it('says when the file does not exist', async () => {
    await expect(readKubeconfig(join(dir, 'none'))).rejects.toThrow(
      `kubeconfig ${join(dir, 'none')}: no such file`,
    );
  });
});
