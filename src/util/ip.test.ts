import { describe, it, expect } from 'vitest';
import { isIPv4, parseIPSloppy } from './ip.ts';

describe('parseIPSloppy', () => {
  it.each([
    ['1.2.3.4', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['010.001.02.3', true],
    ['::', false],
    ['::1', false],
    ['2001:db8::ffff', false],
    ['2001:db8:0:0:0:0:0:1', false],
    ['fe80::1:2:3:4', false],
    ['::ffff:1.2.3.4', true],
    ['::1.2.3.4', false],
    ['1:2:3:4:5:6:1.2.3.4', false],
    ['ABCD:EF01::1', false],
    ['0000001.2.3.4', true],
    ['1::', false],
    ['00001::', false],
  ])('%s parses (IPv4: %s)', (s, v4) => {
    const ip = parseIPSloppy(s);
    expect(ip).not.toBeNull();
    expect(isIPv4(ip!)).toBe(v4);
  });
  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '1.2.3.-1',
    '1.2.3.4 ',
    ' 1.2.3.4',
    'a.b.c.d',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    'fe80::1%eth0',
    '12345::1',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:6:7:8::',
    'g::1',
    '1.2.3.4/24',
    'localhost',
    '1:',
  ])('%j does not parse', (s) => {
    expect(parseIPSloppy(s)).toBeNull();
  });
  it('expands :: into zero groups', () => {
    expect([...parseIPSloppy('2001:db8::1')!.bytes]).toEqual([
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);
  });
});
