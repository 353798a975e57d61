/**
 * The real kubectl against our documents: `kubectl explain` (OpenAPI v3 by default; v2 with
 * `--output plaintext-openapiv2` or when a server has no v3),
 * `--validate=strict` (which must find `fieldValidation` on the PATCH operation of the kind and
 * then leave validation to the server) and client-side `kubectl apply` (which computes strategic
 * merge patches from the documents' patch extensions: kubectl 1.32 from v3, 1.27 and 1.28 from
 * the v2 document, which they also need to parse before `explain`, `create` or `apply` go on). A
 * stand-in server answers discovery and records the writes; kubectl runs with its own home and
 * cache directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deploymentSchema,
  deploymentSpecSchema,
  field,
  listOf,
  object,
  podSpecSchema,
  podTemplateSpecSchema,
} from '../../api/index.ts';
import { OpenApiDocuments } from './openapi-documents.ts';
import { createOpenApiV2 } from './openapi-v2.ts';
import { createOpenApi } from './openapi.ts';
import { startFakeApiServer, type FakeApiServer } from './testing/fake-api-server.ts';
import {
  hasKubectl,
  kubectlBinaries,
  kubectlSandbox,
  type KubectlSandbox,
} from './testing/kubectl.ts';
import { allTestDefs, testDef } from './testing/test-defs.ts';

const podManifest = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
spec:
  containers:
  - name: c
    image: busybox
`;

function deploymentManifest(name: string, imageB: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: default
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: a
        image: busybox
      - name: b
        image: ${imageB}
`;
}

/** A live Deployment last applied with image nginx:1 for container b. */
function liveDeployment(name: string): unknown {
  const spec = {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'a', image: 'busybox' },
          { name: 'b', image: 'nginx:1' },
        ],
      },
    },
  };
  const applied = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec,
  };
  return {
    ...applied,
    metadata: {
      name,
      namespace: 'default',
      resourceVersion: '7',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied) },
    },
    spec: { ...spec, replicas: 1 },
  };
}

interface Setup {
  server: FakeApiServer;
  kubectl: KubectlSandbox;
  /** The ETag of the v2 document served. */
  etag: string | undefined;
}

async function setup(
  defs = allTestDefs,
  serve: { v2?: boolean; v3?: boolean } = {},
): Promise<Setup> {
  const version = 'v1.32.0';
  const documents = new OpenApiDocuments({ defs, version });
  const v2 = createOpenApiV2({ documents: () => documents, version });
  const server = await startFakeApiServer({
    defs,
    ...(serve.v3 === false
      ? {}
      : { openapi: createOpenApi({ defs, version, documents: () => documents }) }),
    ...(serve.v2 === false ? {} : { openapiV2: v2 }),
  });
  const kubectl = await kubectlSandbox(server.url);
  return { server, kubectl, etag: v2(() => undefined).headers['ETag'] };
}

async function teardown(s: Setup | undefined): Promise<void> {
  await s?.kubectl.dispose();
  await s?.server.close();
}

