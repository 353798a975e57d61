import { describe, it, expect } from 'vitest';
import type { Schema } from '../../api/index.ts';
import { applyPatch } from './apply-patch.ts';
import { GENERIC_UNPROCESSABLE_MESSAGE } from './errors.ts';
import type { JsonObject } from './json-value.ts';
import { deploymentSchema, podSchema } from './testing/schemas.ts';
import { expectPatchError, frozen } from './testing/helpers.ts';

function smp(original: JsonObject, patch: unknown, schema: Schema = podSchema): JsonObject {
  return applyPatch({
    type: 'strategic',
    original: frozen(original),
    patch: frozen(patch),
    schema,
  });
}

const c = (name: string, extra: JsonObject = {}): JsonObject => ({ name, ...extra });
const pod = (spec: JsonObject, metadata: JsonObject = { name: 'web' }): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec,
});

describe('strategic merge patch: objects and scalars', () => {
  it('adds, changes and removes map entries', () => {
    const out = smp(pod({}, { name: 'web', labels: { app: 'web', tier: 'front' } }), {
      metadata: { labels: { tier: null, env: 'prod', app: 'web2' } },
    });
    expect(out.metadata).toEqual({ name: 'web', labels: { app: 'web2', env: 'prod' } });
  });

  it('ignores null for a field that is not there', () => {
    const original = pod({ restartPolicy: 'Always' });
    expect(smp(original, { spec: { nodeSelector: null } })).toEqual(original);
  });

  it('drops null members, at every depth, from a value the object did not have', () => {
    const out = smp(pod({}), {
      spec: { nodeSelector: { disk: 'ssd', zone: null }, restartPolicy: null },
      extra: { kept: { a: 1, b: null }, list: [{ x: null, y: 1 }, null] },
    });
    expect(out.spec).toEqual({ nodeSelector: { disk: 'ssd' } });
    expect(out.extra).toEqual({ kept: { a: 1 }, list: [{ y: 1 }, null] });
  });

  it('replaces a value of another JSON type, dropping its nulls', () => {
    const out = smp({ thing: 'text' }, { thing: { a: null, b: 2 } });
    expect(out).toEqual({ thing: { b: 2 } });
  });

  it('replaces scalars and leaves untouched fields as they were', () => {
    const original = pod({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30 });
    const out = smp(original, { spec: { restartPolicy: 'Never' } });
    expect(out.spec).toEqual({ restartPolicy: 'Never', terminationGracePeriodSeconds: 30 });
    expect(out.metadata).toEqual(original.metadata);
  });

  it('shares untouched subtrees with the original instead of copying them', () => {
    const original = frozen(
      pod(
        { containers: [c('a')], nodeSelector: { disk: 'ssd' } },
        { name: 'web', labels: { x: '1' } },
      ),
    );
    const out = applyPatch({
      type: 'strategic',
      original,
      patch: { spec: { restartPolicy: 'Never' } },
      schema: podSchema,
    });
    expect(out.metadata).toBe(original.metadata);
    expect((out.spec as JsonObject).containers).toBe((original.spec as JsonObject).containers);
    expect(out.spec).not.toBe(original.spec);
  });

  it('treats a null patch as no change', () => {
    const original = pod({ restartPolicy: 'Always' });
    expect(smp(original, null)).toEqual(original);
  });

  it('$patch: replace makes a map exactly the patch map', () => {
    const out = smp(pod({}, { name: 'web', labels: { a: '1', b: '2' } }), {
      metadata: { labels: { $patch: 'replace', c: '3' } },
    });
    expect(out.metadata).toEqual({ name: 'web', labels: { c: '3' } });
  });

  it('$patch: replace keeps the patch map as it is, nulls included', () => {
    const out = smp({ box: { a: 1 } }, { box: { $patch: 'replace', b: null, c: 2 } });
    expect(out).toEqual({ box: { b: null, c: 2 } });
  });

  it('$patch: delete empties a map', () => {
    const out = smp(pod({ nodeSelector: { disk: 'ssd' } }), {
      spec: { nodeSelector: { $patch: 'delete' } },
    });
    expect(out.spec).toEqual({ nodeSelector: {} });
  });

  it('$patch: delete at the top empties the object', () => {
    expect(smp(pod({ restartPolicy: 'Never' }), { $patch: 'delete' })).toEqual({});
  });

  it('a directive object for a field the object lacks is dropped', () => {
    const out = smp(pod({}), { spec: { nodeSelector: { $patch: 'replace', disk: 'ssd' } } });
    expect(out.spec).toEqual({});
  });

  it('rejects $patch: merge and unknown $patch values on a map with a 500, as upstream', () => {
    const labelled = pod({}, { name: 'web', labels: { a: '1' } });
    expectPatchError(() => smp(labelled, { metadata: { labels: { $patch: 'merge', c: '3' } } }), {
      code: 500,
      reason: '',
      kind: 'Internal',
      message: 'unknown patch type: merge in map: map[$patch:merge c:3]',
    });
    expectPatchError(() => smp({ box: {} }, { box: { $patch: 7 } }), {
      code: 500,
      message: 'unknown patch type: %!s(int64=7) in map: map[$patch:7]',
    });
  });

  it('merges fields the schema does not know like a JSON merge patch', () => {
    const out = smp(
      { extra: { a: 1, nested: { keep: true, drop: 1 }, list: [1, 2] } },
      { extra: { a: null, nested: { drop: null, add: 'x' }, list: [3] } },
    );
    expect(out).toEqual({ extra: { nested: { keep: true, add: 'x' }, list: [3] } });
  });

  it('merges map-valued fields key by key', () => {
    const out = smp(
      pod({ containers: [c('app', { resources: { limits: { cpu: '1', memory: '1Gi' } } })] }),
      { spec: { containers: [c('app', { resources: { limits: { cpu: '2', memory: null } } })] } },
    );
    expect(out.spec).toEqual({ containers: [c('app', { resources: { limits: { cpu: '2' } } })] });
  });

  it('handles keys that shadow Object.prototype members as plain data', () => {
    const patch = JSON.parse(
      '{"metadata":{"labels":{"__proto__":"x","constructor":"y"}}}',
    ) as unknown;
    const out = smp(pod({}, { name: 'web', labels: {} }), patch);
    const labels = (out.metadata as JsonObject).labels as JsonObject;
    expect(Object.keys(labels)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(labels.constructor).toBe('y');
  });
});

describe('strategic merge patch: lists merged by key', () => {
  const twoContainers = pod({
    containers: [c('app', { image: 'nginx:1' }), c('sidecar', { image: 'envoy:1' })],
  });

  it('merges the item with the same key and keeps the others', () => {
    const out = smp(twoContainers, { spec: { containers: [c('app', { image: 'nginx:2' })] } });
    expect(out.spec).toEqual({
      containers: [c('app', { image: 'nginx:2' }), c('sidecar', { image: 'envoy:1' })],
    });
  });

  it('puts a new item before the live items it precedes in the patch', () => {
    const out = smp(twoContainers, { spec: { containers: [c('log', { image: 'busybox' })] } });
    expect((out.spec as JsonObject).containers).toEqual([
      c('log', { image: 'busybox' }),
      c('app', { image: 'nginx:1' }),
      c('sidecar', { image: 'envoy:1' }),
    ]);
  });

  it('orders patched items as the patch does and keeps server-only items in place', () => {
    const out = smp(pod({ containers: [c('web'), c('cache', { image: 'redis' }), c('db')] }), {
      spec: { containers: [c('db', { image: 'pg' }), c('web', { image: 'nginx' })] },
    });
    expect((out.spec as JsonObject).containers).toEqual([
      c('cache', { image: 'redis' }),
      c('db', { image: 'pg' }),
      c('web', { image: 'nginx' }),
    ]);
  });

  it('merges nested lists by their own keys', () => {
    const out = smp(
      pod({
        containers: [
          c('app', {
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            ports: [{ containerPort: 80, name: 'http' }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          }),
        ],
      }),
      {
        spec: {
          containers: [
            c('app', {
              env: [{ name: 'B', value: '3' }],
              ports: [{ containerPort: 443, name: 'https' }],
              volumeMounts: [{ mountPath: '/data', readOnly: true }],
            }),
          ],
        },
      },
    );
    expect((out.spec as JsonObject).containers).toEqual([
      c('app', {
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
        ],
        ports: [
          { containerPort: 443, name: 'https' },
          { containerPort: 80, name: 'http' },
        ],
        volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
      }),
    ]);
  });

  it('removes every item with the key of a $patch: delete item', () => {
    const out = smp(
      pod({ containers: [c('a'), c('b', { image: '1' }), c('c'), c('b', { image: '2' })] }),
      { spec: { containers: [{ name: 'b', $patch: 'delete' }] } },
    );
    expect((out.spec as JsonObject).containers).toEqual([c('a'), c('c')]);
  });

  it('ignores a deletion of an item that is not there', () => {
    const original = pod({ containers: [c('a')] });
    expect(smp(original, { spec: { containers: [{ name: 'zzz', $patch: 'delete' }] } })).toEqual(
      original,
    );
  });

  it('adds and deletes in one patch', () => {
    const out = smp(twoContainers, {
      spec: { containers: [{ name: 'sidecar', $patch: 'delete' }, c('log')] },
    });
    expect((out.spec as JsonObject).containers).toEqual([c('log'), c('app', { image: 'nginx:1' })]);
  });

  it('$patch: replace in a list makes the list exactly the other patch items', () => {
    const out = smp(twoContainers, {
      spec: { containers: [{ $patch: 'replace' }, c('only', { image: 'x' })] },
    });
    expect((out.spec as JsonObject).containers).toEqual([c('only', { image: 'x' })]);
    const empty = smp(twoContainers, { spec: { containers: [{ $patch: 'replace' }] } });
    expect((empty.spec as JsonObject).containers).toEqual([]);
  });

  it('keeps a new item as the patch wrote it (nulls included) when merging into a list', () => {
    const out = smp(pod({ containers: [c('a')] }), {
      spec: { containers: [c('b', { image: 'x', imagePullPolicy: null })] },
    });
    expect((out.spec as JsonObject).containers).toEqual([
      c('b', { image: 'x', imagePullPolicy: null }),
      c('a'),
    ]);
  });

  it('cleans a list written where the object had none', () => {
    const out = smp(pod({}), {
      spec: {
        containers: [
          c('a', { image: null, env: [{ name: 'X', value: null }] }),
          { name: 'b', $patch: 'delete' },
        ],
      },
    });
    expect(out.spec).toEqual({ containers: [c('a', { env: [{ name: 'X' }] })] });
  });

  it('merges two empty lists to an empty list', () => {
    const out = smp(pod({ containers: [] }), { spec: { containers: [] } });
    expect(out.spec).toEqual({ containers: [] });
  });

  it('replaces lists without a merge strategy (atomic lists)', () => {
    const out = smp(
      pod({
        containers: [c('a', { args: ['--a', '--b'] })],
        tolerations: [{ key: 'k1', operator: 'Exists' }],
      }),
      {
        spec: {
          containers: [c('a', { args: ['--c'] })],
          tolerations: [{ key: 'k2', operator: 'Equal', value: null }],
        },
      },
    );
    expect(out.spec).toEqual({
      containers: [c('a', { args: ['--c'] })],
      // A replacing list is taken as the patch wrote it.
      tolerations: [{ key: 'k2', operator: 'Equal', value: null }],
    });
  });

  it('a missing merge key is a 500 naming the item, as upstream', () => {
    expectPatchError(() => smp(twoContainers, { spec: { containers: [{ image: 'nginx:3' }] } }), {
      code: 500,
      reason: '',
      kind: 'Internal',
      message: 'map: map[image:nginx:3] does not contain declared merge key: name',
    });
    expectPatchError(
      () => smp(twoContainers, { spec: { containers: [{ $patch: 'delete', image: 'x' }] } }),
      {
        code: 500,
        message: 'map: map[$patch:delete image:x] does not contain declared merge key: name',
      },
    );
  });

  it('$patch: merge or an unknown $patch on a list item is a 500', () => {
    expectPatchError(
      () => smp(twoContainers, { spec: { containers: [{ name: 'app', $patch: 'merge' }] } }),
      { code: 500, message: 'merging lists cannot yet be specified in the patch' },
    );
    expectPatchError(
      () => smp(twoContainers, { spec: { containers: [{ name: 'app', $patch: 'zap' }] } }),
      { code: 500, message: 'unknown patch type: zap in map: map[$patch:zap name:app]' },
    );
  });

  it('items of different JSON types are a 500', () => {
    expectPatchError(() => smp(twoContainers, { spec: { containers: ['app'] } }), {
      code: 500,
      message:
        'list element types are not identical: [[map[image:nginx:1 name:app] map[image:envoy:1 name:sidecar]] [app]]',
    });
  });

  it('merges status conditions by type', () => {
    const out = smp(
      {
        status: {
          conditions: [
            { type: 'Ready', status: 'False' },
            { type: 'PodScheduled', status: 'True' },
          ],
        },
      },
      { status: { conditions: [{ type: 'Ready', status: 'True', reason: null }] } },
    );
    expect(out.status).toEqual({
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
    });
  });
});

describe('strategic merge patch: lists of scalars', () => {
  const withFinalizers = (f: unknown[]): JsonObject => pod({}, { name: 'web', finalizers: f });
  const finalizers = (o: JsonObject): unknown => (o.metadata as JsonObject).finalizers;

  it('merges as a set: new values first, existing order kept, duplicates dropped', () => {
    expect(
      finalizers(smp(withFinalizers(['a', 'b']), { metadata: { finalizers: ['b', 'c'] } })),
    ).toEqual(['a', 'b', 'c']);
    expect(
      finalizers(smp(withFinalizers(['a', 'b']), { metadata: { finalizers: ['c'] } })),
    ).toEqual(['c', 'a', 'b']);
    expect(
      finalizers(smp(withFinalizers(['a', 'b']), { metadata: { finalizers: ['b', 'b'] } })),
    ).toEqual(['a', 'b']);
  });

  it('orders values the patch lists as the patch does', () => {
    expect(
      finalizers(smp(withFinalizers(['x', 'y', 'z']), { metadata: { finalizers: ['z', 'x'] } })),
    ).toEqual(['y', 'z', 'x']);
  });

  it('$deleteFromPrimitiveList removes values, and never adds the list', () => {
    expect(
      finalizers(
        smp(withFinalizers(['a', 'b', 'c']), {
          metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] },
        }),
      ),
    ).toEqual(['a', 'c']);
    expect(
      finalizers(
        smp(withFinalizers(['a']), {
          metadata: { '$deleteFromPrimitiveList/finalizers': ['zzz'] },
        }),
      ),
    ).toEqual(['a']);
    const none = smp(pod({}), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } });
    expect(none.metadata).toEqual({ name: 'web' });
  });

  it('$deleteFromPrimitiveList also works on a list that is replaced on update', () => {
    const out = smp(pod({ containers: [c('a', { args: ['-v', '-q', '-x'] })] }), {
      spec: { containers: [c('a', { '$deleteFromPrimitiveList/args': ['-q'] })] },
    });
    expect((out.spec as JsonObject).containers).toEqual([c('a', { args: ['-v', '-x'] })]);
  });

  it('a malformed $deleteFromPrimitiveList key is a 400', () => {
    expectPatchError(
      () =>
        smp(withFinalizers(['a']), { metadata: { '$deleteFromPrimitiveListX/finalizers': ['a'] } }),
      {
        code: 400,
        reason: 'BadRequest',
        kind: 'InvalidFormat',
        message: 'invalid patch format of primitive list',
      },
    );
  });

  it('a list of lists is a 422 with the generic message', () => {
    const err = expectPatchError(
      () => smp(withFinalizers([]), { metadata: { finalizers: [['x']] } }),
      {
        code: 422,
        reason: 'Invalid',
        kind: 'Unprocessable',
        message: GENERIC_UNPROCESSABLE_MESSAGE,
      },
    );
    expect(err.detail).toBe('lists of lists are not supported');
  });

  it('values of different types are a 500', () => {
    expectPatchError(() => smp(withFinalizers(['a', 'b']), { metadata: { finalizers: [1] } }), {
      code: 500,
      message: 'list element types are not identical: [[a b] [1]]',
    });
  });
});

