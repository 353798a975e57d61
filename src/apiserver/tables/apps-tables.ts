/**
 * Tables of apps/v1 resources (upstream printers, v1.32): deployments, replicasets, daemonsets,
 * statefulsets and controllerrevisions.
 */
import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  ReplicaSet,
  StatefulSet,
} from '../../api/index.ts';
import {
  ageColumn,
  column,
  containerCells,
  containersColumn,
  formatLabelSelector,
  formatLabels,
  imagesColumn,
  labelSelectorString,
  selectorColumn,
} from './cell-format.ts';
import { translateTimestampSince } from './human-duration.ts';
import { nameColumn, typedTableConvertor } from './table-convertor.ts';

export const deploymentTableConvertor = typedTableConvertor<Deployment>(
  [
    nameColumn,
    column('Ready', 'string', 'Ready pods out of the desired number.'),
    column('Up-to-date', 'string', 'How many pods run the current template.'),
    column('Available', 'string', 'How many pods have been ready for at least minReadySeconds.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (d, now) => {
    const [names, images] = containerCells(d.spec?.template.spec?.containers);
    return [
      d.metadata?.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      translateTimestampSince(d.metadata?.creationTimestamp, now),
      names,
      images,
      labelSelectorString(d.spec?.selector) ?? '<invalid>',
    ];
  },
);

export const replicaSetTableConvertor = typedTableConvertor<ReplicaSet>(
  [
    nameColumn,
    column('Desired', 'integer', 'How many pods the replica set should run.'),
    column('Current', 'integer', 'How many pods the replica set runs now.'),
    column('Ready', 'integer', 'How many of its pods are ready.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (rs, now) => {
    const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata?.name ?? '',
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      translateTimestampSince(rs.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
);

export const daemonSetTableConvertor = typedTableConvertor<DaemonSet>(
  [
    nameColumn,
    column('Desired', 'integer', 'How many nodes should run a pod of the daemon set.'),
    column('Current', 'integer', 'How many nodes run a pod of the daemon set.'),
    column('Ready', 'integer', 'How many nodes run a ready pod of the daemon set.'),
    column('Up-to-date', 'integer', 'How many nodes run a pod of the current template.'),
    column('Available', 'integer', 'How many nodes run an available pod of the daemon set.'),
    column('Node Selector', 'string', 'The node labels a node needs to get a pod.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  (ds, now) => {
    const podSpec = ds.spec?.template.spec;
    const [names, images] = containerCells(podSpec?.containers);
    const status = ds.status;
    return [
      ds.metadata?.name ?? '',
      status?.desiredNumberScheduled ?? 0,
      status?.currentNumberScheduled ?? 0,
      status?.numberReady ?? 0,
      status?.updatedNumberScheduled ?? 0,
      status?.numberAvailable ?? 0,
      formatLabels(podSpec?.nodeSelector),
      translateTimestampSince(ds.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
);

export const statefulSetTableConvertor = typedTableConvertor<StatefulSet>(
  [
    nameColumn,
    column('Ready', 'string', 'Ready pods out of the desired number.'),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  (sts, now) => {
    const [names, images] = containerCells(sts.spec?.template.spec?.containers);
    return [
      sts.metadata?.name ?? '',
      `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`,
      translateTimestampSince(sts.metadata?.creationTimestamp, now),
      names,
      images,
    ];
  },
);

/** CONTROLLER: the owner with `controller: true`, as `kind.group/name`, or `<none>`. */
export function revisionController(cr: ControllerRevision): string {
  const ref = cr.metadata?.ownerReferences?.find((o) => o.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return kind ? `${kind.toLowerCase()}/${ref.name}` : ref.name;
}

export const controllerRevisionTableConvertor = typedTableConvertor<ControllerRevision>(
  [
    nameColumn,
    column('Controller', 'string', 'The object that owns the revision.'),
    column('Revision', 'string', 'The revision number.'),
    ageColumn,
  ],
  (cr, now) => [
    cr.metadata?.name ?? '',
    revisionController(cr),
    cr.revision,
    translateTimestampSince(cr.metadata?.creationTimestamp, now),
  ],
);
