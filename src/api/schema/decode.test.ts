import { describe, it, expect } from 'vitest';
import { typeAndObjectMeta } from '../meta/v1.ts';
import {
  any,
  array,
  boolean,
  field,
  int32,
  int64,
  intOrString,
  map,
  microTime,
  number,
  object,
  quantity,
  requiredField,
  string,
  time,
  type Schema,
} from './schema.ts';
import {
  DecodeError,
  base64ErrorOffset,
  cannotHandleMessage,
  decodeAgainstSchema,
  interpretTypeMeta,
  summarizeBody,
  unrecognizedObjectMessage,
  type DecodeOptions,
  type FieldValidationDirective,
} from './decode.ts';
import { goType, goTypeOf } from './go-types.ts';
import { parseJsonBody } from './json-body.ts';
import { parseYamlBody } from './yaml-body.ts';

// A slice of core/v1 and apps/v1, enough to exercise every schema kind.
const containerPort = object('io.k8s.api.core.v1.ContainerPort', 'A port.', {
  name: field(string(), 'Name.'),
  containerPort: requiredField(int32(), 'Port.'),
  protocol: field(goType('v1.Protocol', string()), 'Protocol.'),
});
const resources = object('io.k8s.api.core.v1.ResourceRequirements', 'Resources.', {
  limits: field(goType('v1.ResourceList', map(quantity())), 'Limits.'),
  requests: field(goType('v1.ResourceList', map(quantity())), 'Requests.'),
});
const probe = object('io.k8s.api.core.v1.HTTPGetAction', 'HTTP get.', {
  path: field(string(), 'Path.'),
  port: requiredField(intOrString(), 'Port.'),
});
const container = object('io.k8s.api.core.v1.Container', 'A container.', {
  name: requiredField(string(), 'Name.'),
  image: field(string(), 'Image.'),
  args: field(array(string()), 'Args.'),
  ports: field(array(containerPort), 'Ports.'),
  resources: field(resources, 'Resources.'),
  httpGet: field(probe, 'Probe.'),
  tty: field(boolean(), 'TTY.'),
});
const podSpec = object('io.k8s.api.core.v1.PodSpec', 'Pod spec.', {
  containers: requiredField(array(container), 'Containers.'),
  restartPolicy: field(
    goType('v1.RestartPolicy', string({ enum: ['Always', 'Never'] })),
    'Policy.',
  ),
  activeDeadlineSeconds: field(int64(), 'Deadline.'),
  nodeSelector: field(map(string()), 'Selector.'),
  weight: field(number(), 'A float.'),
  overhead: field(map(quantity()), 'Overhead.'),
  extra: field(any(), 'Raw.'),
  sizes: field(array(quantity()), 'Quantities in a list.'),
  lists: field(map(array(string())), 'Lists in a map.'),
  ports: field(map(containerPort), 'Structs in a map.'),
  startedAt: field(time(), 'A time.'),
  renewedAt: field(microTime(), 'A micro time.'),
  data: field(map(string({ format: 'byte' })), 'Bytes.'),
  open: field(
    object(
      'io.k8s.api.core.v1.Open',
      'Keeps what it is given.',
      { known: field(int32(), 'Known.') },
      {
        preserveUnknownFields: true,
      },
    ),
    'Open.',
  ),
});
const podSchema = object('io.k8s.api.core.v1.Pod', 'A pod.', {
  ...typeAndObjectMeta(),
  spec: field(podSpec, 'Spec.'),
});
const deploymentSpec = object('io.k8s.api.apps.v1.DeploymentSpec', 'Deployment spec.', {
  replicas: field(int32(), 'Replicas.'),
  paused: field(boolean(), 'Paused.'),
  template: field(
    object('io.k8s.api.core.v1.PodTemplateSpec', 'Template.', {
      metadata: typeAndObjectMeta().metadata,
      spec: field(podSpec, 'Spec.'),
    }),
    'Template.',
  ),
});
const deploymentSchema = object('io.k8s.api.apps.v1.Deployment', 'A deployment.', {
  ...typeAndObjectMeta(),
  spec: field(deploymentSpec, 'Spec.'),
});

const podKind = { kind: 'Pod', version: 'v1' };
const deployKind = { kind: 'Deployment', version: 'v1' };

