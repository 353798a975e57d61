import { describe, expect, it } from 'vitest';
import { bridgeNameFor, parseIPv4CIDR } from './cni-config.ts';

describe('parseIPv4CIDR', () => {
  it('returns the network and prefix of a valid range', () => {
    expect(parseIPv4CIDR('10.244.0.0/24')).toEqual({ network: '10.244.0.0', prefix: 24 });
    expect(parseIPv4CIDR('172.16.0.0/12')).toEqual({ network: '172.16.0.0', prefix: 12 });
  });

  it('refuses host bits, odd prefixes and what is not IPv4, saying why', () => {
    expect(() => parseIPv4CIDR('10.1.2.3/24')).toThrow(/did you mean 10\.1\.2\.0\/24/);
    expect(() => parseIPv4CIDR('10.0.0.0/31')).toThrow(/prefix 8 to 30/);
    expect(() => parseIPv4CIDR('10.0.0.0/4')).toThrow(/prefix 8 to 30/);
    expect(() => parseIPv4CIDR('10.0.256.0/24')).toThrow(/IPv4 network/);
    expect(() => parseIPv4CIDR('fd00::/64')).toThrow(/IPv4 network/);
  });
});

describe('bridgeNameFor', () => {
  it('keeps podbay0 for the default range', () => {
    expect(bridgeNameFor('10.244.0.0/24')).toBe('podbay0');
  });

  it('names a bridge after any other range, within the 15 characters Linux allows', () => {
    expect(bridgeNameFor('10.244.171.0/24')).toBe('pb0af4ab00-24');
    expect(bridgeNameFor('10.244.0.0/16')).toBe('pb0af40000-16');
    expect(bridgeNameFor('192.168.100.0/30')).toBe('pbc0a86400-30');
    expect(bridgeNameFor('192.168.100.0/30').length).toBeLessThanOrEqual(15);
  });
});
