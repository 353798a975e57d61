import { describe, it, expect } from 'vitest';
import { formatFieldErrors } from '../../../validation/field-errors.ts';
import type { ConfigMap, Secret, ServiceAccount } from '../config.ts';
import { defaultSecret } from '../defaults.ts';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateSecret,
  validateSecretUpdate,
  validateServiceAccount,
  validateServiceAccountUpdate,
} from './config.ts';
import { CONFIG_KEY, SUBDOMAIN } from './testdata/messages.ts';

const msg = formatFieldErrors;
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function cm(mutate: (c: ConfigMap) => void = () => undefined): ConfigMap {
  const c: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'default', resourceVersion: '5' },
    data: { 'app.conf': 'x=1' },
  };
  mutate(c);
  return c;
}

const configMapCases: readonly (readonly [string, (c: ConfigMap) => void, string])[] = [
  [
    'upper-case name',
    (c) => (c.metadata = { ...c.metadata, name: 'Settings' }),
    `metadata.name: Invalid value: "Settings": ${SUBDOMAIN}`,
  ],
  [
    'key with a slash',
    (c) => (c.data = { 'a/b': 'x' }),
    `data[a/b]: Invalid value: "a/b": ${CONFIG_KEY}`,
  ],
  [
    'key with a space',
    (c) => (c.data = { 'a b': 'x' }),
    `data[a b]: Invalid value: "a b": ${CONFIG_KEY}`,
  ],
  ['empty key', (c) => (c.data = { '': 'x' }), `data[]: Invalid value: "": ${CONFIG_KEY}`],
  ['key .', (c) => (c.data = { '.': 'x' }), `data[.]: Invalid value: ".": must not be '.'`],
  ['key ..', (c) => (c.data = { '..': 'x' }), `data[..]: Invalid value: "..": must not be '..'`],
  [
    'key starting with ..',
    (c) => (c.data = { '..data': 'x' }),
    `data[..data]: Invalid value: "..data": must not start with '..'`,
  ],
  [
    'key longer than 253 characters',
    (c) => (c.data = { ['k'.repeat(254)]: 'x' }),
    `data[${'k'.repeat(254)}]: Invalid value: "${'k'.repeat(254)}": must be no more than 253 characters`,
  ],
  [
    'binary key with a colon',
    (c) => (c.binaryData = { 'a:b': b64('x') }),
    `binaryData[a:b]: Invalid value: "a:b": ${CONFIG_KEY}`,
  ],
  [
    'key in data and binaryData',
    (c) => (c.binaryData = { 'app.conf': b64('x') }),
    'data[app.conf]: Invalid value: "app.conf": duplicate of key present in binaryData',
  ],
  [
    'more than 1 MiB',
    (c) => (c.data = { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(500 * 1024) }),
    ': Too long: may not be more than 1048576 bytes',
  ],
  [
    'more than 1 MiB with binary data',
    (c) => {
      c.data = { a: 'x'.repeat(1024 * 1024 - 2) };
      c.binaryData = { b: b64('abc') };
    },
    ': Too long: may not be more than 1048576 bytes',
  ],
  ['exactly 1 MiB is fine', (c) => (c.data = { a: 'x'.repeat(1024 * 1024) }), ''],
  [
    'multi-byte characters count as bytes',
    (c) => (c.data = { a: 'é'.repeat(524289) }),
    ': Too long: may not be more than 1048576 bytes',
  ],
  [
    'finalizer without a domain',
    (c) => (c.metadata = { ...c.metadata, finalizers: ['cleanup'] }),
    'metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
  ],
];

describe('validateConfigMap', () => {
  it('accepts the base config map', () => {
    expect(msg(validateConfigMap(cm()))).toBe('');
  });

  it.each(configMapCases)('%s', (_name, mutate, expected) => {
    expect(msg(validateConfigMap(cm(mutate)))).toBe(expected);
  });
});

