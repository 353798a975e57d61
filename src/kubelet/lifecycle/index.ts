// Lifecycle hooks (postStart, preStop) and activeDeadlineSeconds (upstream pkg/kubelet/lifecycle
// and active_deadline.go).
export {
  HandlerRunner,
  type HandlerRunnerOptions,
  type HookResult,
  type RunHandlerOptions,
} from './handler-runner.ts';
export { executePreStopHook, type PreStopOptions } from './pre-stop.ts';
export {
  activeDeadlineMessage,
  activeDeadlineReason,
  activeDeadlineRemainingMs,
  pastActiveDeadline,
} from './active-deadline.ts';
