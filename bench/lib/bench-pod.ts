/**
 * The pod every pod benchmark starts: two busybox containers that sleep and exit at once on
 * SIGTERM (a shell trap; `sleep` as PID 1 would ignore it and make every deletion wait for the
 * grace period). podbay gets it as JSON through the API, podman as a file for `kube play` (JSON is
 * YAML), and the raw floor runs the same command in its runc bundles.
 */

export const podCommand = ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"];
export const containerNames = ['a', 'b'] as const;

export interface BenchPodManifest {
  readonly apiVersion: 'v1';
  readonly kind: 'Pod';
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: unknown;
}

export function benchPod(name: string, image: string): BenchPodManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'podbay-bench' } },
    spec: {
      terminationGracePeriodSeconds: 2,
      containers: containerNames.map((c) => ({
        name: c,
        image,
        imagePullPolicy: 'IfNotPresent',
        command: podCommand,
      })),
    },
  };
}
