import { describe, it, expect } from 'vitest';
import { applyPatch } from './apply-patch.ts';
import { GENERIC_UNPROCESSABLE_MESSAGE } from './errors.ts';
import { applyJsonPatch } from './json-patch.ts';
import type { JsonObject } from './json-value.ts';
import { expectPatchError, frozen } from './testing/helpers.ts';

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    labels: { app: 'web' },
    annotations: { 'example.com/owner': 'team-a', 'a~b': 'tilde' },
  },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1', args: ['--port=80'] },
          { name: 'log', image: 'busybox' },
        ],
      },
    },
  },
});

function jp(ops: unknown[], original: JsonObject = deployment()): JsonObject {
  return applyPatch({ type: 'json', original: frozen(original), patch: frozen(ops) });
}

/** Expects the 422 upstream answers for a failed operation, with this library detail. */
function expectOpFailure(ops: unknown[], detail: string, original?: JsonObject): void {
  expectPatchError(() => jp(ops, original), {
    code: 422,
    reason: 'Invalid',
    kind: detail.endsWith('test failed') ? 'TestFailed' : 'OperationFailed',
    message: GENERIC_UNPROCESSABLE_MESSAGE,
    detail,
  });
}

const spec = (o: JsonObject): JsonObject => o.spec as JsonObject;
const containers = (o: JsonObject): JsonObject[] =>
  ((spec(o).template as JsonObject).spec as JsonObject).containers as JsonObject[];

describe('JSON patch: add', () => {
  it('adds and overwrites object members', () => {
    const out = jp([
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
      { op: 'add', path: '/spec/replicas', value: 5 },
    ]);
    expect(out.metadata).toMatchObject({ labels: { app: 'web', tier: 'front' } });
    expect(spec(out).replicas).toBe(5);
  });

  it('inserts into arrays by index, appends with "-" and with the length', () => {
    const out = jp([
      { op: 'add', path: '/spec/template/spec/containers/0/args/0', value: '--first' },
      { op: 'add', path: '/spec/template/spec/containers/0/args/-', value: '--last' },
      { op: 'add', path: '/spec/template/spec/containers/0/args/3', value: '--end' },
    ]);
    expect(containers(out)[0]?.args).toEqual(['--first', '--port=80', '--last', '--end']);
  });

  it('accepts negative and signed indexes, as upstream does', () => {
    const out = jp([
      { op: 'add', path: '/spec/template/spec/containers/0/args/-1', value: '--x' },
      { op: 'add', path: '/spec/template/spec/containers/0/args/+0', value: '--y' },
    ]);
    // -1 on insert counts from the end of the grown array: it appends.
    expect(containers(out)[0]?.args).toEqual(['--y', '--port=80', '--x']);
  });

  it('writes null when the operation has no value', () => {
    const out = jp([{ op: 'add', path: '/metadata/labels/x' }]);
    expect((out.metadata as JsonObject).labels).toEqual({ app: 'web', x: null });
  });

  it('fails on a missing parent, the empty path, and bad indexes', () => {
    expectOpFailure(
      [{ op: 'add', path: '/spec/missing/field', value: 1 }],
      'add operation does not apply: doc is missing path: "/spec/missing/field": missing value',
    );
    expectOpFailure(
      [{ op: 'add', path: '', value: {} }],
      'add operation does not apply: doc is missing path: "": missing value',
    );
    expectOpFailure(
      [{ op: 'add', path: '/spec/template/spec/containers/0/args/5', value: 'x' }],
      "error in add for path: '/spec/template/spec/containers/0/args/5': Unable to access invalid index: 5: invalid index referenced",
    );
    expectOpFailure(
      [{ op: 'add', path: '/spec/template/spec/containers/0/args/x', value: 'x' }],
      "error in add for path: '/spec/template/spec/containers/0/args/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax",
    );
    // Reached only with fieldValidation=Ignore; otherwise decoding rejects the number first.
    expectPatchError(() => applyJsonPatch({}, [{ op: 'add', path: 5, value: 'x' }]), {
      code: 422,
      detail: 'add operation failed to decode path: missing value',
    });
  });
});

