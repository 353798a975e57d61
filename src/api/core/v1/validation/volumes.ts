/**
 * Pod volumes and the volume sources persistent volumes share with them, as upstream v1.32
 * `ValidateVolumes` / `validateVolumeSource`: names, exactly one source, each source's own rules,
 * file modes, projected paths, downward API selectors.
 *
 * Upstream quirks kept on purpose (users see them in messages): the second source of a volume is
 * reported at `downwarAPI` (sic) for downward API volumes and at `cephFS` for CephFS; a GCE disk's
 * errors are reported under `persistentDisk`; downward API item errors are reported at the
 * `downwardAPI` path without the item index.
 */
import type { Volume, VolumeSource, KeyToPath, DownwardAPIVolumeFile } from '../volume.ts';
import type { ObjectFieldSelector, ResourceFieldSelector } from '../selectors.ts';
import type { Path } from '../../../validation/field-errors.ts';
import {
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
  tooLong,
} from '../../../validation/field-errors.ts';
import { nameIsDNSSubdomain } from '../../../validation/generic.ts';
import { isDNS1123Subdomain, isQualifiedName } from '../../../validation/names.ts';
import { validateLabelSelector } from '../../../validation/object-meta.ts';
import { goQuote, utf8Length } from '../../../validation/go-format.ts';
import { validateClaimTemplate } from './claims.ts';
import {
  type Errs,
  isAbsPath,
  isSet,
  list,
  map,
  num,
  parseQty,
  str,
  validateDNS1123Label,
  validateQualifiedName,
} from './common.ts';

export const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';
const moreThanOne = 'may not specify more than 1 volume type';

/** Volumes by name, for the container mount checks. */
export type VolumeMap = ReadonlyMap<string, VolumeSource>;

/**
 * `spec.volumes`: names are DNS labels and unique; each volume has exactly one valid source.
 * `podName` is the pod's name when validating a Pod (for generic ephemeral volume claim names).
 */
export function validateVolumes(
  volumes: readonly Volume[],
  podName: string | undefined,
  path: Path,
): { volumes: VolumeMap; errs: Errs } {
  const errs: Errs = [];
  const byName = new Map<string, VolumeSource>();
  let createdClaims: Set<string> | undefined;
  if (podName) {
    for (const v of volumes) {
      if (v.ephemeral) (createdClaims ??= new Set()).add(`${podName}-${str(v.name)}`);
    }
  }
  volumes.forEach((vol, i) => {
    const at = path.index(i);
    const namePath = at.child('name');
    const name = str(vol.name);
    const el = validateVolumeSource(vol, at, name, podName);
    if (name.length === 0) el.push(required(namePath));
    else el.push(...validateDNS1123Label(name, namePath));
    if (byName.has(name)) el.push(duplicate(namePath, name));
    if (el.length === 0) byName.set(name, vol);
    else errs.push(...el);
    const claimName = vol.persistentVolumeClaim?.claimName;
    if (claimName !== undefined && createdClaims?.has(claimName)) {
      errs.push(
        invalid(
          at.child('persistentVolumeClaim').child('claimName'),
          claimName,
          'must not reference a PVC that gets created for an ephemeral volume',
        ),
      );
    }
  });
  return { volumes: byName, errs };
}

