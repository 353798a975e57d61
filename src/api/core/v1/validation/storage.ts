/**
 * PersistentVolumes and PersistentVolumeClaims as upstream v1.32 validates them. Volume sources
 * shared with pod volumes use the same checks; the PV-specific variants (secret references with
 * namespaces, local volumes) are here.
 *
 * Kept upstream quirks: a GCE disk's errors under `persistentDisk`; the immutable volumeMode at
 * `volumeMode` (without `spec.`); the claim status update's `Spec.accessModes`.
 */
import type { ValidationContext } from '../../../scheme.ts';
import type {
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeSpec,
} from '../persistent-volume.ts';
import { persistentVolumeClaimSpecSchema } from '../volume.ts';
import { persistentVolumeSpecSchema } from '../persistent-volume.ts';
import type { ObjectSchema } from '../../../schema/schema.ts';
import {
  Path,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../validation/field-errors.ts';
import { GoLiteral, goQuote } from '../../../validation/go-format.ts';
import {
  deepEqual,
  fieldImmutableErrorMsg,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from '../../../validation/generic.ts';
import { isDNS1123Subdomain } from '../../../validation/names.ts';
import {
  type Errs,
  goQuantity,
  isSet,
  list,
  map,
  metaUpdate,
  nameErrors,
  num,
  parseQty,
  str,
  validateCoreObjectMeta,
  validateDNS1123Label,
} from './common.ts';
import { validateAccessModes, validateClaimSpec, volumeModes } from './claims.ts';
import { validateNodeSelector } from './pod-spec.ts';
import { specDiff } from './spec-diff.ts';
import {
  validateAzureDisk,
  validateCSIDriverName,
  validateFlexVolume,
  validateHostPath,
  validatePathNoBacksteps,
  validateScaleIO,
  validateStorageOSNames,
} from './volumes.ts';

const specPath = Path.root('spec');
const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];
const moreThanOne = 'may not specify more than 1 volume type';

function validateSecretRef(
  ref: { name?: string; namespace?: string } | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  const name = str(ref?.name);
  const ns = str(ref?.namespace);
  if (!name) errs.push(required(path.child('name')));
  else for (const m of isDNS1123Subdomain(name)) errs.push(invalid(path.child('name'), name, m));
  if (!ns) errs.push(required(path.child('namespace')));
  else errs.push(...validateDNS1123Label(ns, path.child('namespace')));
  return errs;
}

/** Go's `%#v` of a `core.ResourceList` (keys sorted, as fmt prints maps). */
function goResourceList(rl: Readonly<Record<string, string>> | undefined): GoLiteral {
  if (rl === undefined) return new GoLiteral('core.ResourceList(nil)');
  const keys = Object.keys(rl).sort();
  return new GoLiteral(
    `core.ResourceList{${keys.map((k) => `${goQuote(k)}:${goQuantity(rl[k] ?? '0').text}`).join(', ')}}`,
  );
}

function validatePVSources(
  spec: PersistentVolumeSpec,
  pvName: string,
  hasNodeAffinity: boolean,
): Errs {
  const errs: Errs = [];
  let n = 0;
  const one = (present: unknown, key: string, check: () => Errs): void => {
    if (!isSet(present)) return;
    if (n > 0) errs.push(forbidden(specPath.child(key), moreThanOne));
    else {
      n++;
      errs.push(...check());
    }
  };
  one(spec.hostPath, 'hostPath', () => validateHostPath(spec.hostPath, specPath.child('hostPath')));
  one(spec.gcePersistentDisk, 'gcePersistentDisk', () => {
    const p = specPath.child('persistentDisk');
    const e: Errs = [];
    if (!str(spec.gcePersistentDisk?.pdName)) e.push(required(p.child('pdName')));
    const part = num(spec.gcePersistentDisk?.partition);
    if (part < 0 || part > 255)
      e.push(invalid(p.child('partition'), part, 'must be between 1 and 255, inclusive'));
    return e;
  });
  one(spec.awsElasticBlockStore, 'awsElasticBlockStore', () => {
    const p = specPath.child('awsElasticBlockStore');
    const e: Errs = [];
    if (!str(spec.awsElasticBlockStore?.volumeID)) e.push(required(p.child('volumeID')));
    const part = num(spec.awsElasticBlockStore?.partition);
    if (part < 0 || part > 255)
      e.push(invalid(p.child('partition'), part, 'must be between 1 and 255, inclusive'));
    return e;
  });
  one(spec.glusterfs, 'glusterfs', () => {
    const g = spec.glusterfs;
    const p = specPath.child('glusterfs');
    const e: Errs = [];
    if (!str(g?.endpoints)) e.push(required(p.child('endpoints')));
    if (!str(g?.path)) e.push(required(p.child('path')));
    if (g?.endpointsNamespace !== undefined) {
      const ns = g.endpointsNamespace;
      if (!ns) {
        e.push(
          invalid(
            p.child('endpointsNamespace'),
            ns,
            'if the endpointnamespace is set, it must be a valid namespace name',
          ),
        );
      } else e.push(...nameErrors(nameIsDNSLabel, ns, p.child('endpointsNamespace')));
    }
    return e;
  });
  one(spec.flocker, 'flocker', () => {
    const f = spec.flocker;
    const p = specPath.child('flocker');
    const e: Errs = [];
    if (!str(f?.datasetName) && !str(f?.datasetUUID))
      e.push(required(p, 'one of datasetName and datasetUUID is required'));
    if (str(f?.datasetName) && str(f?.datasetUUID)) {
      e.push(
        invalid(p, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'),
      );
    }
    if (str(f?.datasetName).includes('/'))
      e.push(invalid(p.child('datasetName'), str(f?.datasetName), "must not contain '/'"));
    return e;
  });
  one(spec.nfs, 'nfs', () => {
    const p = specPath.child('nfs');
    const e: Errs = [];
    const nfsPath = str(spec.nfs?.path);
    if (!str(spec.nfs?.server)) e.push(required(p.child('server')));
    if (!nfsPath) e.push(required(p.child('path')));
    if (!nfsPath.startsWith('/'))
      e.push(invalid(p.child('path'), nfsPath, 'must be an absolute path'));
    return e;
  });
  one(spec.rbd, 'rbd', () => {
    const p = specPath.child('rbd');
    const e: Errs = [];
    if (list(spec.rbd?.monitors).length === 0) e.push(required(p.child('monitors')));
    if (!str(spec.rbd?.image)) e.push(required(p.child('image')));
    return e;
  });
  one(spec.quobyte, 'quobyte', () => {
    const p = specPath.child('quobyte');
    const e: Errs = [];
    if (!str(spec.quobyte?.registry)) {
      e.push(
        required(
          p.child('registry'),
          'must be a host:port pair or multiple pairs separated by commas',
        ),
      );
    }
    if (!str(spec.quobyte?.volume)) e.push(required(p.child('volume')));
    return e;
  });
  if (isSet(spec.cephfs)) {
    if (n > 0) errs.push(forbidden(specPath.child('cephFS'), moreThanOne));
    else {
      n++;
      if (list(spec.cephfs?.monitors).length === 0)
        errs.push(required(specPath.child('cephfs').child('monitors')));
    }
  }
  one(spec.iscsi, 'iscsi', () => {
    const i = spec.iscsi;
    const p = specPath.child('iscsi');
    const e: Errs = [];
    if (!str(i?.targetPortal)) e.push(required(p.child('targetPortal')));
    if (i?.initiatorName !== undefined && `${pvName}:${str(i.targetPortal)}`.length > 64) {
      e.push(
        invalid(
          p.child('targetportal'),
          str(i.targetPortal),
          'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.',
        ),
      );
    }
    if (!str(i?.iqn)) e.push(required(p.child('iqn')));
    const lun = num(i?.lun);
    if (lun < 0 || lun > 255)
      e.push(invalid(p.child('lun'), lun, 'must be between 0 and 255, inclusive'));
    if ((i?.chapAuthDiscovery || i?.chapAuthSession) && !i.secretRef)
      e.push(required(p.child('secretRef')));
    if (i?.secretRef && !str(i.secretRef.name)) e.push(required(p.child('secretRef', 'name')));
    return e;
  });
  one(spec.cinder, 'cinder', () => {
    const p = specPath.child('cinder');
    const e: Errs = [];
    if (!str(spec.cinder?.volumeID)) e.push(required(p.child('volumeID')));
    const ref = spec.cinder?.secretRef;
    if (ref) {
      if (!str(ref.name)) e.push(required(p.child('secretRef', 'name')));
      if (!str(ref.namespace)) e.push(required(p.child('secretRef', 'namespace')));
    }
    return e;
  });
  one(spec.fc, 'fc', () => {
    const fc = spec.fc;
    const p = specPath.child('fc');
    const e: Errs = [];
    const wwns = list(fc?.targetWWNs);
    const wwids = list(fc?.wwids);
    if (wwns.length < 1 && wwids.length < 1) {
      e.push(
        required(p.child('targetWWNs'), 'must specify either targetWWNs or wwids, but not both'),
      );
    }
    return e;
  });
  if (isSet(spec.flexVolume)) {
    n++;
    errs.push(
      ...validateFlexVolume(
        spec.flexVolume?.driver,
        spec.flexVolume?.options,
        specPath.child('flexVolume'),
      ),
    );
  }
  one(spec.azureFile, 'azureFile', () => {
    const p = specPath.child('azureFile');
    const e: Errs = [];
    if (!str(spec.azureFile?.secretName)) e.push(required(p.child('secretName')));
    if (!str(spec.azureFile?.shareName)) e.push(required(p.child('shareName')));
    if (spec.azureFile?.secretNamespace !== undefined && !spec.azureFile.secretNamespace) {
      e.push(required(p.child('secretNamespace')));
    }
    return e;
  });
  one(spec.vsphereVolume, 'vsphereVolume', () =>
    str(spec.vsphereVolume?.volumePath)
      ? []
      : [required(specPath.child('vsphereVolume').child('volumePath'))],
  );
  one(spec.photonPersistentDisk, 'photonPersistentDisk', () =>
    str(spec.photonPersistentDisk?.pdID)
      ? []
      : [required(specPath.child('photonPersistentDisk').child('pdID'))],
  );
  one(spec.portworxVolume, 'portworxVolume', () =>
    str(spec.portworxVolume?.volumeID)
      ? []
      : [required(specPath.child('portworxVolume').child('volumeID'))],
  );
  one(spec.azureDisk, 'azureDisk', () =>
    validateAzureDisk(spec.azureDisk, specPath.child('azureDisk')),
  );
  one(spec.scaleIO, 'scaleIO', () =>
    validateScaleIO(
      spec.scaleIO?.gateway,
      spec.scaleIO?.system,
      spec.scaleIO?.volumeName,
      specPath.child('scaleIO'),
    ),
  );
  one(spec.local, 'local', () => {
    const p = specPath.child('local');
    const e: Errs = [];
    const lp = str(spec.local?.path);
    if (!lp) e.push(required(p.child('path')));
    else e.push(...validatePathNoBacksteps(lp, p.child('path')));
    if (!hasNodeAffinity)
      e.push(required(specPath.child('nodeAffinity'), 'Local volume requires node affinity'));
    return e;
  });
  one(spec.storageos, 'storageos', () => {
    const so = spec.storageos;
    const p = specPath.child('storageos');
    const e = validateStorageOSNames(so?.volumeName, so?.volumeNamespace, p);
    if (so?.secretRef) {
      if (!str(so.secretRef.name)) e.push(required(p.child('secretRef', 'name')));
      if (!str(so.secretRef.namespace)) e.push(required(p.child('secretRef', 'namespace')));
    }
    return e;
  });
  one(spec.csi, 'csi', () => {
    const csi = spec.csi;
    const p = specPath.child('csi');
    const e = validateCSIDriverName(str(csi?.driver), p.child('driver'));
    if (!str(csi?.volumeHandle)) e.push(required(p.child('volumeHandle')));
    for (const key of [
      'controllerPublishSecretRef',
      'controllerExpandSecretRef',
      'nodePublishSecretRef',
      'nodeExpandSecretRef',
    ] as const) {
      const ref = csi?.[key];
      if (ref) e.push(...validateSecretRef(ref, p.child(key)));
    }
    return e;
  });
  if (n === 0) errs.push(required(specPath, 'must specify a volume type'));
  return errs;
}

/** Paths that clean to `/`: one or more slashes. */
const trailingSlashesRe = /^\/+$/;

function validatePVSpec(pv: PersistentVolume): Errs {
  const spec: PersistentVolumeSpec = pv.spec ?? {};
  const errs: Errs = [];
  const modes = list(spec.accessModes) as readonly string[];
  if (modes.length === 0) errs.push(required(specPath.child('accessModes')));
  errs.push(...validateAccessModes(modes, specPath.child('accessModes')));
  const capacity = map(spec.capacity);
  const capPath = specPath.child('capacity');
  if (Object.keys(capacity).length === 0) errs.push(required(capPath));
  if (!Object.hasOwn(capacity, 'storage') || Object.keys(capacity).length > 1) {
    errs.push(notSupported(capPath, goResourceList(spec.capacity), ['storage']));
  }
  for (const [r, q] of Object.entries(capacity)) {
    const at = capPath.key(r);
    const qty = parseQty(q);
    if (qty.value() < 0n)
      errs.push(invalid(at, Number(qty.value()), 'must be a valid resource quantity'));
    if (qty.sign() <= 0) errs.push(invalid(at, qty.toString(), 'must be greater than zero'));
  }
  const policy: string = str(spec.persistentVolumeReclaimPolicy);
  if (policy && !reclaimPolicies.includes(policy)) {
    errs.push(
      notSupported(specPath.child('persistentVolumeReclaimPolicy'), policy, reclaimPolicies),
    );
  }
  let hasNodeAffinity = false;
  if (spec.nodeAffinity) {
    hasNodeAffinity = true;
    const p = specPath.child('nodeAffinity');
    if (spec.nodeAffinity.required)
      errs.push(...validateNodeSelector(spec.nodeAffinity.required, p.child('required')));
    else errs.push(required(p.child('required'), 'must specify required node constraints'));
  }
  errs.push(...validatePVSources(spec, str(pv.metadata?.name), hasNodeAffinity));
  const hp = str(spec.hostPath?.path);
  if (spec.hostPath && trailingSlashesRe.test(hp) && policy === 'Recycle') {
    errs.push(
      forbidden(
        specPath.child('persistentVolumeReclaimPolicy'),
        "may not be 'recycle' for a hostPath mount of '/'",
      ),
    );
  }
  const className = str(spec.storageClassName);
  if (className)
    errs.push(...nameErrors(nameIsDNSSubdomain, className, specPath.child('storageClassName')));
  const volumeMode: string | undefined = spec.volumeMode;
  if (volumeMode !== undefined && !volumeModes.includes(volumeMode)) {
    errs.push(notSupported(specPath.child('volumeMode'), volumeMode, volumeModes));
  }
  return errs;
}

/** A new PersistentVolume (upstream `ValidatePersistentVolume`). */
export function validatePersistentVolume(pv: PersistentVolume, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(pv.metadata, { namespaced: false, nameRule: 'subdomain' });
  errs.push(...validatePVSpec(pv));
  return errs;
}

const nonSourceFields = new Set([
  'capacity',
  'accessModes',
  'claimRef',
  'persistentVolumeReclaimPolicy',
  'storageClassName',
  'mountOptions',
  'volumeMode',
  'nodeAffinity',
  'volumeAttributesClassName',
]);

function sourceOf(spec: PersistentVolumeSpec | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec ?? {})) if (!nonSourceFields.has(k)) out[k] = v;
  return out;
}

