import { describe, expect, it } from 'vitest';
import { fieldOf, elementOf } from '../../schema/schema.ts';
import { leaseListSchema, leaseSchema, leaseSpecSchema } from './index.ts';

describe('coordination.k8s.io/v1 schemas', () => {
  it('Lease is a top-level kind with its OpenAPI name', () => {
    expect(leaseSchema.name).toBe('io.k8s.api.coordination.v1.Lease');
    expect(leaseSchema.gvk).toEqual([
      { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' },
    ]);
    expect(Object.keys(leaseSchema.fields).sort()).toEqual([
      'apiVersion',
      'kind',
      'metadata',
      'spec',
    ]);
  });

  it('LeaseSpec has every v1.32 field with its wire type', () => {
    const kinds = Object.fromEntries(
      Object.entries(leaseSpecSchema.fields).map(([k, f]) => [
        k,
        f.schema.kind === 'integer'
          ? f.schema.format
          : f.schema.kind === 'time'
            ? f.schema.micro
              ? 'micro'
              : 'time'
            : f.schema.kind,
      ]),
    );
    expect(kinds).toEqual({
      holderIdentity: 'string',
      leaseDurationSeconds: 'int32',
      acquireTime: 'micro',
      renewTime: 'micro',
      leaseTransitions: 'int32',
      strategy: 'string',
      preferredHolder: 'string',
    });
    expect(Object.values(leaseSpecSchema.fields).some((f) => f.required)).toBe(false);
  });

  it('LeaseList requires items of Lease', () => {
    expect(leaseListSchema.name).toBe('io.k8s.api.coordination.v1.LeaseList');
    expect(leaseListSchema.gvk?.[0]?.kind).toBe('LeaseList');
    const items = fieldOf(leaseListSchema, 'items');
    expect(items?.required).toBe(true);
    expect(elementOf(items?.schema)).toBe(leaseSchema);
  });
});
