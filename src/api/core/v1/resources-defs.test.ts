import { describe, it, expect } from 'vitest';
import type { KubeObject, ResourceDef } from '../../scheme.ts';
import {
  coreV1Resources,
  eventsDef,
  namespacesDef,
  nodesDef,
  podsDef,
  replicationControllersDef,
  secretsDef,
  servicesDef,
} from './resources-defs.ts';
import type { Event } from './event.ts';
import type { Pod } from './pod.ts';

const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const rw = ['get', 'patch', 'update'];
const proxy = ['create', 'delete', 'get', 'patch', 'update'];

/**
 * What `GET /api/v1` lists on a v1.32 cluster for the resources podbay serves (componentstatuses
 * is not served): name, kind, namespaced, short names, categories, verbs.
 */
const discovery: readonly (readonly [string, string, boolean, string[], string[], string[]])[] = [
  ['bindings', 'Binding', true, [], [], ['create']],
  ['configmaps', 'ConfigMap', true, ['cm'], [], all],
  ['endpoints', 'Endpoints', true, ['ep'], [], all],
  ['events', 'Event', true, ['ev'], [], all],
  ['limitranges', 'LimitRange', true, ['limits'], [], all],
  [
    'namespaces',
    'Namespace',
    false,
    ['ns'],
    [],
    ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  ],
  ['namespaces/finalize', 'Namespace', false, [], [], ['update']],
  ['namespaces/status', 'Namespace', false, [], [], rw],
  ['nodes', 'Node', false, ['no'], [], all],
  ['nodes/proxy', 'NodeProxyOptions', false, [], [], proxy],
  ['nodes/status', 'Node', false, [], [], rw],
  ['persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc'], [], all],
  ['persistentvolumeclaims/status', 'PersistentVolumeClaim', true, [], [], rw],
  ['persistentvolumes', 'PersistentVolume', false, ['pv'], [], all],
  ['persistentvolumes/status', 'PersistentVolume', false, [], [], rw],
  ['pods', 'Pod', true, ['po'], ['all'], all],
  ['pods/attach', 'PodAttachOptions', true, [], [], ['create', 'get']],
  ['pods/binding', 'Binding', true, [], [], ['create']],
  ['pods/ephemeralcontainers', 'Pod', true, [], [], rw],
  ['pods/eviction', 'policy/v1 Eviction', true, [], [], ['create']],
  ['pods/exec', 'PodExecOptions', true, [], [], ['create', 'get']],
  ['pods/log', 'Pod', true, [], [], ['get']],
  ['pods/portforward', 'PodPortForwardOptions', true, [], [], ['create', 'get']],
  ['pods/proxy', 'PodProxyOptions', true, [], [], proxy],
  ['pods/status', 'Pod', true, [], [], rw],
  ['podtemplates', 'PodTemplate', true, [], [], all],
  ['replicationcontrollers', 'ReplicationController', true, ['rc'], ['all'], all],
  ['replicationcontrollers/scale', 'autoscaling/v1 Scale', true, [], [], rw],
  ['replicationcontrollers/status', 'ReplicationController', true, [], [], rw],
  ['resourcequotas', 'ResourceQuota', true, ['quota'], [], all],
  ['resourcequotas/status', 'ResourceQuota', true, [], [], rw],
  ['secrets', 'Secret', true, [], [], all],
  ['serviceaccounts', 'ServiceAccount', true, ['sa'], [], all],
  ['serviceaccounts/token', 'authentication.k8s.io/v1 TokenRequest', true, [], [], ['create']],
  ['services', 'Service', true, ['svc'], ['all'], all],
  ['services/proxy', 'ServiceProxyOptions', true, [], [], proxy],
  ['services/status', 'Service', true, [], [], rw],
];

