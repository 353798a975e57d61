import { describe, it, expect } from 'vitest';
import type { ManagedFieldsEntry } from '../../api/index.ts';
import { apply, type ApplyOptions, decodeApplyPatch } from './apply.ts';
import { ApplyConflictError, ApplyError } from './errors.ts';
import { FieldSet } from './field-set.ts';
import { lastAppliedAnnotation } from './last-applied.ts';
import { fieldPath } from './path-element.ts';
import { defaulted, stored, webManifest } from './testing/objects.ts';
import { deploymentSchema } from './testing/schemas.ts';
import { updateManagedFields } from './update.ts';

const t0 = new Date('2024-05-01T10:00:00Z');
const t1 = new Date('2024-05-01T10:05:00Z');
const t2 = new Date('2024-05-01T10:10:00Z');
const t3 = new Date('2024-05-01T10:15:00Z');

type Obj = Record<string, unknown>;

function ssa(
  live: Obj | undefined,
  applied: unknown,
  o: Partial<ApplyOptions> = {},
): { object: Obj; changed: boolean } {
  return apply({
    live,
    applied,
    schema: deploymentSchema,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    manager: 'kubectl',
    force: false,
    now: t0,
    resetFields: FieldSet.of(fieldPath('status')),
    ...o,
  });
}

/** Stores an object as the server would: defaulted, with server metadata. */
function persist(obj: Obj): Obj {
  return stored(obj, managedFields(obj));
}

function managedFields(obj: Obj): ManagedFieldsEntry[] {
  return (obj['metadata'] as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [];
}

function spec(obj: Obj): {
  replicas?: number;
  template: {
    metadata: { labels?: Record<string, string> };
    spec: { containers: { name: string; image?: string }[] };
  };
} {
  return obj['spec'] as ReturnType<typeof spec>;
}

/** A non-apply write (kubectl scale, edit, client-side apply) stored as the server would. */
function write(
  live: Obj | undefined,
  updated: Obj,
  manager: string,
  now: Date,
  subresource?: string,
): Obj {
  const entries = updateManagedFields({
    live,
    updated,
    schema: deploymentSchema,
    manager,
    apiVersion: 'apps/v1',
    subresource,
    now,
    resetFields: FieldSet.of(fieldPath('status')),
  });
  return stored(updated, entries);
}

function scale(live: Obj, replicas: number, now: Date): Obj {
  const updated = structuredClone(live);
  (updated['spec'] as { replicas: number }).replicas = replicas;
  return write(live, updated, 'kubectl-scale', now, 'scale');
}

function conflictOf(f: () => unknown): ApplyConflictError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApplyConflictError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

function errorOf(f: () => unknown): ApplyError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApplyError) return e;
    throw e;
  }
  throw new Error('expected an ApplyError');
}

const appliedFields = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"app"}': {
            '.': {},
            'f:image': {},
            'f:name': {},
            'f:ports': {
              'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
            },
          },
        },
      },
    },
  },
};

