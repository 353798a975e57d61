/**
 * Issue 2, as a new user checks it: the real kubectl (1.32, plus 1.27 and 1.33) against
 * `podbay server` (control plane only), over TLS with the generated kubeconfig.
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlBinary, run, startPodbay, type Podbay } from './support/podbay.ts';

let pb: Podbay;
let dir: string;

beforeAll(async () => {
  pb = await startPodbay();
  dir = await mkdtemp(join(tmpdir(), 'manifests-'));
});

afterAll(async () => {
  await pb.stop();
  await pb.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function manifest(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function ok(
  args: string[],
  opts: { minor?: number; env?: Record<string, string>; input?: string } = {},
): Promise<string> {
  const r = await pb.kubectl(args, opts);
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const deploymentYaml = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 80}]
`;

const podYaml = `apiVersion: v1
kind: Pod
metadata:
  name: lonely
  labels: {app: lonely, tier: front}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sleep, "3600"]
`;

describe('kubectl 1.32 against podbay server', () => {
  it('talks TLS with the admin kubeconfig and refuses requests without credentials', async () => {
    const version = await ok(['version']);
    expect(version).toMatch(/Server Version: v1\.32\.\d+\+podbay/);
    // The same server, without the kubeconfig's client certificate: 401.
    const server = (
      await ok(['config', 'view', '-o', 'jsonpath={.clusters[0].cluster.server}'])
    ).trim();
    const anon = await run(kubectlBinary(), [
      '--kubeconfig',
      '/dev/null',
      '--server',
      server,
      '--insecure-skip-tls-verify',
      'get',
      'pods',
    ]);
    expect(anon.code).not.toBe(0);
    // kubectl answers a 401 to a credential-less request by asking for a user name.
    expect(anon.stdout + anon.stderr).toContain('Please enter Username');
    const wrongToken = await run(kubectlBinary(), [
      '--kubeconfig',
      '/dev/null',
      '--server',
      server,
      '--insecure-skip-tls-verify',
      '--token',
      'not-a-token',
      'get',
      'pods',
    ]);
    expect(wrongToken.stderr).toContain('You must be logged in to the server');
  });

  it('lists the served resources with short names and groups', async () => {
    const out = await ok(['api-resources']);
    for (const line of [
      /^pods\s+po\s+v1\s+true\s+Pod$/m,
      /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m,
      /^leases\s+coordination.k8s.io\/v1\s+true\s+Lease$/m,
      /^endpointslices\s+discovery.k8s.io\/v1\s+true\s+EndpointSlice$/m,
      /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m,
      /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m,
    ]) {
      expect(out).toMatch(line);
    }
  });

  it('has the system namespaces and creates new ones', async () => {
    const before = await ok(['get', 'ns', '-o', 'name']);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      expect(before).toContain(`namespace/${ns}`);
    expect(await ok(['create', 'namespace', 'e2e'])).toContain('namespace/e2e created');
  });

  it('applies a manifest, re-applies a change, and applies server-side', async () => {
    const path = await manifest('deploy.yaml', deploymentYaml('nginx:1.27'));
    expect(await ok(['apply', '-f', path])).toContain('deployment.apps/web created');
    await writeFile(path, deploymentYaml('nginx:1.28', 3));
    expect(await ok(['apply', '-f', path])).toContain('deployment.apps/web configured');
    expect(
      await ok([
        'get',
        'deploy',
        'web',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas} {.metadata.generation}',
      ]),
    ).toBe('nginx:1.28 3 2');
    await writeFile(path, deploymentYaml('nginx:1.29', 3));
    expect(await ok(['apply', '--server-side', '--force-conflicts', '-f', path])).toContain(
      'deployment.apps/web serverside-applied',
    );
    const managers = await ok([
      'get',
      'deploy',
      'web',
      '--show-managed-fields',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    expect(managers.split(' ')).toEqual(
      expect.arrayContaining(['kubectl', 'kubectl-client-side-apply']),
    );
  });

  it('scales a deployment through the scale subresource', async () => {
    expect(await ok(['scale', 'deploy', 'web', '--replicas=5'])).toContain(
      'deployment.apps/web scaled',
    );
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('5');
  });

  it('creates a pod that stays Pending without a node, and shows it the way kubectl does', async () => {
    await ok(['apply', '-f', await manifest('pod.yaml', podYaml)]);
    const table = await ok(['get', 'pods']);
    expect(table).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    expect(table).toMatch(/^lonely\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const wide = await ok(['get', 'pods', '-o', 'wide']);
    expect(wide).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m,
    );
    expect(wide).toMatch(
      /^lonely\s+0\/1\s+Pending\s+0\s+\d+s\s+<none>\s+<none>\s+<none>\s+<none>$/m,
    );
    const yaml = await ok(['get', 'pod', 'lonely', '-o', 'yaml']);
    expect(yaml).toContain('restartPolicy: Always');
    expect(yaml).toContain('phase: Pending');
    expect(yaml).toContain('qosClass: BestEffort');
    const json = JSON.parse(await ok(['get', 'pod', 'lonely', '-o', 'json'])) as {
      spec: { dnsPolicy: string };
    };
    expect(json.spec.dnsPolicy).toBe('ClusterFirst');
  });

  it('selects with labels and fields, across namespaces', async () => {
    expect(await ok(['get', 'pods', '-l', 'tier=front', '-o', 'name'])).toBe('pod/lonely\n');
    expect(await ok(['get', 'pods', '-l', 'tier in (back)', '-o', 'name'])).toBe('');
    expect(
      await ok(['get', 'pods', '--field-selector', 'status.phase=Pending', '-o', 'name']),
    ).toBe('pod/lonely\n');
    const all = await ok(['get', 'pods', '-A']);
    expect(all).toMatch(/^NAMESPACE\s+NAME/m);
    expect(all).toMatch(/^default\s+lonely/m);
  });

  it('labels, annotates and patches (strategic, merge, json)', async () => {
    await ok(['label', 'pod', 'lonely', 'color=blue']);
    await ok(['annotate', 'pod', 'lonely', 'note=hello']);
    await ok(['patch', 'pod', 'lonely', '-p', '{"metadata":{"labels":{"s":"1"}}}']);
    await ok([
      'patch',
      'pod',
      'lonely',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"m":"1"}}}',
    ]);
    await ok([
      'patch',
      'pod',
      'lonely',
      '--type',
      'json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/j","value":"1"}]',
    ]);
    const labels = await ok(['get', 'pod', 'lonely', '-o', 'jsonpath={.metadata.labels}']);
    expect(JSON.parse(labels)).toMatchObject({ color: 'blue', s: '1', m: '1', j: '1' });
    expect(await ok(['get', 'pod', 'lonely', '-o', 'jsonpath={.metadata.annotations.note}'])).toBe(
      'hello',
    );
    const bad = await pb.kubectl([
      'patch',
      'pod',
      'lonely',
      '-p',
      '{"spec":{"restartPolicy":"Never"}}',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('pod updates may not change fields other than');
  });

  it('edits with a non-interactive editor', async () => {
    const out = await ok(['edit', 'pod', 'lonely'], {
      env: { KUBE_EDITOR: 'sed -i s/color:\\ blue/color:\\ green/' },
    });
    expect(out).toContain('pod/lonely edited');
    expect(await ok(['get', 'pod', 'lonely', '-o', 'jsonpath={.metadata.labels.color}'])).toBe(
      'green',
    );
  });

  it('describes with events', async () => {
    const event = await manifest(
      'event.yaml',
      `apiVersion: v1
kind: Event
metadata: {name: lonely.e2e}
involvedObject: {kind: Pod, name: lonely, namespace: default}
reason: Testing
message: hello from the e2e test
type: Normal
source: {component: e2e}
`,
    );
    const uid = await ok(['get', 'pod', 'lonely', '-o', 'jsonpath={.metadata.uid}']);
    await ok(['create', '-f', event]);
    await ok([
      'patch',
      'event',
      'lonely.e2e',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ involvedObject: { uid } }),
    ]);
    const described = await ok(['describe', 'pod', 'lonely']);
    expect(described).toMatch(/^Status:\s+Pending$/m);
    expect(described).toMatch(/Normal\s+Testing\s+.*hello from the e2e test/);
    expect(
      await ok(['get', 'events', '--field-selector', 'reason=Testing', '-o', 'name']),
    ).toContain('event/lonely.e2e');
  });

  it('watches with -w and sees changes', async () => {
    const watch = pb.kubectl(['get', 'configmaps', '-w', '--request-timeout=8s'], {
      timeoutMs: 15_000,
    });
    await new Promise((r) => setTimeout(r, 1500));
    await ok(['create', 'configmap', 'watched', '--from-literal=a=1']);
    const r = await watch;
    expect(r.stdout).toMatch(/^watched\s+1\s+\d+s$/m);
  });

  it('deletes (waiting by default) and waits for deletion', async () => {
    await ok(['create', 'configmap', 'doomed', '--from-literal=a=1']);
    const waiting = pb.kubectl(['wait', '--for=delete', 'configmap/doomed', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 500));
    expect(await ok(['delete', 'configmap', 'doomed'])).toContain('configmap "doomed" deleted');
    expect((await waiting).code).toBe(0);
    expect(await ok(['delete', 'pod', 'lonely'])).toContain('pod "lonely" deleted');
    const gone = await pb.kubectl(['get', 'pod', 'lonely']);
    expect(gone.stderr).toContain('pods "lonely" not found');
  });

  it('deletes a namespace with its content', async () => {
    await ok(['create', 'configmap', 'inside', '-n', 'e2e', '--from-literal=a=1']);
    expect(await ok(['delete', 'namespace', 'e2e', '--timeout=30s'])).toContain(
      'namespace "e2e" deleted',
    );
    expect((await pb.kubectl(['get', 'ns', 'e2e'])).stderr).toContain('namespaces "e2e" not found');
  });

  it('explains fields from the served OpenAPI', async () => {
    const out = await ok(['explain', 'pod.spec.containers']);
    expect(out).toMatch(/FIELD:\s+containers <\[\]Container>/);
    expect(out).toMatch(/image\s+<string>/);
    expect(out).toMatch(/name\s+<string> -required-/);
  });

  it('answers bad input with a clear 4xx', async () => {
    const bad = await manifest(
      'bad.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: Bad_Name}
spec:
  containers: [{name: app, image: busybox, bogus: 1}]
`,
    );
    const strict = await pb.kubectl(['apply', '-f', bad]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('unknown field "spec.containers[0].bogus"');
    const invalid = await pb.kubectl(['apply', '--validate=false', '-f', bad]);
    expect(invalid.stderr).toMatch(
      /Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
  });
});

describe.each([27, 33])('kubectl 1.%i against podbay server', (minor) => {
  it('gets, applies and deletes', async () => {
    const name = `compat-${minor}`;
    const path = await manifest(
      `${name}.yaml`,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}}
data: {a: "1"}
`,
    );
    expect(await ok(['apply', '-f', path], { minor })).toContain(`configmap/${name} created`);
    expect(await ok(['get', 'configmap', name, '-o', 'jsonpath={.data.a}'], { minor })).toBe('1');
    // A server-side Table, printed by this kubectl version.
    expect(await ok(['get', 'namespaces'], { minor })).toMatch(
      /NAME\s+STATUS\s+AGE[\s\S]*kube-system\s+Active/,
    );
    expect(await ok(['delete', 'configmap', name], { minor })).toContain(
      `configmap "${name}" deleted`,
    );
  });
});

// kubectl 1.27 and 1.28 read /openapi/v2 (gnostic protobuf) before explain, create and apply go
// on, and compute client-side apply's strategic merge patch from its patch extensions.
describe.each([27, 28])('kubectl 1.%i with the OpenAPI v2 document', (minor) => {
  const deployment = (name: string, containers: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 0
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
${containers}`;

  it('explains pod.spec.containers, from v3 and from v2', async () => {
    const out = await ok(['explain', 'pod.spec.containers'], { minor });
    expect(out).toMatch(/FIELD:\s+containers <\[\]Container>/);
    expect(out).toMatch(/name\s+<string> -required-/);
    const v2 = await ok(['explain', 'pod.spec.containers', '--output', 'plaintext-openapiv2'], {
      minor,
    });
    expect(v2).toMatch(/RESOURCE:\s+containers <\[\]Object>/);
    expect(v2).toMatch(/image\s+<string>/);
  });

  it('applies twice with a changed container list, merging containers by name', async () => {
    const name = `v2-apply-${minor}`;
    const path = await manifest(
      `${name}.yaml`,
      deployment(
        name,
        `      - {name: a, image: busybox:1.36}
      - {name: b, image: nginx:1.27}
`,
      ),
    );
    expect(await ok(['apply', '-f', path], { minor })).toContain(`deployment.apps/${name} created`);
    // Someone else adds an env var to container b: a strategic merge keeps it, a replace would not.
    await ok(
      [
        'patch',
        'deploy',
        name,
        '-p',
        JSON.stringify({
          spec: {
            template: { spec: { containers: [{ name: 'b', env: [{ name: 'X', value: '1' }] }] } },
          },
        }),
      ],
      { minor },
    );
    await writeFile(
      path,
      deployment(
        name,
        `      - {name: c, image: redis:7}
      - {name: b, image: nginx:1.28}
`,
      ),
    );
    const r = await pb.kubectl(['apply', '-f', path, '-v=8'], { minor });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`deployment.apps/${name} configured`);
    expect(r.stderr).not.toContain('warning');
    // Read the document as protobuf, and sent a strategic merge patch computed from it.
    expect(r.stderr).toMatch(/GET https:\/\/\S+\/openapi\/v2\?timeout=/);
    expect(r.stderr).toContain(
      'Content-Type: application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    expect(r.stderr).toContain('Content-Type: application/strategic-merge-patch+json');
    expect(r.stderr).toContain('"$setElementOrder/containers":[{"name":"c"},{"name":"b"}]');
    const containers = JSON.parse(
      await ok(['get', 'deploy', name, '-o', 'jsonpath={.spec.template.spec.containers}'], {
        minor,
      }),
    ) as { name: string; image: string; env?: { name: string; value: string }[] }[];
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['c=redis:7', 'b=nginx:1.28']);
    expect(containers[1]?.env).toEqual([{ name: 'X', value: '1' }]);
    expect(await ok(['delete', 'deploy', name], { minor })).toContain('deleted');
  });

  it('creates with --validate=strict left to the server', async () => {
    const bad = await manifest(
      `bad-${minor}.yaml`,
      `apiVersion: v1
kind: ConfigMap
metadata: {name: bad-${minor}}
data: {a: "1"}
bogus: true
`,
    );
    const r = await pb.kubectl(['create', '-f', bad], { minor });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "bogus"');
  });
});
