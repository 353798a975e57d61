import { describe, expect, it } from 'vitest';
import { FakeImageService, fakeImageRecord } from './fake-image-service.ts';
import { ImageError, ImageNotFoundError } from './types.ts';

describe('FakeImageService', () => {
  it('resolves seeded images by normalised name, full id and short id', async () => {
    const busybox = fakeImageRecord('busybox');
    const images = new FakeImageService({ images: [busybox] });
    expect(busybox.repoTags).toEqual(['docker.io/library/busybox:latest']);
    expect(await images.resolve('busybox')).toBe(busybox);
    expect(await images.resolve('docker.io/library/busybox:latest')).toBe(busybox);
    expect(await images.resolve(busybox.id)).toBe(busybox);
    expect(await images.resolve(busybox.id.slice(7, 19))).toBe(busybox);
    expect(await images.resolve('busybox:1')).toBeUndefined();
    await expect(images.resolve('Busy Box')).rejects.toBeInstanceOf(ImageError);
  });

  it('pulls only images seeded as pullable', async () => {
    const nginx = fakeImageRecord('nginx:1.27');
    const images = new FakeImageService({ pullable: [nginx] });
    await expect(images.pull('alpine')).rejects.toThrow(
      new ImageError('registry pulls are not supported yet: alpine'),
    );
    expect(await images.pull('nginx:1.27')).toEqual(nginx);
    expect(await images.resolve('docker.io/library/nginx:1.27')).toEqual(nginx);
    expect(images.pulls).toEqual(['alpine', 'nginx:1.27']);
    images.setPullError('nginx:1.27', 'unauthorized');
    await expect(images.pull('nginx:1.27')).rejects.toThrow('unauthorized');
  });

  it('mounts and refuses to remove an image in use, then removes it', async () => {
    const busybox = fakeImageRecord('busybox');
    const images = new FakeImageService({ images: [busybox] });
    expect(await images.mountRootfs('c1', busybox.id)).toBe('/fake/podbay/containers/c1/rootfs');
    await expect(images.remove('busybox')).rejects.toThrow(
      'cannot remove busybox: image is in use by container c1',
    );
    await images.unmountRootfs('c1');
    await images.unmountRootfs('c1');
    await images.remove('busybox');
    expect(await images.list()).toEqual([]);
    await expect(images.remove('busybox')).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(images.mountRootfs('c2', busybox.id)).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  it('removing one of two names keeps the image', async () => {
    const a = {
      ...fakeImageRecord('a'),
      repoTags: ['docker.io/library/a:latest', 'docker.io/library/b:latest'],
    };
    const images = new FakeImageService({ images: [a] });
    await images.remove('a');
    expect((await images.list()).map((i) => i.repoTags)).toEqual([['docker.io/library/b:latest']]);
  });
});
