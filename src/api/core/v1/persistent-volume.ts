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
    type: requiredField(string(), 'Type of the condition, e.g. Resizing.'),
    status: requiredField(string({ enum: conditionStatusValues }), 'True, False or Unknown.'),
    lastProbeTime: field(time(), 'When the condition was last checked.'),
    lastTransitionTime: field(time(), 'When the status last changed.'),
    reason: field(string(), 'Short CamelCase reason for the last transition.'),
    message: field(string(), 'Human-readable detail about the last transition.'),
  },
);
export type PersistentVolumeClaimCondition = Infer<typeof persistentVolumeClaimConditionSchema>;

export const modifyVolumeStatusSchema = object(
  'io.k8s.api.core.v1.ModifyVolumeStatus',
  "State of a change of a claim's VolumeAttributesClass.",
  {
    targetVolumeAttributesClassName: field(string(), 'The VolumeAttributesClass being applied.'),
    status: requiredField(
      string({ enum: persistentVolumeClaimModifyVolumeStatusValues }),
      'Pending (requirements not met yet, e.g. the class does not exist), InProgress, or Infeasible (rejected by the driver). More states may be added.',
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
    ),
    accessModes: atomicList(
      string({ enum: persistentVolumeAccessModeValues }),
      'Access modes the bound volume actually has.',
    ),
    capacity: field(map(quantity()), 'Actual size of the bound volume.'),
    conditions: mergeList(
      persistentVolumeClaimConditionSchema,
      'Conditions of the claim, e.g. Resizing.',
      'type',
    ),
    allocatedResources: field(
      map(quantity()),
      'Resources allocated to the claim, e.g. storage; may exceed the capacity while an expansion is in progress.',
    ),
    allocatedResourceStatuses: field(
      map(string({ enum: claimResourceStatusValues }), { mapType: 'granular' }),
      'State of a resize, by resource: ControllerResizeInProgress, ControllerResizeInfeasible, NodeResizePending, NodeResizeInProgress or NodeResizeInfeasible.',
    ),
    currentVolumeAttributesClassName: field(
      string(),
      'The VolumeAttributesClass currently applied to the volume. Beta (VolumeAttributesClass feature, off by default).',
    ),
    modifyVolumeStatus: field(
      modifyVolumeStatusSchema,
      'State of an ongoing change of VolumeAttributesClass; unset when none. Beta (VolumeAttributesClass feature, off by default).',
    ),
  },
);
export type PersistentVolumeClaimStatus = Infer<typeof persistentVolumeClaimStatusSchema>;

export const persistentVolumeClaimSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeClaim',
  'A request for storage by a user, bound to a PersistentVolume that satisfies it.',
  {
    ...typeAndObjectMeta(),
    spec: field(persistentVolumeClaimSpecSchema, 'The storage requested.'),
    status: field(
      persistentVolumeClaimStatusSchema,
      'Observed state of the claim. Read-only for users.',
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
    secretName: requiredField(string(), 'Secret holding the storage account name and key.'),
    shareName: requiredField(string(), 'Name of the share.'),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
    ),
    secretNamespace: field(string(), "Namespace of the Secret. Defaults to the pod's namespace."),
  },
);
export type AzureFilePersistentVolumeSource = Infer<typeof azureFilePersistentVolumeSourceSchema>;

export const cephFSPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CephFSPersistentVolumeSource',
  'A CephFS mount (legacy, no longer supported in-tree).',
  {
    monitors: requiredField(array(string()), 'Addresses of the Ceph monitors.', {
      listType: 'atomic',
    }),
    path: field(string(), 'Path in the Ceph tree used as the mount root. Defaults to /.'),
    user: field(string(), 'RADOS user. Defaults to admin.'),
    secretFile: field(string(), "Path of the user's key ring. Defaults to /etc/ceph/user.secret."),
    secretRef: field(secretReferenceSchema, "Secret with the user's key; overrides secretFile."),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
    ),
  },
);
export type CephFSPersistentVolumeSource = Infer<typeof cephFSPersistentVolumeSourceSchema>;

