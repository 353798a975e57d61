import { describe, expect, it } from 'vitest';
import {
  fieldOf,
  elementOf,
  type Field,
  type ObjectSchema,
  type Schema,
} from '../../schema/schema.ts';
import * as core from './index.ts';
import type { Pod, PodTemplateSpec } from './index.ts';

const prefix = 'io.k8s.api.core.v1.';

/** Every object schema reachable from the module's exports, by name (first one seen wins). */
function collect(): { byName: Map<string, ObjectSchema>; clashes: string[] } {
  const byName = new Map<string, ObjectSchema>();
  const clashes: string[] = [];
  const visit = (s: Schema | undefined): void => {
    if (s === undefined) return;
    if (s.kind === 'object') {
      const seen = byName.get(s.name);
      if (seen !== undefined) {
        if (seen !== s) clashes.push(s.name);
        return;
      }
      byName.set(s.name, s);
      for (const f of Object.values(s.fields)) visit(f.schema);
    } else if (s.kind === 'array' || s.kind === 'map') {
      visit(elementOf(s));
    }
  };
  for (const value of Object.values(core)) {
    if (isSchema(value)) visit(value);
  }
  return { byName, clashes };
}

function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && 'kind' in v && typeof v.kind === 'string';
}

/** The field at a dotted path, descending through list elements and map values. */
function at(schema: Schema, path: string): Field {
  let current: Schema | undefined = schema;
  let found: Field | undefined;
  for (const part of path.split('.')) {
    const inner: Schema | undefined = elementOf(current) ?? current;
    found = fieldOf(inner, part);
    if (found === undefined) throw new Error(`no field ${part} in ${path}`);
    current = found.schema;
  }
  if (found === undefined) throw new Error(`empty path ${path}`);
  return found;
}

const kinds = [
  'Pod',
  'PodTemplate',
  'Node',
  'Namespace',
  'Event',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Service',
  'Endpoints',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'LimitRange',
  'ResourceQuota',
  'ReplicationController',
  'ComponentStatus',
];

