/**
 * Containers (regular, init and ephemeral) as upstream v1.32 validates them: names, image,
 * ports, environment, mounts, resources, probes, lifecycle hooks, security context, the
 * container-level restart policy of sidecars, and the allow-list of ephemeral container fields.
 *
 * Upstream quirks kept: subPath/subPathExpr/mountPropagation/recursiveReadOnly errors are
 * reported without the mount's index (`volumeMounts.subPath`); httpGet header errors at
 * `httpHeaders` without an index; hostPort conflicts of an init container always at index 0.
 */
import type {
  Container,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  VolumeMount,
  VolumeDevice,
} from '../container.ts';
import type { HTTPGetAction, Lifecycle, LifecycleHandler, Probe } from '../probe.ts';
import type { ResourceRequirements } from '../resources.ts';
import type { SecurityContext } from '../security.ts';
import type { EphemeralContainer } from '../container.ts';
import type { Path } from '../../../validation/field-errors.ts';
import {
  duplicate,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
  tooLong,
} from '../../../validation/field-errors.ts';
import { GoLiteral, goQuote, utf8Length } from '../../../validation/go-format.ts';
import { nameIsDNSSubdomain } from '../../../validation/generic.ts';
import {
  isConfigMapKey,
  isHTTPHeaderName,
  isRelaxedEnvVarName,
  isValidGroupID,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
} from '../../../validation/names.ts';
import {
  type Errs,
  isHugePageResourceName,
  isOvercommitAllowed,
  list,
  map,
  parseQty,
  str,
  validateContainerResourceName,
  validateDNS1123Label,
  validateResourceQuantityValue,
} from './common.ts';
import {
  type VolumeMap,
  validateLocalDescendingPath,
  validateObjectFieldSelector,
  validatePathNoBacksteps,
  validateResourceFieldSelector,
} from './volumes.ts';

/** Options that depend on what is validated (a Pod or a template) and on old objects. */
export interface ContainerValidationOptions {
  /** The pod's terminationGracePeriodSeconds, for sleep hooks. */
  readonly gracePeriod: number | undefined;
  /** Whether the pod uses the host's user namespace (the default). */
  readonly hostUsers: boolean;
}

const protocols = ['SCTP', 'TCP', 'UDP'];
const protocolSet = new Set(protocols);

// ---- ports ------------------------------------------------------------------------------------

function validateContainerPorts(ports: readonly ContainerPort[], path: Path): Errs {
  const errs: Errs = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = path.index(i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(invalid(at.child('name'), name, m));
      else if (names.has(name)) errs.push(duplicate(at.child('name'), name));
      else names.add(name);
    }
    const cp = port.containerPort as number | undefined;
    if (!cp) errs.push(required(at.child('containerPort')));
    else for (const m of isValidPortNum(cp)) errs.push(invalid(at.child('containerPort'), cp, m));
    const hp = port.hostPort ?? 0;
    if (hp !== 0)
      for (const m of isValidPortNum(hp)) errs.push(invalid(at.child('hostPort'), hp, m));
    const protocol: string = str(port.protocol);
    if (!protocol) errs.push(required(at.child('protocol')));
    else if (!protocolSet.has(protocol))
      errs.push(notSupported(at.child('protocol'), protocol, protocols));
  });
  return errs;
}

