/**
 * Serves `GET /openapi/v2` as upstream's kube-openapi handler does:
 *
 *   Accept                                                  answer
 *   application/json, application/*, *\/*, none             the JSON document
 *   application/com.github.proto-openapi.spec.v2@v1.0+protobuf   (what client-go asks for)
 *   application/com.github.proto-openapi.spec.v2.v1.0+protobuf   gnostic's Document message,
 *                                          Content-Type ...spec.v2.v1.0+protobuf for both
 *   anything else                                           406 Not Acceptable
 *
 * The Accept clauses are tried by quality, then by specificity (as goautoneg sorts them); the
 * first one a representation matches wins. Both representations share one ETag: the SHA-512 of
 * the JSON document in upper-case hex, quoted. `If-None-Match` with it (or `*`) answers 304
 * (kubectl's HTTP cache revalidates that way on every run, since the API server marks responses
 * `no-cache`), as does `If-Modified-Since` at or after `Last-Modified` when no `If-None-Match`
 * is sent. Bodies of clients that accept gzip are sent gzipped, as upstream's gzip handler does.
 *
 * Nothing is built when the handler is created: the document is generated on the first request
 * and kept, with each encoding made the first time it is asked for. The document never changes
 * for the life of the handler.
 */
import { gzipSync } from 'node:zlib';
import type { OpenApiDocuments } from './openapi-documents.ts';
import { openApiV2Document } from './openapi-v2-document.ts';
import { encodeOpenApiV2Protobuf } from './openapi-v2-protobuf.ts';
import { openApiHash } from './openapi.ts';

export const openApiV2Path = '/openapi/v2';
/** The media type client-go asks for (upstream calls it deprecated, and still serves it). */
export const openApiV2ProtobufAccept = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** The media type upstream answers with for both protobuf names. */
export const openApiV2ProtobufType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export interface OpenApiV2Options {
  /** The OpenAPI v3 documents the v2 document is derived from (shared with `/openapi/v3`). */
  readonly documents: () => OpenApiDocuments;
  /** Server version for `info.version`, e.g. `v1.32.0`. */
  readonly version: string;
  /** Clock for `Last-Modified`; defaults to the system clock. */
  readonly now?: () => Date;
}

export interface OpenApiV2Response {
  readonly status: 200 | 304 | 406;
  readonly body: Buffer;
  /** Content-Type, ETag, Vary, Last-Modified, Content-Encoding as they apply. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A request header by lower-case name. */
export type HeaderLookup = (name: string) => string | undefined;

/** Answers `GET /openapi/v2`. Synchronous; safe to call concurrently. */
export type OpenApiV2Handler = (header: HeaderLookup) => OpenApiV2Response;

type Representation = 'json' | 'protobuf';

interface Encoded {
  readonly body: Buffer;
  gzipped?: Buffer;
}

interface Built {
  readonly etag: string;
  readonly lastModified: Date;
  readonly json: Encoded;
  readonly protobuf: Encoded;
}

const offered: readonly { type: string; subtype: string; rep: Representation }[] = [
  { type: 'application', subtype: 'json', rep: 'json' },
  {
    type: 'application',
    subtype: 'com.github.proto-openapi.spec.v2@v1.0+protobuf',
    rep: 'protobuf',
  },
  {
    type: 'application',
    subtype: 'com.github.proto-openapi.spec.v2.v1.0+protobuf',
    rep: 'protobuf',
  },
];

interface AcceptClause {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

/** Accept clauses, best first: by quality, then specific types before wildcards. */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim());
    if (range === '') continue;
    let type: string;
    let subtype: string;
    if (range === '*') [type, subtype] = ['*', '*'];
    else {
      const slash = range.indexOf('/');
      if (slash <= 0 || slash === range.length - 1) continue;
      type = range.slice(0, slash).toLowerCase();
      subtype = range.slice(slash + 1).toLowerCase();
    }
    let q = 1;
    for (const p of params) {
      const [k = '', v = ''] = p.split('=').map((s) => s.trim());
      if (k === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) ? n : 1;
      }
    }
    if (q > 0) clauses.push({ type, subtype, q });
  }
  const specificity = (c: AcceptClause): number =>
    (c.type === '*' ? 0 : 2) + (c.subtype === '*' ? 0 : 1);
  // Array.prototype.sort is stable: equal clauses keep the client's order.
  return clauses.sort((a, b) => b.q - a.q || specificity(b) - specificity(a));
}

function negotiate(accept: string | undefined): Representation | undefined {
  for (const clause of parseAccept(accept === undefined || accept === '' ? '*/*' : accept)) {
    for (const o of offered) {
      if (clause.type !== '*' && clause.type !== o.type) continue;
      if (clause.subtype !== '*' && clause.subtype !== o.subtype) continue;
      return o.rep;
    }
  }
  return undefined;
}

/** Whether an If-None-Match header names `etag` (weak comparison, lists and `*`). */
function etagMatches(header: string, etag: string): boolean {
  const want = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || t.replace(/^W\//, '') === want);
}

function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Responses smaller than this go uncompressed (upstream's gzip handler uses the same cut-off). */
const gzipMinSize = 1400;

export function createOpenApiV2(opts: OpenApiV2Options): OpenApiV2Handler {
  const now = opts.now ?? (() => new Date());
  let built: Built | undefined;

  const build = (): Built => {
    if (built) return built;
    // Both encodings at once, so the document itself need not stay in memory.
    const document = openApiV2Document(opts.documents(), opts.version);
    const json = JSON.stringify(document);
    const modified = now();
    // HTTP dates have whole seconds; keep the one we send, so If-Modified-Since compares equal.
    modified.setMilliseconds(0);
    built = {
      etag: `"${openApiHash(json)}"`,
      lastModified: modified,
      json: { body: Buffer.from(json) },
      protobuf: { body: encodeOpenApiV2Protobuf(document) },
    };
    return built;
  };

  return (header) => {
    const rep = negotiate(header('accept'));
    if (rep === undefined) {
      return {
        status: 406,
        body: Buffer.alloc(0),
        headers: { Vary: 'Accept' },
      };
    }
    const b = build();
    // Every answer varies by Accept-Encoding too, gzipped or not, as behind upstream's gzip handler.
    const vary = 'Accept, Accept-Encoding';
    const common = {
      Vary: vary,
      ETag: b.etag,
      'Last-Modified': b.lastModified.toUTCString(),
    };
    const ifNoneMatch = header('if-none-match');
    const ifModifiedSince = header('if-modified-since');
    const notModified =
      ifNoneMatch !== undefined
        ? etagMatches(ifNoneMatch, b.etag)
        : ifModifiedSince !== undefined &&
          !Number.isNaN(Date.parse(ifModifiedSince)) &&
          Date.parse(ifModifiedSince) >= b.lastModified.getTime();
    if (notModified) {
      // Like Go's ServeContent: a 304 with an ETag leaves out Last-Modified.
      return { status: 304, body: Buffer.alloc(0), headers: { Vary: vary, ETag: b.etag } };
    }
    const contentType = rep === 'json' ? 'application/json' : openApiV2ProtobufType;
    const enc = rep === 'json' ? b.json : b.protobuf;
    if (enc.body.length >= gzipMinSize && acceptsGzip(header('accept-encoding'))) {
      enc.gzipped ??= gzipSync(enc.body);
      return {
        status: 200,
        body: enc.gzipped,
        headers: {
          ...common,
          'Content-Type': contentType,
          'Content-Encoding': 'gzip',
        },
      };
    }
    return { status: 200, body: enc.body, headers: { ...common, 'Content-Type': contentType } };
  };
}
