import { describe, expect, it } from 'vitest';
import type { Container, Pod, PodSecurityContext, SecurityContext } from '../api/index.ts';
import { ContainerConfigError } from './env.ts';
import type { LinuxContainerSecurity } from './runtime/types.ts';
import {
  addNoNewPrivileges,
  determineEffectiveSecurityContext,
  generateLinuxContainerSecurity,
  imageUser,
  normalizeSysctlName,
  verifyRunAsNonRoot,
} from './security-context.ts';

function pod(podSc: PodSecurityContext = {}, sc?: SecurityContext): { pod: Pod; c: Container } {
  const c: Container = { name: 'app', image: 'busybox', ...(sc ? { securityContext: sc } : {}) };
  return {
    pod: {
      metadata: { name: 'web', namespace: 'default', uid: 'u-1' },
      spec: { containers: [c], securityContext: podSc },
    },
    c,
  };
}

function gen(
  podSc: PodSecurityContext,
  sc: SecurityContext | undefined,
  user?: string,
): LinuxContainerSecurity {
  const p = pod(podSc, sc);
  return generateLinuxContainerSecurity({
    pod: p.pod,
    container: p.c,
    imageUser: user,
    seccompProfileRoot: '/var/lib/podbay/seccomp',
  });
}

describe('determineEffectiveSecurityContext', () => {
  it('fills the overridable fields from the pod; the container wins', () => {
    const p = pod(
      {
        runAsUser: 1,
        runAsGroup: 2,
        runAsNonRoot: true,
        seccompProfile: { type: 'Unconfined' },
        fsGroup: 9,
      },
      { runAsUser: 10, readOnlyRootFilesystem: true },
    );
    expect(determineEffectiveSecurityContext(p.pod, p.c)).toEqual({
      runAsUser: 10,
      runAsGroup: 2,
      runAsNonRoot: true,
      seccompProfile: { type: 'Unconfined' },
      readOnlyRootFilesystem: true,
    });
  });
});

describe('imageUser', () => {
  it.each<[string | undefined, { uid?: number; username?: string }]>([
    [undefined, { uid: 0 }],
    ['', { uid: 0 }],
    ['1000', { uid: 1000 }],
    ['1000:1000', { uid: 1000 }],
    ['nginx', { username: 'nginx' }],
    ['nginx:www', { username: 'nginx' }],
  ])('%j → %j', (user, want) => {
    expect(imageUser(user)).toEqual(want);
  });
});

describe('verifyRunAsNonRoot', () => {
  const where = '(pod: "web_default(u-1)", container: app)';
  it.each<
    [
      string,
      PodSecurityContext,
      SecurityContext | undefined,
      string | undefined,
      string | undefined,
    ]
  >([
    ['not asked', {}, undefined, '', undefined],
    ['runAsNonRoot false', { runAsNonRoot: false }, undefined, '', undefined],
    [
      'image root',
      { runAsNonRoot: true },
      undefined,
      '',
      `container has runAsNonRoot and image will run as root ${where}`,
    ],
    [
      'image uid 0',
      {},
      { runAsNonRoot: true },
      '0:0',
      `container has runAsNonRoot and image will run as root ${where}`,
    ],
    ['image non-root', { runAsNonRoot: true }, undefined, '1000', undefined],
    [
      'image user name',
      { runAsNonRoot: true },
      undefined,
      'nginx',
      `container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root ${where}`,
    ],
    [
      'runAsUser 0',
      { runAsNonRoot: true },
      { runAsUser: 0 },
      '1000',
      `container's runAsUser breaks non-root policy ${where}`,
    ],
    [
      'runAsUser non-root over a root image',
      { runAsNonRoot: true, runAsUser: 5 },
      undefined,
      '',
      undefined,
    ],
    [
      'runAsUser over a named image user',
      {},
      { runAsNonRoot: true, runAsUser: 5 },
      'nginx',
      undefined,
    ],
    [
      'image uid out of range',
      { runAsNonRoot: true },
      undefined,
      '4294967295',
      `container has runAsNonRoot and image has an invalid user id (4294967295). (Must be 1-(2147483647)): must be between 0 and 2147483647, inclusive ${where}`,
    ],
  ])('%s', (_name, podSc, sc, user, message) => {
    const p = pod(podSc, sc);
    const run = (): void => {
      verifyRunAsNonRoot(p.pod, p.c, imageUser(user));
    };
    if (message === undefined) expect(run).not.toThrow();
    else expect(run).toThrow(new ContainerConfigError(message));
  });
});

describe('addNoNewPrivileges', () => {
  it.each<[string, SecurityContext, boolean]>([
    ['unset: set (podbay hardening)', {}, true],
    ['explicit false', { allowPrivilegeEscalation: false }, true],
    ['explicit true', { allowPrivilegeEscalation: true }, false],
    ['privileged', { privileged: true }, false],
    ['adds SYS_ADMIN', { capabilities: { add: ['SYS_ADMIN'] } }, false],
    ['adds CAP_SYS_ADMIN', { capabilities: { add: ['cap_sys_admin'] } }, false],
    ['adds ALL', { capabilities: { add: ['ALL'] } }, false],
    ['adds NET_ADMIN', { capabilities: { add: ['NET_ADMIN'] } }, true],
  ])('%s', (_name, sc, want) => {
    expect(addNoNewPrivileges(sc)).toBe(want);
  });
});