export const cinderPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CinderPersistentVolumeSource',
  'An OpenStack Cinder volume (legacy in-tree plugin, handled by the Cinder CSI driver).',
  {
    volumeID: requiredField(string(), 'ID of the Cinder volume.'),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
    ),
    secretRef: field(secretReferenceSchema, 'Secret with the OpenStack connection parameters.'),
  },
);
export type CinderPersistentVolumeSource = Infer<typeof cinderPersistentVolumeSourceSchema>;

export const csiPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CSIPersistentVolumeSource',
  'A volume managed by a CSI driver.',
  {
    driver: requiredField(string(), 'Name of the CSI driver.'),
    volumeHandle: requiredField(
      string(),
      "ID of the volume, as returned by the driver's CreateVolume.",
    ),
    readOnly: field(boolean(), 'Publish the volume read-only. Defaults to false.'),
    fsType: field(string(), 'Filesystem type to mount, e.g. ext4 or xfs.'),
    volumeAttributes: field(stringMap(), 'Driver-specific attributes of the volume.'),
    controllerPublishSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's ControllerPublishVolume and ControllerUnpublishVolume calls.",
    ),
    nodeStageSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's NodeStageVolume and NodeUnstageVolume calls.",
    ),
    nodePublishSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's NodePublishVolume and NodeUnpublishVolume calls.",
    ),
    controllerExpandSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's ControllerExpandVolume call.",
    ),
    nodeExpandSecretRef: field(
      secretReferenceSchema,
      "Secret passed to the driver's NodeExpandVolume call.",
    ),
  },
);
export type CSIPersistentVolumeSource = Infer<typeof csiPersistentVolumeSourceSchema>;

export const flexPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.FlexPersistentVolumeSource',
  'A persistent volume provided by an exec-based FlexVolume driver. Deprecated in favour of CSI.',
  {
    driver: requiredField(string(), 'Name of the driver.'),
    fsType: field(string(), 'Filesystem type to mount; the default depends on the driver.'),
    secretRef: field(
      secretReferenceSchema,
      'Secret whose keys are all passed to the driver; may be omitted.',
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
    ),
    options: field(stringMap(), 'Extra options passed to the driver.'),
  },
);
export type FlexPersistentVolumeSource = Infer<typeof flexPersistentVolumeSourceSchema>;

export const glusterfsPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.GlusterfsPersistentVolumeSource',
  'A GlusterFS volume (legacy, no longer supported in-tree).',
  {
    endpoints: requiredField(string(), 'Name of the Endpoints object listing the Gluster servers.'),
    path: requiredField(string(), 'Name of the Gluster volume.'),
    readOnly: field(boolean(), 'Mount read-only. Defaults to false.'),
    endpointsNamespace: field(
      string(),
      'Namespace of the Endpoints object. Defaults to the namespace of the bound claim.',
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
    ),
    iqn: requiredField(string(), 'iSCSI Qualified Name of the target.'),
    lun: requiredField(int32(), 'LUN number of the target.'),
    iscsiInterface: field(
      string(),
      'iSCSI interface (transport) to use. Defaults to default (TCP).',
      { default: 'default' },
    ),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
    ),
    portals: atomicList(string(), 'Further target portals, IP or IP:port.'),
    chapAuthDiscovery: field(boolean(), 'Use CHAP authentication for discovery.'),
    chapAuthSession: field(boolean(), 'Use CHAP authentication for the session.'),
    secretRef: field(secretReferenceSchema, 'Secret with the CHAP credentials.'),
    initiatorName: field(
      string(),
      'Custom initiator name; with iscsiInterface, a new interface <portal>:<volume name> is created.',
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
    }),
    image: requiredField(string(), 'Name of the RADOS image.'),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
    ),
    pool: field(string(), 'RADOS pool. Defaults to rbd.', { default: 'rbd' }),
    user: field(string(), 'RADOS user. Defaults to admin.', { default: 'admin' }),
    keyring: field(string(), 'Path of the keyring for the user. Defaults to /etc/ceph/keyring.', {
      default: '/etc/ceph/keyring',
    }),
    secretRef: field(secretReferenceSchema, "Secret with the user's key; overrides keyring."),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
    ),
  },
);
export type RBDPersistentVolumeSource = Infer<typeof rbdPersistentVolumeSourceSchema>;

