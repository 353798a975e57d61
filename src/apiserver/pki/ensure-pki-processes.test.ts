/**
 * Several real processes running ensurePki on one fresh data dir at the same moment (two
 * `podbay server` started together, a systemd restart racing a manual start). Node 20 cannot run
 * our TypeScript directly, so the test transpiles this module and util (types erased, nothing else
 * changed) into a temp dir and starts plain `node` on it.
 */
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkiFiles } from './index.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../..');

let dir: string;
let runner: string;

async function transpileDir(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    const source = await readFile(join(from, name), 'utf8');
    const out = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        rewriteRelativeImportExtensions: true,
        verbatimModuleSyntax: true,
      },
    });
    await writeFile(join(to, name.replace(/\.ts$/, '.js')), out.outputText);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-pki-procs-'));
  const build = join(dir, 'build');
  for (const sub of ['src/apiserver/pki', 'src/util']) {
    await transpileDir(join(repo, sub), join(build, sub));
  }
  await writeFile(join(build, 'package.json'), '{"type":"module"}\n');
  await symlink(join(repo, 'node_modules'), join(build, 'node_modules'));
  runner = join(build, 'runner.js');
  await writeFile(
    runner,
    [
      `import { ensurePki } from './${relative(build, join(build, 'src/apiserver/pki/index.js'))}';`,
      'const pki = await ensurePki({ dataDir: process.argv[2], hosts: process.argv.slice(3) });',
      'process.stdout.write(JSON.stringify({ ca: pki.caPem, serving: pki.servingCertPem,',
      '  servingKey: pki.servingKeyPem, token: pki.nodeToken.token, changed: pki.changed }));',
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Out {
  ca: string;
  serving: string;
  servingKey: string;
  token: string;
  changed: string[];
}

/** The machine's interface addresses, which the serving certificate's SANs follow. */
function interfaceAddresses(): string {
  return Object.values(networkInterfaces())
    .flatMap((list) => (list ?? []).map((i) => i.address))
    .sort()
    .join(',');
}

async function start(dataDir: string, hosts: string[] = []): Promise<Out> {
  const { stdout } = await run(process.execPath, [runner, dataDir, ...hosts], { timeout: 20_000 });
  return JSON.parse(stdout) as Out;
}

describe('ensurePki across processes', () => {
  it('concurrent first starts agree on one CA and token, and leave a usable dir', async () => {
    const dataDir = join(dir, 'data');
    const addressesAtStart = interfaceAddresses();
    const outs = await Promise.all(Array.from({ length: 6 }, () => start(dataDir)));
    const first = outs[0]!;
    for (const o of outs) {
      expect(o.ca).toBe(first.ca);
      expect(o.token).toBe(first.token);
      expect(new X509Certificate(o.serving).verify(new X509Certificate(o.ca).publicKey)).toBe(true);
    }
    expect(outs.filter((o) => o.changed.includes('ca'))).toHaveLength(1);
    const f = pkiFiles(dataDir);
    expect(await readFile(f.caCert, 'utf8')).toBe(first.ca);
    expect((await readdir(dataDir)).sort()).toEqual(['node-token', 'pki']);
    const later = await start(dataDir);
    if (interfaceAddresses() === addressesAtStart) {
      expect(later.changed).toEqual([]);
    } else {
      // Other tests on this machine added or removed an address (a bridge): the serving
      // certificate must then gain it, and nothing else may change.
      expect(later.changed).toEqual(['serving']);
    }
  });

  it('concurrent re-issues leave a matching serving key and certificate', async () => {
    const dataDir = join(dir, 'reissue');
    await start(dataDir);
    const outs = await Promise.all(
      Array.from({ length: 5 }, (_, i) => start(dataDir, [`proc-${i}.example.test`])),
    );
    for (const o of outs) {
      expect(new X509Certificate(o.serving).checkPrivateKey(createPrivateKey(o.servingKey))).toBe(
        true,
      );
    }
    const f = pkiFiles(dataDir);
    const cert = new X509Certificate(await readFile(f.servingCert, 'utf8'));
    expect(cert.checkPrivateKey(createPrivateKey(await readFile(f.servingKey, 'utf8')))).toBe(true);
    expect(await readdir(dirname(f.servingCert))).not.toContain('.lock');
  });
});
