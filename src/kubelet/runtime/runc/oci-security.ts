/**
 * A container's LinuxContainerSecurity applied to its OCI spec, the part of containerd's CRI
 * plugin that needs the container's root filesystem or the host:
 *
 *   1. the user: runAsUsername or runAsUser resolved in the container's own /etc/passwd (the
 *      primary group when the pod set none), supplementary groups from its /etc/group (policy
 *      Merge), then fsGroup and supplementalGroups; the primary group is always among them
 *      (CVE-2023-25173);
 *   2. seccomp: RuntimeDefault (seccomp-default.ts, for the container's final capabilities),
 *      Localhost (a profile file on the node), Unconfined; none for privileged containers;
 *   3. masked and read-only paths (procMount), sysctls;
 *   4. privileged containers: every host device, and the device cgroup allowing all.
 *
 * The image is untrusted: /etc/passwd and /etc/group are read with every symlink resolved inside
 * the root filesystem (an absolute link target means the container's root, never the host's), and
 * only regular files of sane size are read (a FIFO or /dev/zero planted there would hang or flood).
 */
import { constants } from 'node:fs';
import { lstat, open, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { goArch, errorMessage } from '../../../util/index.ts';
import type { ContainerConfig } from '../types.ts';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, type OciSpec } from './oci-spec.ts';
import { defaultSeccompProfile, type OciSeccomp, type OciSyscall } from './seccomp-default.ts';

export interface OciDevice {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

/** The OCI spec with the security fields oci-spec.ts leaves out. */
export type SecuredOciSpec = OciSpec & {
  linux: OciSpec['linux'] & {
    seccomp?: OciSeccomp;
    sysctl?: Record<string, string>;
    devices?: OciDevice[];
  };
};

/** One /etc/passwd entry. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** One /etc/group entry. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** The process user the spec gets. */
export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: readonly number[];
}

/** Why the container cannot be created; the runtime wraps it as `failed to create container …`. */
export class ContainerSecurityError extends Error {
  override readonly name = 'ContainerSecurityError';
}

function parseId(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0x7fffffff ? n : undefined;
}

/** Lines of /etc/passwd (`name:x:uid:gid:…`); malformed lines are skipped, as libc does. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    const uid = parseId(f[2]);
    const gid = parseId(f[3]);
    if (f[0] === undefined || f[0] === '' || uid === undefined || gid === undefined) continue;
    out.push({ name: f[0], uid, gid });
  }
  return out;
}

/** Lines of /etc/group (`name:x:gid:member,member`). */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    const gid = parseId(f[2]);
    if (f[0] === undefined || f[0] === '' || gid === undefined) continue;
    const members = (f[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    out.push({ name: f[0], gid, members });
  }
  return out;
}

/**
 * The process user from the security settings and the image's passwd/group files (undefined when
 * the image has none), as containerd's WithUser, WithAdditionalGIDs and WithSupplementalGroups
 * compose it.
 */
export function resolveUser(
  security: ContainerConfig['security'],
  passwd: readonly PasswdEntry[] | undefined,
  group: readonly GroupEntry[] | undefined,
): ResolvedUser {
  let uid: number;
  let gid: number;
  let username: string | undefined;
  if (security.runAsUsername !== undefined && security.runAsUsername !== '') {
    const name = security.runAsUsername;
    const entry = passwd?.find((e) => e.name === name);
    if (!entry) {
      throw new ContainerSecurityError(
        `unable to find user ${name}: no matching entries in passwd file`,
      );
    }
    ({ uid, gid } = entry);
    username = name;
  } else {
    uid = security.runAsUser;
    const entry = passwd?.find((e) => e.uid === uid);
    gid = entry?.gid ?? 0;
    username = entry?.name;
  }
  if (security.runAsGroupFromImage !== true) gid = security.runAsGroup;

  const gids = new Set<number>([gid]);
  if (security.supplementalGroupsPolicy !== 'Strict' && username !== undefined && group) {
    for (const g of group) {
      // Only groups the user is listed in, not the one named after the user.
      if (g.name !== username && g.members.includes(username)) gids.add(g.gid);
    }
  }
  for (const g of security.supplementalGroups) gids.add(g);
  return { uid, gid, additionalGids: [...gids].sort((a, b) => a - b) };
}

const MAX_USER_FILE = 4 << 20;
const MAX_SYMLINKS = 40;

/**
 * Reads `rel` (e.g. `etc/passwd`) inside `root` with every symlink resolved within `root`;
 * undefined when it does not exist or is not a regular file.
 */
