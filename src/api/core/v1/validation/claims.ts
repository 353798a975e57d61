/**
 * PersistentVolumeClaim specs (for claims, generic ephemeral volumes and StatefulSet claim
 * templates) and the metadata of embedded templates, as upstream v1.32
 * `ValidatePersistentVolumeClaimSpec` and `ValidateTemplateObjectMeta`.
 */
import type { ObjectMeta } from '../../../meta/v1.ts';
import type { PersistentVolumeClaimSpec, PersistentVolumeClaimTemplate } from '../volume.ts';
import type { Path } from '../../../validation/field-errors.ts';
import { forbidden, invalid, notSupported, required } from '../../../validation/field-errors.ts';
import { GoLiteral } from '../../../validation/go-format.ts';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../../../validation/generic.ts';
import { isDNS1123Subdomain } from '../../../validation/names.ts';
import {
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
} from '../../../validation/object-meta.ts';
import {
  type Errs,
  list,
  nameErrors,
  parseQty,
  str,
  validateResourceQuantityValue,
} from './common.ts';

export const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const accessModeSet = new Set(accessModes);
export const volumeModes = ['Block', 'Filesystem'];

/** The access modes list: known values; ReadWriteOncePod alone. */
export function validateAccessModes(modes: readonly string[], path: Path): Errs {
  const errs: Errs = [];
  let rwop = false;
  let other = false;
  for (const mode of modes) {
    if (!accessModeSet.has(mode)) errs.push(notSupported(path, mode, accessModes));
    if (mode === 'ReadWriteOncePod') rwop = true;
    else if (accessModeSet.has(mode)) other = true;
  }
  if (rwop && other) {
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

/** Upstream `ValidatePersistentVolumeClaimSpec` (VolumeAttributesClass is off in v1.32). */
export function validateClaimSpec(spec: PersistentVolumeClaimSpec | undefined, path: Path): Errs {
  const errs: Errs = [];
  const modes = list(spec?.accessModes) as readonly string[];
  if (modes.length === 0) {
    errs.push(required(path.child('accessModes'), 'at least 1 access mode is required'));
  }
  if (spec?.selector) errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  errs.push(...validateAccessModes(modes, path.child('accessModes')));
  const storagePath = path.child('resources').key('storage');
  const storage = spec?.resources?.requests?.['storage'];
  if (storage === undefined) errs.push(required(storagePath));
  else {
    const q = parseQty(storage);
    if (q.sign() <= 0) errs.push(invalid(storagePath, q.toString(), 'must be greater than zero'));
    else errs.push(...validateResourceQuantityValue('storage', storage, storagePath));
  }
  const className = spec?.storageClassName;
  if (className)
    errs.push(...nameErrors(nameIsDNSSubdomain, className, path.child('storageClassName')));
  const mode: string | undefined = spec?.volumeMode;
  if (mode !== undefined && !volumeModes.includes(mode)) {
    errs.push(notSupported(path.child('volumeMode'), mode, volumeModes));
  }
  if (spec?.dataSource) {
    errs.push(...validateDataSource(spec.dataSource, undefined, path.child('dataSource')));
  }
  const ref = spec?.dataSourceRef;
  if (ref) errs.push(...validateDataSource(ref, ref.namespace, path.child('dataSourceRef')));
  if (ref?.namespace) {
    if (spec?.dataSource) {
      errs.push(
        invalid(
          path,
          new GoLiteral(path.child('dataSource').toString()),
          'may not be specified when dataSourceRef.namespace is specified',
        ),
      );
    }
  } else if (spec?.dataSource && ref) {
    const a = spec.dataSource;
    if (a.apiGroup !== ref.apiGroup || a.kind !== ref.kind || a.name !== ref.name) {
      errs.push(
        invalid(
          path,
          new GoLiteral(path.child('dataSource').toString()),
          'must match dataSourceRef',
        ),
      );
    }
  }
  return errs;
}

function validateDataSource(
  ds: { apiGroup?: string; kind?: string; name?: string },
  namespace: string | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  const kind = str(ds.kind);
  const group = str(ds.apiGroup);
  if (!str(ds.name)) errs.push(required(path.child('name')));
  if (!kind) errs.push(required(path.child('kind')));
  if (!group && kind !== 'PersistentVolumeClaim') {
    errs.push(
      invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"),
    );
  }
  if (group) {
    for (const m of isDNS1123Subdomain(group)) errs.push(invalid(path.child('apiGroup'), group, m));
  }
  if (namespace) errs.push(...nameErrors(nameIsDNSLabel, namespace, path.child('namespace')));
  return errs;
}

/** Go field names (first letter lowered, as upstream's reflection reports them) in struct order. */
const templateMetaFields: readonly (readonly [keyof ObjectMeta, string])[] = [
  ['name', 'name'],
  ['generateName', 'generateName'],
  ['namespace', 'namespace'],
  ['selfLink', 'selfLink'],
  ['uid', 'uID'],
  ['resourceVersion', 'resourceVersion'],
  ['generation', 'generation'],
  ['creationTimestamp', 'creationTimestamp'],
  ['deletionTimestamp', 'deletionTimestamp'],
  ['deletionGracePeriodSeconds', 'deletionGracePeriodSeconds'],
  ['ownerReferences', 'ownerReferences'],
  ['finalizers', 'finalizers'],
  ['managedFields', 'managedFields'],
];

/** Go's zero value: unset, empty string, 0 or null time (an empty list is not nil, so not zero). */
function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0;
}

/** Upstream `ValidateTemplateObjectMeta`: only labels and annotations may be set. */
export function validateTemplateObjectMeta(meta: ObjectMeta | undefined, path: Path): Errs {
  const errs = validateAnnotations(meta?.annotations, path.child('annotations'));
  errs.push(...validateLabels(meta?.labels, path.child('labels')));
  if (meta) {
    for (const [key, goName] of templateMetaFields) {
      if (!isZero(meta[key])) errs.push(forbidden(path.child(goName), 'cannot be set'));
    }
  }
  return errs;
}

/** A claim template embedded in a pod's generic ephemeral volume. */
export function validateClaimTemplate(tpl: PersistentVolumeClaimTemplate, path: Path): Errs {
  const errs = validateTemplateObjectMeta(tpl.metadata, path.child('metadata'));
  errs.push(...validateClaimSpec(tpl.spec, path.child('spec')));
  return errs;
}