function decodeJson(
  text: string,
  schema: Schema = podSchema,
  mode: FieldValidationDirective = 'Strict',
  kindForMessages = podKind,
): ReturnType<typeof decodeAgainstSchema> {
  const source = parseJsonBody(text);
  const opts: DecodeOptions = { mode, kindForMessages, source };
  return decodeAgainstSchema(source.value, schema, opts);
}

function errorOf(
  text: string,
  schema: Schema = podSchema,
  mode: FieldValidationDirective = 'Strict',
): string {
  const r = decodeJson(text, schema, mode, schema === deploymentSchema ? deployKind : podKind);
  expect(r.errors).toHaveLength(1);
  const err = r.errors[0]!;
  expect(err).toBeInstanceOf(DecodeError);
  expect(err.reason).toBe('BadRequest');
  expect(err.code).toBe(400);
  return err.message;
}

const prefix = 'Pod in version "v1" cannot be handled as a Pod: ';

describe('decodeAgainstSchema: clean values', () => {
  it('keeps a valid object, canonicalising quantities and times', () => {
    const r = decodeJson(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'web',
          labels: { app: 'web' },
          creationTimestamp: '2024-01-01T10:00:00+02:00',
        },
        spec: {
          containers: [
            {
              name: 'c',
              image: 'busybox',
              args: ['sh'],
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: { limits: { cpu: 0.5, memory: '1024Mi' }, requests: { cpu: ' 100m ' } },
              httpGet: { port: 'http' },
              tty: true,
            },
          ],
          weight: 1.5,
          startedAt: '2024-02-29T23:59:59.999Z',
          renewedAt: '2024-01-01T00:00:00.123456+01:00',
        },
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.unknownFields).toEqual([]);
    const pod = r.value as {
      metadata: { creationTimestamp: string };
      spec: {
        containers: {
          resources: { limits: Record<string, string>; requests: Record<string, string> };
        }[];
        startedAt: string;
        renewedAt: string;
      };
    };
    expect(pod.metadata.creationTimestamp).toBe('2024-01-01T08:00:00Z');
    expect(pod.spec.containers[0]!.resources.limits).toEqual({ cpu: '500m', memory: '1Gi' });
    expect(pod.spec.containers[0]!.resources.requests).toEqual({ cpu: '100m' });
    expect(pod.spec.startedAt).toBe('2024-02-29T23:59:59Z');
    expect(pod.spec.renewedAt).toBe('2023-12-31T23:00:00.123456Z');
  });
  it('keeps quantity text that upstream keeps', () => {
    const r = decodeJson('{"spec":{"overhead":{"a":"1e3","b":1e3,"c":"+1","d":1.0}}}');
    expect((r.value as { spec: { overhead: unknown } }).spec.overhead).toEqual({
      a: '1e3',
      b: '1e3',
      c: '+1',
      d: '1',
    });
  });
  it('returns the same object, modified in place', () => {
    const source = parseJsonBody('{"spec":{"foo":1}}');
    const r = decodeAgainstSchema(source.value, podSchema, {
      mode: 'Ignore',
      kindForMessages: podKind,
      source,
    });
    expect(r.value).toBe(source.value);
    expect(r.value).toEqual({ spec: {} });
  });
  it('accepts values that were not parsed from a body', () => {
    const r = decodeAgainstSchema(
      { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } },
      podSchema,
      {
        mode: 'Strict',
        kindForMessages: podKind,
      },
    );
    expect(r.errors).toEqual([]);
  });
  it('accepts a null body (the caller reports the missing kind)', () => {
    const r = decodeJson('null');
    expect(r.errors).toEqual([]);
    expect(r.value).toBeNull();
  });
});

describe('decodeAgainstSchema: null handling', () => {
  it('drops null fields, except in any', () => {
    const r = decodeJson(
      '{"metadata":null,"spec":{"restartPolicy":null,"containers":null,"extra":null}}',
    );
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual({ spec: { extra: null } });
  });
  it('turns null map values and list elements into zero values', () => {
    const r = decodeJson(
      '{"metadata":{"labels":{"a":null}},"spec":{"overhead":{"cpu":null},"containers":[null,{"name":"c","args":[null,"x"]}],"sizes":[null],"lists":{"l":null},"ports":{"p":null}}}',
    );
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual({
      metadata: { labels: { a: '' } },
      spec: {
        overhead: { cpu: '0' },
        containers: [{}, { name: 'c', args: ['', 'x'] }],
        sizes: ['0'],
        lists: { l: null },
        ports: { p: {} },
      },
    });
  });
});

