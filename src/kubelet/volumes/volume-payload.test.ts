import { describe, expect, it } from 'vitest';
import type { ConfigMap, Pod, Secret, Volume } from '../../api/index.ts';
import type { FileProjection } from './atomic-writer.ts';
import type { VolumeSourceProvider } from './types.ts';
import {
  configMapPayload,
  downwardAPIPayload,
  makeVolumePayload,
  secretPayload,
} from './volume-payload.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function show(m: Map<string, FileProjection>): Record<string, [string, string]> {
  return Object.fromEntries(
    [...m].map(([k, v]) => [k, [Buffer.from(v.data).toString('utf8'), v.mode.toString(8)]]),
  );
}

const cm: ConfigMap = {
  metadata: { name: 'cfg', namespace: 'default' },
  data: { 'app.properties': 'a=1', color: 'blue' },
  binaryData: { 'logo.bin': b64('\x00\x01bin') },
};

const secret: Secret = {
  metadata: { name: 's', namespace: 'default' },
  data: { password: b64('hunter2'), token: b64('t0k') },
};

const pod: Pod = {
  metadata: {
    name: 'web',
    namespace: 'prod',
    uid: 'uid-9',
    labels: { tier: 'front', app: 'web' },
    annotations: { note: 'say "hi"\nthere', 'b.io/x': 'y' },
  },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'busybox',
        resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      },
    ],
  },
};

describe('configMapPayload', () => {
  it('projects every data and binaryData key with defaultMode', () => {
    expect(show(configMapPayload(undefined, cm, 0o640, false))).toEqual({
      'app.properties': ['a=1', '640'],
      color: ['blue', '640'],
      'logo.bin': ['\x00\x01bin', '640'],
    });
  });

  it('projects items key → path with per-item modes, defaulting to 0644', () => {
    const m = configMapPayload(
      [
        { key: 'color', path: 'conf/color.txt', mode: 0o400 },
        { key: 'logo.bin', path: 'logo' },
      ],
      cm,
      undefined,
      false,
    );
    expect(show(m)).toEqual({ 'conf/color.txt': ['blue', '400'], logo: ['\x00\x01bin', '644'] });
  });

  it('fails on a missing key unless optional', () => {
    expect(() => configMapPayload([{ key: 'nope', path: 'x' }], cm, 0o644, false)).toThrow(
      'configmap references non-existent config key: nope',
    );
    expect(
      show(
        configMapPayload(
          [
            { key: 'nope', path: 'x' },
            { key: 'color', path: 'c' },
          ],
          cm,
          0o644,
          true,
        ),
      ),
    ).toEqual({ c: ['blue', '644'] });
  });
});

describe('secretPayload', () => {
  it('decodes data, all keys or items', () => {
    expect(show(secretPayload(undefined, secret, 0o400, false))).toEqual({
      password: ['hunter2', '400'],
      token: ['t0k', '400'],
    });
    expect(
      show(
        secretPayload([{ key: 'token', path: 'auth/token', mode: 0o440 }], secret, 0o400, false),
      ),
    ).toEqual({ 'auth/token': ['t0k', '440'] });
  });

  it('fails on a missing key unless optional', () => {
    expect(() => secretPayload([{ key: 'nope', path: 'x' }], secret, 0o644, false)).toThrow(
      'references non-existent secret key: nope',
    );
    expect(show(secretPayload([{ key: 'nope', path: 'x' }], secret, 0o644, true))).toEqual({});
  });
});

