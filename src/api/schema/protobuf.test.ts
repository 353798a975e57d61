/**
 * The protobuf codec on hand-built messages: wire rules, Go's zero-value rules, inline embedded
 * structs, special types, unknown fields, errors with upstream's texts, and a round trip of a
 * fully populated object of every schema.
 *
 * Messages are built here with a few helpers of their own (not the codec's writer), with field
 * numbers as upstream's types.go gives them.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../index.ts';
import { decodeAgainstSchema } from './decode.ts';
import {
  ProtobufDecodeError,
  ProtobufEncodeError,
  decodeProtobufEnvelope,
  decodeProtobufObject,
  encodeProtobuf,
  encodeProtobufEnvelope,
  encodeProtobufObject,
  parseProtobufBody,
  protobufMagic,
} from './protobuf.ts';
import type { ObjectSchema, Schema } from './schema.ts';

// ---- message builders -------------------------------------------------------------------------

type Bytes = number[];

function varint(v: number | bigint): Bytes {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: Bytes = [];
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}
const key = (num: number, wire: number): Bytes => varint(num * 8 + wire);
/** A varint field. */
const vf = (num: number, v: number | bigint): Bytes => [...key(num, 0), ...varint(v)];
/** A length-delimited field of raw bytes. */
const bf = (num: number, bytes: Bytes): Bytes => [
  ...key(num, 2),
  ...varint(bytes.length),
  ...bytes,
];
/** A string field. */
const sf = (num: number, s: string): Bytes => bf(num, [...Buffer.from(s, 'utf8')]);
/** A message field made of other fields. */
const mf = (num: number, ...fields: Bytes[]): Bytes => bf(num, fields.flat());
/** A map entry of field `num`. */
const entry = (num: number, k: string, ...value: Bytes[]): Bytes => mf(num, sf(1, k), ...value);
const envelope = (apiVersion: string, kind: string, ...raw: Bytes[]): Uint8Array =>
  Uint8Array.from([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...mf(1, sf(1, apiVersion), sf(2, kind)),
    ...bf(2, raw.flat()),
    ...sf(3, ''),
    ...sf(4, ''),
  ]);
const raw = (...fields: Bytes[]): Uint8Array => Uint8Array.from(fields.flat());
/** ObjectMeta as Go writes it for a new object: every string field, generation 0, zero time. */
const goMeta = (name: string, ...more: Bytes[]): Bytes =>
  mf(
    1,
    sf(1, name),
    sf(2, ''),
    sf(3, ''),
    sf(4, ''),
    sf(5, ''),
    sf(6, ''),
    vf(7, 0),
    bf(8, []),
    ...more,
  );

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

/** What kubectl 1.32 sends for `kubectl create configmap c1 --from-literal=a=b --from-literal=n=1`. */
const kubectlConfigMap = hex(
  '6b3873000a0f0a0276311209436f6e6669674d617012240a120a02633112001a0022002a0032003800420012060a016112016212060a016e1201311a002200',
);

function decodeError(f: () => unknown): ProtobufDecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProtobufDecodeError) return e;
    throw e;
  }
  throw new Error('expected a ProtobufDecodeError');
}

// ---- decoding ---------------------------------------------------------------------------------

describe('parseProtobufBody', () => {
  it('decodes what kubectl sends into the object a JSON client sends', () => {
    const body = parseProtobufBody(kubectlConfigMap, api.configMapSchema);
    expect(body.value).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1' },
      data: { a: 'b', n: '1' },
    });
    expect(body.format).toBe('json');
    expect(body.duplicates).toEqual([]);
    expect(body.envelope).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      contentEncoding: '',
      contentType: '',
    });
    const decoded = decodeAgainstSchema(body.value, api.configMapSchema, {
      mode: 'Strict',
      kindForMessages: { kind: 'ConfigMap', version: 'v1' },
      source: body,
    });
    expect(decoded.errors).toEqual([]);
    expect(decoded.value).toEqual(body.value);
  });

  it('leaves apiVersion and kind out when the envelope has none', () => {
    const body = parseProtobufBody(envelope('', '', goMeta('x')), api.namespaceSchema);
    expect(body.value).toEqual({ metadata: { name: 'x' } });
  });

  it('decodes the envelope alone, raw being a view of the body', () => {
    const env = decodeProtobufEnvelope(kubectlConfigMap);
    expect(env.apiVersion).toBe('v1');
    expect(env.kind).toBe('ConfigMap');
    expect(env.raw.length).toBe(36);
    expect(decodeProtobufObject(env.raw, api.configMapSchema)).toEqual({
      metadata: { name: 'c1' },
      data: { a: 'b', n: '1' },
    });
  });
});

