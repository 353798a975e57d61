import { describe, it, expect } from 'vitest';
import type { KubeObject, ResourceDef } from '../../scheme.ts';
import { formatFieldErrors } from '../../validation/field-errors.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../../validation/names.ts';
import type { ControllerRevision } from './controller-revision.ts';
import type { DaemonSet } from './daemon-set.ts';
import type { Deployment } from './deployment.ts';
import type { ReplicaSet } from './replica-set.ts';
import {
  controllerRevisionResource,
  daemonSetResource,
  deploymentResource,
  replicaSetResource,
  statefulSetResource,
} from './resources.ts';
import type { StatefulSet } from './stateful-set.ts';

/** Defaults a copy of the manifest, as admission does, and validates it as new. */
function create<T extends KubeObject>(def: ResourceDef<T>, manifest: T): string {
  const obj = structuredClone(manifest);
  def.defaults(obj);
  return formatFieldErrors(def.validate(obj, { namespace: 'default' }));
}

/** Defaults both, then validates the update of `before` to `after`. */
function update<T extends KubeObject>(def: ResourceDef<T>, before: T, after: T): string {
  const old = structuredClone(before);
  const obj = structuredClone(after);
  def.defaults(old);
  def.defaults(obj);
  return formatFieldErrors(def.validateUpdate(obj, old, { namespace: 'default' }));
}

/** Validates a status update (no defaulting: the status strategy keeps the stored spec). */
function statusUpdate<T extends KubeObject>(def: ResourceDef<T>, before: T, after: T): string {
  const check = def.validateStatusUpdate;
  if (!check) throw new Error(`${def.resource} has no status subresource`);
  return formatFieldErrors(
    check(structuredClone(after), structuredClone(before), { namespace: 'default' }),
  );
}

const meta = { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '5' };

const podSpec = { containers: [{ name: 'web', image: 'nginx:1.27' }] };

function deployment(mutate: (d: Deployment) => void = () => undefined): Deployment {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: structuredClone(podSpec) },
    },
  };
  mutate(d);
  return d;
}

function replicaSet(mutate: (r: ReplicaSet) => void = () => undefined): ReplicaSet {
  const r: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { ...meta },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: structuredClone(podSpec) },
    },
  };
  mutate(r);
  return r;
}

function daemonSet(mutate: (d: DaemonSet) => void = () => undefined): DaemonSet {
  const d: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { ...meta, name: 'agent' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'agent', image: 'busybox' }] },
      },
    },
  };
  mutate(d);
  return d;
}

