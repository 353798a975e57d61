/**
 * Which convertor prints which resource, by API group and resource name. Resources upstream has
 * no printer for (limitranges among them) get the default NAME / CREATED AT table.
 */
import {
  controllerRevisionTableConvertor,
  daemonSetTableConvertor,
  deploymentTableConvertor,
  replicaSetTableConvertor,
  statefulSetTableConvertor,
} from './apps-tables.ts';
import { cronJobTableConvertor, jobTableConvertor } from './batch-tables.ts';
import {
  componentStatusTableConvertor,
  configMapTableConvertor,
  eventTableConvertor,
  namespaceTableConvertor,
  nodeTableConvertor,
  persistentVolumeClaimTableConvertor,
  persistentVolumeTableConvertor,
  podTemplateTableConvertor,
  replicationControllerTableConvertor,
  resourceQuotaTableConvertor,
  secretTableConvertor,
  serviceAccountTableConvertor,
} from './core-tables.ts';
import { leaseTableConvertor } from './lease-table.ts';
import { podTableConvertor } from './pod-table.ts';
import {
  endpointSliceTableConvertor,
  endpointsTableConvertor,
  serviceTableConvertor,
} from './service-tables.ts';
import { defaultTableConvertor, type TableConvertor } from './table-convertor.ts';

const byGroupResource: ReadonlyMap<string, TableConvertor> = new Map([
  ['/pods', podTableConvertor],
  ['/podtemplates', podTemplateTableConvertor],
  ['/replicationcontrollers', replicationControllerTableConvertor],
  ['/namespaces', namespaceTableConvertor],
  ['/nodes', nodeTableConvertor],
  ['/events', eventTableConvertor],
  ['/configmaps', configMapTableConvertor],
  ['/secrets', secretTableConvertor],
  ['/serviceaccounts', serviceAccountTableConvertor],
  ['/services', serviceTableConvertor],
  ['/endpoints', endpointsTableConvertor],
  ['/persistentvolumes', persistentVolumeTableConvertor],
  ['/persistentvolumeclaims', persistentVolumeClaimTableConvertor],
  ['/resourcequotas', resourceQuotaTableConvertor],
  ['/componentstatuses', componentStatusTableConvertor],
  ['apps/deployments', deploymentTableConvertor],
  ['apps/replicasets', replicaSetTableConvertor],
  ['apps/daemonsets', daemonSetTableConvertor],
  ['apps/statefulsets', statefulSetTableConvertor],
  ['apps/controllerrevisions', controllerRevisionTableConvertor],
  ['batch/jobs', jobTableConvertor],
  ['batch/cronjobs', cronJobTableConvertor],
  ['coordination.k8s.io/leases', leaseTableConvertor],
  ['discovery.k8s.io/endpointslices', endpointSliceTableConvertor],
]);

/**
 * The convertor for a resource (any version of its group), or the default one. Pure; the API
 * server calls it once per resource when it starts.
 */
export function tableConvertorFor(def: {
  readonly group: string;
  readonly resource: string;
}): TableConvertor {
  return byGroupResource.get(`${def.group}/${def.resource}`) ?? defaultTableConvertor;
}
