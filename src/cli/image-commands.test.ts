import { describe, expect, it } from 'vitest';
import {
  formatImageTable,
  humanSize,
  imageImport,
  imageList,
  imageRemove,
  type ImageCommandStore,
  type ListedImage,
} from './image-commands.ts';

const busybox: ListedImage = {
  id: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  repoTags: ['podbay.test/busybox:1', 'docker.io/library/busybox:latest'],
  size: 2_145_678,
};
const unnamed: ListedImage = { id: `sha256:${'f'.repeat(64)}`, repoTags: [], size: 999 };

function harness(store: Partial<ImageCommandStore>): {
  io: Parameters<typeof imageList>[0];
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  return {
    io: {
      store: {
        import: () => Promise.reject(new Error('unexpected')),
        list: () => Promise.resolve([]),
        remove: () => Promise.resolve(),
        ...store,
      },
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
    },
    out: () => out,
    err: () => err,
  };
}

describe('image commands', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1234, '1.23kB'],
    [2_145_678, '2.15MB'],
    [4_260_000, '4.26MB'],
    [1_500_000_000, '1.5GB'],
  ])('humanSize(%d) = %s', (bytes, want) => {
    expect(humanSize(bytes)).toBe(want);
  });

  it('lists one row per name, sorted, with 12-hex ids', () => {
    expect(formatImageTable([busybox, unnamed])).toBe(
      [
        'IMAGE                       TAG      IMAGE ID       SIZE',
        '<none>                      <none>   ffffffffffff   999B',
        'docker.io/library/busybox   latest   0123456789ab   2.15MB',
        'podbay.test/busybox         1        0123456789ab   2.15MB',
        '',
      ].join('\n'),
    );
  });

  it('ls --quiet prints ids', async () => {
    const h = harness({ list: () => Promise.resolve([busybox]) });
    expect(await imageList(h.io, { quiet: true })).toBe(0);
    expect(h.out()).toBe(`${busybox.id}\n`);
  });

  it('import prints names and ids, goes on after a failure and exits 1', async () => {
    const h = harness({
      import: (file) =>
        file === 'bad.tar'
          ? Promise.reject(new Error('bad.tar: layer x: digest mismatch'))
          : Promise.resolve({
              images: [
                { ...busybox, importedNames: busybox.repoTags },
                { ...unnamed, importedNames: [] },
              ],
            }),
    });
    expect(await imageImport(h.io, ['bad.tar', 'ok.tar'], {})).toBe(1);
    expect(h.err()).toBe('podbay: bad.tar: layer x: digest mismatch\n');
    expect(h.out()).toBe(
      [
        `Loaded image: podbay.test/busybox:1 (${busybox.id})`,
        `Loaded image: docker.io/library/busybox:latest (${busybox.id})`,
        `Loaded image ID: ${unnamed.id}`,
        '',
      ].join('\n'),
    );
  });

  it('rm reports each reference', async () => {
    const h = harness({
      remove: (ref) =>
        ref === 'busy'
          ? Promise.reject(new Error('cannot remove busy: image is in use by container c1'))
          : Promise.resolve(),
    });
    expect(await imageRemove(h.io, ['a', 'busy'])).toBe(1);
    expect(h.out()).toBe('Deleted: a\n');
    expect(h.err()).toBe('podbay: cannot remove busy: image is in use by container c1\n');
    expect(await imageRemove(h.io, ['a'])).toBe(0);
  });
});
