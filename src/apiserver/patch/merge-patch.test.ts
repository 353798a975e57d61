import { describe, it, expect } from 'vitest';
import { applyPatch } from './apply-patch.ts';
import type { JsonObject } from './json-value.ts';
import { expectPatchError, frozen } from './testing/helpers.ts';

function mp(original: JsonObject, patch: unknown): JsonObject {
  return applyPatch({ type: 'merge', original: frozen(original), patch: frozen(patch) });
}

describe('JSON merge patch', () => {
  it('replaces scalars, adds members and removes members set to null', () => {
    expect(mp({ a: 1, b: 'x', c: true }, { a: 2, b: null, d: 'new' })).toEqual({
      a: 2,
      c: true,
      d: 'new',
    });
  });

  it('merges objects member by member, at any depth', () => {
    expect(
      mp(
        { spec: { template: { metadata: { labels: { app: 'web' } } }, replicas: 1 } },
        { spec: { template: { metadata: { labels: { version: 'v2' } } } } },
      ),
    ).toEqual({
      spec: { template: { metadata: { labels: { app: 'web', version: 'v2' } } }, replicas: 1 },
    });
  });

  it('replaces arrays whole', () => {
    expect(
      mp(
        { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b' }] } },
        { spec: { containers: [{ name: 'a', image: '2' }] } },
      ),
    ).toEqual({ spec: { containers: [{ name: 'a', image: '2' }] } });
  });

  it('lets a non-object replace an object and an object replace a non-object', () => {
    expect(mp({ a: { b: 1 }, c: 'x' }, { a: 'flat', c: { d: 1 } })).toEqual({
      a: 'flat',
      c: { d: 1 },
    });
  });

  it('drops null members from a value written where there was nothing, arrays included', () => {
    expect(
      mp(
        { keep: 1, empty: null },
        { fresh: { a: null, b: [{ c: null, d: 1 }, null] }, empty: { e: null, f: 2 } },
      ),
    ).toEqual({ keep: 1, fresh: { b: [{ d: 1 }, null] }, empty: { f: 2 } });
  });

  it('keeps nulls inside a non-object replacing an existing object (upstream behaviour)', () => {
    expect(mp({ a: { b: 1 } }, { a: [{ c: null }] })).toEqual({ a: [{ c: null }] });
  });

  it('ignores null for members that do not exist', () => {
    expect(mp({ a: 1 }, { b: null })).toEqual({ a: 1 });
  });

  it('removes every label kubectl label KEY- names', () => {
    // What `kubectl label pod web tier-` sends.
    expect(
      mp(
        { metadata: { name: 'web', labels: { app: 'web', tier: 'front' } } },
        { metadata: { labels: { tier: null } } },
      ),
    ).toEqual({ metadata: { name: 'web', labels: { app: 'web' } } });
  });

  it('shares untouched subtrees with the original', () => {
    const original = frozen({ metadata: { name: 'a' }, spec: { x: { y: 1 } }, status: {} });
    const out = applyPatch({ type: 'merge', original, patch: { spec: { z: 1 } } });
    expect(out.metadata).toBe(original.metadata);
    expect((out.spec as JsonObject).x).toBe(original.spec.x);
  });

  it('treats __proto__ and constructor as ordinary members', () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true},"constructor":1}') as unknown;
    const out = mp({}, patch);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as JsonObject).polluted).toBeUndefined();
  });

  it('rejects null and scalar patches as upstream does', () => {
    expectPatchError(() => mp({}, null), {
      code: 400,
      reason: 'BadRequest',
      kind: 'Decode',
      message: 'Invalid JSON Patch',
    });
    expectPatchError(() => mp({}, 'text'), {
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}',
    });
    expectPatchError(
      () => applyPatch({ type: 'merge', original: {}, patch: 5, fieldValidation: 'Ignore' }),
      { code: 400, message: 'Invalid JSON Patch' },
    );
  });

  it('an array patch is a decode error, or with fieldValidation=Ignore a 422 on the result', () => {
    expectPatchError(() => mp({}, [{ a: 1 }]), {
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
    const err = expectPatchError(
      () =>
        applyPatch({
          type: 'merge',
          original: { a: 1 },
          patch: [{ op: 'add', b: null }],
          fieldValidation: 'Ignore',
        }),
      { code: 422, reason: 'Invalid', kind: 'Unprocessable' },
    );
    expect(err.message).toMatch(
      /^ "" is invalid: patch: Invalid value: "\[\{\\"op\\":\\"add\\"\}\]": couldn't get version\/kind/,
    );
  });
});