export async function readFileInRoot(root: string, rel: string): Promise<string | undefined> {
  const pending = rel.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const c = pending.shift() ?? '';
    if (c === '..') {
      done.pop();
      continue;
    }
    const p = path.join(root, ...done, c);
    let st;
    try {
      st = await lstat(p);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) return undefined;
      const target = await readlink(p);
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
      continue;
    }
    if (pending.length > 0 && !st.isDirectory()) return undefined;
    done.push(c);
  }
  if (done.length === 0) return undefined;
  let fh;
  try {
    fh = await open(
      path.join(root, ...done),
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
  } catch {
    return undefined;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_USER_FILE) return undefined;
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

/** Reads a file of the container's root, given relative to it (`etc/passwd`). */
export type RootFileReader = (rel: string) => Promise<string | undefined>;

/**
 * The files user resolution reads, kept per image: a container being created has a root that is
 * exactly its image (an overlay with an empty upper directory, or a fresh copy), and an image id
 * names content that never changes, so the next container of the image needs no reads.
 */
export class ImageFileCache {
  private readonly files = new Map<string, Promise<string | undefined>>();
  private readonly maxEntries: number;

  constructor(maxEntries = 64) {
    this.maxEntries = maxEntries;
  }

  /** A reader for a new container's root `rootfs`, made from the image `imageId`. */
  reader(imageId: string, rootfs: string): RootFileReader {
    return (rel) => {
      const key = `${imageId}\0${rel}`;
      let file = this.files.get(key);
      if (file === undefined) {
        file = readFileInRoot(rootfs, rel);
        // A read that failed (I/O) is not remembered; "absent" is an answer and is.
        file.catch(() => this.files.delete(key));
        if (this.files.size >= this.maxEntries) {
          const oldest = this.files.keys().next();
          if (!oldest.done) this.files.delete(oldest.value);
        }
        this.files.set(key, file);
      }
      return file;
    };
  }
}

/** The user from the container's root filesystem (steps 1 at the top). */
export async function resolveUserInRoot(
  rootfs: string | RootFileReader,
  security: ContainerConfig['security'],
): Promise<ResolvedUser> {
  const read: RootFileReader =
    typeof rootfs === 'string' ? (rel) => readFileInRoot(rootfs, rel) : rootfs;
  const [passwd, group] = await Promise.all([read('etc/passwd'), read('etc/group')]);
  return resolveUser(
    security,
    passwd === undefined ? undefined : parsePasswd(passwd),
    group === undefined ? undefined : parseGroup(group),
  );
}

const SECCOMP_ACTIONS = new Set([
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
]);
const SECCOMP_OPS = new Set([
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  const fail = (): Error => new Error(`${what} must be a list of strings`);
  if (!Array.isArray(v)) throw fail();
  const out: string[] = [];
  for (const x of v as unknown[]) {
    if (typeof x !== 'string') throw fail();
    out.push(x);
  }
  return out;
}

function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new Error(`${what} must be a non-negative integer`);
  return v;
}

/** Conditions of a docker-format rule (`includes`/`excludes`), checked against this container. */
function ruleApplies(
  rule: Record<string, unknown>,
  caps: ReadonlySet<string>,
  arch: string,
): boolean {
  const archName = goArch(arch);
  const inc = isRecord(rule.includes) ? rule.includes : {};
  const exc = isRecord(rule.excludes) ? rule.excludes : {};
  const incCaps = strings(inc.caps, 'includes.caps');
  const incArches = strings(inc.arches, 'includes.arches');
  if (!incCaps.every((c) => caps.has(c))) return false;
  if (incArches.length > 0 && !incArches.some((a) => archMatches(a, archName))) return false;
  if (strings(exc.caps, 'excludes.caps').some((c) => caps.has(c))) return false;
  if (strings(exc.arches, 'excludes.arches').some((a) => archMatches(a, archName))) return false;
  return true;
}

function archMatches(docker: string, goArch: string): boolean {
  return docker === goArch || (docker === 'x86_64' && goArch === 'amd64');
}

/**
 * A Localhost profile: the OCI `linux.seccomp` shape containerd loads, also accepting moby's
 * profile format (`archMap`, `name`, and `includes`/`excludes` evaluated against this container's
 * capabilities and architecture, so a conditional rule never becomes unconditional).
 */
export function parseSeccompProfile(
  text: string,
  caps: readonly string[],
  arch: string = process.arch,
): OciSeccomp {
  const raw: unknown = JSON.parse(text);
  if (!isRecord(raw)) throw new Error('the profile must be a JSON object');
  const defaultAction = raw.defaultAction;
  if (typeof defaultAction !== 'string' || !SECCOMP_ACTIONS.has(defaultAction))
    throw new Error(`unknown defaultAction ${JSON.stringify(defaultAction)}`);
  const out: OciSeccomp = { defaultAction };
  if (raw.defaultErrnoRet !== undefined)
    out.defaultErrnoRet = int(raw.defaultErrnoRet, 'defaultErrnoRet');
  let architectures = strings(raw.architectures, 'architectures');
  if (architectures.length === 0 && Array.isArray(raw.archMap)) {
    for (const m of raw.archMap) {
      if (!isRecord(m)) continue;
      if (typeof m.architecture === 'string') architectures.push(m.architecture);
      architectures.push(...strings(m.subArchitectures, 'archMap.subArchitectures'));
    }
    architectures = [...new Set(architectures)];
  }
  if (architectures.length > 0) out.architectures = architectures;
  const flags = strings(raw.flags, 'flags');
  if (flags.length > 0) out.flags = flags;
  const capSet = new Set(caps);
  const syscalls: OciSyscall[] = [];
  const list: unknown = raw.syscalls ?? [];
  if (!Array.isArray(list)) throw new Error('syscalls must be a list');
  for (const [i, r] of list.entries()) {
    if (!isRecord(r)) throw new Error(`syscalls[${i}] must be an object`);
    if (!ruleApplies(r, capSet, arch)) continue;
    const names = strings(r.names, `syscalls[${i}].names`);
    if (typeof r.name === 'string') names.push(r.name);
    if (names.length === 0) throw new Error(`syscalls[${i}] names no syscall`);
    const action = r.action;
    if (typeof action !== 'string' || !SECCOMP_ACTIONS.has(action))
      throw new Error(`syscalls[${i}]: unknown action ${JSON.stringify(action)}`);
    const rule: OciSyscall = { names, action };
    if (r.errnoRet !== undefined) rule.errnoRet = int(r.errnoRet, `syscalls[${i}].errnoRet`);
    const args: unknown = r.args ?? [];
    if (!Array.isArray(args)) throw new Error(`syscalls[${i}].args must be a list`);
    if (args.length > 0) {
      rule.args = args.map((a: unknown, j) => {
        const what = `syscalls[${i}].args[${j}]`;
        if (!isRecord(a)) throw new Error(`${what} must be an object`);
        if (typeof a.op !== 'string' || !SECCOMP_OPS.has(a.op))
          throw new Error(`${what}: unknown op ${JSON.stringify(a.op)}`);
        return {
          index: int(a.index, `${what}.index`),
          value: int(a.value ?? 0, `${what}.value`),
          ...(a.valueTwo !== undefined ? { valueTwo: int(a.valueTwo, `${what}.valueTwo`) } : {}),
          op: a.op,
        };
      });
    }
    syscalls.push(rule);
  }
  if (syscalls.length > 0) out.syscalls = syscalls;
  return out;
}

/** Go's wording of a failed open, which containerd's message carries. */
function goOpenError(p: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const text: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    ELOOP: 'too many levels of symbolic links',
  };
  return `open ${p}: ${(code !== undefined ? text[code] : undefined) ?? errorMessage(err)}`;
}

