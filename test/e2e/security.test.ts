/**
 * Security context and hardening, for real: `podbay server` with its node agent, pods driven by
 * the real kubectl, busybox imported with `podbay image import`. Each pod runs a small script
 * that tries something and prints `key=value` lines; the test reads them from `kubectl logs`.
 * Root only.
 */
import { readdir, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TarEntry } from '../../src/kubelet/images/testing/test-archives.ts';
import { importBusybox } from './support/images.ts';
import { kubectlHelpers } from './support/kubectl-helpers.ts';
import { run, startPodbay, type Podbay } from './support/podbay.ts';
import { isRoot, missing } from '../support/prerequisites.ts';

let pb: Podbay;
let dir: string;
let image: string;
let userImage: string;

const { ok, apply, jsonpath, until } = kubectlHelpers(() => ({ pb, dir }));

/** Applets the default busybox image does not link, and users/groups for the group tests. */
const extraLayer: TarEntry[] = [
  ...['unshare', 'mknod', 'sysctl', 'setpriv', 'nsenter', 'groups', 'mount'].map((a): TarEntry => ({
    name: `bin/${a}`,
    type: 'symlink',
    linkname: 'busybox',
  })),
  {
    name: 'etc/passwd',
    data: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
  },
  {
    name: 'etc/group',
    data: 'root:x:0:\napp:x:1000:\nstaff:x:50:app,nobody\nnogroup:x:65534:\n',
  },
];

/** A one-container pod (restartPolicy Never) running `script`; extra YAML for spec and container. */
function scriptPod(
  name: string,
  script: string,
  opts: { spec?: string; container?: string; image?: string } = {},
): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
${opts.spec ?? ''}  containers:
  - name: app
    image: ${opts.image ?? image}
    command: ["sh", "-c", ${JSON.stringify(script)}]
