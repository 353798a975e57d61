import { describe, expect, it } from 'vitest';
import { expand, mappingFuncFor } from './expansion.ts';

describe('expand', () => {
  const mapping = mappingFuncFor(
    new Map([
      ['VAR_A', 'A'],
      ['VAR_B', 'B'],
      ['VAR_C', 'C'],
      ['VAR_REF', '$(VAR_A)'],
      ['VAR_EMPTY', ''],
    ]),
  );
  // Cases from upstream's expansion tests, reworded.
  const cases: [string, string][] = [
    ['$(VAR_A)', 'A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)-$(VAR_A)', 'A-A'],
    ['$(VAR_A)-1', 'A-1'],
    ['$(VAR_A)_$(VAR_B)_$(VAR_C)', 'A_B_C'],
    ['$(VAR_DOES_NOT_EXIST)', '$(VAR_DOES_NOT_EXIST)'],
    ['$(VAR_REF)', '$(VAR_A)'],
    ['foo$(VAR_EMPTY)bar', 'foobar'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['f00__(VAR_A)__', 'f00__(VAR_A)__'],
    ['$?_boo_$!', '$?_boo_$!'],
    ['$VAR_A', '$VAR_A'],
    ['$(VAR_A', '$(VAR_A'],
    ['$(VAR_A$(VAR_B)', '$(VAR_A$(VAR_B)'],
    ['$', '$'],
    ['foo$', 'foo$'],
    ['$()', '$()'],
    ['$$', '$'],
    ['', ''],
    ['no vars', 'no vars'],
    ['$(VAR_A)$(VAR_B)', 'AB'],
  ];
  it.each(cases)('%s → %s', (input, want) => {
    expect(expand(input, mapping)).toBe(want);
  });

  it('looks contexts up in order', () => {
    const m = mappingFuncFor(
      new Map([['X', '1']]),
      new Map([
        ['X', '2'],
        ['Y', '3'],
      ]),
    );
    expect(expand('$(X)$(Y)', m)).toBe('13');
  });
});
