/**
 * core/v1: Pod volumes: every volume source, including legacy and cloud ones (so manifests that
 * use them still decode), projections and the ephemeral claim template.
 */
import {
  array,
  atomicList,
  boolean,
  field,
  int32,
  int64,
  object,
  quantity,
  requiredField,
  string,
  stringMap,
  type Infer,
} from '../../schema/schema.ts';
import { labelSelectorSchema, objectMetaSchema } from '../../meta/v1.ts';
import {
  azureDataDiskCachingModeValues,
  azureDataDiskKindValues,
  hostPathTypeValues,
  persistentVolumeAccessModeValues,
  persistentVolumeModeValues,
  pullPolicyValues,
} from './enums.ts';
import {
  localObjectReferenceSchema,
  typedLocalObjectReferenceSchema,
  typedObjectReferenceSchema,
} from './references.ts';
import { volumeResourceRequirementsSchema } from './resources.ts';
import { objectFieldSelectorSchema, resourceFieldSelectorSchema } from './selectors.ts';

export const keyToPathSchema = object(
  'io.k8s.api.core.v1.KeyToPath',
  'Maps one key of a ConfigMap or Secret to a file in a volume.',
  {
    key: requiredField(string(), 'The key to project.', { proto: 1 }),
    path: requiredField(
      string(),
      "Relative path of the file to write the value to; must not be absolute, contain '..' elements or start with '..'.",
      { proto: 2 },
    ),
    mode: field(
      int32(),
      "Permission bits of the file, 0-0777 (decimal 0-511 in JSON). Defaults to the volume's defaultMode.",
      { proto: 3 },
    ),
  },
);
export type KeyToPath = Infer<typeof keyToPathSchema>;

export const hostPathVolumeSourceSchema = object(
  'io.k8s.api.core.v1.HostPathVolumeSource',
  'A file or directory of the node mounted into the pod. Powerful and dangerous; most workloads should not use it.',
  {
    path: requiredField(string(), 'Path on the node; symlinks are followed.', { proto: 1 }),
    type: field(
      string({ enum: hostPathTypeValues }),
      'What must exist at the path: "" (no check, the default), DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice.',
      { proto: 2 },
    ),
  },
);
export type HostPathVolumeSource = Infer<typeof hostPathVolumeSourceSchema>;

export const emptyDirVolumeSourceSchema = object(
  'io.k8s.api.core.v1.EmptyDirVolumeSource',
  'An empty directory created when the pod starts on a node and removed when the pod leaves it.',
  {
    medium: field(
      string(),
      'Storage backing the directory: "" (the node\'s disk, the default), Memory (a tmpfs, counted against the memory of the containers that write to it) or HugePages.',
      { proto: 1 },
    ),
    sizeLimit: field(
      quantity(),
      "Most space the volume may use; for Memory it is also capped by the pod's memory limits. Unset means no limit of its own.",
      { proto: 2 },
    ),
  },
);
export type EmptyDirVolumeSource = Infer<typeof emptyDirVolumeSourceSchema>;

export const gcePersistentDiskVolumeSourceSchema = object(
  'io.k8s.api.core.v1.GCEPersistentDiskVolumeSource',
  'A Google Compute Engine persistent disk (legacy in-tree plugin, handled by the GCE PD CSI driver).',
  {
    pdName: requiredField(string(), 'Name of the disk in GCE.', { proto: 1 }),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
      { proto: 2 },
    ),
    partition: field(int32(), 'Partition number to mount; unset or 0 mounts the whole disk.', {
      proto: 3,
    }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 4 },
    ),
  },
);
export type GCEPersistentDiskVolumeSource = Infer<typeof gcePersistentDiskVolumeSourceSchema>;

export const awsElasticBlockStoreVolumeSourceSchema = object(
  'io.k8s.api.core.v1.AWSElasticBlockStoreVolumeSource',
  'An AWS EBS volume (legacy in-tree plugin, handled by the EBS CSI driver).',
  {
    volumeID: requiredField(string(), 'ID of the EBS volume.', { proto: 1 }),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
      { proto: 2 },
    ),
    partition: field(int32(), 'Partition number to mount; unset or 0 mounts the whole disk.', {
      proto: 3,
    }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 4 },
    ),
  },
);
export type AWSElasticBlockStoreVolumeSource = Infer<typeof awsElasticBlockStoreVolumeSourceSchema>;