describe('kubectl against the generated OpenAPI v3 documents', () => {
  let s: Setup | undefined;
  const env = (): Setup => {
    if (!s) throw new Error('setup failed');
    return s;
  };

  beforeAll(async () => {
    expect(hasKubectl(kubectlBinaries.default), `${kubectlBinaries.default} is needed`).toBe(true);
    s = await setup();
  });
  afterAll(() => teardown(s));

  const explain = async (...args: string[]): Promise<string> => {
    const r = await env().kubectl.run(['explain', ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  };

  it('explains a field with its type, description and the fields of its type', async () => {
    const out = await explain('pod.spec.containers');
    expect(out).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n/);
    expect(out).toContain('FIELD: containers <[]Container>');
    expect(out).toContain('DESCRIPTION:\n    The regular containers of the pod');
    expect(out).toMatch(/\n {2}name\t<string> -required-\n/);
    expect(out).toMatch(/\n {2}ports\t<\[\]ContainerPort>\n/);
    expect(out).toMatch(/\n {2}resources\t<ResourceRequirements>\n/);
    expect(out).toMatch(/\n {2}env\t<\[\]EnvVar>\n/);
    expect(out).toMatch(/\n {2}imagePullPolicy\t<string>\n {2}enum: Always, Never, IfNotPresent\n/);
  });

  it('names Quantity, IntOrString and Time fields as upstream does', async () => {
    expect(await explain('pod.spec.containers.resources')).toMatch(
      /\n {2}limits\t<map\[string\]Quantity>\n/,
    );
    expect(await explain('deployment.spec.strategy.rollingUpdate')).toMatch(
      /\n {2}maxSurge\t<IntOrString>\n/,
    );
    expect(await explain('pod.metadata')).toMatch(/\n {2}creationTimestamp\t<string>\n/);
  });

  it('lists enums and walks nested types with --recursive', async () => {
    const strategy = await explain('deploy.spec.strategy');
    expect(strategy).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    expect(strategy).toMatch(/\n {2}type\t<string>\n {2}enum: Recreate, RollingUpdate\n/);
    const recursive = await explain('deploy.spec', '--recursive');
    expect(recursive).toMatch(/\n {2}selector\t<LabelSelector> -required-\n/);
    expect(recursive).toMatch(/\n {4}rollingUpdate\t<RollingUpdateDeployment>\n/);
    expect(recursive).toMatch(/\n {6}maxSurge\t<IntOrString>\n/);
    expect(recursive).toMatch(/\n {4}spec\t<PodSpec>\n/);
    expect(recursive).toMatch(/\n {6}containers\t<\[\]Container> -required-\n/);
  });

  it('explains cluster-scoped kinds and kinds of other groups, and rejects unknown fields', async () => {
    expect(await explain('namespace')).toMatch(/^KIND:\s+Namespace\n/);
    expect(await explain('lease.spec')).toMatch(/^GROUP:\s+coordination\.k8s\.io\nKIND:\s+Lease\n/);
    const r = await env().kubectl.run(['explain', 'pod.spec.nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('field "nope" does not exist');
  });

  it('leaves --validate=strict to the server: create sends fieldValidation=Strict', async () => {
    const { server, kubectl } = env();
    const before = server.writes().length;
    const file = await kubectl.file('pod.yaml', podManifest);
    const r = await kubectl.run(['create', '--dry-run=server', '--validate=strict', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('pod/web created (server dry run)\n');
    const post = server.writes().slice(before);
    expect(post.map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /api/v1/namespaces/default/pods',
    ]);
    expect(post[0]?.query.get('fieldValidation')).toBe('Strict');
    expect(post[0]?.query.get('dryRun')).toBe('All');
  });

  it('creates with apply when the object is missing, with server-side validation', async () => {
    const { server, kubectl } = env();
    const before = server.writes().length;
    const file = await kubectl.file('new.yaml', deploymentManifest('fresh', 'nginx:1'));
    const r = await kubectl.run(['apply', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/fresh created\n');
    const writes = server.writes().slice(before);
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /apis/apps/v1/namespaces/default/deployments',
    ]);
    expect(writes[0]?.query.get('fieldValidation')).toBe('Strict');
  });

  it('computes a strategic merge patch from the documents: one container changes, not the list', async () => {
    const { server, kubectl } = env();
    server.seed('/apis/apps/v1/namespaces/default/deployments/web', liveDeployment('web'));
    const before = server.requests.length;
    const file = await kubectl.file('web.yaml', deploymentManifest('web', 'nginx:2'));
    const r = await kubectl.run(['apply', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web configured\n');
    const requests = server.requests.slice(before);
    const patches = requests.filter((q) => q.method === 'PATCH');
    expect(patches).toHaveLength(1);
    const patch = patches[0];
    expect(patch?.path).toBe('/apis/apps/v1/namespaces/default/deployments/web');
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    expect(patch?.query.get('fieldValidation')).toBe('Strict');
    const body = JSON.parse(patch?.body ?? '{}') as { spec?: unknown };
    expect(body.spec).toEqual({
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
          containers: [{ image: 'nginx:2', name: 'b' }],
        },
      },
    });
  });

  it('works with kubectl 1.33 too', async () => {
    expect(hasKubectl(kubectlBinaries.v133), `${kubectlBinaries.v133} is needed`).toBe(true);
    const { server, kubectl } = env();
    const before = server.writes().length;
    const file = await kubectl.file('pod133.yaml', podManifest);
    const r = await kubectl.run(['create', '--dry-run=server', '-f', file], {
      bin: kubectlBinaries.v133,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('pod/web created (server dry run)\n');
    expect(server.writes()[before]?.query.get('fieldValidation')).toBe('Strict');
    expect(
      await kubectl.run(['explain', 'deploy.spec.strategy'], { bin: kubectlBinaries.v133 }),
    ).toMatchObject({ code: 0 });
  });
});

describe('kubectl apply follows the patch metadata it is given', () => {
  // The same Deployment, but the documents say nothing about merging containers: kubectl must
  // then replace the whole list, which shows it computes patches from our documents.
  const containers = podSpecSchema.fields['containers'];
  if (!containers) throw new Error('PodSpec has no containers field');
  const podSpecWithoutMergeKey = object(podSpecSchema.name, podSpecSchema.description, {
    ...podSpecSchema.fields,
    containers: field(containers.schema, 'Containers, merged as a whole.'),
  });
  const template = object(podTemplateSpecSchema.name, podTemplateSpecSchema.description, {
    ...podTemplateSpecSchema.fields,
    spec: field(podSpecWithoutMergeKey, 'Spec.'),
  });
  const spec = object(deploymentSpecSchema.name, deploymentSpecSchema.description, {
    ...deploymentSpecSchema.fields,
    template: field(template, 'Template.'),
  });
  const deployment = object(
    deploymentSchema.name,
    deploymentSchema.description,
    { ...deploymentSchema.fields, spec: field(spec, 'Spec.') },
    { gvk: [{ group: 'apps', version: 'v1', kind: 'Deployment' }] },
  );
  const gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };
  const defs = [
    testDef({
      ...gvk,
      resource: 'deployments',
      namespaced: true,
      schema: deployment,
      listSchema: listOf(deployment, gvk),
    }),
  ];
  let s: Setup | undefined;
  beforeAll(async () => {
    s = await setup(defs);
  });
  afterAll(() => teardown(s));

  // 1.32 reads the v3 documents, 1.27 the v2 one: both must follow what they are given.
  it.each([
    ['1.32', kubectlBinaries.default],
    ['1.27', kubectlBinaries.v127],
  ])(
    'kubectl %s replaces the whole containers list when the documents carry no merge key',
    async (_name, bin) => {
      if (!s) throw new Error('setup failed');
      s.server.seed('/apis/apps/v1/namespaces/default/deployments/web', liveDeployment('web'));
      const before = s.server.writes().length;
      const file = await s.kubectl.file('web.yaml', deploymentManifest('web', 'nginx:2'));
      const r = await s.kubectl.run(['apply', '-f', file], { bin });
      expect(r.stderr).toBe('');
      const patch = s.server
        .writes()
        .slice(before)
        .find((w) => w.method === 'PATCH');
      const body = JSON.parse(patch?.body ?? '{}') as { spec?: unknown };
      expect(body.spec).toEqual({
        template: {
          spec: {
            containers: [
              { image: 'busybox', name: 'a' },
              { image: 'nginx:2', name: 'b' },
            ],
          },
        },
      });
    },
  );
});

describe.each([
  ['1.27', kubectlBinaries.v127],
  ['1.28', kubectlBinaries.v128],
])('kubectl %s against the generated OpenAPI v2 document', (_name, bin) => {
  let s: Setup | undefined;
  const env = (): Setup => {
    if (!s) throw new Error('setup failed');
    return s;
  };
  const run = (args: string[]) => env().kubectl.run(args, { bin });

  beforeAll(async () => {
    expect(hasKubectl(bin), `${bin} is needed`).toBe(true);
    s = await setup();
  });
  afterAll(() => teardown(s));

  it('fetches the v2 document as protobuf and explains from v3 once it parses', async () => {
    const r = await run(['explain', 'pod.spec.containers']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('FIELD: containers <[]Container>');
    const v2 = env().server.requests.filter((q) => q.path === '/openapi/v2');
    expect(v2.length).toBeGreaterThan(0);
  });

  it('explains from the v2 document itself with --output plaintext-openapiv2', async () => {
    const r = await run(['explain', 'pod.spec.containers', '--output', 'plaintext-openapiv2']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n/);
    expect(r.stdout).toContain('RESOURCE: containers <[]Object>');
    expect(r.stdout).toMatch(/\n {3}name\t<string> -required-\n/);
    expect(r.stdout).toMatch(/\n {3}ports\t<\[\]Object>\n/);
    const strategy = await run([
      'explain',
      'deploy.spec.strategy',
      '--output',
      'plaintext-openapiv2',
    ]);
    expect(strategy.stdout).toMatch(/^KIND:\s+Deployment\nVERSION:\s+apps\/v1\n/);
    expect(strategy.stdout).toMatch(/\n {3}rollingUpdate\t<Object>\n/);
  });

  it('leaves --validate=strict to the server: create sends fieldValidation=Strict', async () => {
    const { server, kubectl } = env();
    const before = server.writes().length;
    const file = await kubectl.file('pod-v2.yaml', podManifest);
    const r = await run(['create', '--dry-run=server', '--validate=strict', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('pod/web created (server dry run)\n');
    const post = server.writes().slice(before);
    expect(post.map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /api/v1/namespaces/default/pods',
    ]);
    expect(post[0]?.query.get('fieldValidation')).toBe('Strict');
  });

  it('computes a strategic merge patch from the v2 document: one container changes', async () => {
    const { server, kubectl } = env();
    server.seed('/apis/apps/v1/namespaces/default/deployments/web', liveDeployment('web'));
    const before = server.requests.length;
    const file = await kubectl.file('web-v2.yaml', deploymentManifest('web', 'nginx:2'));
    const r = await run(['apply', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('deployment.apps/web configured\n');
    const patches = server.requests.slice(before).filter((q) => q.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.contentType).toBe('application/strategic-merge-patch+json');
    expect(patches[0]?.query.get('fieldValidation')).toBe('Strict');
    const body = JSON.parse(patches[0]?.body ?? '{}') as { spec?: unknown };
    expect(body.spec).toEqual({
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
          containers: [{ image: 'nginx:2', name: 'b' }],
        },
      },
    });
  });

  it('revalidates its cached copy with If-None-Match (answered 304)', async () => {
    const { server } = env();
    const before = server.requests.length;
    expect((await run(['explain', 'pod.spec'])).code).toBe(0);
    const v2 = server.requests.slice(before).filter((q) => q.path === '/openapi/v2');
    expect(v2.length).toBeGreaterThan(0);
    expect(v2[0]?.ifNoneMatch).toBe(env().etag);
  });
});

describe('kubectl 1.27 with a server that has no OpenAPI v3', () => {
  let s: Setup | undefined;
  beforeAll(async () => {
    s = await setup(allTestDefs, { v3: false });
  });
  afterAll(() => teardown(s));

  it('finds fieldValidation in the v2 document and explains from it', async () => {
    if (!s) throw new Error('setup failed');
    const file = await s.kubectl.file('pod.yaml', podManifest);
    const r = await s.kubectl.run(['create', '--dry-run=server', '--validate=strict', '-f', file], {
      bin: kubectlBinaries.v127,
    });
    expect(r.stderr).toBe('');
    expect(s.server.writes()[0]?.query.get('fieldValidation')).toBe('Strict');
    const explain = await s.kubectl.run(['explain', 'pod.spec.containers'], {
      bin: kubectlBinaries.v127,
    });
    expect(explain.stderr).toBe('');
    expect(explain.stdout).toContain('RESOURCE: containers <[]Object>');
  });
});
