import { describe, it, expect } from 'vitest';
import { Path } from '../validation/field-errors.ts';
import {
  LabelSelectorError,
  LabelsSelector,
  labelSelectorAsMap,
  labelSelectorAsSelector,
  labelsSelectorFromSet,
  newLabelRequirement,
  parseLabelSelector,
  validatedLabelsSelectorFromSet,
  type Labels,
} from './selector.ts';

const qnameMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector: round trip', () => {
  it.each([
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['', ''],
    ['x!=a,y=b', 'x!=a,y=b'],
    ['x=', 'x='],
    ['x= ', 'x='],
    ['x=,z= ', 'x=,z='],
    ['x= ,z= ', 'x=,z='],
    ['!x', '!x'],
    ['x>1', 'x>1'],
    ['x>1,z<5', 'x>1,z<5'],
    ['x==a', 'x==a'],
    ['z=c,x=a,y=b', 'x=a,y=b,z=c'],
    ['x in (b,a,a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,)', 'x in (,a)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['  app  ,  !canary ', 'app,!canary'],
    ['example.com/app=web', 'example.com/app=web'],
    ['x in (in,notin)', 'x in (in,notin)'],
    ['x=in', 'x=in'],
  ])('%j -> %j', (input, expected) => {
    expect(parseLabelSelector(input).toString()).toBe(expected);
  });
  it('is deterministic', () => {
    expect(parseLabelSelector('x=a,a=x').toString()).toBe(parseLabelSelector('a=x,x=a').toString());
  });
});

describe('parseLabelSelector: errors', () => {
  it.each([
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${valueMsg}`],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    [
      'x<a',
      "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    [
      'x>',
      "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    ['x=a,', "found '', expected: identifier after ','"],
    ['x=a,,y=b', "found ',', expected: identifier after ','"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x in (a,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['a\tb', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['x=a=b', "found '=', expected: ',' or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    [
      'Bad Key!',
      "unable to parse requirement: found 'Key', expected: in, notin, =, ==, !=, gt, lt",
    ],
    ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": ${qnameMsg}`],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${valueMsg}`],
    ['a in (ok,-b)', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${valueMsg}`],
    [
      'a=' + 'x'.repeat(64),
      `unable to parse requirement: values[0][a]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`,
    ],
    [
      'a/b/c',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    ['x>-1', `unable to parse requirement: values[0][x]: Invalid value: "-1": ${valueMsg}`],
    ['a=b\u0000c', "found 'c', expected: ',' or 'end of string'"],
  ])('%j', (input, message) => {
    let err: unknown;
    try {
      parseLabelSelector(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabelSelectorError);
    expect((err as Error).message).toBe(message);
  });
  it('puts key errors at the given path', () => {
    expect(() => parseLabelSelector('-a', { path: Path.root('labelSelector') })).toThrow(
      `unable to parse requirement: labelSelector: Invalid value: "-a": ${qnameMsg}`,
    );
    expect(() => parseLabelSelector('a=-b', { path: Path.root('labelSelector') })).toThrow(
      `unable to parse requirement: labelSelector.values[0][a]: Invalid value: "-b": ${valueMsg}`,
    );
  });
});

describe('matching', () => {
  const table: [selector: string, labels: Labels, match: boolean][] = [
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=z', {}, false],
    ['x!=z', {}, true],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x in (y,z)', { x: 'z' }, true],
    ['x in (y,z)', { x: 'w' }, false],
    ['x in (y,z)', {}, false],
    ['x notin (y,z)', { x: 'w' }, true],
    ['x notin (y,z)', {}, true],
    ['x notin (y,z)', { x: 'y' }, false],
    ['x', { x: '' }, true],
    ['x', {}, false],
    ['!x', {}, true],
    ['!x', { x: 'a' }, false],
    ['x>1', { x: '2' }, true],
    ['x>1', { x: '1' }, false],
    ['x>1', { x: 'a' }, false],
    ['x>1', {}, false],
    ['x<1', { x: '0' }, true],
    ['x<1', { x: '-5' }, true],
    ['x>9223372036854775806', { x: '9223372036854775807' }, true],
    ['x>1', { x: '9223372036854775808' }, false],
    ['x in ()', { x: '' }, true],
    ['app,!canary,tier in (web)', { app: 'a', tier: 'web' }, true],
  ];
  it.each(table)('%j on %j = %s', (selector, labels, match) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(match);
  });
  it('treats undefined labels as none', () => {
    expect(parseLabelSelector('!x').matches(undefined)).toBe(true);
    expect(parseLabelSelector('x').matches(undefined)).toBe(false);
  });
  it('ignores inherited properties', () => {
    expect(parseLabelSelector('toString').matches({})).toBe(false);
  });
});

describe('Everything and Nothing', () => {
  it('Everything matches all and is empty', () => {
    const s = LabelsSelector.everything();
    expect(s.matches({})).toBe(true);
    expect(s.matches(undefined)).toBe(true);
    expect(s.empty()).toBe(true);
    expect(s.toString()).toBe('');
  });
  it('Nothing matches none and is not empty', () => {
    const s = LabelsSelector.nothing();
    expect(s.matches({})).toBe(false);
    expect(s.empty()).toBe(false);
    expect(s.isNothing()).toBe(true);
    expect(s.toString()).toBe('');
    expect(s.add({ key: 'a', operator: 'exists', values: [] }).isNothing()).toBe(true);
  });
  it('an empty string parses to Everything', () => {
    expect(parseLabelSelector('').empty()).toBe(true);
  });
});