export const gitRepoVolumeSourceSchema = object(
  'io.k8s.api.core.v1.GitRepoVolumeSource',
  'A directory with a git repository cloned into it. Deprecated: clone from an init container into an emptyDir instead.',
  {
    repository: requiredField(string(), 'URL of the repository.', { proto: 1 }),
    revision: field(string(), 'Commit to check out.', { proto: 2 }),
    directory: field(
      string(),
      "Directory name to clone into; '.' clones into the volume root. Must not contain or start with '..'.",
      { proto: 3 },
    ),
  },
);
export type GitRepoVolumeSource = Infer<typeof gitRepoVolumeSourceSchema>;

export const secretVolumeSourceSchema = object(
  'io.k8s.api.core.v1.SecretVolumeSource',
  'Exposes the keys of a Secret as files.',
  {
    secretName: field(string(), "Name of the Secret in the pod's namespace.", { proto: 1 }),
    items: atomicList(
      keyToPathSchema,
      'Which keys to project, and to which paths. Unset projects every key as a file named after it; a listed key that is missing is an error unless optional is true.',
      { proto: 2 },
    ),
    defaultMode: field(
      int32(),
      'Permission bits of the files, 0-0777 (decimal 0-511 in JSON). Defaults to 0644.',
      { proto: 3 },
    ),
    optional: field(boolean(), 'When true, a missing Secret or key is not an error.', { proto: 4 }),
  },
);
export type SecretVolumeSource = Infer<typeof secretVolumeSourceSchema>;

export const nfsVolumeSourceSchema = object(
  'io.k8s.api.core.v1.NFSVolumeSource',
  'An NFS export mounted for the lifetime of the pod.',
  {
    server: requiredField(string(), 'Host name or IP address of the NFS server.', { proto: 1 }),
    path: requiredField(string(), 'Path exported by the server.', { proto: 2 }),
    readOnly: field(boolean(), 'Mount the export read-only. Defaults to false.', { proto: 3 }),
  },
);
export type NFSVolumeSource = Infer<typeof nfsVolumeSourceSchema>;

export const iscsiVolumeSourceSchema = object(
  'io.k8s.api.core.v1.ISCSIVolumeSource',
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
    secretRef: field(localObjectReferenceSchema, 'Secret with the CHAP credentials.', {
      proto: 10,
    }),
    initiatorName: field(
      string(),
      'Custom initiator name; with iscsiInterface, a new interface <portal>:<volume name> is created.',
      { proto: 12 },
    ),
  },
);
export type ISCSIVolumeSource = Infer<typeof iscsiVolumeSourceSchema>;

export const glusterfsVolumeSourceSchema = object(
  'io.k8s.api.core.v1.GlusterfsVolumeSource',
  'A GlusterFS mount (legacy, no longer supported in-tree).',
  {
    endpoints: requiredField(
      string(),
      'Name of the Endpoints object listing the Gluster servers.',
      { proto: 1 },
    ),
    path: requiredField(string(), 'Name of the Gluster volume.', { proto: 2 }),
    readOnly: field(boolean(), 'Mount read-only. Defaults to false.', { proto: 3 }),
  },
);
export type GlusterfsVolumeSource = Infer<typeof glusterfsVolumeSourceSchema>;

export const persistentVolumeClaimVolumeSourceSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource',
  "Mounts the persistent volume bound to a claim in the pod's namespace.",
  {
    claimName: requiredField(string(), 'Name of the PersistentVolumeClaim.', { proto: 1 }),
    readOnly: field(
      boolean(),
      "Mount read-only, overriding the mounts' readOnly. Defaults to false.",
      { proto: 2 },
    ),
  },
);
export type PersistentVolumeClaimVolumeSource = Infer<
  typeof persistentVolumeClaimVolumeSourceSchema
>;

export const rbdVolumeSourceSchema = object(
  'io.k8s.api.core.v1.RBDVolumeSource',
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
    secretRef: field(localObjectReferenceSchema, "Secret with the user's key; overrides keyring.", {
      proto: 7,
    }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 8 },
    ),
  },
);
export type RBDVolumeSource = Infer<typeof rbdVolumeSourceSchema>;

