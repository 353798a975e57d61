/**
 * The bridge between client-side `kubectl apply` (which records the applied manifest in the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation and writes as the Update manager
 * `kubectl-client-side-apply`) and `kubectl apply --server-side` (the Apply manager `kubectl`),
 * as upstream does it for the manager named exactly `kubectl`:
 *
 *   - conflicts on fields whose live value is still what the annotation says was last applied are
 *     not reported: the apply takes those fields over (the user is switching a manifest they
 *     manage from client-side to server-side apply, not fighting another writer);
 *   - while the object has the annotation, each server-side apply rewrites it with the applied
 *     configuration, so that going back to client-side apply computes the right patch.
 */
import type { ObjectSchema } from '../../api/index.ts';
import { type FieldSet, isPlainObject } from './field-set.ts';
import { goJson } from './path-element.ts';
import { compareObjects, fieldSetOf, validateObject } from './typed.ts';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** The manager name the last-applied bridge applies to (kubectl's default for --server-side). */
export const kubectlApplyManager = 'kubectl';

/** Upstream's limit on the total size of an object's annotations (keys plus values), in bytes. */
export const totalAnnotationSizeLimit = 256 * 1024;

function annotationsOf(obj: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(obj)) return undefined;
  const metadata = obj['metadata'];
  if (!isPlainObject(metadata)) return undefined;
  const annotations = metadata['annotations'];
  return isPlainObject(annotations) ? annotations : undefined;
}

/**
 * The fields whose live value still equals the last client-side-applied one: the fields of the
 * annotation's object that are the same in `live`. Undefined when there is no usable annotation
 * (missing, not JSON, another apiVersion, not valid for the schema).
 */
export function fieldsUnchangedSinceLastApplied(
  live: unknown,
  schema: ObjectSchema,
  apiVersion: string,
): FieldSet | undefined {
  const text = annotationsOf(live)?.[lastAppliedAnnotation];
  if (typeof text !== 'string' || text === '') return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  if (!isPlainObject(last) || last['apiVersion'] !== apiVersion) return undefined;
  if (validateObject(last, schema).length > 0) return undefined;
  try {
    const cmp = compareObjects(last, live, schema);
    return fieldSetOf(last, schema)
      .difference(cmp.modified)
      .difference(cmp.added)
      .difference(cmp.removed);
  } catch {
    return undefined;
  }
}

/** Whether the object carries a non-empty last-applied annotation. */
export function hasLastApplied(obj: unknown): boolean {
  const v = annotationsOf(obj)?.[lastAppliedAnnotation];
  return typeof v === 'string' && v !== '';
}

/**
 * The annotation value for an applied configuration: the configuration without the annotation
 * itself, as Go encodes it (sorted keys, HTML-safe escapes, trailing newline).
 */
export function buildLastApplied(applied: Record<string, unknown>): string {
  const metadata = applied['metadata'];
  let obj = applied;
  if (isPlainObject(metadata) && isPlainObject(metadata['annotations'])) {
    const { [lastAppliedAnnotation]: _, ...annotations } = metadata['annotations'];
    obj = { ...applied, metadata: { ...metadata, annotations } };
  }
  return goJson(obj) + '\n';
}

/**
 * `obj` (copied along metadata.annotations) with the annotation set to `value`, or with it removed
 * when the annotations would exceed the total size limit, as upstream does.
 */
export function setLastApplied(
  obj: Record<string, unknown>,
  value: string,
): Record<string, unknown> {
  const metadata = isPlainObject(obj['metadata']) ? obj['metadata'] : {};
  const annotations: Record<string, unknown> = {
    ...(isPlainObject(metadata['annotations']) ? metadata['annotations'] : {}),
    [lastAppliedAnnotation]: value,
  };
  const encoder = new TextEncoder();
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    size += encoder.encode(k).length + (typeof v === 'string' ? encoder.encode(v).length : 0);
  }
  if (size > totalAnnotationSizeLimit) {
    const { [lastAppliedAnnotation]: _, ...rest } = annotations;
    return { ...obj, metadata: { ...metadata, annotations: rest } };
  }
  return { ...obj, metadata: { ...metadata, annotations } };
}