/** What the host adds to a seccomp profile: its architecture and whether it runs x32 programs. */
export interface SeccompHost {
  /** Default process.arch. */
  readonly arch?: string;
  /** See DefaultProfileOptions.x32. */
  readonly x32?: boolean;
}

/** The container's seccomp filter (step 2 at the top), undefined for none. */
export async function seccompFor(
  config: ContainerConfig,
  capabilities: readonly string[],
  host: SeccompHost = {},
): Promise<OciSeccomp | undefined> {
  const arch = host.arch ?? process.arch;
  const sec = config.security;
  if (sec.privileged) return undefined;
  const profile = sec.seccomp ?? { type: 'RuntimeDefault' };
  switch (profile.type) {
    case 'Unconfined':
      return undefined;
    case 'RuntimeDefault':
      return defaultSeccompProfile({
        capabilities,
        arch,
        ...(host.x32 !== undefined ? { x32: host.x32 } : {}),
      });
    case 'Localhost': {
      const p = profile.path;
      let text: string;
      try {
        text = await readFile(p, 'utf8');
      } catch (err) {
        throw new ContainerSecurityError(
          `failed to generate seccomp spec opts: cannot load seccomp profile ${JSON.stringify(p)}: ${goOpenError(p, err)}`,
        );
      }
      try {
        return parseSeccompProfile(text, capabilities, arch);
      } catch (err) {
        throw new ContainerSecurityError(
          `failed to generate seccomp spec opts: decoding seccomp profile failed ${JSON.stringify(p)}: ${errorMessage(err)}`,
        );
      }
    }
  }
}