function listed(
  defs: readonly ResourceDef[],
): [string, string, boolean, string[], string[], string[]][] {
  const rows: [string, string, boolean, string[], string[], string[]][] = [];
  for (const d of defs) {
    rows.push([
      d.resource,
      d.kind,
      d.namespaced,
      [...d.shortNames],
      [...d.categories],
      [...d.verbs].sort(),
    ]);
    for (const s of d.subresources) {
      const kind = s.group ? `${s.group}/${s.version ?? ''} ${s.kind}` : s.kind;
      rows.push([`${d.resource}/${s.name}`, kind, d.namespaced, [], [], [...s.verbs].sort()]);
    }
  }
  return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

describe('coreV1Resources', () => {
  it('matches upstream discovery for v1', () => {
    expect(listed(coreV1Resources)).toEqual(discovery.map((r) => [...r]));
  });

  it('are all core/v1 with singular names', () => {
    for (const d of coreV1Resources) {
      expect(d.group).toBe('');
      expect(d.version).toBe('v1');
      expect(d.singular).toBe(d.resource === 'endpoints' ? 'endpoints' : d.kind.toLowerCase());
    }
  });

  it('have the strategies upstream has', () => {
    const facts = Object.fromEntries(
      coreV1Resources.map((d) => [
        d.resource,
        [
          d.nameRule,
          d.hasStatusSubresource,
          d.tracksGeneration,
          d.allowUnconditionalUpdate,
          d.allowCreateOnUpdate,
        ],
      ]),
    );
    expect(facts).toEqual({
      bindings: ['subdomain', false, false, true, false],
      configmaps: ['subdomain', false, false, true, false],
      endpoints: ['subdomain', false, false, true, true],
      events: ['path-segment', false, false, true, true],
      limitranges: ['subdomain', false, false, true, true],
      namespaces: ['label', true, false, true, false],
      nodes: ['subdomain', true, false, true, false],
      persistentvolumeclaims: ['subdomain', true, false, true, false],
      persistentvolumes: ['subdomain', true, false, true, false],
      pods: ['subdomain', true, false, true, false],
      podtemplates: ['subdomain', false, true, true, false],
      replicationcontrollers: ['subdomain', true, true, true, false],
      resourcequotas: ['subdomain', true, false, true, false],
      secrets: ['subdomain', false, false, true, false],
      serviceaccounts: ['subdomain', false, false, true, false],
      services: ['dns1035', true, false, true, true],
    });
  });

  it('validate status updates where there is a status subresource', () => {
    for (const d of coreV1Resources) {
      expect(d.validateStatusUpdate !== undefined).toBe(d.hasStatusSubresource);
    }
  });
});

function selectable<T extends KubeObject>(d: ResourceDef<T>): string[] {
  return Object.keys(d.fieldSelectors).sort();
}

describe('field selectors', () => {
  it('are the labels upstream accepts for v1', () => {
    expect(selectable(podsDef)).toEqual([
      'metadata.name',
      'metadata.namespace',
      'spec.host',
      'spec.hostNetwork',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'status.nominatedNodeName',
      'status.phase',
      'status.podIP',
      'status.podIPs',
    ]);
    expect(selectable(eventsDef)).toEqual([
      'involvedObject.apiVersion',
      'involvedObject.fieldPath',
      'involvedObject.kind',
      'involvedObject.name',
      'involvedObject.namespace',
      'involvedObject.resourceVersion',
      'involvedObject.uid',
      'metadata.name',
      'metadata.namespace',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ]);
    expect(selectable(nodesDef)).toEqual(['metadata.name', 'spec.unschedulable']);
    expect(selectable(namespacesDef)).toEqual(['metadata.name', 'status.phase']);
    expect(selectable(secretsDef)).toEqual(['metadata.name', 'metadata.namespace', 'type']);
    expect(selectable(servicesDef)).toEqual([
      'metadata.name',
      'metadata.namespace',
      'spec.clusterIP',
      'spec.type',
    ]);
    expect(selectable(replicationControllersDef)).toEqual([
      'metadata.name',
      'metadata.namespace',
      'status.replicas',
    ]);
  });

  it('read pod fields as upstream sets them', () => {
    const pod: Pod = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [], nodeName: 'node-1', restartPolicy: 'Always', hostNetwork: true },
      status: {
        phase: 'Running',
        podIP: '10.0.0.5',
        podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }],
      },
    };
    const f = podsDef.fieldSelectors;
    expect(f['metadata.name']?.(pod)).toBe('web');
    expect(f['metadata.namespace']?.(pod)).toBe('default');
    expect(f['spec.nodeName']?.(pod)).toBe('node-1');
    expect(f['spec.host']?.(pod)).toBe('node-1');
    expect(f['spec.hostNetwork']?.(pod)).toBe('true');
    expect(f['spec.serviceAccountName']?.(pod)).toBe('');
    expect(f['status.phase']?.(pod)).toBe('Running');
    expect(f['status.podIP']?.(pod)).toBe('10.0.0.5');
    expect(f['status.podIPs']?.(pod)).toBe('');
    expect(f['spec.hostNetwork']?.({ metadata: {}, spec: { containers: [] } })).toBe('false');
  });

  it('read event sources from the reporting component when the source is empty', () => {
    const ev: Event = {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', name: 'web' },
      reportingComponent: 'kubelet',
    };
    expect(eventsDef.fieldSelectors['source']?.(ev)).toBe('kubelet');
    expect(eventsDef.fieldSelectors['reportingComponent']?.(ev)).toBe('kubelet');
    expect(eventsDef.fieldSelectors['involvedObject.kind']?.(ev)).toBe('Pod');
    expect(eventsDef.fieldSelectors['involvedObject.namespace']?.(ev)).toBe('');
  });

  it('print numbers and booleans as Go does', () => {
    expect(
      replicationControllersDef.fieldSelectors['status.replicas']?.({
        metadata: {},
        status: { replicas: 3 },
      }),
    ).toBe('3');
    expect(replicationControllersDef.fieldSelectors['status.replicas']?.({ metadata: {} })).toBe(
      '0',
    );
    expect(nodesDef.fieldSelectors['spec.unschedulable']?.({ metadata: {} })).toBe('false');
  });
});

describe('wiring', () => {
  it('defaults and validates through the defs', () => {
    const pod: Pod = {
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    };
    podsDef.defaults(pod);
    expect(pod.spec?.containers[0]?.imagePullPolicy).toBe('Always');
    expect(podsDef.validate(pod, { namespace: 'default' })).toEqual([]);
  });
});
