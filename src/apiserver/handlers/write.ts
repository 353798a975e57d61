/**
 * POST, PUT, PATCH, DELETE and DELETE-collection for any resource (and the `status` subresource),
 * following upstream's handlers: decode and field-validate the body, check it names this
 * resource's kind, then hand it to the storage, which runs defaulting, the strategy, admission and
 * validation. Responses are 201 for creates, 200 otherwise; a DELETE answers with the object (kinds
 * that return it, and deletions still pending) or a Success Status.
 */
import { groupVersion, type DeleteOptions, type KubeObject } from '../../api/index.ts';
import { ApiError, notFound } from '../errors.ts';
import { negotiateOutput, type OutputFormat } from '../negotiation.ts';
import type { WriteContext } from '../storage/resource-storage.ts';
import {
  decodePatched,
  parsePatchBody,
  readDeleteOptions,
  readObjectBody,
  writeOptions,
  type WriteOptions,
} from './body.ts';
import type { HandlerContext } from './context.ts';
import { applyPatchToObject, serverSideApply } from './patching.ts';
import { sendEncoded } from './respond.ts';

function responseFormat(ctx: HandlerContext): OutputFormat | undefined {
  // Writes answer with the object; a client that only accepts tables still gets JSON.
  return negotiateOutput(ctx.req.header('accept'), { tables: false }) ?? undefined;
}

export function writeContext(ctx: HandlerContext, opts: WriteOptions): WriteContext {
  return {
    now: ctx.services.clock.now(),
    dryRun: opts.dryRun,
    fieldManager: opts.fieldManager,
    subresource: ctx.info.subresource,
  };
}

function sendObject(ctx: HandlerContext, status: number, obj: KubeObject): void {
  sendEncoded(ctx.res, status, JSON.stringify(obj), responseFormat(ctx));
}

function addWarnings(ctx: HandlerContext, warnings: readonly string[]): void {
  for (const w of warnings) ctx.res.addHeader('Warning', `299 - ${JSON.stringify(w)}`);
}

function requireNamespace(ctx: HandlerContext): void {
  if (ctx.def.namespaced && !ctx.info.namespace) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
}

export async function handleCreate(ctx: HandlerContext): Promise<void> {
  requireNamespace(ctx);
  const opts = writeOptions(ctx);
  const { object, warnings } = await readObjectBody(ctx, opts.fieldValidation);
  addWarnings(ctx, warnings);
  const created = await ctx.storage.create(ctx.info.namespace, object, writeContext(ctx, opts));
  sendEncoded(ctx.res, 201, created.json(), responseFormat(ctx));
}

export async function handleUpdate(ctx: HandlerContext): Promise<void> {
  requireNamespace(ctx);
  const opts = writeOptions(ctx);
  const { object, warnings } = await readObjectBody(ctx, opts.fieldValidation);
  addWarnings(ctx, warnings);
  const { object: result, created } = await ctx.storage.update(
    ctx.info.namespace,
    ctx.info.name,
    () => object,
    writeContext(ctx, opts),
    { allowCreate: ctx.def.allowCreateOnUpdate && !ctx.info.subresource },
  );
  sendObject(ctx, created ? 201 : 200, result);
}

export async function handlePatch(ctx: HandlerContext): Promise<void> {
  requireNamespace(ctx);
  const opts = writeOptions(ctx);
  const patch = await parsePatchBody(ctx, opts.fieldValidation);
  if (patch.type === 'apply') {
    const { object, created } = await serverSideApply(ctx, patch.value, opts);
    sendObject(ctx, created ? 201 : 200, object);
    return;
  }
  const warnings = new Set<string>();
  const { object: result } = await ctx.storage.update(
    ctx.info.namespace,
    ctx.info.name,
    (current) => {
      if (!current) throw notFound(ctx.storage.qualified, ctx.info.name);
      const patched = applyPatchToObject(ctx, current, patch);
      const decoded = decodePatched(ctx, patched, patch, opts.fieldValidation);
      for (const w of decoded.warnings) warnings.add(w);
      return decoded.object;
    },
    writeContext(ctx, opts),
    { retryOnConflict: true },
  );
  addWarnings(ctx, [...warnings]);
  sendObject(ctx, 200, result);
}

function deletedStatus(ctx: HandlerContext, obj: KubeObject): Record<string, unknown> {
  const details: Record<string, unknown> = { name: obj.metadata?.name ?? ctx.info.name };
  if (ctx.def.group) details['group'] = ctx.def.group;
  details['kind'] = ctx.def.resource;
  if (obj.metadata?.uid) details['uid'] = obj.metadata.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export async function handleDelete(ctx: HandlerContext): Promise<void> {
  requireNamespace(ctx);
  const options = await readDeleteOptions(ctx);
  const opts = writeOptions(ctx, options);
  const result = await ctx.storage.delete(
    ctx.info.namespace,
    ctx.info.name,
    options,
    writeContext(ctx, opts),
  );
  const status = !result.deleted && options.orphanDependents === false ? 202 : 200;
  if (result.deleted && !ctx.storage.returnsDeletedObject) {
    sendEncoded(
      ctx.res,
      status,
      JSON.stringify(deletedStatus(ctx, result.object)),
      responseFormat(ctx),
    );
    return;
  }
  sendObject(ctx, status, result.object);
}

/** Deletes every object the list options select, and answers with the list of what was deleted. */
export async function handleDeleteCollection(ctx: HandlerContext): Promise<void> {
  const options: DeleteOptions = await readDeleteOptions(ctx);
  const opts = writeOptions(ctx, options);
  const { info, def, storage, services } = ctx;
  const q = info.query;
  const filter = services.buildFilter(def, q.get('labelSelector'), q.get('fieldSelector'));
  const prefix = def.namespaced && info.namespace ? `${info.namespace}/` : '';
  const targets = storage.cache.list(prefix).filter((o) => !filter || filter(o.object));
  const deleted: KubeObject[] = [];
  for (const t of targets) {
    const ns = t.object.metadata?.namespace ?? '';
    const name = t.object.metadata?.name ?? '';
    try {
      const r = await storage.delete(ns, name, options, writeContext(ctx, opts));
      deleted.push(r.object);
    } catch (err) {
      // Something else deleted it meanwhile: that is what we wanted.
      if (err instanceof ApiError && err.code === 404) continue;
      throw err;
    }
  }
  const list = {
    kind: `${def.kind}List`,
    apiVersion: groupVersion(def),
    metadata: { resourceVersion: String(services.cache.revision) },
    items: deleted,
  };
  sendEncoded(ctx.res, 200, JSON.stringify(list), responseFormat(ctx));
}
