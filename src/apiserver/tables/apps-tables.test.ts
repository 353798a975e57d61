import { describe, it, expect } from 'vitest';
import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  LabelSelector,
  PodTemplateSpec,
  ReplicaSet,
  StatefulSet,
} from '../../api/index.ts';
import {
  controllerRevisionTableConvertor,
  daemonSetTableConvertor,
  deploymentTableConvertor,
  replicaSetTableConvertor,
  statefulSetTableConvertor,
} from './apps-tables.ts';

const now = Date.parse('2025-03-01T12:00:00Z');
const created = new Date(now - 45 * 60 * 1000).toISOString().replace('.000Z', 'Z');
const meta = { name: 'web', namespace: 'shop', creationTimestamp: created };

const template: PodTemplateSpec = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1.27' },
      { name: 'log', image: 'busybox:1.36' },
    ],
  },
};
const selector: LabelSelector = { matchLabels: { app: 'web' } };

describe('deployments', () => {
  function deployment(
    replicas: number,
    status: Deployment['status'],
    sel: LabelSelector = selector,
  ): Deployment {
    const d: Deployment = { metadata: meta, spec: { replicas, selector: sel, template } };
    if (status) d.status = status;
    return d;
  }

  it.each<[string, Deployment, unknown[]]>([
    [
      'rolled out',
      deployment(3, { replicas: 3, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      ['web', '3/3', 3, 3, '45m', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=web'],
    ],
    [
      'rolling out',
      deployment(3, { replicas: 4, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 }),
      ['web', '2/3', 1, 2, '45m', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=web'],
    ],
    [
      'just created, no status',
      deployment(2, undefined),
      ['web', '0/2', 0, 0, '45m', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=web'],
    ],
    [
      'scaled to zero, with set-based selector',
      deployment(
        0,
        {},
        {
          matchLabels: { app: 'web' },
          matchExpressions: [
            { key: 'track', operator: 'NotIn', values: ['canary', 'beta'] },
            { key: 'env', operator: 'Exists' },
          ],
        },
      ),
      [
        'web',
        '0/0',
        0,
        0,
        '45m',
        'nginx,log',
        'nginx:1.27,busybox:1.36',
        'app=web,env,track notin (beta,canary)',
      ],
    ],
    [
      'an empty selector prints as nothing',
      deployment(1, {}, {}),
      ['web', '0/1', 0, 0, '45m', 'nginx,log', 'nginx:1.27,busybox:1.36', ''],
    ],
    [
      'an invalid selector',
      deployment(1, {}, { matchExpressions: [{ key: 'bad key!', operator: 'Exists' }] }),
      ['web', '0/1', 0, 0, '45m', 'nginx,log', 'nginx:1.27,busybox:1.36', '<invalid>'],
    ],
  ])('%s', (_name, d, want) => {
    expect(deploymentTableConvertor.cells(d, now)).toEqual(want);
  });

  it('has upstream columns', () => {
    expect(deploymentTableConvertor.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Up-to-date', 'string', 0],
      ['Available', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ]);
  });
});

describe('replicasets', () => {
  it('prints desired, current and ready counts', () => {
    const rs: ReplicaSet = {
      metadata: { ...meta, name: 'web-7d9c6b' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d9c6b' } },
        template,
      },
      status: { replicas: 3, readyReplicas: 1 },
    };
    expect(replicaSetTableConvertor.cells(rs, now)).toEqual([
      'web-7d9c6b',
      3,
      3,
      1,
      '45m',
      'nginx,log',
      'nginx:1.27,busybox:1.36',
      'app=web,pod-template-hash=7d9c6b',
    ]);
  });

  it('prints <none> for a selector that selects everything', () => {
    const rs: ReplicaSet = { metadata: meta, spec: { selector: {} }, status: { replicas: 0 } };
    expect(replicaSetTableConvertor.cells(rs, now)).toEqual([
      'web',
      0,
      0,
      0,
      '45m',
      '',
      '',
      '<none>',
    ]);
  });

  it('prints <error> for an invalid selector', () => {
    const rs: ReplicaSet = {
      metadata: meta,
      spec: { selector: { matchLabels: { 'bad key!': 'x' } } },
      status: { replicas: 0 },
    };
    expect(replicaSetTableConvertor.cells(rs, now)[7]).toBe('<error>');
  });
});

describe('daemonsets', () => {
  it('prints the scheduling counts and the node selector', () => {
    const ds: DaemonSet = {
      metadata: { ...meta, name: 'node-exporter' },
      spec: {
        selector: { matchLabels: { app: 'node-exporter' } },
        template: {
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' },
            containers: [{ name: 'exporter', image: 'prom/node-exporter:v1.8.2' }],
          },
        },
      },
      status: {
        desiredNumberScheduled: 4,
        currentNumberScheduled: 4,
        numberReady: 3,
        updatedNumberScheduled: 2,
        numberAvailable: 3,
        numberMisscheduled: 0,
      },
    };
    expect(daemonSetTableConvertor.cells(ds, now)).toEqual([
      'node-exporter',
      4,
      4,
      3,
      2,
      3,
      'disk=ssd,kubernetes.io/os=linux',
      '45m',
      'exporter',
      'prom/node-exporter:v1.8.2',
      'app=node-exporter',
    ]);
  });

  it('prints <none> without a node selector', () => {
    const ds: DaemonSet = { metadata: meta, spec: { selector, template } };
    expect(daemonSetTableConvertor.cells(ds, now).slice(1, 7)).toEqual([0, 0, 0, 0, 0, '<none>']);
  });

  it('has upstream columns', () => {
    expect(daemonSetTableConvertor.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0],
      ['Desired', 'integer', 0],
      ['Current', 'integer', 0],
      ['Ready', 'integer', 0],
      ['Up-to-date', 'integer', 0],
      ['Available', 'integer', 0],
      ['Node Selector', 'string', 0],
      ['Age', 'string', 0],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ]);
  });
});

describe('statefulsets', () => {
  it('prints ready out of desired', () => {
    const sts: StatefulSet = {
      metadata: { ...meta, name: 'db' },
      spec: { replicas: 3, serviceName: 'db', selector, template },
      status: { replicas: 2, readyReplicas: 1 },
    };
    expect(statefulSetTableConvertor.cells(sts, now)).toEqual([
      'db',
      '1/3',
      '45m',
      'nginx,log',
      'nginx:1.27,busybox:1.36',
    ]);
    expect(statefulSetTableConvertor.columns.map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Age',
      'Containers',
      'Images',
    ]);
  });
});

describe('controllerrevisions', () => {
  function revision(owner?: {
    apiVersion: string;
    kind: string;
    controller?: boolean;
  }): ControllerRevision {
    const cr: ControllerRevision = { metadata: { ...meta, name: 'web-5b8d7c' }, revision: 4 };
    if (owner) {
      cr.metadata!.ownerReferences = [
        { ...owner, name: 'web', uid: '3f1c2e7a-0000-4000-8000-000000000001' },
      ];
    }
    return cr;
  }

  it.each<[string, ControllerRevision, unknown[]]>([
    [
      'owned by a statefulset',
      revision({ apiVersion: 'apps/v1', kind: 'StatefulSet', controller: true }),
      ['web-5b8d7c', 'statefulset.apps/web', 4, '45m'],
    ],
    [
      'owned by a core kind',
      revision({ apiVersion: 'v1', kind: 'Pod', controller: true }),
      ['web-5b8d7c', 'pod/web', 4, '45m'],
    ],
    [
      'with an owner that is not its controller',
      revision({ apiVersion: 'apps/v1', kind: 'DaemonSet' }),
      ['web-5b8d7c', '<none>', 4, '45m'],
    ],
    ['without owners', revision(), ['web-5b8d7c', '<none>', 4, '45m']],
  ])('%s', (_name, cr, want) => {
    expect(controllerRevisionTableConvertor.cells(cr, now)).toEqual(want);
  });
});
