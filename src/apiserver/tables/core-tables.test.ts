import { describe, it, expect } from 'vitest';
import type {
  ComponentStatus,
  ConfigMap,
  Event,
  Namespace,
  Node,
  NodeCondition,
  PersistentVolume,
  PersistentVolumeClaim,
  PodTemplate,
  ReplicationController,
  ResourceQuota,
  Secret,
  ServiceAccount,
} from '../../api/index.ts';
import {
  accessModesString,
  componentStatusTableConvertor,
  configMapTableConvertor,
  eventCells,
  eventTableConvertor,
  namespaceTableConvertor,
  nodeRoles,
  nodeStatus,
  nodeTableConvertor,
  persistentVolumeClaimTableConvertor,
  persistentVolumeTableConvertor,
  podTemplateTableConvertor,
  replicationControllerTableConvertor,
  resourceQuotaTableConvertor,
  resourceQuotaUsage,
  secretTableConvertor,
  serviceAccountTableConvertor,
} from './core-tables.ts';

const now = Date.parse('2025-03-01T12:00:00Z');
const sec = 1000;
const min = 60 * sec;
const hour = 60 * min;
const day = 24 * hour;

function ago(ms: number): string {
  return new Date(now - ms).toISOString().replace('.000Z', 'Z');
}

function microAgo(ms: number): string {
  return new Date(now - ms).toISOString().replace('Z', '412Z');
}

const meta = (name: string, age = 3 * day) => ({ name, creationTimestamp: ago(age) });

describe('namespaces', () => {
  it.each<[string, Namespace, unknown[]]>([
    [
      'active',
      { metadata: meta('default'), status: { phase: 'Active' } },
      ['default', 'Active', '3d'],
    ],
    [
      'terminating',
      { metadata: meta('scratch', 90 * sec), status: { phase: 'Terminating' } },
      ['scratch', 'Terminating', '90s'],
    ],
    ['no status yet', { metadata: meta('new', 0) }, ['new', '', '0s']],
  ])('%s', (_name, ns, want) => {
    expect(namespaceTableConvertor.cells(ns, now)).toEqual(want);
  });

  it('has upstream columns', () => {
    expect(namespaceTableConvertor.columns.map((c) => c.name)).toEqual(['Name', 'Status', 'Age']);
  });
});

