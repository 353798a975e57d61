/**
 * core/v1: PersistentVolume and PersistentVolumeClaim, with their specs, statuses and persistent
 * volume sources.
 */
import {
  array,
  atomicList,
  boolean,
  field,
  int32,
  map,
  mergeList,
  object,
  quantity,
  requiredField,
  string,
  stringMap,
  time,
  type Infer,
} from '../../schema/schema.ts';
import { listOf, typeAndObjectMeta } from '../../meta/v1.ts';
import {
  claimResourceStatusValues,
  conditionStatusValues,
  persistentVolumeAccessModeValues,
  persistentVolumeClaimModifyVolumeStatusValues,
  persistentVolumeClaimPhaseValues,
  persistentVolumeModeValues,
  persistentVolumePhaseValues,
  persistentVolumeReclaimPolicyValues,
} from './enums.ts';
import { nodeSelectorSchema } from './affinity.ts';
import { objectReferenceSchema, secretReferenceSchema } from './references.ts';
import {
  awsElasticBlockStoreVolumeSourceSchema,
  azureDiskVolumeSourceSchema,
  fcVolumeSourceSchema,
  flockerVolumeSourceSchema,
  gcePersistentDiskVolumeSourceSchema,
  hostPathVolumeSourceSchema,
  nfsVolumeSourceSchema,
  persistentVolumeClaimSpecSchema,
  photonPersistentDiskVolumeSourceSchema,
  portworxVolumeSourceSchema,
  quobyteVolumeSourceSchema,
  vsphereVirtualDiskVolumeSourceSchema,
} from './volume.ts';

export const persistentVolumeClaimConditionSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeClaimCondition',
  "One aspect of a claim's state, e.g. Resizing or FileSystemResizePending.",
  {
    type: requiredField(string(), 'Type of the condition, e.g. Resizing.', { proto: 1 }),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.', {
      proto: 2,
    }),
    lastProbeTime: field(time(), 'When the condition was last checked.', { proto: 3 }),
    lastTransitionTime: field(time(), 'When the status last changed.', { proto: 4 }),
    reason: field(string(), 'Short CamelCase reason for the last transition.', { proto: 5 }),
    message: field(string(), 'Human-readable detail about the last transition.', { proto: 6 }),
  },
);
export type PersistentVolumeClaimCondition = Infer<typeof persistentVolumeClaimConditionSchema>;

export const modifyVolumeStatusSchema = object(
  'io.k8s.api.core.v1.ModifyVolumeStatus',
  "State of a change of a claim's VolumeAttributesClass.",
  {
    targetVolumeAttributesClassName: field(string(), 'The VolumeAttributesClass being applied.', {
      proto: 1,
    }),
    status: requiredField(
      string({ enum: persistentVolumeClaimModifyVolumeStatusValues }),
      'Pending (requirements not met yet, e.g. the class does not exist), InProgress, or Infeasible (rejected by the driver). More states may be added.',
      { proto: 2 },
    ),
  },
);
export type ModifyVolumeStatus = Infer<typeof modifyVolumeStatusSchema>;

export const persistentVolumeClaimStatusSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus',
  'The observed state of a persistent volume claim.',
  {
    phase: field(
      string({ enum: persistentVolumeClaimPhaseValues }),
      'Pending (not bound yet), Bound, or Lost (the bound volume is gone).',
      { proto: 1 },
    ),
    accessModes: atomicList(
      string({ enum: persistentVolumeAccessModeValues }),
      'Access modes the bound volume actually has.',
      { proto: 2 },
    ),
    capacity: field(map(quantity()), 'Actual size of the bound volume.', { proto: 3 }),
    conditions: mergeList(
      persistentVolumeClaimConditionSchema,
      'Conditions of the claim, e.g. Resizing.',
      'type',
      { proto: 4 },
    ),
    allocatedResources: field(
      map(quantity()),
      'Resources allocated to the claim, e.g. storage; may exceed the capacity while an expansion is in progress.',
      { proto: 5 },
    ),
    allocatedResourceStatuses: field(
      map(string({ enum: claimResourceStatusValues }), { mapType: 'granular' }),
      'State of a resize, by resource: ControllerResizeInProgress, ControllerResizeInfeasible, NodeResizePending, NodeResizeInProgress or NodeResizeInfeasible.',
      { proto: 7 },
    ),
    currentVolumeAttributesClassName: field(
      string(),
      'The VolumeAttributesClass currently applied to the volume. Beta (VolumeAttributesClass feature, off by default).',
      { proto: 8 },
    ),
    modifyVolumeStatus: field(
      modifyVolumeStatusSchema,
      'State of an ongoing change of VolumeAttributesClass; unset when none. Beta (VolumeAttributesClass feature, off by default).',
      { proto: 9 },
    ),
  },
);
export type PersistentVolumeClaimStatus = Infer<typeof persistentVolumeClaimStatusSchema>;

export const persistentVolumeClaimSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeClaim',
  'A request for storage by a user, bound to a PersistentVolume that satisfies it.',
  {
    ...typeAndObjectMeta(),
    spec: field(persistentVolumeClaimSpecSchema, 'The storage requested.', { proto: 2 }),
    status: field(
      persistentVolumeClaimStatusSchema,
      'Observed state of the claim. Read-only for users.',
      { proto: 3 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'PersistentVolumeClaim' }] },
);
export type PersistentVolumeClaim = Infer<typeof persistentVolumeClaimSchema>;

export const persistentVolumeClaimListSchema = listOf(persistentVolumeClaimSchema, {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
});
export type PersistentVolumeClaimList = Infer<typeof persistentVolumeClaimListSchema>;

export const azureFilePersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.AzureFilePersistentVolumeSource',
  'An Azure Files share (legacy in-tree plugin, handled by the Azure File CSI driver).',
  {
    secretName: requiredField(string(), 'Secret holding the storage account name and key.', {
      proto: 1,
    }),
    shareName: requiredField(string(), 'Name of the share.', { proto: 2 }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 3 },
    ),
    secretNamespace: field(string(), "Namespace of the Secret. Defaults to the pod's namespace.", {
      proto: 4,
    }),
  },
);
export type AzureFilePersistentVolumeSource = Infer<typeof azureFilePersistentVolumeSourceSchema>;

export const cephFSPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CephFSPersistentVolumeSource',
  'A CephFS mount (legacy, no longer supported in-tree).',
  {
    monitors: requiredField(array(string()), 'Addresses of the Ceph monitors.', {
      listType: 'atomic',
      proto: 1,
    }),
    path: field(string(), 'Path in the Ceph tree used as the mount root. Defaults to /.', {
      proto: 2,
    }),
    user: field(string(), 'RADOS user. Defaults to admin.', { proto: 3 }),
    secretFile: field(string(), "Path of the user's key ring. Defaults to /etc/ceph/user.secret.", {
      proto: 4,
    }),
    secretRef: field(secretReferenceSchema, "Secret with the user's key; overrides secretFile.", {
      proto: 5,
    }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 6 },
    ),
  },
);
export type CephFSPersistentVolumeSource = Infer<typeof cephFSPersistentVolumeSourceSchema>;

export const cinderPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CinderPersistentVolumeSource',
  'An OpenStack Cinder volume (legacy in-tree plugin, handled by the Cinder CSI driver).',
  {
    volumeID: requiredField(string(), 'ID of the Cinder volume.', { proto: 1 }),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
      { proto: 2 },
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 3 },
    ),
    secretRef: field(secretReferenceSchema, 'Secret with the OpenStack connection parameters.', {
      proto: 4,
    }),
  },
);
export type CinderPersistentVolumeSource = Infer<typeof cinderPersistentVolumeSourceSchema>;

