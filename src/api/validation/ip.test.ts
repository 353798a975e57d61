import { describe, it, expect } from 'vitest';
import {
  isValidCIDR,
  isValidIP,
  isValidIPv4Address,
  isValidIPv6Address,
  parseCIDRSloppy,
} from './ip.ts';

const ipMsg = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

describe('IP field validation', () => {
  it('isValidIP', () => {
    expect(isValidIP('spec.clusterIP', '10.0.0.1')).toEqual([]);
    expect(isValidIP('spec.clusterIP', 'nope')).toEqual([
      { type: 'FieldValueInvalid', field: 'spec.clusterIP', badValue: 'nope', detail: ipMsg },
    ]);
  });
  it('isValidIPv4Address', () => {
    expect(isValidIPv4Address('x', '1.2.3.4')).toEqual([]);
    expect(isValidIPv4Address('x', '::ffff:1.2.3.4')).toEqual([]);
    expect(isValidIPv4Address('x', '::1')[0]?.detail).toBe('must be a valid IPv4 address');
  });
  it('isValidIPv6Address', () => {
    expect(isValidIPv6Address('x', '::1')).toEqual([]);
    expect(isValidIPv6Address('x', '1.2.3.4')[0]?.detail).toBe('must be a valid IPv6 address');
  });
  it('isValidCIDR', () => {
    expect(isValidCIDR('x', '10.0.0.0/8')).toEqual([]);
    expect(isValidCIDR('x', '2001:db8::/64')).toEqual([]);
    expect(isValidCIDR('x', '10.0.0.0/33')[0]?.detail).toBe(
      'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    );
    expect(isValidCIDR('x', '10.0.0.0')).toHaveLength(1);
    expect(isValidCIDR('x', '10.0.0.0/')).toHaveLength(1);
    expect(isValidCIDR('x', '::/129')).toHaveLength(1);
    expect(parseCIDRSloppy('::/128')?.prefix).toBe(128);
  });
});
