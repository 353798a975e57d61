/**
 * core/v1: Container and pod security settings: SecurityContext, PodSecurityContext and their
 * parts (capabilities, SELinux, seccomp, AppArmor, Windows options, sysctls).
 */
import {
  atomicList,
  boolean,
  field,
  int64,
  object,
  requiredField,
  string,
  type Infer,
} from '../../schema/schema.ts';
import {
  appArmorProfileTypeValues,
  podFSGroupChangePolicyValues,
  procMountTypeValues,
  seccompProfileTypeValues,
  supplementalGroupsPolicyValues,
} from './enums.ts';

export const capabilitiesSchema = object(
  'io.k8s.api.core.v1.Capabilities',
  "Linux capabilities added to or dropped from the container's default set.",
  {
    add: atomicList(string(), 'Capabilities to add, e.g. NET_ADMIN (without the CAP_ prefix).', {
      proto: 1,
    }),
    drop: atomicList(string(), 'Capabilities to remove; ALL drops every capability.', { proto: 2 }),
  },
);
export type Capabilities = Infer<typeof capabilitiesSchema>;

export const seLinuxOptionsSchema = object(
  'io.k8s.api.core.v1.SELinuxOptions',
  'SELinux label parts applied to a container or to every container of a pod.',
  {
    user: field(string(), 'SELinux user part of the label.', { proto: 1 }),
    role: field(string(), 'SELinux role part of the label.', { proto: 2 }),
    type: field(string(), 'SELinux type part of the label.', { proto: 3 }),
    level: field(string(), 'SELinux level (MLS/MCS) part of the label, e.g. s0:c123,c456.', {
      proto: 4,
    }),
  },
);
export type SELinuxOptions = Infer<typeof seLinuxOptionsSchema>;

export const windowsSecurityContextOptionsSchema = object(
  'io.k8s.api.core.v1.WindowsSecurityContextOptions',
  'Security settings that apply only to Windows containers.',
  {
    gmsaCredentialSpecName: field(string(), 'Name of the GMSA credential spec resource to use.', {
      proto: 1,
    }),
    gmsaCredentialSpec: field(
      string(),
      'Contents of the GMSA credential spec, normally filled in by the GMSA admission webhook.',
      { proto: 2 },
    ),
    runAsUserName: field(
      string(),
      "Windows user name that runs the entrypoint. Defaults to the image's user; a container-level value wins over the pod-level one.",
      { proto: 3 },
    ),
    hostProcess: field(
      boolean(),
      'Run as a Windows host-process container. Every container of the pod must agree, and hostNetwork must then be true.',
      { proto: 4 },
    ),
  },
);
export type WindowsSecurityContextOptions = Infer<typeof windowsSecurityContextOptionsSchema>;

export const seccompProfileSchema = object(
  'io.k8s.api.core.v1.SeccompProfile',
  'Which seccomp profile a pod or container runs with.',
  {
    type: requiredField(
      string({ enum: seccompProfileTypeValues }),
      "Kind of profile: RuntimeDefault (the runtime's default profile), Unconfined (no seccomp) or Localhost (a profile file on the node, named by localhostProfile).",
      { proto: 1 },
    ),
    localhostProfile: field(
      string(),
      "Path of the profile file, relative to the kubelet's seccomp directory. Required when type is Localhost and forbidden otherwise.",
      { proto: 2 },
    ),
  },
);
export type SeccompProfile = Infer<typeof seccompProfileSchema>;

export const appArmorProfileSchema = object(
  'io.k8s.api.core.v1.AppArmorProfile',
  'Which AppArmor profile a pod or container runs with.',
  {
    type: requiredField(
      string({ enum: appArmorProfileTypeValues }),
      "Kind of profile: RuntimeDefault (the runtime's default), Unconfined (no AppArmor) or Localhost (a profile already loaded on the node, named by localhostProfile).",
      { proto: 1 },
    ),
    localhostProfile: field(
      string(),
      'Name of the loaded profile. Required when type is Localhost and forbidden otherwise.',
      { proto: 2 },
    ),
  },
);
export type AppArmorProfile = Infer<typeof appArmorProfileSchema>;

export const sysctlSchema = object(
  'io.k8s.api.core.v1.Sysctl',
  'A namespaced kernel parameter set for the pod.',
  {
    name: requiredField(
      string(),
      'Name of the kernel parameter, e.g. net.ipv4.ip_local_port_range.',
      { proto: 1 },
    ),
    value: requiredField(string(), 'Value to set.', { proto: 2 }),
  },
);
export type Sysctl = Infer<typeof sysctlSchema>;

