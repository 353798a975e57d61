/**
 * The names the API server's serving certificate must carry: every name a client may dial.
 *
 * - DNS: `localhost`, the machine hostname, and the in-cluster names of the `kubernetes` Service
 *   (`kubernetes`, `kubernetes.default`, `kubernetes.default.svc`,
 *   `kubernetes.default.svc.cluster.local`), which pods use to reach the API.
 * - IP: `127.0.0.1`, `::1`, and every non-internal interface address.
 * - plus the extra hosts given (the `--listen` host, a Service cluster IP, a public name...).
 *
 * Unspecified addresses (`0.0.0.0`, `::`) are skipped: a client never dials them, and listening on
 * them is covered by the interface addresses.
 */
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';

export interface ServingNames {
  dnsNames: string[];
  ipAddresses: string[];
}

export interface ServingNamesInput {
  /** Extra host names or IP addresses (IPv6 with or without brackets). */
  hosts?: readonly string[];
  /** The machine's host name; defaults to `os.hostname()`. */
  hostname?: string;
  /** The machine's interfaces; defaults to `os.networkInterfaces()`. */
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

const CLUSTER_DNS_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

/** Letters, digits, `-`, `_`, `.` and a leading `*.` wildcard label: what a dNSName SAN may hold. */
const DNS_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** The canonical text of an IP address (`::1`, not `0:0:0:0:0:0:0:1`), for de-duplication. */
export function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

/** Classifies and normalises the wanted names. Names that cannot be SANs go to `rejected`. */
export function servingNames(input: ServingNamesInput = {}): ServingNames & { rejected: string[] } {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  const rejected: string[] = [];
  const add = (raw: string): void => {
    const host = raw.trim().replace(/^\[(.*)\]$/, '$1');
    if (host === '') return;
    if (isIP(host) !== 0) {
      const ip = canonicalIp(host.replace(/%.*$/, '')); // a SAN has no IPv6 zone

      if (ip !== '0.0.0.0' && ip !== '::') ips.add(ip);
      return;
    }
    const name = host.toLowerCase().replace(/\.$/, '');
    if (DNS_NAME.test(name) && name.length <= 253) dns.add(name);
    else rejected.push(raw);
  };
  add(input.hostname ?? hostname());
  for (const name of CLUSTER_DNS_NAMES) dns.add(name);
  for (const addrs of Object.values(input.interfaces ?? networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.internal) add(a.address);
  }
  for (const h of input.hosts ?? []) add(h);
  return { dnsNames: [...dns], ipAddresses: [...ips], rejected };
}