const pvSourceSchema: ObjectSchema = {
  ...persistentVolumeSpecSchema,
  name: 'io.k8s.api.core.v1.PersistentVolumeSource',
  fields: Object.fromEntries(
    Object.entries(persistentVolumeSpecSchema.fields).filter(([k]) => !nonSourceFields.has(k)),
  ),
};

/** An update of a PersistentVolume (upstream `ValidatePersistentVolumeUpdate`). */
export function validatePersistentVolumeUpdate(
  pv: PersistentVolume,
  old: PersistentVolume,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(pv.metadata, old.metadata, false);
  errs.push(...validatePersistentVolume(pv));
  const oldSource = sourceOf(old.spec);
  const newSource = sourceOf(pv.spec);
  const oldCSI = old.spec?.csi;
  const newCSI = pv.spec?.csi;
  if (oldCSI && newCSI && !oldCSI.controllerExpandSecretRef && newCSI.controllerExpandSecretRef) {
    const { controllerExpandSecretRef: _ignored, ...rest } = newCSI;
    newSource['csi'] = rest;
  }
  if (!deepEqual(oldSource, newSource)) {
    errs.push(
      forbidden(
        Path.root('spec', 'persistentvolumesource'),
        `spec.persistentvolumesource is immutable after creation\n${specDiff(oldSource, newSource, pvSourceSchema)}`,
      ),
    );
  }
  if (pv.spec?.volumeMode !== old.spec?.volumeMode) {
    errs.push(
      invalid(Path.root('volumeMode'), pv.spec?.volumeMode ?? 'null', fieldImmutableErrorMsg),
    );
  }
  if (old.spec?.nodeAffinity && !deepEqual(pv.spec?.nodeAffinity, old.spec.nodeAffinity)) {
    errs.push(
      invalid(
        Path.root('nodeAffinity'),
        JSON.stringify(pv.spec?.nodeAffinity ?? null),
        `${fieldImmutableErrorMsg}, except for updating from beta label to GA`,
      ),
    );
  }
  return errs;
}

