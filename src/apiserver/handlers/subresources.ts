/**
 * Subresources. `status` reuses the main handlers (the storage keeps everything but the status);
 * `scale` reads and writes a parent's replicas as an autoscaling/v1 Scale; `binding` assigns a pod to
 * a node; `finalize` edits a namespace's spec.finalizers; `ephemeralcontainers` adds debug
 * containers to a pod. Streaming subresources (log, exec, attach, portforward, proxy) go to the
 * node the pod runs on, through the node connector.
 */
import type { KubeObject, SubresourceDef } from '../../api/index.ts';
import { ApiError, badRequest, methodNotAllowed, notFound } from '../errors.ts';
import type { HandlerContext } from './context.ts';
import { handleGet } from './read.ts';
import { scaleHandler } from './scale.ts';
import { handlePatch, handleUpdate } from './write.ts';
import { bindingHandler, ephemeralContainersHandler, finalizeHandler } from './special.ts';

function verbAllowed(ctx: HandlerContext, sub: SubresourceDef): void {
  const verb = ctx.info.verb;
  if (verb === 'connect' || !sub.verbs.includes(verb)) throw methodNotAllowed();
}

export async function subresourceHandler(ctx: HandlerContext, sub: SubresourceDef): Promise<void> {
  switch (sub.name) {
    case 'status':
      verbAllowed(ctx, sub);
      if (ctx.info.verb === 'get') handleGet(ctx);
      else if (ctx.info.verb === 'update') await handleUpdate(ctx);
      else await handlePatch(ctx);
      return;
    case 'scale':
      verbAllowed(ctx, sub);
      await scaleHandler(ctx);
      return;
    case 'binding':
      verbAllowed(ctx, sub);
      await bindingHandler(ctx);
      return;
    case 'finalize':
      verbAllowed(ctx, sub);
      await finalizeHandler(ctx);
      return;
    case 'ephemeralcontainers':
      verbAllowed(ctx, sub);
      await ephemeralContainersHandler(ctx);
      return;
    default:
      await nodeSubresource(ctx);
  }
}

/**
 * log, exec, attach, portforward, proxy: served by the pod's node through the node connector,
 * which applies upstream's rules (a log of an unscheduled pod is empty; exec into one is a 400).
 */
async function nodeSubresource(ctx: HandlerContext): Promise<void> {
  const cached = ctx.storage.getCached(ctx.info.namespace, ctx.info.name);
  if (!cached) throw notFound(ctx.storage.qualified, ctx.info.name);
  const obj = cached.object as KubeObject & { spec?: { nodeName?: string } };
  const connector = ctx.services.nodeConnector;
  if (connector) {
    await connector(ctx, obj);
    return;
  }
  if (!obj.spec?.nodeName) {
    throw badRequest(`pod ${ctx.info.name} does not have a host assigned`);
  }
  throw new ApiError(503, 'ServiceUnavailable', `no connection to node ${obj.spec.nodeName}`);
}