/** Duplicate hostPorts (by protocol, hostIP and port) across the given containers. */
export function checkHostPortConflicts(containers: readonly Container[], path: Path): Errs {
  const errs: Errs = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    list(c.ports).forEach((p, pi) => {
      const port = p.hostPort ?? 0;
      if (port === 0) return;
      const key = `${str(p.protocol)}/${str(p.hostIP)}/${port}`;
      if (seen.has(key))
        errs.push(duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

// ---- environment ------------------------------------------------------------------------------

const envFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const envFieldPathSet = new Set(envFieldPaths);

function validateEnv(env: readonly EnvVar[], path: Path): Errs {
  const errs: Errs = [];
  env.forEach((ev, i) => {
    const at = path.index(i);
    const name = str(ev.name);
    if (!name) errs.push(required(at.child('name')));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(invalid(at.child('name'), name, m));
    errs.push(...validateEnvVarValueFrom(ev, at.child('valueFrom')));
  });
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, path: Path): Errs {
  const from = ev.valueFrom;
  if (!from) return [];
  const errs: Errs = [];
  let n = 0;
  if (from.fieldRef) {
    n++;
    errs.push(
      ...validateObjectFieldSelector(
        from.fieldRef,
        envFieldPathSet,
        envFieldPaths,
        path.child('fieldRef'),
      ),
    );
  }
  if (from.resourceFieldRef) {
    n++;
    errs.push(
      ...validateResourceFieldSelector(
        from.resourceFieldRef,
        path.child('resourceFieldRef'),
        false,
      ),
    );
  }
  if (from.configMapKeyRef) {
    n++;
    errs.push(...validateKeySelector(from.configMapKeyRef, path.child('configMapKeyRef')));
  }
  if (from.secretKeyRef) {
    n++;
    errs.push(...validateKeySelector(from.secretKeyRef, path.child('secretKeyRef')));
  }
  if (n === 0) {
    errs.push(
      invalid(
        path,
        '',
        'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      ),
    );
  } else if (str(ev.value).length !== 0) {
    errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (n > 1) {
    errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateKeySelector(s: { name?: string; key?: string }, path: Path): Errs {
  const errs: Errs = [];
  const name = str(s.name);
  for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalid(path.child('name'), name, m));
  const key = str(s.key);
  if (!key) errs.push(required(path.child('key')));
  else for (const m of isConfigMapKey(key)) errs.push(invalid(path.child('key'), key, m));
  return errs;
}

function validateEnvFrom(sources: readonly EnvFromSource[], path: Path): Errs {
  const errs: Errs = [];
  sources.forEach((ev, i) => {
    const at = path.index(i);
    const prefix = str(ev.prefix);
    if (prefix)
      for (const m of isRelaxedEnvVarName(prefix))
        errs.push(invalid(at.child('prefix'), prefix, m));
    let n = 0;
    const ref = (r: { name?: string } | undefined, key: string): void => {
      if (!r) return;
      n++;
      const name = str(r.name);
      const p = at.child(key).child('name');
      if (!name) errs.push(required(p));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(invalid(p, name, m));
    };
    ref(ev.configMapRef, 'configMapRef');
    ref(ev.secretRef, 'secretRef');
    if (n === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1)
      errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

// ---- mounts -----------------------------------------------------------------------------------

const propagationModes = ['Bidirectional', 'HostToContainer', 'None'];
const rroModes = ['Disabled', 'Enabled', 'IfPossible'];

function validateVolumeMounts(
  mounts: readonly VolumeMount[],
  devices: readonly VolumeDevice[],
  volumes: VolumeMap,
  container: Container,
  path: Path,
): Errs {
  const errs: Errs = [];
  const mountPoints = new Set<string>();
  const deviceNames = new Set<string>();
  const devicePaths = new Set<string>();
  for (const d of devices) {
    deviceNames.add(str(d.name));
    devicePaths.add(str(d.devicePath));
  }
  mounts.forEach((mnt, i) => {
    const at = path.index(i);
    const name = str(mnt.name);
    const mountPath = str(mnt.mountPath);
    if (!name) errs.push(required(at.child('name')));
    if (!volumes.has(name)) errs.push(notFound(at.child('name'), name));
    if (!mountPath) errs.push(required(at.child('mountPath')));
    if (mountPoints.has(mountPath))
      errs.push(invalid(at.child('mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (deviceNames.has(name)) {
      errs.push(invalid(at.child('name'), name, 'must not already exist in volumeDevices'));
    }
    if (devicePaths.has(mountPath)) {
      errs.push(
        invalid(
          at.child('mountPath'),
          mountPath,
          'must not already exist as a path in volumeDevices',
        ),
      );
    }
    const subPath = str(mnt.subPath);
    const subPathExpr = str(mnt.subPathExpr);
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, path.child('subPath')));
    if (subPathExpr) {
      if (subPath) {
        errs.push(
          invalid(
            at.child('subPathExpr'),
            subPathExpr,
            'subPathExpr and subPath are mutually exclusive',
          ),
        );
      }
      errs.push(...validateLocalDescendingPath(subPathExpr, path.child('subPathExpr')));
    }
    const propagation = mnt.mountPropagation as string | undefined;
    if (propagation !== undefined) {
      const p = path.child('mountPropagation');
      if (!propagationModes.includes(propagation))
        errs.push(notSupported(p, propagation, propagationModes));
      if (propagation === 'Bidirectional' && container.securityContext?.privileged !== true) {
        errs.push(
          forbidden(
            p,
            'Bidirectional mount propagation is available only to privileged containers',
          ),
        );
      }
    }
    const rro = mnt.recursiveReadOnly;
    if (rro !== undefined) {
      const p = path.child('recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (!mnt.readOnly) errs.push(forbidden(p, 'may only be specified when readOnly is true'));
        if (propagation !== undefined && propagation !== 'None') {
          errs.push(
            forbidden(p, 'may only be specified when mountPropagation is None or not specified'),
          );
        }
      } else if (rro !== 'Disabled') {
        errs.push(notSupported(p, rro, rroModes));
      }
    }
  });
  return errs;
}

function validateVolumeDevices(
  devices: readonly VolumeDevice[],
  mounts: readonly VolumeMount[],
  volumes: VolumeMap,
  path: Path,
): Errs {
  const errs: Errs = [];
  const names = new Set<string>();
  const paths = new Set<string>();
  const mountNames = new Set<string>();
  const mountPaths = new Set<string>();
  for (const m of mounts) {
    mountNames.add(str(m.name));
    mountPaths.add(str(m.mountPath));
  }
  devices.forEach((dev, i) => {
    const at = path.index(i);
    const name = str(dev.name);
    const devPath = str(dev.devicePath);
    const source = volumes.get(name);
    if (!name) errs.push(required(at.child('name')));
    if (names.has(name)) errs.push(invalid(at.child('name'), name, 'must be unique'));
    if (source && !source.persistentVolumeClaim && !source.ephemeral) {
      errs.push(
        invalid(
          at.child('name'),
          name,
          'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
        ),
      );
    }
    if (!source) errs.push(notFound(at.child('name'), name));
    if (!devPath) errs.push(required(at.child('devicePath')));
    if (paths.has(devPath)) errs.push(invalid(at.child('devicePath'), devPath, 'must be unique'));
    if (devPath && validatePathNoBacksteps(devPath, at).length > 0) {
      errs.push(invalid(at.child('devicePath'), devPath, "can not contain backsteps ('..')"));
    } else {
      paths.add(devPath);
    }
    if (mountNames.has(name))
      errs.push(invalid(at.child('name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devPath)) {
      errs.push(
        invalid(
          at.child('devicePath'),
          devPath,
          'must not already exist as a path in volumeMounts',
        ),
      );
    }
    if (name) names.add(name);
  });
  return errs;
}

// ---- resources --------------------------------------------------------------------------------

function isHugePageValueDivisible(name: string, text: string): boolean {
  const size = parseQuantityOrUndefined(name.slice('hugepages-'.length));
  if (!size || size.sign() <= 0 || size.milliValue() % 1000n !== 0n) return false;
  const v = parseQty(text).value();
  return v % size.value() === 0n;
}

const quantityShapeRe = /^[+-]?[0-9.]+[eEinumkKMGTP]*[-+]?[0-9]*$/;

function parseQuantityOrUndefined(s: string): ReturnType<typeof parseQty> | undefined {
  if (!quantityShapeRe.test(s)) return undefined;
  return parseQty(s);
}

/**
 * Upstream `ValidateContainerResourceRequirements` (also used for `overhead`, at
 * `overhead.limits[...]`): names, non-negative (and integral) quantities, requests within limits
 * (equal for resources that cannot be overcommitted), hugepages need cpu or memory.
 */
export function validateResourceRequirements(
  r: ResourceRequirements | undefined,
  path: Path,
): Errs {
  const errs: Errs = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = map(r?.limits);
  const requests = map(r?.requests);
  let limCpuMem = false;
  let reqCpuMem = false;
  let limHuge = false;
  let reqHuge = false;
  for (const [name, q] of Object.entries(limits)) {
    const at = limPath.key(name);
    errs.push(...validateContainerResourceName(name, at));
    errs.push(...validateResourceQuantityValue(name, q, at));
    if (isHugePageResourceName(name)) {
      limHuge = true;
      if (!isHugePageValueDivisible(name, q)) {
        const qs = parseQty(q).toString();
        errs.push(invalid(at, qs, `${qs} is not positive integer multiple of ${name}`));
      }
    }
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const [name, q] of Object.entries(requests)) {
    const at = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, at));
    errs.push(...validateResourceQuantityValue(name, q, at));
    const limit = limits[name];
    if (limit !== undefined) {
      const rq = parseQty(q);
      const lq = parseQty(limit);
      const cmp = rq.cmp(lq);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(
          invalid(reqPath, rq.toString(), `must be equal to ${name} limit of ${lq.toString()}`),
        );
      } else if (cmp > 0) {
        errs.push(
          invalid(
            reqPath,
            rq.toString(),
            `must be less than or equal to ${name} limit of ${lq.toString()}`,
          ),
        );
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      reqHuge = true;
      if (!isHugePageValueDivisible(name, q)) {
        const qs = parseQty(q).toString();
        errs.push(invalid(at, qs, `${qs} is not positive integer multiple of ${name}`));
      }
    }
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge)) {
    errs.push(forbidden(path, 'HugePages require cpu or memory'));
  }
  return errs;
}

// ---- probes and hooks -------------------------------------------------------------------------

const schemes = ['HTTP', 'HTTPS'];

/** Upstream `ValidatePortNumOrName` for an IntOrString port. */
export function validatePortNumOrName(port: number | string | undefined, path: Path): Errs {
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  const n = port ?? 0;
  return isValidPortNum(n).map((m) => invalid(path, n, m));
}

function validateHTTPGet(http: HTTPGetAction, path: Path): Errs {
  const errs: Errs = [];
  if (!str(http.path)) errs.push(required(path.child('path')));
  errs.push(...validatePortNumOrName(http.port, path.child('port')));
  const scheme: string = str(http.scheme);
  if (!schemes.includes(scheme)) errs.push(notSupported(path.child('scheme'), scheme, schemes));
  for (const h of list(http.httpHeaders)) {
    const name = str(h.name);
    for (const m of isHTTPHeaderName(name)) errs.push(invalid(path.child('httpHeaders'), name, m));
  }
  return errs;
}

interface Handler {
  exec?: { command?: string[] } | undefined;
  httpGet?: HTTPGetAction | undefined;
  tcpSocket?: { port?: number | string } | undefined;
  grpc?: { port?: number } | undefined;
  sleep?: { seconds?: number } | undefined;
}

function validateHandler(h: Handler, gracePeriod: number | undefined, path: Path): Errs {
  const errs: Errs = [];
  let n = 0;
  const one = (present: unknown, key: string, check: () => Errs): void => {
    if (present === undefined || present === null) return;
    if (n > 0) errs.push(forbidden(path.child(key), 'may not specify more than 1 handler type'));
    else {
      n++;
      errs.push(...check());
    }
  };
  one(h.exec, 'exec', () =>
    list(h.exec?.command).length === 0 ? [required(path.child('exec').child('command'))] : [],
  );
  one(h.httpGet, 'httpGet', () =>
    h.httpGet ? validateHTTPGet(h.httpGet, path.child('httpGet')) : [],
  );
  one(h.tcpSocket, 'tcpSocket', () =>
    validatePortNumOrName(h.tcpSocket?.port, path.child('tcpSocket').child('port')),
  );
  one(h.grpc, 'grpc', () =>
    validatePortNumOrName(h.grpc?.port ?? 0, path.child('grpc').child('port')),
  );
  one(h.sleep, 'sleep', () => {
    const seconds = h.sleep?.seconds ?? 0;
    if (gracePeriod !== undefined && (seconds <= 0 || seconds > gracePeriod)) {
      return [
        invalid(
          path.child('sleep'),
          seconds,
          `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
        ),
      ];
    }
    return [];
  });
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(p: Probe, gracePeriod: number | undefined, path: Path): Errs {
  const errs = validateHandler(
    { exec: p.exec, httpGet: p.httpGet, tcpSocket: p.tcpSocket, grpc: p.grpc },
    gracePeriod,
    path,
  );
  const nonNegative = (v: number | undefined, key: string): void => {
    const n = v ?? 0;
    if (n < 0) errs.push(invalid(path.child(key), n, 'must be greater than or equal to 0'));
  };
  nonNegative(p.initialDelaySeconds, 'initialDelaySeconds');
  nonNegative(p.timeoutSeconds, 'timeoutSeconds');
  nonNegative(p.periodSeconds, 'periodSeconds');
  nonNegative(p.successThreshold, 'successThreshold');
  nonNegative(p.failureThreshold, 'failureThreshold');
  const tgp = p.terminationGracePeriodSeconds;
  if (tgp !== undefined && tgp <= 0) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), tgp, 'must be greater than 0'));
  }
  return errs;
}

function validateProbes(c: Container, gracePeriod: number | undefined, path: Path): Errs {
  const errs: Errs = [];
  if (c.livenessProbe) {
    const p = path.child('livenessProbe');
    errs.push(...validateProbe(c.livenessProbe, gracePeriod, p));
    const st = c.livenessProbe.successThreshold ?? 0;
    if (st !== 1) errs.push(invalid(p.child('successThreshold'), st, 'must be 1'));
  }
  if (c.readinessProbe) {
    const p = path.child('readinessProbe');
    errs.push(...validateProbe(c.readinessProbe, gracePeriod, p));
    const tgp = c.readinessProbe.terminationGracePeriodSeconds;
    if (tgp !== undefined) {
      errs.push(
        invalid(
          p.child('terminationGracePeriodSeconds'),
          tgp,
          'must not be set for readinessProbes',
        ),
      );
    }
  }
  if (c.startupProbe) {
    const p = path.child('startupProbe');
    errs.push(...validateProbe(c.startupProbe, gracePeriod, p));
    const st = c.startupProbe.successThreshold ?? 0;
    if (st !== 1) errs.push(invalid(p.child('successThreshold'), st, 'must be 1'));
  }
  return errs;
}

function validateLifecycle(l: Lifecycle, gracePeriod: number | undefined, path: Path): Errs {
  const errs: Errs = [];
  const handler = (h: LifecycleHandler | undefined, key: string): void => {
    if (h) {
      errs.push(
        ...validateHandler(
          { exec: h.exec, httpGet: h.httpGet, tcpSocket: h.tcpSocket, sleep: h.sleep },
          gracePeriod,
          path.child(key),
        ),
      );
    }
  };
  handler(l.postStart, 'postStart');
  handler(l.preStop, 'preStop');
  return errs;
}

// ---- security context -------------------------------------------------------------------------

const procMounts = ['Default', 'Unmasked'];
const seccompTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

const ptr = (type: string, set: boolean): string =>
  set ? `(${type})(0xc000000000)` : `(${type})(nil)`;

/** Go's `%#v` of a `core.SeccompProfile`. */
function goSeccompProfile(sp: { type?: string; localhostProfile?: string }): GoLiteral {
  return new GoLiteral(
    `core.SeccompProfile{Type:${goQuote(str(sp.type))}, LocalhostProfile:${ptr('*string', sp.localhostProfile !== undefined)}}`,
  );
}

/** Go's `%#v` of a `core.SecurityContext` (pointers shown as Go does, with a placeholder address). */
function goSecurityContext(sc: SecurityContext): GoLiteral {
  return new GoLiteral(
    'core.SecurityContext{' +
      `Capabilities:${ptr('*core.Capabilities', sc.capabilities !== undefined)}, ` +
      `Privileged:${ptr('*bool', sc.privileged !== undefined)}, ` +
      `SELinuxOptions:${ptr('*core.SELinuxOptions', sc.seLinuxOptions !== undefined)}, ` +
      `WindowsOptions:${ptr('*core.WindowsSecurityContextOptions', sc.windowsOptions !== undefined)}, ` +
      `RunAsUser:${ptr('*int64', sc.runAsUser !== undefined)}, ` +
      `RunAsGroup:${ptr('*int64', sc.runAsGroup !== undefined)}, ` +
      `RunAsNonRoot:${ptr('*bool', sc.runAsNonRoot !== undefined)}, ` +
      `ReadOnlyRootFilesystem:${ptr('*bool', sc.readOnlyRootFilesystem !== undefined)}, ` +
      `AllowPrivilegeEscalation:${ptr('*bool', sc.allowPrivilegeEscalation !== undefined)}, ` +
      `ProcMount:${ptr('*core.ProcMountType', sc.procMount !== undefined)}, ` +
      `SeccompProfile:${ptr('*core.SeccompProfile', sc.seccompProfile !== undefined)}, ` +
      `AppArmorProfile:${ptr('*core.AppArmorProfile', sc.appArmorProfile !== undefined)}}`,
  );
}

/** `seccompProfile` of a pod or container security context. */
export function validateSeccompProfile(
  sp: { type?: string; localhostProfile?: string } | undefined,
  path: Path,
): Errs {
  if (!sp) return [];
  const errs: Errs = [];
  const type = str(sp.type);
  if (!type) errs.push(required(path.child('type'), 'type is required when seccompProfile is set'));
  else if (!seccompTypes.includes(type))
    errs.push(notSupported(path.child('type'), type, seccompTypes));
  if (type === 'Localhost') {
    if (sp.localhostProfile === undefined) {
      errs.push(
        required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost'),
      );
    } else {
      errs.push(
        ...validateLocalDescendingPath(sp.localhostProfile, path.child('localhostProfile')),
      );
    }
  } else if (sp.localhostProfile !== undefined) {
    errs.push(
      invalid(
        path.child('localhostProfile'),
        goSeccompProfile(sp),
        'can only be set when seccomp type is Localhost',
      ),
    );
  }
  return errs;
}

const appArmorTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

/** `appArmorProfile` of a pod or container security context. */
export function validateAppArmorProfile(
  p: { type?: string; localhostProfile?: string } | undefined,
  path: Path,
): Errs {
  if (!p) return [];
  const errs: Errs = [];
  const type = str(p.type);
  switch (type) {
    case 'Localhost': {
      const lp = p.localhostProfile;
      if (lp === undefined) {
        errs.push(
          required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost'),
        );
      } else {
        const trimmed = lp.trim();
        if (trimmed !== lp) {
          errs.push(
            invalid(path.child('localhostProfile'), lp, 'must not be padded with whitespace'),
          );
        } else if (trimmed === '') {
          errs.push(
            required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost'),
          );
        }
        if (utf8Length(lp) > 4095) errs.push(tooLong(path.child('localhostProfile'), 4095));
      }
      break;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      if (p.localhostProfile !== undefined) {
        errs.push(
          invalid(
            path.child('localhostProfile'),
            p.localhostProfile,
            'can only be set when AppArmor type is Localhost',
          ),
        );
      }
      break;
    case '':
      errs.push(required(path.child('type'), 'type is required when appArmorProfile is set'));
      break;
    default:
      errs.push(notSupported(path.child('type'), type, appArmorTypes));
  }
  return errs;
}

/** Any ASCII control character (`[[:cntrl:]]`). */
function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
const netBiosRe = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
const windowsDomainDNSRe =
  /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const userBadCharsRe = /["/\\:;|=,+*?<>@[\]]/;
const userDotsSpacesRe = /^[. ]+$/;

/** `windowsOptions` of a pod or container security context. */
export function validateWindowsOptions(
  w:
    | { gmsaCredentialSpecName?: string; gmsaCredentialSpec?: string; runAsUserName?: string }
    | undefined,
  path: Path,
): Errs {
  if (!w) return [];
  const errs: Errs = [];
  if (w.gmsaCredentialSpecName !== undefined) {
    const n = w.gmsaCredentialSpecName;
    for (const m of nameIsDNSSubdomain(n, false))
      errs.push(invalid(path.child('gmsaCredentialSpecName'), n, m));
  }
  if (w.gmsaCredentialSpec !== undefined) {
    const l = utf8Length(w.gmsaCredentialSpec);
    const p = path.child('gmsaCredentialSpec');
    if (l === 0)
      errs.push(invalid(p, w.gmsaCredentialSpec, 'gmsaCredentialSpec cannot be an empty string'));
    else if (l > 64 * 1024)
      errs.push(invalid(p, w.gmsaCredentialSpec, 'gmsaCredentialSpec size must be under 64 KiB'));
  }
  const u = w.runAsUserName;
  if (u !== undefined) {
    const p = path.child('runAsUserName');
    const parts = u.split('\\');
    if (u.length === 0) errs.push(invalid(p, u, 'runAsUserName cannot be an empty string'));
    else if (hasControlChar(u))
      errs.push(invalid(p, u, 'runAsUserName cannot contain control characters'));
    else if (parts.length > 2)
      errs.push(invalid(p, u, 'runAsUserName cannot contain more than one backslash'));
    else {
      const hasDomain = parts.length === 2;
      const domain = hasDomain ? (parts[0] ?? '') : '';
      const user = hasDomain ? (parts[1] ?? '') : (parts[0] ?? '');
      if (utf8Length(domain) >= 256) {
        errs.push(invalid(p, u, "runAsUserName's Domain length must be under 256 characters"));
      }
      if (hasDomain && !(netBiosRe.test(domain) || windowsDomainDNSRe.test(domain))) {
        errs.push(
          invalid(p, u, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"),
        );
      }
      const l = utf8Length(user);
      if (l === 0) errs.push(invalid(p, u, "runAsUserName's User cannot be empty"));
      else if (l > 104) {
        errs.push(
          invalid(p, u, "runAsUserName's User length must not be longer than 104 characters"),
        );
      }
      if (userDotsSpacesRe.test(user)) {
        errs.push(invalid(p, u, "runAsUserName's User cannot contain only periods or spaces"));
      }
      if (userBadCharsRe.test(user)) {
        errs.push(
          invalid(
            p,
            u,
            `runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`,
          ),
        );
      }
    }
  }
  return errs;
}

function validateSecurityContext(
  sc: SecurityContext | undefined,
  path: Path,
  hostUsers: boolean,
): Errs {
  if (!sc) return [];
  const errs: Errs = [];
  if (sc.runAsUser !== undefined) {
    for (const m of isValidUserID(sc.runAsUser))
      errs.push(invalid(path.child('runAsUser'), sc.runAsUser, m));
  }
  if (sc.runAsGroup !== undefined) {
    for (const m of isValidGroupID(sc.runAsGroup))
      errs.push(invalid(path.child('runAsGroup'), sc.runAsGroup, m));
  }
  const procMount: string | undefined = sc.procMount;
  if (procMount !== undefined) {
    if (!procMounts.includes(procMount))
      errs.push(notSupported(path.child('procMount'), procMount, procMounts));
    if (hostUsers && procMount === 'Unmasked') {
      errs.push(
        invalid(path.child('procMount'), procMount, '`hostUsers` must be false to use `Unmasked`'),
      );
    }
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) {
      errs.push(
        invalid(
          path,
          goSecurityContext(sc),
          'cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
        ),
      );
    }
    for (const cap of list(sc.capabilities?.add)) {
      if (cap === 'CAP_SYS_ADMIN') {
        errs.push(
          invalid(
            path,
            goSecurityContext(sc),
            'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN',
          ),
        );
      }
    }
  }
  errs.push(...validateWindowsOptions(sc.windowsOptions, path.child('windowsOptions')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, path.child('appArmorProfile')));
  return errs;
}

// ---- containers -------------------------------------------------------------------------------

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const messagePolicies = ['File', 'FallbackToLogsOnError'];

/** Upstream `validateContainerCommon`: what regular, init and ephemeral containers share. */
function validateContainerCommon(
  c: Container,
  volumes: VolumeMap,
  path: Path,
  opts: ContainerValidationOptions,
): Errs {
  const errs: Errs = [];
  const name = str(c.name);
  if (!name) errs.push(required(path.child('name')));
  else errs.push(...validateDNS1123Label(name, path.child('name')));
  if (!str(c.image)) errs.push(required(path.child('image')));
  const tmp: string = str(c.terminationMessagePolicy);
  if (!tmp) errs.push(required(path.child('terminationMessagePolicy')));
  else if (!messagePolicies.includes(tmp)) {
    errs.push(notSupported(path.child('terminationMessagePolicy'), tmp, messagePolicies));
  }
  const mounts = list(c.volumeMounts);
  const devices = list(c.volumeDevices);
  errs.push(...validateContainerPorts(list(c.ports), path.child('ports')));
  errs.push(...validateEnv(list(c.env), path.child('env')));
  errs.push(...validateEnvFrom(list(c.envFrom), path.child('envFrom')));
  errs.push(...validateVolumeMounts(mounts, devices, volumes, c, path.child('volumeMounts')));
  errs.push(...validateVolumeDevices(devices, mounts, volumes, path.child('volumeDevices')));
  const pull: string = str(c.imagePullPolicy);
  if (!pull) errs.push(required(path.child('imagePullPolicy')));
  else if (!pullPolicies.includes(pull))
    errs.push(notSupported(path.child('imagePullPolicy'), pull, pullPolicies));
  errs.push(...validateResourceRequirements(c.resources, path.child('resources')));
  errs.push(
    ...validateSecurityContext(c.securityContext, path.child('securityContext'), opts.hostUsers),
  );
  return errs;
}

/** Regular containers: at least one, names unique, probes and hooks, no restartPolicy. */
export function validateContainers(
  containers: readonly Container[],
  volumes: VolumeMap,
  path: Path,
  opts: ContainerValidationOptions,
): Errs {
  if (containers.length === 0) return [required(path)];
  const errs: Errs = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, at, opts));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(at.child('name'), name));
    else names.add(name);
    if (c.lifecycle)
      errs.push(...validateLifecycle(c.lifecycle, opts.gracePeriod, at.child('lifecycle')));
    errs.push(...validateProbes(c, opts.gracePeriod, at));
    if (c.restartPolicy !== undefined) {
      errs.push(forbidden(at.child('restartPolicy'), 'may not be set for non-init containers'));
    }
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

const initOnly = 'may not be set for init containers without restartPolicy=Always';

/** Init containers: names unique with the regular ones; hooks and probes only for sidecars. */
export function validateInitContainers(
  inits: readonly Container[],
  regular: readonly Container[],
  volumes: VolumeMap,
  path: Path,
  opts: ContainerValidationOptions,
): Errs {
  const errs: Errs = [];
  const names = new Set<string>();
  for (const c of regular) names.add(str(c.name));
  inits.forEach((c, i) => {
    const at = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, at, opts));
    let sidecar = false;
    if (c.restartPolicy !== undefined) {
      if (c.restartPolicy !== 'Always') {
        errs.push(notSupported(at.child('restartPolicy'), c.restartPolicy, ['Always']));
      }
      sidecar = c.restartPolicy === 'Always';
    }
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(at.child('name'), name));
    else if (name) names.add(name);
    errs.push(...checkHostPortConflicts([c], path));
    if (sidecar) {
      if (c.lifecycle)
        errs.push(...validateLifecycle(c.lifecycle, opts.gracePeriod, at.child('lifecycle')));
      errs.push(...validateProbes(c, opts.gracePeriod, at));
    } else {
      if (c.lifecycle) errs.push(forbidden(at.child('lifecycle'), initOnly));
      if (c.livenessProbe) errs.push(forbidden(at.child('livenessProbe'), initOnly));
      if (c.readinessProbe) errs.push(forbidden(at.child('readinessProbe'), initOnly));
      if (c.startupProbe) errs.push(forbidden(at.child('startupProbe'), initOnly));
    }
  });
  return errs;
}

/** Fields of EphemeralContainerCommon in Go order, and whether an ephemeral container may set them. */
const ephemeralFields: readonly (readonly [keyof EphemeralContainer, boolean])[] = [
  ['name', true],
  ['image', true],
  ['command', true],
  ['args', true],
  ['workingDir', true],
  ['ports', false],
  ['envFrom', true],
  ['env', true],
  ['resources', false],
  ['resizePolicy', false],
  ['restartPolicy', false],
  ['volumeMounts', true],
  ['volumeDevices', true],
  ['livenessProbe', false],
  ['readinessProbe', false],
  ['startupProbe', false],
  ['lifecycle', false],
  ['terminationMessagePath', true],
  ['terminationMessagePolicy', true],
  ['imagePullPolicy', true],
  ['securityContext', true],
  ['stdin', true],
  ['stdinOnce', true],
  ['tty', true],
];

/** Go's zero value test for the fields above (an empty `resources: {}` is the zero struct). */
function isGoZero(key: keyof EphemeralContainer, v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return true;
  if (key === 'resources' && typeof v === 'object') {
    const r = v as ResourceRequirements;
    return r.limits === undefined && r.requests === undefined && r.claims === undefined;
  }
  return false;
}

/** Ephemeral containers: names unique across the pod, a known target, the allow-list, no subPath. */
export function validateEphemeralContainers(
  ecs: readonly EphemeralContainer[],
  containers: readonly Container[],
  inits: readonly Container[],
  volumes: VolumeMap,
  path: Path,
  opts: ContainerValidationOptions,
): Errs {
  const errs: Errs = [];
  if (ecs.length === 0) return errs;
  const other = new Set<string>();
  for (const c of containers) other.add(str(c.name));
  for (const c of inits) other.add(str(c.name));
  const all = new Set(other);
  ecs.forEach((ec, i) => {
    const at = path.index(i);
    errs.push(...validateContainerCommon(ec, volumes, at, opts));
    const image = str(ec.image);
    if (image.length !== image.trim().length) {
      errs.push(invalid(at.child('image'), image, 'must not have leading or trailing whitespace'));
    }
    const name = str(ec.name);
    if (all.has(name)) errs.push(duplicate(at.child('name'), name));
    else all.add(name);
    const target = str(ec.targetContainerName);
    if (target && !other.has(target)) errs.push(notFound(at.child('targetContainerName'), target));
    for (const [key, allowed] of ephemeralFields) {
      if (!allowed && !isGoZero(key, ec[key])) {
        errs.push(forbidden(at.child(key), 'cannot be set for an Ephemeral Container'));
      }
    }
    list(ec.volumeMounts).forEach((vm, j) => {
      const vmPath = at.child('volumeMounts').index(j);
      if (str(vm.subPath))
        errs.push(forbidden(vmPath.child('subPath'), 'cannot be set for an Ephemeral Container'));
      if (str(vm.subPathExpr)) {
        errs.push(
          forbidden(vmPath.child('subPathExpr'), 'cannot be set for an Ephemeral Container'),
        );
      }
    });
  });
  return errs;
}

/** Pod-only check of a container (not done for templates): no whitespace around the image. */
export function validateContainerImageWhitespace(
  containers: readonly Container[],
  path: Path,
): Errs {
  const errs: Errs = [];
  containers.forEach((c, i) => {
    const image = str(c.image);
    if (image.length !== image.trim().length) {
      errs.push(
        invalid(
          path.index(i).child('image'),
          image,
          'must not have leading or trailing whitespace',
        ),
      );
    }
  });
  return errs;
}
