// The prober: liveness, readiness and startup probes of containers (upstream pkg/kubelet/prober
// and pkg/probe), and the HTTP GET that lifecycle hooks share with httpGet probes.
export { ProbeManager, type ProbeManagerOptions, type ProbeUpdate } from './prober-manager.ts';
export {
  Prober,
  containerEventRef,
  probeSpec,
  type ContainerProber,
  type ProbeHandlers,
  type ProberOptions,
} from './prober.ts';
export { ResultsManager, type ResultUpdate } from './results-manager.ts';
export { parseContainerId } from './worker.ts';
export {
  httpGet,
  HttpGetError,
  newRequestForHTTPGetAction,
  requestUrl,
  type HttpGetRequest,
  type HttpGetResponse,
} from './http-get.ts';
export { resolveContainerPort, PortResolutionError } from './resolve-port.ts';
export { httpProbe } from './http-probe.ts';
export { tcpProbe } from './tcp-probe.ts';
export { grpcProbe } from './grpc-probe.ts';
export { execProbe, expandProbeCommand } from './exec-probe.ts';
export { goStringSlice, goDuration } from './go-format.ts';
export {
  kubeMajorMinor,
  probeTypeName,
  type ProbeOutcome,
  type ProbeResult,
  type ProbeType,
  type Result,
} from './types.ts';
