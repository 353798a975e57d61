import { describe, it, expect } from 'vitest';
import {
  goIntOrStringText,
  goLabelSelectorText,
  goStringMapText,
  goTime,
  semanticEqual,
} from './validation-helpers.ts';

describe('Go renderings of bad values', () => {
  it('prints maps with sorted keys, and nil maps', () => {
    expect(goStringMapText({ tier: 'front', app: 'web' })).toBe(
      'map[string]string{"app":"web", "tier":"front"}',
    );
    expect(goStringMapText({})).toBe('map[string]string{}');
    expect(goStringMapText(undefined)).toBe('map[string]string(nil)');
    expect(goStringMapText({ 'a"b': 'x\ny' })).toBe('map[string]string{"a\\"b":"x\\ny"}');
  });

  it('prints label selectors as the metav1.LabelSelector struct', () => {
    expect(
      goLabelSelectorText({
        matchExpressions: [
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'gpu', operator: 'Exists' },
        ],
      }),
    ).toBe(
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"env", Operator:"NotIn", Values:[]string{"dev"}}, v1.LabelSelectorRequirement{Key:"gpu", Operator:"Exists", Values:[]string(nil)}}}',
    );
  });

  it('prints IntOrString values with their type tag', () => {
    expect(goIntOrStringText(3)).toBe('intstr.IntOrString{Type:0, IntVal:3, StrVal:""}');
    expect(goIntOrStringText('30%')).toBe('intstr.IntOrString{Type:1, IntVal:0, StrVal:"30%"}');
    expect(goIntOrStringText(undefined)).toBe('intstr.IntOrString{Type:0, IntVal:0, StrVal:""}');
  });

  it('prints times as time.Time.String()', () => {
    expect(goTime('2024-03-04T05:06:07Z').text).toBe('2024-03-04 05:06:07 +0000 UTC');
  });
});

describe('semanticEqual', () => {
  it.each([
    ['a missing and an empty map', { matchLabels: {} }, {}],
    ['a missing and an empty list', { matchExpressions: [] }, {}],
    ['a missing field and its zero value', { replicas: 0, paused: false, name: '' }, {}],
    [
      'quantities of equal value',
      { limits: { cpu: '1000m', memory: '1Gi' } },
      { limits: { cpu: '1', memory: '1024Mi' } },
    ],
    [
      'a size limit of equal value',
      { emptyDir: { sizeLimit: '1G' } },
      { emptyDir: { sizeLimit: '1000M' } },
    ],
  ])('treats %s as equal', (_name, a, b) => {
    expect(semanticEqual(a, b)).toBe(true);
    expect(semanticEqual(b, a)).toBe(true);
  });

  it.each([
    ['a map key with an empty value and no key', { matchLabels: { app: '' } }, { matchLabels: {} }],
    [
      'different strings that are equal quantities outside resource lists',
      { image: '1' },
      { image: '1.0' },
    ],
    ['lists in another order', { args: ['a', 'b'] }, { args: ['b', 'a'] }],
    ['different quantities', { requests: { cpu: '1' } }, { requests: { cpu: '2' } }],
    [
      'a quantity list with an extra resource',
      { requests: { cpu: '1' } },
      { requests: { cpu: '1', memory: '1Mi' } },
    ],
  ])('tells apart %s', (_name, a, b) => {
    expect(semanticEqual(a, b)).toBe(false);
    expect(semanticEqual(b, a)).toBe(false);
  });
});
