import { describe, expect, it } from 'vitest';
import type { ConfigMap, Container, Pod, Secret } from '../api/index.ts';
import { containerResourceValue, makeEnvironmentVariables, podFieldValue } from './env.ts';

const pod: Pod = {
  metadata: {
    name: 'web',
    namespace: 'prod',
    uid: 'uid-9',
    labels: { app: 'web', tier: 'front' },
    annotations: { 'example.com/x': 'y' },
  },
  spec: { nodeName: 'node1', serviceAccountName: 'sa', containers: [{ name: 'app' }] },
};

describe('podFieldValue', () => {
  const cases: [string, string][] = [
    ['metadata.name', 'web'],
    ['metadata.namespace', 'prod'],
    ['metadata.uid', 'uid-9'],
    ["metadata.labels['app']", 'web'],
    ["metadata.labels['missing']", ''],
    ["metadata.annotations['example.com/x']", 'y'],
    ['metadata.labels', 'app="web"\ntier="front"'],
    ['spec.nodeName', 'node1'],
    ['spec.serviceAccountName', 'sa'],
    ['status.hostIP', '192.168.1.2'],
    ['status.hostIPs', '192.168.1.2,fd00::2'],
    ['status.podIP', '10.244.0.7'],
    ['status.podIPs', '10.244.0.7,fd10::7'],
  ];
  it.each(cases)('%s → %j', (path, want) => {
    expect(podFieldValue(path, pod, ['10.244.0.7', 'fd10::7'], ['192.168.1.2', 'fd00::2'])).toBe(
      want,
    );
  });
  it('refuses other paths', () => {
    expect(() => podFieldValue('spec.hostname', pod, [], [])).toThrow(
      'unsupported fieldPath: spec.hostname',
    );
  });
});

describe('containerResourceValue', () => {
  const c: Container = {
    name: 'app',
    resources: {
      requests: { cpu: '250m', memory: '64Mi' },
      limits: { cpu: '1500m', memory: '128Mi' },
    },
  };
  const alloc = { cpu: '2', memory: '4Gi', 'ephemeral-storage': '10Gi' };
  const cases: [string, string | undefined, Container, string][] = [
    ['limits.cpu', undefined, c, '2'],
    ['limits.cpu', '1m', c, '1500'],
    ['requests.cpu', undefined, c, '1'],
    ['requests.cpu', '1m', c, '250'],
    ['limits.memory', undefined, c, String(128 * 1024 * 1024)],
    ['limits.memory', '1Mi', c, '128'],
    ['requests.memory', '1Mi', c, '64'],
    ['limits.cpu', undefined, { name: 'x' }, '2'],
    ['limits.memory', '1Gi', { name: 'x' }, '4'],
    ['limits.ephemeral-storage', '1Gi', { name: 'x' }, '10'],
    ['requests.cpu', undefined, { name: 'x' }, '0'],
  ];
  it.each(cases)('%s / %s', (res, divisor, container, want) => {
    expect(containerResourceValue(res, divisor, container, alloc)).toBe(want);
  });
  it('refuses unknown resources', () => {
    expect(() => containerResourceValue('limits.gpu', undefined, c, alloc)).toThrow(
      'unsupported container resource : limits.gpu',
    );
  });
});

describe('makeEnvironmentVariables', () => {
  const cm: ConfigMap = {
    metadata: { name: 'cfg' },
    data: { LEVEL: 'debug', 'bad=key': 'x', '1st.key-name': 'one', URL: 'http://a' },
  };
  const secret: Secret = {
    metadata: { name: 'sec' },
    data: { PASSWORD: Buffer.from('hunter2').toString('base64') },
  };
  const sources = {
    getConfigMap: (_ns: string, name: string) => Promise.resolve(name === 'cfg' ? cm : undefined),
    getSecret: (_ns: string, name: string) => Promise.resolve(name === 'sec' ? secret : undefined),
  };
  const run = (container: Container, skipped: string[] = []) =>
    makeEnvironmentVariables({
      pod,
      container,
      podIPs: ['10.244.0.7'],
      hostIPs: ['192.168.1.2'],
      nodeAllocatable: { cpu: '2', memory: '4Gi' },
      sources,
      onSkippedKeys: (m) => skipped.push(m),
    });

  it('expands $(VAR) against variables defined before', async () => {
    const env = await run({
      name: 'app',
      env: [
        { name: 'A', value: 'a' },
        { name: 'B', value: '$(A)-$(C)' },
        { name: 'C', value: 'c' },
        { name: 'D', value: '$$(A)' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'E', value: 'in $(POD)' },
      ],
    });
    expect(env).toEqual([
      { name: 'A', value: 'a' },
      { name: 'B', value: 'a-$(C)' },
      { name: 'C', value: 'c' },
      { name: 'D', value: '$(A)' },
      { name: 'POD', value: 'web' },
      { name: 'E', value: 'in web' },
    ]);
  });

  // 1.32's relaxed names (RelaxedEnvironmentVariableValidation): a leading digit, dots and dashes
  // are fine; only '=' and non-printable characters are skipped (the API never lets them in).
  it('reads envFrom with a prefix, skipping invalid names, and env overrides it', async () => {
    const skipped: string[] = [];
    const env = await run(
      {
        name: 'app',
        envFrom: [
          { configMapRef: { name: 'cfg' }, prefix: 'CFG_' },
          { secretRef: { name: 'sec' } },
        ],
        env: [{ name: 'CFG_LEVEL', value: 'info' }],
      },
      skipped,
    );
    expect(env).toEqual([
      { name: 'CFG_LEVEL', value: 'info' },
      { name: 'CFG_1st.key-name', value: 'one' },
      { name: 'CFG_URL', value: 'http://a' },
      { name: 'PASSWORD', value: 'hunter2' },
    ]);
    expect(skipped).toEqual([
      'Keys [CFG_bad=key] from the EnvFrom configMap prod/cfg were skipped since they are considered invalid environment variable names.',
    ]);
  });

  it('reads ConfigMap and Secret keys', async () => {
    const env = await run({
      name: 'app',
      env: [
        { name: 'L', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
        { name: 'P', valueFrom: { secretKeyRef: { name: 'sec', key: 'PASSWORD' } } },
        { name: 'O', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ],
    });
    expect(env).toEqual([
      { name: 'L', value: 'debug' },
      { name: 'P', value: 'hunter2' },
      { name: 'CPU', value: '2' },
    ]);
  });

  it.each([
    [{ configMapKeyRef: { name: 'nope', key: 'x' } }, 'configmap "nope" not found'],
    [{ configMapKeyRef: { name: 'cfg', key: 'x' } }, "couldn't find key x in ConfigMap prod/cfg"],
    [{ secretKeyRef: { name: 'nope', key: 'x' } }, 'secret "nope" not found'],
    [{ secretKeyRef: { name: 'sec', key: 'x' } }, "couldn't find key x in Secret prod/sec"],
  ])('fails for a missing required source: %j', async (valueFrom, message) => {
    await expect(run({ name: 'app', env: [{ name: 'X', valueFrom }] })).rejects.toThrow(message);
  });
});
