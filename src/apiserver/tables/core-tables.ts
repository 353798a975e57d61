/**
 * Tables of core/v1 resources other than pods and the service family (upstream printers, v1.32):
 * namespaces, nodes, events, configmaps, secrets, serviceaccounts, persistentvolumes,
 * persistentvolumeclaims, resourcequotas, componentstatuses, podtemplates and
 * replicationcontrollers. limitranges have no printer upstream and keep the default table.
 */
import type {
  ComponentStatus,
  ConfigMap,
  Event,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  PodTemplate,
  ReplicationController,
  ResourceQuota,
  Secret,
  ServiceAccount,
} from '../../api/index.ts';
import {
  ageColumn,
  column,
  compareStrings,
  containerCells,
  containersColumn,
  formatLabels,
  imagesColumn,
  selectorColumn,
} from './cell-format.ts';
import { parseTimestamp, translateTimeSince, translateTimestampSince } from './human-duration.ts';
import { nameColumn, typedTableConvertor } from './table-convertor.ts';

// ---- namespaces ------------------------------------------------------------------------------

export const namespaceTableConvertor = typedTableConvertor<Namespace>(
  [
    nameColumn,
    column('Status', 'string', 'The phase of the namespace: Active or Terminating.'),
    ageColumn,
  ],
  (ns, now) => [
    ns.metadata?.name ?? '',
    ns.status?.phase ?? '',
    translateTimestampSince(ns.metadata?.creationTimestamp, now),
  ],
);

// ---- nodes -----------------------------------------------------------------------------------

const nodeRolePrefix = 'node-role.kubernetes.io/';
const nodeRoleLabel = 'kubernetes.io/role';

/**
 * `Ready` / `NotReady` from the node's Ready condition (`Unknown` without one), plus
 * `SchedulingDisabled` for a cordoned node.
 */
export function nodeStatus(node: Node): string {
  let ready: string | undefined;
  for (const c of node.status?.conditions ?? []) {
    if (c.type === 'Ready') ready = c.status;
  }
  let status = ready === undefined ? 'Unknown' : ready === 'True' ? 'Ready' : 'NotReady';
  if (node.spec?.unschedulable) status += ',SchedulingDisabled';
  return status;
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the `kubernetes.io/role` label. */
export function nodeRoles(node: Node): string {
  const labels = node.metadata?.labels;
  if (!labels) return '<none>';
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(nodeRolePrefix)) {
      const role = k.slice(nodeRolePrefix.length);
      if (role) roles.add(role);
    } else if (k === nodeRoleLabel && v) {
      roles.add(v);
    }
  }
  if (roles.size === 0) return '<none>';
  return [...roles].sort(compareStrings).join(',');
}

