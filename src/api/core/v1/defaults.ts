/**
 * Defaulting of core/v1, as upstream v1.32 `pkg/apis/core/v1/defaults.go` and the generated
 * defaulters that apply it (`zz_generated.defaults.go`, which also carries the declarative
 * `+default=` markers of the types: container and service port protocol TCP, gRPC probe service "",
 * RBD/iSCSI/AzureDisk/ScaleIO volume settings, ReplicationController replicas 1).
 *
 * What a user sees in `kubectl get pod -o yaml` for a minimal pod, before admission plugins add the
 * service account volume, tolerations and priority:
 *
 *   spec:
 *     containers:
 *     - image: nginx
 *       imagePullPolicy: Always          (tag missing or :latest; IfNotPresent otherwise)
 *       name: nginx
 *       resources: {}
 *       terminationMessagePath: /dev/termination-log
 *       terminationMessagePolicy: File
 *     dnsPolicy: ClusterFirst
 *     enableServiceLinks: true            (Pod only, not templates)
 *     restartPolicy: Always
 *     schedulerName: default-scheduler
 *     securityContext: {}
 *     terminationGracePeriodSeconds: 30
 *
 * Every function mutates its argument in place and is idempotent; admission calls the kind's
 * defaulter on create and update, before validation. Upstream's Go `spec` is a value, always
 * present, so its defaults apply even to an object sent without one; we create the missing spec for
 * the kinds where that makes a difference to what validation then reports (Pod, Service, ...).
 *
 * Not defaulted here (other layers' job, as upstream): Service clusterIP/ipFamilies/nodePorts
 * (allocated by the API server), Namespace `spec.finalizers` (namespace strategy), a Pod's status
 * (pod strategy), service account token volumes, default tolerations and priority (admission).
 * `SetDefaults_ConfigMap` makes `data` an empty map, which Go then omits when encoding; we leave it
 * absent, which encodes the same.
 */
import { Quantity } from '../../quantity/quantity.ts';
import type { Container, EphemeralContainer, EnvVar } from './container.ts';
import type { Endpoints, Service } from './service.ts';
import type { LimitRange, LimitRangeItem } from './limit-range.ts';
import type { Namespace } from './namespace.ts';
import type { Node } from './node.ts';
import type {
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeSpec,
} from './persistent-volume.ts';
import type { Pod, PodSpec, PodTemplate, PodTemplateSpec } from './pod.ts';
import type { HTTPGetAction, Lifecycle, Probe } from './probe.ts';
import type { ReplicationController } from './replication-controller.ts';
import type { ResourceQuota } from './resource-quota.ts';
import type { ResourceRequirements } from './resources.ts';
import type { Secret } from './config.ts';
import type { ObjectFieldSelector } from './selectors.ts';
import type { PersistentVolumeClaimSpec, Volume, VolumeSource } from './volume.ts';

/** Mode of files projected from ConfigMaps, Secrets, the downward API and projections: 0644. */
export const defaultVolumeFileMode = 0o644;
/** Upstream `DefaultTerminationGracePeriodSeconds`. */
export const defaultTerminationGracePeriodSeconds = 30;
/** Upstream `DefaultSchedulerName`. */
export const defaultSchedulerName = 'default-scheduler';
/** Upstream `TerminationMessagePathDefault`. */
export const defaultTerminationMessagePath = '/dev/termination-log';
/** Upstream `DefaultClientIPServiceAffinitySeconds`: three hours. */
export const defaultClientIPServiceAffinitySeconds = 10800;
/** The label every namespace carries with its own name (upstream `LabelMetadataName`). */
export const labelMetadataName = 'kubernetes.io/metadata.name';

type ResourceList = Record<string, string>;

// ---- resource lists ---------------------------------------------------------------------------

/** Quantities whose text shows they are whole multiples of 1m: digits and a plain SI suffix. */
const exactAtMilliRe = /^[0-9]+(?:[kMGTPE]|[KMGTPE]i|m)?$/;

/**
 * Rounds every quantity up to milli precision (upstream `SetDefaults_ResourceList`, which rounds
 * `1n` CPU to `1m`). Values that already are whole milli-units keep their text.
 */