export const flexVolumeSourceSchema = object(
  'io.k8s.api.core.v1.FlexVolumeSource',
  'A volume provided by an exec-based FlexVolume driver. Deprecated in favour of CSI.',
  {
    driver: requiredField(string(), 'Name of the driver.', { proto: 1 }),
    fsType: field(string(), 'Filesystem type to mount; the default depends on the driver.', {
      proto: 2,
    }),
    secretRef: field(
      localObjectReferenceSchema,
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
export type FlexVolumeSource = Infer<typeof flexVolumeSourceSchema>;

export const cinderVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CinderVolumeSource',
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
    secretRef: field(
      localObjectReferenceSchema,
      'Secret with the OpenStack connection parameters.',
      { proto: 4 },
    ),
  },
);
export type CinderVolumeSource = Infer<typeof cinderVolumeSourceSchema>;

export const cephFSVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CephFSVolumeSource',
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
    secretRef: field(
      localObjectReferenceSchema,
      "Secret with the user's key; overrides secretFile.",
      { proto: 5 },
    ),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { proto: 6 },
    ),
  },
);
export type CephFSVolumeSource = Infer<typeof cephFSVolumeSourceSchema>;

export const flockerVolumeSourceSchema = object(
  'io.k8s.api.core.v1.FlockerVolumeSource',
  'A Flocker dataset (legacy, no longer supported). Set exactly one of datasetName and datasetUUID.',
  {
    datasetName: field(string(), 'Name of the dataset (deprecated).', { proto: 1 }),
    datasetUUID: field(string(), 'UUID of the dataset.', { proto: 2 }),
  },
);
export type FlockerVolumeSource = Infer<typeof flockerVolumeSourceSchema>;

export const downwardAPIVolumeFileSchema = object(
  'io.k8s.api.core.v1.DownwardAPIVolumeFile',
  'One file of a downward API volume, holding a pod field or a container resource.',
  {
    path: requiredField(
      string(),
      "Relative path of the file; must not be absolute or contain '..', and must be UTF-8.",
      { proto: 1 },
    ),
    fieldRef: field(
      objectFieldSelectorSchema,
      "A pod field: metadata.name, metadata.namespace, metadata.uid, metadata.labels or metadata.annotations (optionally one key, e.g. metadata.labels['app']).",
      { proto: 2 },
    ),
    resourceFieldRef: field(
      resourceFieldSelectorSchema,
      "A container's request or limit: limits.cpu, limits.memory, requests.cpu, requests.memory (and ephemeral-storage); containerName is required here.",
      { proto: 3 },
    ),
    mode: field(
      int32(),
      "Permission bits of the file, 0-0777 (decimal 0-511 in JSON). Defaults to the volume's defaultMode.",
      { proto: 4 },
    ),
  },
);
export type DownwardAPIVolumeFile = Infer<typeof downwardAPIVolumeFileSchema>;

export const downwardAPIVolumeSourceSchema = object(
  'io.k8s.api.core.v1.DownwardAPIVolumeSource',
  'Exposes pod fields and container resources as files.',
  {
    items: atomicList(downwardAPIVolumeFileSchema, 'The files to write.', { proto: 1 }),
    defaultMode: field(
      int32(),
      'Permission bits of the files, 0-0777 (decimal 0-511 in JSON). Defaults to 0644.',
      { proto: 2 },
    ),
  },
);
export type DownwardAPIVolumeSource = Infer<typeof downwardAPIVolumeSourceSchema>;

export const fcVolumeSourceSchema = object(
  'io.k8s.api.core.v1.FCVolumeSource',
  'A Fibre Channel disk. Set either wwids, or targetWWNs together with lun.',
  {
    targetWWNs: atomicList(string(), 'World wide names of the targets.', { proto: 1 }),
    lun: field(int32(), 'LUN number of the target.', { proto: 2 }),
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
    wwids: atomicList(string(), 'World wide identifiers of the volume.', { proto: 5 }),
  },
);
export type FCVolumeSource = Infer<typeof fcVolumeSourceSchema>;

export const azureFileVolumeSourceSchema = object(
  'io.k8s.api.core.v1.AzureFileVolumeSource',
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
  },
);
export type AzureFileVolumeSource = Infer<typeof azureFileVolumeSourceSchema>;

