import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../../validation/field-errors.ts';
import {
  defaultLimitRange,
  defaultReplicationController,
  defaultResourceQuota,
} from '../defaults.ts';
import type { LimitRange, LimitRangeItem } from '../limit-range.ts';
import type { ReplicationController } from '../replication-controller.ts';
import type { ResourceQuota } from '../resource-quota.ts';
import {
  validateLimitRange,
  validateLimitRangeUpdate,
  validateReplicationController,
  validateReplicationControllerStatusUpdate,
  validateReplicationControllerUpdate,
  validateResourceQuota,
  validateResourceQuotaStatusUpdate,
  validateResourceQuotaUpdate,
} from './policy.ts';
import { NON_NEGATIVE, SUBDOMAIN, goQty } from './testdata/messages.ts';

const msg = formatFieldErrors;

function limitRange(...limits: LimitRangeItem[]): LimitRange {
  const lr: LimitRange = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'limits', namespace: 'default', resourceVersion: '2' },
    spec: { limits },
  };
  defaultLimitRange(lr);
  return lr;
}

const limitRangeCases: readonly (readonly [string, LimitRangeItem[], string])[] = [
  [
    'unknown unqualified type',
    [{ type: 'Node' }],
    'spec.limits[0].type: Invalid value: "Node": must be a standard limit type or fully qualified',
  ],
  [
    'type repeated',
    [
      { type: 'Pod', max: { cpu: '2' } },
      { type: 'Pod', max: { cpu: '1' } },
    ],
    'spec.limits[1].type: Duplicate value: "Pod"',
  ],
  [
    'default on a Pod limit',
    [{ type: 'Pod', default: { cpu: '1' } }],
    "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
  ],
  [
    'default request on a Pod limit',
    [{ type: 'Pod', defaultRequest: { cpu: '1' } }],
    "spec.limits[0].defaultRequest: Forbidden: may not be specified when `type` is 'Pod'",
  ],
  [
    'claim limit without storage bounds',
    [{ type: 'PersistentVolumeClaim', max: { cpu: '1' } }],
    'spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
  ],
  [
    'pods as a pod resource',
    [{ type: 'Pod', max: { pods: '1' } }],
    'spec.limits[0].max[pods]: Invalid value: "pods": must be a standard resource for containers',
  ],
  [
    'min above max',
    [{ type: 'Pod', min: { cpu: '2' }, max: { cpu: '1' } }],
    `spec.limits[0].min[cpu]: Invalid value: ${goQty(2, 0, '2')}: min value 2 is greater than max value 1`,
  ],
  // Go keeps a parsed quantity's text only in canonical form: "512Mi" (512 is a multiple of 8)
  // is not, so its %#v shows an empty s.
  [
    'container min above max (defaults derived from max)',
    [{ type: 'Container', min: { memory: '1Gi' }, max: { memory: '512Mi' } }],
    `[spec.limits[0].min[memory]: Invalid value: ${goQty(1073741824, 0, '1Gi', 'BinarySI')}: min value 1Gi is greater than max value 512Mi, spec.limits[0].defaultRequest[memory]: Invalid value: ${goQty(536870912, 0, '', 'BinarySI')}: min value 1Gi is greater than default request value 512Mi, spec.limits[0].default[memory]: Invalid value: ${goQty(1073741824, 0, '1Gi', 'BinarySI')}: min value 1Gi is greater than default value 512Mi]`,
  ],
  [
    'default request above default',
    [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '1' } }],
    `spec.limits[0].defaultRequest[cpu]: Invalid value: ${goQty(1, 0, '1')}: default request value 1 is greater than default limit value 500m`,
  ],
  [
    'default above max',
    [{ type: 'Container', max: { cpu: '1' }, default: { cpu: '2' }, defaultRequest: { cpu: '1' } }],
    `spec.limits[0].default[cpu]: Invalid value: ${goQty(1, 0, '1')}: default value 2 is greater than max value 1`,
  ],
  [
    'ratio below 1',
    [{ type: 'Pod', maxLimitRequestRatio: { cpu: '500m' } }],
    `spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: ${goQty(500, -3, '500m')}: ratio 500m is less than 1`,
  ],
  [
    'ratio above max/min',
    [{ type: 'Pod', min: { cpu: '1' }, max: { cpu: '2' }, maxLimitRequestRatio: { cpu: '10' } }],
    `spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: ${goQty(10, 0, '10')}: ratio 10 is greater than max/min = 2.000000`,
  ],
  [
    'extended resource default and request that differ',
    [
      {
        type: 'Container',
        default: { 'example.com/gpu': '2' },
        defaultRequest: { 'example.com/gpu': '1' },
      },
    ],
    `spec.limits[0].defaultRequest[example.com/gpu]: Invalid value: ${goQty(1, 0, '1')}: default value 2 must equal to defaultRequest value 1 in example.com/gpu`,
  ],
  [
    'valid container limits',
    [
      {
        type: 'Container',
        min: { cpu: '100m' },
        max: { cpu: '2' },
        default: { cpu: '500m' },
        defaultRequest: { cpu: '250m' },
      },
    ],
    '',
  ],
  [
    'valid claim limits',
    [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }],
    '',
  ],
];

