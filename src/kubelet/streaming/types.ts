/**
 * What the kubelet's streaming endpoints (`/exec`, `/attach`, `/portForward` on the kubelet API)
 * need from the rest of the node agent, as two interfaces:
 *
 *   StreamingRuntime   runs the streams: exec a command in a running container, attach to a
 *                      container's main process, connect to a port in a pod's network namespace.
 *                      CRI's Exec/Attach/PortForward, without the URL indirection. Implemented by
 *                      the runc runtime (runc exec, conmon's attach socket, the pod netns) and by
 *                      FakeStreamingRuntime for tests.
 *   StreamingTargets   finds what a request names: the running container of a pod (exec, attach)
 *                      or the pod's sandbox (port-forward), with upstream's errors when there is
 *                      none. Implemented by the node agent from its pods and the runtime.
 *
 * The streaming server (streaming-server.ts) does everything protocol-side: the upgrade
 * (WebSocket channel.k8s.io v1–v5, SPDY/3.1 remotecommand v1–v4 and portforward.k8s.io, SPDY
 * tunnelled over WebSocket), the streams, the exit status, and tearing down when the client goes.
 */
import type { Duplex, Readable, Writable } from 'node:stream';

/** A terminal size, as the client's resize stream sends it (`{"Width":80,"Height":24}`). */
export interface TerminalSize {
  readonly width: number;
  readonly height: number;
}

/** The client-facing streams of one exec or attach. */
export interface AttachStreams {
  /**
   * What the client types; present when it asked for stdin. Ends when the client closes its stdin
   * (SPDY FIN, WebSocket v5 close, or the connection going): give the process EOF then.
   */
  readonly stdin?: Readable;
  /** The process's stdout (with a tty: the terminal's output). End it when the output ends. */
  readonly stdout?: Writable;
  /** The process's stderr; never present with a tty (stdout carries everything). */
  readonly stderr?: Writable;
  readonly tty: boolean;
  /**
   * Terminal sizes (tty only): the client sends the initial size first, then every change. Ends
   * when the session ends.
   */
  readonly resize?: AsyncIterable<TerminalSize>;
  /** Aborts when the client went away or the server is stopping: stop and clean up. */
  readonly signal: AbortSignal;
}

export interface ExecRequest extends AttachStreams {
  /** A running container, from StreamingTargets.container. */
  readonly containerId: string;
  /** The command and its arguments, run directly (no shell). */
  readonly command: readonly string[];
}

export interface AttachRequest extends AttachStreams {
  readonly containerId: string;
}

export interface PortForwardRequest {
  /** The pod's sandbox, from StreamingTargets.pod. */
  readonly sandboxId: string;
  /** A TCP port in the pod's network namespace (on its loopback). */
  readonly port: number;
  /**
   * The client's connection: read what it sends, write what the port answers. Its readable ends
   * when the client half-closes (shut the TCP write side then); end it when the port's side ends.
   */
  readonly stream: Duplex;
  readonly signal: AbortSignal;
}

/**
 * An error to show the client as is (its message becomes the error stream's text or the
 * InternalError status message), e.g. a command that cannot start.
 */
export class StreamingError extends Error {
  override readonly name = 'StreamingError';
}

/**
 * Runs streaming sessions in containers and pods. Every method may be called many times at once
 * for the same container or pod. Each resolves only when its session is over and everything it
 * started has stopped (processes reaped, sockets closed); on `signal` abort it stops promptly.
 */
export interface StreamingRuntime {
  /**
   * Runs a command in a running container with the given streams (CRI Exec) and resolves with its
   * exit code (128+n when a signal ended it). Rejects when it cannot run at all (no such
   * container, not running, no such executable…): the client sees `error executing command in
   * container: <message>`.
   */
  exec(req: ExecRequest): Promise<{ readonly exitCode: number }>;
  /**
   * Connects the streams to the container's main process (CRI Attach) until the process exits or
   * the client leaves. stdin reaches the process only if the container was created with stdin.
   */
  attach(req: AttachRequest): Promise<void>;
  /**
   * Connects `stream` to TCP `port` on the pod's loopback, inside its network namespace (CRI
   * PortForward). Rejects when the connection cannot be made (the client sees the message on its
   * error stream); resolves when both directions are done.
   */
  portForward(req: PortForwardRequest): Promise<void>;
}

/** Why there is nothing to stream to; the server answers `code` with `message` as plain text. */
export interface StreamingFailure {
  readonly code: number;
  readonly message: string;
}

export interface ContainerTargetRequest {
  /** Which endpoint asks: the not-found wording differs upstream. */
  readonly kind: 'exec' | 'attach';
  readonly namespace: string;
  readonly pod: string;
  /** Present when the path named the pod's uid: a pod with another uid is not it. */
  readonly uid?: string;
  readonly container: string;
}

export interface ContainerTarget {
  /** The running container's runtime id. */
  readonly containerId: string;
  /** The container spec's tty: attach uses it whatever the client asked (upstream GetAttach). */
  readonly tty: boolean;
  /** The container spec's stdin. */
  readonly stdin: boolean;
}

export interface PodTargetRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly uid?: string;
}

export interface PodTarget {
  readonly sandboxId: string;
  readonly podUid: string;
}

/**
 * Finds streaming targets. Called once per request, before the upgrade; may run concurrently.
 * Must not throw for what does not exist: answer a failure with upstream's code and text (see
 * streaming-targets.ts for the builders). A thrown error becomes a 500.
 */
export interface StreamingTargets {
  container(req: ContainerTargetRequest): Promise<ContainerTarget | StreamingFailure>;
  pod(req: PodTargetRequest): Promise<PodTarget | StreamingFailure>;
}

export function isStreamingFailure(r: object): r is StreamingFailure {
  return 'code' in r && 'message' in r;
}
