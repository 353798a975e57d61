/**
 * core/v1: Probes (liveness, readiness, startup) and lifecycle hooks (postStart, preStop), with
 * their actions.
 */
import {
  atomicList,
  field,
  int32,
  int64,
  intOrString,
  object,
  requiredField,
  string,
  type Infer,
} from '../../schema/schema.ts';
import { uriSchemeValues } from './enums.ts';

export const execActionSchema = object(
  'io.k8s.api.core.v1.ExecAction',
  'Runs a command inside the container.',
  {
    command: atomicList(
      string(),
      'The command and its arguments, run directly (not through a shell) with / as the working directory. Exit status 0 means success. Wrap in ["sh", "-c", "..."] to use shell syntax.',
      { proto: 1 },
    ),
  },
);
export type ExecAction = Infer<typeof execActionSchema>;

export const httpHeaderSchema = object(
  'io.k8s.api.core.v1.HTTPHeader',
  'One HTTP header sent by a probe or hook.',
  {
    name: requiredField(string(), 'Header name; compared case-insensitively.', { proto: 1 }),
    value: requiredField(string(), 'Header value.', { proto: 2 }),
  },
);
export type HTTPHeader = Infer<typeof httpHeaderSchema>;

export const httpGetActionSchema = object(
  'io.k8s.api.core.v1.HTTPGetAction',
  'Performs an HTTP GET request; a status code from 200 to 399 counts as success.',
  {
    path: field(string(), 'Request path, e.g. /healthz.', { proto: 1 }),
    port: requiredField(
      intOrString(),
      'Port number (1-65535) or name of a container port to connect to.',
      { proto: 2 },
    ),
    host: field(
      string(),
      'Host to connect to. Defaults to the pod IP; to send a Host header, use httpHeaders instead.',
      { proto: 3 },
    ),
    scheme: field(
      string({ enum: uriSchemeValues }),
      'HTTP or HTTPS (certificates are not verified). Defaults to HTTP.',
      { proto: 4 },
    ),
    httpHeaders: atomicList(
      httpHeaderSchema,
      'Extra request headers; repeated names are allowed.',
      { proto: 5 },
    ),
  },
);
export type HTTPGetAction = Infer<typeof httpGetActionSchema>;

export const tcpSocketActionSchema = object(
  'io.k8s.api.core.v1.TCPSocketAction',
  'Opens a TCP connection; success if it connects.',
  {
    port: requiredField(
      intOrString(),
      'Port number (1-65535) or name of a container port to connect to.',
      { proto: 1 },
    ),
    host: field(string(), 'Host to connect to. Defaults to the pod IP.', { proto: 2 }),
  },
);
export type TCPSocketAction = Infer<typeof tcpSocketActionSchema>;

export const grpcActionSchema = object(
  'io.k8s.api.core.v1.GRPCAction',
  'Calls the standard gRPC health-checking service; success if it answers SERVING.',
  {
    port: requiredField(int32(), 'Port of the gRPC server, 1-65535.', { proto: 1 }),
    service: field(
      string(),
      'Service name sent in the health-check request. Empty asks about the server as a whole.',
      { default: '', proto: 2 },
    ),
  },
);
export type GRPCAction = Infer<typeof grpcActionSchema>;

export const sleepActionSchema = object(
  'io.k8s.api.core.v1.SleepAction',
  'Pauses for a number of seconds.',
  {
    seconds: requiredField(int64(), 'How many seconds to sleep.', { proto: 1 }),
  },
);
export type SleepAction = Infer<typeof sleepActionSchema>;

export const probeSchema = object(
  'io.k8s.api.core.v1.Probe',
  'A periodic check of a container, by exactly one of exec, httpGet, tcpSocket or grpc, with its timing and thresholds.',
  {
    exec: field(execActionSchema, 'Run a command in the container; exit status 0 is success.', {
      proto: 1,
    }),
    httpGet: field(httpGetActionSchema, 'Send an HTTP GET; status 200-399 is success.', {
      proto: 2,
    }),
    tcpSocket: field(tcpSocketActionSchema, 'Open a TCP connection; connecting is success.', {
      proto: 3,
    }),
    grpc: field(grpcActionSchema, 'Call the gRPC health service; SERVING is success.', {
      proto: 4,
    }),
    initialDelaySeconds: field(
      int32(),
      'Seconds to wait after the container starts before the first probe. Defaults to 0.',
      { proto: 2 },
    ),
    timeoutSeconds: field(
      int32(),
      'Seconds after which one probe attempt times out (counts as a failure). Defaults to 1; minimum 1.',
      { proto: 3 },
    ),
    periodSeconds: field(int32(), 'Seconds between probe attempts. Defaults to 10; minimum 1.', {
      proto: 4,
    }),
    successThreshold: field(
      int32(),
      'Consecutive successes needed, after a failure, to count as healthy again. Defaults to 1; must be 1 for liveness and startup probes.',
      { proto: 5 },
    ),
    failureThreshold: field(
      int32(),
      'Consecutive failures needed to count as failed. Defaults to 3; minimum 1.',
      { proto: 6 },
    ),
    terminationGracePeriodSeconds: field(
      int64(),
      "Grace period used when this probe's failure kills the container, instead of the pod's terminationGracePeriodSeconds. Only for liveness and startup probes; minimum 1.",
      { proto: 7 },
    ),
  },
);
export type Probe = Infer<typeof probeSchema>;

export const lifecycleHandlerSchema = object(
  'io.k8s.api.core.v1.LifecycleHandler',
  'The action of a lifecycle hook: exactly one of exec, httpGet or sleep.',
  {
    exec: field(execActionSchema, 'Run a command in the container.', { proto: 1 }),
    httpGet: field(httpGetActionSchema, 'Send an HTTP GET request to the container.', { proto: 2 }),
    tcpSocket: field(
      tcpSocketActionSchema,
      'Deprecated and not supported: kept only so old manifests decode; a hook using it fails at run time.',
      { proto: 3 },
    ),
    sleep: field(sleepActionSchema, 'Sleep for a number of seconds.', { proto: 4 }),
  },
);
export type LifecycleHandler = Infer<typeof lifecycleHandlerSchema>;

export const lifecycleSchema = object(
  'io.k8s.api.core.v1.Lifecycle',
  'Hooks run when a container starts and before it is stopped. The container is not managed further until a hook finishes.',
  {
    postStart: field(
      lifecycleHandlerSchema,
      'Runs right after the container is created. If it fails, the container is killed and restarted according to its restart policy; the container is not reported Running until it completes.',
      { proto: 1 },
    ),
    preStop: field(
      lifecycleHandlerSchema,
      'Runs before the container is stopped by an API request or a management event (probe failure, preemption, eviction), but not when it exits on its own. It counts against the termination grace period; the container is stopped when the hook ends or the period runs out.',
      { proto: 2 },
    ),
  },
);
export type Lifecycle = Infer<typeof lifecycleSchema>;

/** The action part of a Probe: upstream's inline ProbeHandler (exactly one field is set). */
export type ProbeHandler = Pick<Probe, 'exec' | 'httpGet' | 'tcpSocket' | 'grpc'>;
