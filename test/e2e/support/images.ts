/**
 * Test images for end-to-end tests: a small busybox image made from Debian's busybox-static
 * (/bin/busybox), written as a docker-archive (as `docker save` writes) or an OCI archive (as
 * `skopeo copy … oci-archive:` writes) with tar-stream, so the tests control its exact layout.
 *
 *   const image = await buildBusyboxArchive();             // docker-archive, podbay.test/busybox:1
 *   await importImage(podbay.dataDir, image.path);          // ./bin/podbay image import
 *   ... pods with image: podbay.test/busybox:1 ...
 *   await image.cleanup();
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildDockerArchive,
  buildOciArchive,
  buildTar,
  type TarEntry,
  type TestImage,
} from '../../../src/kubelet/images/testing/test-archives.ts';
import { podbayBin, run, type RunResult } from './podbay.ts';

export const busyboxPath = '/bin/busybox';
export const defaultBusyboxName = 'podbay.test/busybox:1';
export const defaultPathEnv = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Applets linked in /bin (those this busybox build has). */
export const busyboxApplets = [
  'sh',
  'ash',
  'sleep',
  'echo',
  'cat',
  'ls',
  'wget',
  'httpd',
  'nc',
  'true',
  'false',
  'env',
  'id',
  'hostname',
  'ps',
  'kill',
  'mkdir',
  'rm',
  'rmdir',
  'touch',
  'date',
  'test',
  '[',
  'grep',
  'sed',
  'head',
  'tail',
  'wc',
  'nslookup',
  'ping',
  'ip',
  'ifconfig',
  'mount',
  'umount',
  'top',
  'uname',
  'whoami',
  'printf',
  'tee',
  'sync',
  'df',
  'du',
  'find',
  'chmod',
  'chown',
  'cp',
  'mv',
  'ln',
  'pwd',
  'seq',
  'stat',
  'timeout',
  'yes',
  'dd',
  'tr',
  'cut',
  'sort',
  'uniq',
  'xargs',
  'vi',
  'which',
  'basename',
  'dirname',
  'readlink',
  'realpath',
  'nproc',
  'free',
  'uptime',
  'dmesg',
  'netstat',
  'telnet',
  'base64',
  'md5sum',
  'sha256sum',
  'expr',
  'awk',
  'tar',
  'gzip',
  'gunzip',
  'mktemp',
  'mkfifo',
  'usleep',
  'watch',
  'pidof',
  'pkill',
  'pgrep',
  'nohup',
  'logger',
  'su',
  'chroot',
];

let availableApplets: Set<string> | undefined;
function appletsInBusybox(): Set<string> {
  availableApplets ??= new Set(
    execFileSync(busyboxPath, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean),
  );
  return availableApplets;
}

/** The busybox root filesystem as tar entries: /bin/busybox, applet symlinks, /etc basics. */
export function busyboxRootfs(): TarEntry[] {
  const have = appletsInBusybox();
  const dirs: TarEntry[] = [
    'bin',
    'dev',
    'etc',
    'home',
    'proc',
    'root',
    'sys',
    'usr',
    'usr/bin',
    'var',
    'var/www',
  ].map((name) => ({ name: `${name}/`, type: 'directory', mode: name === 'root' ? 0o700 : 0o755 }));
  return [
    ...dirs,
    { name: 'tmp/', type: 'directory', mode: 0o1777 },
    { name: 'bin/busybox', data: readFileSync(busyboxPath), mode: 0o755 },
    ...busyboxApplets
      .filter((a) => have.has(a))
      .map((a): TarEntry => ({ name: `bin/${a}`, type: 'symlink', linkname: 'busybox' })),
    {
      name: 'etc/passwd',
      data: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    },
    { name: 'etc/group', data: 'root:x:0:\nnogroup:x:65534:\n' },
    { name: 'etc/hostname', data: 'busybox\n' },
  ];
}

export interface TestImageArchive {
  /** The archive file. */
  readonly path: string;
  /** The name it carries, e.g. `podbay.test/busybox:1`. */
  readonly name: string;
  /** The image id (`sha256:` digest of its config). */
  readonly id: string;
  readonly format: 'docker-archive' | 'oci-archive';
  /** Removes the temp dir holding the archive. */
  cleanup(): Promise<void>;
}

export interface BuildBusyboxOptions {
  readonly format?: 'docker-archive' | 'oci-archive';
  readonly name?: string;
  readonly gzip?: boolean;
  /** Extra config (`Entrypoint`, `WorkingDir`, `User`, …) over Cmd ["sh"] and Env PATH. */
  readonly config?: Record<string, unknown>;
  /** More layers on top of the busybox one. */
  readonly extraLayers?: readonly (readonly TarEntry[])[];
}

/** Builds the busybox image archive into a new temp dir. */
export async function buildBusyboxArchive(
  opts: BuildBusyboxOptions = {},
): Promise<TestImageArchive> {
  const format = opts.format ?? 'docker-archive';
  const name = opts.name ?? defaultBusyboxName;
  const image: TestImage = {
    layers: [busyboxRootfs(), ...(opts.extraLayers ?? [])],
    names: [name],
    gzip: opts.gzip ?? true,
    config: { Cmd: ['sh'], Env: [defaultPathEnv], ...opts.config },
  };
  const built =
    format === 'docker-archive'
      ? await buildDockerArchive([image])
      : await buildOciArchive([
          { ...image, annotations: { 'org.opencontainers.image.ref.name': name } },
        ]);
  const dir = await mkdtemp(join(tmpdir(), 'podbay-test-image-'));
  const path = join(dir, format === 'docker-archive' ? 'busybox.tar' : 'busybox-oci.tar');
  await writeFile(path, built.tar);
  return {
    path,
    name,
    id: built.images[0]?.id ?? '',
    format,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A plain root filesystem tarball of busybox (for `image import --name`). */
export async function buildBusyboxRootfsTarball(): Promise<{
  path: string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'podbay-test-rootfs-'));
  const path = join(dir, 'rootfs.tar');
  await writeFile(path, await buildTar([{ name: './', type: 'directory' }, ...busyboxRootfs()]));
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** `./bin/podbay image import --data-dir DIR FILE` (dist/ must be built). */
export function importImage(
  dataDir: string,
  file: string,
  opts: { name?: string } = {},
): Promise<RunResult> {
  return run(podbayBin, [
    'image',
    'import',
    '--data-dir',
    dataDir,
    ...(opts.name !== undefined ? ['--name', opts.name] : []),
    file,
  ]);
}

/** Builds busybox, imports it into DIR's store, removes the archive; throws when the import fails. */
export async function importBusybox(
  dataDir: string,
  opts: BuildBusyboxOptions = {},
): Promise<{ name: string; id: string }> {
  const archive = await buildBusyboxArchive(opts);
  try {
    const r = await importImage(dataDir, archive.path);
    if (r.code !== 0) throw new Error(`podbay image import failed (${r.code}): ${r.stderr}`);
    return { name: archive.name, id: archive.id };
  } finally {
    await archive.cleanup();
  }
}