function validateVolumeSource(
  s: VolumeSource,
  path: Path,
  volName: string,
  podName: string | undefined,
): Errs {
  const errs: Errs = [];
  let n = 0;
  const one = (present: unknown, key: string, check: () => Errs): void => {
    if (!isSet(present)) return;
    if (n > 0) {
      errs.push(forbidden(path.child(key), moreThanOne));
      return;
    }
    n++;
    errs.push(...check());
  };
  if (s.emptyDir) {
    n++;
    const limit = s.emptyDir.sizeLimit;
    if (limit !== undefined && parseQty(limit).sign() < 0) {
      errs.push(
        forbidden(
          path.child('emptyDir').child('sizeLimit'),
          'SizeLimit field must be a valid resource quantity',
        ),
      );
    }
  }
  one(s.hostPath, 'hostPath', () => validateHostPath(s.hostPath, path.child('hostPath')));
  one(s.gitRepo, 'gitRepo', () => {
    const g = s.gitRepo;
    const p = path.child('gitRepo');
    const e: Errs = [];
    if (!str(g?.repository)) e.push(required(p.child('repository')));
    e.push(...validateLocalDescendingPath(str(g?.directory), p.child('directory')));
    return e;
  });
  one(s.gcePersistentDisk, 'gcePersistentDisk', () => {
    const d = s.gcePersistentDisk;
    const p = path.child('persistentDisk');
    const e: Errs = [];
    if (!str(d?.pdName)) e.push(required(p.child('pdName')));
    e.push(...validatePartition(num(d?.partition), p.child('partition')));
    return e;
  });
  one(s.awsElasticBlockStore, 'awsElasticBlockStore', () => {
    const d = s.awsElasticBlockStore;
    const p = path.child('awsElasticBlockStore');
    const e: Errs = [];
    if (!str(d?.volumeID)) e.push(required(p.child('volumeID')));
    e.push(...validatePartition(num(d?.partition), p.child('partition')));
    return e;
  });
  one(s.secret, 'secret', () => {
    const sec = s.secret;
    const p = path.child('secret');
    const e: Errs = [];
    if (!str(sec?.secretName)) e.push(required(p.child('secretName')));
    e.push(...validateMode(sec?.defaultMode, p.child('defaultMode')));
    list(sec?.items).forEach((kp, i) =>
      e.push(...validateKeyToPath(kp, p.child('items').index(i))),
    );
    return e;
  });
  one(s.nfs, 'nfs', () => {
    const p = path.child('nfs');
    const e: Errs = [];
    const nfsPath = str(s.nfs?.path);
    if (!str(s.nfs?.server)) e.push(required(p.child('server')));
    if (!nfsPath) e.push(required(p.child('path')));
    if (!isAbsPath(nfsPath)) e.push(invalid(p.child('path'), nfsPath, 'must be an absolute path'));
    return e;
  });
  one(s.iscsi, 'iscsi', () => validateISCSI(s.iscsi, path.child('iscsi')));
  if (s.iscsi && isSet(s.iscsi.initiatorName)) {
    if (utf8Length(`${volName}:${str(s.iscsi.targetPortal)}`) > 64) {
      errs.push(
        invalid(
          path.child('name'),
          volName,
          'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.',
        ),
      );
    }
  }
  one(s.glusterfs, 'glusterfs', () => {
    const p = path.child('glusterfs');
    const e: Errs = [];
    if (!str(s.glusterfs?.endpoints)) e.push(required(p.child('endpoints')));
    if (!str(s.glusterfs?.path)) e.push(required(p.child('path')));
    return e;
  });
  one(s.flocker, 'flocker', () => validateFlocker(s.flocker, path.child('flocker')));
  one(s.persistentVolumeClaim, 'persistentVolumeClaim', () =>
    str(s.persistentVolumeClaim?.claimName)
      ? []
      : [required(path.child('persistentVolumeClaim').child('claimName'))],
  );
  one(s.rbd, 'rbd', () => {
    const p = path.child('rbd');
    const e: Errs = [];
    if (list(s.rbd?.monitors).length === 0) e.push(required(p.child('monitors')));
    if (!str(s.rbd?.image)) e.push(required(p.child('image')));
    return e;
  });
  one(s.cinder, 'cinder', () => {
    const p = path.child('cinder');
    const e: Errs = [];
    if (!str(s.cinder?.volumeID)) e.push(required(p.child('volumeID')));
    if (s.cinder?.secretRef && !str(s.cinder.secretRef.name)) {
      e.push(required(p.child('secretRef', 'name')));
    }
    return e;
  });
  if (isSet(s.cephfs)) {
    if (n > 0) errs.push(forbidden(path.child('cephFS'), moreThanOne));
    else {
      n++;
      if (list(s.cephfs?.monitors).length === 0) {
        errs.push(required(path.child('cephfs').child('monitors')));
      }
    }
  }
  one(s.quobyte, 'quobyte', () => validateQuobyte(s.quobyte, path.child('quobyte')));
  if (isSet(s.downwardAPI)) {
    if (n > 0) errs.push(forbidden(path.child('downwarAPI'), moreThanOne));
    else {
      n++;
      const p = path.child('downwardAPI');
      errs.push(...validateMode(s.downwardAPI?.defaultMode, p.child('defaultMode')));
      for (const f of list(s.downwardAPI?.items)) errs.push(...validateDownwardAPIFile(f, p));
    }
  }
  one(s.fc, 'fc', () => validateFC(s.fc, path.child('fc')));
  one(s.flexVolume, 'flexVolume', () =>
    validateFlexVolume(s.flexVolume?.driver, s.flexVolume?.options, path.child('flexVolume')),
  );
  one(s.configMap, 'configMap', () => {
    const cm = s.configMap;
    const p = path.child('configMap');
    const e: Errs = [];
    if (!str(cm?.name)) e.push(required(p.child('name')));
    e.push(...validateMode(cm?.defaultMode, p.child('defaultMode')));
    list(cm?.items).forEach((kp, i) => e.push(...validateKeyToPath(kp, p.child('items').index(i))));
    return e;
  });
  one(s.azureFile, 'azureFile', () => {
    const p = path.child('azureFile');
    const e: Errs = [];
    if (!str(s.azureFile?.secretName)) e.push(required(p.child('secretName')));
    if (!str(s.azureFile?.shareName)) e.push(required(p.child('shareName')));
    return e;
  });
  one(s.vsphereVolume, 'vsphereVolume', () =>
    str(s.vsphereVolume?.volumePath)
      ? []
      : [required(path.child('vsphereVolume').child('volumePath'))],
  );
  one(s.photonPersistentDisk, 'photonPersistentDisk', () =>
    str(s.photonPersistentDisk?.pdID)
      ? []
      : [required(path.child('photonPersistentDisk').child('pdID'))],
  );
  one(s.portworxVolume, 'portworxVolume', () =>
    str(s.portworxVolume?.volumeID)
      ? []
      : [required(path.child('portworxVolume').child('volumeID'))],
  );
  one(s.azureDisk, 'azureDisk', () => validateAzureDisk(s.azureDisk, path.child('azureDisk')));
  one(s.storageos, 'storageos', () => {
    const so = s.storageos;
    const p = path.child('storageos');
    const e = validateStorageOSNames(so?.volumeName, so?.volumeNamespace, p);
    if (so?.secretRef && !str(so.secretRef.name)) e.push(required(p.child('secretRef', 'name')));
    return e;
  });
  one(s.projected, 'projected', () => validateProjected(s.projected, path.child('projected')));
  one(s.scaleIO, 'scaleIO', () =>
    validateScaleIO(
      s.scaleIO?.gateway,
      s.scaleIO?.system,
      s.scaleIO?.volumeName,
      path.child('scaleIO'),
    ),
  );
  one(s.csi, 'csi', () => {
    const p = path.child('csi');
    const e = validateCSIDriverName(str(s.csi?.driver), p.child('driver'));
    const ref = s.csi?.nodePublishSecretRef;
    if (ref) {
      const refName = str(ref.name);
      if (!refName) e.push(required(p.child('nodePublishSecretRef', 'name')));
      else {
        for (const m of nameIsDNSSubdomain(refName, false))
          e.push(invalid(p.child('name'), refName, m));
      }
    }
    return e;
  });
  one(s.ephemeral, 'ephemeral', () => {
    const p = path.child('ephemeral');
    const e: Errs = [];
    const tpl = s.ephemeral?.volumeClaimTemplate;
    if (!tpl) e.push(required(p.child('volumeClaimTemplate')));
    else e.push(...validateClaimTemplate(tpl, p.child('volumeClaimTemplate')));
    if (podName && volName) {
      const pvcName = `${podName}-${volName}`;
      for (const m of isDNS1123Subdomain(pvcName)) {
        e.push(invalid(path.child('name'), volName, `PVC name ${goQuote(pvcName)}: ${m}`));
      }
    }
    return e;
  });
  if (n === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

// ---- individual sources -----------------------------------------------------------------------

const hostPathTypes = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];
const hostPathTypeSet = new Set(hostPathTypes);

export function validateHostPath(
  hp: { path?: string; type?: string } | undefined,
  path: Path,
): Errs {
  const p = str(hp?.path);
  if (!p) return [required(path.child('path'))];
  const errs = validatePathNoBacksteps(p, path.child('path'));
  const type = hp?.type;
  if (type !== undefined && !hostPathTypeSet.has(type)) {
    errs.push(notSupported(path.child('type'), type, hostPathTypes));
  }
  return errs;
}

function validatePartition(partition: number, path: Path): Errs {
  return partition < 0 || partition > 255
    ? [invalid(path, partition, 'must be between 1 and 255, inclusive')]
    : [];
}

const iqnRe = /iqn\.\d{4}-\d{2}\.([a-zA-Z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const euiRe = /^eui.[a-zA-Z0-9]{16}$/;
const naaRe = /^naa.[a-zA-Z0-9]{32}$/;

/** An IQN/EUI/NAA that does not match its format, or '' when fine or not of a known kind. */
function iscsiNameProblem(v: string): 'prefix' | 'format' | '' {
  if (v.startsWith('iqn')) return iqnRe.test(v) ? '' : 'format';
  if (v.startsWith('eui')) return euiRe.test(v) ? '' : 'format';
  if (v.startsWith('naa')) return naaRe.test(v) ? '' : 'format';
  return 'prefix';
}

function validateISCSI(
  iscsi:
    | {
        targetPortal?: string;
        iqn?: string;
        lun?: number;
        chapAuthDiscovery?: boolean;
        chapAuthSession?: boolean;
        secretRef?: object;
        initiatorName?: string;
      }
    | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  if (!str(iscsi?.targetPortal)) errs.push(required(path.child('targetPortal')));
  const iqn = str(iscsi?.iqn);
  if (!iqn) errs.push(required(path.child('iqn')));
  else {
    const problem = iscsiNameProblem(iqn);
    if (problem === 'prefix') {
      errs.push(
        invalid(path.child('iqn'), iqn, 'must be valid format starting with iqn, eui, or naa'),
      );
    } else if (problem === 'format') {
      errs.push(invalid(path.child('iqn'), iqn, 'must be valid format'));
    }
  }
  const lun = num(iscsi?.lun);
  if (lun < 0 || lun > 255) {
    errs.push(invalid(path.child('lun'), lun, 'must be between 0 and 255, inclusive'));
  }
  if ((iscsi?.chapAuthDiscovery || iscsi?.chapAuthSession) && !iscsi.secretRef) {
    errs.push(required(path.child('secretRef')));
  }
  if (iscsi?.initiatorName !== undefined) {
    const initiator = iscsi.initiatorName;
    const problem = iscsiNameProblem(initiator);
    if (problem === 'prefix') {
      errs.push(
        invalid(
          path.child('initiatorname'),
          initiator,
          'must be valid format starting with iqn, eui, or naa',
        ),
      );
    } else if (problem === 'format') {
      errs.push(invalid(path.child('initiatorname'), initiator, 'must be valid format'));
    }
  }
  return errs;
}

function validateFlocker(
  f: { datasetName?: string; datasetUUID?: string } | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  const name = str(f?.datasetName);
  const uuid = str(f?.datasetUUID);
  if (!name && !uuid) {
    errs.push(required(path, 'one of datasetName and datasetUUID is required'));
  }
  if (name && uuid) {
    errs.push(
      invalid(path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'),
    );
  }
  if (name.includes('/')) {
    errs.push(invalid(path.child('datasetName'), name, "must not contain '/'"));
  }
  return errs;
}

/** Go's `net.SplitHostPort` succeeds. */
function isHostPort(s: string): boolean {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    return end > 0 && s[end + 1] === ':' && !s.slice(end + 2).includes(':');
  }
  const i = s.lastIndexOf(':');
  if (i < 0) return false;
  return !s.slice(0, i).includes(':') && !s.includes('[') && !s.includes(']');
}

function validateQuobyte(
  q: { registry?: string; volume?: string; tenant?: string } | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  const registry = str(q?.registry);
  const msg = 'must be a host:port pair or multiple pairs separated by commas';
  if (!registry) errs.push(required(path.child('registry'), msg));
  else if (utf8Length(str(q?.tenant)) >= 65) {
    errs.push(
      required(path.child('tenant'), 'must be a UUID and may not exceed a length of 64 characters'),
    );
  } else {
    for (const pair of registry.split(',')) {
      if (!isHostPort(pair)) errs.push(invalid(path.child('registry'), registry, msg));
    }
  }
  if (!str(q?.volume)) errs.push(required(path.child('volume')));
  return errs;
}

function validateFC(
  fc: { targetWWNs?: string[]; wwids?: string[]; lun?: number } | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  const wwns = list(fc?.targetWWNs);
  const wwids = list(fc?.wwids);
  if (wwns.length < 1 && wwids.length < 1) {
    errs.push(
      required(path.child('targetWWNs'), 'must specify either targetWWNs or wwids, but not both'),
    );
  }
  if (wwns.length !== 0 && wwids.length !== 0) {
    errs.push(
      invalid(
        path.child('targetWWNs'),
        wwns,
        'targetWWNs and wwids can not be specified simultaneously',
      ),
    );
  }
  if (wwns.length !== 0) {
    const lun = fc?.lun;
    if (lun === undefined) {
      errs.push(required(path.child('lun'), 'lun is required if targetWWNs is specified'));
    } else if (lun < 0 || lun > 255) {
      errs.push(invalid(path.child('lun'), lun, 'must be between 0 and 255, inclusive'));
    }
  }
  return errs;
}

export function validateFlexVolume(
  driver: string | undefined,
  options: Readonly<Record<string, string>> | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  if (!str(driver)) errs.push(required(path.child('driver')));
  for (const k of Object.keys(map(options))) {
    const slash = k.indexOf('/');
    const ns = slash >= 0 ? k.slice(0, slash) : k;
    const normalized = '.' + ns.toLowerCase();
    if (normalized.endsWith('.kubernetes.io') || normalized.endsWith('.k8s.io')) {
      errs.push(
        invalid(
          path.child('options').key(k),
          k,
          'kubernetes.io and k8s.io namespaces are reserved',
        ),
      );
    }
  }
  return errs;
}

const cachingModes = ['None', 'ReadOnly', 'ReadWrite'];
const diskKinds = ['Dedicated', 'Managed', 'Shared'];

export function validateAzureDisk(
  d: { diskName?: string; diskURI?: string; cachingMode?: string; kind?: string } | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  const uri = str(d?.diskURI);
  if (!str(d?.diskName)) errs.push(required(path.child('diskName')));
  if (!uri) errs.push(required(path.child('diskURI')));
  if (d?.cachingMode !== undefined && !cachingModes.includes(d.cachingMode)) {
    errs.push(notSupported(path.child('cachingMode'), d.cachingMode, cachingModes));
  }
  const kind = d?.kind;
  if (kind !== undefined && !diskKinds.includes(kind)) {
    errs.push(notSupported(path.child('kind'), kind, diskKinds));
  }
  if (kind === 'Managed' && !uri.startsWith('/subscriptions/')) {
    errs.push(
      notSupported(path.child('diskURI'), uri, [
        '/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}',
      ]),
    );
  }
  if (kind !== undefined && kind !== 'Managed' && !uri.startsWith('https://')) {
    errs.push(
      notSupported(path.child('diskURI'), uri, [
        'https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd',
      ]),
    );
  }
  return errs;
}

export function validateStorageOSNames(
  volumeName: string | undefined,
  volumeNamespace: string | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  const name = str(volumeName);
  if (!name) errs.push(required(path.child('volumeName')));
  else errs.push(...validateDNS1123Label(name, path.child('volumeName')));
  const ns = str(volumeNamespace);
  if (ns) errs.push(...validateDNS1123Label(ns, path.child('volumeNamespace')));
  return errs;
}

export function validateScaleIO(
  gateway: string | undefined,
  system: string | undefined,
  volumeName: string | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  if (!str(gateway)) errs.push(required(path.child('gateway')));
  if (!str(system)) errs.push(required(path.child('system')));
  if (!str(volumeName)) errs.push(required(path.child('volumeName')));
  return errs;
}

/** Upstream `ValidateCSIDriverName`. */
export function validateCSIDriverName(driver: string, path: Path): Errs {
  const errs: Errs = [];
  if (!driver) errs.push(required(path));
  if (utf8Length(driver) > 63) errs.push(tooLong(path, 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalid(path, driver, m));
  return errs;
}

// ---- projections and files --------------------------------------------------------------------

function validateMode(mode: number | undefined, path: Path): Errs {
  return mode !== undefined && (mode > 0o777 || mode < 0)
    ? [invalid(path, mode, fileModeErrorMsg)]
    : [];
}

function validateKeyToPath(kp: KeyToPath, path: Path): Errs {
  const errs: Errs = [];
  const p = str(kp.path);
  if (!str(kp.key)) errs.push(required(path.child('key')));
  if (!p) errs.push(required(path.child('path')));
  errs.push(...validateLocalNonReservedPath(p, path.child('path')));
  errs.push(...validateMode(kp.mode, path.child('mode')));
  return errs;
}

const volumeFieldPaths = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
];
const volumeFieldPathSet = new Set(volumeFieldPaths);

function validateDownwardAPIFile(f: DownwardAPIVolumeFile, path: Path): Errs {
  const errs: Errs = [];
  const p = str(f.path);
  if (!p) errs.push(required(path.child('path')));
  errs.push(...validateLocalNonReservedPath(p, path.child('path')));
  if (f.fieldRef) {
    errs.push(
      ...validateObjectFieldSelector(
        f.fieldRef,
        volumeFieldPathSet,
        volumeFieldPaths,
        path.child('fieldRef'),
      ),
    );
    if (f.resourceFieldRef) {
      errs.push(
        invalid(
          path,
          'resource',
          'fieldRef and resourceFieldRef can not be specified simultaneously',
        ),
      );
    }
  } else if (f.resourceFieldRef) {
    errs.push(
      ...validateResourceFieldSelector(f.resourceFieldRef, path.child('resourceFieldRef'), true),
    );
  } else {
    errs.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...validateMode(f.mode, path.child('mode')));
  return errs;
}

function validateProjected(projected: VolumeSource['projected'], path: Path): Errs {
  const errs = validateMode(projected?.defaultMode, path.child('defaultMode'));
  const paths = new Set<string>();
  const seen = (p: string, bad: unknown): void => {
    if (paths.has(p)) errs.push(invalid(path, bad, 'conflicting duplicate paths'));
    else paths.add(p);
  };
  list(projected?.sources).forEach((source, i) => {
    let n = 0;
    const srcPath = path.child('sources').index(i);
    if (source.secret) {
      n++;
      const p = srcPath.child('secret');
      if (!str(source.secret.name)) errs.push(required(p.child('name')));
      list(source.secret.items).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, p.child('items').index(j)));
        if (str(kp.path)) seen(kp.path, str(source.secret?.name));
      });
    }
    if (source.configMap) {
      n++;
      const p = srcPath.child('configMap');
      if (!str(source.configMap.name)) errs.push(required(p.child('name')));
      list(source.configMap.items).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, p.child('items').index(j)));
        if (str(kp.path)) seen(kp.path, str(source.configMap?.name));
      });
    }
    if (source.downwardAPI) {
      n++;
      const p = srcPath.child('downwardAPI');
      for (const f of list(source.downwardAPI.items)) {
        errs.push(...validateDownwardAPIFile(f, p));
        if (str(f.path)) seen(f.path, f.path);
      }
    }
    if (source.serviceAccountToken) {
      n++;
      const t = source.serviceAccountToken;
      const p = srcPath.child('serviceAccountToken');
      const exp = num(t.expirationSeconds);
      if (exp < 600) {
        errs.push(
          invalid(
            p.child('expirationSeconds'),
            exp,
            'may not specify a duration less than 10 minutes',
          ),
        );
      }
      if (exp > 2 ** 32) {
        errs.push(
          invalid(
            p.child('expirationSeconds'),
            exp,
            'may not specify a duration larger than 2^32 seconds',
          ),
        );
      }
      const tp = str(t.path);
      if (!tp) errs.push(required(path.child('path')));
      else errs.push(...validateLocalNonReservedPath(tp, path.child('path')));
    }
    if (source.clusterTrustBundle) {
      n++;
      errs.push(
        ...validateClusterTrustBundle(
          source.clusterTrustBundle,
          srcPath.child('clusterTrustBundle'),
        ),
      );
      seen(str(source.clusterTrustBundle.path), str(source.clusterTrustBundle.path));
    }
    if (n > 1) errs.push(forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

function validateClusterTrustBundle(
  ctb: NonNullable<
    NonNullable<NonNullable<VolumeSource['projected']>['sources']>[number]['clusterTrustBundle']
  >,
  path: Path,
): Errs {
  const errs: Errs = [];
  const usingName = ctb.name !== undefined;
  const usingSigner = ctb.signerName !== undefined;
  if (usingName && usingSigner) {
    errs.push(invalid(path, JSON.stringify(ctb), 'only one of name and signerName may be used'));
  } else if (usingName) {
    const name = str(ctb.name);
    if (!name) errs.push(required(path.child('name'), 'must be a valid object name'));
    if (ctb.labelSelector) {
      errs.push(
        invalid(
          path.child('labelSelector'),
          JSON.stringify(ctb.labelSelector),
          'labelSelector must be unset if name is specified',
        ),
      );
    }
  } else if (usingSigner) {
    const signer = str(ctb.signerName);
    if (!signer) errs.push(required(path.child('signerName'), 'must be a valid signer name'));
    errs.push(...validateLabelSelector(ctb.labelSelector, path.child('labelSelector')));
  } else {
    errs.push(required(path, 'either name or signerName must be specified'));
  }
  const p = str(ctb.path);
  if (!p) errs.push(required(path.child('path')));
  errs.push(...validateLocalNonReservedPath(p, path.child('path')));
  return errs;
}

// ---- downward API selectors (shared with env vars) -------------------------------------------

/**
 * Upstream `validateObjectFieldSelector`: apiVersion v1, a field path the downward API can
 * convert, and one of `allowed` (labels and annotations only with a subscript of a valid key).
 */
export function validateObjectFieldSelector(
  fs: ObjectFieldSelector,
  allowed: ReadonlySet<string>,
  allowedSorted: readonly string[],
  path: Path,
): Errs {
  const apiVersion = str(fs.apiVersion);
  const fieldPath = str(fs.fieldPath);
  if (!apiVersion) return [required(path.child('apiVersion'))];
  if (!fieldPath) return [required(path.child('fieldPath'))];
  const conversionError = convertDownwardAPIFieldLabel(apiVersion, fieldPath);
  if (conversionError) {
    return [
      invalid(path.child('fieldPath'), fieldPath, `error converting fieldPath: ${conversionError}`),
    ];
  }
  const internal = fieldPath === 'spec.host' ? 'spec.nodeName' : fieldPath;
  const sub = splitMaybeSubscriptedPath(internal);
  if (sub) {
    if (sub.path === 'metadata.annotations') {
      return isQualifiedName(sub.subscript.toLowerCase()).map((m) =>
        invalid(path, sub.subscript.toLowerCase(), m),
      );
    }
    if (sub.path === 'metadata.labels') return validateQualifiedName(sub.subscript, path);
    return [invalid(path, sub.path, 'does not support subscript')];
  }
  if (!allowed.has(internal))
    return [notSupported(path.child('fieldPath'), internal, allowedSorted)];
  return [];
}

const downwardAPIFieldLabels = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
  'spec.host',
]);