describe('core/v1 schemas', () => {
  const { byName, clashes } = collect();

  it('gives every object schema a unique name', () => {
    expect(clashes).toEqual([]);
    expect([...byName.keys()].filter((n) => n.startsWith(prefix)).length).toBeGreaterThan(200);
  });

  it('describes every object and every field', () => {
    const undescribed: string[] = [];
    for (const [name, s] of byName) {
      if (!name.startsWith(prefix)) continue;
      if (s.description.trim() === '') undescribed.push(name);
      for (const [k, f] of Object.entries(s.fields)) {
        if (f.description.trim() === '') undescribed.push(`${name}.${k}`);
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('gives every kind a gvk, apiVersion/kind/metadata and a list kind', () => {
    const exports = core as Record<string, unknown>;
    for (const kind of kinds) {
      const lower = kind[0]!.toLowerCase() + kind.slice(1);
      const schema = exports[`${lower}Schema`] as ObjectSchema;
      const list = exports[`${lower}ListSchema`] as ObjectSchema;
      expect(schema.name).toBe(prefix + kind);
      expect(schema.gvk).toEqual([{ group: '', version: 'v1', kind }]);
      for (const f of ['apiVersion', 'kind', 'metadata']) expect(schema.fields[f]).toBeDefined();
      expect(list.name).toBe(`${prefix}${kind}List`);
      expect(list.gvk).toEqual([{ group: '', version: 'v1', kind: `${kind}List` }]);
      const items = list.fields['items'];
      expect(items?.required).toBe(true);
      expect(elementOf(items?.schema)).toBe(schema);
    }
    expect(core.bindingSchema.gvk).toEqual([{ group: '', version: 'v1', kind: 'Binding' }]);
    for (const option of [
      core.podLogOptionsSchema,
      core.podExecOptionsSchema,
      core.podAttachOptionsSchema,
      core.podPortForwardOptionsSchema,
      core.podProxyOptionsSchema,
    ]) {
      expect(option.gvk?.[0]?.kind).toBe(option.name.slice(prefix.length));
    }
  });

  it('merges containers, init and ephemeral containers on name', () => {
    for (const path of ['containers', 'initContainers', 'ephemeralContainers']) {
      const f = at(core.podSpecSchema, path);
      expect(f.patchStrategy).toBe('merge');
      expect(f.patchMergeKey).toBe('name');
      expect(f.listType).toBe('map');
      expect(f.listMapKeys).toEqual(['name']);
    }
    expect(at(core.podSpecSchema, 'containers').required).toBe(true);
    expect(elementOf(at(core.podSpecSchema, 'containers').schema)).toBe(core.containerSchema);
  });

  it('merges container ports on containerPort, keyed by port and protocol for apply', () => {
    const ports = at(core.containerSchema, 'ports');
    expect(ports.patchStrategy).toBe('merge');
    expect(ports.patchMergeKey).toBe('containerPort');
    expect(ports.listType).toBe('map');
    expect(ports.listMapKeys).toEqual(['containerPort', 'protocol']);
    expect(at(core.containerPortSchema, 'protocol').default).toBe('TCP');
    expect(at(core.containerPortSchema, 'containerPort').required).toBe(true);
  });

  it('merges service ports on port, keyed by port and protocol', () => {
    const ports = at(core.serviceSpecSchema, 'ports');
    expect(ports.patchMergeKey).toBe('port');
    expect(ports.listMapKeys).toEqual(['port', 'protocol']);
    expect(at(core.servicePortSchema, 'targetPort').schema.kind).toBe('int-or-string');
  });

  it('merges volumes with retainKeys on name', () => {
    const volumes = at(core.podSpecSchema, 'volumes');
    expect(volumes.patchStrategy).toBe('merge,retainKeys');
    expect(volumes.patchMergeKey).toBe('name');
    expect(volumes.listMapKeys).toEqual(['name']);
  });

  it('uses the upstream merge keys of the other pod lists', () => {
    const keys: Record<string, string> = {
      'containers.env': 'name',
      'containers.volumeMounts': 'mountPath',
      'containers.volumeDevices': 'devicePath',
      imagePullSecrets: 'name',
      hostAliases: 'ip',
      topologySpreadConstraints: 'topologyKey',
      schedulingGates: 'name',
      resourceClaims: 'name',
    };
    for (const [path, key] of Object.entries(keys)) {
      expect(at(core.podSpecSchema, path).patchMergeKey, path).toBe(key);
    }
    expect(at(core.podSpecSchema, 'topologySpreadConstraints').listMapKeys).toEqual([
      'topologyKey',
      'whenUnsatisfiable',
    ]);
    expect(at(core.podStatusSchema, 'conditions').patchMergeKey).toBe('type');
    expect(at(core.podStatusSchema, 'podIPs').patchMergeKey).toBe('ip');
    // hostIPs merge on ip for strategic merge patch but are atomic for apply.
    expect(at(core.podStatusSchema, 'hostIPs').listType).toBe('atomic');
    expect(at(core.podStatusSchema, 'hostIPs').patchMergeKey).toBe('ip');
  });

  it('keeps tolerations, envFrom and container statuses atomic', () => {
    for (const [schema, path] of [
      [core.podSpecSchema, 'tolerations'],
      [core.containerSchema, 'envFrom'],
      [core.containerSchema, 'command'],
      [core.podStatusSchema, 'containerStatuses'],
      [core.nodeSpecSchema, 'taints'],
    ] as const) {
      const f = at(schema, path);
      expect(f.listType, path).toBe('atomic');
      expect(f.patchStrategy, path).toBeUndefined();
    }
  });

  it('marks reference structs atomic and node selectors atomic maps', () => {
    expect(core.localObjectReferenceSchema.atomic).toBe(true);
    expect(core.objectReferenceSchema.atomic).toBe(true);
    expect(core.nodeSelectorSchema.atomic).toBe(true);
    expect(core.podSpecSchema.atomic).toBeUndefined();
    const nodeSelector = at(core.podSpecSchema, 'nodeSelector').schema;
    expect(nodeSelector.kind === 'map' && nodeSelector.mapType).toBe('atomic');
    expect(at(core.nodeSpecSchema, 'podCIDRs').listType).toBe('set');
  });

  it('uses the upstream JSON types', () => {
    const kind = (schema: ObjectSchema, path: string): string => {
      const s = at(schema, path).schema;
      return s.kind === 'integer' ? s.format : s.kind;
    };
    expect(kind(core.podSpecSchema, 'terminationGracePeriodSeconds')).toBe('int64');
    expect(kind(core.podSpecSchema, 'priority')).toBe('int32');
    expect(kind(core.containerStatusSchema, 'restartCount')).toBe('int32');
    expect(kind(core.securityContextSchema, 'runAsUser')).toBe('int64');
    expect(kind(core.httpGetActionSchema, 'port')).toBe('int-or-string');
    expect(kind(core.grpcActionSchema, 'port')).toBe('int32');
    expect(kind(core.eventSchema, 'eventTime')).toBe('time');
    expect((at(core.eventSchema, 'eventTime').schema as { micro?: boolean }).micro).toBe(true);
    const limits = at(core.resourceRequirementsSchema, 'limits').schema;
    expect(elementOf(limits)?.kind).toBe('quantity');
    const data = elementOf(at(core.secretSchema, 'data').schema);
    expect(data?.kind === 'string' && data.format).toBe('byte');
    const binary = elementOf(at(core.configMapSchema, 'binaryData').schema);
    expect(binary?.kind === 'string' && binary.format).toBe('byte');
  });

  it('requires what upstream requires', () => {
    expect(at(core.eventSchema, 'metadata').required).toBe(true);
    expect(at(core.eventSchema, 'involvedObject').required).toBe(true);
    expect(at(core.bindingSchema, 'target').required).toBe(true);
    expect(at(core.containerSchema, 'name').required).toBe(true);
    expect(at(core.containerSchema, 'image').required).toBeUndefined();
    expect(at(core.containerStatusSchema, 'ready').required).toBe(true);
    expect(at(core.podExecOptionsSchema, 'command').required).toBe(true);
  });

  it('has the closed value sets upstream documents', () => {
    const values = (schema: ObjectSchema, path: string): readonly string[] | undefined => {
      const s = at(schema, path).schema;
      const inner = elementOf(s) ?? s;
      return inner.kind === 'string' ? inner.enum : undefined;
    };
    expect(values(core.podStatusSchema, 'phase')).toEqual([
      'Pending',
      'Running',
      'Succeeded',
      'Failed',
      'Unknown',
    ]);
    expect(values(core.podSpecSchema, 'restartPolicy')).toEqual(['Always', 'OnFailure', 'Never']);
    expect(values(core.podConditionSchema, 'status')).toEqual(['True', 'False', 'Unknown']);
    expect(values(core.containerSchema, 'imagePullPolicy')).toEqual([
      'Always',
      'Never',
      'IfNotPresent',
    ]);
    expect(values(core.serviceSpecSchema, 'ipFamilies')).toContain('IPv6');
    // Open sets stay open: custom condition types and secret types must decode.
    expect(values(core.podConditionSchema, 'type')).toBeUndefined();
    expect(values(core.secretSchema, 'type')).toBeUndefined();
  });

  it('carries every volume source, including the legacy ones', () => {
    const sources = Object.keys(core.volumeSchema.fields).filter((k) => k !== 'name');
    expect(sources).toHaveLength(30);
    for (const s of ['emptyDir', 'hostPath', 'projected', 'csi', 'ephemeral', 'image', 'gitRepo']) {
      expect(sources).toContain(s);
    }
    expect(fieldOf(core.lifecycleHandlerSchema, 'sleep')?.schema).toBe(core.sleepActionSchema);
  });

  it('infers usable TypeScript types', () => {
    const template: PodTemplateSpec = {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }],
        restartPolicy: 'Always',
      },
    };
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', ...template, status: { phase: 'Running' } };
    expect(pod.spec?.containers[0]?.ports?.[0]?.containerPort).toBe(80);
  });
});
