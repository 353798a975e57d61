export {
  type ContainerConfig,
  type ContainerEvent,
  type ContainerEventType,
  type ContainerRuntime,
  type ContainerState,
  type ContainerStatus,
  type ContainerCommandRunner,
  type DnsConfig,
  type ExecSyncResult,
  ExecSyncTimeoutError,
  type LinuxContainerResources,
  type LinuxContainerSecurity,
  type Mount,
  type PodSandboxConfig,
  type PodSandboxStatus,
  type PortMapping,
  type SandboxState,
  RuntimeError,
} from './types.ts';
export {
  FakeRuntime,
  FakeRuntimeState,
  type FakeRuntimeOptions,
  type FakeContainerBehavior,
  type FakeRuntimeOperation,
  type FakeRuntimeCall,
} from './fake-runtime.ts';
export { RuncRuntime, type RuncRuntimeOptions } from './runc/index.ts';
