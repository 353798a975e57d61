export {
  type ContainerLogReadOptions,
  ContainerLogError,
  ContainerLogFile,
  openContainerLog,
  readContainerLog,
} from './read-container-log.ts';
export {
  type CriLogLine,
  type LogStream,
  type LogTimestamp,
  formatLogTimestamp,
  parseCriLogLine,
  parseLogTimestamp,
} from './cri-log-line.ts';
export {
  ContainerLogManager,
  type ContainerLogManagerOptions,
  type ContainerLogPolicy,
  DEFAULT_CONTAINER_LOG_MAX_FILES,
  DEFAULT_CONTAINER_LOG_MAX_SIZE,
  removeContainerLogs,
} from './container-log-manager.ts';
