import { describe, it, expect } from 'vitest';
import type { ConfigMap, Secret } from './config.ts';
import {
  defaultContainer,
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultNothing,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPod,
  defaultPodTemplateSpec,
  defaultReplicationController,
  defaultResourceList,
  defaultResourceQuota,
  defaultSecret,
  defaultService,
  imageTag,
} from './defaults.ts';
import type { Endpoints, Service } from './service.ts';
import type { Namespace } from './namespace.ts';
import type { Pod, PodTemplateSpec } from './pod.ts';
import type { Container } from './container.ts';
import type { Node } from './node.ts';
import type { PersistentVolumeClaim } from './persistent-volume.ts';

function pod(spec: Pod['spec']): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    ...(spec ? { spec } : {}),
  };
}

function defaulted<T>(obj: T, fn: (o: T) => void): T {
  fn(obj);
  const once = structuredClone(obj);
  fn(obj);
  // Every defaulter is idempotent.
  expect(obj).toEqual(once);
  return obj;
}

describe('defaultPod', () => {
  it('gives a minimal pod what `kubectl get pod -o yaml` shows on a real cluster', () => {
    const p = defaulted(pod({ containers: [{ name: 'nginx', image: 'nginx' }] }), defaultPod);
    expect(p.spec).toEqual({
      containers: [
        {
          name: 'nginx',
          image: 'nginx',
          imagePullPolicy: 'Always',
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
  });

  it('keeps what the user set', () => {
    const p = defaulted(
      pod({
        containers: [
          {
            name: 'app',
            image: 'nginx',
            imagePullPolicy: 'Never',
            terminationMessagePolicy: 'FallbackToLogsOnError',
          },
        ],
        restartPolicy: 'Never',
        dnsPolicy: 'Default',
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
        schedulerName: 'custom',
        securityContext: { runAsUser: 1000 },
      }),
      defaultPod,
    );
    expect(p.spec?.containers[0]?.imagePullPolicy).toBe('Never');
    expect(p.spec?.containers[0]?.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(p.spec?.restartPolicy).toBe('Never');
    expect(p.spec?.dnsPolicy).toBe('Default');
    expect(p.spec?.terminationGracePeriodSeconds).toBe(0);
    expect(p.spec?.enableServiceLinks).toBe(false);
    expect(p.spec?.schedulerName).toBe('custom');
    expect(p.spec?.securityContext).toEqual({ runAsUser: 1000 });
  });

  it('defaults requests from limits, for containers and init containers', () => {
    const p = defaulted(
      pod({
        initContainers: [
          { name: 'setup', image: 'busybox', resources: { limits: { memory: '64Mi' } } },
        ],
        containers: [
          {
            name: 'app',
            image: 'nginx',
            resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '250m' } },
          },
        ],
      }),
      defaultPod,
    );
    expect(p.spec?.containers[0]?.resources).toEqual({
      limits: { cpu: '1', memory: '1Gi' },
      requests: { cpu: '250m', memory: '1Gi' },
    });
    expect(p.spec?.initContainers?.[0]?.resources).toEqual({
      limits: { memory: '64Mi' },
      requests: { memory: '64Mi' },
    });
  });

  it('defaults host ports to container ports with host networking', () => {
    const p = defaulted(
      pod({
        hostNetwork: true,
        containers: [
          {
            name: 'app',
            image: 'nginx',
            ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP', hostPort: 53 }],
          },
        ],
      }),
      defaultPod,
    );
    expect(p.spec?.containers[0]?.ports).toEqual([
      { containerPort: 80, hostPort: 80, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP', hostPort: 53 },
    ]);
  });

  it('leaves host ports alone without host networking', () => {
    const p = defaulted(
      pod({ containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] }),
      defaultPod,
    );
    expect(p.spec?.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('rounds quantities up to milli precision', () => {
    const p = defaulted(
      pod({
        containers: [
          {
            name: 'app',
            image: 'nginx',
            resources: {
              limits: { cpu: '1n', memory: '128Mi' },
              requests: { cpu: '1500u', 'example.com/dev': '1' },
            },
          },
        ],
      }),
      defaultPod,
    );
    expect(p.spec?.containers[0]?.resources).toEqual({
      limits: { cpu: '1m', memory: '128Mi' },
      requests: { cpu: '2m', 'example.com/dev': '1', memory: '128Mi' },
    });
  });

  it('defaults probes and hooks', () => {
    const p = defaulted(
      pod({
        containers: [
          {
            name: 'app',
            image: 'nginx',
            livenessProbe: { httpGet: { port: 8080 } },
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
            startupProbe: { grpc: { port: 9090 } },
            lifecycle: { preStop: { httpGet: { port: 8080, path: '/quit' } } },
          },
        ],
      }),
      defaultPod,
    );
    const c = p.spec?.containers[0];
    expect(c?.livenessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c?.readinessProbe).toEqual({
      tcpSocket: { port: 8080 },
      timeoutSeconds: 1,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c?.startupProbe?.grpc).toEqual({ port: 9090, service: '' });
    expect(c?.lifecycle?.preStop?.httpGet).toEqual({ port: 8080, path: '/quit', scheme: 'HTTP' });
  });

  it('defaults env field references to v1', () => {
    const p = defaulted(
      pod({
        containers: [
          {
            name: 'app',
            image: 'nginx',
            env: [
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'A', value: 'b' },
            ],
          },
        ],
      }),
      defaultPod,
    );
    expect(p.spec?.containers[0]?.env).toEqual([
      { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
      { name: 'A', value: 'b' },
    ]);
  });

  it('defaults volumes', () => {
    const p = defaulted(
      pod({
        containers: [{ name: 'app', image: 'nginx' }],
        volumes: [
          { name: 'scratch' },
          { name: 'host', hostPath: { path: '/var/log' } },
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
          {
            name: 'info',
            downwardAPI: {
              items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }],
            },
          },
          { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
          {
            name: 'eph',
            ephemeral: {
              volumeClaimTemplate: {
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: '1Gi' } },
                },
              },
            },
          },
        ],
      }),
      defaultPod,
    );
    expect(p.spec?.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'host', hostPath: { path: '/var/log', type: '' } },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
      {
        name: 'info',
        downwardAPI: {
          defaultMode: 420,
          items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }],
        },
      },
      {
        name: 'proj',
        projected: {
          defaultMode: 420,
          sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }],
        },
      },
      {
        name: 'eph',
        ephemeral: {
          volumeClaimTemplate: {
            spec: {
              accessModes: ['ReadWriteOnce'],
              resources: { requests: { storage: '1Gi' } },
              volumeMode: 'Filesystem',
            },
          },
        },
      },
    ]);
  });

  it('mirrors the deprecated serviceAccount field', () => {
    const a = defaulted(
      pod({ containers: [{ name: 'app', image: 'nginx' }], serviceAccount: 'builder' }),
      defaultPod,
    );
    expect(a.spec?.serviceAccountName).toBe('builder');
    expect(a.spec?.serviceAccount).toBe('builder');
    const b = defaulted(
      pod({ containers: [{ name: 'app', image: 'nginx' }], serviceAccountName: 'builder' }),
      defaultPod,
    );
    expect(b.spec?.serviceAccount).toBe('builder');
  });

  it('drops fields of features that are off in v1.32', () => {
    const p = defaulted(
      pod({
        containers: [
          {
            name: 'app',
            image: 'nginx',
            resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
          },
        ],
        hostUsers: false,
        resourceClaims: [{ name: 'gpu', resourceClaimName: 'gpu' }],
      }),
      defaultPod,
    );
    expect(p.spec?.hostUsers).toBeUndefined();
    expect(p.spec?.resourceClaims).toBeUndefined();
    expect(p.spec?.containers[0]?.resizePolicy).toBeUndefined();
  });

  it('creates a missing spec', () => {
    const p = defaulted(pod(undefined), defaultPod);
    expect(p.spec?.restartPolicy).toBe('Always');
    expect(p.spec?.containers).toEqual([]);
  });

  it('keeps podIP and podIPs in step', () => {
    const p = pod({ containers: [] });
    p.status = { podIP: '10.0.0.5', hostIPs: [{ ip: '192.168.0.10' }] };
    defaulted(p, defaultPod);
    expect(p.status).toEqual({
      podIP: '10.0.0.5',
      podIPs: [{ ip: '10.0.0.5' }],
      hostIP: '192.168.0.10',
      hostIPs: [{ ip: '192.168.0.10' }],
    });
  });
});