export const scaleIOPersistentVolumeSourceSchema = object(
  'io.k8s.api.core.v1.ScaleIOPersistentVolumeSource',
  'A ScaleIO volume (legacy, no longer supported in-tree).',
  {
    gateway: requiredField(string(), 'Address of the ScaleIO API gateway.'),
    system: requiredField(string(), 'Name of the ScaleIO storage system.'),
    secretRef: requiredField(
      secretReferenceSchema,
      'Secret with the ScaleIO user credentials; required for login.',
    ),
    sslEnabled: field(boolean(), 'Use SSL to talk to the gateway. Defaults to false.'),
    protectionDomain: field(string(), 'ScaleIO protection domain.'),
    storagePool: field(string(), 'ScaleIO storage pool in the protection domain.'),
    storageMode: field(
      string(),
      'ThickProvisioned or ThinProvisioned. Defaults to ThinProvisioned.',
      { default: 'ThinProvisioned' },
    ),
    volumeName: field(string(), 'Name of an existing ScaleIO volume.'),
    fsType: field(string(), 'Filesystem type to mount, e.g. ext4 or xfs. Defaults to xfs.', {
      default: 'xfs',
    }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
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
    ),
    volumeNamespace: field(
      string(),
      "StorageOS namespace of the volume. Defaults to the pod's namespace; use default if StorageOS namespaces are not used.",
    ),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
    ),
    secretRef: field(objectReferenceSchema, 'Secret with the StorageOS API credentials.'),
  },
);
export type StorageOSPersistentVolumeSource = Infer<typeof storageOSPersistentVolumeSourceSchema>;

export const localVolumeSourceSchema = object(
  'io.k8s.api.core.v1.LocalVolumeSource',
  "A disk, partition or directory attached to one node; the volume's nodeAffinity must pin it there.",
  {
    path: requiredField(string(), 'Full path on the node: a directory or a block device.'),
    fsType: field(
      string(),
      'Filesystem type to mount, for a block device only. When unset one is detected.',
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
    ),
  },
);
export type VolumeNodeAffinity = Infer<typeof volumeNodeAffinitySchema>;