export function defaultResourceList(list: ResourceList | undefined): void {
  if (!list) return;
  for (const key of Object.keys(list)) {
    const text = list[key];
    if (text === undefined || exactAtMilliRe.test(text)) continue;
    const q = Quantity.tryParse(text);
    if (!(q instanceof Quantity)) continue;
    const rounded = q.roundUp(-3).quantity;
    if (rounded !== q) list[key] = rounded.toString();
  }
}

function defaultResourceRequirements(r: ResourceRequirements | undefined): void {
  if (!r) return;
  defaultResourceList(r.limits);
  defaultResourceList(r.requests);
}

// ---- image references -------------------------------------------------------------------------

// The reference grammar of github.com/distribution/reference (what upstream's ParseImageName uses).
const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referenceRe = new RegExp(
  `^((?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*)(?::(${tag}))?(?:@(${digest}))?$`,
);
const anchoredIdentifierRe = /^[a-f0-9]{64}$/;
const upperHexRe = /[A-F]/;
const nameTotalLengthMax = 255;

/**
 * The tag upstream's `parsers.ParseImageName` finds in an image reference: the tag if there is
 * one, `latest` when there is neither tag nor digest, and "" when the reference does not parse
 * (upper-case repository, bad digest, empty image...) or has only a digest.
 */
export function imageTag(image: string): string {
  if (anchoredIdentifierRe.test(image)) return '';
  const m = referenceRe.exec(image);
  if (!m) {
    return '';
  }
  const name = m[1] ?? '';
  const tagPart = m[2] ?? '';
  const digestPart = m[3] ?? '';
  if (name.length > nameTotalLengthMax) return '';
  if (digestPart) {
    // The digest library knows sha256/sha384/sha512 and checks their lengths.
    const colon = digestPart.indexOf(':');
    const alg = digestPart.slice(0, colon);
    const hexLen = digestPart.length - colon - 1;
    const want = alg === 'sha256' ? 64 : alg === 'sha384' ? 96 : alg === 'sha512' ? 128 : -1;
    if (want !== hexLen || upperHexRe.test(digestPart.slice(colon + 1))) return '';
  }
  if (!tagPart && !digestPart) return 'latest';
  return tagPart;
}

// ---- containers -------------------------------------------------------------------------------

function defaultHTTPGetAction(a: HTTPGetAction | undefined): void {
  if (!a) return;
  if (!a.path) a.path = '/';
  if (!a.scheme) a.scheme = 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHTTPGetAction(p.httpGet);
  if (p.grpc) p.grpc.service ??= '';
}

function defaultLifecycle(l: Lifecycle | undefined): void {
  if (!l) return;
  defaultHTTPGetAction(l.postStart?.httpGet);
  defaultHTTPGetAction(l.preStop?.httpGet);
}

function defaultObjectFieldSelector(s: ObjectFieldSelector | undefined): void {
  if (s && !s.apiVersion) s.apiVersion = 'v1';
}

function defaultEnv(env: readonly EnvVar[] | undefined): void {
  if (!env) return;
  for (const e of env) defaultObjectFieldSelector(e.valueFrom?.fieldRef);
}

/**
 * One container (regular, init or ephemeral): upstream `SetDefaults_Container` (pull policy from
 * the image tag, termination message path and policy) plus what the generated defaulter applies
 * to its parts (port protocol, env fieldRef apiVersion, resource rounding, probes, hooks).
 *
 * `resources: {}` is added when absent: upstream's `Resources` is a non-pointer struct that Go
 * always encodes, so every container of a real cluster shows it.
 */
export function defaultContainer(c: Container | EphemeralContainer): void {
  if (!c.imagePullPolicy) {
    c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  if (!c.terminationMessagePath) c.terminationMessagePath = defaultTerminationMessagePath;
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const p of c.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
  }
  defaultEnv(c.env);
  c.resources ??= {};
  defaultResourceRequirements(c.resources);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
}

// ---- volumes ----------------------------------------------------------------------------------

function hasVolumeSource(v: Volume): boolean {
  const rec = v as Record<string, unknown>;
  for (const k in rec) {
    if (k !== 'name' && rec[k] !== undefined && rec[k] !== null) return true;
  }
  return false;
}

function defaultClaimSpec(spec: PersistentVolumeClaimSpec | undefined): void {
  if (!spec) return;
  spec.volumeMode ??= 'Filesystem';
  defaultResourceList(spec.resources?.limits);
  defaultResourceList(spec.resources?.requests);
}

