import { describe, it, expect } from 'vitest';
import { decodeFieldsV1, encodeFieldsV1, FieldSet, FieldsV1Error } from './field-set.ts';
import {
  comparePathElements,
  fieldElement,
  fieldPath,
  goJson,
  indexElement,
  keyElement,
  parsePathElement,
  renderPath,
  valueElement,
} from './path-element.ts';

describe('path elements', () => {
  it('serializes key elements with fields sorted by name and Go JSON values', () => {
    expect(
      keyElement([
        ['protocol', 'TCP'],
        ['containerPort', 80],
      ]),
    ).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    expect(keyElement([['name', 'a<b>&c']])).toBe('k:{"name":"a\\u003cb\\u003e\\u0026c"}');
    expect(valueElement('example.com/cleanup')).toBe('v:"example.com/cleanup"');
    expect(valueElement(8080)).toBe('v:8080');
    expect(indexElement(3)).toBe('i:3');
    expect(goJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
  });

  it('orders elements as upstream: fields, keys, values, indexes; numbers numerically', () => {
    const sorted = [
      indexElement(10),
      indexElement(9),
      valueElement('b'),
      valueElement(10),
      keyElement([['port', 9]]),
      keyElement([['port', 10]]),
      fieldElement('b'),
      fieldElement('a'),
    ].sort(comparePathElements);
    expect(sorted).toEqual([
      'f:a',
      'f:b',
      'k:{"port":9}',
      'k:{"port":10}',
      'v:10',
      'v:"b"',
      'i:9',
      'i:10',
    ]);
  });

  it('renders paths as upstream conflict messages do', () => {
    expect(renderPath(fieldPath('spec', 'replicas'))).toBe('.spec.replicas');
    expect(
      renderPath([
        ...fieldPath('spec', 'template', 'spec', 'containers'),
        keyElement([['name', 'app']]),
        'f:image',
      ]),
    ).toBe('.spec.template.spec.containers[name="app"].image');
    expect(
      renderPath([
        'f:ports',
        keyElement([
          ['containerPort', 80],
          ['protocol', 'TCP'],
        ]),
      ]),
    ).toBe('.ports[containerPort=80,protocol="TCP"]');
    expect(renderPath(['f:metadata', 'f:finalizers', valueElement('a/b')])).toBe(
      '.metadata.finalizers[="a/b"]',
    );
    expect(renderPath(['f:args', indexElement(2)])).toBe('.args[2]');
  });

  it('parses elements and rejects malformed ones', () => {
    expect(parsePathElement('k:{"b":1,"a":"x"}')).toEqual({
      type: 'key',
      fields: [
        ['a', 'x'],
        ['b', 1],
      ],
    });
    expect(() => parsePathElement('x')).toThrow();
    expect(() => parsePathElement('f-x')).toThrow(/missing colon/);
    expect(() => parsePathElement('k:[1]')).toThrow();
  });
});

describe('FieldSet', () => {
  const a = FieldSet.of(fieldPath('spec', 'replicas'), fieldPath('spec', 'paused'));
  const b = FieldSet.of(fieldPath('spec', 'replicas'), fieldPath('metadata', 'labels', 'app'));

  it('has, union, intersection, difference', () => {
    expect(a.has(fieldPath('spec', 'replicas'))).toBe(true);
    expect(a.has(fieldPath('spec'))).toBe(false);
    expect([...a.union(b).paths()].map(renderPath)).toEqual([
      '.metadata.labels.app',
      '.spec.paused',
      '.spec.replicas',
    ]);
    expect([...a.intersection(b).paths()].map(renderPath)).toEqual(['.spec.replicas']);
    expect([...a.difference(b).paths()].map(renderPath)).toEqual(['.spec.paused']);
    expect(a.difference(FieldSet.empty)).toBe(a);
    expect(a.union(FieldSet.empty)).toBe(a);
    expect(a.intersects(b)).toBe(true);
    expect(a.intersects(FieldSet.of(fieldPath('spec')))).toBe(false);
  });

  it('difference removes exact paths; recursiveDifference removes subtrees', () => {
    const s = FieldSet.of(
      fieldPath('status'),
      fieldPath('status', 'replicas'),
      fieldPath('spec', 'x'),
    );
    const status = FieldSet.of(fieldPath('status'));
    expect([...s.difference(status).paths()].map(renderPath)).toEqual([
      '.spec.x',
      '.status.replicas',
    ]);
    expect([...s.recursiveDifference(status).paths()].map(renderPath)).toEqual(['.spec.x']);
  });

  it('lists members before children at each level, as upstream iterates', () => {
    const s = FieldSet.of(
      fieldPath('spec', 'template', 'spec', 'containers'),
      fieldPath('spec', 'replicas'),
    );
    expect([...s.paths()].map(renderPath)).toEqual([
      '.spec.replicas',
      '.spec.template.spec.containers',
    ]);
  });
});

describe('FieldsV1', () => {
  it('encodes in upstream key order with "." first', () => {
    const container = keyElement([['name', 'nginx']]);
    const set = FieldSet.of(
      fieldPath('spec', 'template', 'spec', 'containers'),
      ['f:spec', 'f:template', 'f:spec', 'f:containers', container],
      ['f:spec', 'f:template', 'f:spec', 'f:containers', container, 'f:name'],
      ['f:spec', 'f:template', 'f:spec', 'f:containers', container, 'f:image'],
      fieldPath('metadata', 'labels'),
      fieldPath('metadata', 'labels', 'app'),
      fieldPath('spec', 'replicas'),
    );
    const json = encodeFieldsV1(set);
    expect(JSON.stringify(json)).toBe(
      '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{".":{},"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    );
    expect(decodeFieldsV1(json).equals(set)).toBe(true);
  });

  it('decodes a member written as {} and canonicalises keys', () => {
    const set = decodeFieldsV1({
      'f:spec': { 'f:ports': { 'k:{"protocol":"TCP","containerPort":80}': { '.': {} } } },
    });
    expect(
      set.has([
        'f:spec',
        'f:ports',
        keyElement([
          ['containerPort', 80],
          ['protocol', 'TCP'],
        ]),
      ]),
    ).toBe(true);
    expect(decodeFieldsV1({}).isEmpty()).toBe(true);
  });

  it('skips unknown element types and rejects malformed input', () => {
    expect(decodeFieldsV1({ 'x:whatever': {}, 'f:a': {} }).equals(FieldSet.of(['f:a']))).toBe(true);
    expect(() => decodeFieldsV1({ 'k:notjson': {} })).toThrow(FieldsV1Error);
    expect(() => decodeFieldsV1({ 'f:a': 1 })).toThrow(FieldsV1Error);
    expect(() => decodeFieldsV1([])).toThrow(FieldsV1Error);
  });
});