describe('nodes', () => {
  const ready = (status: 'True' | 'False' | 'Unknown'): NodeCondition => ({
    type: 'Ready',
    status,
  });
  const memoryOk: NodeCondition = { type: 'MemoryPressure', status: 'False' };

  function node(
    conditions: NodeCondition[],
    opts: { cordoned?: boolean; labels?: Record<string, string> } = {},
  ): Node {
    const n: Node = {
      metadata: { ...meta('node-1', 40 * day), labels: opts.labels ?? {} },
      spec: opts.cordoned ? { unschedulable: true } : {},
      status: { conditions },
    };
    return n;
  }

  it.each<[string, Node, string]>([
    ['ready', node([memoryOk, ready('True')]), 'Ready'],
    ['not ready', node([ready('False'), memoryOk]), 'NotReady'],
    ['unreachable (Ready Unknown)', node([ready('Unknown')]), 'NotReady'],
    ['no Ready condition yet', node([memoryOk]), 'Unknown'],
    ['ready and cordoned', node([ready('True')], { cordoned: true }), 'Ready,SchedulingDisabled'],
    [
      'not ready and cordoned',
      node([ready('False')], { cordoned: true }),
      'NotReady,SchedulingDisabled',
    ],
    ['no conditions and cordoned', node([], { cordoned: true }), 'Unknown,SchedulingDisabled'],
  ])('STATUS when %s', (_name, n, want) => {
    expect(nodeStatus(n)).toBe(want);
  });

  it.each<[string, Record<string, string>, string]>([
    ['no role labels', { 'kubernetes.io/hostname': 'node-1' }, '<none>'],
    ['a control plane', { 'node-role.kubernetes.io/control-plane': '' }, 'control-plane'],
    [
      'several roles, sorted',
      {
        'node-role.kubernetes.io/worker': '',
        'node-role.kubernetes.io/control-plane': 'true',
        'kubernetes.io/role': 'edge',
      },
      'control-plane,edge,worker',
    ],
    [
      'a role label naming the same role twice',
      { 'node-role.kubernetes.io/gpu': '', 'kubernetes.io/role': 'gpu' },
      'gpu',
    ],
    ['an empty role', { 'node-role.kubernetes.io/': '', 'kubernetes.io/role': '' }, '<none>'],
  ])('ROLES with %s', (_name, labels, want) => {
    expect(nodeRoles(node([], { labels }))).toBe(want);
  });

  it('prints every cell', () => {
    const n = node([ready('True')], { labels: { 'node-role.kubernetes.io/control-plane': '' } });
    n.status!.addresses = [
      { type: 'Hostname', address: 'node-1' },
      { type: 'InternalIP', address: '192.168.1.10' },
      { type: 'InternalIP', address: 'fd00::10' },
    ];
    n.status!.nodeInfo = {
      machineID: 'm',
      systemUUID: 'u',
      bootID: 'b',
      kernelVersion: '6.1.0-18-amd64',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'runc://1.1.5',
      kubeletVersion: 'v1.32.0',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    };
    expect(nodeTableConvertor.cells(n, now)).toEqual([
      'node-1',
      'Ready',
      'control-plane',
      '40d',
      'v1.32.0',
      '192.168.1.10',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0-18-amd64',
      'runc://1.1.5',
    ]);
  });

  it('prints <none> and <unknown> for a node that never reported', () => {
    const n: Node = { metadata: meta('ghost', 2 * hour) };
    expect(nodeTableConvertor.cells(n, now)).toEqual([
      'ghost',
      'Unknown',
      '<none>',
      '120m',
      '',
      '<none>',
      '<none>',
      '<unknown>',
      '<unknown>',
      '<unknown>',
    ]);
  });

  it('has upstream columns', () => {
    expect(nodeTableConvertor.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Roles', 0],
      ['Age', 0],
      ['Version', 0],
      ['Internal-IP', 1],
      ['External-IP', 1],
      ['OS-Image', 1],
      ['Kernel-Version', 1],
      ['Container-Runtime', 1],
    ]);
  });
});

