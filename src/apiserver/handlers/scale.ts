/**
 * The `scale` subresource (deployments, replicasets, statefulsets, replicationcontrollers): an
 * autoscaling/v1 Scale view of the parent's replicas. Writes change only `spec.replicas` of the
 * parent, through the parent's own update rules (so the generation moves as for any spec change);
 * a resourceVersion in the Scale is a precondition on the parent's.
 */
import {
  decodeAgainstSchema,
  labelSelectorAsSelector,
  scaleSchema,
  type KubeObject,
  type LabelSelector,
  type Scale,
} from '../../api/index.ts';
import { ApiError, badRequest, invalid, notFound } from '../errors.ts';
import type { HandlerContext } from './context.ts';
import { parsePatchBody, readSubresourceBody, writeOptions } from './body.ts';
import { applyPatchToObject } from './patching.ts';
import { sendEncoded } from './respond.ts';
import { writeContext } from './write.ts';

interface Scalable extends KubeObject {
  spec?: { replicas?: number; selector?: LabelSelector | Record<string, string> };
  status?: { replicas?: number; selector?: string };
}

function selectorString(parent: Scalable): string {
  const sel = parent.spec?.selector;
  if (!sel) return '';
  // ReplicationControllers have a plain map; the apps kinds a LabelSelector.
  const isLabelSelector = 'matchLabels' in sel || 'matchExpressions' in sel;
  const ls: LabelSelector = isLabelSelector ? sel : { matchLabels: sel as Record<string, string> };
  return labelSelectorAsSelector(ls).toString();
}

export function scaleOf(parent: Scalable): Scale {
  const m = parent.metadata ?? {};
  const meta: Scale['metadata'] = {};
  if (m.name !== undefined) meta.name = m.name;
  if (m.namespace !== undefined) meta.namespace = m.namespace;
  if (m.uid !== undefined) meta.uid = m.uid;
  if (m.resourceVersion !== undefined) meta.resourceVersion = m.resourceVersion;
  if (m.creationTimestamp !== undefined) meta.creationTimestamp = m.creationTimestamp;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: meta,
    spec: { replicas: parent.spec?.replicas ?? 0 },
    status: { replicas: parent.status?.replicas ?? 0, selector: selectorString(parent) },
  };
}

function decodeScale(value: unknown): Scale {
  const result = decodeAgainstSchema<Scale>(value, scaleSchema, {
    mode: 'Ignore',
    kindForMessages: { kind: 'Scale', version: 'v1' },
  });
  const [first] = result.errors;
  if (first) throw badRequest(first.message);
  return result.value;
}

export async function scaleHandler(ctx: HandlerContext): Promise<void> {
  const { info, storage } = ctx;
  const cached = storage.getCached(info.namespace, info.name);
  if (info.verb === 'get') {
    if (!cached) throw notFound(storage.qualified, info.name);
    sendEncoded(ctx.res, 200, JSON.stringify(scaleOf(cached.object)), undefined);
    return;
  }
  const opts = writeOptions(ctx);
  let wanted: (current: Scalable) => Scale;
  if (info.verb === 'update') {
    const scale = await readSubresourceBody<Scale>(ctx, 'Scale', scaleSchema);
    wanted = () => scale;
  } else {
    const patch = await parsePatchBody(ctx, opts.fieldValidation);
    if (patch.type === 'apply') {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'server-side apply is not supported on the scale subresource; patch the parent object instead',
      );
    }
    wanted = (current) => decodeScale(applyPatchToObject(ctx, scaleOf(current), patch));
  }
  const { object } = await storage.update(
    info.namespace,
    info.name,
    (current) => {
      if (!current) throw notFound(storage.qualified, info.name);
      const parent = current as Scalable;
      const scale = wanted(parent);
      const replicas = scale.spec?.replicas ?? 0;
      if (replicas < 0) {
        throw invalid('Scale', 'autoscaling', info.name, [
          {
            type: 'FieldValueInvalid',
            field: 'spec.replicas',
            badValue: replicas,
            detail: 'must be greater than or equal to 0',
          },
        ]);
      }
      const rv = scale.metadata?.resourceVersion;
      parent.metadata = { ...parent.metadata };
      if (rv) parent.metadata.resourceVersion = rv;
      parent.spec = { ...parent.spec, replicas };
      return parent;
    },
    writeContext(ctx, opts),
    { retryOnConflict: true },
  );
  sendEncoded(ctx.res, 200, JSON.stringify(scaleOf(object)), undefined);
}
