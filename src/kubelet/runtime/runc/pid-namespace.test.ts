import { describe, expect, it } from 'vitest';
import { pidNamespaceHolderId, pidNamespaceHolderSpec, pidNamespacePath } from './pid-namespace.ts';

describe('pidNamespaceHolderSpec', () => {
  const spec = pidNamespaceHolderSpec({
    rootfs: '/sb/pidns/rootfs',
    pausePath: '/usr/bin/catatonit',
    cgroupsPath: '/podbay/burstable/pod1/x-pidns',
    arch: 'x64',
  }) as {
    process: Record<string, unknown>;
    root: unknown;
    mounts: { destination: string; source: string; options: string[] }[];
    linux: { namespaces: { type: string; path?: string }[]; seccomp?: { defaultAction: string } };
  };

  it('runs catatonit -P as an unprivileged, confined PID 1', () => {
    expect(spec.process.args).toEqual(['/catatonit', '-P']);
    expect(spec.process.user).toEqual({ uid: 65535, gid: 65535, additionalGids: [65535] });
    expect(spec.process.capabilities).toEqual({
      bounding: [],
      effective: [],
      permitted: [],
      inheritable: [],
    });
    expect(spec.process.noNewPrivileges).toBe(true);
    expect(spec.linux.seccomp?.defaultAction).toBe('SCMP_ACT_ERRNO');
  });

  it('has a read-only root holding only the pause binary, and namespaces of its own', () => {
    expect(spec.root).toEqual({ path: '/sb/pidns/rootfs', readonly: true });
    const bind = spec.mounts.find((m) => m.destination === '/catatonit');
    expect(bind?.source).toBe('/usr/bin/catatonit');
    expect(bind?.options).toContain('ro');
    expect(spec.linux.namespaces.map((n) => n.type).sort()).toEqual([
      'ipc',
      'mount',
      'network',
      'pid',
      'uts',
    ]);
    expect(spec.linux.namespaces.every((n) => n.path === undefined)).toBe(true);
  });

  it('names its runc container and pin after the sandbox', () => {
    expect(pidNamespaceHolderId('abc')).toBe('abc-pidns');
    expect(pidNamespacePath('/run/podbay/ns', 'abc')).toBe('/run/podbay/ns/abc/pid');
  });
});
