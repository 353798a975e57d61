/**
 * Facts about the machine the node agent reports in its Node object (upstream gets them from
 * cadvisor and the OS): CPUs, memory, disk under the data dir, addresses and identity. Behind an
 * interface so tests can give fixed values.
 */
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import { goArch } from '../util/index.ts';

export interface MachineFacts {
  readonly hostname: string;
  readonly cpus: number;
  readonly memoryBytes: number;
  /** Size of the filesystem holding the data dir. */
  readonly ephemeralStorageBytes: number;
  /** The host's primary IPv4 address (127.0.0.1 when there is none). */
  readonly internalIP: string;
  readonly machineID: string;
  readonly systemUUID: string;
  readonly bootID: string;
  readonly kernelVersion: string;
  readonly osImage: string;
  /** Go's names: amd64, arm64, … */
  readonly architecture: string;
  readonly operatingSystem: string;
}

export interface MachineInfo {
  /** Reads the facts now (they may change: addresses, disk size). */
  read(): Promise<MachineFacts>;
}

async function readTrim(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return '';
  }
}

/** `PRETTY_NAME` from os-release, as the kubelet reports osImage. */
export function parseOsRelease(text: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  if (!m?.[1]) return 'Linux';
  return m[1].trim().replace(/^"(.*)"$/, '$1');
}

export function parseMemTotal(meminfo: string): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s+kB/m.exec(meminfo);
  return m?.[1] ? Number(m[1]) * 1024 : undefined;
}

/** The CPU limit of our own cgroup (v2 cpu.max or v1 cfs quota), in whole CPUs, if any. */
async function cgroupCpuLimit(): Promise<number | undefined> {
  const v2 = await readTrim('/sys/fs/cgroup/cpu.max');
  if (v2) {
    const [quota, period] = v2.split(/\s+/);
    if (quota && quota !== 'max' && period) return Math.ceil(Number(quota) / Number(period));
    return undefined;
  }
  const quota = Number(await readTrim('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'));
  const period = Number(await readTrim('/sys/fs/cgroup/cpu/cpu.cfs_period_us'));
  if (quota > 0 && period > 0) return Math.ceil(quota / period);
  return undefined;
}

/** The first non-internal IPv4 address, preferring the interface of the default route. */
export async function primaryIPv4(): Promise<string> {
  const route = await readTrim('/proc/net/route');
  let defaultIface: string | undefined;
  for (const line of route.split('\n').slice(1)) {
    const f = line.split(/\s+/);
    if (f[1] === '00000000' && f[7] === '00000000') {
      defaultIface = f[0];
      break;
    }
  }
  const ifaces = os.networkInterfaces();
  const pick = (name: string): string | undefined =>
    ifaces[name]?.find((a) => a.family === 'IPv4' && !a.internal)?.address;
  if (defaultIface) {
    const ip = pick(defaultIface);
    if (ip) return ip;
  }
  for (const name of Object.keys(ifaces).sort()) {
    if (/^(cni|veth|podbay|docker|br-|virbr|lo)/.test(name)) continue;
    const ip = pick(name);
    if (ip) return ip;
  }
  return '127.0.0.1';
}

/** The real machine. */
export function hostMachineInfo(opts: { dataDir: string }): MachineInfo {
  return {
    async read() {
      const [meminfo, osRelease, machineID, productUUID, bootID, cpuLimit, ip] = await Promise.all([
        readTrim('/proc/meminfo'),
        readTrim('/etc/os-release'),
        readTrim('/etc/machine-id'),
        readTrim('/sys/class/dmi/id/product_uuid'),
        readTrim('/proc/sys/kernel/random/boot_id'),
        cgroupCpuLimit(),
        primaryIPv4(),
      ]);
      let ephemeralStorageBytes = 0;
      try {
        const fs = await statfs(opts.dataDir);
        ephemeralStorageBytes = fs.blocks * fs.bsize;
      } catch {
        // No data dir yet: report 0 rather than guess.
      }
      const available = os.availableParallelism();
      return {
        hostname: os.hostname().toLowerCase(),
        cpus: cpuLimit !== undefined ? Math.max(1, Math.min(available, cpuLimit)) : available,
        memoryBytes: parseMemTotal(meminfo) ?? os.totalmem(),
        ephemeralStorageBytes,
        internalIP: ip,
        machineID,
        systemUUID: productUUID || machineID,
        bootID,
        kernelVersion: os.release(),
        osImage: parseOsRelease(osRelease),
        architecture: goArch(),
        operatingSystem: process.platform,
      };
    },
  };
}