describe('LimitRange', () => {
  it('defaults a container item from max, then default, then min', () => {
    const lr = limitRange({ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } });
    expect(lr.spec?.limits[0]).toEqual({
      type: 'Container',
      max: { cpu: '2' },
      min: { memory: '64Mi' },
      default: { cpu: '2' },
      defaultRequest: { cpu: '2', memory: '64Mi' },
    });
  });

  it.each(limitRangeCases)('%s', (_name, limits, expected) => {
    expect(msg(validateLimitRange(limitRange(...limits)))).toBe(expected);
  });

  it('validates updates the same way', () => {
    const old = limitRange({ type: 'Pod', max: { cpu: '2' } });
    const next = limitRange({ type: 'Pod', min: { cpu: '3' }, max: { cpu: '2' } });
    expect(msg(validateLimitRangeUpdate(next, old))).toBe(
      `spec.limits[0].min[cpu]: Invalid value: ${goQty(3, 0, '3')}: min value 3 is greater than max value 2`,
    );
  });
});

function quota(
  spec: ResourceQuota['spec'],
  mutate: (q: ResourceQuota) => void = () => undefined,
): ResourceQuota {
  const q: ResourceQuota = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'compute', namespace: 'default', resourceVersion: '2' },
    ...(spec ? { spec } : {}),
  };
  mutate(q);
  defaultResourceQuota(q);
  return q;
}

const quotaCases: readonly (readonly [string, ResourceQuota['spec'], string])[] = [
  [
    'unknown resource',
    { hard: { gpus: '1' } },
    '[spec.hard[gpus]: Invalid value: "gpus": must be a standard resource type or fully qualified, spec.hard[gpus]: Invalid value: "gpus": must be a standard resource for quota]',
  ],
  [
    'negative quantity',
    { hard: { cpu: '-1' } },
    `spec.hard[cpu]: Invalid value: "-1": ${NON_NEGATIVE}`,
  ],
  [
    'fractional object count',
    { hard: { pods: '1500m' } },
    `spec.hard[pods]: Invalid value: ${goQty(1500, -3, '1500m')}: must be an integer`,
  ],
  [
    'unknown scope',
    { hard: { pods: '10' }, scopes: ['Forever' as 'BestEffort'] },
    'spec.scopes: Invalid value: []core.ResourceQuotaScope{"Forever"}: unsupported scope',
  ],
  [
    'scope not applicable to a resource',
    { hard: { cpu: '1' }, scopes: ['BestEffort'] },
    'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort"}: unsupported scope applied to resource',
  ],
  [
    'conflicting scopes',
    { hard: { pods: '10' }, scopes: ['Terminating', 'NotTerminating'] },
    'spec.scopes: Invalid value: []core.ResourceQuotaScope{"Terminating", "NotTerminating"}: conflicting scopes',
  ],
  [
    'scope selector with In and no values',
    {
      hard: { pods: '10' },
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In' }] },
    },
    "spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
  ],
  [
    'scope selector on Terminating with In',
    {
      hard: { pods: '10' },
      scopeSelector: {
        matchExpressions: [{ scopeName: 'Terminating', operator: 'In', values: ['x'] }],
      },
    },
    'spec.scopeSelector.matchExpressions.operator: Invalid value: "In": must be \'Exists\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity',
  ],
  [
    'valid quota with scopes',
    { hard: { pods: '10', 'requests.cpu': '4' }, scopes: ['NotTerminating'] },
    '',
  ],
  ['extended resource requests are fine', { hard: { 'requests.example.com/gpu': '4' } }, ''],
];