function statefulSet(mutate: (s: StatefulSet) => void = () => undefined): StatefulSet {
  const s: StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { ...meta, name: 'db' },
    spec: {
      serviceName: 'db',
      replicas: 3,
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: {
          containers: [
            {
              name: 'db',
              image: 'postgres:16',
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  };
  mutate(s);
  return s;
}

const subdomainMsg = isDNS1123Subdomain('Web')[0] ?? '';
const labelMsg = isDNS1123Label('web.db')[0] ?? '';
const percentMsg =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

type Case<T> = readonly [name: string, manifest: T, expected: string];

describe('Deployment validation', () => {
  it('accepts a valid Deployment, and one without a strategy or with Recreate', () => {
    expect(create(deploymentResource, deployment())).toBe('');
    expect(
      create(
        deploymentResource,
        deployment((d) => {
          d.spec!.strategy = { type: 'Recreate' };
          d.spec!.minReadySeconds = 5;
          d.spec!.revisionHistoryLimit = 0;
        }),
      ),
    ).toBe('');
    expect(
      create(
        deploymentResource,
        deployment((d) => {
          d.spec!.selector = {
            matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }],
          };
        }),
      ),
    ).toBe('');
  });

  const cases: Case<Deployment>[] = [
    [
      'template labels do not match the selector',
      deployment((d) => {
        d.spec!.template.metadata!.labels = { app: 'api' };
      }),
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`',
    ],
    [
      'no selector',
      deployment((d) => {
        delete (d.spec as Partial<typeof d.spec>)!.selector;
      }),
      '[spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    ],
    [
      'an empty selector',
      deployment((d) => {
        d.spec!.selector = {};
      }),
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ],
    [
      'an unknown selector operator',
      deployment((d) => {
        d.spec!.selector = {
          matchExpressions: [{ key: 'app', operator: 'Like' as 'In', values: ['web'] }],
        };
      }),
      '[spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator, spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Like", Values:[]string{"web"}}}}: invalid label selector]',
    ],
    [
      'a selector label value that is not a label value',
      deployment((d) => {
        d.spec!.selector = { matchLabels: { app: 'a b' } };
        d.spec!.template.metadata!.labels = { app: 'a b' };
      }),
      `[spec.selector.matchLabels: Invalid value: "a b": ${isValidLabelValue('a b')[0] ?? ''}, spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: invalid label selector]`,
    ],
    [
      'negative replicas',
      deployment((d) => {
        d.spec!.replicas = -1;
      }),
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'restartPolicy OnFailure',
      deployment((d) => {
        d.spec!.template.spec!.restartPolicy = 'OnFailure';
      }),
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ],
    [
      'activeDeadlineSeconds in the template',
      deployment((d) => {
        d.spec!.template.spec!.activeDeadlineSeconds = 30;
      }),
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
    ],
    [
      'an unknown strategy type',
      deployment((d) => {
        d.spec!.strategy = { type: 'BlueGreen' as 'Recreate' };
      }),
      'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
    ],
    [
      'Recreate with rollingUpdate parameters',
      deployment((d) => {
        d.spec!.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } };
      }),
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ],
    [
      'maxUnavailable and maxSurge both 0',
      deployment((d) => {
        d.spec!.strategy = {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 0, maxSurge: 0 },
        };
      }),
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ],
    [
      'maxUnavailable 0 and maxSurge 0%',
      deployment((d) => {
        d.spec!.strategy = {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' },
        };
      }),
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
    ],
    [
      'maxUnavailable above 100%',
      deployment((d) => {
        d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '110%' } };
      }),
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%',
    ],
    [
      'maxSurge that is not a percentage',
      deployment((d) => {
        d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'many' } };
      }),
      `spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"many"}: ${percentMsg}`,
    ],
    [
      'negative maxSurge',
      deployment((d) => {
        d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: -1 } };
      }),
      'spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'negative minReadySeconds',
      deployment((d) => {
        d.spec!.minReadySeconds = -5;
      }),
      'spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0',
    ],
    [
      'progressDeadlineSeconds not above minReadySeconds',
      deployment((d) => {
        d.spec!.minReadySeconds = 10;
        d.spec!.progressDeadlineSeconds = 10;
      }),
      'spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds',
    ],
    [
      'negative revisionHistoryLimit',
      deployment((d) => {
        d.spec!.revisionHistoryLimit = -1;
      }),
      'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'an upper-case name',
      deployment((d) => {
        d.metadata!.name = 'Web';
      }),
      `metadata.name: Invalid value: "Web": ${subdomainMsg}`,
    ],
    [
      'a non-standard unqualified finalizer',
      deployment((d) => {
        d.metadata!.finalizers = ['cleanup'];
      }),
      'metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
    ],
    [
      'a container without an image (the pod template is validated)',
      deployment((d) => {
        delete (d.spec!.template.spec!.containers[0] as { image?: string }).image;
      }),
      'spec.template.spec.containers[0].image: Required value',
    ],
  ];

  it.each(cases)('rejects %s', (_name, manifest, expected) => {
    expect(create(deploymentResource, manifest)).toBe(expected);
  });

  it('keeps the selector immutable on update', () => {
    const before = deployment();
    const after = deployment((d) => {
      d.spec!.selector = { matchLabels: { app: 'web2' } };
      d.spec!.template.metadata!.labels = { app: 'web2' };
    });
    expect(update(deploymentResource, before, after)).toBe(
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  it('accepts template, replica and strategy changes on update, with or without a resourceVersion', () => {
    const after = deployment((d) => {
      d.spec!.replicas = 5;
      d.spec!.template.spec!.containers[0]!.image = 'nginx:1.28';
      d.spec!.strategy = { type: 'Recreate' };
      delete d.metadata!.resourceVersion;
    });
    expect(update(deploymentResource, deployment(), after)).toBe('');
  });

  it('rejects metadata changes the registry forbids on update', () => {
    const after = deployment((d) => {
      d.metadata!.uid = 'u-2';
    });
    expect(update(deploymentResource, deployment(), after)).toBe(
      'metadata.uid: Invalid value: "u-2": field is immutable',
    );
  });

  const statusCases: [string, Deployment['status'], Deployment['status'], string][] = [
    [
      'a consistent status',
      {},
      {
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 2,
        availableReplicas: 1,
        observedGeneration: 3,
      },
      '',
    ],
    [
      'negative replicas (then 0 of everything is more than -1)',
      {},
      { replicas: -1 },
      '[status.replicas: Invalid value: -1: must be greater than or equal to 0, status.updatedReplicas: Invalid value: 0: cannot be greater than status.replicas, status.readyReplicas: Invalid value: 0: cannot be greater than status.replicas, status.availableReplicas: Invalid value: 0: cannot be greater than status.replicas]',
    ],
    [
      'more ready than existing replicas',
      {},
      { replicas: 2, readyReplicas: 3, availableReplicas: 1 },
      'status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas',
    ],
    [
      'more available than ready replicas',
      {},
      { replicas: 3, readyReplicas: 1, availableReplicas: 2 },
      'status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas',
    ],
    [
      'a decremented collision count',
      { collisionCount: 2 },
      { collisionCount: 1 },
      'status.collisionCount: Invalid value: 1: cannot be decremented',
    ],
    [
      'a removed collision count',
      { collisionCount: 2 },
      {},
      'status.collisionCount: Invalid value: 0: cannot be decremented',
    ],
  ];

  it.each(statusCases)('status update: %s', (_name, before, after, expected) => {
    const old = deployment((d) => {
      if (before) d.status = before;
    });
    const obj = deployment((d) => {
      if (after) d.status = after;
    });
    expect(statusUpdate(deploymentResource, old, obj)).toBe(expected);
  });

  it('validates a Deployment without spec as Go would: the defaulted empty spec', () => {
    const d = deployment();
    delete d.spec;
    expect(create(deploymentResource, d)).toBe(
      '[spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`, spec.template.spec.containers: Required value]',
    );
  });
});

