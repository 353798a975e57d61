import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../api/index.ts';
import {
  defaultTableConvertor,
  leaseTableConvertor,
  nodeTableConvertor,
  podTableConvertor,
  tableConvertorFor,
  tableRowOf,
  type TableConvertor,
} from './index.ts';

const now = Date.parse('2025-03-01T12:00:00Z');

const resources: [group: string, resource: string][] = [
  ['', 'pods'],
  ['', 'podtemplates'],
  ['', 'replicationcontrollers'],
  ['', 'namespaces'],
  ['', 'nodes'],
  ['', 'events'],
  ['', 'configmaps'],
  ['', 'secrets'],
  ['', 'serviceaccounts'],
  ['', 'services'],
  ['', 'endpoints'],
  ['', 'persistentvolumes'],
  ['', 'persistentvolumeclaims'],
  ['', 'resourcequotas'],
  ['', 'componentstatuses'],
  ['apps', 'deployments'],
  ['apps', 'replicasets'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'controllerrevisions'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['coordination.k8s.io', 'leases'],
  ['discovery.k8s.io', 'endpointslices'],
];

/** The smallest object of each resource that its schema accepts. */
function minimal(resource: string): KubeObject {
  const metadata = { name: 'x', creationTimestamp: '2025-03-01T11:00:00Z' };
  switch (resource) {
    case 'events':
      return { metadata, involvedObject: {} } as KubeObject;
    case 'endpointslices':
      return { metadata, addressType: 'IPv4', endpoints: [] } as KubeObject;
    case 'controllerrevisions':
      return { metadata, revision: 1 } as KubeObject;
    default:
      return { metadata };
  }
}

describe('tableConvertorFor', () => {
  it.each(resources)('%s/%s has its own table', (group, resource) => {
    const c = tableConvertorFor({ group, resource });
    expect(c).not.toBe(defaultTableConvertor);
    const cells = c.cells(minimal(resource), now);
    expect(cells).toHaveLength(c.columns.length);
    for (const cell of cells) expect(['string', 'number']).toContain(typeof cell);
  });

  it('finds convertors by group and resource', () => {
    expect(tableConvertorFor({ group: '', resource: 'pods' })).toBe(podTableConvertor);
    expect(tableConvertorFor({ group: '', resource: 'nodes' })).toBe(nodeTableConvertor);
    expect(tableConvertorFor({ group: 'coordination.k8s.io', resource: 'leases' })).toBe(
      leaseTableConvertor,
    );
  });

  it.each([
    ['', 'limitranges'],
    ['apps', 'pods'],
    ['example.com', 'widgets'],
  ])('%s/%s gets the default NAME / CREATED AT table', (group, resource) => {
    expect(tableConvertorFor({ group, resource })).toBe(defaultTableConvertor);
  });

  it('describes every column in the shape kubectl reads', () => {
    const seen = new Set<TableConvertor>();
    for (const [group, resource] of resources) seen.add(tableConvertorFor({ group, resource }));
    for (const c of seen) {
      for (const col of c.columns) {
        expect(Object.keys(col).sort()).toEqual([
          'description',
          'format',
          'name',
          'priority',
          'type',
        ]);
        expect(col.description).not.toBe('');
        expect([0, 1]).toContain(col.priority);
        expect(['string', 'integer', 'boolean', 'date']).toContain(col.type);
      }
      expect(c.columns.filter((col) => col.format === 'name')).toHaveLength(1);
    }
  });
});

describe('defaultTableConvertor', () => {
  it('prints the name and the creation time', () => {
    const obj: KubeObject = {
      metadata: { name: 'limits', creationTimestamp: '2025-02-28T09:30:00Z' },
    };
    expect(defaultTableConvertor.columns.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(tableRowOf(defaultTableConvertor, obj, now)).toEqual({
      cells: ['limits', '2025-02-28T09:30:00Z'],
    });
  });
});
