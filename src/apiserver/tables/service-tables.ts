/**
 * Tables of services and where they send traffic (upstream printers, v1.32): services,
 * endpoints and endpointslices.
 */
import type { EndpointSlice, Endpoints, Service } from '../../api/index.ts';
import {
  ageColumn,
  column,
  compareStrings,
  formatLabels,
  joinHostPort,
  listWithMore,
} from './cell-format.ts';
import { translateTimestampSince } from './human-duration.ts';
import { nameColumn, typedTableConvertor } from './table-convertor.ts';

// ---- services --------------------------------------------------------------------------------

/**
 * EXTERNAL-IP: the external IPs of a ClusterIP or NodePort service (`<none>` without any); for a
 * LoadBalancer the addresses of its load balancer then its external IPs (`<pending>` while it has
 * neither); for an ExternalName service the name it points at.
 */
export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec;
  const externalIPs = spec?.externalIPs ?? [];
  switch (spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc);
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    case undefined:
      break;
  }
  return '<unknown>';
}

/** The load balancer's ingress points (IP, else host name), each once, sorted. */
function loadBalancerAddresses(svc: Service): string[] {
  const ingress = svc.status?.loadBalancer?.ingress;
  if (!ingress) return [];
  const set = new Set<string>();
  for (const i of ingress) {
    const addr = i.ip || i.hostname;
    if (addr) set.add(addr);
  }
  return [...set].sort(compareStrings);
}

/** PORT(S): `80/TCP`, `80:30080/TCP` with a node port, comma-separated; `<none>` for none. */
export function servicePorts(svc: Service): string {
  const ports = svc.spec?.ports;
  if (!ports || ports.length === 0) return '<none>';
  let out = '';
  for (const p of ports) {
    if (out) out += ',';
    const protocol = p.protocol ?? '';
    out += p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
  }
  return out;
}

export const serviceTableConvertor = typedTableConvertor<Service>(
  [
    nameColumn,
    column('Type', 'string', 'ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The virtual IP of the service inside the cluster.'),
    column('External-IP', 'string', 'Where the service is reachable from outside the cluster.'),
    column('Port(s)', 'string', 'The ports of the service, with node ports where it has any.'),
    ageColumn,
    column('Selector', 'string', 'The labels of the pods the service sends traffic to.', {
      priority: 1,
    }),
  ],
  (svc, now) => [
    svc.metadata?.name ?? '',
    svc.spec?.type ?? '',
    svc.spec?.clusterIPs?.[0] ?? '<none>',
    serviceExternalIP(svc),
    servicePorts(svc),
    translateTimestampSince(svc.metadata?.creationTimestamp, now),
    formatLabels(svc.spec?.selector),
  ],
);

// ---- endpoints -------------------------------------------------------------------------------

const maxListed = 3;

/**
 * ENDPOINTS: the ready `ip:port` pairs (just the IPs for a subset without ports), the first three
 * and then ` + N more...`; `<none>` without subsets.
 */
export function endpointsString(ep: Endpoints): string {
  const subsets = ep.subsets;
  if (!subsets || subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === maxListed) break;
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === maxListed) break;
        list.push(joinHostPort(a.ip, port.port));
      }
    }
  }
  const joined = list.join(',');
  return count > maxListed ? `${joined} + ${count - maxListed} more...` : joined;
}

export const endpointsTableConvertor = typedTableConvertor<Endpoints>(
  [
    nameColumn,
    column('Endpoints', 'string', 'The ready addresses and ports behind the service.'),
    ageColumn,
  ],
  (ep, now) => [
    ep.metadata?.name ?? '',
    endpointsString(ep),
    translateTimestampSince(ep.metadata?.creationTimestamp, now),
  ],
);

// ---- endpoint slices -------------------------------------------------------------------------

/** PORTS: the port numbers (the name when unset, `*` when neither), at most three listed. */
export function endpointSlicePorts(slice: EndpointSlice): string {
  const ports = slice.ports ?? [];
  const list: string[] = [];
  for (const p of ports) {
    if (list.length === maxListed) break;
    list.push(p.port !== undefined ? String(p.port) : (p.name ?? '*'));
  }
  return listWithMore(list, ports.length, maxListed);
}

/** ENDPOINTS: the addresses of all endpoints, at most three listed. */
export function endpointSliceAddresses(slice: EndpointSlice): string {
  const list: string[] = [];
  let count = 0;
  for (const e of slice.endpoints) {
    for (const a of e.addresses) {
      if (list.length < maxListed) list.push(a);
      count++;
    }
  }
  return listWithMore(list, count, maxListed);
}

export const endpointSliceTableConvertor = typedTableConvertor<EndpointSlice>(
  [
    nameColumn,
    column('AddressType', 'string', 'The kind of the addresses: IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'The ports every endpoint of the slice serves.'),
    column('Endpoints', 'string', 'The addresses of the endpoints in the slice.'),
    ageColumn,
  ],
  (slice, now) => [
    slice.metadata?.name ?? '',
    slice.addressType,
    endpointSlicePorts(slice),
    endpointSliceAddresses(slice),
    translateTimestampSince(slice.metadata?.creationTimestamp, now),
  ],
);
