import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/index.ts';
import { decodeStaticPod, type DecodeStaticPodResult } from './decode-static-pod.ts';
import { configHashAnnotationKey, isMirrorPod, isStaticPod } from './static-pod.ts';

const yaml = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "3600"]
`;

function ok(r: DecodeStaticPodResult): Pod {
  if (!r.ok) throw new Error(r.error);
  return r.pod;
}

function err(r: DecodeStaticPodResult): string {
  if (r.ok) throw new Error('decoded, but an error was expected');
  return r.error;
}

const decode = (data: string, path = '/etc/podbay/manifests/web.yaml', nodeName = 'node1') =>
  decodeStaticPod({ data, path, nodeName });

describe('decodeStaticPod', () => {
  it('applies the API defaults and the static pod defaults', () => {
    const pod = ok(decode(yaml));
    const uid = pod.metadata?.uid ?? '';
    expect(uid).toMatch(/^[0-9a-f]{32}$/);
    expect(pod.metadata).toMatchObject({
      name: 'web-node1',
      namespace: 'default',
      labels: { app: 'web' },
      annotations: { [configHashAnnotationKey]: uid },
    });
    expect(pod.spec?.nodeName).toBe('node1');
    expect(pod.spec?.tolerations).toEqual([{ operator: 'Exists', effect: 'NoExecute' }]);
    expect(pod.status).toEqual({ phase: 'Pending' });
    // v1 defaults, as the API server would set them.
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
    });
    expect(pod.spec?.containers[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
    expect(isStaticPod(pod)).toBe(false); // the source annotation comes from the FileSource
    expect(isMirrorPod(pod)).toBe(false);
  });

  it('gives the same UID to the same pod however the file is written', () => {
    const uid = ok(decode(yaml)).metadata?.uid;
    const reordered = `# the web pod
kind: Pod
spec:
  containers:
  - command: [sleep, "3600"]
    image: busybox:1.36
    name: app
metadata: {labels: {app: web}, name: web}
apiVersion: v1
`;
    expect(ok(decode(reordered)).metadata?.uid).toBe(uid);
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
    });
    expect(ok(decode(json)).metadata?.uid).toBe(uid);
    // Defaults written out explicitly are the same pod too.
    expect(
      ok(decode(yaml.replace('spec:\n', 'spec:\n  restartPolicy: Always\n'))).metadata?.uid,
    ).toBe(uid);
  });

  it('gives another UID for other content, another file or another node', () => {
    const uid = ok(decode(yaml)).metadata?.uid;
    const uids = [
      ok(decode(yaml.replace('3600', '3601'))).metadata?.uid,
      ok(decode(yaml, '/etc/podbay/manifests/web2.yaml')).metadata?.uid,
      ok(decode(yaml, undefined, 'node2')).metadata?.uid,
    ];
    expect(new Set([uid, ...uids]).size).toBe(4);
  });

  it('names the pod after the node and keeps a namespace', () => {
    const pod = ok(
      decode(
        yaml.replace('  name: web\n', '  name: web\n  namespace: kube-system\n'),
        undefined,
        'node-a.example',
      ),
    );
    expect(pod.metadata?.name).toBe('web-node-a.example');
    expect(pod.metadata?.namespace).toBe('kube-system');
    expect(pod.spec?.nodeName).toBe('node-a.example');
  });

  it('keeps a UID the manifest names, and does not repeat an equal toleration', () => {
    const pod = ok(
      decode(
        yaml
          .replace('  name: web\n', '  name: web\n  uid: 11111111-2222-3333-4444-555555555555\n')
          .replace(
            'spec:\n',
            'spec:\n  tolerations:\n  - {operator: Exists, effect: NoExecute}\n  - {key: a, operator: Exists}\n',
          ),
      ),
    );
    expect(pod.metadata?.uid).toBe('11111111-2222-3333-4444-555555555555');
    expect(pod.metadata?.annotations?.[configHashAnnotationKey]).toBe(pod.metadata?.uid);
    expect(pod.spec?.tolerations).toEqual([
      { operator: 'Exists', effect: 'NoExecute' },
      { key: 'a', operator: 'Exists' },
    ]);
  });

  it.each([
    [
      'a YAML syntax error',
      'apiVersion: v1\nkind: Pod\nmetadata;\n  name: x\n',
      /^\/m\/x\.yaml: couldn't parse as pod\(yaml: line \d+: .*\), please check config file$/,
    ],
    [
      'no kind',
      'apiVersion: v1\nmetadata: {name: x}\n',
      `/m/x.yaml: couldn't parse as pod(Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'), please check config file`,
    ],
    [
      'no apiVersion',
      'kind: Pod\nmetadata: {name: x}\n',
      `/m/x.yaml: couldn't parse as pod(Object 'apiVersion' is missing in '{"kind":"Pod","metadata":{"name":"x"}}'), please check config file`,
    ],
    [
      'another kind',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n',
      "/m/x.yaml: couldn't parse as pod(a apps/v1 Deployment is not a pod: a manifest holds one v1 Pod), please check config file",
    ],
    [
      'a list',
      '- a\n- b\n',
      /^\/m\/x\.yaml: couldn't parse as pod\(couldn't get version\/kind; json parse error: json: cannot unmarshal array/,
    ],
    [
      'a wrong type',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: "no"}\n',
      /^\/m\/x\.yaml: couldn't parse as pod\(json: cannot unmarshal string into Go struct field PodSpec\.spec\.containers of type \[\]v1\.Container\), please check config file$/,
    ],
    [
      'no name',
      'apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b}]}\n',
      'invalid pod: name is needed for the pod',
    ],
    [
      'an invalid pod',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: A_B}]}\n',
      /^invalid pod: \[spec\.containers\[0\]\.name: Invalid value: "A_B": .* spec\.containers\[0\]\.image: Required value\]$/,
    ],
  ])('refuses %s with a clear message', (_what, data, expected) => {
    const message = err(decode(data, '/m/x.yaml'));
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('refuses ephemeral containers, as pod creation does', () => {
    const message = err(
      decode(
        yaml.replace(
          'spec:\n',
          'spec:\n  ephemeralContainers:\n  - {name: debug, image: busybox:1.36}\n',
        ),
      ),
    );
    expect(message).toContain('spec.ephemeralContainers: Forbidden: cannot be set on create');
  });
});