export const configMapVolumeSourceSchema = object(
  'io.k8s.api.core.v1.ConfigMapVolumeSource',
  'Exposes the keys of a ConfigMap as files.',
  {
    name: field(string(), "Name of the ConfigMap in the pod's namespace. Effectively required.", {
      default: '',
      proto: 1,
    }),
    items: atomicList(
      keyToPathSchema,
      'Which keys to project, and to which paths. Unset projects every key as a file named after it; a listed key that is missing is an error unless optional is true.',
      { proto: 2 },
    ),
    defaultMode: field(
      int32(),
      'Permission bits of the files, 0-0777 (decimal 0-511 in JSON). Defaults to 0644.',
      { proto: 3 },
    ),
    optional: field(boolean(), 'When true, a missing ConfigMap or key is not an error.', {
      proto: 4,
    }),
  },
);
export type ConfigMapVolumeSource = Infer<typeof configMapVolumeSourceSchema>;

export const vsphereVirtualDiskVolumeSourceSchema = object(
  'io.k8s.api.core.v1.VsphereVirtualDiskVolumeSource',
  'A vSphere VMDK (legacy in-tree plugin, handled by the vSphere CSI driver).',
  {
    volumePath: requiredField(string(), 'Path of the VMDK.', { proto: 1 }),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
      { proto: 2 },
    ),
    storagePolicyName: field(string(), 'Storage policy (SPBM) profile name.', { proto: 3 }),
    storagePolicyID: field(string(), 'Storage policy (SPBM) profile ID.', { proto: 4 }),
  },
);
export type VsphereVirtualDiskVolumeSource = Infer<typeof vsphereVirtualDiskVolumeSourceSchema>;

export const quobyteVolumeSourceSchema = object(
  'io.k8s.api.core.v1.QuobyteVolumeSource',
  'A Quobyte volume (legacy, no longer supported in-tree).',
  {
    registry: requiredField(
      string(),
      'Quobyte registry services, host:port pairs separated by commas.',
      { proto: 1 },
    ),
    volume: requiredField(string(), 'Name of an existing Quobyte volume.', { proto: 2 }),
    readOnly: field(boolean(), 'Mount read-only. Defaults to false.', { proto: 3 }),
    user: field(
      string(),
      'User the volume access is mapped to. Defaults to the service account user.',
      { proto: 4 },
    ),
    group: field(string(), 'Group the volume access is mapped to. Defaults to none.', { proto: 5 }),
    tenant: field(
      string(),
      'Tenant owning the volume; set by the plugin for dynamically provisioned volumes.',
      { proto: 6 },
    ),
  },
);
export type QuobyteVolumeSource = Infer<typeof quobyteVolumeSourceSchema>;

export const azureDiskVolumeSourceSchema = object(
  'io.k8s.api.core.v1.AzureDiskVolumeSource',
  'An Azure data disk (legacy in-tree plugin, handled by the Azure Disk CSI driver).',
  {
    diskName: requiredField(string(), 'Name of the data disk.', { proto: 1 }),
    diskURI: requiredField(string(), 'URI of the data disk.', { proto: 2 }),
    cachingMode: field(
      string({ enum: azureDataDiskCachingModeValues }),
      'Host caching mode: None, ReadOnly or ReadWrite. Defaults to ReadWrite.',
      { default: 'ReadWrite', proto: 3 },
    ),
    fsType: field(string(), 'Filesystem type to mount, e.g. ext4, xfs or ntfs. Defaults to ext4.', {
      default: 'ext4',
      proto: 4,
    }),
    readOnly: field(
      boolean(),
      'Mount the volume read-only, overriding the readOnly setting of volume mounts. Defaults to false.',
      { default: false, proto: 5 },
    ),
    kind: field(
      string({ enum: azureDataDiskKindValues }),
      'Disk kind: Shared (several blob disks per storage account), Dedicated (one per account) or Managed (an Azure managed disk). Defaults to Shared.',
      { default: 'Shared', proto: 6 },
    ),
  },
);
export type AzureDiskVolumeSource = Infer<typeof azureDiskVolumeSourceSchema>;

