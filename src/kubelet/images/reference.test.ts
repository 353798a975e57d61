import { describe, expect, it } from 'vitest';
import { findImage } from './find-image.ts';
import { fakeImageRecord } from './fake-image-service.ts';
import {
  normalizeReference,
  normalizeTaggedName,
  parseReference,
  splitTaggedName,
} from './reference.ts';
import { ImageError } from './types.ts';

describe('normalizeReference', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/busybox:1', 'docker.io/library/busybox:1'],
    ['docker.io/library/busybox:latest', 'docker.io/library/busybox:latest'],
    ['someone/app', 'docker.io/someone/app:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['localhost:5000/x/y:v2', 'localhost:5000/x/y:v2'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['quay.io/a/b/c:1_2.3-x', 'quay.io/a/b/c:1_2.3-x'],
    ['Example.COM/app', 'Example.COM/app:latest'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000/app:latest'],
    ['[::1]:5000/app', '[::1]:5000/app:latest'],
    ['my_app', 'docker.io/library/my_app:latest'],
    [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`],
    [`busybox:1@sha256:${'A'.repeat(64)}`, `docker.io/library/busybox:1@sha256:${'a'.repeat(64)}`],
  ])('%s → %s', (ref, want) => {
    expect(normalizeReference(ref)).toBe(want);
  });

  it.each([
    ['', /repository name is empty/],
    ['Busybox', /repository name \(library\/Busybox\) must be lowercase/],
    ['someone/App', /must be lowercase/],
    ['busy box', /invalid reference format/],
    ['busybox:', /bad tag/],
    ['busybox:-x', /bad tag/],
    ['busybox@sha256:abc', /bad digest/],
    ['-busybox', /invalid reference format/],
    ['a//b', /invalid reference format/],
    ['a:b:c', /invalid reference format/],
    ['a'.repeat(64).replace(/a/g, 'f'), /cannot specify 64-byte hexadecimal strings/],
  ])('refuses %j', (ref, message) => {
    expect(() => parseReference(ref)).toThrow(ImageError);
    expect(() => parseReference(ref)).toThrow(message);
  });

  it('names an image only with a tag', () => {
    expect(normalizeTaggedName('busybox')).toBe('docker.io/library/busybox:latest');
    expect(() => normalizeTaggedName(`busybox@sha256:${'a'.repeat(64)}`)).toThrow(/with a digest/);
    expect(splitTaggedName('localhost:5000/x:1')).toEqual({
      repository: 'localhost:5000/x',
      tag: '1',
    });
    expect(splitTaggedName('localhost:5000/x')).toEqual({
      repository: 'localhost:5000/x',
      tag: '<none>',
    });
  });
});

describe('findImage', () => {
  const a = {
    ...fakeImageRecord('a:1'),
    repoDigests: [`docker.io/library/a@sha256:${'d'.repeat(64)}`],
  };
  const b = fakeImageRecord('b');
  const images = [a, b];
  it.each([
    ['a:1', a],
    ['docker.io/library/a:1', a],
    [a.id, a],
    [a.id.slice(7), a],
    [a.id.slice(0, 19), a],
    [a.id.slice(7, 19), a],
    [`a@sha256:${'d'.repeat(64)}`, a],
    ['b', b],
    ['a', undefined],
    ['c', undefined],
    [a.id.slice(7, 14), undefined],
  ])('%s', (ref, want) => {
    expect(findImage(images, ref)?.image).toBe(want);
  });
});