describe('validateConfigMapUpdate', () => {
  it('allows data changes while mutable', () => {
    expect(
      msg(
        validateConfigMapUpdate(
          cm((c) => (c.data = { a: 'b' })),
          cm(),
        ),
      ),
    ).toBe('');
  });

  it('allows making it immutable', () => {
    expect(
      msg(
        validateConfigMapUpdate(
          cm((c) => (c.immutable = true)),
          cm(),
        ),
      ),
    ).toBe('');
  });

  it('freezes data, binaryData and immutable once immutable', () => {
    const old = cm((c) => {
      c.immutable = true;
      c.binaryData = { bin: b64('1') };
    });
    const next = cm((c) => {
      c.immutable = false;
      c.data = { 'app.conf': 'x=2' };
    });
    expect(msg(validateConfigMapUpdate(next, old))).toBe(
      '[immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden: field is immutable when `immutable` is set, binaryData: Forbidden: field is immutable when `immutable` is set]',
    );
  });

  it('still allows metadata changes once immutable', () => {
    const old = cm((c) => (c.immutable = true));
    const next = cm((c) => {
      c.immutable = true;
      c.metadata = { ...c.metadata, labels: { a: 'b' } };
    });
    expect(msg(validateConfigMapUpdate(next, old))).toBe('');
  });

  it('keeps the namespace', () => {
    const next = cm((c) => (c.metadata = { ...c.metadata, namespace: 'other' }));
    expect(msg(validateConfigMapUpdate(next, cm()))).toBe(
      'metadata.namespace: Invalid value: "other": field is immutable',
    );
  });
});

function secret(mutate: (s: Secret) => void = () => undefined): Secret {
  const s: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds', namespace: 'default', resourceVersion: '7' },
    data: { password: b64('hunter2') },
  };
  mutate(s);
  defaultSecret(s);
  return s;
}

const dockerJSON = (text: string) => (s: Secret) => {
  s.type = 'kubernetes.io/dockerconfigjson';
  s.data = { '.dockerconfigjson': b64(text) };
};

const secretCases: readonly (readonly [string, (s: Secret) => void, string])[] = [
  [
    'upper-case name',
    (s) => (s.metadata = { ...s.metadata, name: 'Creds' }),
    `metadata.name: Invalid value: "Creds": ${SUBDOMAIN}`,
  ],
  [
    'bad data key',
    (s) => (s.data = { 'a b': b64('x') }),
    `data[a b]: Invalid value: "a b": ${CONFIG_KEY}`,
  ],
  [
    'bad stringData key (merged into data)',
    (s) => (s.stringData = { 'a/b': 'x' }),
    `data[a/b]: Invalid value: "a/b": ${CONFIG_KEY}`,
  ],
  [
    'more than 1 MiB',
    (s) => (s.data = { big: b64('x'.repeat(1024 * 1024 + 1)) }),
    'data: Too long: may not be more than 1048576 bytes',
  ],
  [
    'token secret without service account annotation',
    (s) => (s.type = 'kubernetes.io/service-account-token'),
    'metadata.annotations[kubernetes.io/service-account.name]: Required value',
  ],
  [
    'dockerconfigjson without its key',
    (s) => (s.type = 'kubernetes.io/dockerconfigjson'),
    'data[.dockerconfigjson]: Required value',
  ],
  [
    'dockerconfigjson that is not JSON',
    dockerJSON('not json'),
    "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'o' in literal null (expecting 'u')",
  ],
  [
    'dockerconfigjson that is cut short',
    dockerJSON('{"auths":'),
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input',
  ],
  [
    'dockerconfigjson that is an array',
    dockerJSON('[]'),
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}',
  ],
  [
    'dockerconfigjson with trailing garbage',
    dockerJSON('{} x'),
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'x\' after top-level value',
  ],
  [
    'dockerconfigjson cut short inside a literal (Go reports the space it feeds at the end)',
    dockerJSON('{"auths":tru'),
    "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character ' ' in literal true (expecting 'e')",
  ],
  [
    'dockerconfigjson with a byte that is not UTF-8 (checked as raw bytes, as Go does)',
    (s) => {
      s.type = 'kubernetes.io/dockerconfigjson';
      s.data = { '.dockerconfigjson': Buffer.from([0x7b, 0xff, 0x7d]).toString('base64') };
    },
    'data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'ÿ\' looking for beginning of object key string',
  ],
  [
    'dockercfg without its key',
    (s) => (s.type = 'kubernetes.io/dockercfg'),
    'data[.dockercfg]: Required value',
  ],
  [
    'basic-auth without username and password',
    (s) => {
      s.type = 'kubernetes.io/basic-auth';
      s.data = { token: b64('x') };
    },
    '[data[username]: Required value, data[password]: Required value]',
  ],
  ['basic-auth with only a password is fine', (s) => (s.type = 'kubernetes.io/basic-auth'), ''],
  [
    'ssh-auth without a key',
    (s) => (s.type = 'kubernetes.io/ssh-auth'),
    'data[ssh-privatekey]: Required value',
  ],
  [
    'ssh-auth with an empty key',
    (s) => {
      s.type = 'kubernetes.io/ssh-auth';
      s.data = { 'ssh-privatekey': '' };
    },
    'data[ssh-privatekey]: Required value',
  ],
  [
    'tls without key',
    (s) => {
      s.type = 'kubernetes.io/tls';
      s.data = { 'tls.crt': b64('cert') };
    },
    'data[tls.key]: Required value',
  ],
  [
    'tls without anything',
    (s) => {
      s.type = 'kubernetes.io/tls';
      s.data = {};
    },
    '[data[tls.crt]: Required value, data[tls.key]: Required value]',
  ],
  ['custom type is fine', (s) => (s.type = 'example.com/custom'), ''],
];

