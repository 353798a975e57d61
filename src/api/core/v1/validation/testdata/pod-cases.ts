/**
 * Invalid Pods and the exact aggregated message (`formatFieldErrors`) upstream v1.32 gives for
 * each. Every case starts from a valid pod (`validPod()`), changes one thing (or a few), is
 * defaulted as the API server would, and is validated as a create.
 *
 * Expected messages were derived from upstream's `pkg/apis/core/validation` and apimachinery's
 * message builders, field path by field path; see messages.ts for the shared detail strings.
 */
import type { Container, EphemeralContainer, VolumeMount } from '../../container.ts';
import type { Pod, PodSpec } from '../../pod.ts';
import type { Volume } from '../../volume.ts';
import {
  CONFIG_KEY,
  ENV_FIELDS,
  FILE_MODE,
  INT32_RANGE,
  IP,
  LABEL,
  LABEL_VALUE,
  NON_NEGATIVE,
  PORT_RANGE,
  QNAME,
  SUBDOMAIN,
  goQty,
} from './messages.ts';

export interface PodCase {
  readonly name: string;
  readonly mutate: (pod: Pod) => void;
  readonly expect: string;
}

/** A valid pod before defaulting: one container, nothing else. */
export function validPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
  };
}

export function specOf(p: Pod): PodSpec {
  return (p.spec ??= { containers: [] });
}

export function ctr(p: Pod, i = 0): Container {
  const c = specOf(p).containers[i];
  if (!c) throw new Error(`no container ${i}`);
  return c;
}

function vol(p: Pod, v: Volume): void {
  (specOf(p).volumes ??= []).push(v);
}

function mount(p: Pod, name: string, mountPath: string, extra: Partial<VolumeMount> = {}): void {
  (ctr(p).volumeMounts ??= []).push({ name, mountPath, ...extra });
}

function env(p: Pod, e: NonNullable<Container['env']>[number]): void {
  (ctr(p).env ??= []).push(e);
}

function init(p: Pod, c: Container): void {
  (specOf(p).initContainers ??= []).push(c);
}

const c0 = 'spec.containers[0]';
const long = (n: number): string => 'a'.repeat(n);

const portNameCharset = 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)';
const portNameLetter = 'must contain at least one letter (a-z)';
const noHandler = 'Required value: must specify a handler type';
const initOnly = 'Forbidden: may not be set for init containers without restartPolicy=Always';

