/**
 * What configMap, secret, downwardAPI and projected volumes hold: the files (path → bytes and mode)
 * the atomic writer puts on disk, built as upstream's MakePayload / CollectData build them.
 *
 *   configMap   every key of data and binaryData, or only `items` (key → path, per-item mode);
 *               a missing key fails unless the volume is optional; a missing ConfigMap fails
 *               (`configmap "x" not found`) unless optional, which gives an empty volume
 *   secret      the same over the Secret's data
 *   downwardAPI each item a pod field (metadata.name/namespace/uid/labels/annotations, or one
 *               label or annotation) or a container's resource (request, or limit defaulting to
 *               the node's allocatable) divided by `divisor`; every failing item is reported
 *   projected   the sources above in order (later files win), with the volume's defaultMode;
 *               serviceAccountToken is refused: podbay has no token issuer for pods yet
 *
 * Modes default to the volume's defaultMode, and to 0644 when even that is unset.
 */
import type {
  ConfigMap,
  DownwardAPIVolumeFile,
  KeyToPath,
  Pod,
  Secret,
  Volume,
  VolumeProjection,
} from '../../api/index.ts';
import { isAbortError } from '../../util/index.ts';
import { containerResourceValue, podFieldValue } from '../env.ts';
import type { FileProjection } from './atomic-writer.ts';
import type { VolumeSourceProvider } from './types.ts';

export const defaultVolumeMode = 0o644;

