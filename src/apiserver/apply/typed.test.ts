import { describe, it, expect } from 'vitest';
import { encodeFieldsV1, FieldSet } from './field-set.ts';
import { fieldPath, keyElement, renderPath } from './path-element.ts';
import { deploymentSchema, openSchema, podSpecSchema } from './testing/schemas.ts';
import {
  compareObjects,
  ensureNamedFieldsAreMembers,
  fieldSetOf,
  formatProblems,
  mergeObjects,
  removeFields,
  validateObject,
} from './typed.ts';

const paths = (s: FieldSet): string[] => [...s.paths()].map(renderPath);

describe('fieldSetOf (what an applier owns)', () => {
  it('owns leaves, list items, atomic values; labels without "."', () => {
    const set = fieldSetOf(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['example.com/x'] },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                { name: 'app', image: 'nginx', args: ['a', 'b'], ports: [{ containerPort: 80 }] },
              ],
              nodeSelector: { disk: 'ssd' },
              securityContext: {},
            },
          },
        },
      },
      deploymentSchema,
    );
    expect(encodeFieldsV1(set)).toEqual({
      'f:apiVersion': {},
      'f:kind': {},
      'f:metadata': {
        'f:name': {},
        'f:labels': { 'f:app': {} },
        'f:finalizers': { 'v:"example.com/x"': {} },
      },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': {
                '.': {},
                'f:name': {},
                'f:image': {},
                'f:args': {},
                'f:ports': {
                  'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                },
              },
            },
            'f:nodeSelector': {},
            'f:securityContext': {},
          },
        },
      },
    });
  });

  it('owns duplicated list items only as items', () => {
    const set = fieldSetOf(
      { containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }, { name: 'b' }] },
      podSpecSchema,
    );
    expect(paths(set)).toEqual([
      '.containers[name="a"]',
      '.containers[name="b"]',
      '.containers[name="b"].name',
    ]);
  });

  it('owns undeclared fields of open structs and opaque values as leaves', () => {
    const set = fieldSetOf(
      { spec: { size: 1, extra: { deep: true } }, data: { any: ['thing'] }, tags: { t: ['a'] } },
      openSchema,
    );
    expect(paths(set)).toEqual(['.data', '.spec.extra', '.spec.size', '.tags.t']);
  });
});

describe('validateObject', () => {
  it('reports undeclared fields, types, keys and duplicates as upstream words them', () => {
    expect(formatProblems(validateObject({ spec: { replicaz: 1 } }, deploymentSchema))).toBe(
      '.spec.replicaz: field not declared in schema',
    );
    expect(formatProblems(validateObject({ spec: { replicas: 'two' } }, deploymentSchema))).toBe(
      '.spec.replicas: expected numeric (int or float), got string',
    );
    expect(
      formatProblems(
        validateObject(
          { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } } },
          deploymentSchema,
        ),
      ),
    ).toBe('.spec.template.spec.containers: duplicate entries for key [name="a"]');
    expect(
      formatProblems(
        validateObject(
          { spec: { template: { spec: { containers: [{ image: 'x' }] } } } },
          deploymentSchema,
        ),
      ),
    ).toBe(
      '.spec.template.spec.containers: element 0: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)',
    );
    expect(validateObject({ spec: { extra: 1 }, data: [1] }, openSchema)).toEqual([]);
    const two = validateObject({ spec: { replicas: true, paused: 3 } }, deploymentSchema);
    expect(formatProblems(two)).toBe(
      'errors:\n  .spec.replicas: expected numeric (int or float), got bool\n  .spec.paused: expected boolean, got &{3}',
    );
  });
});

