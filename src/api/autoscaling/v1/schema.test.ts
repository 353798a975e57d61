import { describe, expect, it } from 'vitest';
import { fieldOf } from '../../schema/schema.ts';
import { scaleSchema, scaleSpecSchema, scaleStatusSchema } from './index.ts';

describe('autoscaling/v1 Scale schema', () => {
  it('is the autoscaling/v1 Scale kind', () => {
    expect(scaleSchema.name).toBe('io.k8s.api.autoscaling.v1.Scale');
    expect(scaleSchema.gvk).toEqual([{ group: 'autoscaling', version: 'v1', kind: 'Scale' }]);
    expect(fieldOf(scaleSchema, 'spec')?.schema).toBe(scaleSpecSchema);
    expect(fieldOf(scaleSchema, 'status')?.schema).toBe(scaleStatusSchema);
  });

  it('spec.replicas is an optional int32', () => {
    expect(fieldOf(scaleSpecSchema, 'replicas')).toMatchObject({
      schema: { kind: 'integer', format: 'int32' },
    });
    expect(fieldOf(scaleSpecSchema, 'replicas')?.required).toBeUndefined();
  });

  it('status.replicas is required and status.selector is the string form of a selector', () => {
    expect(fieldOf(scaleStatusSchema, 'replicas')).toMatchObject({
      required: true,
      schema: { kind: 'integer', format: 'int32' },
    });
    expect(fieldOf(scaleStatusSchema, 'selector')?.schema.kind).toBe('string');
    expect(Object.keys(scaleStatusSchema.fields).sort()).toEqual(['replicas', 'selector']);
  });
});