/** Upstream `ConvertDownwardAPIFieldLabel`'s error, or '' when the label converts. */
function convertDownwardAPIFieldLabel(version: string, label: string): string {
  if (version !== 'v1') return `unsupported pod version: ${version}`;
  const sub = splitMaybeSubscriptedPath(label);
  if (sub) {
    return sub.path === 'metadata.annotations' || sub.path === 'metadata.labels'
      ? ''
      : `field label does not support subscript: ${label}`;
  }
  return downwardAPIFieldLabels.has(label) ? '' : `field label not supported: ${label}`;
}

/** `metadata.labels['app']` -> path and subscript; undefined when not subscripted. */
export function splitMaybeSubscriptedPath(
  fieldPath: string,
): { path: string; subscript: string } | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return { path: s.slice(0, at), subscript: s.slice(at + 2) };
}

const containerResourceFields = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];
const containerResourceFieldSet = new Set(containerResourceFields);
const cpuDivisors = new Set(['1m', '1']);
const byteDivisors = new Set([
  '1',
  '1k',
  '1M',
  '1G',
  '1T',
  '1P',
  '1E',
  '1Ki',
  '1Mi',
  '1Gi',
  '1Ti',
  '1Pi',
  '1Ei',
]);

/** Upstream `validateContainerResourceFieldSelector` (hugepages allowed by prefix). */
export function validateResourceFieldSelector(
  fs: ResourceFieldSelector,
  path: Path,
  volume: boolean,
): Errs {
  const errs: Errs = [];
  const resource = str(fs.resource);
  if (volume && !str(fs.containerName)) errs.push(required(path.child('containerName')));
  else if (!resource) errs.push(required(path.child('resource')));
  else if (
    !containerResourceFieldSet.has(resource) &&
    !resource.startsWith('requests.hugepages-') &&
    !resource.startsWith('limits.hugepages-')
  ) {
    errs.push(notSupported(path.child('resource'), resource, containerResourceFields));
  }
  const divisor = fs.divisor;
  if (divisor !== undefined && !parseQty(divisor).isZero()) {
    const d = parseQty(divisor).toString();
    const bad = (what: string): void => {
      errs.push(invalid(path.child('divisor'), resource, what));
    };
    switch (resource) {
      case 'limits.cpu':
      case 'requests.cpu':
        if (!cpuDivisors.has(d))
          bad("only divisor's values 1m and 1 are supported with the cpu resource");
        break;
      case 'limits.memory':
      case 'requests.memory':
        if (!byteDivisors.has(d)) {
          bad(
            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource",
          );
        }
        break;
      case 'limits.ephemeral-storage':
      case 'requests.ephemeral-storage':
        if (!byteDivisors.has(d)) {
          bad(
            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
          );
        }
        break;
    }
    if (
      (resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) &&
      !byteDivisors.has(d)
    ) {
      bad(
        "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource",
      );
    }
  }
  return errs;
}

// ---- paths ------------------------------------------------------------------------------------

/** No `..` element (one error however many). */
export function validatePathNoBacksteps(p: string, path: Path): Errs {
  for (const part of p.split('/')) {
    if (part === '..') return [invalid(path, p, "must not contain '..'")];
  }
  return [];
}

/** Relative and without `..` elements. */
export function validateLocalDescendingPath(p: string, path: Path): Errs {
  const errs: Errs = [];
  if (isAbsPath(p)) errs.push(invalid(path, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

/** Relative, without `..` elements, and not starting with `..`. */
export function validateLocalNonReservedPath(p: string, path: Path): Errs {
  const errs = validateLocalDescendingPath(p, path);
  if (p.startsWith('..') && !p.startsWith('../')) {
    errs.push(invalid(path, p, "must not start with '..'"));
  }
  return errs;
}
