export { type Clock, realClock, FakeClock } from './clock.ts';
export {
  type Logger,
  type LogLevel,
  type LogFields,
  type LoggerOptions,
  createLogger,
  silentLogger,
  formatLine,
} from './logger.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export {
  AbortError,
  throwIfAborted,
  anySignal,
  isAbortError,
  lifetimeAbortController,
} from './abort.ts';
export {
  SpawnHelper,
  runProcess,
  builtinsAvailable,
  type RunProcessOptions,
  type ProcessResult,
  type RunningProcess,
} from './spawn-helper.ts';
export { PriorityLimiter } from './priority-limiter.ts';
export { isMountPoint } from './mount-point.ts';
export { goArch } from './arch.ts';
export {
  mountCommand,
  umountCommand,
  pinNamespacesCommand,
  type HostCommand,
  type MountFlag,
  type MountRequest,
  type PinRequest,
} from './host-commands.ts';
export { errorMessage } from './errors.ts';
export { allDone } from './promises.ts';
export * as localFs from './local-fs.ts';
export { ownBytes } from './bytes.ts';
export { type ParsedIP, parseIPSloppy, parseCIDRSloppy, isIPv4 } from './ip.ts';
