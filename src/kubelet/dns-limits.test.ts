import { describe, expect, it } from 'vitest';
import { formDNSConfigFitsLimits } from './dns-limits.ts';

describe('formDNSConfigFitsLimits', () => {
  it('leaves a config within the limits alone', () => {
    const dns = { servers: ['1.1.1.1', '8.8.8.8'], searches: ['a.svc', 'b'], options: ['ndots:5'] };
    expect(formDNSConfigFitsLimits(dns)).toEqual({ dns, warnings: [] });
  });

  it('keeps the first 3 nameservers', () => {
    const r = formDNSConfigFitsLimits({
      servers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'],
      searches: [],
      options: [],
    });
    expect(r.dns.servers).toEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    expect(r.warnings).toEqual([
      'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1.1.1.1 2.2.2.2 3.3.3.3',
    ]);
  });

  it.each<[string, string[], string[]]>([
    [
      'more than 32 domains',
      Array.from({ length: 34 }, (_, i) => `d${i}`),
      Array.from({ length: 32 }, (_, i) => `d${i}`),
    ],
    ['a domain over 253 characters', ['a', 'x'.repeat(254), 'b'], ['a', 'b']],
    [
      'a line over 2048 characters, cut from the end',
      Array.from({ length: 9 }, (_, i) => `${String(i)}${'y'.repeat(249)}`),
      Array.from({ length: 8 }, (_, i) => `${String(i)}${'y'.repeat(249)}`),
    ],
  ])('cuts searches: %s', (_name, searches, want) => {
    const r = formDNSConfigFitsLimits({ servers: [], searches, options: [] });
    expect(r.dns.searches).toEqual(want);
    expect(r.warnings).toEqual([
      `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${want.join(' ')}`,
    ]);
  });
});