/** Several failures as one message, as upstream's utilerrors aggregate prints them. */
export class AggregateVolumeError extends Error {
  override readonly name = 'AggregateVolumeError';
  readonly errors: readonly Error[];
  constructor(errors: readonly Error[]) {
    const msgs = [...new Set(errors.map((e) => e.message))];
    super(msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`);
    this.errors = errors;
  }
}

function throwAll(errors: Error[]): void {
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new AggregateVolumeError(errors);
}

function modeOf(itemMode: number | undefined, defaultMode: number | undefined): number {
  return itemMode ?? defaultMode ?? defaultVolumeMode;
}

/** Upstream configmap.MakePayload: `data` as UTF-8, `binaryData` as its bytes. */
export function configMapPayload(
  items: readonly KeyToPath[] | undefined,
  cm: ConfigMap,
  defaultMode: number | undefined,
  optional: boolean,
): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  const mode = modeOf(undefined, defaultMode);
  const value = (key: string): Uint8Array | undefined => {
    const s = cm.data?.[key];
    if (s !== undefined) return Buffer.from(s, 'utf8');
    const b = cm.binaryData?.[key];
    return b !== undefined ? Buffer.from(b, 'base64') : undefined;
  };
  if (!items || items.length === 0) {
    for (const [key, s] of Object.entries(cm.data ?? {})) {
      out.set(key, { data: Buffer.from(s, 'utf8'), mode });
    }
    // Validation keeps binaryData keys apart from data keys; data wins if not.
    for (const [key, b] of Object.entries(cm.binaryData ?? {})) {
      if (!out.has(key)) out.set(key, { data: Buffer.from(b, 'base64'), mode });
    }
    return out;
  }
  for (const ktp of items) {
    const data = value(ktp.key);
    if (data === undefined) {
      if (optional) continue;
      throw new Error(`configmap references non-existent config key: ${ktp.key}`);
    }
    out.set(ktp.path, { data, mode: modeOf(ktp.mode, defaultMode) });
  }
  return out;
}

/** Upstream secret.MakePayload. */
export function secretPayload(
  items: readonly KeyToPath[] | undefined,
  secret: Secret,
  defaultMode: number | undefined,
  optional: boolean,
): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  const data = secret.data ?? {};
  if (!items || items.length === 0) {
    for (const [key, b64] of Object.entries(data)) {
      out.set(key, { data: Buffer.from(b64, 'base64'), mode: modeOf(undefined, defaultMode) });
    }
    return out;
  }
  for (const ktp of items) {
    const b64 = data[ktp.key];
    if (b64 === undefined) {
      if (optional) continue;
      throw new Error(`references non-existent secret key: ${ktp.key}`);
    }
    out.set(ktp.path, { data: Buffer.from(b64, 'base64'), mode: modeOf(ktp.mode, defaultMode) });
  }
  return out;
}

/** The pod fields a downward API volume may hold (upstream ExtractFieldPathAsString). */
function volumeFieldValue(fieldPath: string, pod: Pod): string {
  if (!fieldPath.startsWith('metadata.')) throw new Error(`unsupported fieldPath: ${fieldPath}`);
  return podFieldValue(fieldPath, pod, [], []);
}

/** Map-valued fields are `key="value"` lines; upstream sorts the lines once more. */
function sortLines(v: string): string {
  return v
    .split('\n')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join('\n');
}

/** Upstream downwardapi.CollectData; every failing item is reported, in one message. */
export function downwardAPIPayload(
  items: readonly DownwardAPIVolumeFile[] | undefined,
  pod: Pod,
  defaultMode: number | undefined,
  nodeAllocatable: Readonly<Record<string, string>>,
): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  const errors: Error[] = [];
  for (const item of items ?? []) {
    const mode = modeOf(item.mode, defaultMode);
    let value = '';
    try {
      if (item.fieldRef) {
        value = sortLines(volumeFieldValue(item.fieldRef.fieldPath, pod));
      } else if (item.resourceFieldRef) {
        const ref = item.resourceFieldRef;
        const name = ref.containerName ?? '';
        const container = [
          ...(pod.spec?.containers ?? []),
          ...(pod.spec?.initContainers ?? []),
        ].find((c) => c.name === name);
        if (!container) throw new Error(`container ${name} not found`);
        value = containerResourceValue(ref.resource, ref.divisor, container, nodeAllocatable);
      }
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
      continue;
    }
    out.set(item.path, { data: Buffer.from(value, 'utf8'), mode });
  }
  throwAll(errors);
  return out;
}

async function configMapOf(
  sources: VolumeSourceProvider,
  namespace: string,
  name: string,
  optional: boolean,
  signal: AbortSignal | undefined,
): Promise<ConfigMap> {
  const cm = await sources.getConfigMap(namespace, name, signal);
  if (cm) return cm;
  if (optional) return { metadata: { name, namespace } };
  throw new Error(`configmap "${name}" not found`);
}

async function secretOf(
  sources: VolumeSourceProvider,
  namespace: string,
  name: string,
  optional: boolean,
  signal: AbortSignal | undefined,
): Promise<Secret> {
  const s = await sources.getSecret(namespace, name, signal);
  if (s) return s;
  if (optional) return { metadata: { name, namespace } };
  throw new Error(`secret "${name}" not found`);
}

/** The volume kinds this module builds payloads for. */
export type ApiDataVolumeKind = 'configMap' | 'secret' | 'downwardAPI' | 'projected';

export function apiDataVolumeKind(v: Volume): ApiDataVolumeKind | undefined {
  if (v.configMap) return 'configMap';
  if (v.secret) return 'secret';
  if (v.downwardAPI) return 'downwardAPI';
  if (v.projected) return 'projected';
  return undefined;
}

async function projectedPayload(
  projections: readonly VolumeProjection[],
  defaultMode: number | undefined,
  pod: Pod,
  sources: VolumeSourceProvider,
  signal: AbortSignal | undefined,
): Promise<Map<string, FileProjection>> {
  const ns = pod.metadata?.namespace ?? '';
  const out = new Map<string, FileProjection>();
  const errors: Error[] = [];
  const add = (m: Map<string, FileProjection>): void => {
    for (const [k, v] of m) out.set(k, v);
  };
  for (const src of projections) {
    try {
      if (src.configMap) {
        const optional = src.configMap.optional === true;
        const cm = await configMapOf(sources, ns, src.configMap.name ?? '', optional, signal);
        add(configMapPayload(src.configMap.items, cm, defaultMode, optional));
      } else if (src.secret) {
        const optional = src.secret.optional === true;
        const s = await secretOf(sources, ns, src.secret.name ?? '', optional, signal);
        add(secretPayload(src.secret.items, s, defaultMode, optional));
      } else if (src.downwardAPI) {
        add(
          downwardAPIPayload(
            src.downwardAPI.items,
            pod,
            defaultMode,
            sources.nodeAllocatable?.() ?? {},
          ),
        );
      } else if (src.serviceAccountToken) {
        throw new Error(
          `cannot project a service account token to ${src.serviceAccountToken.path}: this node cannot issue service account tokens yet`,
        );
      } else if (src.clusterTrustBundle) {
        throw new Error(
          `cannot project ClusterTrustBundles to ${src.clusterTrustBundle.path}: the ClusterTrustBundleProjection feature is not supported`,
        );
      }
    } catch (err) {
      if (isAbortError(err)) throw err;
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  throwAll(errors);
  return out;
}

/**
 * The files of an API-data volume of `pod`. Errors carry the message that follows
 * `MountVolume.SetUp failed for volume "v" : `.
 */
export async function makeVolumePayload(
  v: Volume,
  pod: Pod,
  sources: VolumeSourceProvider,
  signal?: AbortSignal,
): Promise<Map<string, FileProjection>> {
  const ns = pod.metadata?.namespace ?? '';
  if (v.configMap) {
    const optional = v.configMap.optional === true;
    const cm = await configMapOf(sources, ns, v.configMap.name ?? '', optional, signal);
    return configMapPayload(v.configMap.items, cm, v.configMap.defaultMode, optional);
  }
  if (v.secret) {
    const optional = v.secret.optional === true;
    const s = await secretOf(sources, ns, v.secret.secretName ?? '', optional, signal);
    return secretPayload(v.secret.items, s, v.secret.defaultMode, optional);
  }
  if (v.downwardAPI) {
    return downwardAPIPayload(
      v.downwardAPI.items,
      pod,
      v.downwardAPI.defaultMode,
      sources.nodeAllocatable?.() ?? {},
    );
  }
  if (v.projected) {
    return projectedPayload(
      v.projected.sources ?? [],
      v.projected.defaultMode,
      pod,
      sources,
      signal,
    );
  }
  throw new Error(`volume "${v.name}" is not a configMap, secret, downwardAPI or projected volume`);
}