describe('decodeAgainstSchema: unknown and duplicate fields', () => {
  it('Strict: one 400 naming every unknown field', () => {
    expect(errorOf('{"spec":{"foo":1,"containers":[{"name":"a","bar":2}]},"baz":3}')).toBe(
      prefix +
        'strict decoding error: unknown field "spec.foo", unknown field "spec.containers[0].bar", unknown field "baz"',
    );
  });
  it('is case-sensitive about field names', () => {
    expect(errorOf('{"Spec":{}}')).toBe(prefix + 'strict decoding error: unknown field "Spec"');
  });
  it('Strict: unknown and duplicate fields in document order (the e2e test text)', () => {
    expect(
      errorOf(
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"unknownField":"x","replicas":1,"replicas":2}}',
        deploymentSchema,
      ),
    ).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"',
    );
    expect(
      errorOf('{"spec":{"replicas":1,"replicas":2,"unknownField":"x"}}', deploymentSchema),
    ).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "spec.replicas", unknown field "spec.unknownField"',
    );
  });
  it('reports duplicates in maps, lists and nested metadata', () => {
    expect(
      errorOf(
        '{"metadata":{"labels":{"a":"1","a":"2"},"name":"x","name":"y"},"spec":{"containers":[{"name":"a","name":"b"}]}}',
      ),
    ).toBe(
      prefix +
        'strict decoding error: duplicate field "metadata.labels.a", duplicate field "metadata.name", duplicate field "spec.containers[0].name"',
    );
  });
  it('does not report duplicates under unknown fields or in raw values', () => {
    expect(errorOf('{"spec":{"foo":{"a":1,"a":2},"extra":{"b":1,"b":2}}}')).toBe(
      prefix + 'strict decoding error: unknown field "spec.foo"',
    );
  });
  it('does not report a repeated unknown field as a duplicate', () => {
    expect(errorOf('{"foo":1,"foo":2}')).toBe(
      prefix + 'strict decoding error: unknown field "foo"',
    );
  });
  it('reports duplicates inside objects that keep unknown fields', () => {
    const r = decodeJson('{"spec":{"open":{"x":1,"x":2,"known":1}}}');
    expect(r.errors[0]?.detail).toBe('strict decoding error: duplicate field "spec.open.x"');
  });
  it('Warn: warnings per field, the last duplicate kept, unknown fields dropped', () => {
    const r = decodeJson(
      '{"spec":{"replicas":1,"replicas":2,"foo":{"x":1}}}',
      deploymentSchema,
      'Warn',
      deployKind,
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['duplicate field "spec.replicas"', 'unknown field "spec.foo"']);
    expect(r.unknownFields).toEqual(['spec.foo']);
    expect(r.duplicateFields).toEqual(['spec.replicas']);
    expect(r.value).toEqual({ spec: { replicas: 2 } });
  });
  it('Ignore: silently drops unknown fields', () => {
    const r = decodeJson(
      '{"spec":{"replicas":1,"replicas":2,"foo":1}}',
      deploymentSchema,
      'Ignore',
      deployKind,
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.unknownFields).toEqual([]);
    expect(r.value).toEqual({ spec: { replicas: 2 } });
  });
  it('keeps unknown fields of preserveUnknownFields objects and any values', () => {
    const r = decodeJson(
      '{"spec":{"open":{"x":{"y":[1]},"known":1},"extra":{"anything":[null,{"k":"v"}]}}}',
    );
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual({
      spec: { open: { x: { y: [1] }, known: 1 }, extra: { anything: [null, { k: 'v' }] } },
    });
  });
  it('reports each problem once and at most 100', () => {
    const many = '{' + Array.from({ length: 150 }, (_, i) => `"u${i}":1`).join(',') + ',"u0":2}';
    const r = decodeJson(many);
    expect(r.strictErrors).toHaveLength(100);
    expect(r.strictErrors[0]).toBe('unknown field "u0"');
    expect(r.strictErrors[99]).toBe('unknown field "u99"');
  });
  it('quotes paths as Go does', () => {
    expect(errorOf('{"spec":{"é\\n\\"":1}}')).toBe(
      prefix + 'strict decoding error: unknown field "spec.é\\n\\""',
    );
  });
});

