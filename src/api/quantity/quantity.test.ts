import { describe, it, expect } from 'vitest';
import {
  Quantity,
  QuantityError,
  canonicalQuantity,
  quantityFormatErrorMessage,
  quantitySuffixErrorMessage,
} from './quantity.ts';

describe('Quantity.parse: canonical serialisation', () => {
  const table: [input: string, expected: string][] = [
    // zero in every spelling
    ['0', '0'],
    ['0n', '0'],
    ['0m', '0'],
    ['0Ki', '0'],
    ['0Gi', '0'],
    ['0k', '0'],
    ['-0', '0'],
    ['00', '0'],
    // plain numbers and decimal suffixes
    ['1', '1'],
    ['9', '9'],
    ['5n', '5n'],
    ['4u', '4u'],
    ['3m', '3m'],
    ['8k', '8k'],
    ['50k', '50k'],
    ['7M', '7M'],
    ['6G', '6G'],
    ['5T', '5T'],
    ['40T', '40T'],
    ['300T', '300T'],
    ['2P', '2P'],
    ['1E', '1E'],
    ['12E', '12E'],
    ['1000M', '1G'],
    ['1000m', '1'],
    ['1500', '1500'],
    ['1000', '1k'],
    ['0.5', '500m'],
    ['0.001', '1m'],
    ['.001', '1m'],
    ['0.05', '50m'],
    ['0.5000', '500m'],
    ['0.0005k', '500m'],
    ['.0001k', '100m'],
    // upstream keeps any fast-path input whose scale is a multiple of 3 verbatim, fraction or not
    ['100.035k', '100.035k'],
    ['10.035M', '10.035M'],
    ['7.123456M', '7.123456M'],
    ['6.987654321G', '6.987654321G'],
    ['5.444T', '5.444T'],
    ['1.', '1.'],
    ['1.G', '1.G'],
    ['1.5e4', '1.5e4'],
    ['9.01', '9010m'],
    ['8.1k', '8100'],
    ['40.1T', '40100G'],
    ['2.5P', '2500T'],
    ['1.01E', '1010P'],
    ['1080m', '1080m'],
    ['1.08', '1080m'],
    // exponents: already-canonical strings are kept, others canonicalised
    ['1e3', '1e3'],
    ['1E3', '1E3'],
    ['1e9', '1e9'],
    ['1e-3', '1e-3'],
    ['1E-3', '1E-3'],
    ['1e-9', '1e-9'],
    ['80e-3', '80e-3'],
    ['300e6', '300e6'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['1.2e3', '1200'],
    ['1.3E+6', '1300e3'],
    ['1e14', '100e12'],
    ['1e100', '10e99'],
    ['10e99', '10e99'],
    ['100e98', '10e99'],
    ['0.5e0', '500e-3'],
    // binary suffixes
    ['1Ki', '1Ki'],
    ['8Ki', '8Ki'],
    ['7Mi', '7Mi'],
    ['6Gi', '6Gi'],
    ['5Ti', '5Ti'],
    ['4Pi', '4Pi'],
    ['3Ei', '3Ei'],
    ['1024Mi', '1Gi'],
    ['2048Ki', '2Mi'],
    ['1025Ki', '1025Ki'],
    ['1.5Gi', '1536Mi'],
    ['0.5Mi', '512Ki'],
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['100.035Ki', '102435840m'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['0.000000000001Ki', '2n'],
    ['9Ei', '9223372036854775807'],
    ['9223372036854775807Ki', '9223372036854775807'],
    // rounding up to nano precision
    ['3.001n', '4n'],
    ['1.1E-9', '2e-9'],
    ['0.0000000001', '1n'],
    ['0.0000000005', '1n'],
    ['0.9n', '1n'],
    ['0.00000012345', '124n'],
    ['0.00000012354', '124n'],
    ['0.5e-9', '1e-9'],
    ['1e-20', '1e-9'],
    // text kept verbatim when upstream's fast path keeps it
    ['+1', '+1'],
    ['01', '01'],
    ['+1Ki', '+1Ki'],
    ['-1', '-1'],
    ['-1Ki', '-1Ki'],
    // negatives
    ['-0.5', '-500m'],
    ['-1024Mi', '-1Gi'],
    ['-1000', '-1k'],
    ['-3.001n', '-4n'],
    ['-.000000000001Ki', '-2n'],
    ['-9Ei', '-9223372036854775807'],
    // upstream has no decimal suffix past E and prints the mantissa alone
    ['1000E', '1'],
  ];
  it.each(table)('%s -> %s', (input, expected) => {
    expect(Quantity.parse(input).toString()).toBe(expected);
    expect(canonicalQuantity(input)).toBe(expected);
  });
});

describe('Quantity.parse: formats', () => {
  it.each([
    ['1', 'DecimalSI'],
    ['1k', 'DecimalSI'],
    ['1Ki', 'BinarySI'],
    ['1e3', 'DecimalExponent'],
    ['0.5Mi', 'BinarySI'],
    ['0.000000000001Ki', 'DecimalSI'],
    ['0.5e0', 'DecimalExponent'],
  ])('%s is %s', (input, format) => {
    expect(Quantity.parse(input).format).toBe(format);
  });
});

describe('Quantity.parse: errors', () => {
  const formatError = [
    '',
    '1.1.M',
    '1+1.0M',
    'aoeu',
    ' 1',
    '1 ',
    '1Qi',
    '1e3M',
    'Non-Numeric',
    '0.1am',
    '1,000',
  ];
  it.each(formatError)('%j: format error', (input) => {
    expect(() => Quantity.parse(input)).toThrow(QuantityError);
    expect(() => Quantity.parse(input)).toThrow(quantityFormatErrorMessage);
  });
  const suffixError = ['0.1mi', '.5i', '1i', '-3.01i', '-3.01e-', '1K', '1kk', '1e', '--1'];
  it.each(suffixError)('%j: suffix error', (input) => {
    expect(() => Quantity.parse(input)).toThrow(quantitySuffixErrorMessage);
  });
  it('quotes the upstream regular expression in the format error', () => {
    expect(quantityFormatErrorMessage).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
  it('tryParse returns the error', () => {
    expect(Quantity.tryParse('x')).toBeInstanceOf(QuantityError);
    expect(Quantity.tryParse('1')).toBeInstanceOf(Quantity);
  });
});

describe('Quantity.fromJSON', () => {
  it.each([
    [' 1', '1'],
    ['1 ', '1'],
    ['\t2Gi\n', '2Gi'],
    [1, '1'],
    [10, '10'],
    [-1, '-1'],
    [0.5, '500m'],
    [1024, '1024'],
    [1e21, '1e21'],
    [2.5e-7, '250e-9'],
  ])('%j -> %s', (input, expected) => {
    expect(Quantity.fromJSON(input).toString()).toBe(expected);
  });
  it('rejects non-finite numbers', () => {
    expect(() => Quantity.fromJSON(Infinity)).toThrow(QuantityError);
  });
});

describe('Quantity.cmp', () => {
  it.each([
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1Gi', '1024Mi', 0],
    ['1k', '1000', 0],
    ['1', '1000m', 0],
    ['-1', '1', -1],
    ['-2', '-1', -1],
    ['1e100', '1E', 1],
    ['1n', '0', 1],
    ['-1n', '0', -1],
    ['999m', '1', -1],
    ['1001m', '1', 1],
  ])('%s vs %s = %d', (a, b, expected) => {
    expect(Quantity.parse(a).cmp(Quantity.parse(b))).toBe(expected);
    expect(Quantity.parse(b).cmp(Quantity.parse(a))).toBe(-expected || 0);
  });
  it('equal compares values, not text', () => {
    expect(Quantity.parse('1Gi').equal(Quantity.parse('1073741824'))).toBe(true);
  });
});

describe('Quantity values', () => {
  it.each([
    ['1', 1n, 1000n],
    ['100m', 1n, 100n],
    ['1.5', 2n, 1500n],
    ['1Gi', 1073741824n, 1073741824000n],
    ['1.0001m', 1n, 2n],
    ['-1.5', -2n, -1500n],
    ['0', 0n, 0n],
    ['1n', 1n, 1n],
    ['9Ei', 9223372036854775807n, 9223372036854775807000n],
    ['1e21', 10n ** 21n, 10n ** 24n],
  ])('%s: value %s, milliValue %s', (input, value, milli) => {
    const q = Quantity.parse(input);
    expect(q.value()).toBe(value);
    expect(q.milliValue()).toBe(milli);
  });
  it('scaledValue rounds up in magnitude', () => {
    expect(Quantity.parse('1.1k').scaledValue(3)).toBe(2n);
    expect(Quantity.parse('-1.1k').scaledValue(3)).toBe(-2n);
    expect(Quantity.parse('1n').scaledValue(0)).toBe(1n);
    expect(Quantity.parse('1k').scaledValue(-9)).toBe(1000000000000n);
  });
  it('asApproximateFloat64', () => {
    expect(Quantity.parse('1.5Gi').asApproximateFloat64()).toBe(1610612736);
    expect(Quantity.parse('100m').asApproximateFloat64()).toBe(0.1);
  });
  it('roundUp', () => {
    const r1 = Quantity.parse('1.1').roundUp(0);
    expect(r1.exact).toBe(false);
    expect(r1.quantity.toString()).toBe('2');
    const r = Quantity.parse('1500m').roundUp(-3);
    expect(r.exact).toBe(true);
    expect(r.quantity.toString()).toBe('1500m');
    const r2 = Quantity.parse('1234567n').roundUp(-3);
    expect(r2.exact).toBe(false);
    expect(r2.quantity.toString()).toBe('2m');
  });
});

describe('Quantity arithmetic', () => {
  it.each([
    ['1', '1', '2'],
    ['100m', '900m', '1'],
    ['1Gi', '1Gi', '2Gi'],
    ['1Gi', '512Mi', '1536Mi'],
    ['1', '-1', '0'],
    ['0', '1Gi', '1Gi'],
    ['100m', '0', '100m'],
    ['1Gi', '0', '1Gi'],
    ['1k', '1Ki', '2024'],
  ])('%s + %s = %s', (a, b, sum) => {
    expect(Quantity.parse(a).add(Quantity.parse(b)).toString()).toBe(sum);
  });
  it.each([
    ['2', '1', '1'],
    ['1', '100m', '900m'],
    ['1Gi', '512Mi', '512Mi'],
    ['0', '100m', '-100m'],
    ['0', '1Gi', '-1Gi'],
    ['100m', '0', '100m'],
  ])('%s - %s = %s', (a, b, diff) => {
    expect(Quantity.parse(a).sub(Quantity.parse(b)).toString()).toBe(diff);
  });
  it('neg', () => {
    expect(Quantity.parse('9010m').neg().toString()).toBe('-9010m');
    expect(Quantity.parse('1Gi').neg().toString()).toBe('-1Gi');
  });
  it('does not mutate its operands', () => {
    const a = Quantity.parse('1');
    a.add(Quantity.parse('1'));
    expect(a.toString()).toBe('1');
  });
});

describe('Quantity constructors', () => {
  it.each([
    [Quantity.fromMilli(1, 'DecimalSI'), '1m'],
    [Quantity.fromMilli(1000, 'DecimalSI'), '1'],
    [Quantity.fromMilli(1234000, 'DecimalSI'), '1234'],
    [Quantity.fromMilli(1024, 'BinarySI'), '1024m'],
    [Quantity.fromMilli(1000000, 'DecimalExponent'), '1e3'],
    [Quantity.fromMilli(1024 * 1024, 'BinarySI'), '1048576m'],
    [Quantity.fromInt(1, 'DecimalSI'), '1'],
    [Quantity.fromInt(1000, 'DecimalSI'), '1k'],
    [Quantity.fromInt(1234000, 'DecimalSI'), '1234k'],
    [Quantity.fromInt(1024, 'BinarySI'), '1Ki'],
    [Quantity.fromInt(1000000, 'DecimalExponent'), '1e6'],
    [Quantity.fromInt(1024 * 1024, 'BinarySI'), '1Mi'],
    [Quantity.fromInt(5, 'BinarySI'), '5'],
    [Quantity.fromInt(1025, 'BinarySI'), '1025'],
    [Quantity.fromScaled(1, -9), '1n'],
    [Quantity.fromScaled(108, -8), '1080n'],
    [Quantity.fromScaled(10800, -10), '1080n'],
    [Quantity.fromScaled(1234567, 6), '1234567M'],
    [Quantity.fromScaled(1, 12), '1T'],
  ])('%#: %s', (q, expected) => {
    expect(q.toString()).toBe(expected);
  });
  it('serialises as a JSON string', () => {
    expect(JSON.stringify({ cpu: Quantity.parse('0.5') })).toBe('{"cpu":"500m"}');
  });
});

describe('Quantity: hostile input', () => {
  it('parses a very long number without blowing up', () => {
    const long = '1' + '0'.repeat(200_000);
    const q = Quantity.parse(long);
    expect(q.exponent).toBe(200_000);
    // 1e200000 canonicalises to 100e199998, and upstream has no suffix for that exponent.
    expect(q.toString()).toBe('100');
    const tiny = '0.' + '0'.repeat(200_000) + '1';
    expect(Quantity.parse(tiny).toString()).toBe('1n');
  });
  it('handles huge exponents without expanding them', () => {
    expect(Quantity.parse('1e999999999').cmp(Quantity.parse('1'))).toBe(1);
    expect(Quantity.parse('1e-999999999').toString()).toBe('1e-9');
  });
  it('refuses arithmetic that would expand an absurd exponent', () => {
    expect(() => Quantity.parse('1e999999999').add(Quantity.parse('1'))).toThrow(QuantityError);
  });
});