${opts.container ?? ''}`;
}

/** Runs a pod to its end and returns `key=value` lines of its log. */
async function results(name: string, yaml: string): Promise<Record<string, string>> {
  await apply(yaml);
  const phase = await until(async () => {
    const p = await jsonpath(name, '.status.phase');
    return p === 'Succeeded' || p === 'Failed' ? p : undefined;
  }, `${name} to finish`);
  const logs = await ok(['logs', name]);
  if (phase !== 'Succeeded') throw new Error(`${name} ${phase}:\n${logs}`);
  const out: Record<string, string> = {};
  for (const line of logs.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    // A key printed more than once keeps every value, one per line.
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    out[k] = out[k] === undefined ? v : `${out[k]}\n${v}`;
  }
  return out;
}

/** The waiting reason and message of the pod's first container, once it has one. */
async function waiting(name: string, reason: string): Promise<string> {
  return until(async () => {
    const r = await jsonpath(name, '.status.containerStatuses[0].state.waiting.reason');
    return r === reason
      ? jsonpath(name, '.status.containerStatuses[0].state.waiting.message')
      : undefined;
  }, `${name} waiting with ${reason}`);
}

/** The 14 capabilities containerd gives a container, as a CapEff mask. */
const DEFAULT_CAPS = '00000000a80425fb';

describe.skipIf(missing({ root: isRoot }))('security context and hardening (root)', () => {
  beforeAll(async () => {
    pb = await startPodbay({ agent: true, extraArgs: ['--kubelet-port', '0'], timeoutMs: 60_000 });
    dir = await mkdtemp(join(tmpdir(), 'security-e2e-'));
    image = (await importBusybox(pb.dataDir, { extraLayers: [extraLayer] })).name;
    userImage = (
      await importBusybox(pb.dataDir, {
        name: 'podbay.test/busybox-nobody:1',
        extraLayers: [extraLayer],
        config: { User: 'nobody' },
      })
    ).name;
  });

  afterAll(async () => {
    if (pb as Podbay | undefined) {
      await pb.kubectl(['delete', 'pods', '--all', '--grace-period=1', '--wait=true'], {
        timeoutMs: 90_000,
      });
      // The agent removes a deleted pod's sandboxes (namespaces, PID 1 holders, network) right
      // after the API object goes; let it finish before stopping it.
      const sandboxes = join(pb.dataDir, 'runtime', 'sandboxes');
      const deadline = Date.now() + 30_000;
      while ((await readdir(sandboxes).catch(() => [])).length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      await pb.stop();
      await pb.cleanup();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a default pod cannot mount, write /proc/sys, read /proc/kcore, use raw devices or leave its namespaces', async () => {
    const r = await results(
      'escape',
      scriptPod(
        'escape',
        [
          'mkdir -p /tmp/m; mount -t tmpfs x /tmp/m 2>/dev/null; echo mount=$?',
          'echo core > /proc/sys/kernel/core_pattern 2>/dev/null; echo procsys=$?',
          'echo b > /proc/sysrq-trigger 2>/dev/null; echo sysrq=$?',
          // Masked /proc files read as empty (or are absent when the kernel lacks them).
          'for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do echo masked=$(head -c 64 $f 2>/dev/null | wc -c); done',
          'touch /sys/kernel/x 2>/dev/null; echo sys=$?',
          'for f in /sys/fs/cgroup/*/release_agent; do [ -e "$f" ] && { echo x > "$f" 2>/dev/null && echo cgwrite=ok; }; done; echo cgwrite=done',
          'mknod /tmp/vda b 253 0 2>/dev/null; echo mknod=$?',
          'head -c 1 /tmp/vda >/dev/null 2>&1; echo rawdev=$?',
          'echo dev=$(ls /dev | tr "\\n" " ")',
          // What the container's processes inherit: the descriptors of a child of PID 1 (the
          // shell itself keeps a few of its own, close-on-exec).
          'sleep 60 & ls /proc/$!/fd > /tmp/fds; ls -l /proc/$!/fd > /tmp/fdl; kill $!',
          'echo fds=$(tr "\\n" " " < /tmp/fds)',
          'sed -n "s/.*-> /fdlink=/p" /tmp/fdl',
          'unshare -U true 2>/dev/null; echo unshareU=$?',
          'unshare -n true 2>/dev/null; echo unshareN=$?',
          'nsenter -t 1 -m true 2>/dev/null; echo nsenter=$?',
          'ip link add sec0 type bridge 2>/dev/null; echo iplink=$?',
          'grep -E "^(Seccomp|NoNewPrivs|CapEff|CapBnd|CapPrm):" /proc/self/status | tr -d "\\t " | tr ":" "="',
          'echo id=$(id)',
        ].join('\n'),
      ),
    );
    expect(r.mount).not.toBe('0');
    expect(r.procsys).not.toBe('0');
    expect(r.sysrq).not.toBe('0');
    expect(r.masked).toBe('0\n0\n0\n0');
    expect(r.sys).not.toBe('0');
    expect(r.cgwrite).toBe('done');
    // mknod is a default capability; the device cgroup stops the node from being used.
    expect(r.rawdev).not.toBe('0');
    const devs = (r.dev ?? '').split(' ').filter(Boolean).sort();
    for (const d of devs) {
      expect(
        [
          'core',
          'fd',
          'full',
          'mqueue',
          'null',
          'ptmx',
          'pts',
          'random',
          'shm',
          'stderr',
          'stdin',
          'stdout',
          'termination-log',
          'tty',
          'urandom',
          'zero',
        ],
        `/dev/${d}`,
      ).toContain(d);
    }
    expect(devs).not.toContain('vda');
    expect(devs).not.toContain('kmsg');
    // CVE-2024-21626 class: the container's processes inherit stdio only, none of it a host path.
    expect((r.fds ?? '').trim().split(' ')).toEqual(['0', '1', '2']);
    const links = (r.fdlink ?? '').split('\n');
    expect(links).toHaveLength(3);
    for (const l of links) expect(l).toMatch(/^(\/dev\/null|pipe:\[\d+\]|socket:\[\d+\])$/);
    expect(r.unshareU).not.toBe('0');
    expect(r.unshareN).not.toBe('0');
    expect(r.nsenter).not.toBe('0');
    expect(r.iplink).not.toBe('0');
    expect(r.Seccomp).toBe('2');
    expect(r.NoNewPrivs).toBe('1');
    expect(r.CapBnd).toBe(DEFAULT_CAPS);
    expect(r.CapEff).toBe(DEFAULT_CAPS);
    expect(r.id).toBe('uid=0(root) gid=0(root) groups=0(root)');
  });

  it('kubectl exec gets the container confinement and no host descriptor (CVE-2024-21626 class)', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: exec-target
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${image}
    command: ["sleep", "3600"]
`);
    await until(
      async () =>
        (await jsonpath('exec-target', '.status.phase')) === 'Running' ? true : undefined,
      'exec-target Running',
    );
    const r = await pb.kubectl([
      'exec',
      'exec-target',
      '--',
      'sh',
      '-c',
      'sleep 30 & ls -l /proc/$!/fd > /tmp/l 2>/dev/null; kill $!; sed -n "s/.*-> //p" /tmp/l; grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const links = lines.filter((l) => !l.includes(':\t'));
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const l of links) {
      expect(l).toMatch(
        /^(\/dev\/null|\/dev\/pts\/\d+|pipe:\[\d+\]|socket:\[\d+\]|\/tmp\/l|\/proc\/\d+\/fd)$/,
      );
    }
    expect(lines).toContain('Seccomp:\t2');
    expect(lines).toContain('NoNewPrivs:\t1');
    expect(lines).toContain(`CapEff:\t${DEFAULT_CAPS}`);
    await ok(['delete', 'pod', 'exec-target', '--grace-period=1', '--wait=true']);
  });

  it("runAsUser, runAsGroup, supplementalGroups, the image user's groups and fsGroup show in id and on volumes", async () => {
    const r = await results(
      'ids',
      scriptPod(
        'ids',
        [
          'echo id=$(id)',
          'echo datagroup=$(stat -c %g /data)',
          'echo datamode=$(stat -c %a /data)',
          'touch /data/f && echo filegroup=$(stat -c %g /data/f)',
          'echo caps=$(grep CapEff /proc/self/status | tr -d "\\t" | cut -d: -f2)',
        ].join('\n'),
        {
          spec: `  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    supplementalGroups: [4000]
    fsGroup: 2000
  volumes:
  - {name: data, emptyDir: {}}
`,
          container: `    volumeMounts: [{name: data, mountPath: /data}]
`,
        },
      ),
    );
    // 50 (staff) is app's group in the image's /etc/group; fsGroup and supplementalGroups follow.
    expect(r.id).toBe('uid=1000(app) gid=3000 groups=50(staff),2000,3000,4000');
    expect(r.datagroup).toBe('2000');
    expect(r.datamode).toBe('2777');
    expect(r.filegroup).toBe('2000');
    expect(r.caps).toBe('0000000000000000');

    const n = await results(
      'named-user',
      scriptPod('named-user', 'echo id=$(id)', { image: userImage }),
    );
    expect(n.id).toBe('uid=65534(nobody) gid=65534(nogroup) groups=50(staff),65534(nogroup)');
  });

  it('runAsNonRoot refuses a root image and a named image user with upstream messages', async () => {
    await apply(
      scriptPod('nonroot-root', 'true', {
        spec: `  securityContext: {runAsNonRoot: true}
`,
      }),
    );
    const uid = await jsonpath('nonroot-root', '.metadata.uid');
    expect(await waiting('nonroot-root', 'CreateContainerConfigError')).toBe(
      `container has runAsNonRoot and image will run as root (pod: "nonroot-root_default(${uid})", container: app)`,
    );
    // Events are written in batches, a moment after what they report.
    const events = await until(async () => {
      const r = await ok([
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=nonroot-root',
        '-o',
        'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}',
      ]);
      return r.includes('Failed:') ? r : undefined;
    }, 'the Failed event');
    expect(events).toContain('Failed:Error: container has runAsNonRoot and image will run as root');

    await apply(
      scriptPod('nonroot-named', 'true', {
        image: userImage,
        container: `    securityContext: {runAsNonRoot: true}
`,
      }),
    );
    const uid2 = await jsonpath('nonroot-named', '.metadata.uid');
    expect(await waiting('nonroot-named', 'CreateContainerConfigError')).toBe(
      `container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "nonroot-named_default(${uid2})", container: app)`,
    );

    const ok1 = await results(
      'nonroot-ok',
      scriptPod('nonroot-ok', 'echo id=$(id -u)', {
        spec: `  securityContext: {runAsNonRoot: true, runAsUser: 1000}
`,
      }),
    );
    expect(ok1.id).toBe('1000');
  });

  it('capabilities: NET_ADMIN added lets ip link add work; drop ALL leaves none', async () => {
    const r = await results(
      'netadmin',
      scriptPod(
        'netadmin',
        'ip link add sec0 type bridge; echo iplink=$?\necho caps=$(grep CapEff /proc/self/status | tr -d "\\t" | cut -d: -f2)',
        {
          container: `    securityContext: {capabilities: {add: [NET_ADMIN]}}
`,
        },
      ),
    );
    expect(r.iplink).toBe('0');
    expect(r.caps).toBe('00000000a80435fb');

    const d = await results(
      'dropall',
      scriptPod(
        'dropall',
        'echo caps=$(grep CapBnd /proc/self/status | tr -d "\\t" | cut -d: -f2)\nchown 1 /tmp 2>/dev/null; echo chown=$?',
        {
          container: `    securityContext: {capabilities: {drop: [ALL], add: [CHOWN]}}
`,
        },
      ),
    );
    expect(d.caps).toBe('0000000000000001');
    expect(d.chown).toBe('0');
  });

  it('readOnlyRootFilesystem and allowPrivilegeEscalation', async () => {
    const r = await results(
      'readonly',
      scriptPod(
        'readonly',
        'touch /x 2>/dev/null; echo root=$?\ntouch /data/x; echo data=$?\ngrep NoNewPrivs /proc/self/status | tr -d "\\t " | tr ":" "="',
        {
          spec: `  volumes:
  - {name: data, emptyDir: {}}
`,
          container: `    volumeMounts: [{name: data, mountPath: /data}]
    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
`,
        },
      ),
    );
    expect(r.root).not.toBe('0');
    expect(r.data).toBe('0');
    expect(r.NoNewPrivs).toBe('1');

    const esc = await results(
      'escalation',
      scriptPod('escalation', 'grep NoNewPrivs /proc/self/status | tr -d "\\t " | tr ":" "="', {
        container: `    securityContext: {allowPrivilegeEscalation: true}
`,
      }),
    );
    expect(esc.NoNewPrivs).toBe('0');
  });

  it('a privileged container sees host devices and has every capability, no seccomp, no masks', async () => {
    const hostDevs = await readdir('/dev');
    const r = await results(
      'privileged',
      scriptPod(
        'privileged',
        [
          'echo dev=$(ls /dev | tr "\\n" " ")',
          'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status | tr -d "\\t " | tr ":" "="',
          'mkdir -p /tmp/m; mount -t tmpfs x /tmp/m; echo mount=$?; umount /tmp/m',
          'echo timerlist=$(head -c 16 /proc/timer_list 2>/dev/null | wc -c)',
        ].join('\n'),
        {
          container: `    securityContext: {privileged: true}
`,
        },
      ),
    );
    const devs = (r.dev ?? '').split(' ');
    for (const d of ['kmsg', 'loop0', 'vda'].filter((x) => hostDevs.includes(x))) {
      expect(devs, d).toContain(d);
    }
    expect(r.Seccomp).toBe('0');
    expect(r.NoNewPrivs).toBe('0');
    expect(r.CapEff).not.toBe(DEFAULT_CAPS);
    expect(r.mount).toBe('0');
    // Not masked: the host's file, when the kernel has it.
    const hostTimerList = await readFile('/proc/timer_list').then(
      (b) => b.length > 0,
      () => false,
    );
    if (hostTimerList) expect(r.timerlist).toBe('16');
  });

  it('seccompProfile: Unconfined, Localhost from <dataDir>/seccomp, and a missing profile', async () => {
    const u = await results(
      'unconfined',
      scriptPod('unconfined', 'grep Seccomp: /proc/self/status | tr -d "\\t " | tr ":" "="', {
        spec: `  securityContext: {seccompProfile: {type: Unconfined}}
`,
      }),
    );
    expect(u.Seccomp).toBe('0');

    await mkdir(join(pb.dataDir, 'seccomp'), { recursive: true });
    await writeFile(
      join(pb.dataDir, 'seccomp', 'no-mkdir.json'),
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ALLOW',
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
      }),
    );
    const l = await results(
      'localhost',
      scriptPod(
        'localhost',
        'mkdir /tmp/d 2>/dev/null; echo mkdir=$?\ntouch /tmp/f; echo touch=$?',
        {
          container: `    securityContext: {seccompProfile: {type: Localhost, localhostProfile: no-mkdir.json}}
`,
        },
      ),
    );
    expect(l.mkdir).toBe('1');
    expect(l.touch).toBe('0');

    await apply(
      scriptPod('missing-profile', 'true', {
        container: `    securityContext: {seccompProfile: {type: Localhost, localhostProfile: nope.json}}
`,
      }),
    );
    const file = join(pb.dataDir, 'seccomp', 'nope.json');
    expect(await waiting('missing-profile', 'CreateContainerError')).toBe(
      `failed to create container "app": failed to generate seccomp spec opts: cannot load seccomp profile "${file}": open ${file}: no such file or directory`,
    );
  });

  it('sysctls: safe ones are set in the pod; an unsafe one gets the pod rejected', async () => {
    const r = await results(
      'sysctls',
      scriptPod(
        'sysctls',
        'echo range=$(cat /proc/sys/net/ipv4/ip_local_port_range | tr "\\t" " ")\necho shm=$(cat /proc/sys/kernel/shm_rmid_forced)',
        {
          spec: `  securityContext:
    sysctls:
    - {name: net.ipv4.ip_local_port_range, value: "40000 50000"}
    - {name: kernel.shm_rmid_forced, value: "1"}
`,
        },
      ),
    );
    expect(r.range).toBe('40000 50000');
    expect(r.shm).toBe('1');
    // The host keeps its own value.
    expect((await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim()).not.toBe(
      '40000\t50000',
    );

    await apply(
      scriptPod('unsafe-sysctl', 'true', {
        spec: `  securityContext:
    sysctls: [{name: kernel.msgmax, value: "65536"}]
`,
      }),
    );
    await until(
      async () =>
        (await jsonpath('unsafe-sysctl', '.status.phase')) === 'Failed' ? true : undefined,
      'unsafe-sysctl Failed',
    );
    expect(await jsonpath('unsafe-sysctl', '.status.reason')).toBe('SysctlForbidden');
    expect(await jsonpath('unsafe-sysctl', '.status.message')).toBe(
      'Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted',
    );
  });

  it('shareProcessNamespace: containers see each other, PID 1 is a reaping init', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: shared-pid
spec:
  shareProcessNamespace: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: a
    image: ${image}
    command: ["sleep", "3600"]
  - name: b
    image: ${image}
    command:
    - sh
    - -c
    - |
      (sleep 1 &)
      sleep 3
      echo pid1=$(tr "\\0" " " < /proc/1/cmdline)
      echo sleepers=$(grep -l "^sleep" /proc/[0-9]*/comm | wc -l)
      echo zombies=$(cat /proc/[0-9]*/stat | awk '$3 == "Z"' | wc -l)
      echo mypid=$$$$
      exec sleep 3600
`);
    const logs = await until(async () => {
      const r = await pb.kubectl(['logs', 'shared-pid', '-c', 'b']);
      return r.code === 0 && r.stdout.includes('mypid=') ? r.stdout : undefined;
    }, 'shared-pid logs');
    const r = Object.fromEntries(
      logs
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(r.pid1?.trim()).toBe('/catatonit -P');
    // a's sleep 3600 and b's own sleep 3; the orphaned sleep 1 was reaped by PID 1.
    expect(r.sleepers).toBe('1');
    expect(r.zombies).toBe('0');
    expect(Number(r.mypid)).toBeGreaterThan(1);

    // When the init dies the namespace is gone: the pod gets a new sandbox, as upstream does
    // when its pause container dies.
    const runcRoot = join(pb.dataDir, 'runtime', 'run', 'runc');
    const holders = (await readdir(runcRoot)).filter((n) => n.endsWith('-pidns'));
    expect(holders).toHaveLength(1);
    const kill = await run('runc', ['--root', runcRoot, 'kill', holders[0] ?? '', 'KILL']);
    expect(kill.code, kill.stderr).toBe(0);
    await until(
      async () => {
        const now = (await readdir(runcRoot)).filter((n) => n.endsWith('-pidns'));
        const ready = await jsonpath('shared-pid', '.status.conditions[?(@.type=="Ready")].status');
        return now.length === 1 && now[0] !== holders[0] && ready === 'True' ? true : undefined;
      },
      'shared-pid to run again in a new sandbox',
      90_000,
    );
    await ok(['delete', 'pod', 'shared-pid', '--grace-period=1', '--wait=true']);
    // Its init and pin went with the sandbox.
    await until(
      async () => ((await readdir(runcRoot)).some((n) => n.endsWith('-pidns')) ? undefined : true),
      'the PID namespace holder to be removed',
      30_000,
    );
    expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toMatch(/\/[0-9a-f]{64}\/pid /);
  });

  it('subPath never reaches the host through a symlink (hostPath or planted by a container)', async () => {
    const hp = join(dir, 'hostpath');
    await mkdir(hp);
    await symlink('/', join(hp, 'escape'));
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: subpath-host
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  volumes:
  - {name: hp, hostPath: {path: ${hp}}}
  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "ls /host; sleep 3600"]
    volumeMounts: [{name: hp, mountPath: /host, subPath: escape}]
`);
    expect(await waiting('subpath-host', 'CreateContainerConfigError')).toBe(
      `subpath "/" not within volume path "${hp}"`,
    );

    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: subpath-planted
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  volumes:
  - {name: data, emptyDir: {}}
  initContainers:
  - name: plant
    image: ${image}
    command: ["ln", "-s", "/", "/data/escape"]
    volumeMounts: [{name: data, mountPath: /data}]
  containers:
  - name: app
    image: ${image}
    command: ["sh", "-c", "ls /host; sleep 3600"]
    volumeMounts: [{name: data, mountPath: /host, subPath: escape}]
`);
    expect(await waiting('subpath-planted', 'CreateContainerConfigError')).toMatch(
      /^subpath "\/" not within volume path ".*\/volumes\/kubernetes\.io~empty-dir\/data"$/,
    );
  });

  it("hostPID shows the host's processes; the default PID namespace is private", async () => {
    const hostInit = (await readFile('/proc/1/comm', 'utf8')).trim();
    const r = await results(
      'hostpid',
      scriptPod('hostpid', 'echo init=$(cat /proc/1/comm)', {
        spec: `  hostPID: true
`,
      }),
    );
    expect(r.init).toBe(hostInit);
    const p = await results('privatepid', scriptPod('privatepid', 'echo init=$(cat /proc/1/comm)'));
    expect(p.init).toBe('sh');
  });
});
