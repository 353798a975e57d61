import { describe, it, expect } from 'vitest';
import { batchV1Resources } from '../../batch/v1/resources.ts';
import { coordinationV1Resources } from '../../coordination/v1/resources.ts';
import { discoveryV1Resources } from '../../discovery/v1/resources.ts';
import { allVerbs, groupVersion, type ResourceDef } from '../../scheme.ts';
import { formatFieldErrors } from '../../validation/field-errors.ts';
import type { ReplicaSet } from './replica-set.ts';
import { appsV1Resources, deploymentResource, replicaSetResource } from './resources.ts';

const all: readonly ResourceDef[] = [
  ...appsV1Resources,
  ...batchV1Resources,
  ...coordinationV1Resources,
  ...discoveryV1Resources,
];

function byName(resource: string): ResourceDef {
  const def = all.find((d) => d.resource === resource);
  if (!def) throw new Error(`no ${resource}`);
  return def;
}

describe('ResourceDefs of apps/v1, batch/v1, coordination.k8s.io/v1 and discovery.k8s.io/v1', () => {
  it('match `kubectl api-resources` of a v1.32 cluster', () => {
    const rows = all
      .map((d) =>
        [d.resource, d.shortNames.join(','), groupVersion(d), String(d.namespaced), d.kind].join(
          ' ',
        ),
      )
      .sort();
    expect(rows).toEqual([
      'controllerrevisions  apps/v1 true ControllerRevision',
      'cronjobs cj batch/v1 true CronJob',
      'daemonsets ds apps/v1 true DaemonSet',
      'deployments deploy apps/v1 true Deployment',
      'endpointslices  discovery.k8s.io/v1 true EndpointSlice',
      'jobs  batch/v1 true Job',
      'leases  coordination.k8s.io/v1 true Lease',
      'replicasets rs apps/v1 true ReplicaSet',
      'statefulsets sts apps/v1 true StatefulSet',
    ]);
  });

  it('serve every verb, with singular names and upstream categories', () => {
    for (const d of all) {
      expect(d.verbs).toEqual(allVerbs);
      expect(d.singular).toBe(d.kind.toLowerCase());
    }
    const inAll = all
      .filter((d) => d.categories.includes('all'))
      .map((d) => d.resource)
      .sort();
    expect(inAll).toEqual([
      'cronjobs',
      'daemonsets',
      'deployments',
      'jobs',
      'replicasets',
      'statefulsets',
    ]);
  });

  it('declare status and scale subresources as upstream discovery does', () => {
    const subs = Object.fromEntries(
      all.map((d) => [
        d.resource,
        d.subresources.map(
          (s) =>
            `${s.name}:${s.group ?? d.group}/${s.version ?? d.version}/${s.kind}:${s.verbs.join(',')}`,
        ),
      ]),
    );
    expect(subs).toEqual({
      controllerrevisions: [],
      daemonsets: ['status:apps/v1/DaemonSet:get,patch,update'],
      deployments: [
        'status:apps/v1/Deployment:get,patch,update',
        'scale:autoscaling/v1/Scale:get,patch,update',
      ],
      replicasets: [
        'status:apps/v1/ReplicaSet:get,patch,update',
        'scale:autoscaling/v1/Scale:get,patch,update',
      ],
      statefulsets: [
        'status:apps/v1/StatefulSet:get,patch,update',
        'scale:autoscaling/v1/Scale:get,patch,update',
      ],
      cronjobs: ['status:batch/v1/CronJob:get,patch,update'],
      jobs: ['status:batch/v1/Job:get,patch,update'],
      leases: [],
      endpointslices: [],
    });
    for (const d of all) {
      expect(d.hasStatusSubresource).toBe(d.subresources.some((s) => s.name === 'status'));
      expect(d.validateStatusUpdate !== undefined).toBe(d.hasStatusSubresource);
    }
  });

  it('carry the strategy flags of upstream registries', () => {
    const flags = Object.fromEntries(
      all.map((d) => [
        d.resource,
        [d.nameRule, d.tracksGeneration, d.allowUnconditionalUpdate, d.allowCreateOnUpdate].join(
          ' ',
        ),
      ]),
    );
    expect(flags).toEqual({
      controllerrevisions: 'subdomain false true false',
      daemonsets: 'subdomain true true false',
      deployments: 'subdomain true true false',
      replicasets: 'subdomain true true false',
      statefulsets: 'label true true false',
      cronjobs: 'subdomain true true false',
      jobs: 'subdomain true true false',
      leases: 'subdomain false false true',
      endpointslices: 'subdomain true true false',
    });
  });

  it('offer the field selectors upstream allows beyond metadata', () => {
    const selectors = Object.fromEntries(
      all.map((d) => [d.resource, Object.keys(d.fieldSelectors)]),
    );
    expect(selectors.replicasets).toEqual(['status.replicas']);
    expect(selectors.jobs).toEqual(['status.successful']);
    for (const r of [
      'deployments',
      'daemonsets',
      'statefulsets',
      'cronjobs',
      'leases',
      'endpointslices',
      'controllerrevisions',
    ]) {
      expect(selectors[r]).toEqual([]);
    }
    const rs: ReplicaSet = {
      metadata: { name: 'web-5d8f9', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } } },
      status: { replicas: 3 },
    };
    expect(replicaSetResource.fieldSelectors['status.replicas']?.(rs)).toBe('3');
    expect(
      replicaSetResource.fieldSelectors['status.replicas']?.({
        ...rs,
        status: undefined,
      } as unknown as ReplicaSet),
    ).toBe('0');
    const jobs = byName('jobs');
    expect(jobs.fieldSelectors['status.successful']?.({ status: { succeeded: 2 } } as never)).toBe(
      '2',
    );
    expect(jobs.fieldSelectors['status.successful']?.({})).toBe('0');
  });

  it('name their schemas after the kind', () => {
    for (const d of all) {
      expect(d.schema.gvk?.[0]).toEqual({ group: d.group, version: d.version, kind: d.kind });
      expect(d.listSchema.gvk?.[0]?.kind).toBe(`${d.kind}List`);
    }
  });

  it('default and validate what `kubectl create deployment web --image=nginx` sends', () => {
    const sent = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    };
    deploymentResource.defaults(sent);
    expect(formatFieldErrors(deploymentResource.validate(sent, { namespace: 'default' }))).toBe('');
    expect(sent.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
  });
});