export const photonPersistentDiskVolumeSourceSchema = object(
  'io.k8s.api.core.v1.PhotonPersistentDiskVolumeSource',
  'A Photon Controller persistent disk (legacy, no longer supported).',
  {
    pdID: requiredField(string(), 'ID of the disk.', { proto: 1 }),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4, xfs or ntfs; must be supported by the node. Implied ext4 when unset.',
      { proto: 2 },
    ),
  },
);
export type PhotonPersistentDiskVolumeSource = Infer<typeof photonPersistentDiskVolumeSourceSchema>;

export const secretProjectionSchema = object(
  'io.k8s.api.core.v1.SecretProjection',
  'The keys of a Secret, as one source of a projected volume.',
  {
    name: field(string(), 'Name of the Secret. Effectively required.', { default: '', proto: 1 }),
    items: atomicList(
      keyToPathSchema,
      'Which keys to project, and to which paths. Unset projects every key as a file named after it.',
      { proto: 2 },
    ),
    optional: field(boolean(), 'When true, a missing Secret or key is not an error.', { proto: 4 }),
  },
);
export type SecretProjection = Infer<typeof secretProjectionSchema>;

export const downwardAPIProjectionSchema = object(
  'io.k8s.api.core.v1.DownwardAPIProjection',
  'Pod fields and container resources, as one source of a projected volume.',
  {
    items: atomicList(downwardAPIVolumeFileSchema, 'The files to write.', { proto: 1 }),
  },
);
export type DownwardAPIProjection = Infer<typeof downwardAPIProjectionSchema>;

export const configMapProjectionSchema = object(
  'io.k8s.api.core.v1.ConfigMapProjection',
  'The keys of a ConfigMap, as one source of a projected volume.',
  {
    name: field(string(), 'Name of the ConfigMap. Effectively required.', {
      default: '',
      proto: 1,
    }),
    items: atomicList(
      keyToPathSchema,
      'Which keys to project, and to which paths. Unset projects every key as a file named after it.',
      { proto: 2 },
    ),
    optional: field(boolean(), 'When true, a missing ConfigMap or key is not an error.', {
      proto: 4,
    }),
  },
);
export type ConfigMapProjection = Infer<typeof configMapProjectionSchema>;

export const serviceAccountTokenProjectionSchema = object(
  'io.k8s.api.core.v1.ServiceAccountTokenProjection',
  "A token of the pod's service account, written to a file and refreshed by the kubelet.",
  {
    audience: field(
      string(),
      "Audience the token is issued for. Defaults to the API server's identifier.",
      { proto: 1 },
    ),
    expirationSeconds: field(
      int64(),
      'Requested lifetime of the token; the kubelet rotates it after 80% of that or 24 hours. Defaults to 3600; at least 600.',
      { proto: 2 },
    ),
    path: requiredField(string(), 'Path of the token file, relative to the mount point.', {
      proto: 3,
    }),
  },
);
export type ServiceAccountTokenProjection = Infer<typeof serviceAccountTokenProjectionSchema>;

export const clusterTrustBundleProjectionSchema = object(
  'io.k8s.api.core.v1.ClusterTrustBundleProjection',
  'The certificates of one or more ClusterTrustBundles, written as one PEM file. Alpha (ClusterTrustBundleProjection feature).',
  {
    name: field(
      string(),
      'Select one bundle by name. Not allowed together with signerName and labelSelector.',
      { proto: 1 },
    ),
    signerName: field(
      string(),
      'Select every bundle of this signer; their certificates are merged and deduplicated.',
      { proto: 2 },
    ),
    labelSelector: field(
      labelSelectorSchema,
      'With signerName, only bundles matching this selector. Unset matches nothing; empty matches everything.',
      { proto: 3 },
    ),
    optional: field(boolean(), 'When true, the pod starts even if no bundle is found.', {
      proto: 5,
    }),
    path: requiredField(string(), 'Path of the file, relative to the volume root.', { proto: 4 }),
  },
);
export type ClusterTrustBundleProjection = Infer<typeof clusterTrustBundleProjectionSchema>;