describe('ResourceQuota', () => {
  it.each(quotaCases)('%s', (_name, spec, expected) => {
    expect(msg(validateResourceQuota(quota(spec)))).toBe(expected);
  });

  it('rejects a bad name', () => {
    const q = quota(
      { hard: { pods: '1' } },
      (x) => (x.metadata = { name: 'Compute', namespace: 'default' }),
    );
    expect(msg(validateResourceQuota(q))).toBe(
      `metadata.name: Invalid value: "Compute": ${SUBDOMAIN}`,
    );
  });

  it('keeps its scopes', () => {
    const old = quota({ hard: { pods: '10' }, scopes: ['NotTerminating'] });
    const next = quota({ hard: { pods: '10' }, scopes: ['Terminating'] });
    expect(msg(validateResourceQuotaUpdate(next, old))).toBe(
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"Terminating"}: field is immutable',
    );
    const reordered = quota({ hard: { pods: '20' }, scopes: ['NotTerminating'] });
    expect(msg(validateResourceQuotaUpdate(reordered, old))).toBe('');
  });

  it('validates status quantities', () => {
    const old = quota({ hard: { pods: '10' } });
    const next = quota(
      { hard: { pods: '10' } },
      (q) => (q.status = { hard: { pods: '10' }, used: { pods: '-1' } }),
    );
    expect(msg(validateResourceQuotaStatusUpdate(next, old))).toBe(
      `status.used[pods]: Invalid value: "-1": ${NON_NEGATIVE}`,
    );
  });
});

function rc(mutate: (r: ReplicationController) => void = () => undefined): ReplicationController {
  const r: ReplicationController = {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '6' },
    spec: {
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
      },
    },
  };
  mutate(r);
  defaultReplicationController(r);
  return r;
}

const spec = (r: ReplicationController): NonNullable<ReplicationController['spec']> =>
  (r.spec ??= {});

const rcCases: readonly (readonly [string, (r: ReplicationController) => void, string])[] = [
  [
    'selector that does not match the labels',
    (r) => (spec(r).selector = { app: 'api' }),
    '[spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]'.slice(
      1,
      -1,
    ),
  ],
  [
    'no selector and no labels',
    (r) => {
      const t = spec(r).template;
      if (t) t.metadata = {};
    },
    'spec.selector: Required value',
  ],
  [
    'no template',
    (r) => delete spec(r).template,
    '[spec.selector: Required value, spec.template: Required value]',
  ],
  [
    'negative replicas',
    (r) => (spec(r).replicas = -1),
    `spec.replicas: Invalid value: -1: ${NON_NEGATIVE}`,
  ],
  [
    'negative minReadySeconds',
    (r) => (spec(r).minReadySeconds = -1),
    `spec.minReadySeconds: Invalid value: -1: ${NON_NEGATIVE}`,
  ],
  [
    'restart policy Never',
    (r) => {
      const s = spec(r).template?.spec;
      if (s) s.restartPolicy = 'Never';
    },
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ],
  [
    'active deadline',
    (r) => {
      const s = spec(r).template?.spec;
      if (s) s.activeDeadlineSeconds = 30;
    },
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported',
  ],
  [
    'container without image',
    (r) => {
      const c = spec(r).template?.spec?.containers[0];
      if (c) delete c.image;
    },
    'spec.template.spec.containers[0].image: Required value',
  ],
  [
    'upper-case name',
    (r) => (r.metadata = { name: 'Web', namespace: 'default' }),
    `metadata.name: Invalid value: "Web": ${SUBDOMAIN}`,
  ],
];

describe('ReplicationController', () => {
  it('defaults selector, labels and replicas from the template', () => {
    const r = rc();
    expect(r.spec?.selector).toEqual({ app: 'web' });
    expect(r.metadata?.labels).toEqual({ app: 'web' });
    expect(r.spec?.replicas).toBe(1);
    expect(r.spec?.template?.spec?.restartPolicy).toBe('Always');
    expect(msg(validateReplicationController(r))).toBe('');
  });

  it.each(rcCases)('%s', (_name, mutate, expected) => {
    expect(msg(validateReplicationController(rc(mutate)))).toBe(expected);
  });

  it('allows scaling and template changes on update', () => {
    const next = rc((r) => {
      spec(r).replicas = 3;
      const c = spec(r).template?.spec?.containers[0];
      if (c) c.image = 'nginx:1.28';
    });
    expect(msg(validateReplicationControllerUpdate(next, rc()))).toBe('');
  });

  it('checks status counters', () => {
    const next = rc(
      (r) =>
        (r.status = {
          replicas: 1,
          readyReplicas: 2,
          availableReplicas: 3,
          fullyLabeledReplicas: -1,
        }),
    );
    expect(msg(validateReplicationControllerStatusUpdate(next, rc()))).toBe(
      `[status.fullyLabeledReplicas: Invalid value: -1: ${NON_NEGATIVE}, status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas, status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas, status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas]`,
    );
  });
});