describe('JSON patch: remove, replace, move, copy', () => {
  it('removes members and array elements (negative index from the end)', () => {
    const out = jp([
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'remove', path: '/spec/template/spec/containers/-1' },
    ]);
    expect((out.metadata as JsonObject).labels).toEqual({});
    expect(containers(out).map((c) => c.name)).toEqual(['web']);
  });

  it('fails to remove what is not there', () => {
    expectOpFailure(
      [{ op: 'remove', path: '/metadata/labels/nope' }],
      "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value",
    );
    expectOpFailure(
      [{ op: 'remove', path: '/spec/template/spec/containers/2' }],
      "error in remove for path: '/spec/template/spec/containers/2': Unable to access invalid index: 2: invalid index referenced",
    );
  });

  it('replaces members and elements; a missing object member is added (upstream quirk)', () => {
    const out = jp([
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' },
      { op: 'replace', path: '/spec/paused', value: true },
    ]);
    expect(spec(out)).toMatchObject({ replicas: 3, paused: true });
    expect(containers(out)[0]?.image).toBe('nginx:2');
  });

  it('fails to replace an array element that does not exist', () => {
    expectOpFailure(
      [{ op: 'replace', path: '/spec/template/spec/containers/7', value: {} }],
      'replace operation does not apply: doc is missing key: /spec/template/spec/containers/7: missing value',
    );
    expectOpFailure(
      [{ op: 'replace', path: '/nope/x', value: 1 }],
      'replace operation does not apply: doc is missing path: /nope/x: missing value',
    );
    expectOpFailure(
      [{ op: 'replace', value: 1 }],
      'replace operation failed to decode path: operation missing path field: missing value',
    );
  });

  it('replaces the whole document only with an object (anything else is ignored)', () => {
    expect(jp([{ op: 'replace', path: '', value: { kind: 'X' } }])).toEqual({ kind: 'X' });
    expect(jp([{ op: 'replace', path: '', value: 'scalar' }])).toEqual(deployment());
  });

  it('moves members and elements', () => {
    const out = jp([
      { op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' },
      {
        op: 'move',
        from: '/spec/template/spec/containers/1',
        path: '/spec/template/spec/containers/0',
      },
    ]);
    expect((out.metadata as JsonObject).labels).toEqual({ name: 'web' });
    expect(containers(out).map((c) => c.name)).toEqual(['log', 'web']);
  });

  it('fails to move from a missing member', () => {
    expectOpFailure(
      [{ op: 'move', from: '/metadata/labels/x', path: '/metadata/labels/y' }],
      "error in move for path: 'x': Unable to remove nonexistent key: x: missing value",
    );
    expectOpFailure(
      [{ op: 'move', from: '/nope/x', path: '/metadata/labels/y' }],
      'move operation does not apply: doc is missing from path: /nope/x: missing value',
    );
  });

  it('copies values independently of their source', () => {
    const out = jp([
      {
        op: 'copy',
        from: '/spec/template/spec/containers/0',
        path: '/spec/template/spec/containers/-',
      },
      { op: 'replace', path: '/spec/template/spec/containers/2/name', value: 'web2' },
    ]);
    expect(containers(out).map((c) => c.name)).toEqual(['web', 'log', 'web2']);
    expect(containers(out)[2]?.args).toEqual(['--port=80']);
  });

  it('copies a missing member as null (upstream quirk)', () => {
    const out = jp([{ op: 'copy', from: '/metadata/labels/none', path: '/metadata/labels/copy' }]);
    expect((out.metadata as JsonObject).labels).toEqual({ app: 'web', copy: null });
  });

  it('limits the bytes copy operations add, in Go JSON encoding', () => {
    const original = { a: 'x'.repeat(100), b: '<>&' };
    // "x"*100 encodes as 102 bytes; "<>&" as "\u003c\u003e\u0026" (20 bytes).
    expect(
      applyJsonPatch(original, [{ op: 'copy', from: '/a', path: '/c' }], { maxCopyBytes: 102 }),
    ).toEqual({ ...original, c: original.a });
    expectPatchError(
      () =>
        applyJsonPatch(
          original,
          [
            { op: 'copy', from: '/a', path: '/c' },
            { op: 'copy', from: '/b', path: '/d' },
          ],
          { maxCopyBytes: 121 },
        ),
      {
        code: 422,
        detail:
          'Unable to complete the copy, the accumulated size increase of copy is 122, exceeding the limit 121',
      },
    );
    expectPatchError(
      () =>
        applyPatch({
          type: 'json',
          original: { big: 'y'.repeat(2 * 1024 * 1024) },
          patch: [
            { op: 'copy', from: '/big', path: '/c1' },
            { op: 'copy', from: '/big', path: '/c2' },
          ],
        }),
      {
        code: 422,
        detail: `Unable to complete the copy, the accumulated size increase of copy is ${2 * (2 * 1024 * 1024 + 2)}, exceeding the limit 3145728`,
      },
    );
  });
});

