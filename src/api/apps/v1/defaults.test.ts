import { describe, expect, it } from 'vitest';
import { defaultPodTemplateSpec, type PodTemplateSpec } from '../../core/v1/index.ts';
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultReplicaSet,
  defaultStatefulSet,
  type DaemonSet,
  type Deployment,
  type ReplicaSet,
  type StatefulSet,
} from './index.ts';

const template = (): PodTemplateSpec => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
});
const selector = { matchLabels: { app: 'web' } };

/** The template as core/v1 defaulting leaves it: the apps defaulters must apply exactly that. */
const defaultedTemplate = (): PodTemplateSpec => {
  const t = template();
  defaultPodTemplateSpec(t);
  return t;
};

/** Runs a defaulter twice and checks the result both times (idempotency). */
function check<T>(fn: (o: T) => void, input: T, want: T): void {
  const obj = structuredClone(input);
  fn(obj);
  expect(obj).toEqual(want);
  fn(obj);
  expect(obj).toEqual(want);
}

describe('defaultDeployment', () => {
  const base = (): Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { selector, template: template() },
  });
  const cases: { name: string; in: Deployment; want: Deployment }[] = [
    {
      name: 'empty spec gets every default',
      in: base(),
      want: {
        ...base(),
        spec: {
          selector,
          template: defaultedTemplate(),
          replicas: 1,
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
          },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        },
      },
    },
    {
      name: 'explicit values are kept, including replicas 0',
      in: {
        ...base(),
        spec: {
          selector,
          template: template(),
          replicas: 0,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 3 } },
          revisionHistoryLimit: 0,
          progressDeadlineSeconds: 30,
          minReadySeconds: 5,
          paused: true,
        },
      },
      want: {
        ...base(),
        spec: {
          selector,
          template: defaultedTemplate(),
          replicas: 0,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 3 } },
          revisionHistoryLimit: 0,
          progressDeadlineSeconds: 30,
          minReadySeconds: 5,
          paused: true,
        },
      },
    },
    {
      name: 'a partial rollingUpdate is completed',
      in: {
        ...base(),
        spec: { selector, template: template(), strategy: { rollingUpdate: { maxSurge: '50%' } } },
      },
      want: {
        ...base(),
        spec: {
          selector,
          template: defaultedTemplate(),
          replicas: 1,
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxSurge: '50%', maxUnavailable: '25%' },
          },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        },
      },
    },
    {
      name: 'Recreate gets no rollingUpdate',
      in: { ...base(), spec: { selector, template: template(), strategy: { type: 'Recreate' } } },
      want: {
        ...base(),
        spec: {
          selector,
          template: defaultedTemplate(),
          replicas: 1,
          strategy: { type: 'Recreate' },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        },
      },
    },
    {
      name: 'selector and labels are not defaulted from the template',
      in: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { template: template() } as Deployment['spec'] & object,
      },
      want: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          template: defaultedTemplate(),
          replicas: 1,
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
          },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        } as Deployment['spec'] & object,
      },
    },
    {
      name: 'no spec: nothing to default (validation rejects it)',
      in: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
      want: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      check(defaultDeployment, c.in, c.want);
    });
  }
});

describe('pod template defaults from core/v1', () => {
  it('a Deployment template gets the core/v1 pod spec and container defaults', () => {
    const obj: Deployment = { spec: { selector, template: template() } };
    defaultDeployment(obj);
    expect(obj.spec?.template.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      containers: [
        { name: 'c', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' },
      ],
    });
  });
});

describe('defaultReplicaSet', () => {
  const cases: { name: string; in: ReplicaSet; want: ReplicaSet }[] = [
    {
      name: 'replicas 1 and the template defaults',
      in: { metadata: { name: 'rs' }, spec: { selector, template: template() } },
      want: {
        metadata: { name: 'rs' },
        spec: { selector, template: defaultedTemplate(), replicas: 1 },
      },
    },
    {
      name: 'replicas 0 is kept; no template is fine',
      in: { metadata: { name: 'rs' }, spec: { selector, replicas: 0 } },
      want: { metadata: { name: 'rs' }, spec: { selector, replicas: 0 } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      check(defaultReplicaSet, c.in, c.want);
    });
  }
});