describe('validateSecret', () => {
  it('accepts the base secret and defaults its type', () => {
    const s = secret();
    expect(s.type).toBe('Opaque');
    expect(msg(validateSecret(s))).toBe('');
  });

  it.each(secretCases)('%s', (_name, mutate, expected) => {
    expect(msg(validateSecret(secret(mutate)))).toBe(expected);
  });
});

describe('validateSecretUpdate', () => {
  it('keeps the type', () => {
    const next = secret((s) => (s.type = 'kubernetes.io/basic-auth'));
    expect(msg(validateSecretUpdate(next, secret()))).toBe(
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    );
  });

  it('freezes data once immutable', () => {
    const old = secret((s) => (s.immutable = true));
    const next = secret((s) => {
      s.immutable = true;
      s.stringData = { password: 'changed' };
    });
    expect(msg(validateSecretUpdate(next, old))).toBe(
      'data: Forbidden: field is immutable when `immutable` is set',
    );
  });

  it('does not let immutable be cleared', () => {
    const old = secret((s) => (s.immutable = true));
    expect(msg(validateSecretUpdate(secret(), old))).toBe(
      'immutable: Forbidden: field is immutable when `immutable` is set',
    );
  });

  it('allows data changes while mutable', () => {
    const next = secret((s) => (s.data = { password: b64('other') }));
    expect(msg(validateSecretUpdate(next, secret()))).toBe('');
  });
});

describe('ServiceAccount', () => {
  const sa = (name: string): ServiceAccount => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: 'default', resourceVersion: '3' },
  });

  it('validates the name as a subdomain', () => {
    expect(msg(validateServiceAccount(sa('builder')))).toBe('');
    expect(msg(validateServiceAccount(sa('Builder')))).toBe(
      `metadata.name: Invalid value: "Builder": ${SUBDOMAIN}`,
    );
  });

  it('keeps the name on update', () => {
    expect(msg(validateServiceAccountUpdate(sa('other'), sa('builder')))).toBe(
      'metadata.name: Invalid value: "other": field is immutable',
    );
  });

  it('requires a namespace', () => {
    const noNs: ServiceAccount = { metadata: { name: 'builder' } };
    expect(msg(validateServiceAccount(noNs))).toBe('metadata.namespace: Required value');
  });
});