describe('kubectl apply --server-side', () => {
  it('creates the object and records what the applier applied', () => {
    const r = ssa(undefined, webManifest({ replicas: 2 }));
    expect(r.changed).toBe(true);
    expect(managedFields(r.object)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: appliedFields,
      },
    ]);
    expect(JSON.stringify(managedFields(r.object)[0]?.fieldsV1)).toBe(
      JSON.stringify(appliedFields),
    );
    const { metadata: _, ...rest } = r.object;
    const { metadata: __, ...manifest } = webManifest({ replicas: 2 });
    expect(rest).toEqual(manifest);
  });

  it('re-applies a changed field and keeps fields set by defaulting', () => {
    const live = persist(ssa(undefined, webManifest({ replicas: 2 })).object);
    const r = ssa(live, webManifest({ replicas: 2, image: 'nginx:1.26' }), { now: t1 });
    expect(r.changed).toBe(true);
    expect(spec(r.object).template.spec.containers[0]).toMatchObject({
      name: 'app',
      image: 'nginx:1.26',
      imagePullPolicy: 'IfNotPresent',
    });
    expect(managedFields(r.object)).toEqual([
      expect.objectContaining({
        manager: 'kubectl',
        time: '2024-05-01T10:05:00Z',
        fieldsV1: appliedFields,
      }),
    ]);
  });

  it('is a no-op for an unchanged manifest (time kept)', () => {
    const live = persist(ssa(undefined, webManifest({ replicas: 2 })).object);
    const r = ssa(live, webManifest({ replicas: 2 }), { now: t1 });
    expect(r.changed).toBe(false);
    expect(managedFields(r.object)[0]?.time).toBe('2024-05-01T10:00:00Z');
    const { metadata: m1, ...a } = r.object;
    const { metadata: m2, ...b } = live;
    expect(a).toEqual(b);
    expect({ ...(m1 as object), managedFields: [] }).toEqual({
      ...(m2 as object),
      managedFields: [],
    });
  });

  it('removes fields dropped from the manifest', () => {
    const live = persist(
      ssa(undefined, webManifest({ replicas: 2, labels: { app: 'web', tier: 'front' } })).object,
    );
    const r = ssa(live, webManifest({ labels: { app: 'web' } }), { now: t1 });
    expect(spec(r.object).replicas).toBeUndefined();
    expect(spec(r.object).template.metadata.labels).toEqual({ app: 'web' });
    // Fields the applier never owned (defaults) stay.
    expect(spec(r.object).template.spec.containers[0]).toHaveProperty('imagePullPolicy');
  });

  it('removes a container dropped from the manifest but keeps one another manager applied', () => {
    const two = webManifest();
    spec(two).template.spec.containers.push({ name: 'sidecar', image: 'envoy' });
    let live = persist(ssa(undefined, two).object);
    // Another applier also applies the sidecar: it is now shared.
    const mesh = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } },
    };
    live = persist(ssa(live, mesh, { manager: 'mesh', now: t1 }).object);
    const r = ssa(live, webManifest(), { now: t2 });
    expect(spec(r.object).template.spec.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
    const one = ssa(persist(ssa(undefined, two).object), webManifest(), { now: t2 });
    expect(spec(one.object).template.spec.containers.map((c) => c.name)).toEqual(['app']);
  });

  it('conflicts with kubectl scale on spec.replicas; --force-conflicts takes it over', () => {
    let live = persist(ssa(undefined, webManifest({ replicas: 2 })).object);
    live = scale(live, 5, t1);
    expect(managedFields(live).map((e) => [e.manager, e.subresource])).toEqual([
      ['kubectl', undefined],
      ['kubectl-scale', 'scale'],
    ]);

    const err = conflictOf(() => ssa(live, webManifest({ replicas: 3 }), { now: t2 }));
    expect(err.code).toBe(409);
    expect(err.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-scale" with subresource "scale" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
      code: 409,
    });
    expect(err.conflicts).toEqual([
      {
        manager: 'kubectl-scale',
        operation: 'Update',
        apiVersion: 'apps/v1',
        subresource: 'scale',
        path: ['f:spec', 'f:replicas'],
        field: '.spec.replicas',
      },
    ]);

    // The same value is no conflict: both own it.
    const same = ssa(live, webManifest({ replicas: 5 }), { now: t2 });
    expect(managedFields(same.object).map((e) => e.manager)).toEqual(['kubectl', 'kubectl-scale']);

    const forced = ssa(live, webManifest({ replicas: 3 }), { now: t2, force: true });
    expect(spec(forced.object).replicas).toBe(3);
    expect(managedFields(forced.object).map((e) => e.manager)).toEqual(['kubectl']);
    expect(managedFields(forced.object)[0]?.fieldsV1).toEqual(appliedFields);
  });

  it('reports several conflicts grouped by manager', () => {
    let live = write(undefined, defaulted(webManifest({ replicas: 2 })), 'kubectl-create', t0);
    const edited = structuredClone(live);
    const c = spec(edited).template.spec.containers[0];
    if (c !== undefined) c.image = 'nginx:edited';
    live = write(live, edited, 'kubectl-edit', t1);
    const err = conflictOf(() =>
      ssa(live, webManifest({ replicas: 3, image: 'nginx:2' }), { manager: 'argocd', now: t2 }),
    );
    expect(err.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n' +
        '- .spec.replicas\n' +
        'conflicts with "kubectl-edit" using apps/v1:\n' +
        '- .spec.template.spec.containers[name="app"].image',
    );
    expect(err.status.details?.causes?.map((x) => x.field)).toEqual([
      '.spec.replicas',
      '.spec.template.spec.containers[name="app"].image',
    ]);
  });

  it('gives the fields of an object without managedFields to before-first-apply', () => {
    const live = stored(webManifest({ replicas: 2 }), undefined);
    const err = conflictOf(() => ssa(live, webManifest({ replicas: 3 }), { manager: 'flux' }));
    expect(err.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
    const r = ssa(live, webManifest({ replicas: 2 }), { manager: 'flux' });
    expect(managedFields(r.object).map((e) => [e.manager, e.operation])).toEqual([
      ['flux', 'Apply'],
      ['before-first-apply', 'Update'],
    ]);
  });

  it('records a new applier of unchanged values without a time, as upstream', () => {
    const live = persist(ssa(undefined, webManifest({ replicas: 2 })).object);
    const r = ssa(live, webManifest({ replicas: 2 }), { manager: 'other', now: t1 });
    expect(r.changed).toBe(false);
    const other = managedFields(r.object).find((e) => e.manager === 'other');
    expect(other).toBeDefined();
    expect(other).not.toHaveProperty('time');
  });

  it('keeps set items by value and removes only the applier’s own', () => {
    const withFinalizer = (f: string): Obj => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', finalizers: [f] },
    });
    let live = persist(ssa(undefined, withFinalizer('a.example.com/x')).object);
    live = persist(ssa(live, withFinalizer('b.example.com/y'), { manager: 'b', now: t1 }).object);
    expect((live['metadata'] as { finalizers: string[] }).finalizers).toEqual([
      'a.example.com/x',
      'b.example.com/y',
    ]);
    const r = ssa(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
      { now: t2 },
    );
    expect((r.object['metadata'] as { finalizers: string[] }).finalizers).toEqual([
      'b.example.com/y',
    ]);
    expect(managedFields(r.object).map((e) => e.manager)).toEqual(['b']);
  });

  it('does not own status applied through the main resource', () => {
    const r = ssa(undefined, { ...webManifest(), status: { replicas: 1 } });
    expect(managedFields(r.object)[0]?.fieldsV1).not.toHaveProperty('f:status');
  });
});

