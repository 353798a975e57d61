import { describe, it, expect } from 'vitest';
import type { ManagedFieldsEntry } from '../../api/index.ts';
import { FieldSet } from './field-set.ts';
import { defaultFieldManager, fieldManagerFor } from './field-manager.ts';
import { fieldPath } from './path-element.ts';
import { defaulted, stored, webManifest } from './testing/objects.ts';
import { deploymentSchema } from './testing/schemas.ts';
import {
  keepManagedFieldsTimesOnNoop,
  updateManagedFields,
  type UpdateManagedFieldsOptions,
  withManagedFields,
} from './update.ts';

const t0 = new Date('2024-05-01T10:00:00.123Z');
const t1 = new Date('2024-05-01T10:05:00Z');
const t2 = new Date('2024-05-01T10:10:00Z');

function update(
  o: Partial<UpdateManagedFieldsOptions> & Pick<UpdateManagedFieldsOptions, 'updated' | 'manager'>,
): ManagedFieldsEntry[] {
  return updateManagedFields({
    live: undefined,
    schema: deploymentSchema,
    apiVersion: 'apps/v1',
    now: t0,
    resetFields: FieldSet.of(fieldPath('status')),
    ...o,
  });
}

const container = 'k:{"name":"app"}';
const port = 'k:{"containerPort":80,"protocol":"TCP"}';

/** What upstream records for `kubectl create -f` of the web Deployment, in upstream key order. */
const createdFields = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:progressDeadlineSeconds': {},
    'f:replicas': {},
    'f:revisionHistoryLimit': {},
    'f:selector': {},
    'f:strategy': {
      'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} },
      'f:type': {},
    },
    'f:template': {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          [container]: {
            '.': {},
            'f:image': {},
            'f:imagePullPolicy': {},
            'f:name': {},
            'f:ports': { '.': {}, [port]: { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
            'f:resources': {},
            'f:terminationMessagePath': {},
            'f:terminationMessagePolicy': {},
          },
        },
        'f:dnsPolicy': {},
        'f:restartPolicy': {},
        'f:schedulerName': {},
        'f:securityContext': {},
        'f:terminationGracePeriodSeconds': {},
      },
    },
  },
};

function created(): { obj: Record<string, unknown>; entries: ManagedFieldsEntry[] } {
  const entries = update({ updated: defaulted(webManifest()), manager: 'kubectl-create' });
  return { obj: stored(webManifest(), entries), entries };
}

function setImage(obj: Record<string, unknown>, image: string): Record<string, unknown> {
  const o = structuredClone(obj) as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  const c = o.spec.template.spec.containers[0];
  if (c !== undefined) c.image = image;
  return o;
}

describe('updateManagedFields on create', () => {
  it('records every field the creator set, as upstream does for kubectl create', () => {
    const entries = update({ updated: defaulted(webManifest()), manager: 'kubectl-create' });
    expect(entries).toHaveLength(1);
    const [e] = entries;
    expect(e).toEqual({
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: createdFields,
    });
    // Same keys in the same order as upstream writes them.
    expect(JSON.stringify(e?.fieldsV1)).toBe(JSON.stringify(createdFields));
  });

  it('does not track status on the main resource, nor identity metadata', () => {
    const obj = { ...defaulted(webManifest()), status: { replicas: 3 } };
    const [e] = update({ updated: obj, manager: 'm' });
    expect(e?.fieldsV1).not.toHaveProperty('f:status');
    expect(e?.fieldsV1).not.toHaveProperty(['f:metadata', 'f:name']);
  });

  it('names the manager unknown when there is none', () => {
    const [e] = update({ updated: defaulted(webManifest()), manager: '' });
    expect(e?.manager).toBe('unknown');
  });

  it('tracks a create that sends managedFields: [] (reset) normally', () => {
    const obj = withManagedFields(defaulted(webManifest()), []);
    const withReset = { ...obj, metadata: { ...(obj['metadata'] as object), managedFields: [] } };
    expect(update({ updated: withReset, manager: 'kubectl-create' })).toHaveLength(1);
  });
});

