import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../validation/field-errors.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';
import type { Lease } from './lease.ts';
import { leaseResource } from './resources.ts';

const ctx = { namespace: 'kube-node-lease' };

function lease(mutate: (l: Lease) => void = () => undefined): Lease {
  const l: Lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-1', namespace: 'kube-node-lease', uid: 'l-1', resourceVersion: '12' },
    spec: {
      holderIdentity: 'node-1',
      leaseDurationSeconds: 40,
      renewTime: '2024-05-01T10:00:00.123456Z',
      leaseTransitions: 0,
    },
  };
  mutate(l);
  return l;
}

describe('Lease validation', () => {
  it('accepts a valid Lease and one without spec', () => {
    expect(formatFieldErrors(leaseResource.validate(lease(), ctx))).toBe('');
    expect(
      formatFieldErrors(
        leaseResource.validate(
          lease((l) => delete l.spec),
          ctx,
        ),
      ),
    ).toBe('');
  });

  it.each([
    [
      'a zero lease duration',
      lease((l) => (l.spec!.leaseDurationSeconds = 0)),
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    ],
    [
      'negative transitions',
      lease((l) => (l.spec!.leaseTransitions = -1)),
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'an invalid name',
      lease((l) => (l.metadata!.name = 'Node_1')),
      `metadata.name: Invalid value: "Node_1": ${isDNS1123Subdomain('Node_1')[0] ?? ''}`,
    ],
    [
      'no namespace',
      lease((l) => delete l.metadata!.namespace),
      'metadata.namespace: Required value',
    ],
  ] as const)('rejects %s', (_name, manifest, expected) => {
    expect(formatFieldErrors(leaseResource.validate(manifest, ctx))).toBe(expected);
  });

  it('accepts a renewal and requires a resourceVersion on update', () => {
    const renewed = lease((l) => {
      l.spec!.renewTime = '2024-05-01T10:00:10.000000Z';
      l.spec!.holderIdentity = 'node-2';
      l.spec!.leaseTransitions = 1;
    });
    expect(formatFieldErrors(leaseResource.validateUpdate(renewed, lease(), ctx))).toBe('');
    delete renewed.metadata!.resourceVersion;
    expect(formatFieldErrors(leaseResource.validateUpdate(renewed, lease(), ctx))).toBe(
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    );
  });

  it('checks the spec on update too', () => {
    const bad = lease((l) => (l.spec!.leaseDurationSeconds = -5));
    expect(formatFieldErrors(leaseResource.validateUpdate(bad, lease(), ctx))).toBe(
      'spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0',
    );
  });
});
