/**
 * A container's environment as the kubelet builds it (upstream makeEnvironmentVariables): envFrom
 * first (ConfigMaps and Secrets, with their prefix; keys that are not valid names are skipped),
 * then env in order, where a `value` may refer to variables defined before it with `$(VAR)`, and
 * `valueFrom` reads the downward API (fieldRef, resourceFieldRef) or a ConfigMap/Secret key.
 *
 * A missing ConfigMap, Secret or key that is not optional fails with the message the container's
 * CreateContainerConfigError shows. Service link variables (enableServiceLinks) are not made yet.
 */
import type { ConfigMap, Container, EnvVar, Pod, Secret } from '../api/index.ts';
import { Quantity, goQuote, isRelaxedEnvVarName } from '../api/index.ts';
import { expand, mappingFuncFor } from './expansion.ts';
import { quantityOf } from './resources.ts';

export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

export interface EnvSources {
  /** Undefined when it does not exist; other failures throw. */
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
}

export interface EnvContext {
  readonly pod: Pod;
  readonly container: Container;
  readonly podIPs: readonly string[];
  readonly hostIPs: readonly string[];
  /** Node allocatable, the default of a resourceFieldRef limit the container does not set. */
  readonly nodeAllocatable: Readonly<Record<string, string>>;
  readonly sources: EnvSources;
  /** Told about envFrom keys that were skipped (an event upstream). */
  readonly onSkippedKeys?: (message: string) => void;
}

/** Upstream fieldpath.FormatMap: sorted `key="value"` lines, values quoted as Go's %q does. */
function formatMap(m: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m?.[k] ?? '')}`)
    .join('\n');
}

/** Upstream ExtractFieldPathAsString with the kubelet's extra status and spec fields. */
export function podFieldValue(
  fieldPath: string,
  pod: Pod,
  podIPs: readonly string[],
  hostIPs: readonly string[],
): string {
  const m = pod.metadata;
  switch (fieldPath) {
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIPs[0] ?? '';
    case 'status.hostIPs':
      return hostIPs.join(',');
    case 'status.podIP':
      return podIPs[0] ?? '';
    case 'status.podIPs':
      return podIPs.join(',');
    case 'metadata.name':
      return m?.name ?? '';
    case 'metadata.namespace':
      return m?.namespace ?? '';
    case 'metadata.uid':
      return m?.uid ?? '';
    case 'metadata.labels':
      return formatMap(m?.labels);
    case 'metadata.annotations':
      return formatMap(m?.annotations);
  }
  const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (sub) {
    const map = sub[1] === 'labels' ? m?.labels : m?.annotations;
    return map?.[sub[2] ?? ''] ?? '';
  }
  throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
}

/** Upstream ExtractContainerResourceValue, with limits defaulting to node allocatable. */
export function containerResourceValue(
  resource: string,
  divisorText: string | undefined,
  container: Container,
  nodeAllocatable: Readonly<Record<string, string>>,
): string {
  let divisor = divisorText ? Quantity.tryParse(divisorText) : Quantity.one;
  if (!(divisor instanceof Quantity) || divisor.isZero()) divisor = Quantity.one;
  const [kind, name] = resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || name === undefined) {
    throw new ContainerConfigError(`unsupported container resource : ${resource}`);
  }
  const list = container.resources?.[kind];
  let q = quantityOf(list, name);
  if (kind === 'limits' && list?.[name] === undefined) q = quantityOf(nodeAllocatable, name);
  const d = divisor;
  switch (name) {
    case 'cpu':
      return String(Math.ceil(Number(q.milliValue()) / Number(d.milliValue())));
    case 'memory':
    case 'ephemeral-storage':
      return String(Math.ceil(Number(q.value()) / Number(d.value())));
    default:
      if (name.startsWith('hugepages-')) {
        return String(Math.ceil(Number(q.value()) / Number(d.value())));
      }
      throw new ContainerConfigError(`unsupported container resource : ${resource}`);
  }
}

function secretValue(secret: Secret, key: string): string | undefined {
  const data = secret.data?.[key];
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

/** The container's variables, in order, names unique (a later one replaces an earlier one). */
export async function makeEnvironmentVariables(ctx: EnvContext): Promise<EnvVar[]> {
  const { pod, container } = ctx;
  const ns = pod.metadata?.namespace ?? '';
  const tmp = new Map<string, string>();
  const configMaps = new Map<string, ConfigMap | undefined>();
  const secrets = new Map<string, Secret | undefined>();
  const configMap = async (name: string): Promise<ConfigMap | undefined> => {
    if (!configMaps.has(name)) configMaps.set(name, await ctx.sources.getConfigMap(ns, name));
    return configMaps.get(name);
  };
  const secret = async (name: string): Promise<Secret | undefined> => {
    if (!secrets.has(name)) secrets.set(name, await ctx.sources.getSecret(ns, name));
    return secrets.get(name);
  };

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let entries: [string, string][] = [];
    let what = '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await configMap(name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      entries = Object.entries(cm.data ?? {});
      what = `configMap ${ns}/${name}`;
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = await secret(name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      entries = Object.keys(s.data ?? {}).map((k) => [k, secretValue(s, k) ?? '']);
      what = `secret ${ns}/${name}`;
    }
    const invalid: string[] = [];
    for (const [k, v] of entries) {
      const key = prefix + k;
      // Kubernetes 1.32 (RelaxedEnvironmentVariableValidation, on by default) takes any printable
      // ASCII name but '='; API validation of keys and prefixes makes a skip all but impossible.
      if (isRelaxedEnvVarName(key).length > 0) {
        invalid.push(key);
        continue;
      }
      tmp.set(key, v);
    }
    if (invalid.length) {
      invalid.sort();
      ctx.onSkippedKeys?.(
        `Keys [${invalid.join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  for (const env of container.env ?? []) {
    let value: string | undefined;
    if (env.value !== undefined && env.value !== '') {
      value = expand(env.value, mappingFuncFor(tmp));
    } else if (env.valueFrom) {
      const from = env.valueFrom;
      if (from.fieldRef) {
        value = podFieldValue(from.fieldRef.fieldPath, pod, ctx.podIPs, ctx.hostIPs);
      } else if (from.resourceFieldRef) {
        const targetName = from.resourceFieldRef.containerName || container.name;
        const target =
          [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
            (c) => c.name === targetName,
          ) ?? container;
        value = containerResourceValue(
          from.resourceFieldRef.resource,
          from.resourceFieldRef.divisor,
          target,
          ctx.nodeAllocatable,
        );
      } else if (from.configMapKeyRef) {
        const { name = '', key, optional } = from.configMapKeyRef;
        const cm = await configMap(name);
        if (!cm) {
          if (optional) continue;
          throw new ContainerConfigError(`configmap "${name}" not found`);
        }
        value = cm.data?.[key];
        if (value === undefined) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
        }
      } else if (from.secretKeyRef) {
        const { name = '', key, optional } = from.secretKeyRef;
        const s = await secret(name);
        if (!s) {
          if (optional) continue;
          throw new ContainerConfigError(`secret "${name}" not found`);
        }
        value = secretValue(s, key);
        if (value === undefined) {
          if (optional) continue;
          throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
        }
      }
    }
    tmp.set(env.name, value ?? '');
  }
  return [...tmp].map(([name, value]) => ({ name, value }));
}
