/**
 * A container's security settings from its pod (upstream pkg/securitycontext and kuberuntime's
 * security_context.go, determineEffectiveSecurityContext and verifyRunAsNonRoot): the pod's
 * securityContext overlaid by the container's, turned into the runtime's LinuxContainerSecurity.
 *
 * Where podbay is stricter than upstream (docs/architecture.md, "Security context"):
 *   - seccompProfile unset means RuntimeDefault (upstream's kubelet sends Unconfined unless
 *     started with --seccomp-default);
 *   - allowPrivilegeEscalation unset means false, so no_new_privs is set, unless the container is
 *     privileged or adds CAP_SYS_ADMIN (or ALL), the cases in which the API says escalation is
 *     always allowed. Upstream sets no_new_privs only for an explicit false.
 * Everything else is upstream's: runAsUser/runAsGroup/runAsNonRoot/seccompProfile of the
 * container win over the pod's; supplementalGroups are fsGroup then the pod's list; procMount
 * Unmasked clears the masked and read-only /proc paths.
 */
import { join, normalize } from 'node:path';
import type { Container, Pod, SecurityContext } from '../api/index.ts';
import { ContainerConfigError } from './env.ts';
import { formatPod } from './pod-actions.ts';
import type { LinuxContainerSecurity, SeccompProfileConfig } from './runtime/types.ts';

/**
 * The container's effective security context: the pod-level fields the container may override
 * (runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions, seccompProfile, appArmorProfile,
 * windowsOptions) filled from the pod where the container leaves them unset.
 */
export function determineEffectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const podSc = pod.spec?.securityContext ?? {};
  const sc: SecurityContext = { ...(container.securityContext ?? {}) };
  if (sc.runAsUser === undefined && podSc.runAsUser !== undefined) sc.runAsUser = podSc.runAsUser;
  if (sc.runAsGroup === undefined && podSc.runAsGroup !== undefined)
    sc.runAsGroup = podSc.runAsGroup;
  if (sc.runAsNonRoot === undefined && podSc.runAsNonRoot !== undefined)
    sc.runAsNonRoot = podSc.runAsNonRoot;
  if (sc.seLinuxOptions === undefined && podSc.seLinuxOptions !== undefined)
    sc.seLinuxOptions = podSc.seLinuxOptions;
  if (sc.seccompProfile === undefined && podSc.seccompProfile !== undefined)
    sc.seccompProfile = podSc.seccompProfile;
  if (sc.appArmorProfile === undefined && podSc.appArmorProfile !== undefined)
    sc.appArmorProfile = podSc.appArmorProfile;
  if (sc.windowsOptions === undefined && podSc.windowsOptions !== undefined)
    sc.windowsOptions = podSc.windowsOptions;
  return sc;
}

/**
 * The image's USER as CRI's ImageStatus reports it: the part before `:`, as a uid when numeric,
 * else a user name; an image without USER runs as root (upstream getImageUser).
 */
export function imageUser(user: string | undefined): { uid?: number; username?: string } {
  const u = (user ?? '').split(':', 1)[0] ?? '';
  if (u === '') return { uid: 0 };
  if (/^\d+$/.test(u)) return { uid: Number(u) };
  return { username: u };
}

const maxUserId = 2147483647;

/** Upstream verifyRunAsNonRoot (CreateContainerConfigError with these words). */
export function verifyRunAsNonRoot(
  pod: Pod,
  container: Container,
  image: { uid?: number; username?: string },
): void {
  const sc = determineEffectiveSecurityContext(pod, container);
  if (sc.runAsNonRoot !== true) return;
  const where = `(pod: ${JSON.stringify(formatPod(pod))}, container: ${container.name})`;
  if (sc.runAsUser !== undefined) {
    if (sc.runAsUser === 0)
      throw new ContainerConfigError(`container's runAsUser breaks non-root policy ${where}`);
    return;
  }
  if (image.uid === undefined) {
    if (image.username)
      throw new ContainerConfigError(
        `container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root ${where}`,
      );
    return;
  }
  if (image.uid === 0)
    throw new ContainerConfigError(
      `container has runAsNonRoot and image will run as root ${where}`,
    );
  if (image.uid > maxUserId)
    throw new ContainerConfigError(
      `container has runAsNonRoot and image has an invalid user id (${image.uid}). (Must be 1-(${maxUserId})): must be between 0 and ${maxUserId}, inclusive ${where}`,
    );
}

