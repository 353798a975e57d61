import { describe, it, expect } from 'vitest';
import { formatFieldErrors, invalidMessage } from '../../validation/field-errors.ts';
import type { Scale } from './scale.ts';
import { validateScale } from './validation.ts';

function scale(replicas: number | undefined, name = 'web'): Scale {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace: 'default', resourceVersion: '9' },
    ...(replicas === undefined ? {} : { spec: { replicas } }),
  };
}

describe('Scale validation', () => {
  it('accepts zero or more replicas, and no spec', () => {
    expect(formatFieldErrors(validateScale(scale(0)))).toBe('');
    expect(formatFieldErrors(validateScale(scale(10)))).toBe('');
    expect(formatFieldErrors(validateScale(scale(undefined)))).toBe('');
  });

  it('rejects negative replicas with the 422 kubectl scale shows', () => {
    const errs = validateScale(scale(-1));
    expect(formatFieldErrors(errs)).toBe(
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(invalidMessage({ group: 'autoscaling', kind: 'Scale' }, 'web', errs)).toBe(
      'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });

  it('rejects a Scale without name', () => {
    expect(formatFieldErrors(validateScale(scale(1, '')))).toBe(
      'metadata.name: Required value: name or generateName is required',
    );
  });
});
