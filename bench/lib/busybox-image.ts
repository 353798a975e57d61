/**
 * The one image every pod benchmark runs: Debian's busybox-static as a root filesystem directory
 * (what the raw floor's runc bundles use as they are) and the same files as a one-layer
 * docker-archive (what `podbay image import` and `podman load` take), so podbay, podman and the
 * floor start the very same bytes. bench/ is compiled on its own (rootDir bench), so this mirrors
 * test/e2e/support/images.ts instead of importing it; the archive is written with the system's
 * GNU tar, as `docker save` lays it out (manifest.json, <config digest>.json, <layer digest>.tar).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const busyboxImageName = 'podbay.test/busybox:1';
const busyboxPath = '/bin/busybox';
/** The applets the pods' command needs, plus a few for looking around. */
const applets = ['sh', 'sleep', 'true', 'cat', 'ls', 'ps', 'kill'];

export interface BusyboxImage {
  /** A root filesystem directory (read-only use: runc bundles point at it). */
  readonly rootfs: string;
  /** The docker-archive of the same files. */
  readonly archive: string;
  readonly name: string;
}

/** Builds the root filesystem and the archive under `dir` (which must exist and be empty). */
export async function buildBusyboxImage(dir: string): Promise<BusyboxImage> {
  const rootfs = join(dir, 'rootfs');
  for (const d of ['bin', 'dev', 'etc', 'proc', 'sys', 'root', 'tmp', 'run']) {
    await mkdir(join(rootfs, d), { recursive: true, mode: d === 'tmp' ? 0o1777 : 0o755 });
  }
  await copyFile(busyboxPath, join(rootfs, 'bin', 'busybox'));
  const have = new Set(
    (await run(busyboxPath, ['--list'])).stdout.split('\n').filter((a) => a !== ''),
  );
  for (const a of applets.filter((x) => have.has(x))) {
    await symlink('busybox', join(rootfs, 'bin', a));
  }
  await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\n');

  const staging = join(dir, 'archive');
  await mkdir(staging);
  const layerTmp = join(dir, 'layer.tar');
  await run('tar', [
    '-C',
    rootfs,
    '--numeric-owner',
    '--owner=0',
    '--group=0',
    '--sort=name',
    '--mtime=@1700000000',
    '-cf',
    layerTmp,
    '.',
  ]);
  const layer = await readFile(layerTmp);
  const diffId = sha256(layer);
  await writeFile(join(staging, `${diffId}.tar`), layer);
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
    },
    rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
    history: [{ created: '2023-11-14T22:13:20Z', created_by: 'podbay bench: busybox-static' }],
  });
  const configId = sha256(Buffer.from(config));
  await writeFile(join(staging, `${configId}.json`), config);
  await writeFile(
    join(staging, 'manifest.json'),
    JSON.stringify([
      { Config: `${configId}.json`, RepoTags: [busyboxImageName], Layers: [`${diffId}.tar`] },
    ]),
  );
  const archive = join(dir, 'busybox.tar');
  await run('tar', ['-C', staging, '--sort=name', '-cf', archive, '.']);
  return { rootfs, archive, name: busyboxImageName };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
