import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openStore, parseStoreUrl } from './open-store.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podbay-open-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function openError(url: string): Promise<string> {
  try {
    const store = await openStore(url);
    await store.close();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`expected openStore(${url}) to fail`);
}

describe('parseStoreUrl', () => {
  it('reads absolute and relative SQLite paths and memory://', () => {
    expect(parseStoreUrl('sqlite:///var/lib/podbay/state.db')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/podbay/state.db',
    });
    expect(parseStoreUrl('sqlite://data/state.db')).toEqual({
      kind: 'sqlite',
      path: resolve('data/state.db'),
    });
    expect(parseStoreUrl('sqlite:///tmp/my dir/state.db')).toEqual({
      kind: 'sqlite',
      path: '/tmp/my dir/state.db',
    });
    expect(parseStoreUrl('memory://')).toEqual({ kind: 'memory' });
    expect(parseStoreUrl('memory:')).toEqual({ kind: 'memory' });
  });

  it('rejects what it cannot open with one sentence', () => {
    expect(() => parseStoreUrl('etcd://127.0.0.1:2379')).toThrow(
      'the etcd store (etcd://127.0.0.1:2379) is not supported yet; use sqlite:///path/to/state.db or memory://',
    );
    expect(() => parseStoreUrl('https://10.0.0.1:2379')).toThrow(
      /etcd store .* is not supported yet/,
    );
    expect(() => parseStoreUrl('postgres://db/k8s')).toThrow(
      'unsupported store URL "postgres://db/k8s": use sqlite:///path/to/state.db or memory://',
    );
    expect(() => parseStoreUrl('/var/lib/podbay/state.db')).toThrow(/^unsupported store URL/);
    expect(() => parseStoreUrl('sqlite://')).toThrow(/must name a database file/);
    expect(() => parseStoreUrl('sqlite:///var/lib/')).toThrow(/must name a database file/);
    expect(() => parseStoreUrl('sqlite:state.db')).toThrow(/^invalid store URL/);
    expect(() => parseStoreUrl('sqlite:///x.db?_journal=WAL')).toThrow(/options after "\?"/);
    expect(() => parseStoreUrl('memory://x')).toThrow(/memory:\/\/ takes no path/);
  });
});

describe('openStore', () => {
  it('opens a working memory store', async () => {
    const store = await openStore('memory://');
    expect(store.backend).toBe('memory');
    expect((await store.create('/k', new Uint8Array([1]))).modRevision).toBe(1);
    await store.close();
  });

  it('opens a SQLite store, creating missing directories', async () => {
    const path = join(dir, 'a', 'b', 'state.db');
    const store = await openStore(`sqlite://${path}`);
    expect(store.backend).toBe('sqlite');
    await store.create('/k', new Uint8Array([1]));
    await store.close();
    expect(existsSync(path)).toBe(true);
  });

  it('explains a directory that cannot be created', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    const path = join(dir, 'file', 'state.db');
    expect(await openError(`sqlite://${path}`)).toMatch(
      new RegExp(`^cannot create the store directory ${join(dir, 'file')}: `),
    );
  });

  it('explains a database held by another store', async () => {
    const url = `sqlite://${join(dir, 'state.db')}`;
    const first = await openStore(url);
    expect(await openError(url)).toBe(
      `the store ${join(dir, 'state.db')} is in use by another process (is another podbay server using this data directory?)`,
    );
    await first.close();
  });

  it('explains an unsupported URL without touching the disk', async () => {
    expect(await openError('etcd://localhost:2379')).toMatch(/not supported yet/);
  });
});
