/**
 * Serves `/openapi/v3` and the per-group-version OpenAPI v3 documents kubectl reads:
 *
 *   GET /openapi/v3                      {"paths": {"api/v1": {"serverRelativeURL":
 *                                          "/openapi/v3/api/v1?hash=<HASH>"}, ...}}
 *   GET /openapi/v3/api/v1               the document of the core group
 *   GET /openapi/v3/apis/<group>/<ver>   the document of a group version
 *   GET /openapi/v3/api, /apis, /apis/<group>   the discovery roots' small documents
 *
 * HASH is upstream's ETag: the SHA-512 of the document's JSON in upper-case hex. A request whose
 * `hash` matches gets `Cache-Control: public, immutable` (kubectl's HTTP cache then keeps it);
 * any other request gets the same body without that promise (upstream redirects a stale hash to
 * the current one; a handler that only returns bodies serves the current document instead).
 *
 * Nothing is built when the handler is created. A document is generated and serialized on its
 * first request and then served from memory; the root needs every document's hash, so its first
 * request builds them all. Documents never change for the life of the handler.
 */
import { createHash } from 'node:crypto';
import type { ObjectSchema, ResourceDef } from '../../api/index.ts';
import { OpenApiDocuments } from './openapi-documents.ts';

export interface OpenApiOptions {
  /** The served resources; documents are generated from their schemas. */
  readonly defs: readonly ResourceDef[];
  /** Server version for the documents' `info.version`, e.g. `v1.32.0`. */
  readonly version: string;
  /** Further kinds that subresources name (with `gvk`), beyond the built-in Scale, Binding and option kinds. */
  readonly kinds?: readonly ObjectSchema[];
  /** Clock for the `Expires` header; defaults to the system clock. */
  readonly now?: () => Date;
  /**
   * The documents' source, when it is shared (with `/openapi/v2`); by default the handler makes
   * its own from `defs`, `version` and `kinds` on the first request.
   */
  readonly documents?: () => OpenApiDocuments;
}

export interface OpenApiResponseBody {
  readonly contentType: string;
  readonly body: string;
  /** ETag and caching headers to send with the body. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Answers an `/openapi/v3...` path (without query string), or undefined for paths it does not
 * serve (the caller answers 404). Safe to call concurrently: everything is synchronous.
 */
export type OpenApiHandler = (
  path: string,
  query: URLSearchParams,
) => OpenApiResponseBody | undefined;

interface Serialized {
  readonly body: string;
  readonly hash: string;
}

const rootPath = '/openapi/v3';
const year = 365 * 24 * 3600 * 1000;

/** Upstream's ETag for OpenAPI v3 documents: SHA-512, upper-case hex. */
export function openApiHash(body: string): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

export function createOpenApi(opts: OpenApiOptions): OpenApiHandler {
  const now = opts.now ?? (() => new Date());
  let documents: OpenApiDocuments | undefined;
  let keys: ReadonlySet<string> | undefined;
  const cache = new Map<string, Serialized>();
  let root: Serialized | undefined;

  const docs = (): OpenApiDocuments =>
    (documents ??= opts.documents ? opts.documents() : new OpenApiDocuments(opts));
  const knownKeys = (): ReadonlySet<string> => (keys ??= new Set(docs().keys()));

  const serialized = (key: string): Serialized | undefined => {
    const hit = cache.get(key);
    if (hit) return hit;
    if (!knownKeys().has(key)) return undefined;
    const doc = docs().build(key);
    if (!doc) return undefined;
    const body = JSON.stringify(doc);
    const entry = { body, hash: openApiHash(body) };
    cache.set(key, entry);
    return entry;
  };

  const rootDocument = (): Serialized => {
    if (root) return root;
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const key of [...knownKeys()].sort()) {
      const doc = serialized(key);
      if (doc) paths[key] = { serverRelativeURL: `${rootPath}/${key}?hash=${doc.hash}` };
    }
    const body = JSON.stringify({ paths });
    root = { body, hash: openApiHash(body) };
    return root;
  };

  return (path, query) => {
    const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    if (clean === rootPath) {
      const doc = rootDocument();
      return {
        contentType: 'application/json',
        body: doc.body,
        headers: { ETag: `"${doc.hash}"`, 'Cache-Control': 'no-cache, private' },
      };
    }
    if (!clean.startsWith(`${rootPath}/`)) return undefined;
    const doc = serialized(clean.slice(rootPath.length + 1));
    if (!doc) return undefined;
    const immutable = query.get('hash') === doc.hash;
    return {
      contentType: 'application/json',
      body: doc.body,
      headers: immutable
        ? {
            ETag: `"${doc.hash}"`,
            Vary: 'Accept',
            'Cache-Control': 'public, immutable',
            Expires: new Date(now().getTime() + year).toUTCString(),
          }
        : { ETag: `"${doc.hash}"`, Vary: 'Accept', 'Cache-Control': 'no-cache, private' },
    };
  };
}
