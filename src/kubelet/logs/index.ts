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