describe('events', () => {
  function event(fields: Partial<Event>): Event {
    return {
      metadata: { name: 'web.17f2a', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
      type: 'Normal',
      reason: 'Pulled',
      message: 'Successfully pulled image "nginx:1.27"\n',
      source: { component: 'kubelet', host: 'node-1' },
      ...fields,
    };
  }

  it('prints a classic event with first and last timestamps', () => {
    const ev = event({
      firstTimestamp: ago(2 * hour),
      lastTimestamp: ago(5 * min),
      count: 7,
      involvedObject: {
        kind: 'Pod',
        name: 'web',
        namespace: 'default',
        fieldPath: 'spec.containers{app}',
      },
    });
    expect(eventCells(ev, now)).toEqual([
      '5m',
      'Normal',
      'Pulled',
      'pod/web',
      'spec.containers{app}',
      'kubelet, node-1',
      'Successfully pulled image "nginx:1.27"',
      '120m',
      7,
      'web.17f2a',
    ]);
  });

  it('uses the first timestamp as last seen when the last one is unset', () => {
    const ev = event({ firstTimestamp: ago(40 * sec), count: 1 });
    expect(eventCells(ev, now).slice(0, 1)).toEqual(['40s']);
    expect(eventCells(ev, now)[7]).toBe('40s');
  });

  it('prints a new-style event from eventTime and its series', () => {
    const ev = event({
      eventTime: microAgo(3 * hour),
      series: { count: 12, lastObservedTime: microAgo(30 * sec) },
      source: {},
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-control-1',
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/1 nodes are available: 1 Insufficient cpu.',
    });
    const cells = eventCells(ev, now);
    expect(cells.slice(0, 3)).toEqual(['30s', 'Warning', 'FailedScheduling']);
    expect(cells.slice(5)).toEqual([
      'default-scheduler, default-scheduler-control-1',
      '0/1 nodes are available: 1 Insufficient cpu.',
      '3h',
      12,
      'web.17f2a',
    ]);
  });

  it('counts a new-style event without a series once', () => {
    const ev = event({ eventTime: microAgo(9 * min), source: {}, reportingComponent: 'kubelet' });
    const cells = eventCells(ev, now);
    expect([cells[0], cells[5], cells[7], cells[8]]).toEqual(['9m', 'kubelet', '9m', 1]);
  });

  it('prints <unknown> without any time and the kind alone without a name', () => {
    const ev = event({ involvedObject: { kind: 'Node' } });
    const cells = eventCells(ev, now);
    expect([cells[0], cells[3], cells[7]]).toEqual(['<unknown>', 'node', '<unknown>']);
  });

  it('has upstream columns: the wide ones after MESSAGE, Last Seen first', () => {
    expect(eventTableConvertor.columns.map((c) => [c.name, c.priority, c.format])).toEqual([
      ['Last Seen', 0, ''],
      ['Type', 0, ''],
      ['Reason', 0, ''],
      ['Object', 0, ''],
      ['Subobject', 1, ''],
      ['Source', 1, ''],
      ['Message', 0, ''],
      ['First Seen', 1, ''],
      ['Count', 1, ''],
      ['Name', 1, 'name'],
    ]);
  });
});

describe('configmaps, secrets, serviceaccounts', () => {
  it.each<[string, ConfigMap, unknown[]]>([
    ['empty', { metadata: meta('empty') }, ['empty', 0, '3d']],
    [
      'text and binary keys',
      {
        metadata: meta('settings', 5 * hour),
        data: { 'app.yaml': 'x: 1', LOG_LEVEL: 'info' },
        binaryData: { 'logo.png': 'iVBORw0KGgo=' },
      },
      ['settings', 3, '5h'],
    ],
  ])('configmap: %s', (_name, cm, want) => {
    expect(configMapTableConvertor.cells(cm, now)).toEqual(want);
  });

  it.each<[string, Secret, unknown[]]>([
    [
      'tls',
      {
        metadata: meta('web-tls'),
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
      },
      ['web-tls', 'kubernetes.io/tls', 2, '3d'],
    ],
    [
      'opaque without data',
      { metadata: meta('blank'), type: 'Opaque' },
      ['blank', 'Opaque', 0, '3d'],
    ],
  ])('secret: %s', (_name, s, want) => {
    expect(secretTableConvertor.cells(s, now)).toEqual(want);
  });

  it.each<[string, ServiceAccount, unknown[]]>([
    ['default', { metadata: meta('default') }, ['default', 0, '3d']],
    [
      'with a token secret',
      { metadata: meta('deployer'), secrets: [{ name: 'deployer-token' }] },
      ['deployer', 1, '3d'],
    ],
  ])('serviceaccount: %s', (_name, sa, want) => {
    expect(serviceAccountTableConvertor.cells(sa, now)).toEqual(want);
  });

  it('have upstream columns', () => {
    expect(configMapTableConvertor.columns.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(secretTableConvertor.columns.map((c) => c.name)).toEqual([
      'Name',
      'Type',
      'Data',
      'Age',
    ]);
    expect(serviceAccountTableConvertor.columns.map((c) => c.name)).toEqual([
      'Name',
      'Secrets',
      'Age',
    ]);
  });
});

describe('persistent volumes and claims', () => {
  it.each<[string[], string]>([
    [[], ''],
    [['ReadWriteOnce'], 'RWO'],
    [['ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOnce', 'ReadWriteOnce'], 'RWO,ROX,RWX'],
    [['ReadWriteOncePod', 'ReadWriteOnce'], 'RWO,RWOP'],
  ])('access modes %j are %s', (modes, want) => {
    expect(accessModesString(modes)).toBe(want);
  });

  it('prints a bound volume', () => {
    const pv: PersistentVolume = {
      metadata: meta('pv-data'),
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: 'local-path',
        claimRef: { namespace: 'shop', name: 'data' },
        volumeMode: 'Filesystem',
        hostPath: { path: '/srv/data' },
      },
      status: { phase: 'Bound' },
    };
    expect(persistentVolumeTableConvertor.cells(pv, now)).toEqual([
      'pv-data',
      '10Gi',
      'RWO',
      'Retain',
      'Bound',
      'shop/data',
      'local-path',
      '<unset>',
      '',
      '3d',
      'Filesystem',
    ]);
  });

  it('prints a failed volume being deleted, with the beta class annotation', () => {
    const pv: PersistentVolume = {
      metadata: {
        ...meta('pv-old'),
        deletionTimestamp: ago(sec),
        annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' },
      },
      spec: { storageClassName: 'ignored', volumeAttributesClassName: 'gold' },
      status: { phase: 'Failed', reason: 'RecyclerFailed' },
    };
    expect(persistentVolumeTableConvertor.cells(pv, now)).toEqual([
      'pv-old',
      '0',
      '',
      '',
      'Terminating',
      '',
      'legacy',
      'gold',
      'RecyclerFailed',
      '3d',
      '<unset>',
    ]);
  });

  it.each<[string, PersistentVolumeClaim, unknown[]]>([
    [
      'pending: no capacity or modes yet',
      {
        metadata: meta('data', 20 * sec),
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
          storageClassName: 'local-path',
        },
        status: { phase: 'Pending' },
      },
      ['data', 'Pending', '', '', '', 'local-path', '<unset>', '20s', '<unset>'],
    ],
    [
      'bound',
      {
        metadata: meta('data'),
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
          volumeName: 'pv-data',
          storageClassName: 'local-path',
          volumeMode: 'Filesystem',
        },
        status: {
          phase: 'Bound',
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'],
        },
      },
      ['data', 'Bound', 'pv-data', '10Gi', 'RWO,RWOP', 'local-path', '<unset>', '3d', 'Filesystem'],
    ],
    [
      'being deleted, no class',
      {
        metadata: { ...meta('old'), deletionTimestamp: ago(sec) },
        spec: { volumeName: 'pv-old' },
        status: { phase: 'Bound' },
      },
      ['old', 'Terminating', 'pv-old', '0', '', '', '<unset>', '3d', '<unset>'],
    ],
  ])('claim %s', (_name, pvc, want) => {
    expect(persistentVolumeClaimTableConvertor.cells(pvc, now)).toEqual(want);
  });

  it('have upstream columns', () => {
    expect(persistentVolumeTableConvertor.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Capacity', 0],
      ['Access Modes', 0],
      ['Reclaim Policy', 0],
      ['Status', 0],
      ['Claim', 0],
      ['StorageClass', 0],
      ['VolumeAttributesClass', 0],
      ['Reason', 0],
      ['Age', 0],
      ['VolumeMode', 1],
    ]);
    expect(persistentVolumeClaimTableConvertor.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Volume', 0],
      ['Capacity', 0],
      ['Access Modes', 0],
      ['StorageClass', 0],
      ['VolumeAttributesClass', 0],
      ['Age', 0],
      ['VolumeMode', 1],
    ]);
  });
});

