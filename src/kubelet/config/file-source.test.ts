import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../api/index.ts';
import { FakeClock, type LogFields, type Logger } from '../../util/index.ts';
import { FileSource, type FileSourceOptions } from './file-source.ts';
import {
  configFirstSeenAnnotationKey,
  configHashAnnotationKey,
  configSourceAnnotationKey,
  isStaticPod,
} from './static-pod.ts';

interface Line {
  level: string;
  msg: string;
  fields: LogFields;
}

function captureLogger(lines: Line[], base: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (msg: string, fields: LogFields = {}) => {
      lines.push({ level, msg, fields: { ...base, ...fields } });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    with: (fields) => captureLogger(lines, { ...base, ...fields }),
  };
}

function manifest(name: string, command = 'sleep 3600'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "${command}"]
`;
}

let dir: string;
let clock: FakeClock;
let lines: Line[];
let events: string[];
let source: FileSource | undefined;

function start(opts: Partial<FileSourceOptions> = {}): Promise<FileSource> {
  const s = new FileSource({
    path: dir,
    nodeName: 'node1',
    clock,
    logger: captureLogger(lines),
    handler: {
      add: (p) => events.push(`add ${p.metadata?.name ?? ''} ${p.metadata?.uid ?? ''}`),
      update: (p) => events.push(`update ${p.metadata?.name ?? ''} ${p.metadata?.uid ?? ''}`),
      remove: (p) => events.push(`remove ${p.metadata?.name ?? ''} ${p.metadata?.uid ?? ''}`),
    },
    ...opts,
  });
  source = s;
  return s.start().then(() => s);
}

/** Real time: fs.watch events arrive when the kernel delivers them. */
async function until(fn: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${events.join('; ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const uidOf = (s: FileSource, name: string): string =>
  s.pods().find((p) => p.metadata?.name === name)?.metadata?.uid ?? '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podbay-static-'));
  clock = new FakeClock();
  lines = [];
  events = [];
});

afterEach(async () => {
  source?.stop();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('FileSource', () => {
  it('lists the manifests at start, ignoring dotfiles, directories and bad files', async () => {
    await writeFile(join(dir, 'web.yaml'), manifest('web'));
    await writeFile(
      join(dir, 'db.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'db', namespace: 'kube-system' },
        spec: { containers: [{ name: 'db', image: 'busybox:1.36' }] },
      }),
    );
    await writeFile(join(dir, '.web.yaml.swp'), manifest('swap'));
    await writeFile(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata;\n');
    await writeFile(join(dir, 'empty.yaml'), '');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'inner.yaml'), manifest('inner'));
    await symlink(join(dir, 'sub', 'inner.yaml'), join(dir, 'linked.yaml'));

    const s = await start({ watch: false });
    expect(s.hasSynced()).toBe(true);
    const names = s.pods().map((p) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`);
    expect(names.sort()).toEqual([
      'default/inner-node1',
      'default/web-node1',
      'kube-system/db-node1',
    ]);
    for (const pod of s.pods()) {
      const a = pod.metadata?.annotations ?? {};
      expect(a[configSourceAnnotationKey]).toBe('file');
      expect(a[configHashAnnotationKey]).toBe(pod.metadata?.uid);
      expect(a[configFirstSeenAnnotationKey]).toBe('2026-01-01T00:00:00Z');
      expect(isStaticPod(pod)).toBe(true);
    }
    const errors = lines
      .filter((l) => l.level === 'error')
      .map((l) => [l.msg, l.fields['file'], l.fields['err']]);
    expect(errors).toEqual([
      [
        'could not process manifest file',
        join(dir, 'broken.yaml'),
        expect.stringMatching(
          /broken\.yaml: couldn't parse as pod\(yaml: line \d+: .*\), please check config file$/,
        ),
      ],
      [
        'could not process manifest file',
        join(dir, 'empty.yaml'),
        `file was empty: ${join(dir, 'empty.yaml')}`,
      ],
    ]);
  });

  it('gives a file the same UID across restarts, and its first-seen time per UID', async () => {
    await writeFile(join(dir, 'web.yaml'), manifest('web'));
    const first = await start({ watch: false });
    const uid = uidOf(first, 'web-node1');
    first.stop();
    await clock.step(60_000);
    const second = await start({ watch: false });
    expect(uidOf(second, 'web-node1')).toBe(uid);
    expect(second.get(uid)?.metadata?.annotations?.[configFirstSeenAnnotationKey]).toBe(
      '2026-01-01T00:01:00Z',
    );
    // A relist of the same content hands out nothing new.
    events.length = 0;
    await second.relist();
    expect(events).toEqual([]);
  });

  it('re-reads the path every 20 s: added, changed and removed files', async () => {
    const s = await start({ watch: false });
    expect(s.pods()).toEqual([]);
    await writeFile(join(dir, 'web.yaml'), manifest('web'));
    await clock.step(19_000);
    expect(events).toEqual([]);
    await clock.step(1_000);
    await until(() => events.length === 1, 'the periodic listing');
    const uid1 = uidOf(s, 'web-node1');
    expect(events).toEqual([`add web-node1 ${uid1}`]);

    await writeFile(join(dir, 'web.yaml'), manifest('web', 'sleep 7200'));
    await clock.step(20_000);
    await until(() => events.length === 3, 'the change');
    const uid2 = uidOf(s, 'web-node1');
    expect(uid2).not.toBe(uid1);
    // A changed file is a new pod: the old one goes first.
    expect(events.slice(1)).toEqual([`remove web-node1 ${uid1}`, `add web-node1 ${uid2}`]);

    await rm(join(dir, 'web.yaml'));
    await clock.step(20_000);
    await until(() => events.length === 4, 'the removal');
    expect(events[3]).toBe(`remove web-node1 ${uid2}`);
    expect(s.pods()).toEqual([]);
  });

  it('follows the directory through fs.watch without waiting for the period', async () => {
    const s = await start();
    await writeFile(join(dir, 'web.yaml'), manifest('web'));
    await until(() => events.length === 1, 'the new file');
    const uid1 = uidOf(s, 'web-node1');

    // Editors write a temp file (a dotfile here) and rename it over the manifest.
    await writeFile(join(dir, '.web.yaml.tmp'), manifest('web', 'sleep 7200'));
    await rename(join(dir, '.web.yaml.tmp'), join(dir, 'web.yaml'));
    await until(() => events.length === 3, 'the edit');
    const uid2 = uidOf(s, 'web-node1');
    expect(events).toEqual([
      `add web-node1 ${uid1}`,
      `remove web-node1 ${uid1}`,
      `add web-node1 ${uid2}`,
    ]);

    await rm(join(dir, 'web.yaml'));
    await until(() => events.length === 4, 'the removal');
    expect(events[3]).toBe(`remove web-node1 ${uid2}`);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
  });

  it('keeps the pod of a file broken by an edit until the next listing drops it', async () => {
    await writeFile(join(dir, 'web.yaml'), manifest('web'));
    const s = await start();
    const uid = uidOf(s, 'web-node1');
    // Written at once (temp file and rename), so no half-written state is read in between.
    await writeFile(join(dir, '.tmp'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n');
    await rename(join(dir, '.tmp'), join(dir, 'web.yaml'));
    await until(
      () => lines.some((l) => l.msg === 'could not process manifest file'),
      'the bad edit to be read',
    );
    expect(lines.find((l) => l.msg === 'could not process manifest file')?.fields['err']).toBe(
      'invalid pod: [spec.containers: Required value]',
    );
    expect(s.get(uid)).toBeDefined();
    expect(events).toEqual([`add web-node1 ${uid}`]);
    await clock.step(20_000);
    await until(() => events.length === 2, 'the listing');
    expect(events[1]).toBe(`remove web-node1 ${uid}`);
    // The same error is logged once, not every 20 s.
    await clock.step(40_000);
    expect(lines.filter((l) => l.msg === 'could not process manifest file')).toHaveLength(1);
    // Fixed: the pod comes back with its old UID (same content as before).
    await writeFile(join(dir, '.tmp'), manifest('web'));
    await rename(join(dir, '.tmp'), join(dir, 'web.yaml'));
    await until(() => events.length === 3, 'the fix');
    expect(events[2]).toBe(`add web-node1 ${uid}`);
  });

  it('ignores a second file with the same pod name', async () => {
    await writeFile(join(dir, 'a.yaml'), manifest('web'));
    await writeFile(join(dir, 'b.yaml'), manifest('web', 'sleep 1'));
    const s = await start({ watch: false });
    expect(s.pods()).toHaveLength(1);
    expect(s.pods()[0]?.spec?.containers[0]?.command).toEqual(['sh', '-c', 'sleep 3600']);
    expect(
      lines
        .filter((l) => l.level === 'error')
        .map((l) => [l.msg, l.fields['file'], l.fields['usedBy']]),
    ).toEqual([
      [
        'ignoring a manifest: its pod name is already used by another file',
        join(dir, 'b.yaml'),
        join(dir, 'a.yaml'),
      ],
    ]);
    // When the first goes, the second takes over.
    await rm(join(dir, 'a.yaml'));
    await s.relist();
    expect(s.pods()[0]?.spec?.containers[0]?.command).toEqual(['sh', '-c', 'sleep 1']);
  });

  it('has no pods while the path is missing, and picks it up once it exists', async () => {
    const missing = join(dir, 'manifests');
    const s = await start({ path: missing });
    expect(s.hasSynced()).toBe(true);
    expect(s.pods()).toEqual([]);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.fields['err'])).toEqual([
      'path does not exist, ignoring',
    ]);
    await mkdir(missing);
    await writeFile(join(missing, 'web.yaml'), manifest('web'));
    await clock.step(20_000);
    await until(() => events.length === 1, 'the new directory');
    // From then on it is watched.
    await writeFile(join(missing, 'db.yaml'), manifest('db'));
    await until(() => events.length === 2, 'a file in the new directory');
    // Removing the directory removes its pods.
    await rm(missing, { recursive: true });
    await clock.step(20_000);
    await until(() => events.length === 4, 'the removal of the directory');
    expect(s.pods()).toEqual([]);
  });

  it('refuses a manifest over 10 MiB without reading it all', async () => {
    await writeFile(join(dir, 'huge.yaml'), manifest('huge') + '#'.repeat(10 * 1024 * 1024));
    const s = await start({ watch: false });
    expect(s.pods()).toEqual([]);
    expect(lines.find((l) => l.msg === 'could not process manifest file')?.fields['err']).toBe(
      `${join(dir, 'huge.yaml')}: the read limit is reached (10485760 bytes)`,
    );
  });

  it('reads a single manifest file as the path', async () => {
    const file = join(dir, 'web.yaml');
    await writeFile(file, manifest('web'));
    await writeFile(join(dir, 'other.yaml'), manifest('other'));
    const s = await start({ path: file });
    expect(s.pods().map((p) => p.metadata?.name)).toEqual(['web-node1']);
    const uid = uidOf(s, 'web-node1');
    await writeFile(file, manifest('web', 'sleep 5'));
    await until(() => events.length === 3, 'the edit');
    expect(events[1]).toBe(`remove web-node1 ${uid}`);
  });

  it('updates a pod in place when the manifest names its own UID', async () => {
    const withUid = (cmd: string): string =>
      manifest('web', cmd).replace('  name: web\n', '  name: web\n  uid: 0123456789abcdef\n');
    await writeFile(join(dir, 'web.yaml'), withUid('sleep 1'));
    const s = await start({ watch: false });
    await writeFile(join(dir, 'web.yaml'), withUid('sleep 2'));
    await s.relist();
    expect(events).toEqual(['add web-node1 0123456789abcdef', 'update web-node1 0123456789abcdef']);
    const pod: Pod | undefined = s.get('0123456789abcdef');
    expect(pod?.spec?.containers[0]?.command).toEqual(['sh', '-c', 'sleep 2']);
    expect(pod?.metadata?.annotations?.[configFirstSeenAnnotationKey]).toBe('2026-01-01T00:00:00Z');
  });
});