export const volumeProjectionSchema = object(
  'io.k8s.api.core.v1.VolumeProjection',
  'One source of a projected volume: exactly one of the fields.',
  {
    secret: field(secretProjectionSchema, 'Keys of a Secret.', { proto: 1 }),
    downwardAPI: field(downwardAPIProjectionSchema, 'Pod fields and container resources.', {
      proto: 2,
    }),
    configMap: field(configMapProjectionSchema, 'Keys of a ConfigMap.', { proto: 3 }),
    serviceAccountToken: field(serviceAccountTokenProjectionSchema, 'A service account token.', {
      proto: 4,
    }),
    clusterTrustBundle: field(
      clusterTrustBundleProjectionSchema,
      'Certificates of ClusterTrustBundles. Alpha (ClusterTrustBundleProjection feature).',
      { proto: 5 },
    ),
  },
);
export type VolumeProjection = Infer<typeof volumeProjectionSchema>;

export const projectedVolumeSourceSchema = object(
  'io.k8s.api.core.v1.ProjectedVolumeSource',
  'Several sources (Secrets, ConfigMaps, downward API, tokens) combined into one directory.',
  {
    sources: atomicList(volumeProjectionSchema, 'The sources; each adds its files to the volume.', {
      proto: 1,
    }),
    defaultMode: field(
      int32(),
      'Permission bits of the files, 0-0777 (decimal 0-511 in JSON). Defaults to 0644.',
      { proto: 2 },
    ),
  },
);
export type ProjectedVolumeSource = Infer<typeof projectedVolumeSourceSchema>;

export const portworxVolumeSourceSchema = object(
  'io.k8s.api.core.v1.PortworxVolumeSource',
  'A Portworx volume (legacy in-tree plugin, handled by the Portworx CSI driver).',
  {
    volumeID: requiredField(string(), 'ID of the Portworx volume.', { proto: 1 }),
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
  },
);
export type PortworxVolumeSource = Infer<typeof portworxVolumeSourceSchema>;