function capName(c: string): string {
  const u = c.toUpperCase();
  return u.startsWith('CAP_') ? u.slice(4) : u;
}

/**
 * Whether the container gets no_new_privs: an explicit allowPrivilegeEscalation decides; unset,
 * podbay sets it unless the container is privileged or adds CAP_SYS_ADMIN (see the top).
 */
export function addNoNewPrivileges(sc: SecurityContext): boolean {
  if (sc.privileged === true) return false;
  if (sc.allowPrivilegeEscalation !== undefined) return !sc.allowPrivilegeEscalation;
  const add = (sc.capabilities?.add ?? []).map(capName);
  return !(add.includes('SYS_ADMIN') || add.includes('ALL'));
}

/** Sysctl names as the kernel takes them: `a/b/c` becomes `a.b.c` (dots inside become slashes). */
export function normalizeSysctlName(name: string): string {
  const firstSep = name.search(/[./]/);
  if (firstSep < 0 || name[firstSep] === '.') return name;
  return name.replace(/[./]/g, (ch) => (ch === '/' ? '.' : '/'));
}

/** The seccomp profile of the container; Localhost paths resolved under `seccompProfileRoot`. */
export function seccompProfileFor(
  sc: SecurityContext,
  seccompProfileRoot: string,
): SeccompProfileConfig {
  const p = sc.seccompProfile;
  if (p === undefined) return { type: 'RuntimeDefault' };
  if (p.type === 'Unconfined') return { type: 'Unconfined' };
  if (p.type === 'Localhost') {
    const rel = p.localhostProfile ?? '';
    // Validation already refuses these; a second look keeps the file under the root regardless.
    if (rel === '' || rel.startsWith('/') || normalize(rel).split('/').includes('..'))
      throw new ContainerConfigError(
        `localhostProfile must be a relative path inside the seccomp profile root: ${JSON.stringify(rel)}`,
      );
    return { type: 'Localhost', path: join(seccompProfileRoot, rel) };
  }
  return { type: 'RuntimeDefault' };
}

export interface ContainerSecurityOptions {
  readonly pod: Pod;
  readonly container: Container;
  /** The image config's USER. */
  readonly imageUser: string | undefined;
  /** Where Localhost seccomp profiles live: `<dataDir>/seccomp`. */
  readonly seccompProfileRoot: string;
}

/**
 * The runtime's security settings for the container (upstream determineEffectiveSecurityContext
 * plus verifyRunAsNonRoot). Throws ContainerConfigError (CreateContainerConfigError).
 */
export function generateLinuxContainerSecurity(
  opts: ContainerSecurityOptions,
): LinuxContainerSecurity {
  const { pod, container } = opts;
  const image = imageUser(opts.imageUser);
  verifyRunAsNonRoot(pod, container, image);
  const sc = determineEffectiveSecurityContext(pod, container);
  const podSc = pod.spec?.securityContext ?? {};

  const groups: number[] = [];
  if (podSc.fsGroup !== undefined) groups.push(podSc.fsGroup);
  groups.push(...(podSc.supplementalGroups ?? []));

  const sysctls: Record<string, string> = {};
  for (const s of podSc.sysctls ?? []) sysctls[normalizeSysctlName(s.name)] = s.value;

  // An explicit runAsUser wins over the image's user, name or number.
  const username = sc.runAsUser === undefined ? image.username : undefined;
  const unmasked = sc.procMount === 'Unmasked';
  const policy = podSc.supplementalGroupsPolicy;
  return {
    privileged: sc.privileged === true,
    runAsUser: sc.runAsUser ?? image.uid ?? 0,
    runAsGroup: sc.runAsGroup ?? 0,
    ...(username !== undefined ? { runAsUsername: username } : {}),
    runAsGroupFromImage: sc.runAsGroup === undefined,
    supplementalGroups: groups,
    ...(policy === 'Strict' || policy === 'Merge' ? { supplementalGroupsPolicy: policy } : {}),
    capabilitiesAdd: [...(sc.capabilities?.add ?? [])],
    capabilitiesDrop: [...(sc.capabilities?.drop ?? [])],
    readOnlyRootfs: sc.readOnlyRootFilesystem === true,
    noNewPrivileges: addNoNewPrivileges(sc),
    seccomp: seccompProfileFor(sc, opts.seccompProfileRoot),
    ...(unmasked ? { maskedPaths: [], readonlyPaths: [] } : {}),
    ...(Object.keys(sysctls).length > 0 ? { sysctls } : {}),
  };
}
