import { describe, expect, it } from 'vitest';
import { parseMemTotal, parseOsRelease } from './machine-info.ts';

describe('machine info parsing', () => {
  it('reads PRETTY_NAME from os-release', () => {
    expect(
      parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'),
    ).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(parseOsRelease('PRETTY_NAME=Alpine\n')).toBe('Alpine');
    expect(parseOsRelease('')).toBe('Linux');
  });
  it('reads MemTotal from meminfo', () => {
    expect(parseMemTotal('MemTotal:        8141112 kB\nMemFree: 1 kB\n')).toBe(8141112 * 1024);
    expect(parseMemTotal('nothing')).toBeUndefined();
  });
});