describe('ReplicaSet validation', () => {
  it('accepts a valid ReplicaSet', () => {
    expect(create(replicaSetResource, replicaSet())).toBe('');
  });

  const cases: Case<ReplicaSet>[] = [
    [
      'an empty selector (with upstream\'s "deployment" wording)',
      replicaSet((r) => {
        r.spec!.selector = {};
      }),
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ],
    [
      'an empty matchLabels map',
      replicaSet((r) => {
        r.spec!.selector = { matchLabels: {} };
      }),
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ],
    [
      'restartPolicy Never',
      replicaSet((r) => {
        r.spec!.template!.spec!.restartPolicy = 'Never';
      }),
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
    [
      'negative minReadySeconds',
      replicaSet((r) => {
        r.spec!.minReadySeconds = -1;
      }),
      'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'a selector that does not select the template',
      replicaSet((r) => {
        r.spec!.selector = { matchExpressions: [{ key: 'tier', operator: 'Exists' }] };
      }),
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ],
  ];

  it.each(cases)('rejects %s', (_name, manifest, expected) => {
    expect(create(replicaSetResource, manifest)).toBe(expected);
  });

  it('keeps the selector immutable on update and reports spec errors once in the message', () => {
    const after = replicaSet((r) => {
      r.spec!.selector = { matchLabels: { app: 'web', tier: 'front' } };
      r.spec!.template!.metadata!.labels = { app: 'web', tier: 'front' };
      r.spec!.replicas = -2;
    });
    const obj = structuredClone(after);
    const old = replicaSet();
    replicaSetResource.defaults(obj);
    replicaSetResource.defaults(old);
    const errs = replicaSetResource.validateUpdate(obj, old, { namespace: 'default' });
    // Upstream validates the object as new and as an update: the replicas error is a cause twice.
    expect(errs.filter((e) => e.field === 'spec.replicas')).toHaveLength(2);
    expect(formatFieldErrors(errs)).toBe(
      '[spec.replicas: Invalid value: -2: must be greater than or equal to 0, spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable]',
    );
  });

  it('treats a missing and an empty matchExpressions list alike when comparing selectors', () => {
    const after = replicaSet((r) => {
      r.spec!.selector = { matchLabels: { app: 'web' }, matchExpressions: [] };
    });
    expect(update(replicaSetResource, replicaSet(), after)).toBe('');
  });

  const statusCases: [string, ReplicaSet['status'], string][] = [
    [
      'a consistent status',
      {
        replicas: 3,
        fullyLabeledReplicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
        observedGeneration: 1,
      },
      '',
    ],
    [
      'more fully labeled than existing replicas',
      { replicas: 1, fullyLabeledReplicas: 2 },
      'status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas',
    ],
    [
      'a negative observedGeneration and available count',
      { replicas: 1, availableReplicas: -1, observedGeneration: -1 },
      '[status.availableReplicas: Invalid value: -1: must be greater than or equal to 0, status.observedGeneration: Invalid value: -1: must be greater than or equal to 0]',
    ],
  ];

  it.each(statusCases)('status update: %s', (_name, status, expected) => {
    const obj = replicaSet((r) => {
      if (status) r.status = status;
    });
    expect(statusUpdate(replicaSetResource, replicaSet(), obj)).toBe(expected);
  });
});

describe('DaemonSet validation', () => {
  it('accepts a valid DaemonSet and an OnDelete one', () => {
    expect(create(daemonSetResource, daemonSet())).toBe('');
    expect(
      create(
        daemonSetResource,
        daemonSet((d) => {
          d.spec!.updateStrategy = { type: 'OnDelete' };
        }),
      ),
    ).toBe('');
    expect(
      create(
        daemonSetResource,
        daemonSet((d) => {
          d.spec!.updateStrategy = {
            type: 'RollingUpdate',
            rollingUpdate: { maxUnavailable: 0, maxSurge: '10%' },
          };
        }),
      ),
    ).toBe('');
  });

  const cases: Case<DaemonSet>[] = [
    [
      'no selector (only the template mismatch is reported)',
      daemonSet((d) => {
        delete (d.spec as Partial<typeof d.spec>)!.selector;
      }),
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`',
    ],
    [
      'an empty selector',
      daemonSet((d) => {
        d.spec!.selector = {};
      }),
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset',
    ],
    [
      'an unknown update strategy',
      daemonSet((d) => {
        d.spec!.updateStrategy = { type: 'Surge' as 'OnDelete' };
      }),
      'spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Surge", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"',
    ],
    [
      'maxUnavailable 0 without maxSurge',
      daemonSet((d) => {
        d.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } };
      }),
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
    ],
    [
      'both maxUnavailable and maxSurge',
      daemonSet((d) => {
        d.spec!.updateStrategy = {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1, maxSurge: 1 },
        };
      }),
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
    ],
    [
      'maxSurge above 100%',
      daemonSet((d) => {
        d.spec!.updateStrategy = {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 0, maxSurge: '150%' },
        };
      }),
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ],
    [
      'activeDeadlineSeconds in the template',
      daemonSet((d) => {
        d.spec!.template.spec!.activeDeadlineSeconds = 5;
      }),
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported',
    ],
    [
      'restartPolicy Never',
      daemonSet((d) => {
        d.spec!.template.spec!.restartPolicy = 'Never';
      }),
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
    [
      'negative revisionHistoryLimit',
      daemonSet((d) => {
        d.spec!.revisionHistoryLimit = -3;
      }),
      'spec.revisionHistoryLimit: Invalid value: -3: must be greater than or equal to 0',
    ],
    [
      'a negative template generation annotation',
      daemonSet((d) => {
        d.metadata!.annotations = { 'deprecated.daemonset.template.generation': '-1' };
      }),
      'spec.templateGeneration: Invalid value: -1: must be greater than or equal to 0',
    ],
  ];

  it.each(cases)('rejects %s', (_name, manifest, expected) => {
    expect(create(daemonSetResource, manifest)).toBe(expected);
  });

  it('keeps the selector immutable on update', () => {
    const after = daemonSet((d) => {
      d.spec!.selector = { matchLabels: { app: 'agent', v: '2' } };
      d.spec!.template.metadata!.labels = { app: 'agent', v: '2' };
    });
    expect(update(daemonSetResource, daemonSet(), after)).toBe(
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"agent", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  it('tolerates invalid selector label values on update when the old selector had them', () => {
    const bad = daemonSet((d) => {
      d.spec!.selector = {
        matchLabels: { app: 'agent' },
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['not valid!'] }],
      };
    });
    expect(create(daemonSetResource, bad)).toContain(
      'spec.selector.matchExpressions[0].values[0]: Invalid value: "not valid!"',
    );
    const after = structuredClone(bad);
    after.spec!.template.spec!.containers[0]!.image = 'busybox:2';
    expect(update(daemonSetResource, bad, after)).toBe('');
  });

  it('status update: rejects negative counters and a decremented collision count', () => {
    const old = daemonSet((d) => {
      d.status = {
        currentNumberScheduled: 1,
        numberMisscheduled: 0,
        desiredNumberScheduled: 1,
        numberReady: 1,
        collisionCount: 1,
      };
    });
    const obj = daemonSet((d) => {
      d.status = {
        currentNumberScheduled: 1,
        numberMisscheduled: 0,
        desiredNumberScheduled: 1,
        numberReady: -1,
        collisionCount: 0,
      };
    });
    expect(statusUpdate(daemonSetResource, old, obj)).toBe(
      '[status.numberReady: Invalid value: -1: must be greater than or equal to 0, status.collisionCount: Invalid value: 0: cannot be decremented]',
    );
  });
});

describe('StatefulSet validation', () => {
  it('accepts a valid StatefulSet', () => {
    expect(create(statefulSetResource, statefulSet())).toBe('');
  });

  it('does not validate the pod spec of its template (as upstream v1.32)', () => {
    const s = statefulSet((x) => {
      delete (x.spec!.template.spec!.containers[0] as { image?: string }).image;
    });
    expect(create(statefulSetResource, s)).toBe('');
  });

  const cases: Case<StatefulSet>[] = [
    [
      'a name that is not a DNS label',
      statefulSet((s) => {
        s.metadata!.name = 'web.db';
      }),
      `metadata.name: Invalid value: "web.db": ${labelMsg}`,
    ],
    [
      'an unknown podManagementPolicy',
      statefulSet((s) => {
        s.spec!.podManagementPolicy = 'Random' as 'Parallel';
      }),
      "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
    ],
    [
      'an unknown update strategy',
      statefulSet((s) => {
        s.spec!.updateStrategy = { type: 'Canary' as 'OnDelete' };
      }),
      "spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Canary\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'",
    ],
    [
      'OnDelete with rollingUpdate parameters',
      statefulSet((s) => {
        s.spec!.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 2 } };
      }),
      "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:2, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
    ],
    [
      'a negative partition',
      statefulSet((s) => {
        s.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1 } };
      }),
      'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'an unknown claim retention policy',
      statefulSet((s) => {
        s.spec!.persistentVolumeClaimRetentionPolicy = {
          whenDeleted: 'Keep',
          whenScaled: 'Delete',
        };
      }),
      'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    ],
    [
      'a negative start ordinal',
      statefulSet((s) => {
        s.spec!.ordinals = { start: -1 };
      }),
      'spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'negative replicas',
      statefulSet((s) => {
        s.spec!.replicas = -1;
      }),
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'an empty selector',
      statefulSet((s) => {
        s.spec!.selector = { matchLabels: {} };
      }),
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset',
    ],
    [
      'restartPolicy Never',
      statefulSet((s) => {
        s.spec!.template.spec!.restartPolicy = 'Never';
      }),
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
    [
      'activeDeadlineSeconds in the template',
      statefulSet((s) => {
        s.spec!.template.spec!.activeDeadlineSeconds = 60;
      }),
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported',
    ],
    [
      'template labels not matching the selector',
      statefulSet((s) => {
        s.spec!.template.metadata!.labels = { app: 'cache' };
      }),
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"cache"}: `selector` does not match template `labels`',
    ],
    [
      'an invalid template annotation key',
      statefulSet((s) => {
        s.spec!.template.metadata!.annotations = { 'bad key': 'x' };
      }),
      `spec.template.annotations: Invalid value: "bad key": ${isQualifiedName('bad key')[0] ?? ''}`,
    ],
  ];

  it.each(cases)('rejects %s', (_name, manifest, expected) => {
    expect(create(statefulSetResource, manifest)).toBe(expected);
  });

  it('allows replicas, template, updateStrategy, ordinals, retention and minReadySeconds to change', () => {
    const after = statefulSet((s) => {
      s.spec!.replicas = 5;
      s.spec!.template.spec!.containers[0]!.image = 'postgres:17';
      s.spec!.updateStrategy = { type: 'OnDelete' };
      s.spec!.ordinals = { start: 3 };
      s.spec!.persistentVolumeClaimRetentionPolicy = {
        whenDeleted: 'Delete',
        whenScaled: 'Delete',
      };
      s.spec!.minReadySeconds = 10;
    });
    expect(update(statefulSetResource, statefulSet(), after)).toBe('');
  });

  const forbiddenUpdate =
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

  const updates: Case<StatefulSet>[] = [
    [
      'a new serviceName',
      statefulSet((s) => {
        s.spec!.serviceName = 'db-headless';
      }),
      forbiddenUpdate,
    ],
    [
      'a new podManagementPolicy',
      statefulSet((s) => {
        s.spec!.podManagementPolicy = 'Parallel';
      }),
      forbiddenUpdate,
    ],
    [
      'changed volumeClaimTemplates',
      statefulSet((s) => {
        s.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests = { storage: '2Gi' };
      }),
      forbiddenUpdate,
    ],
    [
      'a new revisionHistoryLimit',
      statefulSet((s) => {
        s.spec!.revisionHistoryLimit = 3;
      }),
      forbiddenUpdate,
    ],
  ];

  it.each(updates)('forbids on update %s', (_name, after, expected) => {
    expect(update(statefulSetResource, statefulSet(), after)).toBe(expected);
  });

  it('compares claim sizes by value on update', () => {
    const after = statefulSet((s) => {
      s.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests = { storage: '1024Mi' };
    });
    expect(update(statefulSetResource, statefulSet(), after)).toBe('');
  });

  it('accepts an update of a StatefulSet whose old name is a subdomain (names are not re-checked)', () => {
    const old = statefulSet((s) => {
      s.metadata!.name = 'web.db';
    });
    const after = structuredClone(old);
    after.spec!.replicas = 1;
    expect(update(statefulSetResource, old, after)).toBe('');
  });

  it('status update: rejects more available than ready replicas', () => {
    const obj = statefulSet((s) => {
      s.status = { replicas: 3, readyReplicas: 1, availableReplicas: 2, currentReplicas: 4 };
    });
    expect(statusUpdate(statefulSetResource, statefulSet(), obj)).toBe(
      '[status.currentReplicas: Invalid value: 4: cannot be greater than status.replicas, status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas]',
    );
  });
});

describe('ControllerRevision validation', () => {
  const revision = (data: unknown, rev = 1): ControllerRevision => ({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { ...meta, name: 'db-5d8f9' },
    data,
    revision: rev,
  });

  it('accepts a revision with data', () => {
    expect(create(controllerRevisionResource, revision({ spec: { template: {} } }))).toBe('');
  });

  it.each([
    ['missing data', revision(undefined), 'data: Required value: data is mandatory'],
    ['null data', revision(null), 'data: Required value: data is mandatory'],
    [
      'a negative revision',
      revision({ a: 1 }, -1),
      'revision: Invalid value: -1: must be greater than or equal to 0',
    ],
  ] as const)('rejects %s', (_name, manifest, expected) => {
    expect(create(controllerRevisionResource, manifest)).toBe(expected);
  });

  it('keeps data immutable, showing it as the runtime.Unknown upstream prints', () => {
    expect(update(controllerRevisionResource, revision({ a: 1 }), revision({ a: 2 }))).toBe(
      'data: Invalid value: runtime.Unknown{TypeMeta:runtime.TypeMeta{APIVersion:"", Kind:""}, Raw:[]uint8{0x7b, 0x22, 0x61, 0x22, 0x3a, 0x32, 0x7d}, ContentEncoding:"", ContentType:"application/json"}: field is immutable',
    );
    expect(update(controllerRevisionResource, revision({ a: 1 }), revision({ a: 1 }, 2))).toBe('');
  });
});