export const podCases: readonly PodCase[] = [
  // ---- metadata ----
  {
    name: 'upper-case name',
    mutate: (p) => {
      p.metadata = { ...p.metadata, name: 'Web' };
    },
    expect: `metadata.name: Invalid value: "Web": ${SUBDOMAIN}`,
  },
  {
    name: 'name with underscore',
    mutate: (p) => {
      p.metadata = { ...p.metadata, name: 'my_pod' };
    },
    expect: `metadata.name: Invalid value: "my_pod": ${SUBDOMAIN}`,
  },
  {
    name: 'name ends with dash',
    mutate: (p) => {
      p.metadata = { ...p.metadata, name: 'web-' };
    },
    expect: `metadata.name: Invalid value: "web-": ${SUBDOMAIN}`,
  },
  {
    name: 'no name',
    mutate: (p) => {
      p.metadata = { namespace: 'default' };
    },
    expect: 'metadata.name: Required value: name or generateName is required',
  },
  {
    name: 'name of 254 characters',
    mutate: (p) => {
      p.metadata = { ...p.metadata, name: long(254) };
    },
    expect: `metadata.name: Invalid value: "${long(254)}": must be no more than 253 characters`,
  },
  {
    name: 'no namespace',
    mutate: (p) => {
      p.metadata = { name: 'web' };
    },
    expect: 'metadata.namespace: Required value',
  },
  {
    name: 'label key with space',
    mutate: (p) => {
      p.metadata = { ...p.metadata, labels: { 'a b': 'x' } };
    },
    expect: `metadata.labels: Invalid value: "a b": ${QNAME}`,
  },
  {
    name: 'label value too long',
    mutate: (p) => {
      p.metadata = { ...p.metadata, labels: { app: long(64) } };
    },
    expect: `metadata.labels: Invalid value: "${long(64)}": must be no more than 63 characters`,
  },
  {
    name: 'label value with space',
    mutate: (p) => {
      p.metadata = { ...p.metadata, labels: { app: 'a b' } };
    },
    expect: `metadata.labels: Invalid value: "a b": ${LABEL_VALUE}`,
  },
  {
    name: 'annotation key starting with dash',
    mutate: (p) => {
      p.metadata = { ...p.metadata, annotations: { '-bad': 'x' } };
    },
    expect: `metadata.annotations: Invalid value: "-bad": ${QNAME}`,
  },
  {
    name: 'unqualified non-standard finalizer',
    mutate: (p) => {
      p.metadata = { ...p.metadata, finalizers: ['foo'] };
    },
    expect:
      'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
  },
  {
    name: 'mirror pod annotation without node',
    mutate: (p) => {
      p.metadata = { ...p.metadata, annotations: { 'kubernetes.io/config.mirror': 'x' } };
    },
    expect:
      'metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "x": must set spec.nodeName if mirror pod annotation is set',
  },
  {
    name: 'deletion cost not a number',
    mutate: (p) => {
      p.metadata = {
        ...p.metadata,
        annotations: { 'controller.kubernetes.io/pod-deletion-cost': 'abc' },
      };
    },
    expect:
      'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "abc": must be a 32bit integer',
  },
  {
    name: 'deletion cost with plus sign',
    mutate: (p) => {
      p.metadata = {
        ...p.metadata,
        annotations: { 'controller.kubernetes.io/pod-deletion-cost': '+10' },
      };
    },
    expect:
      'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+10": must be a 32bit integer',
  },
  {
    name: 'deletion cost beyond int32',
    mutate: (p) => {
      p.metadata = {
        ...p.metadata,
        annotations: { 'controller.kubernetes.io/pod-deletion-cost': '2147483648' },
      };
    },
    expect:
      'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "2147483648": must be a 32bit integer',
  },
  {
    name: 'bad seccomp pod annotation',
    mutate: (p) => {
      p.metadata = {
        ...p.metadata,
        annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'foo' },
      };
    },
    expect:
      'metadata.annotations.seccomp.security.alpha.kubernetes.io/pod: Invalid value: "foo": must be a valid seccomp profile',
  },
  {
    name: 'AppArmor annotation for unknown container',
    mutate: (p) => {
      p.metadata = {
        ...p.metadata,
        annotations: { 'container.apparmor.security.beta.kubernetes.io/nope': 'runtime/default' },
      };
    },
    expect:
      'metadata.annotations[container.apparmor.security.beta.kubernetes.io/nope]: Invalid value: "nope": container not found',
  },
  {
    name: 'seccomp annotation and field disagree',
    mutate: (p) => {
      p.metadata = {
        ...p.metadata,
        annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' },
      };
      specOf(p).securityContext = { seccompProfile: { type: 'RuntimeDefault' } };
    },
    expect:
      'spec.securityContext.seccompProfile.type: Forbidden: seccomp type in annotation and field must match',
  },

  // ---- containers ----
  {
    name: 'upper-case container name',
    mutate: (p) => {
      ctr(p).name = 'App';
    },
    expect: `${c0}.name: Invalid value: "App": ${LABEL}`,
  },
  {
    name: 'container name with dot',
    mutate: (p) => {
      ctr(p).name = 'a.b';
    },
    expect: `${c0}.name: Invalid value: "a.b": must not contain dots`,
  },
  {
    name: 'empty container name',
    mutate: (p) => {
      ctr(p).name = '';
    },
    expect: `${c0}.name: Required value`,
  },
  {
    name: 'container name of 64 characters',
    mutate: (p) => {
      ctr(p).name = long(64);
    },
    expect: `${c0}.name: Invalid value: "${long(64)}": must be no more than 63 characters`,
  },
  {
    name: 'missing image',
    mutate: (p) => {
      delete ctr(p).image;
    },
    expect: `${c0}.image: Required value`,
  },
  {
    name: 'image with leading space',
    mutate: (p) => {
      ctr(p).image = ' nginx';
    },
    expect: `${c0}.image: Invalid value: " nginx": must not have leading or trailing whitespace`,
  },
  {
    name: 'image with trailing space',
    mutate: (p) => {
      ctr(p).image = 'nginx ';
    },
    expect: `${c0}.image: Invalid value: "nginx ": must not have leading or trailing whitespace`,
  },
  {
    name: 'duplicate container names',
    mutate: (p) => {
      specOf(p).containers.push({ name: 'app', image: 'busybox' });
    },
    expect: 'spec.containers[1].name: Duplicate value: "app"',
  },
  {
    name: 'no containers',
    mutate: (p) => {
      specOf(p).containers = [];
    },
    expect: 'spec.containers: Required value',
  },
  {
    name: 'init container named like a container',
    mutate: (p) => {
      init(p, { name: 'app', image: 'busybox' });
    },
    expect: 'spec.initContainers[0].name: Duplicate value: "app"',
  },
  {
    name: 'duplicate init container names',
    mutate: (p) => {
      init(p, { name: 'setup', image: 'busybox' });
      init(p, { name: 'setup', image: 'busybox' });
    },
    expect: 'spec.initContainers[1].name: Duplicate value: "setup"',
  },
  {
    name: 'bad termination message policy',
    mutate: (p) => {
      ctr(p).terminationMessagePolicy = 'Sometimes' as 'File';
    },
    expect: `${c0}.terminationMessagePolicy: Unsupported value: "Sometimes": supported values: "File", "FallbackToLogsOnError"`,
  },
  {
    name: 'bad image pull policy',
    mutate: (p) => {
      ctr(p).imagePullPolicy = 'Sometimes' as 'Always';
    },
    expect: `${c0}.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"`,
  },
  {
    name: 'several container errors',
    mutate: (p) => {
      ctr(p).name = 'A';
      delete ctr(p).image;
    },
    expect: `[${c0}.name: Invalid value: "A": ${LABEL}, ${c0}.image: Required value]`,
  },
  {
    name: 'restartPolicy on a regular container',
    mutate: (p) => {
      ctr(p).restartPolicy = 'Always';
    },
    expect: `${c0}.restartPolicy: Forbidden: may not be set for non-init containers`,
  },
  {
    name: 'ephemeral container on create',
    mutate: (p) => {
      specOf(p).ephemeralContainers = [{ name: 'debug', image: 'busybox' }];
    },
    expect: 'spec.ephemeralContainers: Forbidden: cannot be set on create',
  },
  {
    name: 'ephemeral container with ports on create',
    mutate: (p) => {
      specOf(p).ephemeralContainers = [
        { name: 'debug', image: 'busybox', ports: [{ containerPort: 80 }] },
      ];
    },
    expect:
      '[spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers: Forbidden: cannot be set on create]',
  },

  // ---- ports ----
  {
    name: 'container port 0',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 0 }];
    },
    expect: `${c0}.ports[0].containerPort: Required value`,
  },
  {
    name: 'container port too large',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 70000 }];
    },
    expect: `${c0}.ports[0].containerPort: Invalid value: 70000: ${PORT_RANGE}`,
  },
  {
    name: 'negative container port',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: -1 }];
    },
    expect: `${c0}.ports[0].containerPort: Invalid value: -1: ${PORT_RANGE}`,
  },
  {
    name: 'host port too large',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 80, hostPort: 70000 }];
    },
    expect: `${c0}.ports[0].hostPort: Invalid value: 70000: ${PORT_RANGE}`,
  },
  {
    name: 'unknown protocol',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 80, protocol: 'ICMP' as 'TCP' }];
    },
    expect: `${c0}.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"`,
  },
  {
    name: 'upper-case port name',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 80, name: 'HTTP' }];
    },
    expect: `[${c0}.ports[0].name: Invalid value: "HTTP": ${portNameCharset}, ${c0}.ports[0].name: Invalid value: "HTTP": ${portNameLetter}]`,
  },
  {
    name: 'port name too long',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 80, name: 'abcdefghijklmnop' }];
    },
    expect: `${c0}.ports[0].name: Invalid value: "abcdefghijklmnop": must be no more than 15 characters`,
  },
  {
    name: 'numeric port name',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 80, name: '8080' }];
    },
    expect: `${c0}.ports[0].name: Invalid value: "8080": ${portNameLetter}`,
  },
  {
    name: 'port name with double hyphen',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 80, name: 'a--b' }];
    },
    expect: `${c0}.ports[0].name: Invalid value: "a--b": must not contain consecutive hyphens`,
  },
  {
    name: 'port name starting with hyphen',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 80, name: '-ab' }];
    },
    expect: `${c0}.ports[0].name: Invalid value: "-ab": must not begin or end with a hyphen`,
  },
  {
    name: 'duplicate port names',
    mutate: (p) => {
      ctr(p).ports = [
        { containerPort: 80, name: 'http' },
        { containerPort: 81, name: 'http' },
      ];
    },
    expect: `${c0}.ports[1].name: Duplicate value: "http"`,
  },
  {
    name: 'host port used twice',
    mutate: (p) => {
      ctr(p).ports = [{ containerPort: 80, hostPort: 8080 }];
      specOf(p).containers.push({
        name: 'side',
        image: 'busybox',
        ports: [{ containerPort: 81, hostPort: 8080 }],
      });
    },
    expect: 'spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"',
  },
  {
    name: 'host network with another host port',
    mutate: (p) => {
      specOf(p).hostNetwork = true;
      ctr(p).ports = [{ containerPort: 80, hostPort: 81 }];
    },
    expect: `${c0}.ports[0].hostPort: Invalid value: 81: must match \`containerPort\` when \`hostNetwork\` is true`,
  },
  {
    name: 'init container reusing its own host port (reported at index 0)',
    mutate: (p) => {
      init(p, { name: 'first', image: 'busybox' });
      init(p, {
        name: 'second',
        image: 'busybox',
        ports: [
          { containerPort: 80, hostPort: 9000 },
          { containerPort: 81, hostPort: 9000 },
        ],
      });
    },
    expect: 'spec.initContainers[0].ports[1].hostPort: Duplicate value: "TCP//9000"',
  },

  // ---- environment ----
  {
    name: 'empty env name',
    mutate: (p) => {
      env(p, { name: '' });
    },
    expect: `${c0}.env[0].name: Required value`,
  },
  {
    name: 'env name with equals sign',
    mutate: (p) => {
      env(p, { name: 'A=B' });
    },
    expect: `${c0}.env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
  },
  {
    name: 'env name with tab',
    mutate: (p) => {
      env(p, { name: 'A\tB' });
    },
    expect: `${c0}.env[0].name: Invalid value: "A\\tB": a valid environment variable name must consist only of printable ASCII characters other than '='`,
  },
  {
    name: 'empty valueFrom',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: {} });
    },
    expect: `${c0}.env[0].valueFrom: Invalid value: "": must specify one of: \`fieldRef\`, \`resourceFieldRef\`, \`configMapKeyRef\` or \`secretKeyRef\``,
  },
  {
    name: 'value and valueFrom',
    mutate: (p) => {
      env(p, { name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    },
    expect: `${c0}.env[0].valueFrom: Invalid value: "": may not be specified when \`value\` is not empty`,
  },
  {
    name: 'two value sources',
    mutate: (p) => {
      env(p, {
        name: 'A',
        valueFrom: {
          fieldRef: { fieldPath: 'metadata.name' },
          configMapKeyRef: { name: 'cm', key: 'k' },
        },
      });
    },
    expect: `${c0}.env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time`,
  },
  {
    name: 'fieldRef to status.phase',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } });
    },
    expect: `${c0}.env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": ${ENV_FIELDS}`,
  },
  {
    name: 'fieldRef to labels without key',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } });
    },
    expect: `${c0}.env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "metadata.labels": ${ENV_FIELDS}`,
  },
  {
    name: 'fieldRef to an unknown field',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.foo' } } });
    },
    expect: `${c0}.env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.foo": error converting fieldPath: field label not supported: spec.foo`,
  },
  {
    name: 'fieldRef in another version',
    mutate: (p) => {
      env(p, {
        name: 'A',
        valueFrom: { fieldRef: { apiVersion: 'v2', fieldPath: 'metadata.name' } },
      });
    },
    expect: `${c0}.env[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.name": error converting fieldPath: unsupported pod version: v2`,
  },
  {
    name: 'fieldRef to a bad label key',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { fieldRef: { fieldPath: "metadata.labels['a b']" } } });
    },
    expect: `${c0}.env[0].valueFrom.fieldRef: Invalid value: "a b": ${QNAME}`,
  },
  {
    name: 'fieldRef subscript on a plain field',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { fieldRef: { fieldPath: "metadata.name['x']" } } });
    },
    expect: `${c0}.env[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.name['x']": error converting fieldPath: field label does not support subscript: metadata.name['x']`,
  },
  {
    name: 'resourceFieldRef to gpus',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } });
    },
    expect: `${c0}.env[0].valueFrom.resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"`,
  },
  {
    name: 'cpu divisor in mebibytes',
    mutate: (p) => {
      env(p, {
        name: 'A',
        valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1Mi' } },
      });
    },
    expect: `${c0}.env[0].valueFrom.resourceFieldRef.divisor: Invalid value: "limits.cpu": only divisor's values 1m and 1 are supported with the cpu resource`,
  },
  {
    name: 'memory divisor in millis',
    mutate: (p) => {
      env(p, {
        name: 'A',
        valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1m' } },
      });
    },
    expect: `${c0}.env[0].valueFrom.resourceFieldRef.divisor: Invalid value: "requests.memory": only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource`,
  },
  {
    name: 'configMapKeyRef without name',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { configMapKeyRef: { key: 'k' } } });
    },
    expect: `${c0}.env[0].valueFrom.configMapKeyRef.name: Invalid value: "": ${SUBDOMAIN}`,
  },
  {
    name: 'configMapKeyRef without key',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: '' } } });
    },
    expect: `${c0}.env[0].valueFrom.configMapKeyRef.key: Required value`,
  },
  {
    name: 'secretKeyRef with slash in key',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'a/b' } } });
    },
    expect: `${c0}.env[0].valueFrom.secretKeyRef.key: Invalid value: "a/b": ${CONFIG_KEY}`,
  },
  {
    name: 'secretKeyRef key ..',
    mutate: (p) => {
      env(p, { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: '..' } } });
    },
    expect: `${c0}.env[0].valueFrom.secretKeyRef.key: Invalid value: "..": must not be '..'`,
  },
  {
    name: 'envFrom without a source',
    mutate: (p) => {
      ctr(p).envFrom = [{}];
    },
    expect: `${c0}.envFrom: Invalid value: "": must specify one of: \`configMapRef\` or \`secretRef\``,
  },
  {
    name: 'envFrom with two sources',
    mutate: (p) => {
      ctr(p).envFrom = [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }];
    },
    expect: `${c0}.envFrom: Invalid value: "": may not have more than one field specified at a time`,
  },
  {
    name: 'envFrom configMap without name',
    mutate: (p) => {
      ctr(p).envFrom = [{ configMapRef: {} }];
    },
    expect: `${c0}.envFrom[0].configMapRef.name: Required value`,
  },
  {
    name: 'envFrom secret with bad name',
    mutate: (p) => {
      ctr(p).envFrom = [{ secretRef: { name: 'Bad' } }];
    },
    expect: `${c0}.envFrom[0].secretRef.name: Invalid value: "Bad": ${SUBDOMAIN}`,
  },
  {
    name: 'envFrom prefix with equals sign',
    mutate: (p) => {
      ctr(p).envFrom = [{ prefix: 'A=', configMapRef: { name: 'cm' } }];
    },
    expect: `${c0}.envFrom[0].prefix: Invalid value: "A=": a valid environment variable name must consist only of printable ASCII characters other than '='`,
  },

  // ---- volumes ----
  {
    name: 'upper-case volume name',
    mutate: (p) => {
      vol(p, { name: 'Data', emptyDir: {} });
    },
    expect: `spec.volumes[0].name: Invalid value: "Data": ${LABEL}`,
  },
  {
    name: 'empty volume name',
    mutate: (p) => {
      vol(p, { name: '', emptyDir: {} });
    },
    expect: 'spec.volumes[0].name: Required value',
  },
  {
    name: 'duplicate volume names',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      vol(p, { name: 'data', emptyDir: {} });
    },
    expect: 'spec.volumes[1].name: Duplicate value: "data"',
  },
  {
    name: 'two volume sources',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {}, hostPath: { path: '/data' } });
    },
    expect: 'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
  },
  {
    name: 'downward API as a second source (upstream spelling)',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {}, downwardAPI: {} });
    },
    expect: 'spec.volumes[0].downwarAPI: Forbidden: may not specify more than 1 volume type',
  },
  {
    name: 'image volume (feature off in v1.32)',
    mutate: (p) => {
      vol(p, { name: 'img', image: { reference: 'busybox' } });
    },
    expect: 'spec.volumes[0]: Required value: must specify a volume type',
  },
  {
    name: 'hostPath without path',
    mutate: (p) => {
      vol(p, { name: 'data', hostPath: { path: '' } });
    },
    expect: 'spec.volumes[0].hostPath.path: Required value',
  },
  {
    name: 'hostPath with ..',
    mutate: (p) => {
      vol(p, { name: 'data', hostPath: { path: '/a/../b' } });
    },
    expect: `spec.volumes[0].hostPath.path: Invalid value: "/a/../b": must not contain '..'`,
  },
  {
    name: 'unknown hostPath type',
    mutate: (p) => {
      vol(p, { name: 'data', hostPath: { path: '/data', type: 'Dir' as 'Directory' } });
    },
    expect:
      'spec.volumes[0].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
  },
  {
    name: 'negative emptyDir size limit',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: { sizeLimit: '-1Gi' } });
    },
    expect:
      'spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity',
  },
  {
    name: 'configMap volume without name',
    mutate: (p) => {
      vol(p, { name: 'cfg', configMap: {} });
    },
    expect: 'spec.volumes[0].configMap.name: Required value',
  },
  {
    name: 'configMap default mode too large',
    mutate: (p) => {
      vol(p, { name: 'cfg', configMap: { name: 'cm', defaultMode: 1000 } });
    },
    expect: `spec.volumes[0].configMap.defaultMode: Invalid value: 1000: ${FILE_MODE}`,
  },
  {
    name: 'configMap item with absolute path',
    mutate: (p) => {
      vol(p, { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: '/etc/x' }] } });
    },
    expect:
      'spec.volumes[0].configMap.items[0].path: Invalid value: "/etc/x": must be a relative path',
  },
  {
    name: 'configMap item path with ..',
    mutate: (p) => {
      vol(p, { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: '../x' }] } });
    },
    expect: `spec.volumes[0].configMap.items[0].path: Invalid value: "../x": must not contain '..'`,
  },
  {
    name: 'configMap item path starting with ..',
    mutate: (p) => {
      vol(p, { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: '..x' }] } });
    },
    expect: `spec.volumes[0].configMap.items[0].path: Invalid value: "..x": must not start with '..'`,
  },
  {
    name: 'configMap item without key',
    mutate: (p) => {
      vol(p, { name: 'cfg', configMap: { name: 'cm', items: [{ key: '', path: 'x' }] } });
    },
    expect: 'spec.volumes[0].configMap.items[0].key: Required value',
  },
  {
    name: 'configMap item without path',
    mutate: (p) => {
      vol(p, { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'k', path: '' }] } });
    },
    expect: 'spec.volumes[0].configMap.items[0].path: Required value',
  },
  {
    name: 'negative item mode',
    mutate: (p) => {
      vol(p, {
        name: 'cfg',
        configMap: { name: 'cm', items: [{ key: 'k', path: 'x', mode: -1 }] },
      });
    },
    expect: `spec.volumes[0].configMap.items[0].mode: Invalid value: -1: ${FILE_MODE}`,
  },
  {
    name: 'secret volume without secret name',
    mutate: (p) => {
      vol(p, { name: 's', secret: {} });
    },
    expect: 'spec.volumes[0].secret.secretName: Required value',
  },
  {
    name: 'secret default mode negative',
    mutate: (p) => {
      vol(p, { name: 's', secret: { secretName: 's', defaultMode: -1 } });
    },
    expect: `spec.volumes[0].secret.defaultMode: Invalid value: -1: ${FILE_MODE}`,
  },
  {
    name: 'downward API field not allowed in volumes',
    mutate: (p) => {
      vol(p, {
        name: 'info',
        downwardAPI: { items: [{ path: 'node', fieldRef: { fieldPath: 'spec.nodeName' } }] },
      });
    },
    expect:
      'spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"',
  },
  {
    name: 'downward API item without a reference',
    mutate: (p) => {
      vol(p, { name: 'info', downwardAPI: { items: [{ path: 'x' }] } });
    },
    expect:
      'spec.volumes[0].downwardAPI: Required value: one of fieldRef and resourceFieldRef is required',
  },
  {
    name: 'downward API resource without container',
    mutate: (p) => {
      vol(p, {
        name: 'info',
        downwardAPI: { items: [{ path: 'x', resourceFieldRef: { resource: 'limits.cpu' } }] },
      });
    },
    expect: 'spec.volumes[0].downwardAPI.resourceFieldRef.containerName: Required value',
  },
  {
    name: 'downward API item without path',
    mutate: (p) => {
      vol(p, {
        name: 'info',
        downwardAPI: { items: [{ path: '', fieldRef: { fieldPath: 'metadata.name' } }] },
      });
    },
    expect: 'spec.volumes[0].downwardAPI.path: Required value',
  },
  {
    name: 'downward API item with both references',
    mutate: (p) => {
      vol(p, {
        name: 'info',
        downwardAPI: {
          items: [
            {
              path: 'x',
              fieldRef: { fieldPath: 'metadata.name' },
              resourceFieldRef: { containerName: 'app', resource: 'limits.cpu' },
            },
          ],
        },
      });
    },
    expect:
      'spec.volumes[0].downwardAPI: Invalid value: "resource": fieldRef and resourceFieldRef can not be specified simultaneously',
  },
  {
    name: 'short-lived projected token',
    mutate: (p) => {
      specOf(p).serviceAccountName = 'default';
      vol(p, {
        name: 'tok',
        projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 60 } }] },
      });
    },
    expect:
      'spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
  },
  {
    name: 'projected token without service account',
    mutate: (p) => {
      vol(p, { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
    },
    expect:
      'spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set',
  },
  {
    name: 'projected token without path',
    mutate: (p) => {
      specOf(p).serviceAccountName = 'default';
      vol(p, { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: '' } }] } });
    },
    expect: 'spec.volumes[0].projected.path: Required value',
  },
  {
    name: 'projected source with two kinds',
    mutate: (p) => {
      vol(p, {
        name: 'p',
        projected: { sources: [{ secret: { name: 's' }, configMap: { name: 'c' } }] },
      });
    },
    expect:
      'spec.volumes[0].projected.sources[0]: Forbidden: may not specify more than 1 volume type per source',
  },
  {
    name: 'projected sources writing the same path',
    mutate: (p) => {
      vol(p, {
        name: 'p',
        projected: {
          sources: [
            { configMap: { name: 'c1', items: [{ key: 'a', path: 'x' }] } },
            { configMap: { name: 'c2', items: [{ key: 'b', path: 'x' }] } },
          ],
        },
      });
    },
    expect: 'spec.volumes[0].projected: Invalid value: "c2": conflicting duplicate paths',
  },
  {
    name: 'projected secret without name',
    mutate: (p) => {
      vol(p, { name: 'p', projected: { sources: [{ secret: {} }] } });
    },
    expect: 'spec.volumes[0].projected.sources[0].secret.name: Required value',
  },
  {
    name: 'claim volume without claim name',
    mutate: (p) => {
      vol(p, { name: 'd', persistentVolumeClaim: { claimName: '' } });
    },
    expect: 'spec.volumes[0].persistentVolumeClaim.claimName: Required value',
  },
  {
    name: 'NFS with relative path',
    mutate: (p) => {
      vol(p, { name: 'n', nfs: { server: 'nfs', path: 'data' } });
    },
    expect: 'spec.volumes[0].nfs.path: Invalid value: "data": must be an absolute path',
  },
  {
    name: 'NFS without server',
    mutate: (p) => {
      vol(p, { name: 'n', nfs: { server: '', path: '/data' } });
    },
    expect: 'spec.volumes[0].nfs.server: Required value',
  },
  {
    name: 'CSI volume without driver',
    mutate: (p) => {
      vol(p, { name: 'c', csi: { driver: '' } });
    },
    expect: `[spec.volumes[0].csi.driver: Required value, spec.volumes[0].csi.driver: Invalid value: "": ${SUBDOMAIN}]`,
  },
  {
    name: 'generic ephemeral volume without template',
    mutate: (p) => {
      vol(p, { name: 'e', ephemeral: {} });
    },
    expect: 'spec.volumes[0].ephemeral.volumeClaimTemplate: Required value',
  },
  {
    name: 'generic ephemeral volume without modes or size',
    mutate: (p) => {
      vol(p, { name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } });
    },
    expect:
      '[spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes: Required value: at least 1 access mode is required, spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources[storage]: Required value]',
  },
  {
    name: 'generic ephemeral volume template with a name',
    mutate: (p) => {
      vol(p, {
        name: 'e',
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { name: 'x' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        },
      });
    },
    expect: 'spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.name: Forbidden: cannot be set',
  },
  {
    name: 'gitRepo directory with ..',
    mutate: (p) => {
      vol(p, { name: 'g', gitRepo: { repository: 'https://x', directory: '../x' } });
    },
    expect: `spec.volumes[0].gitRepo.directory: Invalid value: "../x": must not contain '..'`,
  },
  {
    name: 'iSCSI with a bad IQN',
    mutate: (p) => {
      vol(p, { name: 'i', iscsi: { targetPortal: '1.2.3.4:3260', iqn: 'foo', lun: 0 } });
    },
    expect:
      'spec.volumes[0].iscsi.iqn: Invalid value: "foo": must be valid format starting with iqn, eui, or naa',
  },
  {
    name: 'RBD without monitors',
    mutate: (p) => {
      vol(p, { name: 'r', rbd: { monitors: [], image: 'img' } });
    },
    expect: 'spec.volumes[0].rbd.monitors: Required value',
  },

  // ---- mounts ----
  {
    name: 'mount of an unknown volume',
    mutate: (p) => {
      mount(p, 'missing', '/data');
    },
    expect: `${c0}.volumeMounts[0].name: Not found: "missing"`,
  },
  {
    name: 'mount without path',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '');
    },
    expect: `${c0}.volumeMounts[0].mountPath: Required value`,
  },
  {
    name: 'mount paths not unique',
    mutate: (p) => {
      vol(p, { name: 'a', emptyDir: {} });
      vol(p, { name: 'b', emptyDir: {} });
      mount(p, 'a', '/data');
      mount(p, 'b', '/data');
    },
    expect: `${c0}.volumeMounts[1].mountPath: Invalid value: "/data": must be unique`,
  },
  {
    name: 'absolute subPath',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '/data', { subPath: '/abs' });
    },
    expect: `${c0}.volumeMounts.subPath: Invalid value: "/abs": must be a relative path`,
  },
  {
    name: 'subPath escaping with ..',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '/data', { subPath: 'a/../../b' });
    },
    expect: `${c0}.volumeMounts.subPath: Invalid value: "a/../../b": must not contain '..'`,
  },
  {
    name: 'subPathExpr escaping with ..',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '/data', { subPathExpr: '../$(POD)' });
    },
    expect: `${c0}.volumeMounts.subPathExpr: Invalid value: "../$(POD)": must not contain '..'`,
  },
  {
    name: 'subPath and subPathExpr',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '/data', { subPath: 'a', subPathExpr: '$(X)' });
    },
    expect: `${c0}.volumeMounts[0].subPathExpr: Invalid value: "$(X)": subPathExpr and subPath are mutually exclusive`,
  },
  {
    name: 'bidirectional propagation without privilege',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '/data', { mountPropagation: 'Bidirectional' });
    },
    expect: `${c0}.volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers`,
  },
  {
    name: 'unknown mount propagation',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '/data', { mountPropagation: 'Shared' as 'None' });
    },
    expect: `${c0}.volumeMounts.mountPropagation: Unsupported value: "Shared": supported values: "Bidirectional", "HostToContainer", "None"`,
  },
  {
    name: 'recursive read-only on a writable mount',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '/data', { recursiveReadOnly: 'Enabled' });
    },
    expect: `${c0}.volumeMounts.recursiveReadOnly: Forbidden: may only be specified when readOnly is true`,
  },
  {
    name: 'unknown recursive read-only mode',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      mount(p, 'data', '/data', { recursiveReadOnly: 'Yes' });
    },
    expect: `${c0}.volumeMounts.recursiveReadOnly: Unsupported value: "Yes": supported values: "Disabled", "Enabled", "IfPossible"`,
  },
  {
    name: 'block device from an emptyDir',
    mutate: (p) => {
      vol(p, { name: 'data', emptyDir: {} });
      ctr(p).volumeDevices = [{ name: 'data', devicePath: '/dev/xvda' }];
    },
    expect: `${c0}.volumeDevices[0].name: Invalid value: "data": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode`,
  },
  {
    name: 'block device of an unknown volume',
    mutate: (p) => {
      ctr(p).volumeDevices = [{ name: 'nope', devicePath: '/dev/xvda' }];
    },
    expect: `${c0}.volumeDevices[0].name: Not found: "nope"`,
  },

  // ---- resources ----
  {
    name: 'negative cpu limit (and defaulted request)',
    mutate: (p) => {
      ctr(p).resources = { limits: { cpu: '-1' } };
    },
    expect: `[${c0}.resources.limits[cpu]: Invalid value: "-1": ${NON_NEGATIVE}, ${c0}.resources.requests[cpu]: Invalid value: "-1": ${NON_NEGATIVE}]`,
  },
  {
    name: 'negative memory request',
    mutate: (p) => {
      ctr(p).resources = { requests: { memory: '-128Mi' } };
    },
    expect: `${c0}.resources.requests[memory]: Invalid value: "-128Mi": ${NON_NEGATIVE}`,
  },
  {
    name: 'cpu request above limit',
    mutate: (p) => {
      ctr(p).resources = { limits: { cpu: '1' }, requests: { cpu: '2' } };
    },
    expect: `${c0}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`,
  },
  {
    name: 'memory request above limit',
    mutate: (p) => {
      ctr(p).resources = { limits: { memory: '512Mi' }, requests: { memory: '1Gi' } };
    },
    expect: `${c0}.resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi`,
  },
  {
    name: 'unqualified unknown resource',
    mutate: (p) => {
      ctr(p).resources = { requests: { gpu: '1' } };
    },
    expect: `[${c0}.resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified, ${c0}.resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers]`,
  },
  {
    name: 'pods is not a container resource',
    mutate: (p) => {
      ctr(p).resources = { requests: { pods: '1' } };
    },
    expect: `${c0}.resources.requests[pods]: Invalid value: "pods": must be a standard resource for containers`,
  },
  {
    name: 'extended resource request without limit',
    mutate: (p) => {
      ctr(p).resources = { requests: { 'example.com/gpu': '1' } };
    },
    expect: `${c0}.resources.limits: Required value: Limit must be set for non overcommitable resources`,
  },
  {
    name: 'extended resource request below limit',
    mutate: (p) => {
      ctr(p).resources = {
        limits: { 'example.com/gpu': '2' },
        requests: { 'example.com/gpu': '1' },
      };
    },
    expect: `${c0}.resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2`,
  },
  {
    name: 'fractional extended resource',
    mutate: (p) => {
      ctr(p).resources = { limits: { 'example.com/gpu': '500m' } };
    },
    expect: `[${c0}.resources.limits[example.com/gpu]: Invalid value: ${goQty(500, -3, '500m')}: must be an integer, ${c0}.resources.requests[example.com/gpu]: Invalid value: ${goQty(500, -3, '500m')}: must be an integer]`,
  },
  {
    name: 'extended resource with invalid name',
    mutate: (p) => {
      ctr(p).resources = { limits: { 'example.com/a b': '1' } };
    },
    expect: `[${c0}.resources.limits[example.com/a b]: Invalid value: "example.com/a b": ${QNAME}, ${c0}.resources.limits[example.com/a b]: Invalid value: "example.com/a b": doesn't follow extended resource name standard, ${c0}.resources.requests[example.com/a b]: Invalid value: "example.com/a b": ${QNAME}, ${c0}.resources.requests[example.com/a b]: Invalid value: "example.com/a b": doesn't follow extended resource name standard]`,
  },
  {
    name: 'hugepages not a multiple of the page size',
    mutate: (p) => {
      ctr(p).resources = { limits: { memory: '1Gi', 'hugepages-2Mi': '3Mi' } };
    },
    expect: `[${c0}.resources.limits[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi, ${c0}.resources.requests[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi]`,
  },
  {
    name: 'hugepages without cpu or memory',
    mutate: (p) => {
      ctr(p).resources = { limits: { 'hugepages-2Mi': '2Mi' } };
    },
    expect: `${c0}.resources: Forbidden: HugePages require cpu or memory`,
  },

  // ---- probes and hooks ----
  {
    name: 'probe without handler',
    mutate: (p) => {
      ctr(p).livenessProbe = {};
    },
    expect: `${c0}.livenessProbe: ${noHandler}`,
  },
  {
    name: 'probe with two handlers',
    mutate: (p) => {
      ctr(p).livenessProbe = { exec: { command: ['true'] }, httpGet: { port: 80 } };
    },
    expect: `${c0}.livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type`,
  },
  {
    name: 'liveness success threshold 2',
    mutate: (p) => {
      ctr(p).livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 };
    },
    expect: `${c0}.livenessProbe.successThreshold: Invalid value: 2: must be 1`,
  },
  {
    name: 'startup success threshold 3',
    mutate: (p) => {
      ctr(p).startupProbe = { exec: { command: ['true'] }, successThreshold: 3 };
    },
    expect: `${c0}.startupProbe.successThreshold: Invalid value: 3: must be 1`,
  },
  {
    name: 'negative period',
    mutate: (p) => {
      ctr(p).readinessProbe = { exec: { command: ['true'] }, periodSeconds: -1 };
    },
    expect: `${c0}.readinessProbe.periodSeconds: Invalid value: -1: ${NON_NEGATIVE}`,
  },
  {
    name: 'negative initial delay',
    mutate: (p) => {
      ctr(p).readinessProbe = { exec: { command: ['true'] }, initialDelaySeconds: -5 };
    },
    expect: `${c0}.readinessProbe.initialDelaySeconds: Invalid value: -5: ${NON_NEGATIVE}`,
  },
  {
    name: 'negative failure threshold',
    mutate: (p) => {
      ctr(p).readinessProbe = { exec: { command: ['true'] }, failureThreshold: -3 };
    },
    expect: `${c0}.readinessProbe.failureThreshold: Invalid value: -3: ${NON_NEGATIVE}`,
  },
  {
    name: 'exec without command',
    mutate: (p) => {
      ctr(p).livenessProbe = { exec: { command: [] } };
    },
    expect: `${c0}.livenessProbe.exec.command: Required value`,
  },
  {
    name: 'httpGet without port',
    mutate: (p) => {
      ctr(p).livenessProbe = { httpGet: {} as { port: number } };
    },
    expect: `${c0}.livenessProbe.httpGet.port: Invalid value: 0: ${PORT_RANGE}`,
  },
  {
    name: 'httpGet with upper-case port name',
    mutate: (p) => {
      ctr(p).livenessProbe = { httpGet: { port: 'HTTP' } };
    },
    expect: `[${c0}.livenessProbe.httpGet.port: Invalid value: "HTTP": ${portNameCharset}, ${c0}.livenessProbe.httpGet.port: Invalid value: "HTTP": ${portNameLetter}]`,
  },
  {
    name: 'httpGet with a port number as a string',
    mutate: (p) => {
      ctr(p).livenessProbe = { httpGet: { port: '8080' } };
    },
    expect: `${c0}.livenessProbe.httpGet.port: Invalid value: "8080": ${portNameLetter}`,
  },
  {
    name: 'httpGet with FTP',
    mutate: (p) => {
      ctr(p).livenessProbe = { httpGet: { port: 80, scheme: 'FTP' as 'HTTP' } };
    },
    expect: `${c0}.livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`,
  },
  {
    name: 'httpGet with a bad header name',
    mutate: (p) => {
      ctr(p).livenessProbe = {
        httpGet: { port: 80, httpHeaders: [{ name: 'bad header', value: 'x' }] },
      };
    },
    expect: `${c0}.livenessProbe.httpGet.httpHeaders: Invalid value: "bad header": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')`,
  },
  {
    name: 'tcpSocket port too large',
    mutate: (p) => {
      ctr(p).livenessProbe = { tcpSocket: { port: 70000 } };
    },
    expect: `${c0}.livenessProbe.tcpSocket.port: Invalid value: 70000: ${PORT_RANGE}`,
  },
  {
    name: 'grpc port 0',
    mutate: (p) => {
      ctr(p).livenessProbe = { grpc: { port: 0 } };
    },
    expect: `${c0}.livenessProbe.grpc.port: Invalid value: 0: ${PORT_RANGE}`,
  },
  {
    name: 'readiness probe with a grace period',
    mutate: (p) => {
      ctr(p).readinessProbe = { exec: { command: ['true'] }, terminationGracePeriodSeconds: 10 };
    },
    expect: `${c0}.readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for readinessProbes`,
  },
  {
    name: 'liveness probe grace period 0',
    mutate: (p) => {
      ctr(p).livenessProbe = { exec: { command: ['true'] }, terminationGracePeriodSeconds: 0 };
    },
    expect: `${c0}.livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0`,
  },
  {
    name: 'postStart hook without handler',
    mutate: (p) => {
      ctr(p).lifecycle = { postStart: {} };
    },
    expect: `${c0}.lifecycle.postStart: ${noHandler}`,
  },
  {
    name: 'preStop sleep longer than the grace period',
    mutate: (p) => {
      ctr(p).lifecycle = { preStop: { sleep: { seconds: 60 } } };
    },
    expect: `${c0}.lifecycle.preStop.sleep: Invalid value: 60: must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
  },
  {
    name: 'preStop sleep of zero',
    mutate: (p) => {
      ctr(p).lifecycle = { preStop: { sleep: { seconds: 0 } } };
    },
    expect: `${c0}.lifecycle.preStop.sleep: Invalid value: 0: must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
  },
  {
    name: 'hook with exec and httpGet',
    mutate: (p) => {
      ctr(p).lifecycle = { preStop: { exec: { command: ['x'] }, httpGet: { port: 80 } } };
    },
    expect: `${c0}.lifecycle.preStop.httpGet: Forbidden: may not specify more than 1 handler type`,
  },

  // ---- init containers and sidecars ----
  {
    name: 'init container with a liveness probe',
    mutate: (p) => {
      init(p, { name: 'setup', image: 'busybox', livenessProbe: { exec: { command: ['true'] } } });
    },
    expect: `spec.initContainers[0].livenessProbe: ${initOnly}`,
  },
  {
    name: 'init container with a readiness probe',
    mutate: (p) => {
      init(p, { name: 'setup', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } });
    },
    expect: `spec.initContainers[0].readinessProbe: ${initOnly}`,
  },
  {
    name: 'init container with a startup probe',
    mutate: (p) => {
      init(p, { name: 'setup', image: 'busybox', startupProbe: { exec: { command: ['true'] } } });
    },
    expect: `spec.initContainers[0].startupProbe: ${initOnly}`,
  },
  {
    name: 'init container with hooks',
    mutate: (p) => {
      init(p, {
        name: 'setup',
        image: 'busybox',
        lifecycle: { postStart: { exec: { command: ['true'] } } },
      });
    },
    expect: `spec.initContainers[0].lifecycle: ${initOnly}`,
  },
  {
    name: 'init container restart policy OnFailure',
    mutate: (p) => {
      init(p, { name: 'setup', image: 'busybox', restartPolicy: 'OnFailure' });
    },
    expect:
      'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
  },
  {
    name: 'sidecar liveness success threshold 2',
    mutate: (p) => {
      init(p, {
        name: 'proxy',
        image: 'envoy',
        restartPolicy: 'Always',
        livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 },
      });
    },
    expect: 'spec.initContainers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
  },
  {
    name: 'init container without image',
    mutate: (p) => {
      init(p, { name: 'setup' });
    },
    expect: 'spec.initContainers[0].image: Required value',
  },
  {
    name: 'init container image with whitespace',
    mutate: (p) => {
      init(p, { name: 'setup', image: 'busybox ' });
    },
    expect:
      'spec.initContainers[0].image: Invalid value: "busybox ": must not have leading or trailing whitespace',
  },

  // ---- security contexts ----
  {
    name: 'negative runAsUser',
    mutate: (p) => {
      ctr(p).securityContext = { runAsUser: -1 };
    },
    expect: `${c0}.securityContext.runAsUser: Invalid value: -1: ${INT32_RANGE}`,
  },
  {
    name: 'negative pod runAsGroup',
    mutate: (p) => {
      specOf(p).securityContext = { runAsGroup: -1 };
    },
    expect: `spec.securityContext.runAsGroup: Invalid value: -1: ${INT32_RANGE}`,
  },
  {
    name: 'fsGroup beyond int32',
    mutate: (p) => {
      specOf(p).securityContext = { fsGroup: 2147483648 };
    },
    expect: `spec.securityContext.fsGroup: Invalid value: 2147483648: ${INT32_RANGE}`,
  },
  {
    name: 'negative supplemental group',
    mutate: (p) => {
      specOf(p).securityContext = { supplementalGroups: [-1] };
    },
    expect: `spec.securityContext.supplementalGroups[0]: Invalid value: -1: ${INT32_RANGE}`,
  },
  {
    name: 'unknown procMount',
    mutate: (p) => {
      ctr(p).securityContext = { procMount: 'Full' as 'Default' };
    },
    expect: `${c0}.securityContext.procMount: Unsupported value: "Full": supported values: "Default", "Unmasked"`,
  },
  {
    name: 'unmasked procMount in the host user namespace',
    mutate: (p) => {
      ctr(p).securityContext = { procMount: 'Unmasked' };
    },
    expect: `${c0}.securityContext.procMount: Invalid value: "Unmasked": \`hostUsers\` must be false to use \`Unmasked\``,
  },
  {
    name: 'seccomp profile without type',
    mutate: (p) => {
      specOf(p).securityContext = { seccompProfile: {} as { type: 'Unconfined' } };
    },
    expect:
      'spec.securityContext.seccompProfile.type: Required value: type is required when seccompProfile is set',
  },
  {
    name: 'seccomp Localhost without profile',
    mutate: (p) => {
      specOf(p).securityContext = { seccompProfile: { type: 'Localhost' } };
    },
    expect:
      'spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost',
  },
  {
    name: 'unknown seccomp type',
    mutate: (p) => {
      ctr(p).securityContext = { seccompProfile: { type: 'Custom' as 'Localhost' } };
    },
    expect: `${c0}.securityContext.seccompProfile.type: Unsupported value: "Custom": supported values: "Localhost", "RuntimeDefault", "Unconfined"`,
  },
  {
    name: 'seccomp profile path with ..',
    mutate: (p) => {
      ctr(p).securityContext = { seccompProfile: { type: 'Localhost', localhostProfile: '../x' } };
    },
    expect: `${c0}.securityContext.seccompProfile.localhostProfile: Invalid value: "../x": must not contain '..'`,
  },
  {
    name: 'AppArmor Localhost without profile',
    mutate: (p) => {
      ctr(p).securityContext = { appArmorProfile: { type: 'Localhost' } };
    },
    expect: `${c0}.securityContext.appArmorProfile.localhostProfile: Required value: must be set when AppArmor type is Localhost`,
  },
  {
    name: 'AppArmor profile with RuntimeDefault',
    mutate: (p) => {
      ctr(p).securityContext = {
        appArmorProfile: { type: 'RuntimeDefault', localhostProfile: 'x' },
      };
    },
    expect: `${c0}.securityContext.appArmorProfile.localhostProfile: Invalid value: "x": can only be set when AppArmor type is Localhost`,
  },
  {
    name: 'AppArmor profile padded with spaces',
    mutate: (p) => {
      ctr(p).securityContext = { appArmorProfile: { type: 'Localhost', localhostProfile: ' x' } };
    },
    expect: `${c0}.securityContext.appArmorProfile.localhostProfile: Invalid value: " x": must not be padded with whitespace`,
  },
  {
    name: 'unknown fsGroupChangePolicy',
    mutate: (p) => {
      specOf(p).securityContext = { fsGroupChangePolicy: 'Never' as 'Always' };
    },
    expect:
      'spec.securityContext.fsGroupChangePolicy: Unsupported value: "Never": supported values: "Always", "OnRootMismatch"',
  },
  {
    name: 'upper-case sysctl',
    mutate: (p) => {
      specOf(p).securityContext = { sysctls: [{ name: 'Bad', value: '1' }] };
    },
    expect:
      'spec.securityContext.sysctls[0].name: Invalid value: "Bad": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$',
  },
  {
    name: 'duplicate sysctl',
    mutate: (p) => {
      specOf(p).securityContext = {
        sysctls: [
          { name: 'net.core.somaxconn', value: '1' },
          { name: 'net.core.somaxconn', value: '2' },
        ],
      };
    },
    expect: 'spec.securityContext.sysctls[1].name: Duplicate value: "net.core.somaxconn"',
  },
  {
    name: 'network sysctl with host network',
    mutate: (p) => {
      specOf(p).hostNetwork = true;
      specOf(p).securityContext = { sysctls: [{ name: 'net.core.somaxconn', value: '1' }] };
    },
    expect: `spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": may not be specified when 'hostNetwork' is true`,
  },
  {
    name: 'IPC sysctl with host IPC',
    mutate: (p) => {
      specOf(p).hostIPC = true;
      specOf(p).securityContext = { sysctls: [{ name: 'kernel.shmmax', value: '1' }] };
    },
    expect: `spec.securityContext.sysctls[0].name: Invalid value: "kernel.shmmax": may not be specified when 'hostIPC' is true`,
  },
  {
    name: 'shared PID namespace with host PID',
    mutate: (p) => {
      specOf(p).shareProcessNamespace = true;
      specOf(p).hostPID = true;
    },
    expect:
      'spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled',
  },

  // ---- pod-level fields ----
  {
    name: 'unknown restart policy',
    mutate: (p) => {
      specOf(p).restartPolicy = 'Sometimes' as 'Always';
    },
    expect:
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  },
  {
    name: 'unknown DNS policy',
    mutate: (p) => {
      specOf(p).dnsPolicy = 'Cluster' as 'Default';
    },
    expect:
      'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  },
  {
    name: 'DNS policy None without config',
    mutate: (p) => {
      specOf(p).dnsPolicy = 'None';
    },
    expect: 'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None',
  },
  {
    name: 'DNS policy None without nameservers',
    mutate: (p) => {
      specOf(p).dnsPolicy = 'None';
      specOf(p).dnsConfig = { searches: ['example.com'] };
    },
    expect:
      'spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None',
  },
  {
    name: 'four nameservers',
    mutate: (p) => {
      specOf(p).dnsConfig = { nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'] };
    },
    expect:
      'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4"}: must not have more than 3 nameservers',
  },
  {
    name: 'nameserver that is not an IP',
    mutate: (p) => {
      specOf(p).dnsConfig = { nameservers: ['dns'] };
    },
    expect: `spec.dnsConfig.nameservers[0]: Invalid value: "dns": ${IP}`,
  },
  {
    name: 'bad search domain',
    mutate: (p) => {
      specOf(p).dnsConfig = { searches: ['Bad_Domain'] };
    },
    expect: `spec.dnsConfig.searches[0]: Invalid value: "Bad_Domain": ${SUBDOMAIN}`,
  },
  {
    name: 'DNS option without name',
    mutate: (p) => {
      specOf(p).dnsConfig = { options: [{ value: '2' }] };
    },
    expect: 'spec.dnsConfig.options[0]: Required value: must not be empty',
  },
  {
    name: 'host alias with a bad IP',
    mutate: (p) => {
      specOf(p).hostAliases = [{ ip: 'x', hostnames: ['a'] }];
    },
    expect: `spec.hostAliases[0].ip: Invalid value: "x": ${IP}`,
  },
  {
    name: 'host alias with a bad hostname',
    mutate: (p) => {
      specOf(p).hostAliases = [{ ip: '10.0.0.1', hostnames: ['Bad'] }];
    },
    expect: `spec.hostAliases[0].hostnames[0]: Invalid value: "Bad": ${SUBDOMAIN}`,
  },
  {
    name: 'bad nodeSelector key',
    mutate: (p) => {
      specOf(p).nodeSelector = { 'a b': 'x' };
    },
    expect: `spec.nodeSelector: Invalid value: "a b": ${QNAME}`,
  },
  {
    name: 'bad nodeSelector value',
    mutate: (p) => {
      specOf(p).nodeSelector = { disk: 'a b' };
    },
    expect: `spec.nodeSelector: Invalid value: "a b": ${LABEL_VALUE}`,
  },
  {
    name: 'activeDeadlineSeconds 0',
    mutate: (p) => {
      specOf(p).activeDeadlineSeconds = 0;
    },
    expect:
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
  },
  {
    name: 'activeDeadlineSeconds beyond int32',
    mutate: (p) => {
      specOf(p).activeDeadlineSeconds = 2147483648;
    },
    expect:
      'spec.activeDeadlineSeconds: Invalid value: 2147483648: must be between 1 and 2147483647, inclusive',
  },
  {
    name: 'upper-case hostname',
    mutate: (p) => {
      specOf(p).hostname = 'Web';
    },
    expect: `spec.hostname: Invalid value: "Web": ${LABEL}`,
  },
  {
    name: 'subdomain with dots',
    mutate: (p) => {
      specOf(p).subdomain = 'a.b';
    },
    expect: 'spec.subdomain: Invalid value: "a.b": must not contain dots',
  },
  {
    name: 'bad service account name',
    mutate: (p) => {
      specOf(p).serviceAccountName = 'Bad';
    },
    expect: `spec.serviceAccountName: Invalid value: "Bad": ${SUBDOMAIN}`,
  },
  {
    name: 'bad deprecated service account',
    mutate: (p) => {
      specOf(p).serviceAccount = 'Bad';
    },
    expect: `spec.serviceAccountName: Invalid value: "Bad": ${SUBDOMAIN}`,
  },
  {
    name: 'bad node name',
    mutate: (p) => {
      specOf(p).nodeName = 'Node_1';
    },
    expect: `spec.nodeName: Invalid value: "Node_1": ${SUBDOMAIN}`,
  },
  {
    name: 'bad priority class name',
    mutate: (p) => {
      specOf(p).priorityClassName = 'High';
    },
    expect: `spec.priorityClassName: Invalid value: "High": ${SUBDOMAIN}`,
  },
  {
    name: 'empty runtime class name',
    mutate: (p) => {
      specOf(p).runtimeClassName = '';
    },
    expect: `spec.runtimeClassName: Invalid value: "": ${SUBDOMAIN}`,
  },
  {
    name: 'unknown preemption policy',
    mutate: (p) => {
      specOf(p).preemptionPolicy = 'Sometimes' as 'Never';
    },
    expect:
      'spec.preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"',
  },
  {
    name: 'bad readiness gate',
    mutate: (p) => {
      specOf(p).readinessGates = [{ conditionType: 'a b' }];
    },
    expect: `spec.readinessGates[0].conditionType: Invalid value: "a b": ${QNAME}`,
  },
  {
    name: 'duplicate scheduling gates',
    mutate: (p) => {
      specOf(p).schedulingGates = [{ name: 'example.com/gate' }, { name: 'example.com/gate' }];
    },
    expect: 'spec.schedulingGates[1]: Duplicate value: "example.com/gate"',
  },
  {
    name: 'bad scheduling gate name',
    mutate: (p) => {
      specOf(p).schedulingGates = [{ name: 'a b' }];
    },
    expect: `spec.schedulingGates[0]: Invalid value: "a b": ${QNAME}`,
  },
  {
    name: 'node name with scheduling gates',
    mutate: (p) => {
      specOf(p).nodeName = 'node-1';
      specOf(p).schedulingGates = [{ name: 'example.com/gate' }];
    },
    expect: 'spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared',
  },
  {
    name: 'unknown OS',
    mutate: (p) => {
      specOf(p).os = { name: 'mac' };
    },
    expect: 'spec.os: Unsupported value: "mac": supported values: "linux", "windows"',
  },
  {
    name: 'OS without name',
    mutate: (p) => {
      specOf(p).os = { name: '' };
    },
    expect: 'spec.os.name: Required value: cannot be empty',
  },
  {
    name: 'runAsUser on a Windows pod',
    mutate: (p) => {
      specOf(p).os = { name: 'windows' };
      specOf(p).securityContext = { runAsUser: 1000 };
    },
    expect: 'spec.securityContext.runAsUser: Forbidden: cannot be set for a windows pod',
  },
  {
    name: 'privileged container on a Windows pod',
    mutate: (p) => {
      specOf(p).os = { name: 'windows' };
      ctr(p).securityContext = { privileged: true };
    },
    expect: `${c0}.securityContext.privileged: Forbidden: cannot be set for a windows pod`,
  },
  {
    name: 'Windows options on a Linux pod',
    mutate: (p) => {
      specOf(p).os = { name: 'linux' };
      specOf(p).securityContext = { windowsOptions: { runAsUserName: 'x' } };
    },
    expect:
      'spec.securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod',
  },
  {
    name: 'negative overhead',
    mutate: (p) => {
      specOf(p).overhead = { cpu: '-1' };
    },
    expect: `spec.overhead.limits[cpu]: Invalid value: "-1": ${NON_NEGATIVE}`,
  },

  // ---- tolerations ----
  {
    name: 'unknown toleration operator',
    mutate: (p) => {
      specOf(p).tolerations = [{ key: 'k', operator: 'Equals' as 'Equal', value: 'v' }];
    },
    expect:
      'spec.tolerations[0].operator: Unsupported value: "Equals": supported values: "Equal", "Exists"',
  },
  {
    name: 'Exists with a value',
    mutate: (p) => {
      specOf(p).tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }];
    },
    expect: `spec.tolerations[0].operator: Invalid value: "v": value must be empty when \`operator\` is 'Exists'`,
  },
  {
    name: 'empty key with Equal',
    mutate: (p) => {
      specOf(p).tolerations = [{ operator: 'Equal', value: 'v' }];
    },
    expect:
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
  },
  {
    name: 'tolerationSeconds without NoExecute',
    mutate: (p) => {
      specOf(p).tolerations = [
        { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 10 },
      ];
    },
    expect: `spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when \`tolerationSeconds\` is set`,
  },
  {
    name: 'unknown taint effect',
    mutate: (p) => {
      specOf(p).tolerations = [{ key: 'k', operator: 'Exists', effect: 'Never' as 'NoSchedule' }];
    },
    expect:
      'spec.tolerations[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  },
  {
    name: 'bad toleration key',
    mutate: (p) => {
      specOf(p).tolerations = [{ key: 'a b', operator: 'Exists' }];
    },
    expect: `spec.tolerations[0].key: Invalid value: "a b": ${QNAME}`,
  },
  {
    name: 'bad toleration value',
    mutate: (p) => {
      specOf(p).tolerations = [{ key: 'k', value: 'a b' }];
    },
    expect: `spec.tolerations[0].operator: Invalid value: "a b": ${LABEL_VALUE}`,
  },

  // ---- topology spread ----
  {
    name: 'maxSkew 0',
    mutate: (p) => {
      specOf(p).topologySpreadConstraints = [
        { maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      ];
    },
    expect:
      'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
  },
  {
    name: 'unknown whenUnsatisfiable',
    mutate: (p) => {
      specOf(p).topologySpreadConstraints = [
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'Never' as 'DoNotSchedule' },
      ];
    },
    expect:
      'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Never": supported values: "DoNotSchedule", "ScheduleAnyway"',
  },
  {
    name: 'empty topology key',
    mutate: (p) => {
      specOf(p).topologySpreadConstraints = [
        { maxSkew: 1, topologyKey: '', whenUnsatisfiable: 'DoNotSchedule' },
      ];
    },
    expect: 'spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty',
  },
  {
    name: 'repeated constraint',
    mutate: (p) => {
      specOf(p).topologySpreadConstraints = [
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
        { maxSkew: 2, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
      ];
    },
    expect:
      'spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"',
  },
  {
    name: 'minDomains with ScheduleAnyway',
    mutate: (p) => {
      specOf(p).topologySpreadConstraints = [
        { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 },
      ];
    },
    expect:
      'spec.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway',
  },
  {
    name: 'matchLabelKeys without selector',
    mutate: (p) => {
      specOf(p).topologySpreadConstraints = [
        {
          maxSkew: 1,
          topologyKey: 'zone',
          whenUnsatisfiable: 'DoNotSchedule',
          matchLabelKeys: ['app'],
        },
      ];
    },
    expect:
      'spec.topologySpreadConstraints[0].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set',
  },
  {
    name: 'unknown node affinity policy',
    mutate: (p) => {
      specOf(p).topologySpreadConstraints = [
        {
          maxSkew: 1,
          topologyKey: 'zone',
          whenUnsatisfiable: 'DoNotSchedule',
          nodeAffinityPolicy: 'Maybe' as 'Honor',
        },
      ];
    },
    expect:
      'spec.topologySpreadConstraints[0].nodeAffinityPolicy: Unsupported value: "Maybe": supported values: "Honor", "Ignore"',
  },

  // ---- affinity ----
  {
    name: 'required node affinity without terms',
    mutate: (p) => {
      specOf(p).affinity = {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
      };
    },
    expect:
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
  },
  {
    name: 'unknown node selector operator',
    mutate: (p) => {
      specOf(p).affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'zone', operator: 'Equals' as 'In', values: ['a'] }] },
            ],
          },
        },
      };
    },
    expect:
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
  },
  {
    name: 'In without values',
    mutate: (p) => {
      specOf(p).affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }],
          },
        },
      };
    },
    expect:
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  },
  {
    name: 'Exists with values',
    mutate: (p) => {
      specOf(p).affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'zone', operator: 'Exists', values: ['a'] }] },
            ],
          },
        },
      };
    },
    expect:
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  },
  {
    name: 'Gt with two values',
    mutate: (p) => {
      specOf(p).affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'cpus', operator: 'Gt', values: ['1', '2'] }] },
            ],
          },
        },
      };
    },
    expect:
      "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
  },
  {
    name: 'match field on labels',
    mutate: (p) => {
      specOf(p).affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['a'] }] },
            ],
          },
        },
      };
    },
    expect:
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "metadata.labels": not a valid field selector key',
  },
  {
    name: 'preferred term weight 0',
    mutate: (p) => {
      specOf(p).affinity = {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 0, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
          ],
        },
      };
    },
    expect:
      'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
  },
  {
    name: 'pod affinity without topology key',
    mutate: (p) => {
      specOf(p).affinity = {
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] },
      };
    },
    expect: `[spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty, spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty, spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": ${QNAME}]`,
  },
  {
    name: 'anti-affinity with a bad namespace',
    mutate: (p) => {
      specOf(p).affinity = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'zone', namespaces: ['Bad'] },
          ],
        },
      };
    },
    expect: `spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespace: Invalid value: "Bad": ${LABEL}`,
  },
  {
    name: 'pod affinity selector with a bad operator',
    mutate: (p) => {
      specOf(p).affinity = {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              topologyKey: 'zone',
              labelSelector: {
                matchExpressions: [{ key: 'app', operator: 'Equals' as 'In', values: ['a'] }],
              },
            },
          ],
        },
      };
    },
    expect:
      'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
  },
  {
    name: 'preferred pod affinity weight 101',
    mutate: (p) => {
      specOf(p).affinity = {
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 101, podAffinityTerm: { topologyKey: 'zone' } },
          ],
        },
      };
    },
    expect:
      'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100',
  },
  {
    name: 'same key in matchLabelKeys and mismatchLabelKeys',
    mutate: (p) => {
      specOf(p).affinity = {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              topologyKey: 'zone',
              labelSelector: {},
              matchLabelKeys: ['app'],
              mismatchLabelKeys: ['app'],
            },
          ],
        },
      };
    },
    expect:
      'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys[0]: Invalid value: "app": exists in both matchLabelKeys and mismatchLabelKeys',
  },
];

/** A valid ephemeral container for the subresource tests. */
export function debugContainer(): EphemeralContainer {
  return { name: 'debug', image: 'busybox' };
}