describe('zero values', () => {
  const deployment = (): Record<string, unknown> => {
    const container = mf(
      2,
      sf(1, 'c'),
      sf(2, 'nginx'),
      sf(5, ''), // workingDir: non-pointer, omitempty
      mf(6, sf(1, ''), vf(2, 0), vf(3, 0), sf(4, 'TCP'), sf(5, '')), // a port
      mf(8), // resources: a struct, kept as {}
      sf(13, '/dev/termination-log'),
      sf(14, ''),
      vf(16, 0), // stdin false
      vf(17, 0),
      vf(18, 0),
    );
    const podSpec = mf(
      2,
      container,
      sf(3, 'Always'),
      vf(4, 0), // terminationGracePeriodSeconds *int64 = 0
      sf(8, ''),
      vf(11, 0), // hostNetwork false
      vf(30, 0), // enableServiceLinks *bool = false
    );
    const spec = mf(
      2,
      vf(1, 0), // replicas *int32 = 0
      mf(2, entry(1, 'app', sf(2, 'd'))),
      mf(3, mf(1, sf(1, ''), vf(7, 0), bf(8, []), entry(11, 'app', sf(2, 'd'))), podSpec),
      mf(4, sf(1, '')), // strategy: {}
      vf(5, 0), // minReadySeconds int32 = 0
      vf(7, 0), // paused false
    );
    return parseProtobufBody(
      envelope('apps/v1', 'Deployment', goMeta('d'), spec, mf(3)),
      api.deploymentSchema,
    ).value;
  };

  it("drops zero non-pointer scalars as Go's omitempty does, and keeps pointer zeros", () => {
    expect(deployment()).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'nginx',
                // containerPort is required (no omitempty): its zero stays.
                ports: [{ containerPort: 0, protocol: 'TCP' }],
                resources: {},
                terminationMessagePath: '/dev/termination-log',
              },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 0,
            enableServiceLinks: false,
          },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('gives decodeAgainstSchema a body it accepts unchanged', () => {
    const value = deployment();
    const copy = structuredClone(value);
    const r = decodeAgainstSchema(value, api.deploymentSchema, {
      mode: 'Strict',
      kindForMessages: { kind: 'Deployment', version: 'v1' },
    });
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual(copy);
  });

  it('keeps zero optional fields that Go declares without omitempty', () => {
    // observedGeneration (omitempty), replicas (required), readyReplicas, availableReplicas (no omitempty)
    const status = mf(3, vf(1, 0), vf(2, 0), vf(3, 0), vf(11, 0));
    const v = parseProtobufBody(envelope('apps/v1', 'StatefulSet', status), api.statefulSetSchema);
    expect(v.value.status).toEqual({ replicas: 0, availableReplicas: 0 });
  });

  it('keeps a zero int-or-string, a zero quantity and an empty struct', () => {
    const port = mf(
      1,
      sf(1, ''),
      sf(2, 'TCP'),
      vf(3, 80),
      mf(4, vf(1, 0), vf(2, 0), sf(3, '')),
      vf(5, 0),
    );
    const svc = parseProtobufBody(envelope('v1', 'Service', mf(2, port)), api.serviceSchema).value;
    expect(svc.spec).toEqual({ ports: [{ protocol: 'TCP', port: 80, targetPort: 0 }] });

    const limits = mf(8, entry(1, 'cpu', mf(2)), entry(2, 'memory', mf(2, sf(1, '64Mi'))));
    const pod = parseProtobufBody(
      envelope('v1', 'Pod', mf(2, mf(2, sf(1, 'c'), limits))),
      api.podSchema,
    ).value;
    expect(pod.spec).toEqual({
      containers: [
        { name: 'c', resources: { limits: { cpu: '0' }, requests: { memory: '64Mi' } } },
      ],
    });
  });

  it('omits a zero time and keeps every other time, in whole seconds', () => {
    const meta = mf(
      1,
      sf(1, 'p'),
      bf(8, []), // creationTimestamp: the zero time
      mf(9, vf(1, 0), vf(2, 0)), // deletionTimestamp: the epoch
      entry(11, 'a', sf(2, '')), // a label with an empty value stays
    );
    const v = decodeProtobufObject(raw(meta), api.podSchema);
    expect(v).toEqual({
      metadata: { name: 'p', deletionTimestamp: '1970-01-01T00:00:00Z', labels: { a: '' } },
    });
    const t = decodeProtobufObject(
      raw(mf(1, mf(8, vf(1, 1700000000), vf(2, 999999999)))),
      api.podSchema,
    );
    expect(t).toEqual({ metadata: { creationTimestamp: '2023-11-14T22:13:20Z' } });
  });
});

