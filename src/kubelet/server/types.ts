/**
 * What the kubelet API server (kubelet-server.ts) needs from the kubelet core: where a container's
 * log is. The core implements `ContainerLogSource` from its pod manager, status manager and runtime;
 * the server does HTTP, authentication, option parsing and the reading itself.
 */

/** One `GET /containerLogs/{namespace}/{pod}/{container}?previous=...` request. */
export interface ContainerLogRequest {
  readonly namespace: string;
  /** The pod's name. */
  readonly pod: string;
  /** A container of the pod: init, regular or ephemeral. */
  readonly container: string;
  /** The log of the previous, terminated instance (`kubectl logs --previous`). */
  readonly previous: boolean;
}

/** The log of one container instance. */
export interface ContainerLogTarget {
  /** The instance's CRI-format log file (ContainerConfig.logPath / ContainerStatus.logPath). */
  readonly path: string;
  /** The runtime's id of the instance, for log lines. */
  readonly containerId: string;
  /**
   * Resolves once this instance has exited, at once if it already has (the runtime's exit event,
   * e.g. the PLEG's `exited`, not polling). `follow` reads to the end once more after that, then
   * ends the response. Called at most once per request, with a signal that aborts when the request
   * ends for any reason; drop listeners then (the promise may stay pending).
   */
  waitForExit(signal: AbortSignal): Promise<void>;
}

/** Why there is no log to show; the server answers `code` with `error` as a plain-text body. */
export interface ContainerLogFailure {
  /** 404 for an unknown pod or container, 400 for a container with no log (yet). */
  readonly code: number;
  /** Upstream's text; see container-log-status.ts for the builders. */
  readonly error: string;
}

/**
 * Locates container logs for the kubelet API server.
 *
 * Called once per log request, before anything is sent; may run concurrently for many requests.
 * Must not throw for a pod or container that does not exist: answer a failure (the builders in
 * container-log-status.ts give upstream's texts and codes, and `validateContainerLogStatus` picks
 * the container instance from a pod status as the kubelet does). A thrown error becomes a 500.
 */
export interface ContainerLogSource {
  resolve(req: ContainerLogRequest): Promise<ContainerLogTarget | ContainerLogFailure>;
}

export function isContainerLogFailure(
  r: ContainerLogTarget | ContainerLogFailure,
): r is ContainerLogFailure {
  return 'error' in r;
}
