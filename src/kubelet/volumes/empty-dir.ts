/**
 * emptyDir sizing for medium Memory, as upstream's calculateEmptyDirMemorySize: the tmpfs is as
 * large as the node's allocatable memory, made smaller by the pod's memory limit (when every
 * container declares one) and then by the volume's sizeLimit; each only when positive and smaller.
 */
import { parseQuantity, type Pod } from '../../api/index.ts';

function memoryLimit(c: {
  readonly resources?: { readonly limits?: Readonly<Record<string, string>> };
}): bigint | undefined {
  const q = c.resources?.limits?.['memory'];
  if (q === undefined) return undefined;
  try {
    return parseQuantity(q).value();
  } catch {
    return undefined;
  }
}

/** The pod's memory limit as its pod cgroup would get it; undefined when some container has none. */
export function podMemoryLimit(pod: Pod): bigint | undefined {
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  let regular = 0n;
  for (const c of [...containers, ...inits.filter((i) => i.restartPolicy === 'Always')]) {
    const l = memoryLimit(c);
    if (l === undefined) return undefined;
    regular += l;
  }
  // A run-to-completion init container runs alone (besides earlier sidecars): the pod needs the
  // larger of the two.
  let sidecarsSoFar = 0n;
  let initMax = 0n;
  for (const c of inits) {
    const l = memoryLimit(c);
    if (l === undefined) return undefined;
    if (c.restartPolicy === 'Always') sidecarsSoFar += l;
    else if (sidecarsSoFar + l > initMax) initMax = sidecarsSoFar + l;
  }
  return regular > initMax ? regular : initMax;
}

export function emptyDirMemorySize(
  pod: Pod,
  sizeLimit: string | undefined,
  nodeAllocatable: bigint,
): bigint {
  let size = nodeAllocatable;
  const podLimit = podMemoryLimit(pod);
  if (podLimit !== undefined && podLimit > 0n && podLimit <= size) size = podLimit;
  if (sizeLimit !== undefined) {
    const v = parseQuantity(sizeLimit).value();
    if (v > 0n && v <= size) size = v;
  }
  return size;
}