describe('wire rules', () => {
  it('reads negative int32 and int64 as 10-byte varints', () => {
    const sc = mf(15, vf(4, -1), vf(8, -2147483648)); // runAsUser, runAsGroup (int64)
    const probe = mf(10, mf(1, mf(1, sf(1, 'true'))), vf(2, -5)); // initialDelaySeconds int32
    expect(varint(-1)).toHaveLength(10);
    const v = decodeProtobufObject(raw(mf(2, mf(2, sf(1, 'c'), sc, probe))), api.podSchema);
    expect(v.spec).toEqual({
      containers: [
        {
          name: 'c',
          securityContext: { runAsUser: -1, runAsGroup: -2147483648 },
          livenessProbe: { exec: { command: ['true'] }, initialDelaySeconds: -5 },
        },
      ],
    });
  });

  it('truncates int32 to its low 32 bits as Go does', () => {
    const v = decodeProtobufObject(raw(mf(2, vf(5, 2 ** 32 + 7))), api.deploymentSchema);
    expect(v.spec).toEqual({ minReadySeconds: 7 });
  });

  it('reads repeated scalars unpacked and packed', () => {
    const unpacked = mf(14, vf(4, 1), vf(4, 2), vf(4, 3));
    const packed = mf(14, bf(4, [...varint(4), ...varint(300), ...varint(-6)]));
    for (const [sc, want] of [
      [unpacked, [1, 2, 3]],
      [packed, [4, 300, -6]],
    ] as const) {
      const v = decodeProtobufObject(raw(mf(2, sc)), api.podSchema);
      expect(v.spec).toEqual({ securityContext: { supplementalGroups: want } });
    }
  });

  it('decodes []byte map values to base64 and missing map keys or values to zeros', () => {
    const secret = decodeProtobufObject(
      raw(
        entry(2, 'bin', bf(2, [0, 1, 2, 0xff])),
        entry(2, 'empty'),
        mf(2, bf(2, [0x68, 0x69])), // no key: ""
        sf(3, 'Opaque'),
        entry(4, 's', sf(2, 'plain')),
        vf(5, 0), // immutable *bool = false
      ),
      api.secretSchema,
    );
    expect(secret).toEqual({
      data: { bin: 'AAEC/w==', empty: '', '': 'aGk=' },
      type: 'Opaque',
      stringData: { s: 'plain' },
      immutable: false,
    });
  });

  it('stores a map key named __proto__ as a plain key', () => {
    const v = decodeProtobufObject(raw(entry(2, '__proto__', sf(2, 'x'))), api.configMapSchema);
    expect(Object.keys(v.data as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(v.data)).toBe(Object.prototype);
  });

  it('decodes int-or-strings, micro times, raw extensions and managed fields', () => {
    const strategy = mf(
      4,
      sf(1, 'RollingUpdate'),
      mf(2, mf(1, vf(1, 0), vf(2, 1), sf(3, '')), mf(2, vf(1, 1), vf(2, 0), sf(3, '25%'))),
    );
    expect(decodeProtobufObject(raw(mf(2, strategy)), api.deploymentSchema).spec).toEqual({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
    });

    const lease = decodeProtobufObject(
      raw(mf(2, sf(1, 'me'), vf(2, 15), mf(4, vf(1, 1700000000), vf(2, 123456789)))),
      api.leaseSchema,
    );
    expect(lease.spec).toEqual({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      renewTime: '2023-11-14T22:13:20.123456Z',
    });

    const rev = decodeProtobufObject(
      raw(
        mf(
          1,
          sf(1, 'r'),
          mf(
            17,
            sf(1, 'kubectl'),
            sf(2, 'Update'),
            sf(6, 'FieldsV1'),
            mf(7, sf(1, '{"f:data":{}}')),
          ),
        ),
        mf(2, sf(1, '{"spec":{"template":{"x":[1,2]}}}')),
        vf(3, 4),
      ),
      api.controllerRevisionSchema,
    );
    expect(rev).toEqual({
      metadata: {
        name: 'r',
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Update',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': {} },
          },
        ],
      },
      data: { spec: { template: { x: [1, 2] } } },
      revision: 4,
    });
  });

  it('reads inline embedded structs into their parent', () => {
    const volume = mf(1, sf(1, 'v'), mf(2, mf(1, sf(1, '/x'), sf(2, ''))));
    const env = mf(
      7,
      sf(1, 'E'),
      sf(2, ''),
      mf(3, mf(3, mf(1, sf(1, 'cm')), sf(2, 'k'), vf(3, 0))),
    );
    const dbg = mf(34, mf(1, sf(1, 'dbg'), sf(2, 'busybox'), vf(16, 1)), sf(2, 'app'));
    const v = decodeProtobufObject(raw(mf(2, volume, mf(2, sf(1, 'c'), env), dbg)), api.podSchema);
    expect(v.spec).toEqual({
      // HostPathVolumeSource.type is a *HostPathType: its "" is kept.
      volumes: [{ name: 'v', hostPath: { path: '/x', type: '' } }],
      containers: [
        {
          name: 'c',
          env: [
            {
              name: 'E',
              valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: false } },
            },
          ],
        },
      ],
      ephemeralContainers: [
        { name: 'dbg', image: 'busybox', stdin: true, targetContainerName: 'app' },
      ],
    });
  });

  it('merges a message field that occurs twice and appends repeated fields', () => {
    const v = decodeProtobufObject(
      raw(
        mf(1, sf(1, 'a'), sf(14, 'f1')),
        mf(1, sf(3, 'ns'), sf(14, 'f2')),
        entry(2, 'k', sf(2, 'v')),
      ),
      api.configMapSchema,
    );
    expect(v).toEqual({
      metadata: { name: 'a', namespace: 'ns', finalizers: ['f1', 'f2'] },
      data: { k: 'v' },
    });
  });

  it('lets a later zero occurrence of a scalar clear it, the last value winning', () => {
    const v = decodeProtobufObject(raw(mf(1, sf(1, 'a'), sf(1, ''))), api.configMapSchema);
    expect(v).toEqual({ metadata: {} });
  });

  it('skips unknown fields of every wire type, groups included', () => {
    const unknown = [
      ...vf(99, 5),
      ...key(98, 1),
      ...[1, 2, 3, 4, 5, 6, 7, 8],
      ...key(97, 5),
      ...[1, 2, 3, 4],
      ...sf(96, 'ignored'),
      ...key(95, 3),
      ...vf(1, 1),
      ...key(94, 3),
      ...key(94, 4),
      ...key(95, 4),
    ];
    const v = decodeProtobufObject(
      raw(unknown, mf(1, unknown, sf(1, 'a')), entry(2, 'k', unknown, sf(2, 'v'))),
      api.configMapSchema,
    );
    expect(v).toEqual({ metadata: { name: 'a' }, data: { k: 'v' } });
  });

  it('replaces invalid UTF-8 in strings with U+FFFD', () => {
    const v = decodeProtobufObject(raw(mf(1, bf(1, [0x61, 0xff, 0x62]))), api.configMapSchema);
    expect(v).toEqual({ metadata: { name: 'a\ufffdb' } });
    const long = decodeProtobufObject(
      raw(entry(2, 'k', sf(2, 'ünïcødé and more text'))),
      api.configMapSchema,
    );
    expect(long).toEqual({ data: { k: 'ünïcødé and more text' } });
  });

  it('records the exact text of int64 values beyond 2^53 for decodeAgainstSchema', () => {
    const body = parseProtobufBody(
      envelope('v1', 'ConfigMap', mf(1, sf(1, 'a'), vf(7, 9223372036854775807n))),
      api.configMapSchema,
    );
    const meta = body.value.metadata as Record<string, unknown>;
    expect(body.numberLiterals?.get(meta)?.get('generation')).toBe('9223372036854775807');
    const r = decodeAgainstSchema(body.value, api.configMapSchema, {
      mode: 'Strict',
      kindForMessages: { kind: 'ConfigMap', version: 'v1' },
      source: body,
    });
    expect(r.errors[0]?.message).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number 9223372036854775807 into Go struct field ObjectMeta.metadata.generation of type int64',
    );
  });
});

