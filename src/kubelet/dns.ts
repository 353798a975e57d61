/**
 * A pod's resolv.conf from its dnsPolicy and dnsConfig (upstream kubelet/network/dns/dns.go):
 *   - None: only what dnsConfig says;
 *   - Default: the node's resolv.conf;
 *   - ClusterFirst (and ClusterFirstWithHostNet): the cluster DNS servers with the
 *     `<ns>.svc.<domain>`, `svc.<domain>`, `<domain>` searches and `ndots:5`; a hostNetwork pod
 *     with plain ClusterFirst uses the node's resolv.conf instead.
 * With no cluster DNS configured (podbay runs none yet), ClusterFirst falls back to Default and
 * the kubelet reports a MissingClusterDNS warning, exactly as upstream's kubelet does when
 * started without --cluster-dns. dnsConfig is then merged in (servers and searches appended
 * without duplicates, options replaced by name), and the result is cut to upstream's limits
 * (dns-limits.ts).
 */
import type { Pod } from '../api/index.ts';
import { formDNSConfigFitsLimits } from './dns-limits.ts';
import type { DnsConfig } from './runtime/types.ts';
import { formatPod } from './pod-actions.ts';

export function parseResolvConf(text: string): DnsConfig {
  const servers: string[] = [];
  let searches: string[] = [];
  const options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const fields = line.split(/\s+/).filter(Boolean);
    const [key, ...rest] = fields;
    if (key === 'nameserver' && rest[0]) servers.push(rest[0]);
    else if (key === 'search') {
      // The last search line wins, as in glibc.
      searches = rest.map((s) => s.replace(/\.$/, ''));
    } else if (key === 'options') options.push(...rest);
  }
  return { servers, searches, options: mergeOptions([], options) };
}

function optionName(o: string): string {
  return o.split(':', 1)[0] ?? o;
}

/** Later options replace earlier ones of the same name. */
function mergeOptions(base: readonly string[], extra: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const o of [...base, ...extra]) byName.set(optionName(o), o);
  return [...byName.values()];
}

function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

export interface PodDNSOptions {
  /** Cluster DNS server IPs; empty: none configured. */
  readonly clusterDNS: readonly string[];
  readonly clusterDomain: string;
  /** The node's resolv.conf. */
  readonly host: DnsConfig;
}

export interface PodDNSResult {
  readonly dns: DnsConfig;
  /** Set when ClusterFirst fell back to the node's resolv.conf (a MissingClusterDNS event). */
  readonly missingClusterDNS?: string;
  /** What the limits cut (DNSConfigForming events), see dns-limits.ts. */
  readonly dnsConfigForming?: readonly string[];
}

export function podDNSConfig(pod: Pod, opts: PodDNSOptions): PodDNSResult {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const hostNetwork = Boolean(pod.spec?.hostNetwork);
  let type: 'none' | 'host' | 'cluster';
  if (policy === 'None') type = 'none';
  else if (policy === 'ClusterFirstWithHostNet') type = 'cluster';
  else if (policy === 'ClusterFirst') type = hostNetwork ? 'host' : 'cluster';
  else type = 'host';

  let missingClusterDNS: string | undefined;
  if (type === 'cluster' && opts.clusterDNS.length === 0) {
    missingClusterDNS = `pod: "${formatPod(pod)}". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;
    type = 'host';
  }

  let dns: DnsConfig;
  if (type === 'none') dns = { servers: [], searches: [], options: [] };
  else if (type === 'host') dns = opts.host;
  else {
    const ns = pod.metadata?.namespace ?? 'default';
    const d = opts.clusterDomain;
    dns = {
      servers: [...opts.clusterDNS],
      searches: dedupe([`${ns}.svc.${d}`, `svc.${d}`, d, ...opts.host.searches]),
      options: ['ndots:5'],
    };
  }

  const extra = pod.spec?.dnsConfig;
  if (extra) {
    dns = {
      servers: dedupe([...dns.servers, ...(extra.nameservers ?? [])]),
      searches: dedupe([...dns.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(
        dns.options,
        (extra.options ?? []).map((o) =>
          o.value !== undefined ? `${o.name ?? ''}:${o.value}` : (o.name ?? ''),
        ),
      ),
    };
  }
  const fitted = formDNSConfigFitsLimits(dns);
  return {
    dns: fitted.dns,
    ...(missingClusterDNS ? { missingClusterDNS } : {}),
    ...(fitted.warnings.length > 0 ? { dnsConfigForming: fitted.warnings } : {}),
  };
}