describe('updateManagedFields on update', () => {
  it('moves a changed field to the writer (kubectl edit)', () => {
    const { obj } = created();
    const entries = update({
      live: obj,
      updated: setImage(obj, 'nginx:1.26'),
      manager: 'kubectl-edit',
      now: t1,
    });
    expect(entries.map((e) => [e.manager, e.time])).toEqual([
      ['kubectl-create', '2024-05-01T10:00:00Z'],
      ['kubectl-edit', '2024-05-01T10:05:00Z'],
    ]);
    expect(entries[1]?.fieldsV1).toEqual({
      'f:spec': {
        'f:template': { 'f:spec': { 'f:containers': { [container]: { 'f:image': {} } } } },
      },
    });
    const createFields = entries[0]?.fieldsV1 as typeof createdFields;
    expect(
      createFields['f:spec']['f:template']['f:spec']['f:containers'][container],
    ).not.toHaveProperty('f:image');
  });

  it('returns the stored entries themselves when nothing changed', () => {
    const { obj, entries } = created();
    const again = update({
      live: obj,
      updated: structuredClone(obj),
      manager: 'kubectl-edit',
      now: t1,
    });
    expect(again).toHaveLength(1);
    expect(again[0]).toBe((obj['metadata'] as { managedFields: unknown[] }).managedFields[0]);
    expect(again[0]?.time).toBe(entries[0]?.time);
  });

  it('leaves entries the write does not touch untouched (same objects)', () => {
    const { obj } = created();
    const live = stored(webManifest(), [
      ...(obj['metadata'] as { managedFields: ManagedFieldsEntry[] }).managedFields,
    ]);
    const updated = structuredClone(live) as { metadata: { annotations?: Record<string, string> } };
    updated.metadata.annotations = { note: 'hi' };
    const entries = update({ live, updated, manager: 'kubectl-annotate', now: t1 });
    const liveEntries = (live['metadata'] as { managedFields: ManagedFieldsEntry[] }).managedFields;
    expect(entries[0]).toBe(liveEntries[0]);
    expect(entries[1]).toEqual({
      manager: 'kubectl-annotate',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:05:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:annotations': { '.': {}, 'f:note': {} } } },
    });
  });

  it('drops a manager that lost everything', () => {
    const { obj } = created();
    const edited = update({
      live: obj,
      updated: setImage(obj, 'b'),
      manager: 'kubectl-edit',
      now: t1,
    });
    const live = stored(webManifest({ image: 'b' }), edited);
    const back = update({ live, updated: setImage(live, 'c'), manager: 'kubectl-set', now: t2 });
    expect(back.map((e) => e.manager)).toEqual(['kubectl-create', 'kubectl-set']);
  });

  it('gives fields removed by a write to nobody', () => {
    const { obj } = created();
    const updated = structuredClone(obj) as { metadata: { labels?: Record<string, string> } };
    delete updated.metadata.labels;
    const entries = update({ live: obj, updated, manager: 'kubectl-edit', now: t1 });
    expect(entries.map((e) => e.manager)).toEqual(['kubectl-create']);
    expect(entries[0]?.fieldsV1).not.toHaveProperty('f:metadata');
  });

  it('keeps an existing object without managedFields without them', () => {
    const live = stored(webManifest(), undefined);
    expect(update({ live, updated: setImage(live, 'x'), manager: 'kubectl-edit' })).toEqual([]);
  });

  it('resets managedFields when the request sends []', () => {
    const { obj } = created();
    const updated = withManagedFields(setImage(obj, 'x'), []);
    const reset = {
      ...updated,
      metadata: { ...(updated['metadata'] as object), managedFields: [] },
    };
    expect(update({ live: obj, updated: reset, manager: 'kubectl-edit' })).toEqual([]);
  });

  it('starts from the managedFields the request carries when they differ from the stored ones', () => {
    const { obj } = created();
    const mine: ManagedFieldsEntry = {
      manager: 'migrated',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2024-05-01T09:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    };
    const updated = withManagedFields(obj, [mine]);
    const entries = update({ live: obj, updated, manager: 'kubectl-patch', now: t1 });
    expect(entries).toEqual([mine]);
  });

  it('ignores invalid managedFields in the request', () => {
    const { obj, entries: liveEntries } = created();
    const bogus = {
      ...(liveEntries[0] as object),
      operation: 'Bogus',
    } as unknown as ManagedFieldsEntry;
    const entries = update({ live: obj, updated: withManagedFields(obj, [bogus]), manager: 'x' });
    expect(entries).toEqual(liveEntries);
  });

  it('keeps the stored entries when the new object cannot be compared', () => {
    const { obj, entries: liveEntries } = created();
    const bad = structuredClone(obj) as { spec: { template: { spec: { containers: object[] } } } };
    bad.spec.template.spec.containers.push({ image: 'no-name' });
    expect(update({ live: obj, updated: bad, manager: 'x' })).toEqual(liveEntries);
  });
});

