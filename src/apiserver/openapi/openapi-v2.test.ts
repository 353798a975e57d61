import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OpenApiDocuments } from './openapi-documents.ts';
import {
  createOpenApiV2,
  openApiV2ProtobufAccept,
  openApiV2ProtobufType,
  parseAccept,
  type OpenApiV2Handler,
  type OpenApiV2Response,
} from './openapi-v2.ts';
import type { SwaggerDocument } from './openapi-v2-types.ts';
import { decodeGnosticDocument, gnosticToSwagger } from './testing/gnostic-reader.ts';
import { allTestDefs } from './testing/test-defs.ts';

const documents = new OpenApiDocuments({ defs: allTestDefs, version: 'v1.32.0' });
const modified = new Date('2025-03-04T05:06:07.890Z');
const handler = createOpenApiV2({
  documents: () => documents,
  version: 'v1.32.0',
  now: () => new Date(modified),
});

function get(h: OpenApiV2Handler, headers: Record<string, string> = {}): OpenApiV2Response {
  return h((name) => headers[name]);
}

const json = get(handler);
const etag = json.headers['ETag'] ?? '';

describe('/openapi/v2', () => {
  it('serves the JSON document by default and to JSON and wildcard Accepts', () => {
    expect(json.status).toBe(200);
    expect(json.headers['Content-Type']).toBe('application/json');
    const doc = JSON.parse(json.body.toString('utf8')) as SwaggerDocument;
    expect(doc.swagger).toBe('2.0');
    expect(doc.info.version).toBe('v1.32.0');
    for (const accept of ['application/json', '*/*', 'application/*', 'text/html, */*;q=0.1']) {
      const r = get(handler, { accept });
      expect(r.headers['Content-Type'], accept).toBe('application/json');
      expect(r.body.equals(json.body), accept).toBe(true);
    }
  });

  it('serves gnostic protobuf to what client-go asks for, under upstream content type', () => {
    for (const accept of [openApiV2ProtobufAccept, openApiV2ProtobufType]) {
      const r = get(handler, { accept });
      expect(r.status).toBe(200);
      expect(r.headers['Content-Type']).toBe(openApiV2ProtobufType);
      expect(gnosticToSwagger(decodeGnosticDocument(r.body))).toEqual(
        JSON.parse(json.body.toString('utf8')),
      );
    }
  });

  it('picks by quality, then the more specific type', () => {
    expect(
      get(handler, { accept: `application/json;q=0.5, ${openApiV2ProtobufAccept}` }).headers[
        'Content-Type'
      ],
    ).toBe(openApiV2ProtobufType);
    expect(
      get(handler, { accept: `${openApiV2ProtobufAccept};q=0.9, application/json` }).headers[
        'Content-Type'
      ],
    ).toBe('application/json');
    expect(parseAccept('*/*, text/*;q=1, application/json;q=0.3, x/y;q=0').map((c) => c.q)).toEqual(
      [1, 1, 0.3],
    );
    expect(parseAccept('*/*, text/plain').map((c) => `${c.type}/${c.subtype}`)).toEqual([
      'text/plain',
      '*/*',
    ]);
  });

  it('answers 406 to media types it cannot produce', () => {
    for (const accept of ['text/html', 'application/yaml', 'application/vnd.kubernetes.protobuf']) {
      const r = get(handler, { accept });
      expect(r.status, accept).toBe(406);
      expect(r.body.length).toBe(0);
    }
  });

  it('tags both representations with the SHA-512 of the JSON document, and Last-Modified', () => {
    const hash = createHash('sha512').update(json.body).digest('hex').toUpperCase();
    expect(etag).toBe(`"${hash}"`);
    expect(get(handler, { accept: openApiV2ProtobufAccept }).headers['ETag']).toBe(etag);
    expect(json.headers['Vary']).toBe('Accept, Accept-Encoding');
    expect(json.headers['Last-Modified']).toBe('Tue, 04 Mar 2025 05:06:07 GMT');
  });

  it('answers 304 to a matching If-None-Match or a fresh If-Modified-Since', () => {
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const r = get(handler, { accept: openApiV2ProtobufAccept, 'if-none-match': ifNoneMatch });
      expect(r.status, ifNoneMatch).toBe(304);
      expect(r.body.length).toBe(0);
      expect(r.headers['ETag']).toBe(etag);
    }
    expect(get(handler, { 'if-none-match': '"stale"' }).status).toBe(200);
    const since = 'Tue, 04 Mar 2025 05:06:07 GMT';
    expect(get(handler, { 'if-modified-since': since }).status).toBe(304);
    expect(get(handler, { 'if-modified-since': 'Tue, 04 Mar 2025 05:06:06 GMT' }).status).toBe(200);
    // If-None-Match decides when both are sent.
    expect(get(handler, { 'if-modified-since': since, 'if-none-match': '"x"' }).status).toBe(200);
  });

  it('gzips for clients that accept it', () => {
    for (const accept of ['application/json', openApiV2ProtobufAccept]) {
      const plain = get(handler, { accept });
      const r = get(handler, { accept, 'accept-encoding': 'gzip' });
      expect(r.headers['Content-Encoding']).toBe('gzip');
      expect(r.headers['Vary']).toBe('Accept, Accept-Encoding');
      expect(r.body.length).toBeLessThan(plain.body.length / 4);
      expect(gunzipSync(r.body).equals(plain.body)).toBe(true);
    }
    expect(
      get(handler, { 'accept-encoding': 'gzip;q=0, identity' }).headers['Content-Encoding'],
    ).toBeUndefined();
  });

  it('builds nothing until the first request, then the document once', () => {
    let builds = 0;
    const h = createOpenApiV2({
      documents: () => {
        builds++;
        return new OpenApiDocuments({ defs: allTestDefs, version: 'v1.32.0' });
      },
      version: 'v1.32.0',
    });
    expect(builds).toBe(0);
    const first = get(h);
    get(h, { accept: openApiV2ProtobufAccept });
    get(h, { accept: 'text/html' });
    expect(get(h).body.equals(first.body)).toBe(true);
    expect(builds).toBe(1);
    // A fresh handler gives the same bytes and ETag: the document is a function of the schemas.
    expect(first.headers['ETag']).toBe(etag);
  });
});
