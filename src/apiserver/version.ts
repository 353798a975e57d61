/** What `/version` answers: the Kubernetes version we implement, and ours. */
import { readFileSync } from 'node:fs';

/** The Kubernetes API version podbay implements. */
export const kubernetesVersion = { major: '1', minor: '32', patch: '0' } as const;

let cached: Record<string, string> | undefined;

function podbayVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The `version.Info` document, e.g. gitVersion `v1.32.0+podbay-0.1.0`. */
export function versionInfo(): Record<string, string> {
  cached ??= {
    major: kubernetesVersion.major,
    minor: kubernetesVersion.minor,
    gitVersion: `v${kubernetesVersion.major}.${kubernetesVersion.minor}.${kubernetesVersion.patch}+podbay-${podbayVersion()}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
  return cached;
}
