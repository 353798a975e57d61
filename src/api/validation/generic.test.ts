import { describe, it, expect } from 'vitest';
import { Quantity } from '../quantity/quantity.ts';
import { formatFieldErrors } from './field-errors.ts';
import {
  deepEqual,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameValidatorFor,
  validateImmutableField,
  validateIntegerQuantity,
  validateNonnegativeField,
  validateNonnegativeQuantity,
  validatePortNum,
  validatePortNumOrName,
  validatePositiveField,
  validatePositiveQuantityValue,
} from './generic.ts';

describe('name functions', () => {
  it.each([
    [nameIsDNSSubdomain, 'web-', true, 0],
    [nameIsDNSSubdomain, 'web-', false, 1],
    [nameIsDNSSubdomain, 'a.b-', true, 0],
    [nameIsDNSLabel, 'web-', true, 0],
    [nameIsDNSLabel, 'a.b-', true, 1],
    [nameIsDNS1035Label, 'web-', true, 0],
    [nameIsDNS1035Label, '1a-', true, 1],
    // the masked prefix replaces the last two characters: "a-" is checked as "a"
    [nameIsDNSSubdomain, 'a-', true, 0],
    [nameIsDNSSubdomain, '-', true, 1],
  ])('%#', (fn, name, prefix, count) => {
    expect(fn(name, prefix)).toHaveLength(count);
  });
  it('maps name rules', () => {
    expect(nameValidatorFor('subdomain')).toBe(nameIsDNSSubdomain);
    expect(nameValidatorFor('label')).toBe(nameIsDNSLabel);
    expect(nameValidatorFor('dns1035')).toBe(nameIsDNS1035Label);
    expect(nameValidatorFor('path-segment')('a/b', false)).toEqual(["may not contain '/'"]);
  });
});

describe('numeric fields', () => {
  it.each([
    [validateNonnegativeField(0, 'x'), ''],
    [
      validateNonnegativeField(-5, 'spec.replicas'),
      'spec.replicas: Invalid value: -5: must be greater than or equal to 0',
    ],
    [validatePositiveField(1, 'x'), ''],
    [validatePositiveField(0, 'x'), 'x: Invalid value: 0: must be greater than zero'],
    [validatePortNum(0, 'p'), 'p: Invalid value: 0: must be between 1 and 65535, inclusive'],
    [validatePortNum(8080, 'p'), ''],
    [validatePortNumOrName(80, 'p'), ''],
    [validatePortNumOrName('http', 'p'), ''],
    [
      validatePortNumOrName(70000, 'p'),
      'p: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ],
    [
      validatePortNumOrName('HTTP', 'p'),
      'p: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
  ])('%#', (errs, expected) => {
    // HTTP also lacks a lower-case letter: both messages are listed
    const text = formatFieldErrors(errs);
    if (expected.includes('"HTTP"')) expect(text.startsWith('[' + expected)).toBe(true);
    else expect(text).toBe(expected);
  });
});

describe('quantities', () => {
  it.each([
    [validateNonnegativeQuantity('0', 'q'), ''],
    [
      validateNonnegativeQuantity('-1', 'q'),
      'q: Invalid value: "-1": must be greater than or equal to 0',
    ],
    [
      validateNonnegativeQuantity(Quantity.parse('-0.5'), 'q'),
      'q: Invalid value: "-500m": must be greater than or equal to 0',
    ],
    [validatePositiveQuantityValue('0', 'q'), 'q: Invalid value: "0": must be greater than zero'],
    [validatePositiveQuantityValue('1m', 'q'), ''],
    [validateIntegerQuantity('2', 'q'), ''],
    [validateIntegerQuantity('1500m', 'q'), 'q: Invalid value: 1500m: must be an integer'],
    [
      validateIntegerQuantity('-500m', 'q'),
      '[q: Invalid value: "-500m": must be greater than or equal to 0, q: Invalid value: -500m: must be an integer]',
    ],
  ])('%#', (errs, expected) => {
    expect(formatFieldErrors(errs)).toBe(expected);
  });
});

describe('immutability', () => {
  it('compares structurally', () => {
    expect(validateImmutableField({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, 'x')).toEqual([]);
    expect(formatFieldErrors(validateImmutableField('new', 'old', 'spec.x'))).toBe(
      'spec.x: Invalid value: "new": field is immutable',
    );
  });
  it.each([
    [1, 1, true],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [{ a: 1 }, { a: 2 }, false],
    [[1, 2], [1, 2], true],
    [[1, 2], [2, 1], false],
    [[1], { 0: 1 }, false],
    [null, {}, false],
    [{ a: undefined }, {}, true],
    [{}, { a: 1 }, false],
  ])('deepEqual(%j, %j) = %s', (a, b, eq) => {
    expect(deepEqual(a, b)).toBe(eq);
  });
});
