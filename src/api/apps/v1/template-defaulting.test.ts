// The apps/v1 and batch/v1 defaulters must hand every embedded pod template, and every volume
// claim template, to the core/v1 defaulting.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defaultPersistentVolumeClaim,
  defaultPodTemplateSpec,
  type PodTemplateSpec,
} from '../../core/v1/index.ts';
import { defaultCronJob, defaultJob } from '../../batch/v1/index.ts';
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultReplicaSet,
  defaultStatefulSet,
} from './index.ts';

vi.mock(import('../../core/v1/index.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  defaultPodTemplateSpec: vi.fn(),
  defaultPersistentVolumeClaim: vi.fn(),
}));

const template = (): PodTemplateSpec => ({
  metadata: { labels: { app: 'x' } },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});
const selector = { matchLabels: { app: 'x' } };

describe('pod template defaulting is applied to every embedded template', () => {
  beforeEach(() => {
    vi.mocked(defaultPodTemplateSpec).mockClear();
    vi.mocked(defaultPersistentVolumeClaim).mockClear();
  });

  const cases: { name: string; run: (t: PodTemplateSpec) => void }[] = [
    {
      name: 'Deployment',
      run: (t) => {
        defaultDeployment({ spec: { selector, template: t } });
      },
    },
    {
      name: 'ReplicaSet',
      run: (t) => {
        defaultReplicaSet({ spec: { selector, template: t } });
      },
    },
    {
      name: 'DaemonSet',
      run: (t) => {
        defaultDaemonSet({ spec: { selector, template: t } });
      },
    },
    {
      name: 'StatefulSet',
      run: (t) => {
        defaultStatefulSet({ spec: { selector, template: t, serviceName: 's' } });
      },
    },
    {
      name: 'Job',
      run: (t) => {
        defaultJob({ spec: { template: t } });
      },
    },
    {
      name: 'CronJob',
      run: (t) => {
        defaultCronJob({ spec: { schedule: '@daily', jobTemplate: { spec: { template: t } } } });
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = template();
      c.run(t);
      expect(vi.mocked(defaultPodTemplateSpec)).toHaveBeenCalledTimes(1);
      expect(vi.mocked(defaultPodTemplateSpec)).toHaveBeenCalledWith(t);
      expect(vi.mocked(defaultPodTemplateSpec).mock.calls[0]?.[0]).toBe(t);
    });
  }

  it('every StatefulSet volume claim template gets the PersistentVolumeClaim defaults', () => {
    const claims = [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }];
    defaultStatefulSet({
      spec: { selector, template: template(), serviceName: 's', volumeClaimTemplates: claims },
    });
    expect(vi.mocked(defaultPersistentVolumeClaim).mock.calls.map((c) => c[0])).toEqual(claims);
    expect(vi.mocked(defaultPersistentVolumeClaim).mock.calls[1]?.[0]).toBe(claims[1]);
  });

  it('a ReplicaSet without a template is fine', () => {
    defaultReplicaSet({ spec: { selector } });
    expect(vi.mocked(defaultPodTemplateSpec)).not.toHaveBeenCalled();
  });
});