describe('defaultPodTemplateSpec', () => {
  it('applies pod spec defaults but not the Pod-only ones', () => {
    const t: PodTemplateSpec = {
      metadata: { labels: { app: 'web' } },
      spec: {
        hostNetwork: true,
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80 }],
            resources: { limits: { cpu: '1' } },
          },
        ],
      },
    };
    defaulted(t, defaultPodTemplateSpec);
    expect(t.spec).toEqual({
      hostNetwork: true,
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { limits: { cpu: '1' } },
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
  });
});

describe('imageTag and the pull policy', () => {
  const digest = 'sha256:' + 'a'.repeat(64);
  const cases: readonly (readonly [string, string, string])[] = [
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.27', '1.27', 'IfNotPresent'],
    ['docker.io/library/nginx', 'latest', 'Always'],
    ['registry.example.com:5000/team/app', 'latest', 'Always'],
    ['registry.example.com:5000/team/app:v2', 'v2', 'IfNotPresent'],
    ['localhost:5000/app:latest', 'latest', 'Always'],
    [`nginx@${digest}`, '', 'IfNotPresent'],
    [`nginx:1.27@${digest}`, '1.27', 'IfNotPresent'],
    ['nginx@sha256:abc', '', 'IfNotPresent'],
    ['NGINX', '', 'IfNotPresent'],
    ['', '', 'IfNotPresent'],
    ['a'.repeat(64), '', 'IfNotPresent'],
  ];

  it.each(cases)('%s', (image, tag, policy) => {
    expect(imageTag(image)).toBe(tag);
    const c: Container = { name: 'app', image };
    defaultContainer(c);
    expect(c.imagePullPolicy).toBe(policy);
  });
});