describe('downwardAPIPayload', () => {
  it('writes pod fields, labels and annotations as upstream formats them', () => {
    const m = downwardAPIPayload(
      [
        { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
        { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
        { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' }, mode: 0o400 },
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
      ],
      pod,
      0o644,
      {},
    );
    expect(show(m)).toEqual({
      name: ['web', '644'],
      ns: ['prod', '644'],
      uid: ['uid-9', '400'],
      labels: ['app="web"\ntier="front"', '644'],
      annotations: ['b.io/x="y"\nnote="say \\"hi\\"\\nthere"', '644'],
      tier: ['front', '644'],
    });
  });

  it('writes container resources with divisors, limits defaulting to node allocatable', () => {
    const m = downwardAPIPayload(
      [
        {
          path: 'cpu_req',
          resourceFieldRef: { containerName: 'app', resource: 'requests.cpu', divisor: '1m' },
        },
        {
          path: 'cpu_req_cores',
          resourceFieldRef: { containerName: 'app', resource: 'requests.cpu' },
        },
        {
          path: 'mem_limit',
          resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' },
        },
        { path: 'cpu_limit', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu' } },
      ],
      pod,
      0o644,
      { cpu: '2', memory: '4Gi' },
    );
    expect(show(m)).toEqual({
      cpu_req: ['250', '644'],
      cpu_req_cores: ['1', '644'],
      mem_limit: ['128', '644'],
      cpu_limit: ['2', '644'],
    });
  });

  it('reports every failing item in one message', () => {
    expect(() =>
      downwardAPIPayload(
        [
          { path: 'ip', fieldRef: { fieldPath: 'status.podIP' } },
          { path: 'r', resourceFieldRef: { containerName: 'ghost', resource: 'limits.cpu' } },
          { path: 'ok', fieldRef: { fieldPath: 'metadata.name' } },
        ],
        pod,
        0o644,
        {},
      ),
    ).toThrow('[unsupported fieldPath: status.podIP, container ghost not found]');
  });
});

describe('makeVolumePayload', () => {
  const sources: VolumeSourceProvider = {
    getConfigMap: (_ns, name) => Promise.resolve(name === 'cfg' ? cm : undefined),
    getSecret: (_ns, name) => Promise.resolve(name === 's' ? secret : undefined),
    nodeAllocatable: () => ({ cpu: '4' }),
  };
  const run = async (v: Omit<Volume, 'name'>) =>
    show(await makeVolumePayload({ name: 'v', ...v }, pod, sources));

  it('reads the objects of the pod namespace through the sources', async () => {
    const seen: string[] = [];
    await makeVolumePayload({ name: 'v', configMap: { name: 'cfg' } }, pod, {
      ...sources,
      getConfigMap: (ns, name) => {
        seen.push(`${ns}/${name}`);
        return Promise.resolve(cm);
      },
    });
    expect(seen).toEqual(['prod/cfg']);
  });

  it('fails with upstream messages for missing objects, and is empty when optional', async () => {
    await expect(run({ configMap: { name: 'missing' } })).rejects.toThrow(
      'configmap "missing" not found',
    );
    await expect(run({ secret: { secretName: 'missing' } })).rejects.toThrow(
      'secret "missing" not found',
    );
    expect(await run({ configMap: { name: 'missing', optional: true } })).toEqual({});
    expect(await run({ secret: { secretName: 'missing', optional: true } })).toEqual({});
  });

  it('merges projected sources in order with the volume defaultMode', async () => {
    expect(
      await run({
        projected: {
          defaultMode: 0o440,
          sources: [
            { configMap: { name: 'cfg', items: [{ key: 'color', path: 'shared' }] } },
            { secret: { name: 's', items: [{ key: 'token', path: 'shared' }] } },
            { secret: { name: 's', items: [{ key: 'password', path: 'pw', mode: 0o400 }] } },
            {
              downwardAPI: {
                items: [
                  { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
                  {
                    path: 'cpu',
                    resourceFieldRef: { containerName: 'app', resource: 'limits.cpu' },
                  },
                ],
              },
            },
            { configMap: { name: 'absent', optional: true } },
          ],
        },
      }),
    ).toEqual({
      shared: ['t0k', '440'],
      pw: ['hunter2', '400'],
      name: ['web', '440'],
      cpu: ['4', '440'],
    });
  });

  it('aggregates projected failures; service account tokens are refused clearly', async () => {
    await expect(
      run({
        projected: {
          sources: [{ configMap: { name: 'gone' } }, { serviceAccountToken: { path: 'token' } }],
        },
      }),
    ).rejects.toThrow(
      '[configmap "gone" not found, cannot project a service account token to token: this node cannot issue service account tokens yet]',
    );
  });

  it('propagates lookup errors other than not found', async () => {
    await expect(
      makeVolumePayload({ name: 'v', configMap: { name: 'cfg' } }, pod, {
        ...sources,
        getConfigMap: () => Promise.reject(new Error('failed to sync configmap cache')),
      }),
    ).rejects.toThrow('failed to sync configmap cache');
  });
});
