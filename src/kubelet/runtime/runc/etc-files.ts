/**
 * The files a sandbox shares with its containers: /etc/hosts, /etc/resolv.conf and /etc/hostname,
 * with the content the kubelet and containerd give them, so tools inside a pod see what they would
 * see on a real cluster.
 */
import type { DnsConfig, PodSandboxConfig } from '../types.ts';

/**
 * The kubelet's managed hosts file: the localhost block, the pod's own address(es) with its hostname
 * (and FQDN first when it has a subdomain), then the pod's hostAliases, one line per IP.
 */
export function podHostsFile(config: PodSandboxConfig, ips: readonly string[]): string {
  let out = '# Kubernetes-managed hosts file.\n';
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of ips) {
    out +=
      config.hostDomain !== undefined && config.hostDomain !== ''
        ? `${ip}\t${config.hostname}.${config.hostDomain}\t${config.hostname}\n`
        : `${ip}\t${config.hostname}\n`;
  }
  return out + hostAliasesBlock(config);
}

/** For hostNetwork pods: the node's own hosts file, with the pod's hostAliases after it. */
export function hostNetworkHostsFile(config: PodSandboxConfig, nodeHosts: string): string {
  const base = nodeHosts === '' || nodeHosts.endsWith('\n') ? nodeHosts : `${nodeHosts}\n`;
  return base + hostAliasesBlock(config);
}

function hostAliasesBlock(config: PodSandboxConfig): string {
  if (config.hostAliases.length === 0) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const alias of config.hostAliases) {
    out += `${alias.ip}\t${alias.hostnames.join('\t')}\n`;
  }
  return out;
}

/** resolv.conf from the pod's DNS config, in the order containerd writes it. */
export function resolvConf(dns: DnsConfig): string {
  let out = '';
  if (dns.searches.length > 0) out += `search ${dns.searches.join(' ')}\n`;
  for (const server of dns.servers) out += `nameserver ${server}\n`;
  if (dns.options.length > 0) out += `options ${dns.options.join(' ')}\n`;
  return out;
}

export function hostnameFile(hostname: string): string {
  return `${hostname}\n`;
}