// The decoder already canonicalises quantities ("0.5" -> "500m"); defaulting only rounds to milli.
describe('defaultResourceList', () => {
  it.each([
    ['1n', '1m'],
    ['1500u', '2m'],
    ['1001u', '2m'],
    ['100m', '100m'],
    ['1Gi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['2', '2'],
    ['-1n', '-1m'],
  ])('%s -> %s', (input, output) => {
    const list = { cpu: input };
    defaultResourceList(list);
    expect(list.cpu).toBe(output);
  });
});

describe('defaultService', () => {
  const service = (spec: Service['spec']): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    ...(spec ? { spec } : {}),
  });

  it('defaults a ClusterIP service', () => {
    const s = defaulted(
      service({
        selector: { app: 'web' },
        ports: [{ port: 80 }, { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }],
      }),
      defaultService,
    );
    expect(s.spec).toEqual({
      selector: { app: 'web' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
      ],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('defaults externally reachable services', () => {
    const np = defaulted(service({ type: 'NodePort', ports: [{ port: 80 }] }), defaultService);
    expect(np.spec?.externalTrafficPolicy).toBe('Cluster');
    const lb = defaulted(service({ type: 'LoadBalancer', ports: [{ port: 80 }] }), defaultService);
    expect(lb.spec?.externalTrafficPolicy).toBe('Cluster');
    expect(lb.spec?.allocateLoadBalancerNodePorts).toBe(true);
    const ext = defaulted(
      service({ ports: [{ port: 80 }], externalIPs: ['203.0.113.5'] }),
      defaultService,
    );
    expect(ext.spec?.externalTrafficPolicy).toBe('Cluster');
  });

  it('does not give ExternalName services traffic policies', () => {
    const s = defaulted(
      service({ type: 'ExternalName', externalName: 'example.com' }),
      defaultService,
    );
    expect(s.spec).toEqual({
      type: 'ExternalName',
      externalName: 'example.com',
      sessionAffinity: 'None',
    });
  });

  it('defaults the client IP affinity timeout and drops the config for None', () => {
    const s = defaulted(
      service({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }),
      defaultService,
    );
    expect(s.spec?.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    const n = defaulted(
      service({
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } },
        ports: [{ port: 80 }],
      }),
      defaultService,
    );
    expect(n.spec?.sessionAffinityConfig).toBeUndefined();
  });

  it('defaults ingress ipMode on load balancers', () => {
    const s = service({ type: 'LoadBalancer', ports: [{ port: 80 }] });
    s.status = {
      loadBalancer: { ingress: [{ ip: '203.0.113.5' }, { hostname: 'lb.example.com' }] },
    };
    defaulted(s, defaultService);
    expect(s.status.loadBalancer?.ingress).toEqual([
      { ip: '203.0.113.5', ipMode: 'VIP' },
      { hostname: 'lb.example.com' },
    ]);
  });
});

describe('other kinds', () => {
  it('defaults endpoint port protocols', () => {
    const e: Endpoints = {
      metadata: { name: 'web' },
      subsets: [{ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 80 }] }],
    };
    defaulted(e, defaultEndpoints);
    expect(e.subsets?.[0]?.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
  });

  it('labels a namespace with its name and makes it Active', () => {
    const n: Namespace = { metadata: { name: 'team-a', labels: { team: 'a' } } };
    defaulted(n, defaultNamespace);
    expect(n.metadata?.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'team-a' });
    expect(n.status).toEqual({ phase: 'Active' });
  });

  it('overrides a wrong metadata.name label', () => {
    const n: Namespace = {
      metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'other' } },
    };
    defaulted(n, defaultNamespace);
    expect(n.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
  });

  it('defaults node allocatable from capacity', () => {
    const node = defaulted<Node>(
      {
        metadata: { name: 'n' },
        status: { capacity: { cpu: '4', memory: '1536Mi', 'example.com/x': '1n' } },
      },
      defaultNode,
    );
    expect(node.status?.allocatable).toEqual({ cpu: '4', memory: '1536Mi', 'example.com/x': '1m' });
    expect(node.status?.capacity).toEqual({ cpu: '4', memory: '1536Mi', 'example.com/x': '1m' });
  });

  it('merges secret stringData into data and defaults the type', () => {
    const s: Secret = {
      metadata: { name: 's' },
      data: { a: 'eA==', b: 'eQ==' },
      stringData: { b: 'hello', c: 'wörld' },
    };
    defaulted(s, defaultSecret);
    expect(s).toEqual({
      metadata: { name: 's' },
      data: { a: 'eA==', b: 'aGVsbG8=', c: 'd8O2cmxk' },
      type: 'Opaque',
    });
  });

  it('keeps a secret type', () => {
    const s: Secret = { metadata: { name: 's' }, type: 'kubernetes.io/tls' };
    defaulted(s, defaultSecret);
    expect(s.type).toBe('kubernetes.io/tls');
  });

  it('defaults persistent volumes and claims', () => {
    const pv = defaulted(
      {
        metadata: { name: 'pv' },
        spec: { capacity: { storage: '1Gi' }, rbd: { monitors: ['m'], image: 'img' } },
      },
      defaultPersistentVolume,
    );
    expect(pv).toEqual({
      metadata: { name: 'pv' },
      spec: {
        capacity: { storage: '1Gi' },
        rbd: {
          monitors: ['m'],
          image: 'img',
          pool: 'rbd',
          user: 'admin',
          keyring: '/etc/ceph/keyring',
        },
        persistentVolumeReclaimPolicy: 'Retain',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Pending' },
    });
    const pvc = defaulted<PersistentVolumeClaim>(
      {
        metadata: { name: 'c' },
        spec: {
          accessModes: ['ReadWriteOnce' as const],
          resources: { requests: { storage: '1Gi' } },
        },
      },
      defaultPersistentVolumeClaim,
    );
    expect(pvc.spec?.volumeMode).toBe('Filesystem');
    expect(pvc.status).toEqual({ phase: 'Pending' });
  });

  it('defaults replication controllers from their template', () => {
    const rc = defaulted(
      {
        metadata: { name: 'web' },
        spec: {
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'app', image: 'nginx' }] },
          },
        },
      },
      defaultReplicationController,
    );
    expect(rc.spec).toMatchObject({ selector: { app: 'web' }, replicas: 1 });
    expect(rc.metadata).toEqual({ name: 'web', labels: { app: 'web' } });
    expect(rc.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always' });
  });

  it('defaults limit range items and quota quantities', () => {
    const lr = defaulted(
      {
        metadata: { name: 'l' },
        spec: { limits: [{ type: 'Pod' as const, max: { cpu: '500u' } }] },
      },
      defaultLimitRange,
    );
    expect(lr.spec.limits[0]).toEqual({ type: 'Pod', max: { cpu: '1m' } });
    const rq = defaulted(
      { metadata: { name: 'q' }, spec: { hard: { cpu: '1500m', memory: '10n' } } },
      defaultResourceQuota,
    );
    expect(rq.spec.hard).toEqual({ cpu: '1500m', memory: '1m' });
  });

  it('leaves config maps alone', () => {
    const cm: ConfigMap = { metadata: { name: 'c' } };
    defaulted(cm, defaultNothing);
    expect(cm).toEqual({ metadata: { name: 'c' } });
  });
});
