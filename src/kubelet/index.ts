// The node agent (kubelet): its public surface. Implementations of the runtime, image, network,
// cgroup and volume interfaces are exported by their own folders' index.ts.
export { startNodeAgent, type NodeAgent, type NodeAgentOptions } from './node-agent.ts';
export type { ContainerLogPolicy } from './logs/index.ts';
export {
  hostMachineInfo,
  primaryIPv4,
  type MachineFacts,
  type MachineInfo,
} from './machine-info.ts';
export { computePodActions, type PodActions } from './pod-actions.ts';
export { generateAPIPodStatus, getPhase } from './pod-status.ts';
export {
  containerLogPath,
  containerLogsDirectory,
  defaultPodLogsDir,
  podLogsDirectory,
} from './log-paths.ts';