describe('normalizeSysctlName', () => {
  it.each([
    ['net.ipv4.ip_forward', 'net.ipv4.ip_forward'],
    ['net/ipv4/ip_forward', 'net.ipv4.ip_forward'],
    ['net/ipv4/conf/eno2.100/rp_filter', 'net.ipv4.conf.eno2/100.rp_filter'],
    ['kernel.shm_rmid_forced', 'kernel.shm_rmid_forced'],
    ['net.ipv4.conf.eno2/100.rp_filter', 'net.ipv4.conf.eno2/100.rp_filter'],
  ])('%s → %s', (name, want) => {
    expect(normalizeSysctlName(name)).toBe(want);
  });
});

describe('generateLinuxContainerSecurity', () => {
  const base: LinuxContainerSecurity = {
    privileged: false,
    runAsUser: 0,
    runAsGroup: 0,
    runAsGroupFromImage: true,
    supplementalGroups: [],
    capabilitiesAdd: [],
    capabilitiesDrop: [],
    readOnlyRootfs: false,
    noNewPrivileges: true,
    seccomp: { type: 'RuntimeDefault' },
  };

  it.each<
    [
      string,
      PodSecurityContext,
      SecurityContext | undefined,
      string | undefined,
      Partial<LinuxContainerSecurity>,
    ]
  >([
    ['a default pod: root, RuntimeDefault seccomp, no_new_privs', {}, undefined, undefined, {}],
    ['image uid', {}, undefined, '1000:2000', { runAsUser: 1000 }],
    ['image user name', {}, undefined, 'nginx', { runAsUsername: 'nginx' }],
    [
      'runAsUser wins over an image user name',
      { runAsUser: 7 },
      undefined,
      'nginx',
      { runAsUser: 7 },
    ],
    [
      'runAsUser and runAsGroup',
      { runAsUser: 1, runAsGroup: 2 },
      { runAsGroup: 3 },
      undefined,
      { runAsUser: 1, runAsGroup: 3, runAsGroupFromImage: false },
    ],
    [
      'fsGroup first, then supplementalGroups',
      { fsGroup: 2000, supplementalGroups: [3000, 4000] },
      undefined,
      undefined,
      { supplementalGroups: [2000, 3000, 4000] },
    ],
    [
      'supplementalGroupsPolicy Strict',
      { supplementalGroupsPolicy: 'Strict' },
      undefined,
      undefined,
      { supplementalGroupsPolicy: 'Strict' },
    ],
    [
      'capabilities, read-only root',
      {},
      { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
      undefined,
      { capabilitiesAdd: ['NET_ADMIN'], capabilitiesDrop: ['ALL'], readOnlyRootfs: true },
    ],
    [
      'privileged',
      {},
      { privileged: true },
      undefined,
      { privileged: true, noNewPrivileges: false },
    ],
    [
      'allowPrivilegeEscalation true',
      {},
      { allowPrivilegeEscalation: true },
      undefined,
      { noNewPrivileges: false },
    ],
    [
      'pod seccomp Unconfined',
      { seccompProfile: { type: 'Unconfined' } },
      undefined,
      undefined,
      { seccomp: { type: 'Unconfined' } },
    ],
    [
      'container Localhost over pod RuntimeDefault',
      { seccompProfile: { type: 'RuntimeDefault' } },
      { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } },
      undefined,
      { seccomp: { type: 'Localhost', path: '/var/lib/podbay/seccomp/profiles/audit.json' } },
    ],
    [
      'procMount Unmasked',
      {},
      { procMount: 'Unmasked' },
      undefined,
      { maskedPaths: [], readonlyPaths: [] },
    ],
    [
      'pod sysctls, slash form normalised',
      { sysctls: [{ name: 'net/ipv4/ip_local_port_range', value: '1024 65000' }] },
      undefined,
      undefined,
      { sysctls: { 'net.ipv4.ip_local_port_range': '1024 65000' } },
    ],
  ])('%s', (_name, podSc, sc, user, want) => {
    expect(gen(podSc, sc, user)).toEqual({ ...base, ...want });
  });

  it('refuses runAsNonRoot with a root image before anything else', () => {
    expect(() => gen({ runAsNonRoot: true }, undefined, '')).toThrow(ContainerConfigError);
  });

  it('keeps a Localhost profile under the profile root', () => {
    expect(() =>
      gen({}, { seccompProfile: { type: 'Localhost', localhostProfile: '../../etc/x.json' } }),
    ).toThrow(ContainerConfigError);
    expect(() =>
      gen({}, { seccompProfile: { type: 'Localhost', localhostProfile: '/etc/x.json' } }),
    ).toThrow(ContainerConfigError);
  });
});
