// Exec, attach and port-forward: the kubelet API's streaming endpoints and what they need.
export {
  type AttachRequest,
  type AttachStreams,
  type ContainerTarget,
  type ContainerTargetRequest,
  type ExecRequest,
  type PodTarget,
  type PodTargetRequest,
  type PortForwardRequest,
  type StreamingFailure,
  type StreamingRuntime,
  type StreamingTargets,
  type TerminalSize,
  StreamingError,
  isStreamingFailure,
} from './types.ts';
export {
  type StreamingServerOptions,
  DEFAULT_STREAM_CREATION_TIMEOUT_MS,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  StreamingServer,
  isStreamingPath,
  parseStreamingPath,
} from './streaming-server.ts';
export {
  type NodeStreamingTargetsOptions,
  NodeStreamingTargets,
  attachContainerNotFound,
  execContainerNotFound,
  podDoesNotExist,
  podNotRunning,
  podUidMismatch,
} from './streaming-targets.ts';
export {
  type FakeExecHandler,
  type FakeStreamingCall,
  type FakeStreamingRuntimeOptions,
  FakeStreamingRuntime,
} from './fake-streaming-runtime.ts';
export { type SpliceOptions, type SpliceResult, type SpliceTarget, splice } from './splice.ts';
