import { describe, it, expect } from 'vitest';
import type { Lease } from '../../api/index.ts';
import { leaseTableConvertor } from './lease-table.ts';

const now = Date.parse('2025-03-01T12:00:00Z');

describe('leases', () => {
  it.each<[string, Lease, unknown[]]>([
    [
      'held by a node',
      {
        metadata: { name: 'node-1', creationTimestamp: '2025-02-20T12:00:00Z' },
        spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 },
      },
      ['node-1', 'node-1', '9d'],
    ],
    [
      'not held',
      { metadata: { name: 'kube-scheduler', creationTimestamp: '2025-03-01T11:58:10Z' }, spec: {} },
      ['kube-scheduler', '', '110s'],
    ],
  ])('%s', (_name, lease, want) => {
    expect(leaseTableConvertor.cells(lease, now)).toEqual(want);
  });

  it('has upstream columns', () => {
    expect(leaseTableConvertor.columns.map((c) => c.name)).toEqual(['Name', 'Holder', 'Age']);
  });
});