export const csiPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CSIPersistentVolumeSource',
  'A volume managed by a CSI driver.',
  {
    driver: requiredField(string(), 'Name of the CSI driver.', { proto: 1 }),
    volumeHandle: requiredField(
      string(),
      "ID of the volume, as returned by the driver's CreateVolume.",
      { proto: 2 },
    ),
    readOnly: field(boolean(), 'Publish the volume read-only. Defaults to false.', { proto: 3 }),
    fsType: field(string(), 'Filesystem type to mount, e.g. ext4 or xfs.', { proto: 4 }),
    volumeAttributes: field(stringMap(), 'Driver-specific attributes of the volume.', { proto: 5 }),
    controllerPublishSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's ControllerPublishVolume and ControllerUnpublishVolume calls.",
      { proto: 6 },
    ),
    nodeStageSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's NodeStageVolume and NodeUnstageVolume calls.",
      { proto: 7 },
    ),
    nodePublishSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's NodePublishVolume and NodeUnpublishVolume calls.",
      { proto: 8 },
    ),
    controllerExpandSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's ControllerExpandVolume call.",
      { proto: 9 },
    ),
    nodeExpandSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's NodeExpandVolume call.",
      { proto: 10 },
    ),
  },
);
export type CSIPersistentVolumeSource = Infer<typeof csiPersistentVolumeSourceSchema>;

export const flexPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.FlexPersistentVolumeSource',
  'A persistent volume provided by an exec-based FlexVolume driver. Deprecated in favour of CSI.',
  {
    driver: requiredField(string(), 'Name of the driver.', { proto: 1 }),
    fsType: field(string(), 'Filesystem type to mount; the default depends on the driver.', {
      proto: 2,
    }),
    secretRef: field(
      secretReferenceSchema,
      'Secret whose keys are all passed to the driver; may be omitted.',
      { proto: 3 },
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 4 },
    ),
    options: field(stringMap(), 'Extra options passed to the driver.', { proto: 5 }),
  },
);
export type FlexPersistentVolumeSource = Infer<typeof flexPersistentVolumeSourceSchema>;

export const glusterfsPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.GlusterfsPersistentVolumeSource',
  'A GlusterFS volume (legacy, no longer supported in-tree).',
  {
    endpoints: requiredField(
      string(),
      'Name of the Endpoints object listing the Gluster servers.',
      { proto: 1 },
    ),
    path: requiredField(string(), 'Name of the Gluster volume.', { proto: 2 }),
    readOnly: field(boolean(), 'Mount read-only. Defaults to false.', { proto: 3 }),
    endpointsNamespace: field(
      string(),
      'Namespace of the Endpoints object. Defaults to the namespace of the bound claim.',
      { proto: 4 },
    ),
  },
);
export type GlusterfsPersistentVolumeSource = Infer<typeof glusterfsPersistentVolumeSourceSchema>;

export const iscsiPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.ISCSIPersistentVolumeSource',
  'An iSCSI disk attached to the node.',
  {
    targetPortal: requiredField(
      string(),
      'Target portal: an IP, or IP:port when the port is not the default (860 or 3260).',
      { proto: 1 },
    ),
    iqn: requiredField(string(), 'iSCSI Qualified Name of the target.', { proto: 2 }),
    lun: requiredField(int32(), 'LUN number of the target.', { proto: 3 }),
    iscsiInterface: field(
      string(),
      'iSCSI interface (transport) to use. Defaults to default (TCP).',
      { default: 'default', proto: 4 },
    ),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
      { proto: 5 },
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 6 },
    ),
    portals: atomicList(string(), 'Further target portals, IP or IP:port.', { proto: 7 }),
    chapAuthDiscovery: field(boolean(), 'Use CHAP authentication for discovery.', { proto: 8 }),
    chapAuthSession: field(boolean(), 'Use CHAP authentication for the session.', { proto: 11 }),
    secretRef: field(secretReferenceSchema, 'Secret with the CHAP credentials.', { proto: 10 }),
    initiatorName: field(
      string(),
      'Custom initiator name; with iscsiInterface, a new interface <portal>:<volume name> is created.',
      { proto: 12 },
    ),
  },
);
export type ISCSIPersistentVolumeSource = Infer<typeof iscsiPersistentVolumeSourceSchema>;