describe('errors', () => {
  const cm = api.configMapSchema;

  it('rejects a body that is not a protobuf envelope, as upstream words it', () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'empty data (<empty>)'],
      [
        Uint8Array.from(Buffer.from('{}')),
        'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({})',
      ],
      [protobufMagic, 'empty body (6b387300)'],
      [Uint8Array.from([...protobufMagic, 0x0a, 0x05, 0x0a]), 'unexpected EOF (6b3873000a050a)'],
      [
        Uint8Array.from([...protobufMagic, 0x10, 0x01]),
        'proto: wrong wireType = 0 for field Raw (6b3873001001)',
      ],
      [
        Uint8Array.from([...protobufMagic, 0x0a, 0x02, 0x08, 0x01]),
        'proto: wrong wireType = 0 for field APIVersion (6b3873000a020801)',
      ],
    ];
    for (const [body, tail] of cases) {
      const e = decodeError(() => parseProtobufBody(body, cm));
      expect(e.stage).toBe('envelope');
      expect(e.code).toBe(400);
      expect(e.reason).toBe('BadRequest');
      expect(e.message).toBe(
        `the object provided is unrecognized (must be of type ConfigMap): ${tail}`,
      );
    }
  });

  it('rejects a malformed object with gogo texts in the cannot-be-handled message', () => {
    const neg = [0x0a, ...varint(-1)];
    const cases: [Bytes, string][] = [
      [[0x0a, 0x05], 'unexpected EOF'],
      [[0x0a, 0x05, 0x0a, 0x01], 'unexpected EOF'],
      [[0x00], 'proto: ConfigMap: illegal tag 0 (wire type 0)'],
      [[0x02], 'proto: ConfigMap: illegal tag 0 (wire type 2)'],
      [[0x0c], 'proto: ConfigMap: wiretype end group for non-group'],
      [[0x20, ...Array<number>(10).fill(0xff), 0x01], 'proto: integer overflow'],
      [neg, 'proto: negative length found during unmarshaling'],
      [[...key(99, 6)], 'proto: illegal wireType 6'],
      [[...key(99, 1), 1, 2, 3], 'unexpected EOF'],
      [[...key(99, 4)], 'proto: ConfigMap: wiretype end group for non-group'],
      [[...key(99, 3)], 'unexpected EOF'],
      [[0x20, 0x01, ...key(4, 2), 0x00], 'proto: wrong wireType = 2 for field Immutable'],
      [mf(1, vf(1, 1)), 'proto: wrong wireType = 0 for field Name'],
      [mf(1, mf(8, sf(1, 'x'))), 'proto: wrong wireType = 2 for field Seconds'],
      [mf(1, mf(8, [0x00])), 'proto: Timestamp: illegal tag 0 (wire type 0)'],
      [mf(1, key(0, 1)), 'proto: ObjectMeta: illegal tag 0 (wire type 1)'],
    ];
    for (const [bytes, detail] of cases) {
      const e = decodeError(() => parseProtobufBody(envelope('v1', 'ConfigMap', bytes), cm));
      expect(e.stage, detail).toBe('object');
      expect(e.detail).toBe(detail);
      expect(e.message).toBe(
        `ConfigMap in version "v1" cannot be handled as a ConfigMap: ${detail}`,
      );
    }
  });

  it('names the kind from the envelope, defaulted from the endpoint', () => {
    const bad = [0x0a, 0x05];
    const named = decodeError(() => parseProtobufBody(envelope('apps/v1beta2', 'Thing', bad), cm));
    expect(named.message).toBe(
      'Thing in version "v1beta2" cannot be handled as a ConfigMap: unexpected EOF',
    );
    const unnamed = decodeError(() =>
      parseProtobufBody(envelope('', '', bad), api.deploymentSchema, {
        defaultKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      }),
    );
    expect(unnamed.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: unexpected EOF',
    );
  });

  it('rejects wrong wire types, bad raw JSON and impossible int-or-strings', () => {
    const cases: [ObjectSchema, Bytes, string][] = [
      [api.deploymentSchema, mf(2, bf(1, [])), 'proto: wrong wireType = 2 for field Replicas'],
      [api.deploymentSchema, mf(2, vf(3, 1)), 'proto: wrong wireType = 0 for field Template'],
      [
        api.podSchema,
        mf(2, mf(14, key(4, 1), [0, 0, 0, 0, 0, 0, 0, 0])),
        'proto: wrong wireType = 1 for field SupplementalGroups',
      ],
      [
        api.podSchema,
        mf(2, mf(1, sf(1, 'v'), vf(2, 1))),
        'proto: wrong wireType = 0 for field VolumeSource',
      ],
      [api.controllerRevisionSchema, mf(2, sf(1, '{"a":')), 'unexpected end of JSON input'],
      [
        api.controllerRevisionSchema,
        mf(2, bf(1, [...protobufMagic, 1])),
        'proto: RawExtension: an embedded protobuf object cannot be decoded here; send it as JSON',
      ],
      [api.serviceSchema, mf(2, mf(1, mf(4, vf(1, 2)))), 'impossible IntOrString.Type'],
      [
        api.podSchema,
        mf(1, mf(8, vf(1, 253402300800))),
        'proto: Timestamp: seconds 253402300800 outside of years 0000-9999',
      ],
      [api.configMapSchema, entry(2, 'k', vf(2, 1)), 'proto: wrong wireType = 0 for field Data'],
    ];
    for (const [schema, bytes, detail] of cases) {
      expect(() => decodeProtobufObject(raw(bytes), schema), detail).toThrow(
        new ProtobufDecodeError(detail, detail, 'object'),
      );
      expect(decodeError(() => decodeProtobufObject(raw(bytes), schema)).detail).toBe(detail);
    }
  });
});