export const securityContextSchema = object(
  'io.k8s.api.core.v1.SecurityContext',
  "Security settings of one container. Where a field also exists in the pod's securityContext, the container's value wins.",
  {
    capabilities: field(
      capabilitiesSchema,
      "Linux capabilities to add or drop. Defaults to the runtime's default set. Not allowed when spec.os.name is windows.",
      { proto: 1 },
    ),
    privileged: field(
      boolean(),
      'Run the container privileged, with nearly the same access as root on the host. Defaults to false. Not allowed when spec.os.name is windows.',
      { proto: 2 },
    ),
    seLinuxOptions: field(
      seLinuxOptionsSchema,
      "SELinux label of the container. When unset the runtime picks a unique one (or uses the pod's). Not allowed when spec.os.name is windows.",
      { proto: 3 },
    ),
    windowsOptions: field(
      windowsSecurityContextOptionsSchema,
      "Windows-specific settings; fall back to the pod's. Not allowed when spec.os.name is linux.",
      { proto: 10 },
    ),
    runAsUser: field(
      int64(),
      "UID the entrypoint runs as. Defaults to the image's user (or the pod's runAsUser). Not allowed when spec.os.name is windows.",
      { proto: 4 },
    ),
    runAsGroup: field(
      int64(),
      "Primary GID the entrypoint runs as. Defaults to the runtime's choice (or the pod's runAsGroup). Not allowed when spec.os.name is windows.",
      { proto: 8 },
    ),
    runAsNonRoot: field(
      boolean(),
      'When true, the kubelet refuses to start the container if it would run as UID 0.',
      { proto: 5 },
    ),
    readOnlyRootFilesystem: field(
      boolean(),
      "Mount the container's root filesystem read-only. Defaults to false. Not allowed when spec.os.name is windows.",
      { proto: 6 },
    ),
    allowPrivilegeEscalation: field(
      boolean(),
      'Whether a process may gain more privileges than its parent (controls no_new_privs). Always true for privileged containers and those with CAP_SYS_ADMIN. Not allowed when spec.os.name is windows.',
      { proto: 7 },
    ),
    procMount: field(
      string({ enum: procMountTypeValues }),
      'How /proc is mounted: Default (the runtime masks and read-only-mounts sensitive paths) or Unmasked (no masking; needs the ProcMountType feature and hostUsers false). Defaults to Default. Not allowed when spec.os.name is windows.',
      { proto: 9 },
    ),
    seccompProfile: field(
      seccompProfileSchema,
      "Seccomp profile of the container; overrides the pod's. Not allowed when spec.os.name is windows.",
      { proto: 11 },
    ),
    appArmorProfile: field(
      appArmorProfileSchema,
      "AppArmor profile of the container; overrides the pod's. Not allowed when spec.os.name is windows.",
      { proto: 12 },
    ),
  },
);
export type SecurityContext = Infer<typeof securityContextSchema>;

export const podSecurityContextSchema = object(
  'io.k8s.api.core.v1.PodSecurityContext',
  "Security settings for the whole pod; several also act as defaults for every container's securityContext.",
  {
    seLinuxOptions: field(
      seLinuxOptionsSchema,
      'SELinux label applied to every container unless a container sets its own. When unset the runtime picks one per container. Not allowed when spec.os.name is windows.',
      { proto: 1 },
    ),
    windowsOptions: field(
      windowsSecurityContextOptionsSchema,
      'Windows-specific settings for every container unless a container sets its own. Not allowed when spec.os.name is linux.',
      { proto: 8 },
    ),
    runAsUser: field(
      int64(),
      "UID every container's entrypoint runs as unless the container overrides it. Defaults to the image's user. Not allowed when spec.os.name is windows.",
      { proto: 2 },
    ),
    runAsGroup: field(
      int64(),
      "Primary GID of every container's entrypoint unless the container overrides it. Defaults to the runtime's choice. Not allowed when spec.os.name is windows.",
      { proto: 6 },
    ),
    runAsNonRoot: field(
      boolean(),
      'When true, the kubelet refuses to start any container that would run as UID 0.',
      { proto: 3 },
    ),
    supplementalGroups: atomicList(
      int64(),
      'Extra GIDs given to the first process of every container, besides its primary GID and fsGroup. Not allowed when spec.os.name is windows.',
      { proto: 4 },
    ),
    supplementalGroupsPolicy: field(
      string({ enum: supplementalGroupsPolicyValues }),
      "How supplemental groups are computed: Merge (also keep the groups the image's /etc/group gives the user) or Strict (only the groups listed here). Defaults to Merge. Alpha (SupplementalGroupsPolicy feature). Not allowed when spec.os.name is windows.",
      { proto: 12 },
    ),
    fsGroup: field(
      int64(),
      'A GID added to every container; volumes that support it are made group-owned by it, setgid and group-writable. When unset, volume ownership is left alone. Not allowed when spec.os.name is windows.',
      { proto: 5 },
    ),
    sysctls: atomicList(
      sysctlSchema,
      'Namespaced kernel parameters set for the pod; a pod with a sysctl the runtime does not allow fails to start. Not allowed when spec.os.name is windows.',
      { proto: 7 },
    ),
    fsGroupChangePolicy: field(
      string({ enum: podFSGroupChangePolicyValues }),
      'When volume ownership is changed to fsGroup: Always (on every mount) or OnRootMismatch (only when the volume root does not already match). Defaults to Always. Not allowed when spec.os.name is windows.',
      { proto: 9 },
    ),
    seccompProfile: field(
      seccompProfileSchema,
      'Seccomp profile of every container unless a container sets its own. Not allowed when spec.os.name is windows.',
      { proto: 10 },
    ),
    appArmorProfile: field(
      appArmorProfileSchema,
      'AppArmor profile of every container unless a container sets its own. Not allowed when spec.os.name is windows.',
      { proto: 11 },
    ),
    seLinuxChangePolicy: field(
      string(),
      "How the pod's SELinux label reaches its volumes: Recursive (relabel every file) or MountOption (mount with -o context, faster but the volume cannot be shared with pods using another label). The default depends on the SELinuxMount feature. Not allowed when spec.os.name is windows.",
      { proto: 13 },
    ),
  },
);
export type PodSecurityContext = Infer<typeof podSecurityContextSchema>;