describe('defaultDaemonSet', () => {
  const cases: { name: string; in: DaemonSet; want: DaemonSet }[] = [
    {
      name: 'RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10',
      in: { metadata: { name: 'ds' }, spec: { selector, template: template() } },
      want: {
        metadata: { name: 'ds' },
        spec: {
          selector,
          template: defaultedTemplate(),
          updateStrategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
          },
          revisionHistoryLimit: 10,
        },
      },
    },
    {
      name: 'OnDelete gets no rollingUpdate; explicit limits are kept',
      in: {
        metadata: { name: 'ds' },
        spec: {
          selector,
          template: template(),
          updateStrategy: { type: 'OnDelete' },
          revisionHistoryLimit: 2,
        },
      },
      want: {
        metadata: { name: 'ds' },
        spec: {
          selector,
          template: defaultedTemplate(),
          updateStrategy: { type: 'OnDelete' },
          revisionHistoryLimit: 2,
        },
      },
    },
    {
      name: 'a percentage maxUnavailable is kept and maxSurge filled in',
      in: {
        metadata: { name: 'ds' },
        spec: {
          selector,
          template: template(),
          updateStrategy: { rollingUpdate: { maxUnavailable: '10%' } },
        },
      },
      want: {
        metadata: { name: 'ds' },
        spec: {
          selector,
          template: defaultedTemplate(),
          updateStrategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 },
          },
          revisionHistoryLimit: 10,
        },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      check(defaultDaemonSet, c.in, c.want);
    });
  }
});

describe('defaultStatefulSet', () => {
  const spec = () => ({ selector, template: template(), serviceName: 'db' });
  const defaultedSpec = () => ({ selector, template: defaultedTemplate(), serviceName: 'db' });
  const cases: { name: string; in: StatefulSet; want: StatefulSet }[] = [
    {
      name: 'every default',
      in: { metadata: { name: 'db' }, spec: spec() },
      want: {
        metadata: { name: 'db' },
        spec: {
          ...defaultedSpec(),
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          replicas: 1,
          revisionHistoryLimit: 10,
        },
      },
    },
    {
      name: 'explicit RollingUpdate without rollingUpdate stays without it (upstream quirk)',
      in: {
        metadata: { name: 'db' },
        spec: { ...spec(), updateStrategy: { type: 'RollingUpdate' } },
      },
      want: {
        metadata: { name: 'db' },
        spec: {
          ...defaultedSpec(),
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate' },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          replicas: 1,
          revisionHistoryLimit: 10,
        },
      },
    },
    {
      name: 'rollingUpdate with maxUnavailable gets partition 0 but maxUnavailable is not defaulted',
      in: {
        metadata: { name: 'db' },
        spec: {
          ...spec(),
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
        },
      },
      want: {
        metadata: { name: 'db' },
        spec: {
          ...defaultedSpec(),
          podManagementPolicy: 'OrderedReady',
          updateStrategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: 2, partition: 0 },
          },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          replicas: 1,
          revisionHistoryLimit: 10,
        },
      },
    },
    {
      name: 'OnDelete, Parallel, a partial retention policy and replicas 0 are kept or completed',
      in: {
        metadata: { name: 'db' },
        spec: {
          ...spec(),
          podManagementPolicy: 'Parallel',
          updateStrategy: { type: 'OnDelete' },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' },
          replicas: 0,
        },
      },
      want: {
        metadata: { name: 'db' },
        spec: {
          ...defaultedSpec(),
          podManagementPolicy: 'Parallel',
          updateStrategy: { type: 'OnDelete' },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
          replicas: 0,
          revisionHistoryLimit: 10,
        },
      },
    },
    {
      name: 'volume claim templates get volumeMode Filesystem and phase Pending',
      in: {
        metadata: { name: 'db' },
        spec: {
          ...spec(),
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
            {
              metadata: { name: 'raw' },
              spec: { volumeMode: 'Block' },
              status: { phase: 'Bound' },
            },
          ],
        },
      },
      want: {
        metadata: { name: 'db' },
        spec: {
          ...defaultedSpec(),
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: {
                accessModes: ['ReadWriteOnce'],
                resources: { requests: { storage: '1Gi' } },
                volumeMode: 'Filesystem',
              },
              status: { phase: 'Pending' },
            },
            {
              metadata: { name: 'raw' },
              spec: { volumeMode: 'Block' },
              status: { phase: 'Bound' },
            },
          ],
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          replicas: 1,
          revisionHistoryLimit: 10,
        },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      check(defaultStatefulSet, c.in, c.want);
    });
  }
});