export const scaleIOVolumeSourceSchema = object(
  'io.k8s.api.core.v1.ScaleIOVolumeSource',
  'A ScaleIO volume (legacy, no longer supported in-tree).',
  {
    gateway: requiredField(string(), 'Address of the ScaleIO API gateway.', { proto: 1 }),
    system: requiredField(string(), 'Name of the ScaleIO storage system.', { proto: 2 }),
    secretRef: requiredField(
      localObjectReferenceSchema,
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
export type ScaleIOVolumeSource = Infer<typeof scaleIOVolumeSourceSchema>;

export const storageOSVolumeSourceSchema = object(
  'io.k8s.api.core.v1.StorageOSVolumeSource',
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
    secretRef: field(localObjectReferenceSchema, 'Secret with the StorageOS API credentials.', {
      proto: 5,
    }),
  },
);
export type StorageOSVolumeSource = Infer<typeof storageOSVolumeSourceSchema>;

export const csiVolumeSourceSchema = object(
  'io.k8s.api.core.v1.CSIVolumeSource',
  'An inline ephemeral volume provided by a CSI driver.',
  {
    driver: requiredField(string(), 'Name of the CSI driver.', { proto: 1 }),
    readOnly: field(boolean(), 'Request a read-only volume. Defaults to false.', { proto: 2 }),
    fsType: field(
      string(),
      'Filesystem type to mount, e.g. ext4 or xfs. When empty the driver picks.',
      { proto: 3 },
    ),
    volumeAttributes: field(stringMap(), 'Driver-specific properties passed to the driver.', {
      proto: 4,
    }),
    nodePublishSecretRef: field(
      localObjectReferenceSchema,
      "Secret passed to the driver's NodePublishVolume and NodeUnpublishVolume calls.",
      { proto: 5 },
    ),
  },
);
export type CSIVolumeSource = Infer<typeof csiVolumeSourceSchema>;

export const persistentVolumeClaimSpecSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec',
  'What storage a claim asks for: size, access modes, class and source.',
  {
    accessModes: atomicList(
      string({ enum: persistentVolumeAccessModeValues }),
      'How the volume may be mounted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod.',
      { proto: 1 },
    ),
    selector: field(
      labelSelectorSchema,
      'Restricts binding to persistent volumes with matching labels.',
      { proto: 4 },
    ),
    resources: field(
      volumeResourceRequirementsSchema,
      'Storage the volume must provide, e.g. requests.storage.',
      { proto: 2 },
    ),
    volumeName: field(string(), 'Name of the PersistentVolume to bind to.', { proto: 3 }),
    storageClassName: field(
      string(),
      'Name of the StorageClass to provision from; empty string asks for a volume without class.',
      { proto: 5 },
    ),
    volumeMode: field(
      string({ enum: persistentVolumeModeValues }),
      'Filesystem or Block. Defaults to Filesystem.',
      { proto: 6 },
    ),
    dataSource: field(
      typedLocalObjectReferenceSchema,
      'Object to fill the new volume from: a VolumeSnapshot or another PersistentVolumeClaim in the same namespace.',
      { proto: 7 },
    ),
    dataSourceRef: field(
      typedObjectReferenceSchema,
      'Object to fill the new volume from, of any populator-supported kind, possibly in another namespace (alpha). Supersedes dataSource; when both are set they must agree.',
      { proto: 8 },
    ),
    volumeAttributesClassName: field(
      string(),
      'Name of the VolumeAttributesClass applied to the volume; may change after creation. Beta (VolumeAttributesClass feature, off by default).',
      { proto: 9 },
    ),
  },
);
export type PersistentVolumeClaimSpec = Infer<typeof persistentVolumeClaimSpecSchema>;

export const persistentVolumeClaimTemplateSchema = object(
  'io.k8s.api.core.v1.PersistentVolumeClaimTemplate',
  'Template of the PersistentVolumeClaim created for an ephemeral volume.',
  {
    metadata: field(
      objectMetaSchema,
      'Labels and annotations copied to the claim; no other metadata is allowed.',
      { proto: 1 },
    ),
    spec: requiredField(persistentVolumeClaimSpecSchema, 'Spec of the claim, copied unchanged.', {
      proto: 2,
    }),
  },
);
export type PersistentVolumeClaimTemplate = Infer<typeof persistentVolumeClaimTemplateSchema>;

export const ephemeralVolumeSourceSchema = object(
  'io.k8s.api.core.v1.EphemeralVolumeSource',
  'A volume provisioned by a storage driver through a claim that lives and dies with the pod.',
  {
    volumeClaimTemplate: field(
      persistentVolumeClaimTemplateSchema,
      'Template of the claim, named <pod name>-<volume name> and owned by the pod. Required.',
      { proto: 1 },
    ),
  },
);
export type EphemeralVolumeSource = Infer<typeof ephemeralVolumeSourceSchema>;

export const imageVolumeSourceSchema = object(
  'io.k8s.api.core.v1.ImageVolumeSource',
  'An OCI image or artifact mounted read-only (and noexec) as a volume. Alpha (ImageVolume feature).',
  {
    reference: field(
      string(),
      'Image or artifact reference, resolved like a container image (including pull secrets).',
      { proto: 1 },
    ),
    pullPolicy: field(
      string({ enum: pullPolicyValues }),
      'Always, Never or IfNotPresent. Defaults to Always for :latest (or no tag), otherwise IfNotPresent.',
      { proto: 2 },
    ),
  },
);
export type ImageVolumeSource = Infer<typeof imageVolumeSourceSchema>;

export const volumeSchema = object(
  'io.k8s.api.core.v1.Volume',
  'A named volume of a pod that its containers can mount: exactly one source. A volume with no source is an emptyDir.',
  {
    name: requiredField(
      string(),
      'Name of the volume, a DNS label unique within the pod; volume mounts refer to it.',
      { proto: 1 },
    ),
    hostPath: field(
      hostPathVolumeSourceSchema,
      'A file or directory of the node. Meant for system agents; most pods should not use it.',
      { proto: 1 },
    ),
    emptyDir: field(
      emptyDirVolumeSourceSchema,
      'An empty directory that lives as long as the pod stays on the node.',
      { proto: 2 },
    ),
    gcePersistentDisk: field(
      gcePersistentDiskVolumeSourceSchema,
      'A GCE persistent disk. Deprecated: handled by the GCE PD CSI driver.',
      { proto: 3 },
    ),
    awsElasticBlockStore: field(
      awsElasticBlockStoreVolumeSourceSchema,
      'An AWS EBS volume. Deprecated: handled by the EBS CSI driver.',
      { proto: 4 },
    ),
    gitRepo: field(
      gitRepoVolumeSourceSchema,
      'A git repository checked out into the volume. Deprecated: clone from an init container instead.',
      { proto: 5 },
    ),
    secret: field(secretVolumeSourceSchema, 'The keys of a Secret, as files.', { proto: 6 }),
    nfs: field(nfsVolumeSourceSchema, 'An NFS export.', { proto: 7 }),
    iscsi: field(iscsiVolumeSourceSchema, 'An iSCSI disk.', { proto: 8 }),
    glusterfs: field(
      glusterfsVolumeSourceSchema,
      'A GlusterFS volume. Deprecated and no longer supported in-tree.',
      { proto: 9 },
    ),
    persistentVolumeClaim: field(
      persistentVolumeClaimVolumeSourceSchema,
      "The volume bound to a PersistentVolumeClaim in the pod's namespace.",
      { proto: 10 },
    ),
    rbd: field(
      rbdVolumeSourceSchema,
      'A Ceph RBD image. Deprecated and no longer supported in-tree.',
      { proto: 11 },
    ),
    flexVolume: field(
      flexVolumeSourceSchema,
      'A volume from a FlexVolume driver. Deprecated: use CSI.',
      { proto: 12 },
    ),
    cinder: field(
      cinderVolumeSourceSchema,
      'An OpenStack Cinder volume. Deprecated: handled by the Cinder CSI driver.',
      { proto: 13 },
    ),
    cephfs: field(
      cephFSVolumeSourceSchema,
      'A CephFS mount. Deprecated and no longer supported in-tree.',
      { proto: 14 },
    ),
    flocker: field(
      flockerVolumeSourceSchema,
      'A Flocker dataset. Deprecated and no longer supported.',
      { proto: 15 },
    ),
    downwardAPI: field(
      downwardAPIVolumeSourceSchema,
      'Pod fields and container resources, as files.',
      { proto: 16 },
    ),
    fc: field(fcVolumeSourceSchema, 'A Fibre Channel disk.', { proto: 17 }),
    azureFile: field(
      azureFileVolumeSourceSchema,
      'An Azure Files share. Deprecated: handled by the Azure File CSI driver.',
      { proto: 18 },
    ),
    configMap: field(configMapVolumeSourceSchema, 'The keys of a ConfigMap, as files.', {
      proto: 19,
    }),
    vsphereVolume: field(
      vsphereVirtualDiskVolumeSourceSchema,
      'A vSphere VMDK. Deprecated: handled by the vSphere CSI driver.',
      { proto: 20 },
    ),
    quobyte: field(
      quobyteVolumeSourceSchema,
      'A Quobyte volume. Deprecated and no longer supported in-tree.',
      { proto: 21 },
    ),
    azureDisk: field(
      azureDiskVolumeSourceSchema,
      'An Azure data disk. Deprecated: handled by the Azure Disk CSI driver.',
      { proto: 22 },
    ),
    photonPersistentDisk: field(
      photonPersistentDiskVolumeSourceSchema,
      'A Photon Controller disk. Deprecated and no longer supported.',
      { proto: 23 },
    ),
    projected: field(
      projectedVolumeSourceSchema,
      'Secrets, ConfigMaps, downward API data and service account tokens combined in one directory.',
      { proto: 26 },
    ),
    portworxVolume: field(
      portworxVolumeSourceSchema,
      'A Portworx volume. Deprecated: handled by the Portworx CSI driver.',
      { proto: 24 },
    ),
    scaleIO: field(
      scaleIOVolumeSourceSchema,
      'A ScaleIO volume. Deprecated and no longer supported in-tree.',
      { proto: 25 },
    ),
    storageos: field(
      storageOSVolumeSourceSchema,
      'A StorageOS volume. Deprecated and no longer supported in-tree.',
      { proto: 27 },
    ),
    csi: field(csiVolumeSourceSchema, 'An inline ephemeral volume from a CSI driver.', {
      proto: 28,
    }),
    ephemeral: field(
      ephemeralVolumeSourceSchema,
      'A volume provisioned through a PersistentVolumeClaim created for this pod and deleted with it.',
      { proto: 29 },
    ),
    image: field(
      imageVolumeSourceSchema,
      'An OCI image or artifact, mounted read-only. Alpha (ImageVolume feature); pulled according to pullPolicy when the pod starts.',
      { proto: 30 },
    ),
  },
);
export type Volume = Infer<typeof volumeSchema>;

/** The source part of a Volume (every field but name): upstream's inline VolumeSource. */
export type VolumeSource = Omit<Volume, 'name'>;