describe('strategic merge patch: $setElementOrder', () => {
  it('reorders a list without changing its items', () => {
    const out = smp(pod({ containers: [c('a', { image: '1' }), c('b'), c('c')] }), {
      spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] },
    });
    expect((out.spec as JsonObject).containers).toEqual([c('c'), c('a', { image: '1' }), c('b')]);
  });

  it('keeps server-only items next to the item they followed in the live list', () => {
    const out = smp(
      pod({ containers: [c('web'), c('db'), c('istio-proxy'), c('cache'), c('queue')] }),
      {
        spec: {
          '$setElementOrder/containers': [
            { name: 'db' },
            { name: 'web' },
            { name: 'queue' },
            { name: 'cache' },
          ],
        },
      },
    );
    expect((out.spec as JsonObject).containers).toEqual([
      c('db'),
      c('web'),
      c('istio-proxy'),
      c('queue'),
      c('cache'),
    ]);
  });

  it('keeps a run of server-only items together', () => {
    const out = smp(
      pod({ containers: [c('a'), c('b'), c('x1'), c('x2'), c('x3'), c('c'), c('d')] }),
      {
        spec: {
          '$setElementOrder/containers': [
            { name: 'b' },
            { name: 'a' },
            { name: 'd' },
            { name: 'c' },
          ],
        },
      },
    );
    expect(((out.spec as JsonObject).containers as JsonObject[]).map((x) => x.name)).toEqual([
      'b',
      'a',
      'x1',
      'x2',
      'x3',
      'd',
      'c',
    ]);
  });

  it('places a new item where the order says, not first', () => {
    const out = smp(pod({ containers: [c('web')] }), {
      spec: {
        '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }],
        containers: [c('sidecar', { image: 'envoy' })],
      },
    });
    expect((out.spec as JsonObject).containers).toEqual([
      c('web'),
      c('sidecar', { image: 'envoy' }),
    ]);
  });

  it('may name items neither list has', () => {
    const out = smp(pod({ containers: [c('api'), c('worker')] }), {
      spec: {
        '$setElementOrder/containers': [{ name: 'worker' }, { name: 'ghost' }, { name: 'api' }],
        containers: [c('worker', { image: 'w' }), c('api', { image: 'a' })],
      },
    });
    expect((out.spec as JsonObject).containers).toEqual([
      c('worker', { image: 'w' }),
      c('api', { image: 'a' }),
    ]);
  });

  it('orders a list the object did not have, dropping directive items', () => {
    const out = smp(pod({}), {
      spec: {
        '$setElementOrder/containers': [{ name: 'b' }, { name: 'c' }, { name: 'a' }],
        containers: [c('b'), { name: 'z', $patch: 'delete' }, c('a')],
      },
    });
    expect(out.spec).toEqual({ containers: [c('b'), c('a')] });
  });

  it('a directive object for a map the object lacks is dropped, even an invalid one', () => {
    const out = smp(pod({}), { metadata: { labels: { $patch: 'merge', c: '3' } } });
    expect(out.metadata).toEqual({ name: 'web' });
  });

  it('keeps items with the same key together, in their order', () => {
    const out = smp(
      pod({
        containers: [
          c('app', {
            env: [
              { name: 'A' },
              { name: 'B', value: 'first' },
              { name: 'C' },
              { name: 'B', value: 'second' },
              { name: 'D' },
            ],
          }),
        ],
      }),
      {
        spec: {
          containers: [
            c('app', {
              '$setElementOrder/env': [
                { name: 'B' },
                { name: 'A' },
                { name: 'D' },
                { name: 'C' },
                { name: 'B' },
              ],
            }),
          ],
        },
      },
    );
    expect(((out.spec as JsonObject).containers as JsonObject[])[0]?.env).toEqual([
      { name: 'B', value: 'first' },
      { name: 'B', value: 'second' },
      { name: 'A' },
      { name: 'D' },
      { name: 'C' },
    ]);
  });

  it('orders scalar lists, and applies deletions after ordering', () => {
    const f = (o: JsonObject): unknown => (o.metadata as JsonObject).finalizers;
    const base = pod({}, { name: 'web', finalizers: ['a', 'b', 'c'] });
    expect(f(smp(base, { metadata: { '$setElementOrder/finalizers': ['c', 'a', 'b'] } }))).toEqual([
      'c',
      'a',
      'b',
    ]);
    expect(
      f(
        smp(base, {
          metadata: {
            '$setElementOrder/finalizers': ['c', 'a'],
            '$deleteFromPrimitiveList/finalizers': ['b'],
          },
        }),
      ),
    ).toEqual(['c', 'a']);
    expect(
      f(
        smp(base, {
          metadata: { '$setElementOrder/finalizers': ['d', 'a', 'b', 'c'], finalizers: ['d'] },
        }),
      ),
    ).toEqual(['d', 'a', 'b', 'c']);
  });

  it('is a no-op for a list neither side has', () => {
    const original = pod({ restartPolicy: 'Never' });
    expect(smp(original, { spec: { '$setElementOrder/containers': [{ name: 'a' }] } })).toEqual(
      original,
    );
  });

  it('follows upstream for an empty order list (items the order lacks)', () => {
    // Upstream's comparator answers "less" for items missing from the ordering list; with Go's
    // stable sort that reverses runs of such items. This pins the same result.
    const out = smp(pod({ containers: [c('a'), c('b')] }), {
      spec: { '$setElementOrder/containers': [], containers: [c('c'), c('d')] },
    });
    expect(((out.spec as JsonObject).containers as JsonObject[]).map((x) => x.name)).toEqual([
      'a',
      'b',
      'd',
      'c',
    ]);
  });

  it('a patch list out of step with the order is a 500, as upstream', () => {
    const err = expectPatchError(
      () =>
        smp(pod({ containers: [c('a'), c('c'), c('b')] }), {
          spec: {
            '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
            containers: [c('c', { image: 'v' }), c('a', { image: 'v' })],
          },
        }),
      { code: 500, reason: '', kind: 'Internal' },
    );
    expect(err.message).toBe(
      'The order in patch list:\n[map[image:v name:c] map[image:v name:a]]\n' +
        " doesn't match $setElementOrder list:\n[map[name:a] map[name:b] map[name:c]]\n",
    );
  });

  it('malformed directives: bad key is a 400, a non-list value a 500', () => {
    expectPatchError(() => smp(pod({}), { spec: { $setElementOrder: [] } }), {
      code: 400,
      reason: 'BadRequest',
      message: 'invalid patch format of setElementOrder list',
    });
    expectPatchError(() => smp(pod({}), { spec: { '$setElementOrder/containers': 'a' } }), {
      code: 500,
      message: 'expected a []interface {}, but received a string',
    });
    expectPatchError(
      () =>
        smp(pod({ containers: [c('a')] }), {
          spec: { '$setElementOrder/containers': ['a'], containers: [c('a')] },
        }),
      { code: 500, message: 'expected a map[string]interface {}, but received a string' },
    );
  });
});