function nodeAddress(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const nodeTableConvertor = typedTableConvertor<Node>(
  [
    nameColumn,
    column('Status', 'string', 'Whether the node is ready, and whether it takes new pods.'),
    column('Roles', 'string', 'The roles of the node, from its node-role labels.'),
    ageColumn,
    column('Version', 'string', 'The version of the node agent (kubelet).'),
    column('Internal-IP', 'string', 'The first internal address of the node.', { priority: 1 }),
    column('External-IP', 'string', 'The first external address of the node.', { priority: 1 }),
    column('OS-Image', 'string', 'The operating system the node runs.', { priority: 1 }),
    column('Kernel-Version', 'string', 'The kernel version of the node.', { priority: 1 }),
    column('Container-Runtime', 'string', 'The container runtime and its version.', {
      priority: 1,
    }),
  ],
  (node, now) => {
    const info = node.status?.nodeInfo;
    return [
      node.metadata?.name ?? '',
      nodeStatus(node),
      nodeRoles(node),
      translateTimestampSince(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
);

// ---- events ----------------------------------------------------------------------------------

/**
 * Events: LAST SEEN TYPE REASON OBJECT MESSAGE, and with `-o wide` SUBOBJECT SOURCE FIRST SEEN
 * COUNT NAME. An event of the newer API (eventTime, series) has no first/last timestamps: first
 * seen is its eventTime, last seen the series' lastObservedTime, and its count the series'.
 */
export function eventCells(ev: Event, now: number): unknown[] {
  const first = parseTimestamp(ev.firstTimestamp) ?? parseTimestamp(ev.eventTime);
  const firstSeen = translateTimeSince(first, now);
  const last = parseTimestamp(ev.lastTimestamp);
  let lastSeen = last === undefined ? firstSeen : translateTimeSince(last, now);
  let count = ev.count ?? 0;
  if (ev.series) {
    lastSeen = translateTimestampSince(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  const involved = ev.involvedObject;
  const kind = (involved.kind ?? '').toLowerCase();
  const target = involved.name ? `${kind}/${involved.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const host = ev.source?.host || ev.reportingInstance || '';
  return [
    lastSeen,
    ev.type ?? '',
    ev.reason ?? '',
    target,
    involved.fieldPath ?? '',
    host ? `${component}, ${host}` : component,
    (ev.message ?? '').trim(),
    firstSeen,
    count,
    ev.metadata.name ?? '',
  ];
}

export const eventTableConvertor = typedTableConvertor<Event>(
  [
    column('Last Seen', 'string', 'How long ago the event last happened.'),
    column('Type', 'string', 'Normal or Warning.'),
    column('Reason', 'string', 'Why the event happened, in one CamelCase word.'),
    column('Object', 'string', 'The object the event is about, as kind/name.'),
    column('Subobject', 'string', 'The part of the object the event is about, e.g. a container.', {
      priority: 1,
    }),
    column('Source', 'string', 'The component (and host) that reported the event.', {
      priority: 1,
    }),
    column('Message', 'string', 'What happened, for humans.'),
    column('First Seen', 'string', 'How long ago the event first happened.', { priority: 1 }),
    column('Count', 'string', 'How many times the event happened.', { priority: 1 }),
    column('Name', 'string', 'The name of the event object.', { priority: 1, format: 'name' }),
  ],
  eventCells,
);

// ---- configmaps, secrets, serviceaccounts ----------------------------------------------------

function keyCount(m: Readonly<Record<string, unknown>> | undefined): number {
  return m ? Object.keys(m).length : 0;
}

export const configMapTableConvertor = typedTableConvertor<ConfigMap>(
  [nameColumn, column('Data', 'string', 'How many keys the config map holds.'), ageColumn],
  (cm, now) => [
    cm.metadata?.name ?? '',
    keyCount(cm.data) + keyCount(cm.binaryData),
    translateTimestampSince(cm.metadata?.creationTimestamp, now),
  ],
);

export const secretTableConvertor = typedTableConvertor<Secret>(
  [
    nameColumn,
    column('Type', 'string', 'The type of the secret, which says what its data holds.'),
    column('Data', 'string', 'How many keys the secret holds.'),
    ageColumn,
  ],
  (s, now) => [
    s.metadata?.name ?? '',
    s.type ?? '',
    keyCount(s.data),
    translateTimestampSince(s.metadata?.creationTimestamp, now),
  ],
);

export const serviceAccountTableConvertor = typedTableConvertor<ServiceAccount>(
  [nameColumn, column('Secrets', 'string', 'How many secrets the account lists.'), ageColumn],
  (sa, now) => [
    sa.metadata?.name ?? '',
    sa.secrets?.length ?? 0,
    translateTimestampSince(sa.metadata?.creationTimestamp, now),
  ],
);

// ---- persistent volumes and claims ------------------------------------------------------------

const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** Access modes, each once, always in the order RWO, ROX, RWX, RWOP. */
export function accessModesString(modes: readonly string[] | undefined): string {
  if (!modes || modes.length === 0) return '';
  const out: string[] = [];
  if (modes.includes('ReadWriteOnce')) out.push('RWO');
  if (modes.includes('ReadOnlyMany')) out.push('ROX');
  if (modes.includes('ReadWriteMany')) out.push('RWX');
  if (modes.includes('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

export const persistentVolumeTableConvertor = typedTableConvertor<PersistentVolume>(
  [
    nameColumn,
    column('Capacity', 'string', 'The size of the volume.'),
    column('Access Modes', 'string', 'How the volume can be mounted: RWO, ROX, RWX, RWOP.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when its claim is deleted.'),
    column('Status', 'string', 'The phase of the volume: Available, Bound, Released or Failed.'),
    column('Claim', 'string', 'The claim bound to the volume, as namespace/name.'),
    column('StorageClass', 'string', 'The storage class of the volume.'),
    column('VolumeAttributesClass', 'string', 'The volume attributes class of the volume.'),
    column('Reason', 'string', 'Why the volume is in its phase, when it failed.'),
    ageColumn,
    column('VolumeMode', 'string', 'Filesystem or Block.', { priority: 1 }),
  ],
  (pv, now) => {
    const spec = pv.spec;
    const claim = spec?.claimRef
      ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}`
      : '';
    const annotations = pv.metadata?.annotations;
    const storageClass =
      annotations && betaStorageClassAnnotation in annotations
        ? (annotations[betaStorageClassAnnotation] ?? '')
        : (spec?.storageClassName ?? '');
    return [
      pv.metadata?.name ?? '',
      spec?.capacity?.['storage'] ?? '0',
      accessModesString(spec?.accessModes),
      spec?.persistentVolumeReclaimPolicy ?? '',
      pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? ''),
      claim,
      storageClass,
      spec?.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      translateTimestampSince(pv.metadata?.creationTimestamp, now),
      spec?.volumeMode ?? '<unset>',
    ];
  },
);

export const persistentVolumeClaimTableConvertor = typedTableConvertor<PersistentVolumeClaim>(
  [
    nameColumn,
    column('Status', 'string', 'The phase of the claim: Pending, Bound or Lost.'),
    column('Volume', 'string', 'The volume bound to the claim.'),
    column('Capacity', 'string', 'The size of the bound volume.'),
    column('Access Modes', 'string', 'How the bound volume can be mounted: RWO, ROX, RWX, RWOP.'),
    column('StorageClass', 'string', 'The storage class the claim asks for.'),
    column('VolumeAttributesClass', 'string', 'The volume attributes class the claim asks for.'),
    ageColumn,
    column('VolumeMode', 'string', 'Filesystem or Block.', { priority: 1 }),
  ],
  (pvc, now) => {
    const spec = pvc.spec;
    const bound = !!spec?.volumeName;
    const annotations = pvc.metadata?.annotations;
    const storageClass =
      annotations && betaStorageClassAnnotation in annotations
        ? (annotations[betaStorageClassAnnotation] ?? '')
        : (spec?.storageClassName ?? '');
    return [
      pvc.metadata?.name ?? '',
      pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? ''),
      spec?.volumeName ?? '',
      bound ? (pvc.status?.capacity?.['storage'] ?? '0') : '',
      bound ? accessModesString(pvc.status?.accessModes) : '',
      storageClass,
      spec?.volumeAttributesClassName ?? '<unset>',
      translateTimestampSince(pvc.metadata?.creationTimestamp, now),
      spec?.volumeMode ?? '<unset>',
    ];
  },
);

// ---- resource quotas ---------------------------------------------------------------------------

/**
 * `name: used/hard` for each enforced resource, in name order; `limits.*` resources go to the
 * LIMIT column, the rest to REQUEST.
 */
export function resourceQuotaUsage(rq: ResourceQuota): [string, string] {
  const hard = rq.status?.hard;
  if (!hard) return ['', ''];
  const used = rq.status?.used;
  const names = Object.keys(hard).sort(compareStrings);
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of names) {
    const entry = `${name}: ${used?.[name] ?? '0'}/${hard[name] ?? '0'}`;
    const dot = name.indexOf('.');
    if (dot >= 0 && name.slice(0, dot) === 'limits') limits.push(entry);
    else requests.push(entry);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaTableConvertor = typedTableConvertor<ResourceQuota>(
  [
    nameColumn,
    column('Request', 'string', 'Usage out of the hard limit, for everything but limits.*.'),
    column('Limit', 'string', 'Usage out of the hard limit, for limits.* resources.'),
    ageColumn,
  ],
  (rq, now) => {
    const [request, limit] = resourceQuotaUsage(rq);
    return [
      rq.metadata?.name ?? '',
      request,
      limit,
      translateTimestampSince(rq.metadata?.creationTimestamp, now),
    ];
  },
);

// ---- component statuses ------------------------------------------------------------------------

export const componentStatusTableConvertor = typedTableConvertor<ComponentStatus>(
  [
    nameColumn,
    column('Status', 'string', 'Healthy, Unhealthy or Unknown.'),
    column('Message', 'string', 'What the health check said.'),
    column('Error', 'string', 'The error of the health check, if it failed.'),
  ],
  (cs) => {
    const healthy = cs.conditions?.find((c) => c.type === 'Healthy');
    let status = 'Unknown';
    if (healthy) status = healthy.status === 'True' ? 'Healthy' : 'Unhealthy';
    return [cs.metadata?.name ?? '', status, healthy?.message ?? '', healthy?.error ?? ''];
  },
);

// ---- pod templates and replication controllers -------------------------------------------------

export const podTemplateTableConvertor = typedTableConvertor<PodTemplate>(
  [
    nameColumn,
    column('Containers', 'string', "The names of the template's containers."),
    column('Images', 'string', "The images of the template's containers."),
    column('Pod Labels', 'string', 'The labels pods made from the template get.'),
  ],
  (pt) => {
    const [names, images] = containerCells(pt.template?.spec?.containers);
    return [pt.metadata?.name ?? '', names, images, formatLabels(pt.template?.metadata?.labels)];
  },
);

export const replicationControllerTableConvertor = typedTableConvertor<ReplicationController>(
  [
    nameColumn,
    column('Desired', 'integer', 'How many pods the controller should run.'),
    column('Current', 'integer', 'How many pods the controller runs now.'),
    column('Ready', 'integer', 'How many of its pods are ready.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (rc, now) => {
    const [names, images] = containerCells(rc.spec?.template?.spec?.containers);
    return [
      rc.metadata?.name ?? '',
      rc.spec?.replicas ?? 0,
      rc.status?.replicas ?? 0,
      rc.status?.readyReplicas ?? 0,
      translateTimestampSince(rc.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabels(rc.spec?.selector),
    ];
  },
);