// ---- encoding ---------------------------------------------------------------------------------

describe('encodeProtobuf', () => {
  it('writes the envelope client-go writes', () => {
    const env = decodeProtobufEnvelope(kubectlConfigMap);
    const again = encodeProtobufEnvelope({ apiVersion: 'v1', kind: 'ConfigMap' }, env.raw);
    expect(Buffer.from(again).toString('hex')).toBe(Buffer.from(kubectlConfigMap).toString('hex'));
  });

  it('writes fields in number order, maps sorted by key, negative numbers in 10 bytes', () => {
    const bytes = encodeProtobufObject(
      { data: { b: '2', a: '1' }, metadata: { name: 'c', generation: -1 }, immutable: true },
      api.configMapSchema,
    );
    expect([...bytes]).toEqual([
      ...mf(1, sf(1, 'c'), vf(7, -1)),
      ...entry(2, 'a', sf(2, '1')),
      ...entry(2, 'b', sf(2, '2')),
      ...vf(4, 1),
    ]);
  });

  it('writes long messages with multi-byte lengths', () => {
    const value = 'x'.repeat(70000);
    const obj = { metadata: { name: 'n', annotations: { big: value } } };
    const bytes = encodeProtobuf(obj, api.configMapSchema, { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(parseProtobufBody(bytes, api.configMapSchema).value).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      ...obj,
    });
  });

  it('refuses values of the wrong JSON type, naming the path', () => {
    const cases: [unknown, string][] = [
      [{ spec: { replicas: '3' } }, 'spec.replicas: expected integer, got string'],
      [{ spec: { replicas: 1.5 } }, 'spec.replicas: expected integer, got number'],
      [{ spec: { paused: 1 } }, 'spec.paused: expected boolean, got number'],
      [{ metadata: { labels: [] } }, 'metadata.labels: expected object, got array'],
      [{ metadata: { finalizers: 'x' } }, 'metadata.finalizers: expected array, got string'],
      [
        { metadata: { creationTimestamp: 'yesterday' } },
        'metadata.creationTimestamp: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
      ],
      [
        { spec: { template: { spec: { containers: [{ name: 1 }] } } } },
        'spec.template.spec.containers[0].name: expected string, got number',
      ],
      [
        { spec: { strategy: { rollingUpdate: { maxSurge: true } } } },
        'spec.strategy.rollingUpdate.maxSurge: expected integer or string, got boolean',
      ],
      [[], ': expected object, got array'],
    ];
    for (const [obj, message] of cases) {
      let thrown: unknown;
      try {
        encodeProtobufObject(obj, api.deploymentSchema);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ProtobufEncodeError);
      expect((thrown as Error).message).toBe(message);
    }
  });
});