describe('resource quotas', () => {
  it('splits limits.* from the rest, in name order', () => {
    const rq: ResourceQuota = {
      metadata: meta('compute'),
      spec: {},
      status: {
        hard: {
          'requests.memory': '1Gi',
          'limits.cpu': '4',
          pods: '10',
          'requests.cpu': '2',
          'limits.memory': '2Gi',
        },
        used: { 'requests.cpu': '500m', 'limits.cpu': '1', pods: '3' },
      },
    };
    expect(resourceQuotaUsage(rq)).toEqual([
      'pods: 3/10, requests.cpu: 500m/2, requests.memory: 0/1Gi',
      'limits.cpu: 1/4, limits.memory: 0/2Gi',
    ]);
    expect(resourceQuotaTableConvertor.cells(rq, now)).toEqual([
      'compute',
      'pods: 3/10, requests.cpu: 500m/2, requests.memory: 0/1Gi',
      'limits.cpu: 1/4, limits.memory: 0/2Gi',
      '3d',
    ]);
  });

  it('prints empty cells before the quota controller has filled the status', () => {
    const rq: ResourceQuota = { metadata: meta('fresh', 3 * sec), spec: { hard: { pods: '5' } } };
    expect(resourceQuotaTableConvertor.cells(rq, now)).toEqual(['fresh', '', '', '3s']);
  });

  it('has upstream columns', () => {
    expect(resourceQuotaTableConvertor.columns.map((c) => c.name)).toEqual([
      'Name',
      'Request',
      'Limit',
      'Age',
    ]);
  });
});