describe('strategic merge patch: $retainKeys', () => {
  it('switches a volume source, clearing what is not retained', () => {
    const out = smp(
      pod({
        volumes: [
          { name: 'data', emptyDir: { medium: 'Memory' } },
          { name: 'cfg', configMap: { name: 'c' } },
        ],
      }),
      {
        spec: {
          '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cfg' }],
          volumes: [
            {
              $retainKeys: ['hostPath', 'name'],
              emptyDir: null,
              hostPath: { path: '/srv' },
              name: 'data',
            },
          ],
        },
      },
    );
    expect(out.spec).toEqual({
      volumes: [
        { name: 'data', hostPath: { path: '/srv' } },
        { name: 'cfg', configMap: { name: 'c' } },
      ],
    });
  });

  it('clears fields even without an explicit null', () => {
    const out = smp(
      { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } },
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      deploymentSchema,
    );
    expect(out).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });

  it('merges retained fields as usual', () => {
    const out = smp(
      {
        spec: {
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        },
      },
      {
        spec: {
          strategy: { $retainKeys: ['type', 'rollingUpdate'], rollingUpdate: { maxSurge: 2 } },
        },
      },
      deploymentSchema,
    );
    expect(out).toEqual({
      spec: {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } },
      },
    });
  });

  it('is honoured on any object, with or without the strategy in the schema', () => {
    expect(smp({ box: { a: 1, b: 2, c: 3 } }, { box: { $retainKeys: ['a'] } })).toEqual({
      box: { a: 1 },
    });
  });

  it('a patch field missing from the list, or a non-list, is a 400', () => {
    expectPatchError(() => smp({ box: { a: 1 } }, { box: { $retainKeys: ['a'], b: 2 } }), {
      code: 400,
      reason: 'BadRequest',
      kind: 'InvalidFormat',
      message: 'invalid patch format of retainKeys',
    });
    expectPatchError(() => smp({ box: { a: 1 } }, { box: { $retainKeys: 'a' } }), {
      code: 400,
      message: 'invalid patch format of retainKeys',
    });
  });

  it('does not require nulls and other directives to be listed', () => {
    const out = smp(
      { box: { a: 1, b: 2, list: ['x', 'y'] } },
      {
        box: {
          $retainKeys: ['a', 'list'],
          b: null,
          '$deleteFromPrimitiveList/list': ['x'],
          '$setElementOrder/list': ['y'],
        },
      },
    );
    expect(out).toEqual({ box: { a: 1, list: ['y'] } });
  });
});

describe('strategic merge patch: setup errors', () => {
  it('needs a schema (custom resources have none upstream)', () => {
    expectPatchError(() => applyPatch({ type: 'strategic', original: {}, patch: { a: 1 } }), {
      code: 400,
      reason: 'BadRequest',
      message: 'strategic merge patch format is not supported',
    });
  });
});
