// The kubelet API server (HTTPS, port 10250) and the interface the kubelet core implements for it.
export {
  type KubeletServerOptions,
  type KubeletServerTls,
  type RunningKubeletServer,
  DEFAULT_KUBELET_PORT,
  startKubeletServer,
} from './kubelet-server.ts';
export {
  type ContainerLogFailure,
  type ContainerLogRequest,
  type ContainerLogSource,
  type ContainerLogTarget,
  isContainerLogFailure,
} from './types.ts';
export {
  type LogContainerId,
  containerNotAvailable,
  containerNotFound,
  containerTerminated,
  containerWaiting,
  podHasContainer,
  podNotFound,
  previousNotFound,
  validateContainerLogStatus,
} from './container-log-status.ts';
export {
  type KubeletAuthorizer,
  type KubeletUser,
  APISERVER_KUBELET_CLIENT_USER,
  defaultKubeletAuthorizer,
} from './client-auth.ts';