describe('decodeAgainstSchema: YAML bodies', () => {
  const yamlDecode = (src: string, mode: FieldValidationDirective) => {
    const source = parseYamlBody(src);
    return decodeAgainstSchema(source.value, deploymentSchema, {
      mode,
      kindForMessages: deployKind,
      source,
    });
  };
  it('Strict: the YAML duplicate error first, then unknown fields', () => {
    const r = yamlDecode('spec:\n  replicas: 1\n  replicas: 2\n  foo: 1\n', 'Strict');
    expect(r.errors[0]?.detail).toBe(
      'strict decoding error: yaml: unmarshal errors:\n  line 3: key "replicas" already set in map, unknown field "spec.foo"',
    );
  });
  it('Warn: one warning per YAML line and per unknown field', () => {
    const r = yamlDecode(
      'spec:\n  replicas: 1\n  replicas: 2\n  paused: true\n  paused: false\n  foo: 1\n',
      'Warn',
    );
    expect(r.warnings).toEqual([
      'line 3: key "replicas" already set in map',
      'line 5: key "paused" already set in map',
      'unknown field "spec.foo"',
    ]);
    expect(r.value).toEqual({ spec: { replicas: 2, paused: false } });
  });
  it('reports YAML duplicates anywhere, as go-yaml checks the whole document', () => {
    const r = yamlDecode('spec:\n  foo:\n    a: 1\n    a: 2\n', 'Strict');
    expect(r.strictErrors).toEqual([
      'yaml: unmarshal errors:\n  line 4: key "a" already set in map',
      'unknown field "spec.foo"',
    ]);
  });
  it('accepts integral YAML floats for integers, as upstream (through JSON)', () => {
    expect(yamlDecode('spec:\n  replicas: 3.0\n', 'Strict').errors).toEqual([]);
    expect(yamlDecode('spec:\n  replicas: 3.5\n', 'Strict').errors[0]?.detail).toBe(
      'json: cannot unmarshal number 3.5 into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
  });
  it('rejects YAML booleans for strings, as upstream', () => {
    const source = parseYamlBody('spec:\n  restartPolicy: on\n');
    const r = decodeAgainstSchema(source.value, podSchema, {
      mode: 'Strict',
      kindForMessages: podKind,
      source,
    });
    expect(r.errors[0]?.detail).toBe(
      'json: cannot unmarshal bool into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy',
    );
  });
});

describe('decodeAgainstSchema: type errors (upstream messages)', () => {
  it.each([
    [
      '{"spec":{"replicas":"3"}}',
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    ],
    [
      '{"spec":{"replicas":1.0}}',
      'json: cannot unmarshal number 1.0 into Go struct field DeploymentSpec.spec.replicas of type int32',
    ],
    [
      '{"spec":{"replicas":1.5}}',
      'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32',
    ],
    [
      '{"spec":{"replicas":1e2}}',
      'json: cannot unmarshal number 1e2 into Go struct field DeploymentSpec.spec.replicas of type int32',
    ],
    [
      '{"spec":{"replicas":3000000000}}',
      'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32',
    ],
    [
      '{"spec":{"replicas":true}}',
      'json: cannot unmarshal bool into Go struct field DeploymentSpec.spec.replicas of type int32',
    ],
    [
      '{"spec":{"replicas":[]}}',
      'json: cannot unmarshal array into Go struct field DeploymentSpec.spec.replicas of type int32',
    ],
    [
      '{"spec":{"paused":"true"}}',
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool',
    ],
    [
      '{"spec":"x"}',
      'json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec',
    ],
    [
      '{"metadata":[]}',
      'json: cannot unmarshal array into Go struct field Deployment.metadata of type v1.ObjectMeta',
    ],
    [
      '{"metadata":{"name":5}}',
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    ],
    [
      '{"metadata":{"labels":{"a":1}}}',
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      '{"metadata":{"labels":[]}}',
      'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string',
    ],
    [
      '{"metadata":{"generation":"1"}}',
      'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64',
    ],
    [
      '{"spec":{"template":{"spec":{"containers":{}}}}}',
      'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container',
    ],
    [
      '{"spec":{"template":{"spec":{"containers":["x"]}}}}',
      'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container',
    ],
    [
      '{"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":"80"}]}]}}}}',
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    ],
    [
      '{"spec":{"template":{"spec":{"containers":[{"name":"c","args":[1]}]}}}}',
      'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string',
    ],
    [
      '{"spec":{"template":{"spec":{"restartPolicy":1}}}}',
      'json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.restartPolicy of type v1.RestartPolicy',
    ],
    [
      '{"spec":{"template":{"spec":{"containers":[{"name":"c","resources":{"limits":[]}}]}}}}',
      'json: cannot unmarshal array into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList',
    ],
    [
      '{"spec":{"template":{"spec":{"weight":"1"}}}}',
      'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.weight of type float64',
    ],
    [
      '{"spec":{"template":{"spec":{"weight":1e400}}}}',
      'json: cannot unmarshal number 1e400 into Go struct field PodSpec.spec.template.spec.weight of type float64',
    ],
    [
      '{"spec":{"template":{"spec":{"activeDeadlineSeconds":9223372036854775807}}}}',
      'json: cannot unmarshal number 9223372036854775807 into Go struct field PodSpec.spec.template.spec.activeDeadlineSeconds of type int64',
    ],
    [
      '{"spec":{"template":{"spec":{"data":{"k":"not base64!"}}}}}',
      'illegal base64 data at input byte 3',
    ],
    [
      '{"spec":{"template":{"spec":{"data":{"k":1}}}}}',
      'json: cannot unmarshal number into Go struct field PodSpec.spec.template.spec.data of type []uint8',
    ],
    ['[]', 'json: cannot unmarshal array into Go value of type v1.Deployment'],
  ])('%s', (text, detail) => {
    expect(errorOf(text, deploymentSchema)).toBe(
      `Deployment in version "v1" cannot be handled as a Deployment: ${detail}`,
    );
  });
  it('accepts -0 and integral numbers within range', () => {
    expect(decodeJson('{"spec":{"replicas":-0}}', deploymentSchema).errors).toEqual([]);
    expect(decodeJson('{"spec":{"replicas":2147483647}}', deploymentSchema).errors).toEqual([]);
    expect(decodeJson('{"spec":{"replicas":-2147483648}}', deploymentSchema).errors).toEqual([]);
  });
  it('reports the first type error only, and it beats strict errors', () => {
    expect(errorOf('{"foo":1,"spec":{"replicas":"x","paused":"y"}}', deploymentSchema)).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(
      decodeJson('{"foo":1,"spec":{"replicas":"x"}}', deploymentSchema, 'Warn', deployKind)
        .errors[0]?.kind,
    ).toBe('type');
  });
  it('names the target kind when it differs from the body', () => {
    const source = parseJsonBody('{"spec":{"replicas":"x"}}');
    const r = decodeAgainstSchema(source.value, deploymentSchema, {
      mode: 'Strict',
      kindForMessages: { kind: 'Deployment', version: 'v1beta1', targetKind: 'Deployment' },
      source,
    });
    expect(
      r.errors[0]?.message.startsWith(
        'Deployment in version "v1beta1" cannot be handled as a Deployment: ',
      ),
    ).toBe(true);
  });
});

describe('decodeAgainstSchema: values with their own unmarshallers', () => {
  const quantityError =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  it.each([
    ['{"spec":{"overhead":{"cpu":"1Qi"}}}', quantityError],
    ['{"spec":{"overhead":{"cpu":"0.1mi"}}}', "unable to parse quantity's suffix"],
    ['{"spec":{"overhead":{"cpu":true}}}', quantityError],
    ['{"spec":{"overhead":{"cpu":{}}}}', quantityError],
    ['{"spec":{"overhead":{"cpu":""}}}', quantityError],
    [
      '{"spec":{"containers":[{"name":"c","httpGet":{"port":true}}]}}',
      'json: cannot unmarshal bool into Go value of type int32',
    ],
    [
      '{"spec":{"containers":[{"name":"c","httpGet":{"port":1.5}}]}}',
      'json: cannot unmarshal number 1.5 into Go value of type int32',
    ],
    [
      '{"spec":{"containers":[{"name":"c","httpGet":{"port":4294967296}}]}}',
      'json: cannot unmarshal number 4294967296 into Go value of type int32',
    ],
    [
      '{"spec":{"containers":[{"name":"c","httpGet":{"port":{}}}]}}',
      'json: cannot unmarshal object into Go value of type int32',
    ],
    ['{"spec":{"startedAt":5}}', 'json: cannot unmarshal number into Go value of type string'],
    [
      '{"spec":{"startedAt":"yesterday"}}',
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    ],
    [
      '{"spec":{"startedAt":"2024-13-01T00:00:00Z"}}',
      'parsing time "2024-13-01T00:00:00Z": month out of range',
    ],
    [
      '{"spec":{"renewedAt":"2024-01-01T00:00:00Z"}}',
      'parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    ],
  ])('%s', (text, detail) => {
    expect(errorOf(text)).toBe(prefix + detail);
  });
  it('stops at such an error even after a saved type error', () => {
    expect(errorOf('{"spec":{"restartPolicy":1,"overhead":{"cpu":"bad"}}}')).toBe(
      prefix + quantityError,
    );
  });
  it('keeps int-or-string strings and integers', () => {
    const r = decodeJson(
      '{"spec":{"containers":[{"name":"c","httpGet":{"port":"http"}},{"name":"d","httpGet":{"port":8080}}]}}',
    );
    expect(r.errors).toEqual([]);
  });
});

describe('interpretTypeMeta', () => {
  it.each([
    [
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { group: 'apps', version: 'v1', kind: 'Deployment' },
    ],
    [
      { apiVersion: 'v1', kind: 'Pod' },
      { group: '', version: 'v1', kind: 'Pod' },
    ],
    [{}, { group: '', version: '', kind: '' }],
    [
      { APIVERSION: 'v1', KIND: 'Pod' },
      { group: '', version: 'v1', kind: 'Pod' },
    ],
    [
      { kind: 'A', Kind: 'B' },
      { group: '', version: '', kind: 'B' },
    ],
    [
      { apiVersion: null, kind: 'Pod' },
      { group: '', version: '', kind: 'Pod' },
    ],
    [null, { group: '', version: '', kind: '' }],
    [{ apiVersion: 'a/b/c' }, { error: 'unexpected GroupVersion string: a/b/c' }],
    [
      { apiVersion: 5 },
      {
        error:
          "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string",
      },
    ],
    [
      [],
      {
        error:
          'couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
      },
    ],
    [
      'x',
      { error: expect.stringContaining('cannot unmarshal string into Go value of type struct {') },
    ],
  ])('%j', (value, expected) => {
    expect(interpretTypeMeta(value)).toEqual(expected);
  });
});

describe('messages', () => {
  it('cannotHandleMessage', () => {
    expect(cannotHandleMessage({ kind: 'Pod', version: 'v1' }, 'x')).toBe(
      'Pod in version "v1" cannot be handled as a Pod: x',
    );
  });
  it('summarizeBody and unrecognizedObjectMessage', () => {
    expect(summarizeBody('')).toBe('<empty>');
    expect(summarizeBody('{"a":1}')).toBe('{"a":1}');
    expect(summarizeBody('{"apiVersion":"v1","kind":"Pod","metadata":{}}')).toBe(
      '{"apiVersion":"v1","kind":"Pod ...',
    );
    expect(summarizeBody('[1]')).toBe('5b315d');
    expect(
      unrecognizedObjectMessage(
        'Pod',
        "couldn't get version/kind; json parse error: unexpected end of JSON input",
        '{',
      ),
    ).toBe(
      "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: unexpected end of JSON input ({)",
    );
  });
  it('goTypeOf', () => {
    expect(goTypeOf(array(container))).toBe('[]v1.Container');
    expect(goTypeOf(map(array(string())))).toBe('map[string][]string');
    expect(goTypeOf(string({ format: 'byte' }))).toBe('[]uint8');
    expect(goTypeOf(quantity())).toBe('resource.Quantity');
  });
});

describe('base64ErrorOffset (Go StdEncoding)', () => {
  it.each([
    ['', undefined],
    ['aGVsbG8=', undefined],
    ['aGVsbA==', undefined],
    ['aGVs', undefined],
    ['aGVs\nbG8=', undefined],
    ['aGVsbG8', 4],
    ['aGVsbA=', 7],
    ['aGVsbA=x', 6],
    ['a===', 1],
    ['not base64!', 3],
    ['aGVsbG8=x', 8],
    ['aGVsbG8=\n', undefined],
    ['é', 0],
  ])('%j -> %s', (s, at) => {
    expect(base64ErrorOffset(s)).toBe(at);
  });
});
