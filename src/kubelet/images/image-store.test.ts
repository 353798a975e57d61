import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImageStore } from './image-store.ts';
import {
  buildDockerArchive,
  buildOciArchive,
  buildTar,
  sha256,
  type TarEntry,
} from './testing/test-archives.ts';
import { ImageError, ImageNotFoundError } from './types.ts';

let dir: string;
let store: ImageStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-images-'));
  // Unprivileged and copied roots, so these tests mean the same with and without root; the
  // overlayfs path is covered by test/e2e/image-cli.test.ts.
  store = new ImageStore({ dataDir: join(dir, 'data'), privileged: false, rootfs: 'copy' });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function archive(name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

const base: TarEntry[] = [
  { name: 'bin/', type: 'directory' },
  { name: 'bin/hello', data: '#!/bin/sh\necho hello\n', mode: 0o755 },
  { name: 'bin/hi', type: 'symlink', linkname: 'hello' },
  { name: 'etc/', type: 'directory' },
  { name: 'etc/motd', data: 'welcome\n' },
  { name: 'etc/motd.hard', type: 'link', linkname: 'etc/motd' },
  { name: 'tmp/', type: 'directory', mode: 0o1777 },
];

/** The store holds nothing: no images, no layers, no blobs, no staging areas. */
async function expectEmptyStore(): Promise<void> {
  expect(await store.list()).toEqual([]);
  for (const sub of ['layers', 'blobs/sha256', 'tmp']) {
    const p = join(dir, 'data', 'images', sub);
    expect(existsSync(p) ? await readdir(p) : []).toEqual([]);
  }
}

describe('ImageStore import', () => {
  it('imports a docker-archive (gzipped layers) and names it as Docker does', async () => {
    const built = await buildDockerArchive([
      {
        layers: [base],
        gzip: true,
        names: ['busybox:1', 'localhost:5000/x/y'],
        config: {
          Cmd: ['sh'],
          Env: ['PATH=/bin'],
          WorkingDir: '/tmp',
          User: '1000:1000',
          ExposedPorts: { '80/tcp': {} },
          Labels: { a: 'b' },
        },
      },
    ]);
    const file = await archive('img.tar', built.tar);
    const result = await store.import(file);
    expect(result.format).toBe('docker-archive');
    const id = built.images[0]!.id;
    expect(result.images.map((i) => i.id)).toEqual([id]);
    const image = await store.resolve('busybox:1');
    expect(image).toMatchObject({
      id,
      repoTags: ['docker.io/library/busybox:1', 'localhost:5000/x/y:latest'],
      repoDigests: [],
      config: {
        cmd: ['sh'],
        env: ['PATH=/bin'],
        workingDir: '/tmp',
        user: '1000:1000',
        exposedPorts: ['80/tcp'],
        labels: { a: 'b' },
      },
      created: Date.parse('2024-01-02T03:04:05Z'),
    });
    expect(image!.size).toBe('#!/bin/sh\necho hello\n'.length + 'welcome\n'.length);
    expect(await store.resolve('localhost:5000/x/y:latest')).toEqual(image);
    expect(await store.resolve(id)).toEqual(image);
    expect(await store.resolve(id.slice(7, 19))).toEqual(image);
    expect(await store.resolve('busybox')).toBeUndefined();
    // The config blob is kept by digest, the layer by diffID.
    expect(await readFile(join(dir, 'data/images/blobs/sha256', id.slice(7)))).toEqual(
      built.images[0]!.configBytes,
    );
    expect(
      existsSync(
        join(dir, 'data/images/layers', built.images[0]!.diffIds[0]!.slice(7), 'diff/bin/hello'),
      ),
    ).toBe(true);
  });

  it('imports an OCI archive with names from its annotations', async () => {
    const built = await buildOciArchive([
      { layers: [base], gzip: true, names: ['podbay.test/a:1'] },
      {
        layers: [base, [{ name: 'x', data: 'x' }]],
        annotations: {
          'io.containerd.image.name': 'docker.io/library/b:2',
          'org.opencontainers.image.ref.name': '2',
        },
      },
      {
        layers: [[{ name: 'only-tag', data: '' }]],
        annotations: { 'org.opencontainers.image.ref.name': 'latest' },
      },
    ]);
    const file = await archive('oci.tar', built.tar);
    const result = await store.import(file);
    expect(result.format).toBe('oci-archive');
    const [a, b, c] = built.images;
    expect(await store.resolve('podbay.test/a:1')).toMatchObject({
      id: a!.id,
      repoDigests: [`podbay.test/a@${a!.manifestDigest!}`],
    });
    expect(await store.resolve(`podbay.test/a@${a!.manifestDigest!}`)).toMatchObject({ id: a!.id });
    expect(await store.resolve('b:2')).toMatchObject({ id: b!.id });
    // A bare tag names nothing: the image is imported without a name.
    expect(await store.resolve(c!.id)).toMatchObject({ repoTags: [] });
    // Layers are shared: the base layer is stored once.
    expect((await readdir(join(dir, 'data/images/layers'))).sort()).toEqual(
      [...new Set([...a!.diffIds, ...b!.diffIds, ...c!.diffIds])].map((d) => d.slice(7)).sort(),
    );
  });

  it('imports a root filesystem tarball (gzipped) with --name and synthesises a config', async () => {
    const file = await archive(
      'rootfs.tar.gz',
      gzipSync(await buildTar([{ name: './', type: 'directory' }, ...base])),
    );
    await expect(store.import(file)).rejects.toThrow(
      /is not a docker-archive or OCI archive.*--name REF/,
    );
    const result = await store.import(file, { name: 'podbay.test/rootfs' });
    expect(result.format).toBe('rootfs');
    const image = await store.resolve('podbay.test/rootfs:latest');
    expect(image?.config).toEqual({
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    });
    expect(image?.config.entrypoint).toBeUndefined();
    // The same tarball again is the same image.
    const again = await store.import(file, { name: 'podbay.test/rootfs:2' });
    expect(again.images[0]?.id).toBe(image?.id);
    expect(again.images[0]?.repoTags).toEqual([
      'podbay.test/rootfs:latest',
      'podbay.test/rootfs:2',
    ]);
    expect(again.images[0]?.importedNames).toEqual(['podbay.test/rootfs:2']);
  });

  it('refuses a layer whose content does not match rootfs.diff_ids, leaving nothing behind', async () => {
    const wrong = sha256('something else');
    const built = await buildDockerArchive([
      { layers: [base], diffIds: [wrong], names: ['bad:1'] },
    ]);
    const file = await archive('bad.tar', built.tar);
    await expect(store.import(file)).rejects.toThrow(
      new RegExp(
        `digest mismatch: the image config's rootfs.diff_ids says ${wrong}, its uncompressed content is ${built.images[0]!.diffIds[0]!}`,
      ),
    );
    await expectEmptyStore();
  });

  it('refuses an OCI blob whose content does not match its digest', async () => {
    const built = await buildOciArchive([{ layers: [base], names: ['x/y:1'] }]);
    // Change a file's content inside the layer blob (same length, so every tar stays valid).
    const digest = built.images[0]!.layerDigests[0]!.slice(7);
    const tar = Buffer.from(built.tar);
    tar.write('W', tar.indexOf('welcome\n'));
    const file = await archive('corrupt.tar', tar);
    await expect(store.import(file)).rejects.toThrow(
      `layer blobs/sha256/${digest}: digest mismatch: expected sha256:${digest}, its content is sha256:`,
    );
    await expectEmptyStore();
    // A corrupt config is found before any layer is read.
    const built2 = await buildOciArchive([{ layers: [base], names: ['x/y:1'] }]);
    const tar2 = Buffer.from(built2.tar);
    const cfg = tar2.indexOf(Buffer.from(`blobs/sha256/${built2.images[0]!.id.slice(7)}`));
    tar2[cfg + 512 + 2] = 'X'.charCodeAt(0);
    await expect(store.import(await archive('corrupt2.tar', tar2))).rejects.toThrow(
      /digest mismatch for image config sha256:[0-9a-f]{64}: its content is sha256:/,
    );
    await expectEmptyStore();
  });

  it.each<[string, TarEntry[], RegExp]>([
    [
      'a ".." path',
      [{ name: '../x', data: 'x' }],
      /"\.\.\/x" contains "\.\.", which escapes the layer/,
    ],
    [
      'a nested ".." path',
      [
        { name: 'a/', type: 'directory' },
        { name: 'a/../../x', data: 'x' },
      ],
      /escapes the layer/,
    ],
    [
      'an absolute path',
      [{ name: '/etc/x', data: 'x' }],
      /"\/etc\/x" is an absolute path, outside the layer/,
    ],
    [
      'a file through a symlink',
      [
        { name: 'etc', type: 'symlink', linkname: '/etc' },
        { name: 'etc/passwd', data: 'x' },
      ],
      /"etc\/passwd" goes through the symlink "etc"/,
    ],
    [
      'a file through a relative symlink',
      [
        { name: 'a/', type: 'directory' },
        { name: 'a/up', type: 'symlink', linkname: '../..' },
        { name: 'a/up/x', data: 'x' },
      ],
      /goes through the symlink "a\/up"/,
    ],
    [
      'a hardlink out with ".."',
      [{ name: 'passwd', type: 'link', linkname: '../../etc/passwd' }],
      /hardlink "passwd" → target "\.\.\/\.\.\/etc\/passwd" contains "\.\."/,
    ],
    [
      'an absolute hardlink',
      [{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }],
      /is an absolute path/,
    ],
    [
      'a hardlink through a symlink',
      [
        { name: 'e', type: 'symlink', linkname: '/etc' },
        { name: 'passwd', type: 'link', linkname: 'e/passwd' },
      ],
      /"e\/passwd" goes through the symlink "e"/,
    ],
  ])('refuses %s, leaving nothing behind', async (_, entries, message) => {
    const built = await buildDockerArchive([
      { layers: [[{ name: 'ok', data: 'fine' }], entries], names: ['escape:1'] },
    ]);
    const file = await archive('escape.tar', built.tar);
    const err = await store.import(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain('unsafe entry in layer');
    await expectEmptyStore();
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('applies whiteouts and opaque directories across two layers', async () => {
    const built = await buildDockerArchive([
      {
        names: ['wh:1'],
        layers: [
          [
            { name: 'd/', type: 'directory' },
            { name: 'd/a', data: 'a' },
            { name: 'd/b', data: 'b' },
            { name: 'f', data: 'f' },
            { name: 'o/', type: 'directory' },
            { name: 'o/x', data: 'x' },
            { name: 'o/sub/', type: 'directory' },
            { name: 'o/sub/z', data: 'z' },
            { name: 'gone/', type: 'directory' },
            { name: 'gone/deep', data: 'deep' },
          ],
          [
            { name: '.wh.f', data: '' },
            { name: 'd/', type: 'directory' },
            { name: 'd/.wh.a', data: '' },
            { name: 'o/', type: 'directory' },
            { name: 'o/.wh..wh..opq', data: '' },
            { name: 'o/y', data: 'y' },
            { name: '.wh.gone', data: '' },
          ],
        ],
      },
    ]);
    await store.import(await archive('wh.tar', built.tar));
    const image = await store.resolve('wh:1');
    const root = await store.mountRootfs('c1', image!.id);
    expect(root).toBe(join(dir, 'data/containers/c1/rootfs'));
    expect((await readdir(root)).sort()).toEqual(['d', 'o']);
    expect(await readdir(join(root, 'd'))).toEqual(['b']);
    expect(await readdir(join(root, 'o'))).toEqual(['y']);
    await store.unmountRootfs('c1');
    expect(existsSync(join(dir, 'data/containers/c1'))).toBe(false);
  });
});

describe('ImageStore roots and removal', () => {
  async function importBase(name = 'base:1'): Promise<string> {
    const built = await buildDockerArchive([{ layers: [base], names: [name] }]);
    await store.import(await archive(`${name.replace(/\W/g, '_')}.tar`, built.tar));
    return built.images[0]!.id;
  }

  it('gives each container its own root, idempotently', async () => {
    const id = await importBase();
    const root = await store.mountRootfs('c1', id);
    expect(await store.mountRootfs('c1', id)).toBe(root);
    expect(await readFile(join(root, 'etc/motd'), 'utf8')).toBe('welcome\n');
    expect(await readlink(join(root, 'bin/hi'))).toBe('hello');
    expect(((await lstat(join(root, 'tmp'))).mode & 0o7777).toString(8)).toBe('1777');
    expect(((await lstat(join(root, 'bin/hello'))).mode & 0o777).toString(8)).toBe('755');
    await writeFile(join(root, 'etc/motd'), 'changed');
    const other = await store.mountRootfs('c2', id);
    expect(await readFile(join(other, 'etc/motd'), 'utf8')).toBe('welcome\n');
    await store.unmountRootfs('c1');
    await store.unmountRootfs('c1');
    await store.unmountRootfs('c2');
    await expect(store.mountRootfs('c3', 'sha256:' + 'f'.repeat(64))).rejects.toBeInstanceOf(
      ImageNotFoundError,
    );
    await expect(store.mountRootfs('../c', id)).rejects.toThrow(/invalid container id/);
  });

  it('refuses to remove an image a container uses, and removes it and its layers after', async () => {
    const id = await importBase();
    await store.mountRootfs('c1', id);
    await expect(store.remove('base:1')).rejects.toThrow(
      'cannot remove base:1: image is in use by container c1',
    );
    await expect(store.remove(id)).rejects.toThrow(/in use by container c1/);
    expect(await store.resolve('base:1')).toBeDefined();
    await store.unmountRootfs('c1');
    await store.remove('base:1');
    await expectEmptyStore();
    await expect(store.remove('base:1')).rejects.toThrow(
      new ImageNotFoundError('no such image: base:1'),
    );
  });

  it('removing one of two names keeps the image; a name moved by an import drops the old image', async () => {
    const built = await buildDockerArchive([{ layers: [base], names: ['a:1', 'b:1'] }]);
    await store.import(await archive('ab.tar', built.tar));
    await store.remove('a:1');
    expect((await store.list()).map((i) => i.repoTags)).toEqual([['docker.io/library/b:1']]);
    const other = await buildDockerArchive([
      { layers: [[{ name: 'new', data: 'new' }]], names: ['b:1'] },
    ]);
    await store.import(await archive('b.tar', other.tar));
    const images = await store.list();
    expect(images.map((i) => i.id)).toEqual([other.images[0]!.id]);
    expect(await readdir(join(dir, 'data/images/layers'))).toEqual([
      other.images[0]!.diffIds[0]!.slice(7),
    ]);
  });

  it('rejects pulls until registry pulls exist', async () => {
    await expect(store.pull('busybox')).rejects.toThrow(
      new ImageError('registry pulls are not supported yet: busybox'),
    );
  });

  it('imports the same archive twice at once without harm', async () => {
    const built = await buildDockerArchive([
      { layers: [base, [{ name: 'y', data: 'y' }]], names: ['twice:1'], gzip: true },
    ]);
    const file = await archive('twice.tar', built.tar);
    const results = await Promise.all([
      store.import(file),
      store.import(file),
      new ImageStore({ dataDir: join(dir, 'data'), privileged: false }).import(file),
    ]);
    expect(new Set(results.map((r) => r.images[0]!.id)).size).toBe(1);
    expect(await store.list()).toHaveLength(1);
    expect(await readdir(join(dir, 'data/images/tmp'))).toEqual([]);
  });
});

describe('ImageStore archive layouts', () => {
  it('reads Docker 25+ saves (blobs/sha256 paths), symlinked layers and a gzipped archive', async () => {
    const layer = await buildTar(base);
    const diffId = sha256(layer);
    const config = Buffer.from(
      JSON.stringify({
        os: 'linux',
        config: { Cmd: ['sh'] },
        rootfs: { type: 'layers', diff_ids: [diffId, diffId] },
      }),
    );
    const id = sha256(config);
    const tar = await buildTar([
      { name: 'blobs/', type: 'directory' },
      { name: 'blobs/sha256/', type: 'directory' },
      { name: `blobs/sha256/${diffId.slice(7)}`, data: layer },
      { name: 'dup/', type: 'directory' },
      // Older `docker save` links a repeated layer to its first copy.
      { name: 'dup/layer.tar', type: 'symlink', linkname: `../blobs/sha256/${diffId.slice(7)}` },
      { name: `blobs/sha256/${id.slice(7)}`, data: config },
      { name: 'index.json', data: '{"schemaVersion":2,"manifests":[]}' },
      { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
      {
        name: 'manifest.json',
        data: JSON.stringify([
          {
            Config: `blobs/sha256/${id.slice(7)}`,
            RepoTags: ['new:1'],
            Layers: [`blobs/sha256/${diffId.slice(7)}`, 'dup/layer.tar'],
          },
        ]),
      },
    ]);
    const result = await store.import(await archive('docker25.tar.gz', gzipSync(tar)));
    expect(result).toMatchObject({
      format: 'docker-archive',
      images: [{ id, repoTags: ['docker.io/library/new:1'] }],
    });
  });

  it('says what is wrong with archives it cannot use', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['empty.tar', Buffer.alloc(0), /is not a docker-archive or OCI archive/],
      ['junk.tar', Buffer.from('x'.repeat(2000)), /junk\.tar is not a valid tar archive/],
      [
        'xz.tar',
        Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2]),
        /is xz-compressed, which is not supported/,
      ],
      [
        'nomanifest.tar',
        await buildTar([{ name: 'manifest.json', data: '{}' }]),
        /manifest\.json is not a list of images/,
      ],
      [
        'missing-layer.tar',
        await buildTar([
          { name: 'c.json', data: JSON.stringify({ rootfs: { diff_ids: [sha256('x')] } }) },
          {
            name: 'manifest.json',
            data: JSON.stringify([{ Config: 'c.json', Layers: ['l.tar'] }]),
          },
        ]),
        /layer "l\.tar" is missing from the archive/,
      ],
      [
        'count.tar',
        await buildTar([
          { name: 'c.json', data: JSON.stringify({ rootfs: { diff_ids: [] } }) },
          { name: 'l.tar', data: 'x' },
          {
            name: 'manifest.json',
            data: JSON.stringify([{ Config: 'c.json', Layers: ['l.tar'] }]),
          },
        ]),
        /lists 1 layers but its config has 0 diff_ids/,
      ],
      [
        'badname.tar',
        await buildTar([
          { name: 'c.json', data: JSON.stringify({ rootfs: { diff_ids: [] } }) },
          {
            name: 'manifest.json',
            data: JSON.stringify([{ Config: 'c.json', Layers: [], RepoTags: ['Bad Name'] }]),
          },
        ]),
        /image name "Bad Name": invalid reference format/,
      ],
      [
        'oci-empty.tar',
        await buildTar([
          { name: 'index.json', data: '{"manifests":[]}' },
          { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
        ]),
        /has no images in it/,
      ],
    ];
    for (const [name, data, message] of cases) {
      await expect(store.import(await archive(name, data)), name).rejects.toThrow(message);
    }
    await expect(store.import(join(dir, 'nope.tar'))).rejects.toThrow(/nope\.tar: no such file/);
    await expect(
      store.import(await archive('r.tar', await buildTar(base)), { name: 'Bad' }),
    ).rejects.toThrow(/invalid image name "Bad"/);
    await expectEmptyStore();
  });
});