/**
 * The source-specific defaults shared by pod volumes and persistent volumes (hostPath type,
 * RBD/iSCSI/AzureDisk/ScaleIO settings).
 */
function defaultCommonSources(
  s: Pick<VolumeSource, 'hostPath' | 'rbd' | 'iscsi' | 'azureDisk' | 'scaleIO'>,
): void {
  if (s.hostPath) s.hostPath.type ??= '';
  if (s.rbd) {
    if (!s.rbd.pool) s.rbd.pool = 'rbd';
    if (!s.rbd.user) s.rbd.user = 'admin';
    if (!s.rbd.keyring) s.rbd.keyring = '/etc/ceph/keyring';
  }
  if (s.iscsi && !s.iscsi.iscsiInterface) s.iscsi.iscsiInterface = 'default';
  if (s.azureDisk) {
    s.azureDisk.cachingMode ??= 'ReadWrite';
    s.azureDisk.fsType ??= 'ext4';
    s.azureDisk.readOnly ??= false;
    s.azureDisk.kind ??= 'Shared';
  }
  if (s.scaleIO) {
    if (!s.scaleIO.storageMode) s.scaleIO.storageMode = 'ThinProvisioned';
    if (!s.scaleIO.fsType) s.scaleIO.fsType = 'xfs';
  }
}

/**
 * A pod volume: no source means `emptyDir: {}`; hostPath type ""; ConfigMap, Secret, downward API
 * and projected volumes get defaultMode 0644 (420); fieldRefs apiVersion v1; projected service
 * account tokens expire after an hour; ephemeral claim templates get volumeMode Filesystem.
 */
export function defaultVolume(v: Volume): void {
  if (!hasVolumeSource(v)) v.emptyDir = {};
  defaultCommonSources(v);
  if (v.secret) v.secret.defaultMode ??= defaultVolumeFileMode;
  if (v.configMap) v.configMap.defaultMode ??= defaultVolumeFileMode;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= defaultVolumeFileMode;
    for (const item of v.downwardAPI.items ?? []) defaultObjectFieldSelector(item.fieldRef);
  }
  if (v.projected) {
    v.projected.defaultMode ??= defaultVolumeFileMode;
    for (const source of v.projected.sources ?? []) {
      for (const item of source.downwardAPI?.items ?? []) defaultObjectFieldSelector(item.fieldRef);
      if (source.serviceAccountToken) source.serviceAccountToken.expirationSeconds ??= 3600;
    }
  }
  defaultClaimSpec(v.ephemeral?.volumeClaimTemplate?.spec);
}

// ---- pod specs, pods, templates ---------------------------------------------------------------

/**
 * A pod spec wherever it appears (pods and every template): upstream `SetDefaults_PodSpec`
 * (dnsPolicy ClusterFirst, restartPolicy Always, securityContext {}, terminationGracePeriodSeconds
 * 30, schedulerName default-scheduler) and the defaults of its volumes and containers.
 */
export function defaultPodSpec(spec: PodSpec): void {
  // Conversion round trip: the deprecated serviceAccount fills serviceAccountName and then mirrors it.
  if (!spec.serviceAccountName && spec.serviceAccount)
    spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= defaultTerminationGracePeriodSeconds;
  if (!spec.schedulerName) spec.schedulerName = defaultSchedulerName;
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  // Required by the schema, but a body may omit it; the decoder does not insist.
  for (const c of (spec.containers as Container[] | undefined) ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  defaultResourceList(spec.overhead);
  dropDisabledPodSpecFields(spec);
}

/**
 * Drops the fields of features that are off by default in v1.32, as upstream's strategies do
 * (`DropDisabledPodFields`) before validating and storing: image volumes, resource claims, pod-level
 * resources, hostUsers, supplementalGroupsPolicy, seLinuxChangePolicy, in-place resize policies
 * and ClusterTrustBundle projections. An image volume left without a source then fails
 * validation, as upstream's does.
 */
export function dropDisabledPodSpecFields(spec: PodSpec): void {
  for (const v of spec.volumes ?? []) {
    delete v.image;
    for (const source of v.projected?.sources ?? []) delete source.clusterTrustBundle;
  }
  delete spec.resourceClaims;
  delete spec.resources;
  delete spec.hostUsers;
  if (spec.securityContext) {
    delete spec.securityContext.supplementalGroupsPolicy;
    delete spec.securityContext.seLinuxChangePolicy;
  }
  const drop = (c: { resources?: ResourceRequirements; resizePolicy?: unknown }): void => {
    delete c.resizePolicy;
    if (c.resources) delete c.resources.claims;
  };
  for (const c of spec.initContainers ?? []) drop(c);
  for (const c of (spec.containers as Container[] | undefined) ?? []) drop(c);
  for (const c of spec.ephemeralContainers ?? []) drop(c);
}

/** A template in a PodTemplate or a workload: the pod spec defaults only (no Pod-only ones). */
export function defaultPodTemplateSpec(t: PodTemplateSpec): void {
  t.spec ??= { containers: [] };
  defaultPodSpec(t.spec);
}

function requestsFromLimits(containers: readonly Container[] | undefined): void {
  for (const c of containers ?? []) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    const resources = (c.resources ??= {});
    const requests = (resources.requests ??= {});
    for (const key of Object.keys(limits)) {
      const v = limits[key];
      if (v !== undefined && !Object.hasOwn(requests, key)) requests[key] = v;
    }
  }
}

