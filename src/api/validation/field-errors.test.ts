import { describe, it, expect } from 'vitest';
import {
  Path,
  duplicate,
  errorBody,
  fieldErrorCauses,
  forbidden,
  formatFieldError,
  formatFieldErrors,
  internalError,
  invalid,
  invalidMessage,
  notFound,
  notSupported,
  omitValue,
  qualifiedKind,
  renderBadValue,
  required,
  tooLong,
  tooMany,
  typeInvalid,
  type FieldError,
} from './field-errors.ts';
import { GoLiteral, goStringSlice } from './go-format.ts';

describe('Path', () => {
  it.each([
    [Path.root('metadata'), 'metadata'],
    [Path.root('metadata').child('name'), 'metadata.name'],
    [Path.root('spec', 'template', 'spec'), 'spec.template.spec'],
    [
      Path.root('spec').child('containers').index(0).child('ports').index(2),
      'spec.containers[0].ports[2]',
    ],
    [Path.root('metadata').child('labels').key('app'), 'metadata.labels[app]'],
    [Path.root('spec').child('a', 'b'), 'spec.a.b'],
    [Path.root(''), ''],
    [Path.root('').child('x'), 'x'],
  ])('%s', (p, text) => {
    expect(p.toString()).toBe(text);
  });
});

describe('errorBody and formatFieldError', () => {
  const table: [FieldError, string][] = [
    [required('spec.containers', ''), 'spec.containers: Required value'],
    [
      required('metadata.name', 'name or generateName is required'),
      'metadata.name: Required value: name or generateName is required',
    ],
    [invalid('metadata.name', 'Web', 'bad'), 'metadata.name: Invalid value: "Web": bad'],
    [
      invalid('spec.replicas', -1, 'must be greater than or equal to 0'),
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ],
    [invalid('x', 1.5, 'd'), 'x: Invalid value: 1.5: d'],
    [invalid('x', 0.00001, 'd'), 'x: Invalid value: 1e-05: d'],
    [invalid('x', true, 'd'), 'x: Invalid value: true: d'],
    [invalid('x', null, 'd'), 'x: Invalid value: null: d'],
    [invalid('x', undefined, 'd'), 'x: Invalid value: null: d'],
    [invalid('x', ['a', 'b'], 'd'), 'x: Invalid value: []string{"a", "b"}: d'],
    [invalid('x', [], 'd'), 'x: Invalid value: []string{}: d'],
    [invalid('x', new GoLiteral('1Gi'), 'd'), 'x: Invalid value: 1Gi: d'],
    [invalid('x', 'tab\there', ''), 'x: Invalid value: "tab\\there"'],
    [invalid('x', 'é\u0000"\\', 'd'), 'x: Invalid value: "é\\x00\\"\\\\": d'],
    [typeInvalid('x', 'a', 'must be an int'), 'x: Invalid value: "a": must be an int'],
    [
      notSupported('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']),
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ],
    [notSupported('x', 'a', []), 'x: Unsupported value: "a"'],
    [
      duplicate('spec.containers[1].name', 'web'),
      'spec.containers[1].name: Duplicate value: "web"',
    ],
    [
      forbidden('metadata.namespace', 'not allowed on this type'),
      'metadata.namespace: Forbidden: not allowed on this type',
    ],
    [
      tooLong('metadata.annotations', 262144),
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ],
    [tooLong('x', -1), 'x: Too long: value is too long'],
    [tooMany('spec.x', 12, 10), 'spec.x: Too many: 12: must have at most 10 items'],
    [tooMany('spec.x', -1, 10), 'spec.x: Too many: must have at most 10 items'],
    [tooMany('spec.x', 3, -1), 'spec.x: Too many: 3: has too many items'],
    [notFound('spec.x', 'claim'), 'spec.x: Not found: "claim"'],
    [internalError('spec.x', new Error('boom')), 'spec.x: Internal error: boom'],
    [
      { type: 'FieldValueInvalid', field: 'x', badValue: omitValue, detail: 'd' },
      'x: Invalid value: d',
    ],
    [invalid('', 'v', 'd'), ': Invalid value: "v": d'],
  ];
  it.each(table)('%#', (err, text) => {
    expect(formatFieldError(err)).toBe(text);
    expect(errorBody(err)).toBe(text.slice(err.field.length + 2));
  });
});

describe('renderBadValue', () => {
  it.each([
    ['abc', '"abc"'],
    ['', '""'],
    ['日本', '"日本"'],
    ['\u00a0', '"\\u00a0"'],
    ['\u200b', '"\\u200b"'],
    ['\x7f', '"\\x7f"'],
    ['\n\r\t\v\f\b\x07', '"\\n\\r\\t\\v\\f\\b\\a"'],
    ['😀', '"😀"'],
    [5, '5'],
    [-3, '-3'],
    [1e6, '1000000'],
    [2.5, '2.5'],
    [1234567.5, '1.2345675e+06'],
    [false, 'false'],
    [12n, '12'],
    [goStringSlice(null), '[]string(nil)'],
  ])('%# -> %s', (v, text) => {
    expect(renderBadValue(v)).toBe(text);
  });
});

describe('formatFieldErrors', () => {
  it('shows one error alone', () => {
    expect(formatFieldErrors([required('a', '')])).toBe('a: Required value');
  });
  it('brackets several and drops exact duplicates', () => {
    expect(formatFieldErrors([required('a', ''), invalid('b', 'x', 'd'), required('a', '')])).toBe(
      '[a: Required value, b: Invalid value: "x": d]',
    );
  });
  it('is empty for no errors', () => {
    expect(formatFieldErrors([])).toBe('');
  });
  it('does not bracket two identical errors', () => {
    expect(formatFieldErrors([required('a', ''), required('a', '')])).toBe('a: Required value');
  });
});

describe('invalidMessage and causes', () => {
  it('builds the 422 message upstream builds', () => {
    expect(
      invalidMessage({ group: '', kind: 'Pod' }, 'web', [required('spec.containers[0].image', '')]),
    ).toBe('Pod "web" is invalid: spec.containers[0].image: Required value');
    expect(
      invalidMessage({ group: 'apps', kind: 'Deployment' }, 'd', [
        required('a', ''),
        forbidden('b', 'no'),
      ]),
    ).toBe('Deployment.apps "d" is invalid: [a: Required value, b: Forbidden: no]');
    expect(invalidMessage({ group: '', kind: 'Pod' }, 'x', [])).toBe('Pod "x" is invalid');
  });
  it('qualifies kinds with their group', () => {
    expect(qualifiedKind({ group: '', kind: 'Pod' })).toBe('Pod');
    expect(qualifiedKind({ group: 'batch', kind: 'Job' })).toBe('Job.batch');
  });
  it('lists causes without the field in the message', () => {
    expect(fieldErrorCauses([invalid('metadata.name', 'A', 'bad')])).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "A": bad', field: 'metadata.name' },
    ]);
  });
});
