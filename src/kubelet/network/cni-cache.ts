/**
 * The result cache, in libcni's format (`kind: cniCacheV1`; `config` is the conflist's bytes in
 * base64, as Go encodes []byte): what ADD returned, with the configuration and capability arguments
 * it ran with. DEL and CHECK feed the cached result to the plugins as prevResult and reuse the
 * cached config and port mappings, so teardown after a restart undoes exactly what was set up.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { resultCachePath } from './cni-config.ts';
import { isCniResult, type CniNetworkConfigList, type CniResult } from './cni-types.ts';
import { localFs } from '../../util/index.ts';

// Small JSON files under DATA_DIR: synchronous underneath (util/local-fs.ts says why).
const { mkdir, readFile, writeFileAtomic } = localFs;

export interface CachedAttachment {
  readonly containerId: string;
  readonly ifName: string;
  readonly networkName: string;
  readonly config: CniNetworkConfigList;
  readonly cniArgs: readonly (readonly [string, string])[];
  readonly capabilityArgs: Readonly<Record<string, unknown>>;
  readonly result: CniResult;
  /** Ours (libcni ignores unknown keys): the netns the ADD ran in. */
  readonly netns: string;
}

interface CacheFile {
  kind: 'cniCacheV1';
  containerId: string;
  config: string;
  ifName: string;
  networkName: string;
  cniArgs?: [string, string][];
  capabilityArgs?: Record<string, unknown>;
  result?: unknown;
  netns?: string;
}

export class ResultCache {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  private file(networkName: string, containerId: string, ifName: string): string {
    return resultCachePath(this.dir, networkName, containerId, ifName);
  }

  async write(entry: CachedAttachment): Promise<void> {
    const body: CacheFile = {
      kind: 'cniCacheV1',
      containerId: entry.containerId,
      config: Buffer.from(JSON.stringify(entry.config)).toString('base64'),
      ifName: entry.ifName,
      networkName: entry.networkName,
      cniArgs: entry.cniArgs.map(([k, v]) => [k, v]),
      capabilityArgs: { ...entry.capabilityArgs },
      result: entry.result,
      netns: entry.netns,
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.file(entry.networkName, entry.containerId, entry.ifName);
    await writeFileAtomic(target, JSON.stringify(body), 0o600);
  }

  /** The cached attachment, or undefined when there is none (or it cannot be read). */
  async read(
    networkName: string,
    containerId: string,
    ifName: string,
  ): Promise<CachedAttachment | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.file(networkName, containerId, ifName), 'utf8');
    } catch {
      return undefined;
    }
    let parsed: Partial<CacheFile>;
    try {
      parsed = JSON.parse(raw) as Partial<CacheFile>;
    } catch {
      return undefined;
    }
    if (
      parsed.kind !== 'cniCacheV1' ||
      typeof parsed.config !== 'string' ||
      !isCniResult(parsed.result)
    ) {
      return undefined;
    }
    let config: CniNetworkConfigList;
    try {
      config = JSON.parse(
        Buffer.from(parsed.config, 'base64').toString('utf8'),
      ) as CniNetworkConfigList;
    } catch {
      return undefined;
    }
    if (!Array.isArray(config.plugins)) return undefined;
    return {
      containerId,
      ifName,
      networkName,
      config,
      cniArgs: parsed.cniArgs ?? [],
      capabilityArgs: parsed.capabilityArgs ?? {},
      result: parsed.result,
      netns: parsed.netns ?? '',
    };
  }

  async remove(networkName: string, containerId: string, ifName: string): Promise<void> {
    await rm(this.file(networkName, containerId, ifName), { force: true });
  }

  /** The directory, for callers that list it. */
  get path(): string {
    return path.resolve(this.dir);
  }
}