describe('updateManagedFields on subresources', () => {
  it('records status writes separately, per subresource', () => {
    const { obj } = created();
    const updated = {
      ...structuredClone(obj),
      status: {
        observedGeneration: 1,
        replicas: 1,
        conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
      },
    };
    const entries = update({
      live: obj,
      updated,
      manager: 'kube-controller-manager',
      subresource: 'status',
      resetFields: FieldSet.of(fieldPath('spec'), fieldPath('metadata', 'labels')),
      now: t1,
    });
    expect(entries[1]).toEqual({
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:05:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:status': {
          'f:conditions': {
            '.': {},
            'k:{"type":"Available"}': { '.': {}, 'f:reason': {}, 'f:status': {}, 'f:type': {} },
          },
          'f:observedGeneration': {},
          'f:replicas': {},
        },
      },
      subresource: 'status',
    });
  });

  it('keeps the stored fieldsV1 when a controller rewrites fields it owns, updating the time', () => {
    const { obj } = created();
    const resetSpec = FieldSet.of(fieldPath('spec'));
    const withStatus = (replicas: number): Record<string, unknown> => ({
      ...structuredClone(obj),
      status: { observedGeneration: 1, replicas },
    });
    const first = update({
      live: obj,
      updated: withStatus(1),
      manager: 'kube-controller-manager',
      subresource: 'status',
      resetFields: resetSpec,
      now: t1,
    });
    const live: Record<string, unknown> = {
      ...stored(webManifest(), first),
      status: { observedGeneration: 1, replicas: 1 },
    };
    const second = update({
      live,
      updated: { ...withStatus(2), metadata: live['metadata'] },
      manager: 'kube-controller-manager',
      subresource: 'status',
      resetFields: resetSpec,
      now: t2,
    });
    expect(second[0]).toBe(first[0]);
    expect(second[1]?.time).toBe('2024-05-01T10:10:00Z');
    expect(second[1]?.fieldsV1).toBe(first[1]?.fieldsV1);
  });

  it('uses the stored entries for subresource writes, whatever the request carries', () => {
    const { obj, entries: liveEntries } = created();
    const updated = withManagedFields({ ...obj, status: { replicas: 1 } }, []);
    const entries = update({
      live: obj,
      updated,
      manager: 'c',
      subresource: 'status',
      resetFields: FieldSet.of(fieldPath('spec')),
      now: t1,
    });
    expect(entries[0]).toEqual(liveEntries[0]);
    expect(entries[1]?.subresource).toBe('status');
  });

  it('records kubectl scale as the owner of spec.replicas', () => {
    const { obj } = created();
    const updated = structuredClone(obj) as { spec: { replicas: number } };
    updated.spec.replicas = 3;
    const entries = update({
      live: obj,
      updated,
      manager: 'kubectl-scale',
      subresource: 'scale',
      now: t1,
    });
    expect(entries[1]).toMatchObject({
      manager: 'kubectl-scale',
      operation: 'Update',
      apiVersion: 'apps/v1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      subresource: 'scale',
    });
    expect(entries[0]?.fieldsV1).not.toHaveProperty(['f:spec', 'f:replicas']);
  });
});

describe('updateManagedFields caps Update managers', () => {
  it('merges the oldest Update managers into ancient-changes beyond 10', () => {
    const entries: ManagedFieldsEntry[] = [];
    const labels: Record<string, string> = {};
    for (let i = 0; i < 10; i++) {
      labels[`l${i}`] = 'x';
      entries.push({
        manager: `m${i}`,
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString().replace('.000Z', 'Z'),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { [`f:l${i}`]: {} } } },
      });
    }
    entries.push({
      manager: 'applier',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2023-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:paused': {} } },
    });
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'w', uid: 'u', labels, managedFields: entries },
      spec: { paused: true },
    };
    const updated = structuredClone(live);
    updated.metadata.labels = { ...labels, l10: 'x' };
    const out = update({ live, updated, manager: 'm10', now: t2 });
    expect(out.map((e) => e.manager)).toEqual([
      'applier',
      'ancient-changes',
      ...[2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => `m${i}`),
    ]);
    expect(out[1]).toMatchObject({
      time: '2024-01-01T00:01:00Z',
      fieldsV1: { 'f:metadata': { 'f:labels': { 'f:l0': {}, 'f:l1': {} } } },
    });
  });
});

describe('field manager names', () => {
  it('derives the default manager from the User-Agent as upstream', () => {
    expect(defaultFieldManager('kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9')).toBe('kubectl');
    expect(defaultFieldManager('kube-controller-manager/v1.32.0 (linux/amd64)')).toBe(
      'kube-controller-manager',
    );
    expect(defaultFieldManager('bad\u0001name/1')).toBe('badname');
    expect(defaultFieldManager('x'.repeat(200))).toHaveLength(128);
    expect(defaultFieldManager(undefined)).toBe('');
    expect(fieldManagerFor('kubectl-client-side-apply', 'kubectl/v1.32.0')).toBe(
      'kubectl-client-side-apply',
    );
    expect(fieldManagerFor(undefined, 'kubectl/v1.32.0')).toBe('kubectl');
  });
});

describe('keepManagedFieldsTimesOnNoop', () => {
  it('restores stored times when only the times differ', () => {
    const { obj } = created();
    const entries = (obj['metadata'] as { managedFields: ManagedFieldsEntry[] }).managedFields;
    const bumped = withManagedFields(
      obj,
      entries.map((e) => ({ ...e, time: '2030-01-01T00:00:00Z' })),
    );
    expect(keepManagedFieldsTimesOnNoop(bumped, obj)).toEqual(obj);
    const changed = setImage(bumped, 'other');
    expect(keepManagedFieldsTimesOnNoop(changed, obj)).toBe(changed);
  });
});