export const rbdPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.RBDPersistentVolumeSource',
  'A Ceph RADOS block device (legacy, no longer supported in-tree).',
  {
    monitors: requiredField(array(string()), 'Addresses of the Ceph monitors.', {
      listType: 'atomic',
      proto: 1,
    }),
    image: requiredField(string(), 'Name of the RADOS image.', { proto: 2 }),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
      { proto: 3 },
    ),
    pool: field(string(), 'RADOS pool. Defaults to rbd.', { default: 'rbd', proto: 4 }),
    user: field(string(), 'RADOS user. Defaults to admin.', { default: 'admin', proto: 5 }),
    keyring: field(string(), 'Path of the keyring for the user. Defaults to /etc/ceph/keyring.', {
      default: '/etc/ceph/keyring',
      proto: 6,
    }),
    secretRef: field(secretReferenceSchema, "Secret with the user's key; overrides keyring.", {
      proto: 7,
    }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 8 },
    ),
  },
);
export type RBDPersistentVolumeSource = Infer<typeof rbdPersistentVolumeSourceSchema>;

export const scaleIOPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.ScaleIOPersistentVolumeSource',
  'A ScaleIO volume (legacy, no longer supported in-tree).',
  {
    gateway: requiredField(string(), 'Address of the ScaleIO API gateway.', { proto: 1 }),
    system: requiredField(string(), 'Name of the ScaleIO storage system.', { proto: 2 }),
    secretRef: requiredField(
      secretReferenceSchema,
      'Secret with the ScaleIO user credentials; required for login.',
      { proto: 3 },
    ),
    sslEnabled: field(boolean(), 'Use SSL to talk to the gateway. Defaults to false.', {
      proto: 4,
    }),
    protectionDomain: field(string(), 'ScaleIO protection domain.', { proto: 5 }),
    storagePool: field(string(), 'ScaleIO storage pool in the protection domain.', { proto: 6 }),
    storageMode: field(
      string(),
      'ThickProvisioned or ThinProvisioned. Defaults to ThinProvisioned.',
      { default: 'ThinProvisioned', proto: 7 },
    ),
    volumeName: field(string(), 'Name of an existing ScaleIO volume.', { proto: 8 }),
    fsType: field(string(), 'Filesystem type to mount, e.g. ext4 or xfs. Defaults to xfs.', {
      default: 'xfs',
      proto: 9,
    }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 10 },
    ),
  },
);
export type ScaleIOPersistentVolumeSource = Infer<typeof scaleIOPersistentVolumeSourceSchema>;

export const storageOSPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.StorageOSPersistentVolumeSource',
  'A StorageOS volume (legacy, no longer supported in-tree).',
  {
    volumeName: field(
      string(),
      'Name of the StorageOS volume, unique within its StorageOS namespace.',
      { proto: 1 },
    ),
    volumeNamespace: field(
      string(),
      "StorageOS namespace of the volume. Defaults to the pod's namespace; use default if StorageOS namespaces are not used.",
      { proto: 2 },
    ),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
      { proto: 3 },
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 4 },
    ),
    secretRef: field(objectReferenceSchema, 'Secret with the StorageOS API credentials.', {
      proto: 5,
    }),
  },
);
export type StorageOSPersistentVolumeSource = Infer<typeof storageOSPersistentVolumeSourceSchema>;

export const localVolumeSourceSchema = object(
  'io.k8s.api.core.v1.LocalVolumeSource',
  "A disk, partition or directory attached to one node; the volume's nodeAffinity must pin it there.",
  {
    path: requiredField(string(), 'Full path on the node: a directory or a block device.', {
      proto: 1,
    }),
    fsType: field(
      string(),
      'Filesystem type to mount, for a block device only. When unset one is detected.',
      { proto: 2 },
    ),
  },
);
export type LocalVolumeSource = Infer<typeof localVolumeSourceSchema>;