/** An update through persistentvolumes/status. */
export function validatePersistentVolumeStatusUpdate(
  pv: PersistentVolume,
  old: PersistentVolume,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(pv.metadata, old.metadata, false);
  if (!str(pv.metadata?.resourceVersion)) errs.push(required(Path.root('resourceVersion')));
  return errs;
}

// ---- claims -----------------------------------------------------------------------------------

/** A new PersistentVolumeClaim (upstream `ValidatePersistentVolumeClaim`). */
export function validatePersistentVolumeClaim(
  pvc: PersistentVolumeClaim,
  _ctx?: ValidationContext,
): Errs {
  const errs = validateCoreObjectMeta(pvc.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validateClaimSpec(pvc.spec, specPath));
  return errs;
}

const storageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** An update of a PersistentVolumeClaim (upstream `ValidatePersistentVolumeClaimUpdate`). */
export function validatePersistentVolumeClaimUpdate(
  pvc: PersistentVolumeClaim,
  old: PersistentVolumeClaim,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(pvc.metadata, old.metadata, true);
  errs.push(...validatePersistentVolumeClaim(pvc));
  const newSpec = structuredClone(pvc.spec ?? {});
  const oldSpec = structuredClone(old.spec ?? {});
  if (!str(oldSpec.volumeName)) {
    if (newSpec.volumeName === undefined) delete oldSpec.volumeName;
    else oldSpec.volumeName = newSpec.volumeName;
  }
  const oldAnn = old.metadata?.annotations?.[storageClassAnnotation];
  const newAnn = pvc.metadata?.annotations?.[storageClassAnnotation];
  const upgradeFromAnnotation =
    oldAnn !== undefined &&
    old.spec?.storageClassName === undefined &&
    newSpec.storageClassName === oldAnn &&
    (newAnn === undefined || newAnn === oldAnn);
  if (upgradeFromAnnotation) delete newSpec.storageClassName;
  else {
    if (str(newAnn) !== str(oldAnn)) {
      errs.push(
        invalid(
          Path.root('metadata', 'annotations', storageClassAnnotation),
          str(newAnn),
          fieldImmutableErrorMsg,
        ),
      );
    }
    if (
      newSpec.storageClassName !== undefined &&
      old.spec?.storageClassName === undefined &&
      (oldAnn === undefined || newSpec.storageClassName === oldAnn)
    ) {
      delete newSpec.storageClassName;
    }
  }
  const bound = str(pvc.status?.phase) === 'Bound';
  if (bound && newSpec.resources?.requests) {
    const oldStorage = old.spec?.resources?.requests?.['storage'];
    if (oldStorage === undefined) delete newSpec.resources.requests['storage'];
    else newSpec.resources.requests['storage'] = oldStorage;
  }
  if (!deepEqual(newSpec, oldSpec)) {
    errs.push(
      forbidden(
        specPath,
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff(oldSpec, newSpec, persistentVolumeClaimSpecSchema)}`,
      ),
    );
  }
  const oldSize = parseQty(old.spec?.resources?.requests?.['storage'] ?? '0');
  const newSize = parseQty(pvc.spec?.resources?.requests?.['storage'] ?? '0');
  const statusSize = parseQty(old.status?.capacity?.['storage'] ?? '0');
  if (newSize.cmp(oldSize) < 0 && newSize.cmp(statusSize) <= 0) {
    errs.push(
      forbidden(
        Path.root('spec', 'resources', 'requests', 'storage'),
        'field can not be less than status.capacity',
      ),
    );
  }
  if (pvc.spec?.volumeMode !== old.spec?.volumeMode) {
    errs.push(
      invalid(Path.root('volumeMode'), pvc.spec?.volumeMode ?? 'null', fieldImmutableErrorMsg),
    );
  }
  return errs;
}

/** An update through persistentvolumeclaims/status. */
export function validatePersistentVolumeClaimStatusUpdate(
  pvc: PersistentVolumeClaim,
  old: PersistentVolumeClaim,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(pvc.metadata, old.metadata, true);
  if (!str(pvc.metadata?.resourceVersion)) errs.push(required(Path.root('resourceVersion')));
  if (list(pvc.spec?.accessModes).length === 0)
    errs.push(required(Path.root('Spec', 'accessModes')));
  for (const [r, q] of Object.entries(map(pvc.status?.capacity))) {
    const v = parseQty(q).value();
    if (v < 0n)
      errs.push(
        invalid(
          Path.root('status', 'capacity').key(r),
          Number(v),
          'must be a valid resource quantity',
        ),
      );
  }
  return errs;
}
