/**
 * The ConfigMaps and Secrets a pod uses, by name in its namespace (upstream podutil's
 * VisitPodConfigmapNames / VisitPodSecretNames, for the sources this node serves): env valueFrom
 * and envFrom of every container (init, regular, ephemeral), configMap/secret volumes, projected
 * volume sources, and image pull secrets.
 */
import type { Container, Pod } from '../../api/index.ts';

type EnvHolder = Pick<Container, 'env' | 'envFrom'>;

function containersOf(pod: Pod): EnvHolder[] {
  const spec = pod.spec;
  return [
    ...(spec?.initContainers ?? []),
    ...(spec?.containers ?? []),
    ...(spec?.ephemeralContainers ?? []),
  ];
}

function add(set: Set<string>, name: string | undefined): void {
  if (name) set.add(name);
}

/** Names of the ConfigMaps `pod` refers to. */
export function podConfigMapNames(pod: Pod): Set<string> {
  const out = new Set<string>();
  for (const c of containersOf(pod)) {
    for (const from of c.envFrom ?? []) add(out, from.configMapRef?.name);
    for (const e of c.env ?? []) add(out, e.valueFrom?.configMapKeyRef?.name);
  }
  for (const v of pod.spec?.volumes ?? []) {
    add(out, v.configMap?.name);
    for (const s of v.projected?.sources ?? []) add(out, s.configMap?.name);
  }
  return out;
}

/** Names of the Secrets `pod` refers to. */
export function podSecretNames(pod: Pod): Set<string> {
  const out = new Set<string>();
  for (const ref of pod.spec?.imagePullSecrets ?? []) add(out, ref.name);
  for (const c of containersOf(pod)) {
    for (const from of c.envFrom ?? []) add(out, from.secretRef?.name);
    for (const e of c.env ?? []) add(out, e.valueFrom?.secretKeyRef?.name);
  }
  for (const v of pod.spec?.volumes ?? []) {
    add(out, v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) add(out, s.secret?.name);
  }
  return out;
}
