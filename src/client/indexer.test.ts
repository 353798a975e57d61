import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../api/index.ts';
import { Indexer, metaNamespaceKey, namespaceIndex, splitMetaNamespaceKey } from './indexer.ts';

interface Pod extends KubeObject {
  spec?: { nodeName?: string; volumes?: string[] };
}

function pod(ns: string, name: string, node?: string, volumes?: string[]): Pod {
  return {
    metadata: { namespace: ns, name },
    spec: { ...(node ? { nodeName: node } : {}), ...(volumes ? { volumes } : {}) },
  };
}

const byNode = (p: Pod): readonly string[] => (p.spec?.nodeName ? [p.spec.nodeName] : []);

describe('keys', () => {
  it('are namespace/name, or name for cluster-scoped objects, and split back', () => {
    expect(metaNamespaceKey(pod('default', 'web'))).toBe('default/web');
    expect(metaNamespaceKey({ metadata: { name: 'node1' } })).toBe('node1');
    expect(splitMetaNamespaceKey('default/web')).toEqual({ namespace: 'default', name: 'web' });
    expect(splitMetaNamespaceKey('node1')).toEqual({ namespace: '', name: 'node1' });
  });
});

describe('Indexer', () => {
  it('keeps indexes in step through adds, updates that move index values, and deletes', () => {
    const idx = new Indexer<Pod>({ nodeName: byNode });
    idx.upsert('a/p1', pod('a', 'p1', 'n1'));
    idx.upsert('a/p2', pod('a', 'p2', 'n1'));
    idx.upsert('b/p3', pod('b', 'p3'));
    expect(
      idx
        .byIndex('nodeName', 'n1')
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual(['p1', 'p2']);
    expect(idx.listIndexValues('nodeName')).toEqual(['n1']);

    const old = idx.upsert('a/p2', pod('a', 'p2', 'n2'));
    expect(old?.spec?.nodeName).toBe('n1');
    expect(idx.indexKeys('nodeName', 'n1')).toEqual(['a/p1']);
    expect(idx.indexKeys('nodeName', 'n2')).toEqual(['a/p2']);

    idx.upsert('b/p3', pod('b', 'p3', 'n2'));
    expect(idx.indexKeys('nodeName', 'n2').sort()).toEqual(['a/p2', 'b/p3']);

    expect(idx.delete('a/p1')?.metadata?.name).toBe('p1');
    expect(idx.delete('a/p1')).toBeUndefined();
    expect(idx.byIndex('nodeName', 'n1')).toEqual([]);
    expect(idx.listIndexValues('nodeName')).toEqual(['n2']);
    expect(idx.size).toBe(2);
    expect(idx.listByNamespace('b').map((p) => p.metadata?.name)).toEqual(['p3']);
    expect(idx.getByName('a', 'p2')?.spec?.nodeName).toBe('n2');
    expect(idx.listKeys().sort()).toEqual(['a/p2', 'b/p3']);
  });

  it('supports multi-valued index functions and indexers added later', () => {
    const idx = new Indexer<Pod>();
    idx.upsert('a/p1', pod('a', 'p1', undefined, ['v1', 'v2']));
    idx.upsert('a/p2', pod('a', 'p2', undefined, ['v2']));
    idx.addIndexers({ volume: (p) => p.spec?.volumes ?? [] });
    expect(idx.indexKeys('volume', 'v2').sort()).toEqual(['a/p1', 'a/p2']);
    idx.upsert('a/p1', pod('a', 'p1', undefined, ['v3']));
    expect(idx.indexKeys('volume', 'v1')).toEqual([]);
    expect(idx.indexKeys('volume', 'v2')).toEqual(['a/p2']);
    expect(idx.indexKeys('volume', 'v3')).toEqual(['a/p1']);
  });

  it('stores each object once: index lookups return the cached instance', () => {
    const idx = new Indexer<Pod>({ nodeName: byNode });
    const p = pod('a', 'p1', 'n1');
    idx.upsert('a/p1', p);
    expect(idx.get('a/p1')).toBe(p);
    expect(idx.byIndex('nodeName', 'n1')[0]).toBe(p);
    expect(idx.byIndex(namespaceIndex, 'a')[0]).toBe(p);
  });

  it('refuses duplicate index names and unknown indexes', () => {
    const idx = new Indexer<Pod>({ nodeName: byNode });
    expect(() => {
      idx.addIndexers({ nodeName: byNode });
    }).toThrow('already exists');
    expect(() => idx.byIndex('nope', 'x')).toThrow('does not exist');
  });
});