describe('client-side apply, then server-side apply', () => {
  /** `kubectl apply -f` of a new object: created with the last-applied annotation. */
  function clientSideCreate(manifest: Obj): Obj {
    const withAnnotation = structuredClone(manifest);
    const metadata = withAnnotation['metadata'] as Record<string, unknown>;
    metadata['annotations'] = { [lastAppliedAnnotation]: JSON.stringify(manifest) + '\n' };
    return write(undefined, defaulted(withAnnotation), 'kubectl-client-side-apply', t0);
  }

  it('conflicts for a manager other than kubectl', () => {
    const live = clientSideCreate(webManifest({ replicas: 2 }));
    const err = conflictOf(() =>
      ssa(live, webManifest({ replicas: 3 }), { manager: 'helm', now: t1 }),
    );
    expect(err.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
  });

  it('lets kubectl take over fields still as last applied, and updates the annotation', () => {
    let live = clientSideCreate(webManifest({ replicas: 2 }));
    // Same manifest: shared ownership, annotation now follows the server-side configuration.
    const same = ssa(live, webManifest({ replicas: 2 }), { now: t1 });
    expect(managedFields(same.object).map((e) => e.manager)).toEqual([
      'kubectl',
      'kubectl-client-side-apply',
    ]);
    const annotations = (same.object['metadata'] as { annotations: Record<string, string> })
      .annotations;
    expect(annotations[lastAppliedAnnotation]).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"app","ports":[{"containerPort":80}]}]}}}}\n',
    );
    live = persist(same.object);

    // Changed replicas: kubectl-client-side-apply co-owns it, but the live value is the last
    // applied one, so kubectl takes it over instead of conflicting.
    const r = ssa(live, webManifest({ replicas: 4 }), { now: t2 });
    expect(spec(r.object).replicas).toBe(4);
    const csa = managedFields(r.object).find((e) => e.manager === 'kubectl-client-side-apply');
    expect(csa?.fieldsV1).not.toHaveProperty(['f:spec', 'f:replicas']);
  });

  it('keeps a field dropped from the manifest while client-side apply still owns it', () => {
    const live = persist(
      ssa(clientSideCreate(webManifest({ replicas: 2 })), webManifest({ replicas: 2 })).object,
    );
    const r = ssa(live, webManifest(), { now: t1 });
    expect(spec(r.object).replicas).toBe(2);
    const kubectl = managedFields(r.object).find((e) => e.manager === 'kubectl');
    expect(kubectl?.fieldsV1).not.toHaveProperty(['f:spec', 'f:replicas']);
  });

  it('switches straight from client-side to server-side apply with a changed field', () => {
    const live = clientSideCreate(webManifest({ replicas: 2 }));
    const r = ssa(live, webManifest({ replicas: 3 }), { now: t1 });
    expect(spec(r.object).replicas).toBe(3);
  });

  it('still conflicts when someone else changed the field since', () => {
    let live = clientSideCreate(webManifest({ replicas: 2 }));
    live = scale(live, 5, t1);
    const err = conflictOf(() => ssa(live, webManifest({ replicas: 3 }), { now: t3 }));
    expect(err.conflicts.map((c) => c.manager)).toEqual(['kubectl-scale']);
  });
});