function hostNetworkPorts(containers: readonly Container[] | undefined): void {
  for (const c of containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

/**
 * A Pod: upstream `SetDefaults_Pod` (requests default to limits for regular and init containers;
 * enableServiceLinks true; with hostNetwork, hostPort defaults to containerPort) and then the pod
 * spec defaults.
 */
export function defaultPod(pod: Pod): void {
  const spec = (pod.spec ??= { containers: [] });
  const containers = spec.containers as Container[] | undefined;
  requestsFromLimits(containers);
  requestsFromLimits(spec.initContainers);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    hostNetworkPorts(containers);
    hostNetworkPorts(spec.initContainers);
  }
  defaultPodSpec(spec);
  const status = pod.status;
  if (status) {
    // Conversion round trip: podIP is authoritative over a differing podIPs[0]; same for hostIP.
    if (status.podIP && status.podIPs?.[0]?.ip !== status.podIP)
      status.podIPs = [{ ip: status.podIP }];
    else if (!status.podIP && status.podIPs?.[0]) status.podIP = status.podIPs[0].ip;
    if (status.hostIP && status.hostIPs?.[0]?.ip !== status.hostIP)
      status.hostIPs = [{ ip: status.hostIP }];
    else if (!status.hostIP && status.hostIPs?.[0]) status.hostIP = status.hostIPs[0].ip;
  }
}

/** A PodTemplate: its template's pod spec. */
export function defaultPodTemplate(obj: PodTemplate): void {
  obj.template ??= {};
  defaultPodTemplateSpec(obj.template);
}

/**
 * A ReplicationController: selector and labels from the template's labels when unset, replicas 1,
 * and the template's pod spec defaults.
 */
export function defaultReplicationController(obj: ReplicationController): void {
  const spec = (obj.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (!obj.metadata?.labels || Object.keys(obj.metadata.labels).length === 0) {
      (obj.metadata ??= {}).labels = { ...labels };
    }
  }
  spec.replicas ??= 1;
  if (spec.template) defaultPodTemplateSpec(spec.template);
}

// ---- services and endpoints -------------------------------------------------------------------

/**
 * A Service: sessionAffinity None (and no sessionAffinityConfig), or ClientIP with a timeout of
 * 10800 s; type ClusterIP; port protocol TCP and targetPort = port; externalTrafficPolicy Cluster
 * when externally accessible; internalTrafficPolicy Cluster (not for ExternalName);
 * allocateLoadBalancerNodePorts true and ingress ipMode VIP for LoadBalancers.
 */
export function defaultService(obj: Service): void {
  const spec = (obj.spec ??= {});
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    if (cfg?.clientIP?.timeoutSeconds === undefined) {
      spec.sessionAffinityConfig = {
        clientIP: { timeoutSeconds: defaultClientIPServiceAffinitySeconds },
      };
    }
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of spec.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') {
      p.targetPort = p.port;
    }
  }
  const type: string = spec.type;
  const externallyAccessible =
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0);
  if (externallyAccessible && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (
    spec.internalTrafficPolicy === undefined &&
    (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')
  ) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts ??= true;
    for (const ing of obj.status?.loadBalancer?.ingress ?? []) {
      if (ing.ip && ing.ipMode === undefined) ing.ipMode = 'VIP';
    }
  }
}

