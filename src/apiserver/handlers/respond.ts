/** Writing responses: objects, lists, tables and errors, as JSON (or YAML when asked). */
import { stringify as toYaml } from 'yaml';
import {
  groupVersion,
  type KubeObject,
  type ResourceDef,
  type TableColumnDefinition,
} from '../../api/index.ts';
import type { ApiError } from '../errors.ts';
import type { OutputFormat } from '../negotiation.ts';
import type { ApiResponse } from '../request.ts';
import type { CachedObject } from '../storage/watch-cache.ts';
import { tableRowOf, type TableConvertor } from '../tables/index.ts';

const jsonType = 'application/json';

export function sendJson(
  res: ApiResponse,
  status: number,
  body: string,
  contentType = jsonType,
): void {
  res.send(status, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' }, body);
}

/** Sends a JSON string, converting it to YAML when the client asked for YAML. */
export function sendEncoded(
  res: ApiResponse,
  status: number,
  json: string,
  format: OutputFormat | undefined,
): void {
  if (format?.encoding === 'yaml') {
    sendJson(res, status, toYaml(JSON.parse(json)), 'application/yaml');
    return;
  }
  sendJson(res, status, json);
}

export function sendError(res: ApiResponse, err: ApiError): void {
  sendJson(res, err.code, JSON.stringify(err.toStatus()));
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialMetadata(obj: KubeObject): Record<string, unknown> {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: obj.metadata ?? {},
  };
}

/** One table row for an object. */
export function tableRow(
  obj: KubeObject,
  convertor: TableConvertor,
  include: IncludeObject,
  now: number,
): Record<string, unknown> {
  const row: Record<string, unknown> = { ...tableRowOf(convertor, obj, now) };
  if (include === 'Object') row['object'] = obj;
  else if (include === 'Metadata') row['object'] = partialMetadata(obj);
  return row;
}

export function tableJson(opts: {
  rows: readonly Record<string, unknown>[];
  columns: readonly TableColumnDefinition[] | undefined;
  resourceVersion: string;
  continueToken?: string;
  remaining?: number;
}): string {
  const metadata: Record<string, unknown> = { resourceVersion: opts.resourceVersion };
  if (opts.continueToken) metadata['continue'] = opts.continueToken;
  if (opts.remaining !== undefined) metadata['remainingItemCount'] = opts.remaining;
  const table: Record<string, unknown> = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata };
  if (opts.columns) table['columnDefinitions'] = opts.columns;
  table['rows'] = opts.rows;
  return JSON.stringify(table);
}

/** A list as JSON, concatenating the cached serialisation of each item. */
export function listJson(opts: {
  def: ResourceDef;
  items: readonly CachedObject[];
  resourceVersion: string;
  continueToken?: string;
  remaining?: number;
}): string {
  const meta: Record<string, unknown> = { resourceVersion: opts.resourceVersion };
  if (opts.continueToken) meta['continue'] = opts.continueToken;
  if (opts.remaining !== undefined) meta['remainingItemCount'] = opts.remaining;
  let out = `{"kind":${JSON.stringify(opts.def.kind + 'List')},"apiVersion":${JSON.stringify(groupVersion(opts.def))},"metadata":${JSON.stringify(meta)},"items":[`;
  let first = true;
  for (const item of opts.items) {
    if (!first) out += ',';
    out += item.json();
    first = false;
  }
  return out + ']}';
}

export function metadataListJson(opts: {
  items: readonly CachedObject[];
  resourceVersion: string;
  continueToken?: string;
}): string {
  const meta: Record<string, unknown> = { resourceVersion: opts.resourceVersion };
  if (opts.continueToken) meta['continue'] = opts.continueToken;
  return JSON.stringify({
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    items: opts.items.map((i) => partialMetadata(i.object)),
  });
}
