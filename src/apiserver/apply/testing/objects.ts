/** Objects for the apply tests: a manifest as users write it and the object as stored. */

/** The manifest a user applies (`kubectl apply -f web.yaml`). */
export function webManifest(
  opts: { replicas?: number; image?: string; labels?: Record<string, string> } = {},
): Record<string, unknown> {
  const labels = opts.labels ?? { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      ...(opts.replicas === undefined ? {} : { replicas: opts.replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'app', image: opts.image ?? 'nginx:1.25', ports: [{ containerPort: 80 }] },
          ],
        },
      },
    },
  };
}

/** What the API server's defaulting makes of a Deployment (the parts our test schema has). */
export function defaulted(obj: Record<string, unknown>): Record<string, unknown> {
  const o = structuredClone(obj) as {
    metadata?: Record<string, unknown>;
    spec?: {
      replicas?: number;
      strategy?: Record<string, unknown>;
      revisionHistoryLimit?: number;
      progressDeadlineSeconds?: number;
      template?: { spec?: Record<string, unknown> & { containers?: Record<string, unknown>[] } };
    };
    status?: Record<string, unknown>;
  };
  const spec = (o.spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
  };
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  const pod = ((spec.template ??= {}).spec ??= {});
  pod['restartPolicy'] ??= 'Always';
  pod['dnsPolicy'] ??= 'ClusterFirst';
  pod['schedulerName'] ??= 'default-scheduler';
  pod['terminationGracePeriodSeconds'] ??= 30;
  pod['securityContext'] ??= {};
  for (const c of pod.containers ?? []) {
    c['imagePullPolicy'] ??= 'IfNotPresent';
    c['terminationMessagePath'] ??= '/dev/termination-log';
    c['terminationMessagePolicy'] ??= 'File';
    c['resources'] ??= {};
    for (const p of (c['ports'] as Record<string, unknown>[] | undefined) ?? []) {
      p['protocol'] ??= 'TCP';
    }
  }
  return o;
}

/** The object as stored: defaulted, with the server's metadata, plus `extra` merged in. */
export function stored(
  obj: Record<string, unknown>,
  managedFields: unknown[] | undefined,
): Record<string, unknown> {
  const o = defaulted(obj);
  const metadata: Record<string, unknown> = {
    ...(o['metadata'] as Record<string, unknown>),
    uid: '5f1c6a2e-0000-4000-8000-000000000001',
    resourceVersion: '100',
    generation: 1,
    creationTimestamp: '2024-05-01T09:00:00Z',
  };
  if (managedFields !== undefined) metadata['managedFields'] = managedFields;
  return { ...o, metadata };
}
