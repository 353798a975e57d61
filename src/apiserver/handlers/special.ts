/**
 * Subresources with their own write rules:
 *   - pods/binding (POST Binding): assigns an unassigned pod to a node and marks it scheduled;
 *   - namespaces/finalize (PUT Namespace): sets spec.finalizers only (the namespace controller
 *     removes `kubernetes` when the namespace is empty; the namespace then goes away);
 *   - pods/ephemeralcontainers (GET Pod, PUT/PATCH Pod): only spec.ephemeralContainers changes, and
 *     ephemeral containers can be added but never changed or removed.
 */
import {
  bindingSchema,
  metaTime,
  validateBinding,
  validateNamespaceFinalizeUpdate,
  validatePodEphemeralContainersUpdate,
  type Binding,
  type Namespace,
  type Pod,
} from '../../api/index.ts';
import { badRequest, conflict, invalid, notFound } from '../errors.ts';
import {
  decodePatched,
  parsePatchBody,
  readObjectBody,
  readSubresourceBody,
  writeOptions,
} from './body.ts';
import type { HandlerContext } from './context.ts';
import { applyPatchToObject } from './patching.ts';
import { handleGet } from './read.ts';
import { sendEncoded } from './respond.ts';
import { writeContext } from './write.ts';

function successStatus(code: number): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    code,
  });
}

function readBinding(ctx: HandlerContext): Promise<Binding> {
  return readSubresourceBody<Binding>(ctx, 'Binding', bindingSchema);
}

export async function bindingHandler(ctx: HandlerContext): Promise<void> {
  const { info, storage } = ctx;
  const opts = writeOptions(ctx);
  const binding = await readBinding(ctx);
  const errs = validateBinding(binding);
  if (errs.length) throw invalid('Binding', '', binding.metadata?.name ?? info.name, errs);
  const node = binding.target.name ?? '';
  const wctx = writeContext(ctx, opts);
  await storage.update(
    info.namespace,
    info.name,
    (current) => {
      if (!current) throw notFound(storage.qualified, info.name);
      const pod = current as Pod;
      if (pod.metadata?.deletionTimestamp) {
        throw conflict(
          storage.qualified,
          info.name,
          `pod ${info.name} is being deleted, cannot be assigned to a host`,
        );
      }
      if (pod.spec?.nodeName) {
        throw conflict(
          storage.qualified,
          info.name,
          `pod ${info.name} is already assigned to node "${pod.spec.nodeName}"`,
        );
      }
      pod.spec = { ...pod.spec, nodeName: node, containers: pod.spec?.containers ?? [] };
      const annotations = binding.metadata?.annotations;
      if (annotations)
        pod.metadata = {
          ...pod.metadata,
          annotations: { ...pod.metadata?.annotations, ...annotations },
        };
      const status = (pod.status ??= {});
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({
        type: 'PodScheduled',
        status: 'True',
        lastTransitionTime: metaTime(wctx.now),
      });
      status.conditions = conditions;
      return pod;
    },
    wctx,
    { retryOnConflict: true },
  );
  sendEncoded(ctx.res, 201, successStatus(201), undefined);
}

export async function finalizeHandler(ctx: HandlerContext): Promise<void> {
  const { info, storage } = ctx;
  const opts = writeOptions(ctx);
  const { object } = await readObjectBody(ctx, opts.fieldValidation);
  const wanted = object as Namespace;
  const { object: result } = await storage.update(
    '',
    info.name,
    (current) => {
      if (!current) throw notFound(storage.qualified, info.name);
      const ns = current as Namespace;
      const rv = wanted.metadata?.resourceVersion;
      if (rv) ns.metadata = { ...ns.metadata, resourceVersion: rv };
      const next: Namespace = {
        ...ns,
        spec: { ...ns.spec, finalizers: wanted.spec?.finalizers ?? [] },
      };
      const errs = validateNamespaceFinalizeUpdate(next, current);
      if (errs.length) throw invalid('Namespace', '', info.name, errs);
      return next;
    },
    writeContext(ctx, opts),
    { retryOnConflict: !wanted.metadata?.resourceVersion },
  );
  sendEncoded(ctx.res, 200, JSON.stringify(result), undefined);
}

export async function ephemeralContainersHandler(ctx: HandlerContext): Promise<void> {
  const { info, storage } = ctx;
  if (info.verb === 'get') {
    handleGet(ctx);
    return;
  }
  const opts = writeOptions(ctx);
  let wanted: (current: Pod) => Pod;
  const warnings: string[] = [];
  if (info.verb === 'update') {
    const { object, warnings: w } = await readObjectBody(ctx, opts.fieldValidation);
    warnings.push(...w);
    wanted = () => object;
  } else {
    const patch = await parsePatchBody(ctx, opts.fieldValidation);
    if (patch.type === 'apply')
      throw badRequest('server-side apply is not supported on ephemeralcontainers');
    wanted = (current) => {
      const decoded = decodePatched(
        ctx,
        applyPatchToObject(ctx, current, patch),
        patch,
        opts.fieldValidation,
      );
      warnings.push(...decoded.warnings);
      return decoded.object;
    };
  }
  const { object } = await storage.update(
    info.namespace,
    info.name,
    (current) => {
      if (!current) throw notFound(storage.qualified, info.name);
      const old = current as Pod;
      const desired = wanted(structuredClone(old));
      // The new containers get their defaults (imagePullPolicy, terminationMessagePath, …) as
      // upstream's decoder gives every Pod body; validation insists on them.
      ctx.def.defaults(desired);
      const next: Pod = structuredClone(old);
      const rv = desired.metadata?.resourceVersion;
      if (rv) next.metadata = { ...next.metadata, resourceVersion: rv };
      next.spec = { ...next.spec, containers: next.spec?.containers ?? [] };
      const ephemeral = desired.spec?.ephemeralContainers;
      if (ephemeral?.length) next.spec.ephemeralContainers = ephemeral;
      else delete next.spec.ephemeralContainers;
      const errs = validatePodEphemeralContainersUpdate(next, old);
      if (errs.length) throw invalid('Pod', '', info.name, errs);
      return next;
    },
    writeContext(ctx, opts),
    { retryOnConflict: true },
  );
  for (const w of warnings) ctx.res.addHeader('Warning', `299 - ${JSON.stringify(w)}`);
  sendEncoded(ctx.res, 200, JSON.stringify(object), undefined);
}