export const volumeNodeAffinitySchema = object(
  'io.k8s.api.core.v1.VolumeNodeAffinity',
  'The nodes a persistent volume can be used from.',
  {
    required: field(
      nodeSelectorSchema,
      'Nodes that can access the volume; pods using it are scheduled onto them.',
      { proto: 1 },
    ),
  },
);
export type VolumeNodeAffinity = Infer<typeof volumeNodeAffinitySchema>;

export const persistentVolumeSpecSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeSpec',
  'A piece of storage: its size, access modes, reclaim policy and exactly one source.',
  {
    capacity: field(map(quantity()), 'Size of the volume, e.g. storage: 10Gi.', { proto: 1 }),
    gcePersistentDisk: field(
      gcePersistentDiskVolumeSourceSchema,
      'A GCE persistent disk. Deprecated: handled by the GCE PD CSI driver.',
      { proto: 1 },
    ),
    awsElasticBlockStore: field(
      awsElasticBlockStoreVolumeSourceSchema,
      'An AWS EBS volume. Deprecated: handled by the EBS CSI driver.',
      { proto: 2 },
    ),
    hostPath: field(
      hostPathVolumeSourceSchema,
      'A directory of one node. For single-node development and testing only.',
      { proto: 3 },
    ),
    glusterfs: field(
      glusterfsPersistentVolumeSourceSchema,
      'A GlusterFS volume. Deprecated and no longer supported in-tree.',
      { proto: 4 },
    ),
    nfs: field(nfsVolumeSourceSchema, 'An NFS export.', { proto: 5 }),
    rbd: field(
      rbdPersistentVolumeSourceSchema,
      'A Ceph RBD image. Deprecated and no longer supported in-tree.',
      { proto: 6 },
    ),
    iscsi: field(iscsiPersistentVolumeSourceSchema, 'An iSCSI disk.', { proto: 7 }),
    cinder: field(
      cinderPersistentVolumeSourceSchema,
      'An OpenStack Cinder volume. Deprecated: handled by the Cinder CSI driver.',
      { proto: 8 },
    ),
    cephfs: field(
      cephFSPersistentVolumeSourceSchema,
      'A CephFS mount. Deprecated and no longer supported in-tree.',
      { proto: 9 },
    ),
    fc: field(fcVolumeSourceSchema, 'A Fibre Channel disk.', { proto: 10 }),
    flocker: field(
      flockerVolumeSourceSchema,
      'A Flocker dataset. Deprecated and no longer supported.',
      { proto: 11 },
    ),
    flexVolume: field(
      flexPersistentVolumeSourceSchema,
      'A volume from a FlexVolume driver. Deprecated: use CSI.',
      { proto: 12 },
    ),
    azureFile: field(
      azureFilePersistentVolumeSourceSchema,
      'An Azure Files share. Deprecated: handled by the Azure File CSI driver.',
      { proto: 13 },
    ),
    vsphereVolume: field(
      vsphereVirtualDiskVolumeSourceSchema,
      'A vSphere VMDK. Deprecated: handled by the vSphere CSI driver.',
      { proto: 14 },
    ),
    quobyte: field(
      quobyteVolumeSourceSchema,
      'A Quobyte volume. Deprecated and no longer supported in-tree.',
      { proto: 15 },
    ),
    azureDisk: field(
      azureDiskVolumeSourceSchema,
      'An Azure data disk. Deprecated: handled by the Azure Disk CSI driver.',
      { proto: 16 },
    ),
    photonPersistentDisk: field(
      photonPersistentDiskVolumeSourceSchema,
      'A Photon Controller disk. Deprecated and no longer supported.',
      { proto: 17 },
    ),
    portworxVolume: field(
      portworxVolumeSourceSchema,
      'A Portworx volume. Deprecated: handled by the Portworx CSI driver.',
      { proto: 18 },
    ),
    scaleIO: field(
      scaleIOPersistentVolumeSourceSchema,
      'A ScaleIO volume. Deprecated and no longer supported in-tree.',
      { proto: 19 },
    ),
    local: field(localVolumeSourceSchema, 'Storage attached to one node (needs nodeAffinity).', {
      proto: 20,
    }),
    storageos: field(
      storageOSPersistentVolumeSourceSchema,
      'A StorageOS volume. Deprecated and no longer supported in-tree.',
      { proto: 21 },
    ),
    csi: field(csiPersistentVolumeSourceSchema, 'A volume managed by a CSI driver.', { proto: 22 }),
    accessModes: atomicList(
      string({ enum: persistentVolumeAccessModeValues }),
      'Ways the volume can be mounted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod.',
      { proto: 3 },
    ),
    claimRef: field(
      objectReferenceSchema,
      "The claim the volume is bound (or reserved) to. The claim's volumeName is what makes the binding authoritative.",
      { proto: 4 },
    ),
    persistentVolumeReclaimPolicy: field(
      string({ enum: persistentVolumeReclaimPolicyValues }),
      'What happens when the claim is released: Retain (keep the volume; the default for manually created volumes), Delete (delete it; the default for provisioned ones) or Recycle (deprecated: scrub and reuse).',
      { proto: 5 },
    ),
    storageClassName: field(string(), 'StorageClass the volume belongs to; empty means none.', {
      proto: 6,
    }),
    mountOptions: atomicList(
      string(),
      'Mount options, e.g. ro or soft; not validated, a bad one makes the mount fail.',
      { proto: 7 },
    ),
    volumeMode: field(
      string({ enum: persistentVolumeModeValues }),
      'Filesystem (the default) or Block.',
      { proto: 8 },
    ),
    nodeAffinity: field(
      volumeNodeAffinitySchema,
      'Nodes the volume can be used from; pods using it are scheduled accordingly.',
      { proto: 9 },
    ),
    volumeAttributesClassName: field(
      string(),
      'VolumeAttributesClass the volume belongs to; may be changed by the CSI driver. Beta (VolumeAttributesClass feature, off by default).',
      { proto: 10 },
    ),
  },
);
export type PersistentVolumeSpec = Infer<typeof persistentVolumeSpecSchema>;

