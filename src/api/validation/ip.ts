/**
 * IP address and CIDR validation as upstream v1.32 does it, over the sloppy parsing in util/ip.ts
 * (re-exported here, as the api module's validators and callers use it).
 */
import { isIPv4, parseCIDRSloppy, parseIPSloppy } from '../../util/index.ts';
import type { FieldErrorList, Path } from './field-errors.ts';
import { invalid } from './field-errors.ts';

export { isIPv4, parseCIDRSloppy, parseIPSloppy, type ParsedIP } from '../../util/index.ts';

export function isValidIP(path: Path | string, value: string): FieldErrorList {
  if (parseIPSloppy(value)) return [];
  return [invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

export function isValidIPv4Address(path: Path | string, value: string): FieldErrorList {
  const ip = parseIPSloppy(value);
  if (ip && isIPv4(ip)) return [];
  return [invalid(path, value, 'must be a valid IPv4 address')];
}

export function isValidIPv6Address(path: Path | string, value: string): FieldErrorList {
  const ip = parseIPSloppy(value);
  if (ip && !isIPv4(ip)) return [];
  return [invalid(path, value, 'must be a valid IPv6 address')];
}

export function isValidCIDR(path: Path | string, value: string): FieldErrorList {
  if (parseCIDRSloppy(value)) return [];
  return [invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}