describe('requiresExactMatch', () => {
  it.each([
    ['x=y', 'x', 'y'],
    ['x==y', 'x', 'y'],
    ['x in (y)', 'x', 'y'],
    ['x in (y,z)', 'x', undefined],
    ['x!=y', 'x', undefined],
    ['x=y', 'z', undefined],
    ['a=b,x=y', 'x', 'y'],
  ])('%s requires %s', (sel, label, value) => {
    expect(parseLabelSelector(sel).requiresExactMatch(label)).toBe(value);
  });
});

describe('newLabelRequirement', () => {
  it.each([
    [
      'x1',
      'in' as const,
      [],
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      'x1',
      'in' as const,
      null,
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      'x5',
      '=' as const,
      ['bar', 'foo'],
      'values: Invalid value: []string{"bar", "foo"}: exact-match compatibility requires one single value',
    ],
    [
      'x8',
      'exists' as const,
      ['foo'],
      'values: Invalid value: []string{"foo"}: values set must be empty for exists and does not exist',
    ],
    [
      'x13',
      'gt' as const,
      [],
      "values: Invalid value: []string{}: for 'Gt', 'Lt' operators, exactly one value is required",
    ],
    [
      'x14',
      'gt' as const,
      ['bar'],
      "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    [
      'a'.repeat(254),
      'exists' as const,
      [],
      `key: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 characters`,
    ],
    [
      'bad',
      'gte' as never,
      ['1'],
      'operator: Unsupported value: "gte": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    ],
  ])('%s %s %j', (key, op, values, message) => {
    expect(() => newLabelRequirement(key, op, values)).toThrow(message);
  });
  it('aggregates several errors', () => {
    expect(() => newLabelRequirement('-k', 'in', [])).toThrow(
      /^\[key: Invalid value: "-k": .*, values: Invalid value: \[\]string\{\}: .*\]$/,
    );
  });
  it('accepts valid requirements', () => {
    expect(newLabelRequirement('x', 'in', ['a', 'b'])).toEqual({
      key: 'x',
      operator: 'in',
      values: ['a', 'b'],
    });
  });
});

describe('labelSelectorAsSelector', () => {
  it('null matches nothing, empty matches everything', () => {
    expect(labelSelectorAsSelector(null).isNothing()).toBe(true);
    expect(labelSelectorAsSelector(undefined).isNothing()).toBe(true);
    expect(labelSelectorAsSelector({}).empty()).toBe(true);
    expect(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).matches({})).toBe(
      true,
    );
  });
  it('converts matchLabels and matchExpressions', () => {
    const s = labelSelectorAsSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['fe', 'be'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'release', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(s.toString()).toBe('app=web,!canary,env notin (dev),release,tier in (be,fe)');
    expect(s.matches({ app: 'web', tier: 'fe', release: '1' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'fe', release: '1', canary: 'y' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'fe', release: '1', env: 'dev' })).toBe(false);
  });
  it('reports an unknown operator as upstream does', () => {
    expect(() =>
      labelSelectorAsSelector({
        matchExpressions: [{ key: 'a', operator: 'Gt' as never, values: ['1'] }],
      }),
    ).toThrow('"Gt" is not a valid label selector operator');
  });
  it('reports invalid values and empty In lists', () => {
    expect(() => labelSelectorAsSelector({ matchLabels: { a: '-x' } })).toThrow(
      `values[0][a]: Invalid value: "-x": ${valueMsg}`,
    );
    expect(() =>
      labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
    ).toThrow(
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
  });
});

describe('sets', () => {
  it('labelsSelectorFromSet', () => {
    expect(labelsSelectorFromSet({ b: '2', a: '1' }).toString()).toBe('a=1,b=2');
    expect(labelsSelectorFromSet(undefined).empty()).toBe(true);
    expect(labelsSelectorFromSet({ a: '1' }).matches({ a: '1', b: '2' })).toBe(true);
    expect(labelsSelectorFromSet({ '-bad': 'x' }).toString()).toBe('-bad=x');
  });
  it('validatedLabelsSelectorFromSet checks keys and values', () => {
    expect(() => validatedLabelsSelectorFromSet({ '-bad': 'x' })).toThrow(LabelSelectorError);
  });
  it('labelSelectorAsMap', () => {
    expect(labelSelectorAsMap(null)).toBeNull();
    expect(
      labelSelectorAsMap({
        matchLabels: { a: '1' },
        matchExpressions: [{ key: 'b', operator: 'In', values: ['2'] }],
      }),
    ).toEqual({ a: '1', b: '2' });
    expect(() =>
      labelSelectorAsMap({ matchExpressions: [{ key: 'b', operator: 'In', values: ['2', '3'] }] }),
    ).toThrow(
      'operator "In" without a single value cannot be converted into the old label selector format',
    );
    expect(() =>
      labelSelectorAsMap({ matchExpressions: [{ key: 'b', operator: 'Exists' }] }),
    ).toThrow('operator "Exists" cannot be converted into the old label selector format');
  });
});
