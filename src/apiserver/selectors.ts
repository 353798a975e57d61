/**
 * Label and field selectors of LIST, WATCH and DELETE-collection requests, as one predicate.
 * Field selectors accept `metadata.name`, `metadata.namespace` (namespaced kinds) and the fields
 * the resource declares (`spec.nodeName` for pods, `involvedObject.name` for events, ...); anything
 * else is a 400 with upstream's message.
 */
import {
  FieldSelectorError,
  LabelSelectorError,
  defaultFieldSelectorConversion,
  fieldSelectorConversion,
  parseAndTransformFieldSelector,
  parseLabelSelector,
  type KubeObject,
  type ResourceDef,
} from '../api/index.ts';
import { badRequest } from './errors.ts';
import type { FilterBuilder } from './handlers/context.ts';

export const buildFilter: FilterBuilder = (def, labelSelector, fieldSelector) => {
  let labels;
  let fields;
  try {
    if (labelSelector) labels = parseLabelSelector(labelSelector);
  } catch (err) {
    if (err instanceof LabelSelectorError) throw badRequest(err.message);
    throw err;
  }
  try {
    if (fieldSelector) fields = parseAndTransformFieldSelector(fieldSelector, conversionFor(def));
  } catch (err) {
    if (err instanceof FieldSelectorError) throw badRequest(err.message);
    throw err;
  }
  const labelSel = labels && !labels.empty() ? labels : undefined;
  const fieldSel = fields && !fields.empty() ? fields : undefined;
  if (!labelSel && !fieldSel) return undefined;
  const getters = def.fieldSelectors as Readonly<
    Record<string, (obj: KubeObject) => string | undefined>
  >;
  return (obj: KubeObject) => {
    if (labelSel && !labelSel.matches(obj.metadata?.labels)) return false;
    if (fieldSel) {
      return fieldSel.matches((field) => {
        if (field === 'metadata.name') return obj.metadata?.name;
        if (field === 'metadata.namespace') return obj.metadata?.namespace;
        return getters[field]?.(obj);
      });
    }
    return true;
  };
};

const conversions = new WeakMap<ResourceDef, ReturnType<typeof fieldSelectorConversion>>();

function conversionFor(def: ResourceDef): ReturnType<typeof fieldSelectorConversion> {
  const labels = Object.keys(def.fieldSelectors);
  if (!labels.length) return defaultFieldSelectorConversion;
  let c = conversions.get(def);
  if (!c) {
    c = fieldSelectorConversion({ labels, namespaced: def.namespaced });
    conversions.set(def, c);
  }
  return c;
}