export const persistentVolumeSpecSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeSpec',
  'A piece of storage: its size, access modes, reclaim policy and exactly one source.',
  {
    capacity: field(map(quantity()), 'Size of the volume, e.g. storage: 10Gi.'),
    gcePersistentDisk: field(
      gcePersistentDiskVolumeSourceSchema,
      'A GCE persistent disk. Deprecated: handled by the GCE PD CSI driver.',
    ),
    awsElasticBlockStore: field(
      awsElasticBlockStoreVolumeSourceSchema,
      'An AWS EBS volume. Deprecated: handled by the EBS CSI driver.',
    ),
    hostPath: field(
      hostPathVolumeSourceSchema,
      'A directory of one node. For single-node development and testing only.',
    ),
    glusterfs: field(
      glusterfsPersistentVolumeSourceSchema,
      'A GlusterFS volume. Deprecated and no longer supported in-tree.',
    ),
    nfs: field(nfsVolumeSourceSchema, 'An NFS export.'),
    rbd: field(
      rbdPersistentVolumeSourceSchema,
      'A Ceph RBD image. Deprecated and no longer supported in-tree.',
    ),
    iscsi: field(iscsiPersistentVolumeSourceSchema, 'An iSCSI disk.'),
    cinder: field(
      cinderPersistentVolumeSourceSchema,
      'An OpenStack Cinder volume. Deprecated: handled by the Cinder CSI driver.',
    ),
    cephfs: field(
      cephFSPersistentVolumeSourceSchema,
      'A CephFS mount. Deprecated and no longer supported in-tree.',
    ),
    fc: field(fcVolumeSourceSchema, 'A Fibre Channel disk.'),
    flocker: field(
      flockerVolumeSourceSchema,
      'A Flocker dataset. Deprecated and no longer supported.',
    ),
    flexVolume: field(
      flexPersistentVolumeSourceSchema,
      'A volume from a FlexVolume driver. Deprecated: use CSI.',
    ),
    azureFile: field(
      azureFilePersistentVolumeSourceSchema,
      'An Azure Files share. Deprecated: handled by the Azure File CSI driver.',
    ),
    vsphereVolume: field(
      vsphereVirtualDiskVolumeSourceSchema,
      'A vSphere VMDK. Deprecated: handled by the vSphere CSI driver.',
    ),
    quobyte: field(
      quobyteVolumeSourceSchema,
      'A Quobyte volume. Deprecated and no longer supported in-tree.',
    ),
    azureDisk: field(
      azureDiskVolumeSourceSchema,
      'An Azure data disk. Deprecated: handled by the Azure Disk CSI driver.',
    ),
    photonPersistentDisk: field(
      photonPersistentDiskVolumeSourceSchema,
      'A Photon Controller disk. Deprecated and no longer supported.',
    ),
    portworxVolume: field(
      portworxVolumeSourceSchema,
      'A Portworx volume. Deprecated: handled by the Portworx CSI driver.',
    ),
    scaleIO: field(
      scaleIOPersistentVolumeSourceSchema,
      'A ScaleIO volume. Deprecated and no longer supported in-tree.',
    ),
    local: field(localVolumeSourceSchema, 'Storage attached to one node (needs nodeAffinity).'),
    storageos: field(
      storageOSPersistentVolumeSourceSchema,
      'A StorageOS volume. Deprecated and no longer supported in-tree.',
    ),
    csi: field(csiPersistentVolumeSourceSchema, 'A volume managed by a CSI driver.'),
    accessModes: atomicList(
      string({ enum: persistentVolumeAccessModeValues }),
      'Ways the volume can be mounted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod.',
    ),
    claimRef: field(
      objectReferenceSchema,
      "The claim the volume is bound (or reserved) to. The claim's volumeName is what makes the binding authoritative.",
    ),
    persistentVolumeReclaimPolicy: field(
      string({ enum: persistentVolumeReclaimPolicyValues }),
      'What happens when the claim is released: Retain (keep the volume; the default for manually created volumes), Delete (delete it; the default for provisioned ones) or Recycle (deprecated: scrub and reuse).',
    ),
    storageClassName: field(string(), 'StorageClass the volume belongs to; empty means none.'),
    mountOptions: atomicList(
      string(),
      'Mount options, e.g. ro or soft; not validated, a bad one makes the mount fail.',
    ),
    volumeMode: field(
      string({ enum: persistentVolumeModeValues }),
      'Filesystem (the default) or Block.',
    ),
    nodeAffinity: field(
      volumeNodeAffinitySchema,
      'Nodes the volume can be used from; pods using it are scheduled accordingly.',
    ),
    volumeAttributesClassName: field(
      string(),
      'VolumeAttributesClass the volume belongs to; may be changed by the CSI driver. Beta (VolumeAttributesClass feature, off by default).',
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
    ),
    message: field(string(), 'Human-readable detail about the state.'),
    reason: field(string(), 'Short CamelCase reason for a failure.'),
    lastPhaseTransitionTime: field(time(), 'When the phase last changed.'),
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
    ),
    status: field(
      persistentVolumeStatusSchema,
      'Observed state of the volume. Read-only for users.',
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