// ---- every schema, fully populated --------------------------------------------------------------

/** A value for every field of `s`: nothing zero, so nothing is dropped on the way back. */
function sample(s: Schema, stack: ObjectSchema[]): unknown {
  switch (s.kind) {
    case 'string':
      if (s.format === 'byte') return 'AAEC/w==';
      return s.enum?.[0] ?? 'x';
    case 'integer':
      return s.format === 'int64' ? -4294967297 : 7;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'quantity':
      return '1536Mi';
    case 'int-or-string':
      return stack.length % 2 === 0 ? '25%' : 3;
    case 'time':
      return s.micro ? '2024-02-29T23:59:58.123456Z' : '2024-02-29T23:59:58Z';
    case 'any':
      return { a: [1, 'b', null, { c: true }] };
    case 'array':
      return [sample(s.items, stack), sample(s.items, stack)];
    case 'map':
      return { k1: sample(s.values, stack), 'k/2': sample(s.values, stack) };
    case 'object': {
      if (stack.includes(s) || stack.length > 12) return {};
      const out: Record<string, unknown> = {};
      for (const [name, f] of Object.entries(s.fields)) {
        if (f.proto === undefined) continue;
        out[name] = sample(f.schema, [...stack, s]);
      }
      return out;
    }
  }
}