describe('JSON patch: test', () => {
  it('passes on equal values, with any key order', () => {
    const out = jp([
      {
        op: 'test',
        path: '/spec/template/spec/containers/1',
        value: { image: 'busybox', name: 'log' },
      },
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
    ]);
    expect(spec(out).replicas).toBe(3);
  });

  it('treats a missing member like null', () => {
    expect(spec(jp([{ op: 'test', path: '/spec/paused', value: null }])).replicas).toBe(2);
  });

  it('compares the whole document with the empty path', () => {
    expect(jp([{ op: 'test', path: '', value: deployment() }])).toEqual(deployment());
  });

  it('fails with a 422 that hides the detail, as upstream', () => {
    expectOpFailure(
      [
        { op: 'replace', path: '/spec/replicas', value: 9 },
        { op: 'test', path: '/spec/replicas', value: 2 },
      ],
      'testing value /spec/replicas failed: test failed',
    );
    expectOpFailure(
      [{ op: 'test', path: '/spec/paused', value: false }],
      'testing value /spec/paused failed: test failed',
    );
    expectOpFailure([{ op: 'test', path: '', value: {} }], 'testing value  failed: test failed');
  });
});

describe('JSON patch: pointers and operations', () => {
  it('decodes ~1 to / and ~0 to ~', () => {
    const out = jp([
      { op: 'replace', path: '/metadata/annotations/example.com~1owner', value: 'team-b' },
      { op: 'remove', path: '/metadata/annotations/a~0b' },
      { op: 'add', path: '/metadata/annotations/~01', value: 'literal' },
    ]);
    expect((out.metadata as JsonObject).annotations).toEqual({
      'example.com/owner': 'team-b',
      '~1': 'literal',
    });
  });

  it('ignores the first pointer token, as upstream does', () => {
    const out = jp([{ op: 'add', path: 'anything/extra', value: 1 }]);
    expect(out.extra).toBe(1);
  });

  it('rejects unknown and missing op names', () => {
    expectOpFailure([{ op: 'frob', path: '/a' }], 'Unexpected kind: frob');
    expectOpFailure([{ path: '/a' }], 'Unexpected kind: unknown');
    expectOpFailure([null], 'Unexpected kind: unknown');
  });

  it('applies nothing of a patch that fails midway, and never changes its inputs', () => {
    const original = frozen(deployment());
    const ops = frozen([
      { op: 'add', path: '/metadata/labels/x', value: { nested: true } },
      { op: 'add', path: '/metadata/labels/x/more', value: 1 },
      { op: 'remove', path: '/nope' },
    ]);
    expect(() => applyPatch({ type: 'json', original, patch: ops })).toThrow();
    expect(original).toEqual(deployment());
    const ok = applyPatch({ type: 'json', original, patch: ops.slice(0, 2) });
    expect((ok.metadata as JsonObject).labels).toEqual({
      app: 'web',
      x: { nested: true, more: 1 },
    });
    expect(ops[0]).toEqual({ op: 'add', path: '/metadata/labels/x', value: { nested: true } });
  });

  it('shares untouched subtrees with the original', () => {
    const original = frozen(deployment());
    const out = applyPatch({
      type: 'json',
      original,
      patch: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
    });
    expect(out.metadata).toBe(original.metadata);
    expect(spec(out).template).toBe(spec(original).template);
  });

  it('allows 10000 operations and answers 413 above that', () => {
    const ops = Array.from({ length: 10000 }, () => ({
      op: 'test',
      path: '/kind',
      value: 'Deployment',
    }));
    expect(jp(ops).kind).toBe('Deployment');
    expectPatchError(() => jp([...ops, { op: 'test', path: '/kind', value: 'Deployment' }]), {
      code: 413,
      reason: 'RequestEntityTooLarge',
      kind: 'TooLarge',
      message:
        'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    });
  });

  it('a result that is not an object is a 422 naming the patch', () => {
    const err = expectPatchError(() => jp([{ op: 'replace', path: '', value: [1, '<'] }]), {
      code: 422,
      reason: 'Invalid',
      kind: 'Unprocessable',
    });
    expect(err.message).toBe(
      ' "" is invalid: patch: Invalid value: "[1,\\"\\\\u003c\\"]": couldn\'t get version/kind; json parse error: ' +
        'json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
    );
    expect(err.toStatus().details?.causes?.[0]?.field).toBe('patch');
  });
});