export const persistentVolumeStatusSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeStatus',
  'The observed state of a persistent volume.',
  {
    phase: field(
      string({ enum: persistentVolumePhaseValues }),
      'Pending, Available (not bound), Bound, Released (claim deleted, not yet reclaimed) or Failed (reclamation failed).',
      { proto: 1 },
    ),
    message: field(string(), 'Human-readable detail about the state.', { proto: 2 }),
    reason: field(string(), 'Short CamelCase reason for a failure.', { proto: 3 }),
    lastPhaseTransitionTime: field(time(), 'When the phase last changed.', { proto: 4 }),
  },
);
export type PersistentVolumeStatus = Infer<typeof persistentVolumeStatusSchema>;

export const persistentVolumeSchema = object(
  'io.k8s.api.core.v1.PersistentVolume',
  'A piece of storage in the cluster, provisioned by an administrator or dynamically through a StorageClass; cluster-scoped, bound to at most one claim.',
  {
    ...typeAndObjectMeta(),
    spec: field(
      persistentVolumeSpecSchema,
      'The volume: size, source, access modes, reclaim policy.',
      { proto: 2 },
    ),
    status: field(
      persistentVolumeStatusSchema,
      'Observed state of the volume. Read-only for users.',
      { proto: 3 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'PersistentVolume' }] },
);
export type PersistentVolume = Infer<typeof persistentVolumeSchema>;

export const persistentVolumeListSchema = listOf(persistentVolumeSchema, {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
});
export type PersistentVolumeList = Infer<typeof persistentVolumeListSchema>;
