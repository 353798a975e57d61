/**
 * Services and Endpoints as upstream v1.32 validates them (`ValidateService`,
 * `ValidateServiceUpdate`, `ValidateServiceStatusUpdate`, `ValidateEndpoints`).
 *
 * Service validation runs after the API server has allocated the cluster IPs, IP families and
 * node ports (upstream allocates in `BeginCreate`, before validation) and has filled `clusterIPs`
 * from `clusterIP`. When `clusterIPs` is missing, `clusterIP` stands in for it here, so a
 * headless Service (`clusterIP: None`) validates the same either way.
 *
 * Upstream quirks kept: `spec.LoadBalancerSourceRanges` (capital L) and `allocateLoadBalancerNodePorts`
 * (without `spec.`) in paths.
 */
import type { ObjectMeta } from '../../../meta/v1.ts';
import type { ValidationContext } from '../../../scheme.ts';
import type { Endpoints, Service, ServicePort } from '../service.ts';
import {
  Path,
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
} from '../../../validation/field-errors.ts';
import { GoLiteral, goQuote, goStringSlice } from '../../../validation/go-format.ts';
import { nameIsDNSSubdomain } from '../../../validation/generic.ts';
import { isIPv4, isValidCIDR, isValidIP, parseIPSloppy } from '../../../validation/ip.ts';
import { isDNS1123Subdomain, isValidPortNum } from '../../../validation/names.ts';
import { validateLabels } from '../../../validation/object-meta.ts';
import {
  type Errs,
  list,
  map,
  metaUpdate,
  nameErrors,
  nilValue,
  str,
  validateCoreObjectMeta,
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateQualifiedName,
} from './common.ts';
import { validatePortNumOrName } from './containers.ts';