const jsonOnly = new Set(['Table', 'TableRow', 'TableColumnDefinition']);
const isObjectSchema = (v: unknown): v is ObjectSchema =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'object';
const kinds: [string, ObjectSchema][] = [];
for (const [name, value] of Object.entries(api)) {
  if (!name.endsWith('Schema') || !isObjectSchema(value)) continue;
  if (!jsonOnly.has(value.name.split('.').pop() ?? '')) kinds.push([name, value]);
}

describe('round trip of a fully populated object of every exported schema', () => {
  it('covers the top-level kinds', () => {
    expect(kinds.length).toBeGreaterThan(150);
  });

  it.each(kinds)('%s', (_name, schema) => {
    const obj = sample(schema, []) as Record<string, unknown>;
    const gvk = schema.gvk?.[0];
    const typeMeta = gvk
      ? { apiVersion: gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, kind: gvk.kind }
      : { apiVersion: '', kind: '' };
    const body = encodeProtobuf(obj, schema, typeMeta);
    const back = parseProtobufBody(body, schema);
    const { apiVersion, kind } = schema.fields;
    const hasTypeMeta =
      apiVersion !== undefined && kind !== undefined && apiVersion.proto === undefined;
    const expected =
      gvk && hasTypeMeta ? { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...obj } : obj;
    expect(back.value).toEqual(expected);
    // The decoded object is a body decodeAgainstSchema accepts as it is.
    const copy = structuredClone(back.value);
    const r = decodeAgainstSchema(back.value, schema, {
      mode: 'Strict',
      kindForMessages: { kind: gvk?.kind ?? 'X', version: gvk?.version ?? 'v1' },
      source: back,
    });
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual(copy);
  });
});
