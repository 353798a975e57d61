import { describe, expect, it } from 'vitest';
import { elementOf, fieldOf } from '../../schema/schema.ts';
import {
  discoveryEndpointPortSchema,
  discoveryEndpointSchema,
  endpointConditionsSchema,
  endpointSliceListSchema,
  endpointSliceSchema,
} from './index.ts';

describe('discovery.k8s.io/v1 schemas', () => {
  it('EndpointSlice is a top-level kind with required addressType and endpoints', () => {
    expect(endpointSliceSchema.name).toBe('io.k8s.api.discovery.v1.EndpointSlice');
    expect(endpointSliceSchema.gvk).toEqual([
      { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
    ]);
    expect(fieldOf(endpointSliceSchema, 'addressType')).toMatchObject({
      required: true,
      schema: { kind: 'string', enum: ['FQDN', 'IPv4', 'IPv6'] },
    });
    expect(fieldOf(endpointSliceSchema, 'endpoints')).toMatchObject({
      required: true,
      listType: 'atomic',
    });
    expect(fieldOf(endpointSliceSchema, 'ports')?.required).toBeUndefined();
    expect(elementOf(fieldOf(endpointSliceSchema, 'ports')?.schema)).toBe(
      discoveryEndpointPortSchema,
    );
    expect(endpointSliceListSchema.gvk?.[0]?.kind).toBe('EndpointSliceList');
  });

  it('Endpoint: addresses are a required set, no strategic merge key; targetRef is an ObjectReference', () => {
    const addresses = fieldOf(discoveryEndpointSchema, 'addresses');
    expect(addresses).toMatchObject({ required: true, listType: 'set' });
    expect(addresses?.patchStrategy).toBeUndefined();
    expect(fieldOf(discoveryEndpointSchema, 'targetRef')?.schema).toMatchObject({
      kind: 'object',
      name: 'io.k8s.api.core.v1.ObjectReference',
    });
    expect(fieldOf(discoveryEndpointSchema, 'conditions')?.schema).toBe(endpointConditionsSchema);
    expect(Object.keys(endpointConditionsSchema.fields).sort()).toEqual([
      'ready',
      'serving',
      'terminating',
    ]);
    expect(fieldOf(discoveryEndpointSchema, 'hints')?.schema).toMatchObject({
      name: 'io.k8s.api.discovery.v1.EndpointHints',
    });
  });

  it('EndpointPort is an atomic struct with an enum protocol', () => {
    expect(discoveryEndpointPortSchema.atomic).toBe(true);
    expect(Object.keys(discoveryEndpointPortSchema.fields).sort()).toEqual([
      'appProtocol',
      'name',
      'port',
      'protocol',
    ]);
    expect(fieldOf(discoveryEndpointPortSchema, 'protocol')?.schema).toMatchObject({
      enum: ['SCTP', 'TCP', 'UDP'],
    });
    expect(fieldOf(discoveryEndpointPortSchema, 'port')?.schema).toMatchObject({
      kind: 'integer',
      format: 'int32',
    });
  });
});