/** Endpoints: every port's protocol TCP. */
export function defaultEndpoints(obj: Endpoints): void {
  for (const ss of obj.subsets ?? []) {
    for (const p of ss.ports ?? []) {
      if (!p.protocol) p.protocol = 'TCP';
    }
  }
}

// ---- cluster objects --------------------------------------------------------------------------

/** A Namespace: the `kubernetes.io/metadata.name` label (when named), status.phase Active. */
export function defaultNamespace(obj: Namespace): void {
  const name = obj.metadata?.name;
  if (name) {
    const meta = (obj.metadata ??= {});
    const labels = (meta.labels ??= {});
    labels[labelMetadataName] = name;
  }
  const status = (obj.status ??= {});
  if (!status.phase) status.phase = 'Active';
}

/** A Node: allocatable defaults to capacity; both rounded to milli precision. */
export function defaultNode(obj: Node): void {
  const status = obj.status;
  if (!status) return;
  if (status.allocatable === undefined && status.capacity !== undefined) {
    status.allocatable = { ...status.capacity };
  }
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
}

/**
 * A Secret: `stringData` merged into `data` (base64), overriding equal keys, and removed, as
 * upstream's conversion of a request does; then type Opaque.
 */
export function defaultSecret(obj: Secret): void {
  const stringData = obj.stringData;
  if (stringData) {
    if (Object.keys(stringData).length > 0) {
      const data = (obj.data ??= {});
      for (const [k, v] of Object.entries(stringData))
        data[k] = Buffer.from(v, 'utf8').toString('base64');
    }
    delete obj.stringData;
  }
  if (!obj.type) obj.type = 'Opaque';
}

/**
 * A PersistentVolume: status.phase Pending, reclaim policy Retain, volumeMode Filesystem,
 * capacity rounded, and the source-specific defaults.
 */
export function defaultPersistentVolume(obj: PersistentVolume): void {
  const status = (obj.status ??= {});
  if (!status.phase) status.phase = 'Pending';
  const spec: PersistentVolumeSpec = (obj.spec ??= {});
  if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
  spec.volumeMode ??= 'Filesystem';
  defaultResourceList(spec.capacity);
  defaultCommonSources(spec);
}

/** A PersistentVolumeClaim: status.phase Pending, spec.volumeMode Filesystem, quantities rounded. */
export function defaultPersistentVolumeClaim(obj: PersistentVolumeClaim): void {
  const status = (obj.status ??= {});
  if (!status.phase) status.phase = 'Pending';
  defaultClaimSpec((obj.spec ??= {}));
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatedResources);
}

/**
 * One LimitRange item: for type Container, the default limit falls back to max, and the default
 * request to the default limit, then to min. Quantities rounded.
 */
export function defaultLimitRangeItem(item: LimitRangeItem): void {
  if (item.type === 'Container') {
    const def = (item.default ??= {});
    const defReq = (item.defaultRequest ??= {});
    for (const [k, v] of Object.entries(item.max ?? {})) if (!Object.hasOwn(def, k)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!Object.hasOwn(defReq, k)) defReq[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {}))
      if (!Object.hasOwn(defReq, k)) defReq[k] = v;
  }
  defaultResourceList(item.max);
  defaultResourceList(item.min);
  defaultResourceList(item.default);
  defaultResourceList(item.defaultRequest);
  defaultResourceList(item.maxLimitRequestRatio);
}

/** A LimitRange: each item. */
export function defaultLimitRange(obj: LimitRange): void {
  for (const item of obj.spec?.limits ?? []) {
    defaultLimitRangeItem(item);
  }
}

/** A ResourceQuota: quantities rounded. */
export function defaultResourceQuota(obj: ResourceQuota): void {
  defaultResourceList(obj.spec?.hard);
  defaultResourceList(obj.status?.hard);
  defaultResourceList(obj.status?.used);
}

/** Kinds upstream does not default (ConfigMap, Event, ServiceAccount, Binding, ...). */
export function defaultNothing(_obj: object): void {
  // Nothing to default: upstream has no defaulting function for these kinds.
}
