/**
 * The limits the kubelet holds a pod's resolv.conf to (upstream formDNSConfigFitsLimits, with
 * ExpandedDNSConfig, GA since 1.28): at most 3 nameservers; at most 32 search domains, none over
 * 253 characters, and a search line of at most 2048 characters, cut from the end. Whatever is cut
 * is reported as a DNSConfigForming warning event with upstream's words.
 */
import type { DnsConfig } from './runtime/types.ts';

export const maxDNSNameservers = 3;
export const maxDNSSearchPaths = 32;
export const maxDNSSearchListChars = 2048;
const maxSearchDomainLength = 253;

/** The config cut to the limits, and the DNSConfigForming messages for what was cut. */
export function formDNSConfigFitsLimits(dns: DnsConfig): { dns: DnsConfig; warnings: string[] } {
  const warnings: string[] = [];
  let servers = [...dns.servers];
  if (servers.length > maxDNSNameservers) {
    servers = servers.slice(0, maxDNSNameservers);
    warnings.push(
      `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${servers.join(' ')}`,
    );
  }
  let exceeded = false;
  let searches = [...dns.searches];
  if (searches.length > maxDNSSearchPaths) {
    searches = searches.slice(0, maxDNSSearchPaths);
    exceeded = true;
  }
  // Some resolvers (glibc 2.28) abort on a search domain over 255 characters.
  const fitting = searches.filter((s) => s.length <= maxSearchDomainLength);
  if (fitting.length !== searches.length) exceeded = true;
  searches = fitting;
  let lineLength = searches.join(' ').length;
  while (lineLength > maxDNSSearchListChars && searches.length > 0) {
    lineLength -= (searches.pop()?.length ?? 0) + 1;
    exceeded = true;
  }
  if (exceeded) {
    warnings.push(
      `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(' ')}`,
    );
  }
  return { dns: { servers, searches, options: [...dns.options] }, warnings };
}
