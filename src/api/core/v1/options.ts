/**
 * The option kinds of the pod, node and service subresources (`pods/log`, `pods/exec`,
 * `pods/attach`, `pods/portforward`, `*\/proxy`). Clients send them as query parameters; they are
 * never stored. (`pods/binding` takes a Binding, `pods/ephemeralcontainers` a whole Pod.)
 */
import {
  array,
  atomicList,
  boolean,
  field,
  int32,
  int64,
  object,
  requiredField,
  string,
  time,
  type Infer,
} from '../../schema/schema.ts';

const apiVersionField = field(string(), 'The versioned schema of this representation.');
const kindField = field(string(), 'The REST resource this object represents.');

export const podLogOptionsSchema = object(
  'io.k8s.api.core.v1.PodLogOptions',
  'Options of a request for the log of a container (pods/log).',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    container: field(
      string(),
      'Container whose log is returned. May be omitted when the pod has a single container.',
      { proto: 1 },
    ),
    follow: field(boolean(), 'Keep the stream open and send new lines as they are written.', {
      proto: 2,
    }),
    previous: field(boolean(), 'Return the log of the previous, terminated run of the container.', {
      proto: 3,
    }),
    sinceSeconds: field(
      int64(),
      'Only lines written in the last N seconds. Not allowed together with sinceTime.',
      { proto: 4 },
    ),
    sinceTime: field(
      time(),
      'Only lines written at or after this time (RFC 3339). Not allowed together with sinceSeconds.',
      { proto: 5 },
    ),
    timestamps: field(boolean(), 'Prefix every line with its RFC 3339 timestamp.', { proto: 6 }),
    tailLines: field(int64(), 'Only the last N lines. Unset returns the whole log.', { proto: 7 }),
    limitBytes: field(
      int64(),
      'Stop after this many bytes (the last line may be cut). Unset means no limit.',
      { proto: 8 },
    ),
    insecureSkipTLSVerifyBackend: field(
      boolean(),
      "Do not verify the serving certificate of the node's kubelet when fetching the log.",
      { proto: 9 },
    ),
    stream: field(
      string(),
      'Which stream to return: All (stdout and stderr interleaved, the default), Stdout or Stderr. Only All is allowed with tailLines. Alpha (PodLogsQuerySplitStreams feature).',
      { proto: 10 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'PodLogOptions' }] },
);
export type PodLogOptions = Infer<typeof podLogOptionsSchema>;

export const podAttachOptionsSchema = object(
  'io.k8s.api.core.v1.PodAttachOptions',
  'Options of a request to attach to the main process of a running container (pods/attach).',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    stdin: field(boolean(), "Send the client's stdin to the container. Defaults to false.", {
      proto: 1,
    }),
    stdout: field(boolean(), "Return the container's stdout.", { proto: 2 }),
    stderr: field(boolean(), "Return the container's stderr.", { proto: 3 }),
    tty: field(
      boolean(),
      'The stream is a terminal: stdout and stderr arrive combined on stdout. Defaults to false.',
      { proto: 4 },
    ),
    container: field(
      string(),
      'Container to attach to. May be omitted when the pod has a single container.',
      { proto: 5 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'PodAttachOptions' }] },
);
export type PodAttachOptions = Infer<typeof podAttachOptionsSchema>;

export const podExecOptionsSchema = object(
  'io.k8s.api.core.v1.PodExecOptions',
  'Options of a request to run a command in a running container (pods/exec).',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    stdin: field(boolean(), "Send the client's stdin to the command. Defaults to false.", {
      proto: 1,
    }),
    stdout: field(boolean(), "Return the command's stdout.", { proto: 2 }),
    stderr: field(boolean(), "Return the command's stderr.", { proto: 3 }),
    tty: field(
      boolean(),
      'Run the command in a terminal: stdout and stderr arrive combined on stdout. Defaults to false.',
      { proto: 4 },
    ),
    container: field(
      string(),
      'Container to run the command in. May be omitted when the pod has a single container.',
      { proto: 5 },
    ),
    command: requiredField(
      array(string()),
      'The command and its arguments, run directly (not through a shell).',
      { listType: 'atomic', proto: 6 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'PodExecOptions' }] },
);
export type PodExecOptions = Infer<typeof podExecOptionsSchema>;

export const podPortForwardOptionsSchema = object(
  'io.k8s.api.core.v1.PodPortForwardOptions',
  'Options of a request to forward ports of a pod (pods/portforward).',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    ports: atomicList(
      int32(),
      'Pod ports to forward. Required over WebSocket; with SPDY each stream names its port.',
      { proto: 1 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'PodPortForwardOptions' }] },
);
export type PodPortForwardOptions = Infer<typeof podPortForwardOptionsSchema>;

export const podProxyOptionsSchema = object(
  'io.k8s.api.core.v1.PodProxyOptions',
  'Options of a request proxied to a pod (pods/proxy).',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    path: field(string(), 'Path of the request sent to the pod.', { proto: 1 }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'PodProxyOptions' }] },
);
export type PodProxyOptions = Infer<typeof podProxyOptionsSchema>;

export const nodeProxyOptionsSchema = object(
  'io.k8s.api.core.v1.NodeProxyOptions',
  "Options of a request proxied to a node's kubelet (nodes/proxy).",
  {
    apiVersion: apiVersionField,
    kind: kindField,
    path: field(string(), 'Path of the request sent to the node.', { proto: 1 }),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'NodeProxyOptions' }] },
);
export type NodeProxyOptions = Infer<typeof nodeProxyOptionsSchema>;

export const serviceProxyOptionsSchema = object(
  'io.k8s.api.core.v1.ServiceProxyOptions',
  'Options of a request proxied to a service (services/proxy).',
  {
    apiVersion: apiVersionField,
    kind: kindField,
    path: field(
      string(),
      'Path of the request sent to the service, appended to the proxy URL of the chosen endpoint.',
      { proto: 1 },
    ),
  },
  { gvk: [{ group: '', version: 'v1', kind: 'ServiceProxyOptions' }] },
);
export type ServiceProxyOptions = Infer<typeof serviceProxyOptionsSchema>;