describe('compareObjects', () => {
  it('reports added, modified and removed fields', () => {
    const live = {
      metadata: { labels: { a: '1', b: '2' } },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    const updated = {
      metadata: { labels: { a: '1', c: '3' } },
      spec: {
        replicas: 2,
        template: { spec: { containers: [{ name: 'c', image: 'x' }, { name: 'd' }] } },
      },
    };
    const c = compareObjects(live, updated, deploymentSchema);
    expect(paths(c.added)).toEqual([
      '.metadata.labels.c',
      '.spec.template.spec.containers[name="d"]',
      '.spec.template.spec.containers[name="d"].name',
      // Go's Container always has resources (a non-pointer struct).
      '.spec.template.spec.containers[name="d"].resources',
    ]);
    expect(paths(c.modified)).toEqual(['.spec.replicas']);
    expect(paths(c.removed)).toEqual(['.metadata.labels.b']);
  });

  it('treats missing non-pointer structs as present, as Go objects are', () => {
    // Creating: the strategy, template and template spec exist in Go's zero Deployment, so they
    // are not "added"; rollingUpdate and labels (pointer, map) are.
    const c = compareObjects(
      undefined,
      {
        spec: {
          strategy: { rollingUpdate: { maxSurge: 1 } },
          template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'x' }] } },
        },
        status: {},
      },
      deploymentSchema,
    );
    expect(encodeFieldsV1(c.added)).toEqual({
      'f:spec': {
        'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {} } },
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } },
          'f:spec': {
            'f:containers': { 'k:{"name":"x"}': { '.': {}, 'f:name': {}, 'f:resources': {} } },
          },
        },
      },
    });
    expect(c.modified.isEmpty()).toBe(true);
  });

  it('compares atomic values whole', () => {
    const c = compareObjects(
      { spec: { selector: { matchLabels: { a: '1' } } } },
      { spec: { selector: { matchLabels: { a: '2' } } } },
      deploymentSchema,
    );
    expect(paths(c.modified)).toEqual(['.spec.selector']);
  });
});

describe('mergeObjects', () => {
  it('merges list-maps by key keeping live-only items around the applied ones', () => {
    const merged = mergeObjects(
      { containers: [{ name: 'a', image: '1' }, { name: 'b' }, { name: 'c', image: '1' }] },
      { containers: [{ name: 'c', image: '2' }, { name: 'a' }] },
      podSpecSchema,
    );
    expect(merged).toEqual({
      containers: [{ name: 'b' }, { name: 'c', image: '2' }, { name: 'a', image: '1' }],
    });
    expect(
      mergeObjects(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        { containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }] },
        podSpecSchema,
      ),
    ).toEqual({ containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }] });
  });

  it('replaces atomic values, merges granular maps, drops nulls', () => {
    const merged = mergeObjects(
      {
        nodeSelector: { a: '1', b: '2' },
        containers: [{ name: 'a', args: ['x', 'y'], env: [{ name: 'A', value: '1' }] }],
        restartPolicy: 'Always',
      },
      {
        nodeSelector: { c: '3' },
        containers: [{ name: 'a', args: ['z'], env: [{ name: 'B', value: '2' }] }],
        restartPolicy: null,
      },
      podSpecSchema,
    );
    expect(merged).toEqual({
      nodeSelector: { c: '3' },
      containers: [
        {
          name: 'a',
          args: ['z'],
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
      ],
    });
  });

  it('matches list-map items whose key field is defaulted', () => {
    const merged = mergeObjects(
      {
        containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }],
      },
      { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }] }] },
      podSpecSchema,
    );
    expect(merged).toEqual({
      containers: [
        {
          name: 'a',
          ports: [{ containerPort: 80, protocol: 'TCP', name: 'http', hostPort: 8080 }],
        },
      ],
    });
  });
});

describe('removeFields and ensureNamedFieldsAreMembers', () => {
  it('removes members with their subtrees and drops emptied containers', () => {
    const obj = {
      spec: { replicas: 1, strategy: { rollingUpdate: { maxSurge: 1 } } },
      metadata: { labels: { a: '1' } },
    };
    const set = FieldSet.of(
      fieldPath('spec', 'strategy', 'rollingUpdate', 'maxSurge'),
      fieldPath('metadata', 'labels', 'a'),
    );
    // Upstream leaves emptied containers as null, which decoding drops; we drop them directly.
    expect(removeFields(obj, set, deploymentSchema)).toEqual({ spec: { replicas: 1 } });
    const ensured = ensureNamedFieldsAreMembers(set, deploymentSchema);
    expect(paths(ensured)).toEqual([
      '.metadata',
      '.spec',
      '.metadata.labels',
      '.metadata.labels.a',
      '.spec.strategy',
      '.spec.strategy.rollingUpdate',
      '.spec.strategy.rollingUpdate.maxSurge',
    ]);
    expect(removeFields(obj, ensured, deploymentSchema)).toBeUndefined();
  });

  it('removes list items by key', () => {
    const obj = { containers: [{ name: 'a' }, { name: 'b', image: 'x' }] };
    const b = keyElement([['name', 'b']]);
    expect(removeFields(obj, FieldSet.of(['f:containers', b]), podSpecSchema)).toEqual({
      containers: [{ name: 'a' }],
    });
    expect(removeFields(obj, FieldSet.of(['f:containers', b, 'f:image']), podSpecSchema)).toEqual({
      containers: [{ name: 'a' }, { name: 'b' }],
    });
  });
});
