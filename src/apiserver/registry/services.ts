/**
 * Services (upstream `pkg/registry/core/service`): the API server allocates each service a virtual
 * IP from the service network (10.96.0.0/12, the first address reserved for the `kubernetes`
 * service) and a node port from 30000-32767 for NodePort and LoadBalancer services, honouring
 * addresses and ports the client asks for when they are free. An update that omits what was
 * allocated keeps it (so re-applying a manifest without clusterIP works).
 */
import type { FieldError, ResourceDef, Service, ServicePort } from '../../api/index.ts';
import { ApiError, invalid } from '../errors.ts';
import { defaultStrategy, keepStatus, type Strategy } from '../storage/strategy.ts';

export const serviceCidr = { base: ipToInt('10.96.0.0'), bits: 12, text: '10.96.0.0/12' } as const;
export const nodePortRange = { min: 30000, max: 32767 } as const;

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The address of the `kubernetes` service: the first of the range. */
export const kubernetesServiceIp = intToIp(serviceCidr.base + 1);

function inServiceRange(ip: string): boolean {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return false;
  const n = ipToInt(ip);
  const size = 2 ** (32 - serviceCidr.bits);
  return n > serviceCidr.base && n < serviceCidr.base + size - 1;
}

/** What is already taken, read from the current services. */
export interface ServiceAllocations {
  usedClusterIPs(): Set<string>;
  usedNodePorts(): Set<number>;
}

/** Hands out addresses and ports; remembers recent ones until they show up in the cache. */
class Allocator {
  private readonly pendingIps = new Map<string, number>();
  private readonly pendingPorts = new Map<number, number>();
  private readonly used: ServiceAllocations;

  constructor(used: ServiceAllocations) {
    this.used = used;
  }

  private prune(now: number): void {
    for (const [k, t] of this.pendingIps) if (now - t > 30_000) this.pendingIps.delete(k);
    for (const [k, t] of this.pendingPorts) if (now - t > 30_000) this.pendingPorts.delete(k);
  }

  ip(
    wanted: string | undefined,
    now: number,
    path: string,
    errs: FieldError[],
  ): string | undefined {
    this.prune(now);
    const used = this.used.usedClusterIPs();
    if (wanted) {
      if (!inServiceRange(wanted)) {
        errs.push({
          type: 'FieldValueInvalid',
          field: path,
          badValue: wanted,
          detail: `provided IP is not in the valid range. The range of valid IPs is ${serviceCidr.text}`,
        });
        return undefined;
      }
      if (used.has(wanted) || this.pendingIps.has(wanted)) {
        errs.push({
          type: 'FieldValueInvalid',
          field: path,
          badValue: wanted,
          detail: 'provided IP is already allocated',
        });
        return undefined;
      }
      this.pendingIps.set(wanted, now);
      return wanted;
    }
    const size = 2 ** (32 - serviceCidr.bits);
    for (let attempt = 0; attempt < 1000; attempt++) {
      // Skip the network address, the reserved first address and the broadcast address.
      const ip = intToIp(serviceCidr.base + 2 + Math.floor(Math.random() * (size - 3)));
      if (!used.has(ip) && !this.pendingIps.has(ip)) {
        this.pendingIps.set(ip, now);
        return ip;
      }
    }
    throw new ApiError(
      500,
      'InternalError',
      'Internal error occurred: failed to allocate a serviceIP: range is full',
    );
  }

  port(
    wanted: number | undefined,
    now: number,
    path: string,
    errs: FieldError[],
  ): number | undefined {
    this.prune(now);
    const used = this.used.usedNodePorts();
    if (wanted) {
      if (wanted < nodePortRange.min || wanted > nodePortRange.max) {
        errs.push({
          type: 'FieldValueInvalid',
          field: path,
          badValue: wanted,
          detail: `provided port is not in the valid range. The range of valid ports is ${nodePortRange.min}-${nodePortRange.max}`,
        });
        return undefined;
      }
      if (used.has(wanted) || this.pendingPorts.has(wanted)) {
        errs.push({
          type: 'FieldValueInvalid',
          field: path,
          badValue: wanted,
          detail: 'provided port is already allocated',
        });
        return undefined;
      }
      this.pendingPorts.set(wanted, now);
      return wanted;
    }
    const span = nodePortRange.max - nodePortRange.min + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const p = nodePortRange.min + ((start + i) % span);
      if (!used.has(p) && !this.pendingPorts.has(p)) {
        this.pendingPorts.set(p, now);
        return p;
      }
    }
    throw new ApiError(
      500,
      'InternalError',
      'Internal error occurred: failed to allocate a nodePort: range is full',
    );
  }
}

function needsNodePorts(svc: Service): boolean {
  const type = svc.spec?.type;
  return (
    type === 'NodePort' ||
    (type === 'LoadBalancer' && svc.spec?.allocateLoadBalancerNodePorts !== false)
  );
}

function allocate(svc: Service, old: Service | undefined, alloc: Allocator, now: number): void {
  const spec = (svc.spec ??= {});
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    if (old && !spec.clusterIP && !spec.clusterIPs?.length && old.spec?.clusterIP) {
      spec.clusterIP = old.spec.clusterIP;
      if (old.spec.clusterIPs) spec.clusterIPs = [...old.spec.clusterIPs];
    }
    const wanted = spec.clusterIP ?? spec.clusterIPs?.[0];
    if (wanted === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
    } else if (!old || !old.spec?.clusterIP || old.spec.clusterIP !== wanted) {
      const ip = alloc.ip(wanted || undefined, now, 'spec.clusterIPs[0]', errs);
      if (ip) {
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      }
    } else {
      spec.clusterIPs ??= [wanted];
    }
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  const ports: ServicePort[] = spec.ports ?? [];
  if (needsNodePorts(svc)) {
    const oldPorts = old?.spec?.ports ?? [];
    ports.forEach((p, i) => {
      if (!p.nodePort) {
        const prev = oldPorts.find(
          (o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
        );
        if (prev?.nodePort) {
          p.nodePort = prev.nodePort;
          return;
        }
      } else if (oldPorts.some((o) => o.nodePort === p.nodePort)) {
        return;
      }
      const port = alloc.port(p.nodePort, now, `spec.ports[${i}].nodePort`, errs);
      if (port) p.nodePort = port;
    });
  } else {
    for (const p of ports) delete p.nodePort;
  }
  if (errs.length) throw invalid('Service', '', svc.metadata?.name ?? '', errs);
}

export function serviceStrategy(
  def: ResourceDef<Service>,
  used: ServiceAllocations,
): Strategy<Service> {
  const alloc = new Allocator(used);
  return defaultStrategy(def, {
    prepareForCreate(svc, ctx) {
      svc.status = { loadBalancer: {} };
      allocate(svc, undefined, alloc, ctx.now);
    },
    prepareForUpdate(svc, old, ctx) {
      keepStatus(svc, old);
      allocate(svc, old, alloc, ctx.now);
    },
    returnsDeletedObject: true,
  });
}