const specPath = Path.root('spec');
const protocols = ['SCTP', 'TCP', 'UDP'];
const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const affinities = ['ClientIP', 'None'];
const trafficPolicies = ['Cluster', 'Local'];
const ipFamilies = ['IPv4', 'IPv6'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const maxClientIPSeconds = 86400;
const topologyModeAnnotation = 'service.kubernetes.io/topology-mode';
const topologyHintsAnnotation = 'service.kubernetes.io/topology-aware-hints';
const sourceRangesAnnotation = 'service.beta.kubernetes.io/load-balancer-source-ranges';

type Spec = NonNullable<Service['spec']>;

/** The cluster IPs validation sees: `clusterIPs`, or `clusterIP` when the list is not filled in. */
function clusterIPsOf(spec: Spec): readonly string[] {
  const ips = list(spec.clusterIPs);
  if (ips.length === 0 && str(spec.clusterIP)) return [str(spec.clusterIP)];
  return ips;
}

function isHeadless(spec: Spec): boolean {
  const ips = clusterIPsOf(spec);
  return ips.length === 1 && ips[0] === 'None';
}

function externallyAccessible(spec: Spec): boolean {
  const t: string = str(spec.type);
  return (
    t === 'LoadBalancer' ||
    t === 'NodePort' ||
    (t === 'ClusterIP' && list(spec.externalIPs).length > 0)
  );
}

function needsHealthCheck(spec: Spec): boolean {
  return str(spec.type) === 'LoadBalancer' && str(spec.externalTrafficPolicy) === 'Local';
}

/** Go's `%#v` of the `core.ServicePort{Protocol, Port}` key upstream reports duplicates with. */
function goServicePortKey(protocol: string, port: number): GoLiteral {
  return new GoLiteral(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, ` +
      'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  );
}

/** Upstream `ValidateNonSpecialIP`: not unspecified, loopback or link-local. */
export function validateNonSpecialIP(ip: string, path: Path): Errs {
  const parsed = parseIPSloppy(ip);
  if (!parsed) return [invalid(path, ip, 'must be a valid IP address')];
  const b = parsed.bytes;
  const v4 = isIPv4(parsed);
  const errs: Errs = [];
  const allZero = v4
    ? b[12] === 0 && b[13] === 0 && b[14] === 0 && b[15] === 0
    : b.every((x) => x === 0);
  if (allZero) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  const loopback = v4 ? b[12] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  if (loopback)
    errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocal = v4
    ? b[12] === 169 && b[13] === 254
    : b[0] === 0xfe && ((b[1] ?? 0) & 0xc0) === 0x80;
  if (linkLocal)
    errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  const llMulticast = v4
    ? b[12] === 224 && b[13] === 0 && b[14] === 0
    : b[0] === 0xff && ((b[1] ?? 0) & 0x0f) === 0x02;
  if (llMulticast) {
    errs.push(
      invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'),
    );
  }
  return errs;
}

function validateServicePort(
  sp: ServicePort,
  requireName: boolean,
  names: Set<string>,
  path: Path,
): Errs {
  const errs: Errs = [];
  const name = str(sp.name);
  if (requireName && !name) errs.push(required(path.child('name')));
  else if (name) {
    errs.push(...validateDNS1123Label(name, path.child('name')));
    if (names.has(name)) errs.push(duplicate(path.child('name'), name));
    else names.add(name);
  }
  const port = (sp.port as number | undefined) ?? 0;
  for (const m of isValidPortNum(port)) errs.push(invalid(path.child('port'), port, m));
  const protocol: string = str(sp.protocol);
  if (!protocol) errs.push(required(path.child('protocol')));
  else if (!protocols.includes(protocol))
    errs.push(notSupported(path.child('protocol'), protocol, protocols));
  errs.push(...validatePortNumOrName(sp.targetPort, path.child('targetPort')));
  if (sp.appProtocol !== undefined)
    errs.push(...validateQualifiedName(sp.appProtocol, path.child('appProtocol')));
  return errs;
}

function validateClusterIPsRelatedFields(spec: Spec): Errs {
  if (str(spec.type) === 'ExternalName') return [];
  const errs: Errs = [];
  const ipsPath = specPath.child('clusterIPs');
  const ips = clusterIPsOf(spec);
  const clusterIP = str(spec.clusterIP);
  if (clusterIP) {
    if (ips.length === 0) errs.push(required(ipsPath));
    else if (ips[0] !== clusterIP)
      errs.push(invalid(ipsPath, goStringSlice(ips), 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(
      invalid(ipsPath, goStringSlice(ips), 'must be empty when `clusterIP` is not specified'),
    );
  }
  const seen = new Set<string>();
  list(spec.ipFamilies).forEach((f, i) => {
    const fam: string = f;
    if (!ipFamilies.includes(fam))
      errs.push(notSupported(specPath.child('ipFamilies').index(i), fam, ipFamilies));
    if (seen.has(fam)) errs.push(duplicate(specPath.child('ipFamilies').index(i), fam));
    seen.add(fam);
  });
  const policy: string | undefined = spec.ipFamilyPolicy;
  if (policy !== undefined && !ipFamilyPolicies.includes(policy)) {
    errs.push(notSupported(specPath.child('ipFamilyPolicy'), policy, ipFamilyPolicies));
  }
  let badIPs = false;
  for (let i = 0; i < ips.length; i++) {
    const ip = ips[i] ?? '';
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(ipsPath, goStringSlice(ips), "'None' must be the first and only value"));
      }
      continue;
    }
    const e = isValidIP(ipsPath.index(i), ip);
    if (e.length) badIPs = true;
    errs.push(...e);
  }
  if (ips.length > 2)
    errs.push(invalid(ipsPath, goStringSlice(ips), 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1) {
    const fams = ips.map((ip) => {
      const p = parseIPSloppy(ip);
      return p && isIPv4(p) ? 4 : 6;
    });
    if (!(fams.includes(4) && fams.includes(6))) {
      errs.push(
        invalid(ipsPath, goStringSlice(ips), 'may specify no more than one IP for each IP family'),
      );
    }
  }
  const families = list(spec.ipFamilies) as readonly string[];
  if (!isHeadless(spec) && ips.length > 0 && families.length > 0) {
    ips.forEach((ip, i) => {
      if (i > families.length - 1) return;
      const p = parseIPSloppy(ip);
      const v6 = !!p && !isIPv4(p);
      if (families[i] === 'IPv4' && v6) {
        errs.push(
          invalid(
            ipsPath.index(i),
            ip,
            `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
      if (families[i] === 'IPv6' && !v6) {
        errs.push(
          invalid(
            ipsPath.index(i),
            ip,
            `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``,
          ),
        );
      }
    });
  }
  return errs;
}

function validateServiceBody(svc: Service, meta: ObjectMeta | undefined): Errs {
  const errs: Errs = [];
  const spec: Spec = svc.spec ?? {};
  const a = map(meta?.annotations);
  const mode = a[topologyModeAnnotation];
  const hints = a[topologyHintsAnnotation];
  if (mode !== undefined && hints !== undefined && mode !== hints) {
    errs.push(
      invalid(
        Path.root('metadata', 'annotations').key(topologyModeAnnotation),
        mode,
        `must match annotations[${topologyHintsAnnotation}] when both are specified`,
      ),
    );
  }
  const type: string = str(spec.type);
  const ports = list(spec.ports);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName')
    errs.push(required(specPath.child('ports')));
  const ips = clusterIPsOf(spec);
  switch (type) {
    case 'LoadBalancer':
      if (headless) {
        errs.push(
          invalid(
            specPath.child('clusterIPs').index(0),
            ips[0] ?? '',
            "may not be set to 'None' for LoadBalancer services",
          ),
        );
      }
      break;
    case 'NodePort':
      if (headless) {
        errs.push(
          invalid(
            specPath.child('clusterIPs').index(0),
            ips[0] ?? '',
            "may not be set to 'None' for NodePort services",
          ),
        );
      }
      break;
    case 'ExternalName': {
      if (ips.length > 0)
        errs.push(
          forbidden(specPath.child('clusterIPs'), 'may not be set for ExternalName services'),
        );
      if (list(spec.ipFamilies).length > 0) {
        errs.push(
          forbidden(specPath.child('ipFamilies'), 'may not be set for ExternalName services'),
        );
      }
      if (spec.ipFamilyPolicy !== undefined) {
        errs.push(
          forbidden(specPath.child('ipFamilyPolicy'), 'may not be set for ExternalName services'),
        );
      }
      const name = str(spec.externalName);
      const cname = name.endsWith('.') ? name.slice(0, -1) : name;
      if (cname) errs.push(...validateDNS1123Subdomain(cname, specPath.child('externalName')));
      else errs.push(required(specPath.child('externalName')));
      break;
    }
  }
  const portsPath = specPath.child('ports');
  const names = new Set<string>();
  ports.forEach((p, i) =>
    errs.push(...validateServicePort(p, ports.length > 1, names, portsPath.index(i))),
  );
  if (spec.selector) errs.push(...validateLabels(spec.selector, specPath.child('selector')));
  const affinity: string = str(spec.sessionAffinity);
  if (!affinity) errs.push(required(specPath.child('sessionAffinity')));
  else if (!affinities.includes(affinity))
    errs.push(notSupported(specPath.child('sessionAffinity'), affinity, affinities));
  const cfgPath = specPath.child('sessionAffinityConfig');
  if (affinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    if (!cfg) errs.push(required(cfgPath, 'when session affinity type is ClientIP'));
    else if (!cfg.clientIP)
      errs.push(required(cfgPath.child('clientIP'), 'when session affinity type is ClientIP'));
    else if (cfg.clientIP.timeoutSeconds === undefined) {
      errs.push(
        required(
          cfgPath.child('clientIP').child('timeoutSeconds'),
          'when session affinity type is ClientIP',
        ),
      );
    } else {
      const t = cfg.clientIP.timeoutSeconds;
      if (t <= 0 || t > maxClientIPSeconds) {
        errs.push(
          invalid(
            cfgPath.child('clientIP').child('timeoutSeconds'),
            t,
            `must be greater than 0 and less than ${maxClientIPSeconds}`,
          ),
        );
      }
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbidden(cfgPath, 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(spec));
  list(spec.externalIPs).forEach((ip, i) => {
    const at = specPath.child('externalIPs').index(i);
    const e = isValidIP(at, ip);
    if (e.length) errs.push(...e);
    else errs.push(...validateNonSpecialIP(ip, at));
  });
  if (!type) errs.push(required(specPath.child('type')));
  else if (!serviceTypes.includes(type))
    errs.push(notSupported(specPath.child('type'), type, serviceTypes));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort)
        errs.push(
          forbidden(
            portsPath.index(i).child('nodePort'),
            "may not be used when `type` is 'ClusterIP'",
          ),
        );
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${str(p.protocol)}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(portsPath.index(i).child('nodePort'), p.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const port = (p.port as number | undefined) ?? 0;
    const key = `${str(p.protocol)}/${port}`;
    if (portKeys.has(key))
      errs.push(duplicate(portsPath.index(i), goServicePortKey(str(p.protocol), port)));
    portKeys.add(key);
  });
  const ranges = list(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    const p = specPath.child('LoadBalancerSourceRanges');
    if (type !== 'LoadBalancer')
      errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(p.index(i), r.trim())));
  } else if (a[sourceRangesAnnotation] !== undefined) {
    const p = Path.root('metadata', 'annotations').key(sourceRangesAnnotation);
    if (type !== 'LoadBalancer')
      errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = (a[sourceRangesAnnotation] ?? '').trim();
    if (val) for (const cidr of val.split(',')) errs.push(...isValidCIDR(p, cidr.trim()));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== 'LoadBalancer') {
    errs.push(
      forbidden(
        specPath.child('allocateLoadBalancerNodePorts'),
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    errs.push(required(Path.root('allocateLoadBalancerNodePorts')));
  }
  if (type === 'LoadBalancer') {
    if (spec.loadBalancerClass !== undefined) {
      errs.push(
        ...validateQualifiedName(spec.loadBalancerClass, specPath.child('loadBalancerClass')),
      );
    }
  } else if (spec.loadBalancerClass !== undefined) {
    errs.push(
      forbidden(
        specPath.child('loadBalancerClass'),
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  const etp: string = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp) {
      errs.push(
        invalid(
          specPath.child('externalTrafficPolicy'),
          etp,
          'may only be set for externally-accessible services',
        ),
      );
    }
  } else if (!etp) errs.push(required(specPath.child('externalTrafficPolicy')));
  else if (!trafficPolicies.includes(etp)) {
    errs.push(notSupported(specPath.child('externalTrafficPolicy'), etp, trafficPolicies));
  }
  const hcnp = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hcnp !== 0) {
      errs.push(
        invalid(
          specPath.child('healthCheckNodePort'),
          hcnp,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    }
  } else if (hcnp === 0) errs.push(required(specPath.child('healthCheckNodePort')));
  else
    for (const m of isValidPortNum(hcnp))
      errs.push(invalid(specPath.child('healthCheckNodePort'), hcnp, m));
  const itp: string | undefined = spec.internalTrafficPolicy;
  if (itp === undefined) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') {
      errs.push(required(specPath.child('internalTrafficPolicy')));
    }
  } else if (!trafficPolicies.includes(itp)) {
    errs.push(notSupported(specPath.child('internalTrafficPolicy'), itp, trafficPolicies));
  }
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') {
    errs.push(
      notSupported(specPath.child('trafficDistribution'), spec.trafficDistribution, [
        'PreferClose',
      ]),
    );
  }
  return errs;
}

/** A new Service (upstream `ValidateService`). */
export function validateService(svc: Service, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(svc.metadata, { namespaced: true, nameRule: 'dns1035' });
  errs.push(...validateServiceBody(svc, svc.metadata));
  return errs;
}

function validateUpgradeDowngradeClusterIPs(old: Spec, spec: Spec): Errs {
  if (str(spec.type) === 'ExternalName' || str(old.type) === 'ExternalName') return [];
  const newHeadless = isHeadless(spec);
  const oldHeadless = isHeadless(old);
  if (oldHeadless && newHeadless) return [];
  const errs: Errs = [];
  const oldIPs = clusterIPsOf(old);
  const ips = clusterIPsOf(spec);
  const p = specPath.child('clusterIPs');
  // Go prints a missing list as `[]string(nil)`, an empty one as `[]string{}`.
  const shown = goStringSlice(spec.clusterIPs ?? (ips.length ? ips : undefined));
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalid(p.index(i), shown, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0)
      errs.push(invalid(p.index(0), shown, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(invalid(p.index(0), shown, 'may not change once set'));
    }
    if (ips.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack') {
      errs.push(
        invalid(
          specPath.child('ipFamilyPolicy'),
          spec.ipFamilyPolicy ?? nilValue,
          "must be set to 'SingleStack' when releasing the secondary clusterIP",
        ),
      );
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(invalid(p.index(0), shown, 'may not change once set'));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(old: Spec, spec: Spec): Errs {
  if (str(spec.type) === 'ExternalName' || str(old.type) === 'ExternalName') return [];
  const oldHeadless = isHeadless(old);
  const newHeadless = isHeadless(spec);
  if (oldHeadless !== newHeadless || newHeadless) return [];
  const errs: Errs = [];
  const oldFams = list(old.ipFamilies) as readonly string[];
  const fams = list(spec.ipFamilies) as readonly string[];
  const p = specPath.child('ipFamilies').index(0);
  if (oldFams.length === fams.length) {
    oldFams.forEach((f, i) => {
      if (f !== fams[i]) errs.push(invalid(p, goStringSlice(fams), 'may not change once set'));
    });
  } else if (oldFams.length > fams.length) {
    if (clusterIPsOf(spec).length === 0)
      errs.push(invalid(p, goStringSlice(fams), 'primary ipFamily can not be unset'));
    if (fams.length > 0 && fams[0] !== oldFams[0]) {
      errs.push(invalid(p, goStringSlice(clusterIPsOf(spec)), 'may not change once set'));
    }
    if (fams.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack') {
      errs.push(
        invalid(
          specPath.child('ipFamilyPolicy'),
          spec.ipFamilyPolicy ?? nilValue,
          "must be set to 'SingleStack' when releasing the secondary ipFamily",
        ),
      );
    }
  } else if (oldFams.length > 0 && fams.length > 0 && fams[0] !== oldFams[0]) {
    errs.push(invalid(p, goStringSlice(clusterIPsOf(spec)), 'may not change once set'));
  }
  return errs;
}

/** An update of a Service (upstream `ValidateServiceUpdate`). */
export function validateServiceUpdate(svc: Service, old: Service, _ctx?: ValidationContext): Errs {
  const spec: Spec = svc.spec ?? {};
  const oldSpec: Spec = old.spec ?? {};
  const errs = metaUpdate(svc.metadata, old.metadata, true);
  errs.push(...validateUpgradeDowngradeClusterIPs(oldSpec, spec));
  errs.push(...validateUpgradeDowngradeIPFamilies(oldSpec, spec));
  if (
    str(oldSpec.type) === 'LoadBalancer' &&
    str(spec.type) === 'LoadBalancer' &&
    oldSpec.loadBalancerClass !== spec.loadBalancerClass
  ) {
    errs.push(
      invalid(
        specPath.child('loadBalancerClass'),
        spec.loadBalancerClass ?? nilValue,
        'may not change once set',
      ),
    );
  }
  if (
    needsHealthCheck(oldSpec) &&
    needsHealthCheck(spec) &&
    oldSpec.healthCheckNodePort !== spec.healthCheckNodePort
  ) {
    errs.push(forbidden(specPath.child('healthCheckNodePort'), 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

const ipModes = ['Proxy', 'VIP'];

/** An update through services/status (upstream `ValidateServiceStatusUpdate`). */
export function validateServiceStatusUpdate(
  svc: Service,
  old: Service,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(svc.metadata, old.metadata, true);
  const ingress = list(svc.status?.loadBalancer?.ingress);
  const p = Path.root('status', 'loadBalancer', 'ingress');
  if (str(svc.spec?.type) !== 'LoadBalancer' && ingress.length !== 0) {
    errs.push(forbidden(p, "may only be used when `spec.type` is 'LoadBalancer'"));
    return errs;
  }
  ingress.forEach((ing, i) => {
    const at = p.index(i);
    const ip = str(ing.ip);
    if (ip) errs.push(...isValidIP(at.child('ip'), ip));
    const mode: string | undefined = ing.ipMode;
    if (mode === undefined) {
      if (ip) errs.push(required(at.child('ipMode'), 'must be specified when `ip` is set'));
    } else if (!ip)
      errs.push(forbidden(at.child('ipMode'), 'may not be specified when `ip` is not set'));
    else if (!ipModes.includes(mode)) errs.push(notSupported(at.child('ipMode'), mode, ipModes));
    const hostname = str(ing.hostname);
    if (hostname) {
      for (const m of isDNS1123Subdomain(hostname))
        errs.push(invalid(at.child('hostname'), hostname, m));
      if (parseIPSloppy(hostname))
        errs.push(invalid(at.child('hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

// ---- Endpoints --------------------------------------------------------------------------------

function validateEndpointsBody(ep: Endpoints): Errs {
  const errs: Errs = [];
  const subsetsPath = Path.root('subsets');
  list(ep.subsets).forEach((ss, i) => {
    const at = subsetsPath.index(i);
    const addresses = list(ss.addresses);
    const notReady = list(ss.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) {
      errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    }
    const address = (a: (typeof addresses)[number], p: Path): void => {
      const ip = str(a.ip);
      errs.push(...isValidIP(p.child('ip'), ip));
      const hostname = str(a.hostname);
      if (hostname) errs.push(...validateDNS1123Label(hostname, p.child('hostname')));
      if (a.nodeName !== undefined)
        errs.push(...nameErrors(nameIsDNSSubdomain, a.nodeName, p.child('nodeName')));
      errs.push(...validateNonSpecialIP(ip, p.child('ip')));
    };
    addresses.forEach((a, j) => {
      address(a, at.child('addresses').index(j));
    });
    notReady.forEach((a, j) => {
      address(a, at.child('notReadyAddresses').index(j));
    });
    const ports = list(ss.ports);
    ports.forEach((port, j) => {
      const p = at.child('ports').index(j);
      const name = str(port.name);
      if (ports.length > 1 && !name) errs.push(required(p.child('name')));
      else if (name) errs.push(...validateDNS1123Label(name, p.child('name')));
      const n = (port.port as number | undefined) ?? 0;
      for (const m of isValidPortNum(n)) errs.push(invalid(p.child('port'), n, m));
      const protocol: string = str(port.protocol);
      if (!protocol) errs.push(required(p.child('protocol')));
      else if (!protocols.includes(protocol))
        errs.push(notSupported(p.child('protocol'), protocol, protocols));
      if (port.appProtocol !== undefined)
        errs.push(...validateQualifiedName(port.appProtocol, p.child('appProtocol')));
    });
  });
  return errs;
}

/** New Endpoints (upstream `ValidateEndpointsCreate`). */
export function validateEndpoints(ep: Endpoints, _ctx?: ValidationContext): Errs {
  const errs = validateCoreObjectMeta(ep.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validateEndpointsBody(ep));
  return errs;
}

/** An update of Endpoints (upstream `ValidateEndpointsUpdate`). */
export function validateEndpointsUpdate(
  ep: Endpoints,
  old: Endpoints,
  _ctx?: ValidationContext,
): Errs {
  const errs = metaUpdate(ep.metadata, old.metadata, true);
  errs.push(...validateEndpoints(ep));
  return errs;
}
