/**
 * `podbay image import|ls|rm` as a user runs them (./bin/podbay, built dist/), and the overlayfs
 * container roots the node agent gets from the same store: busybox from Debian's busybox-static as
 * a docker-archive, an OCI archive and a plain rootfs tarball; roots that run /bin/busybox under
 * chroot; whiteouts through real overlayfs; removal refused while mounted. Needs root (mounts).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageStore } from '../../src/kubelet/images/index.ts';
import { buildDockerArchive } from '../../src/kubelet/images/testing/test-archives.ts';
import {
  buildBusyboxArchive,
  buildBusyboxRootfsTarball,
  busyboxPath,
  importImage,
  type TestImageArchive,
} from './support/images.ts';
import { podbayBin, run } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

const haveBusybox = existsSync(busyboxPath);

async function mountsUnder(path: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === path || p.startsWith(`${path}/`));
}

async function overlayAt(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((l) => l.split(' ')[4] === path && / - overlay /.test(l));
}

describe.skipIf(missing({ 'root (overlayfs mounts)': isRoot, 'busybox-static': haveBusybox }))(
  'podbay image with overlayfs roots',
  () => {
    let work: string;
    let dataDir: string;
    let store: ImageStore;
    let docker: TestImageArchive;
    let oci: TestImageArchive;
    let whiteouts: TestImageArchive;
    let rootfs: { path: string; cleanup(): Promise<void> };
    const containers = ['e2e-c1', 'e2e-c2', 'e2e-wh', 'e2e-rootfs', 'e2e-crash'];

    const podbay = (args: string[]) =>
      run(podbayBin, [...args.slice(0, 2), '--data-dir', dataDir, ...args.slice(2)]);

    /** Undo steps, run in reverse in afterAll however far beforeAll and the tests got. */
    const cleanups: (() => Promise<unknown>)[] = [];

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'podbay-e2e-images-'));
      cleanups.push(async () => {
        // Whatever is still mounted under the test's data dir (a failed assertion midway) goes too.
        for (const m of (await mountsUnder(work)).reverse()) await run('umount', ['-l', m]);
        await rm(work, { recursive: true, force: true });
      });
      dataDir = join(work, 'data');
      store = new ImageStore({ dataDir });
      cleanups.push(async () => {
        for (const c of containers) await store.unmountRootfs(c).catch(() => undefined);
      });
      docker = await buildBusyboxArchive({ format: 'docker-archive' });
      cleanups.push(() => docker.cleanup());
      // A label makes it a different image from the docker-archive one (same content, same id otherwise).
      oci = await buildBusyboxArchive({
        format: 'oci-archive',
        name: 'podbay.test/busybox-oci:1',
        gzip: false,
        config: { Labels: { variant: 'oci' } },
      });
      cleanups.push(() => oci.cleanup());
      whiteouts = await buildBusyboxArchive({
        name: 'podbay.test/whiteouts:1',
        extraLayers: [
          [
            { name: 'var/', type: 'directory' },
            { name: 'var/www/', type: 'directory' },
            { name: 'var/www/old.html', data: 'first\n' },
          ],
          [
            { name: 'bin/', type: 'directory' },
            { name: 'bin/.wh.wget', data: '' },
            { name: 'var/', type: 'directory' },
            { name: 'var/www/', type: 'directory' },
            { name: 'var/www/.wh..wh..opq', data: '' },
            { name: 'var/www/index.html', data: 'second\n' },
            { name: 'etc/', type: 'directory' },
            { name: 'etc/.wh.hostname', data: '' },
          ],
        ],
        config: { Cmd: ['httpd', '-f'] },
      });
      cleanups.push(() => whiteouts.cleanup());
      rootfs = await buildBusyboxRootfsTarball();
      cleanups.push(() => rootfs.cleanup());
    });

    afterAll(async () => {
      for (const undo of cleanups.reverse())
        await undo().catch((err: unknown) => {
          console.warn(err);
        });
    });

    it('imports the busybox docker-archive and prints its name and id', async () => {
      const r = await importImage(dataDir, docker.path);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`Loaded image: podbay.test/busybox:1 (${docker.id})\n`);
    });

    it('imports the busybox OCI archive', async () => {
      const r = await importImage(dataDir, oci.path);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`Loaded image: podbay.test/busybox-oci:1 (${oci.id})\n`);
    });

    it('imports a plain rootfs tarball with --name, and refuses one without', async () => {
      const without = await importImage(dataDir, rootfs.path);
      expect(without.code).toBe(1);
      expect(without.stderr).toMatch(
        /^podbay: .*is not a docker-archive or OCI archive.*--name REF\n$/,
      );
      const r = await importImage(dataDir, rootfs.path, { name: 'podbay.test/rootfs:1' });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Loaded image: podbay\.test\/rootfs:1 \(sha256:[0-9a-f]{64}\)\n$/);
    });

    it('image ls lists them in a table', async () => {
      const r = await podbay(['image', 'ls']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
      const rows = lines.slice(1).map((l) => l.split(/\s+/));
      expect(rows.map((r) => `${r[0]}:${r[1]}`)).toEqual([
        'podbay.test/busybox:1',
        'podbay.test/busybox-oci:1',
        'podbay.test/rootfs:1',
      ]);
      expect(rows[0]?.[2]).toBe(docker.id.slice(7, 19));
      // busybox-static is about 1-2 MB.
      for (const row of rows) expect(row[3]).toMatch(/^\d+(\.\d+)?MB$/);
    });

    it('mounts an overlayfs root where /bin/busybox runs under chroot, one per container', async () => {
      const root = await store.mountRootfs('e2e-c1', docker.id);
      expect(root).toBe(join(dataDir, 'containers/e2e-c1/rootfs'));
      expect(await overlayAt(root)).toBe(true);
      expect(await store.mountRootfs('e2e-c1', docker.id)).toBe(root);
      const r = await run('chroot', [
        root,
        '/bin/sh',
        '-c',
        'echo hello from $(cat /etc/hostname); ls /bin | grep -c .; echo x > /tmp/mine',
      ]);
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n')[0]).toBe('hello from busybox');
      expect(Number(r.stdout.split('\n')[1])).toBeGreaterThan(20);
      // (Buffer.equals: a deep toEqual over megabytes takes seconds.)
      expect((await readFile(join(root, 'bin/busybox'))).equals(await readFile(busyboxPath))).toBe(
        true,
      );
      // The write went to this container's upper dir, not into the shared layer.
      expect(
        await readFile(join(dataDir, 'containers/e2e-c1/overlay/upper/tmp/mine'), 'utf8'),
      ).toBe('x\n');
      const other = await store.mountRootfs('e2e-c2', oci.id);
      expect(existsSync(join(other, 'tmp/mine'))).toBe(false);
      await store.unmountRootfs('e2e-c2');
      expect(await mountsUnder(join(dataDir, 'containers/e2e-c2'))).toEqual([]);
      expect(existsSync(join(dataDir, 'containers/e2e-c2'))).toBe(false);
    });

    it('image rm refuses an image a container uses, then removes it with its layers', async () => {
      const busy = await podbay(['image', 'rm', 'podbay.test/busybox:1']);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(
        'podbay: cannot remove podbay.test/busybox:1: image is in use by container e2e-c1\n',
      );
      await store.unmountRootfs('e2e-c1');
      await store.unmountRootfs('e2e-c1');
      expect(await mountsUnder(join(dataDir, 'containers'))).toEqual([]);
      const r = await podbay(['image', 'rm', 'podbay.test/busybox:1', 'podbay.test/busybox-oci:1']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Deleted: podbay.test/busybox:1\nDeleted: podbay.test/busybox-oci:1\n');
      const ls = await podbay(['image', 'ls', '--quiet']);
      expect(ls.stdout.trim().split('\n')).toHaveLength(1);
      const missing = await podbay(['image', 'rm', 'podbay.test/busybox:1']);
      expect(missing).toMatchObject({
        code: 1,
        stderr: 'podbay: no such image: podbay.test/busybox:1\n',
      });
      // Only the rootfs image's one layer is left.
      expect(await readdir(join(dataDir, 'images/layers'))).toHaveLength(1);
    });

    it('the rootfs image mounts and runs what its tarball had', async () => {
      const image = await store.resolve('podbay.test/rootfs:1');
      const root = await store.mountRootfs('e2e-rootfs', image!.id);
      const r = await run('chroot', [root, '/bin/busybox', 'echo', 'ok']);
      expect(r).toMatchObject({ code: 0, stdout: 'ok\n' });
      await store.unmountRootfs('e2e-rootfs');
    });

    it('applies whiteouts and opaque directories through overlayfs', async () => {
      const r = await importImage(dataDir, whiteouts.path);
      expect(r.code).toBe(0);
      const root = await store.mountRootfs('e2e-wh', whiteouts.id);
      expect(existsSync(join(root, 'bin/wget'))).toBe(false);
      expect(existsSync(join(root, 'bin/sh'))).toBe(true);
      expect(existsSync(join(root, 'etc/hostname'))).toBe(false);
      expect(await readdir(join(root, 'var/www'))).toEqual(['index.html']);
      const ls = await run('chroot', [
        root,
        '/bin/sh',
        '-c',
        'ls /var/www; test -e /bin/wget || echo no-wget',
      ]);
      expect(ls.stdout).toBe('index.html\nno-wget\n');
      await store.unmountRootfs('e2e-wh');
    });

    it('finds and removes a mount left by a crashed agent', async () => {
      const image = await store.resolve('podbay.test/rootfs:1');
      const root = await new ImageStore({ dataDir }).mountRootfs('e2e-crash', image!.id);
      expect(await overlayAt(root)).toBe(true);
      // A new agent process knows nothing of it but the data dir.
      await new ImageStore({ dataDir }).unmountRootfs('e2e-crash');
      expect(await mountsUnder(join(dataDir, 'containers/e2e-crash'))).toEqual([]);
      expect(existsSync(join(dataDir, 'containers/e2e-crash'))).toBe(false);
    });

    it('refuses an archive with a path that escapes, in one sentence, leaving nothing', async () => {
      const bad = await buildDockerArchive([
        {
          names: ['podbay.test/evil:1'],
          layers: [
            [
              { name: 'etc', type: 'symlink', linkname: '/etc' },
              { name: 'etc/podbay-evil', data: 'x' },
            ],
          ],
        },
      ]);
      const file = join(work, 'evil.tar');
      await writeFile(file, bad.tar);
      const before = await readdir(join(dataDir, 'images/layers'));
      const r = await importImage(dataDir, file);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^podbay: .*unsafe entry in layer: "etc\/podbay-evil" goes through the symlink "etc".*\n$/,
      );
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(existsSync('/etc/podbay-evil')).toBe(false);
      expect(await readdir(join(dataDir, 'images/layers'))).toEqual(before);
      expect(await readdir(join(dataDir, 'images/tmp'))).toEqual([]);
    });

    it('two imports in separate processes at once both land', async () => {
      const [a, b] = await Promise.all([
        importImage(dataDir, docker.path),
        importImage(dataDir, oci.path),
      ]);
      expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
      const ls = await podbay(['image', 'ls']);
      expect(ls.stdout).toContain('podbay.test/busybox ');
      expect(ls.stdout).toContain('podbay.test/busybox-oci ');
    });
  },
);
