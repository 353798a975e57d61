import { resolve } from 'node:path';

import type { Logger } from '../util/index.ts';
import { MemoryStore } from './memory/memory-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

/** What `openStore` passes on to the backend it opens. */
export interface OpenStoreOptions {
  readonly logger?: Logger;
}

/** A store URL, parsed. */
export type StoreLocation =
  { readonly kind: 'memory' } | { readonly kind: 'sqlite'; readonly path: string };

const usage = 'use sqlite:///path/to/state.db or memory://';

/**
 * Parses a `--store` URL:
 *
 *   sqlite:///abs/path/state.db   SQLite file at an absolute path
 *   sqlite://rel/state.db         SQLite file relative to the working directory
 *   memory://                     in-memory store (lost on exit)
 *
 * The path is taken literally (no percent-decoding), so `sqlite://` + any directory works as the
 * CLI builds it. Throws an Error with one sentence for anything else; `etcd://` is recognised but
 * not supported yet.
 */
export function parseStoreUrl(url: string): StoreLocation {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'memory') {
    if (url !== 'memory://' && url !== 'memory:') {
      throw new Error(`invalid store URL "${url}": memory:// takes no path`);
    }
    return { kind: 'memory' };
  }
  if (scheme === 'sqlite') {
    if (!url.startsWith('sqlite://')) {
      throw new Error(`invalid store URL "${url}": ${usage}`);
    }
    const path = url.slice('sqlite://'.length);
    if (path === '' || path.endsWith('/')) {
      throw new Error(
        `invalid store URL "${url}": it must name a database file, e.g. sqlite:///var/lib/podbay/state.db`,
      );
    }
    if (path.includes('?')) {
      throw new Error(
        `invalid store URL "${url}": options after "?" are not supported (podbay sets SQLite's options itself)`,
      );
    }
    return { kind: 'sqlite', path: resolve(path) };
  }
  if (scheme !== undefined && /^(etcd|etcd\+https?|etcds|https?)$/.test(scheme)) {
    throw new Error(`the etcd store (${url}) is not supported yet; ${usage}`);
  }
  throw new Error(`unsupported store URL "${url}": ${usage}`);
}

/**
 * Opens the store a URL names (see `parseStoreUrl`). The composition root calls this once at
 * start-up and `close()`s the store on shutdown. Every error a user can cause (bad URL, directory
 * that cannot be created or written, file held by another podbay, file that is not a database)
 * is an Error whose message is one sentence naming the problem.
 */
export function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  let location: StoreLocation;
  try {
    location = parseStoreUrl(url);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  const logger = opts.logger === undefined ? {} : { logger: opts.logger };
  switch (location.kind) {
    case 'memory':
      return Promise.resolve(new MemoryStore(logger));
    case 'sqlite':
      return SqliteStore.open({ path: location.path, ...logger });
  }
}
