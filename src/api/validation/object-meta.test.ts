import { describe, it, expect } from 'vitest';
import type { ObjectMeta } from '../meta/v1.ts';
import { formatFieldErrors } from './field-errors.ts';
import {
  validateAnnotations,
  validateFinalizers,
  validateLabelSelector,
  validateLabels,
  validateManagedFields,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './object-meta.ts';

const msgs = (errs: { field: string }[]): string => formatFieldErrors(errs as never);

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('validateObjectMeta', () => {
  const ns = { namespaced: true, nameRule: 'subdomain' } as const;
  const cluster = { namespaced: false, nameRule: 'subdomain' } as const;
  const table: [
    string,
    ObjectMeta | undefined,
    Parameters<typeof validateObjectMeta>[1],
    string,
  ][] = [
    ['valid namespaced', { name: 'web', namespace: 'default' }, ns, ''],
    ['valid cluster-scoped', { name: 'node-1' }, cluster, ''],
    [
      'missing name',
      { namespace: 'default' },
      ns,
      'metadata.name: Required value: name or generateName is required',
    ],
    [
      'no metadata at all',
      undefined,
      cluster,
      'metadata.name: Required value: name or generateName is required',
    ],
    [
      'uppercase name',
      { name: 'Web', namespace: 'default' },
      ns,
      `metadata.name: Invalid value: "Web": ${subdomainMsg}`,
    ],
    [
      'name too long',
      { name: 'a'.repeat(254), namespace: 'default' },
      ns,
      'metadata.name: Invalid value: "' +
        'a'.repeat(254) +
        '": must be no more than 253 characters',
    ],
    ['missing namespace', { name: 'web' }, ns, 'metadata.namespace: Required value'],
    [
      'bad namespace',
      { name: 'web', namespace: 'Kube_System' },
      ns,
      `metadata.namespace: Invalid value: "Kube_System": ${labelMsg}`,
    ],
    [
      'namespace on a cluster-scoped kind',
      { name: 'n', namespace: 'default' },
      cluster,
      'metadata.namespace: Forbidden: not allowed on this type',
    ],
    [
      'label name rule',
      { name: 'a.b', namespace: 'x' },
      { namespaced: true, nameRule: 'label' },
      'metadata.name: Invalid value: "a.b": must not contain dots',
    ],
    [
      'dns1035 name rule',
      { name: '1abc', namespace: 'x' },
      { namespaced: true, nameRule: 'dns1035' },
      `metadata.name: Invalid value: "1abc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ],
    [
      'path-segment name rule',
      { name: '..' },
      { namespaced: false, nameRule: 'path-segment' },
      `metadata.name: Invalid value: "..": may not be '..'`,
    ],
    [
      'path-segment accepts anything else',
      { name: 'Any_Name:1' },
      { namespaced: false, nameRule: 'path-segment' },
      '',
    ],
    [
      'generateName with trailing dash',
      { name: 'web-abcde', generateName: 'web-', namespace: 'd' },
      ns,
      '',
    ],
    [
      'bad generateName',
      { name: 'web-abcde', generateName: 'Web-', namespace: 'd' },
      ns,
      `metadata.generateName: Invalid value: "Web-": ${subdomainMsg}`,
    ],
    [
      'negative generation',
      { name: 'a', generation: -1 },
      cluster,
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'custom name function',
      { name: 'x' },
      { namespaced: false, nameRule: (n) => (n === 'x' ? ['is x'] : []) },
      'metadata.name: Invalid value: "x": is x',
    ],
    [
      'custom path',
      { name: 'A' },
      { namespaced: false, nameRule: 'subdomain', path: 'spec.template.metadata' },
      `spec.template.metadata.name: Invalid value: "A": ${subdomainMsg}`,
    ],
  ];
  it.each(table)('%s', (_title, meta, opts, expected) => {
    expect(msgs(validateObjectMeta(meta, opts))).toBe(expected);
  });

  it('collects errors from every part of metadata in upstream order', () => {
    const errs = validateObjectMeta(
      {
        name: 'A',
        labels: { 'a b': 'x' },
        annotations: { 'bad key': 'v' },
        finalizers: ['a/b/c'],
      },
      { namespaced: true, nameRule: 'subdomain' },
    );
    expect(errs.map((e) => e.field)).toEqual([
      'metadata.name',
      'metadata.namespace',
      'metadata.labels',
      'metadata.annotations',
      'metadata.finalizers',
    ]);
  });
});

describe('validateLabels and validateAnnotations', () => {
  it('reports key and value errors at the map path', () => {
    const errs = validateLabels({ 'Bad Key': 'ok', good: '-bad' }, 'metadata.labels');
    expect(errs.map((e) => [e.field, e.badValue])).toEqual([
      ['metadata.labels', 'Bad Key'],
      ['metadata.labels', '-bad'],
    ]);
  });
  it('accepts prefixed keys and empty values', () => {
    expect(validateLabels({ 'app.kubernetes.io/name': '', 'k8s.io/x': 'Y_1' }, 'm')).toEqual([]);
  });
  it('checks annotation keys lower-cased but reports them as written', () => {
    expect(validateAnnotations({ 'Example.com/Key': 'v' }, 'm')).toEqual([]);
    expect(validateAnnotations({ 'a/b/c': 'v' }, 'metadata.annotations')[0]?.badValue).toBe(
      'a/b/c',
    );
  });
  it('limits the total annotation size to 256 KiB', () => {
    expect(validateAnnotations({ a: 'x'.repeat(262143) }, 'metadata.annotations')).toEqual([]);
    expect(msgs(validateAnnotations({ a: 'x'.repeat(262144) }, 'metadata.annotations'))).toBe(
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    );
    expect(
      validateAnnotations({ a: '\u00e9'.repeat(131072) }, 'metadata.annotations'),
    ).toHaveLength(1);
  });
});

describe('validateOwnerReferences', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' };
  it('accepts a complete reference', () => {
    expect(validateOwnerReferences([ref], 'metadata.ownerReferences')).toEqual([]);
  });
  it.each([
    [
      { ...ref, apiVersion: '' },
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
    ],
    [
      { ...ref, apiVersion: 'apps/' },
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
    ],
    [
      { ...ref, apiVersion: 'a/b/c' },
      'metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty',
    ],
    [
      { ...ref, kind: '' },
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
    ],
    [
      { ...ref, name: '' },
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
    ],
    [{ ...ref, uid: '' }, 'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'],
    [
      { apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' },
      'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
    ],
  ])('%#', (r, expected) => {
    expect(msgs(validateOwnerReferences([r], 'metadata.ownerReferences'))).toBe(expected);
  });
  it('allows only one controller', () => {
    const errs = validateOwnerReferences(
      [
        { ...ref, controller: true },
        { ...ref, name: 'other', uid: 'u2', controller: true },
      ],
      'metadata.ownerReferences',
    );
    expect(errs).toHaveLength(1);
    expect(errs[0]?.detail).toBe(
      'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/rs and ReplicaSet/other',
    );
  });
});

describe('validateFinalizers', () => {
  it('accepts qualified names', () => {
    expect(validateFinalizers(['kubernetes.io/pvc-protection', 'foregroundDeletion'], 'f')).toEqual(
      [],
    );
  });
  it('rejects bad names at the list path', () => {
    expect(validateFinalizers(['a/b/c'], 'metadata.finalizers')[0]?.field).toBe(
      'metadata.finalizers',
    );
  });
  it('rejects orphan together with foregroundDeletion', () => {
    expect(msgs(validateFinalizers(['orphan', 'foregroundDeletion'], 'metadata.finalizers'))).toBe(
      'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
    );
  });
});

describe('validateManagedFields', () => {
  it('checks operation, fieldsType and manager', () => {
    const errs = validateManagedFields(
      [
        { manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' },
        { manager: 'bad\u0007', operation: 'Patch' as never, fieldsType: 'FieldsV2' },
      ],
      'metadata.managedFields',
    );
    expect(msgs(errs)).toBe(
      '[metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`, metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`, metadata.managedFields[1].manager: Invalid value: "bad\\a": invalid character U+0007 (at position 3)]',
    );
  });
  it('limits manager length', () => {
    expect(
      msgs(validateManagedFields([{ manager: 'm'.repeat(129), operation: 'Update' }], 'mf')),
    ).toBe('mf[0].manager: Too long: may not be more than 128 bytes');
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-02T03:04:05Z',
  };
  const table: [string, ObjectMeta, ObjectMeta, string][] = [
    ['unchanged', { ...old }, old, ''],
    ['generation may increase', { ...old, generation: 3 }, old, ''],
    [
      'resourceVersion required',
      { ...old, resourceVersion: '' },
      old,
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    ],
    [
      'generation decremented',
      { ...old, generation: 1 },
      old,
      'metadata.generation: Invalid value: 1: must not be decremented',
    ],
    [
      'name changed',
      { ...old, name: 'db' },
      old,
      'metadata.name: Invalid value: "db": field is immutable',
    ],
    [
      'namespace changed',
      { ...old, namespace: 'other' },
      old,
      'metadata.namespace: Invalid value: "other": field is immutable',
    ],
    [
      'uid changed',
      { ...old, uid: 'u2' },
      old,
      'metadata.uid: Invalid value: "u2": field is immutable',
    ],
    [
      'creationTimestamp changed',
      { ...old, creationTimestamp: '2025-01-01T00:00:00Z' },
      old,
      'metadata.creationTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable',
    ],
    [
      'creationTimestamp removed',
      { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 2 },
      old,
      'metadata.creationTimestamp: Invalid value: 0001-01-01 00:00:00 +0000 UTC: field is immutable',
    ],
    [
      'same instant in another zone',
      { ...old, creationTimestamp: '2024-01-02T04:04:05+01:00' },
      old,
      '',
    ],
    [
      'deletionTimestamp set',
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z' },
      old,
      'metadata.deletionTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable',
    ],
    [
      'deletionTimestamp cleared',
      { ...old },
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z' },
      'metadata.deletionTimestamp: Invalid value: null: field is immutable',
    ],
    [
      'deletionGracePeriodSeconds changed',
      { ...old, deletionGracePeriodSeconds: 0 },
      { ...old, deletionGracePeriodSeconds: 30 },
      'metadata.deletionGracePeriodSeconds: Invalid value: 0: field is immutable',
    ],
    [
      'deletionGracePeriodSeconds cleared',
      { ...old },
      { ...old, deletionGracePeriodSeconds: 30 },
      'metadata.deletionGracePeriodSeconds: Invalid value: null: field is immutable',
    ],
    [
      'no new finalizers while deleting',
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['b', 'a', 'keep'] },
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['keep'] },
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a", "b"}',
    ],
    [
      'finalizers may be removed while deleting',
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: [] },
      { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['keep'] },
      '',
    ],
    [
      'new labels validated',
      { ...old, labels: { a: '-x' } },
      old,
      `metadata.labels: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
  ];
  it.each(table)('%s', (_title, n, o, expected) => {
    expect(msgs(validateObjectMetaUpdate(n, o))).toBe(expected);
  });
  it('skips the resourceVersion check for unconditional updates', () => {
    expect(
      validateObjectMetaUpdate({ ...old, resourceVersion: '' }, old, {
        allowUnconditionalUpdate: true,
      }),
    ).toEqual([]);
  });
});

describe('validateLabelSelector', () => {
  it.each([
    ['null selector', null, ''],
    ['empty selector', {}, ''],
    [
      'valid',
      {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a'] }],
      },
      '',
    ],
    [
      'In without values',
      { matchExpressions: [{ key: 'k', operator: 'In' as const }] },
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ],
    [
      'Exists with values',
      { matchExpressions: [{ key: 'k', operator: 'Exists' as const, values: ['x'] }] },
      "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ],
    [
      'unknown operator',
      { matchExpressions: [{ key: 'k', operator: 'Gt' as never, values: ['1'] }] },
      'spec.selector.matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator',
    ],
    [
      'bad value',
      { matchExpressions: [{ key: 'k', operator: 'NotIn' as const, values: ['ok', 'b@d'] }] },
      `spec.selector.matchExpressions[0].values[1]: Invalid value: "b@d": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
  ])('%s', (_title, sel, expected) => {
    expect(msgs(validateLabelSelector(sel, 'spec.selector'))).toBe(expected);
  });
  it('honours the tolerance options', () => {
    const sel = { matchExpressions: [{ key: 'k', operator: 'Gt' as never, values: ['b@d'] }] };
    expect(
      validateLabelSelector(sel, 's', {
        allowUnknownOperatorInRequirement: true,
        allowInvalidLabelValueInSelector: true,
      }),
    ).toEqual([]);
  });
});