describe('apply rejects bad requests as upstream', () => {
  it('requires a field manager', () => {
    const err = errorOf(() => ssa(undefined, webManifest(), { manager: undefined }));
    expect(err.code).toBe(422);
    expect(err.status).toMatchObject({
      reason: 'Invalid',
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      details: {
        group: 'meta.k8s.io',
        kind: 'PatchOptions',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: is required for apply patch',
            field: 'fieldManager',
          },
        ],
      },
    });
  });

  it('requires the resource’s apiVersion and kind', () => {
    const wrongKind = { ...webManifest(), kind: 'StatefulSet' };
    expect(errorOf(() => ssa(undefined, wrongKind)).status).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'invalid object type: apps/v1, Kind=StatefulSet',
    });
    const { apiVersion: _, ...noVersion } = webManifest();
    expect(errorOf(() => ssa(undefined, noVersion)).status.message).toBe(
      'invalid object type: /, Kind=Deployment',
    );
    const core = errorOf(() => ssa(undefined, { apiVersion: 'v1', kind: 'Pod' }));
    expect(core.status.message).toBe('invalid object type: /v1, Kind=Pod');
  });

  it('refuses managedFields in the configuration', () => {
    const m = webManifest();
    (m['metadata'] as Record<string, unknown>)['managedFields'] = [];
    expect(errorOf(() => ssa(undefined, m)).status.message).toBe(
      'metadata.managedFields must be nil',
    );
  });

  it('reports schema problems of the configuration', () => {
    const m = webManifest();
    (m['spec'] as Record<string, unknown>)['replicaz'] = 3;
    expect(errorOf(() => ssa(undefined, m)).status).toMatchObject({
      code: 400,
      message:
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema',
    });
    const dup = webManifest();
    spec(dup).template.spec.containers.push({ name: 'app' });
    expect(errorOf(() => ssa(undefined, dup)).status.message).toBe(
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="app"]',
    );
  });

  it('decodes YAML bodies and rejects what is not an object', () => {
    const body = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  replicas: 2',
      '  paused: yes',
    ].join('\n');
    expect(decodeApplyPatch(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, paused: true },
    });
    expect(decodeApplyPatch(new TextEncoder().encode('{"a": 1}'))).toEqual({ a: 1 });
    expect(errorOf(() => decodeApplyPatch('a: [1\nb: 2')).status.message).toMatch(
      /^error decoding patch: error converting YAML to JSON: yaml: /,
    );
    expect(errorOf(() => ssa(undefined, decodeApplyPatch('- a\n- b'))).status.message).toBe(
      'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  });

  it('validates field manager names', () => {
    expect(
      errorOf(() => ssa(undefined, webManifest(), { manager: 'x'.repeat(129) })).status.message,
    ).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
    );
  });
});