describe('component statuses', () => {
  it.each<[string, ComponentStatus, unknown[]]>([
    [
      'healthy',
      {
        metadata: { name: 'etcd-0' },
        conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }],
      },
      ['etcd-0', 'Healthy', 'ok', ''],
    ],
    [
      'unhealthy',
      {
        metadata: { name: 'scheduler' },
        conditions: [{ type: 'Healthy', status: 'False', error: 'connection refused' }],
      },
      ['scheduler', 'Unhealthy', '', 'connection refused'],
    ],
    [
      'unknown',
      { metadata: { name: 'controller-manager' } },
      ['controller-manager', 'Unknown', '', ''],
    ],
  ])('%s', (_name, cs, want) => {
    expect(componentStatusTableConvertor.cells(cs, now)).toEqual(want);
  });
});

describe('pod templates and replication controllers', () => {
  const podSpec = {
    containers: [
      { name: 'app', image: 'nginx:1.27' },
      { name: 'metrics', image: 'prom/statsd-exporter:v0.26.0' },
    ],
  };

  it('prints a pod template without an age', () => {
    const pt: PodTemplate = {
      metadata: meta('web-template'),
      template: { metadata: { labels: { tier: 'front', app: 'web' } }, spec: podSpec },
    };
    expect(podTemplateTableConvertor.columns.map((c) => c.name)).toEqual([
      'Name',
      'Containers',
      'Images',
      'Pod Labels',
    ]);
    expect(podTemplateTableConvertor.cells(pt, now)).toEqual([
      'web-template',
      'app,metrics',
      'nginx:1.27,prom/statsd-exporter:v0.26.0',
      'app=web,tier=front',
    ]);
  });

  it('prints <none> for a template without labels', () => {
    const pt: PodTemplate = { metadata: meta('bare'), template: { spec: { containers: [] } } };
    expect(podTemplateTableConvertor.cells(pt, now)).toEqual(['bare', '', '', '<none>']);
  });

  it('prints a replication controller', () => {
    const rc: ReplicationController = {
      metadata: meta('web-rc', 10 * min),
      spec: { replicas: 3, selector: { app: 'web' }, template: { spec: podSpec } },
      status: { replicas: 3, readyReplicas: 2 },
    };
    expect(replicationControllerTableConvertor.cells(rc, now)).toEqual([
      'web-rc',
      3,
      3,
      2,
      '10m',
      'app,metrics',
      'nginx:1.27,prom/statsd-exporter:v0.26.0',
      'app=web',
    ]);
    expect(
      replicationControllerTableConvertor.columns.map((c) => [c.name, c.type, c.priority]),
    ).toEqual([
      ['Name', 'string', 0],
      ['Desired', 'integer', 0],
      ['Current', 'integer', 0],
      ['Ready', 'integer', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ]);
  });
});
