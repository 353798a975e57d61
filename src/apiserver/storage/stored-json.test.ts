import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/index.ts';
import { StoredJson } from './stored-json.ts';

const cm = (): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'ns', resourceVersion: '7', labels: { x: '"}' } },
    data: { k: 'metadata":{' },
  }) as KubeObject;

describe('StoredJson', () => {
  it('stores the object as JSON without its resourceVersion', () => {
    const obj = cm();
    const stored = StoredJson.of(obj);
    const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
    expect(JSON.parse(stored.text)).toEqual({ ...obj, metadata: meta });
    expect(obj.metadata?.resourceVersion).toBe('7');
  });

  it('adds a resourceVersion to the same text as the first key of metadata', () => {
    const obj = cm();
    const json = StoredJson.of(obj).withRevision(42);
    expect(JSON.parse(json)).toEqual({
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: '42' },
    });
    expect(json).toContain('"metadata":{"resourceVersion":"42","name":"a"');
  });

  it('handles metadata that is empty, missing, or after other objects', () => {
    const empty = StoredJson.of({ apiVersion: 'v1', kind: 'Namespace', metadata: {} });
    expect(JSON.parse(empty.withRevision(3))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { resourceVersion: '3' },
    });
    const none = StoredJson.of({ apiVersion: 'v1', kind: 'Namespace' });
    expect(JSON.parse(none.withRevision(4))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { resourceVersion: '4' },
    });
    const later = {
      spec: { metadata: { name: 'c' }, skipped: undefined, text: 'é"{' },
      status: undefined,
      helper: () => 1,
      tag: Symbol('t'),
      metadata: { name: 'b' },
    } as unknown as KubeObject;
    expect(JSON.parse(StoredJson.of(later).withRevision(5))).toEqual({
      spec: { metadata: { name: 'c' }, text: 'é"{' },
      metadata: { name: 'b', resourceVersion: '5' },
    });
  });

  it('leaves out undefined fields, as JSON.stringify does', () => {
    const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: undefined };
    const stored = StoredJson.of(obj);
    expect(stored.text).toBe(JSON.stringify(obj));
  });
});