/** /dev entries containerd leaves out of a privileged container's devices. */
const SKIPPED_DEV_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Linux's `major()`/`minor()` of a device number. */
function majorMinor(rdev: bigint): { major: number; minor: number } {
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { major, minor };
}

/** Every character and block device under the host's /dev (what a privileged container gets). */
export async function hostDevices(devDir = '/dev'): Promise<OciDevice[]> {
  const out: OciDevice[] = [];
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const p = path.join(dir, name);
      let st;
      try {
        st = await lstat(p, { bigint: true });
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (dir === devDir && SKIPPED_DEV_DIRS.has(name)) continue;
        await walk(p);
        continue;
      }
      if (p === path.join(devDir, 'console')) continue;
      const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
      if (type === undefined) continue;
      out.push({
        path: path.join('/dev', path.relative(devDir, p)),
        type,
        ...majorMinor(st.rdev),
        fileMode: Number(st.mode & 0o777n),
        uid: Number(st.uid),
        gid: Number(st.gid),
      });
    }
  };
  await walk(devDir);
  return out;
}

/** What `applySecurity` needs besides the config: the host- and rootfs-derived parts. */
export interface SecurityInputs {
  readonly user: ResolvedUser;
  readonly seccomp?: OciSeccomp;
  /** Privileged containers: the host's devices. */
  readonly devices?: readonly OciDevice[];
}

/** Step 3 and the results of 1, 2, 4 written into the spec (pure). */
export function applySecurity(
  spec: OciSpec,
  config: ContainerConfig,
  inputs: SecurityInputs,
): SecuredOciSpec {
  const sec = config.security;
  const privileged = sec.privileged;
  const out: SecuredOciSpec = {
    ...spec,
    process: {
      ...spec.process,
      user: {
        uid: inputs.user.uid,
        gid: inputs.user.gid,
        ...(inputs.user.additionalGids.length > 0
          ? { additionalGids: [...inputs.user.additionalGids] }
          : {}),
      },
      noNewPrivileges: !privileged && sec.noNewPrivileges,
    },
    linux: {
      ...spec.linux,
      maskedPaths: privileged ? [] : [...(sec.maskedPaths ?? DEFAULT_MASKED_PATHS)],
      readonlyPaths: privileged ? [] : [...(sec.readonlyPaths ?? DEFAULT_READONLY_PATHS)],
    },
  };
  if (inputs.seccomp && !privileged) out.linux.seccomp = inputs.seccomp;
  const sysctls = sec.sysctls ?? {};
  if (Object.keys(sysctls).length > 0) out.linux.sysctl = { ...sysctls };
  if (privileged && inputs.devices && inputs.devices.length > 0) {
    out.linux.devices = inputs.devices.map((d) => ({ ...d }));
  }
  return out;
}

export interface SecureOciSpecOptions extends SeccompHost {
  /** The container's mounted root filesystem (its /etc/passwd and /etc/group are read). */
  readonly rootfs: string;
  /** Reads the root's files instead (an ImageFileCache's reader). */
  readonly readRootFile?: RootFileReader;
  /** Default /dev. */
  readonly devDir?: string;
}

/**
 * The spec from oci-spec.ts with the container's security applied: resolves the user in the
 * root filesystem, loads or builds the seccomp profile for the spec's bounding capabilities, and
 * for privileged containers lists the host's devices. Rejects with ContainerSecurityError.
 */
export async function secureOciSpec(
  spec: OciSpec,
  config: ContainerConfig,
  opts: SecureOciSpecOptions,
): Promise<SecuredOciSpec> {
  const [user, seccomp, devices] = await Promise.all([
    resolveUserInRoot(opts.readRootFile ?? opts.rootfs, config.security),
    seccompFor(config, spec.process.capabilities.bounding, opts),
    config.security.privileged ? hostDevices(opts.devDir) : Promise.resolve(undefined),
  ]);
  return applySecurity(spec, config, {
    user,
    ...(seccomp ? { seccomp } : {}),
    ...(devices ? { devices } : {}),
  });
}
