/**
 * Lifecycle hook handlers (upstream pkg/kubelet/lifecycle/handlers.go): runs one postStart or
 * preStop handler of a container and says, in upstream's words, why it failed.
 *
 *   exec     the command in the container (no timeout of its own; the caller's signal ends it);
 *            a non-zero exit fails the hook
 *   httpGet  a GET from the node to the pod IP (or the handler's host), User-Agent
 *            `kube-lifecycle/1.32`; only a transport error fails the hook, whatever the status
 *            code; an HTTPS request answered in plain HTTP is retried over HTTP (without the
 *            Authorization header) with a LifecycleHTTPFallback warning
 *   sleep    waits the seconds; cut short by the signal it fails
 *   tcpSocket (deprecated, kept only so old manifests decode) or nothing: the hook fails with
 *            `Cannot run handler: invalid handler: …`, as upstream's does at run time
 */
import {
  goQuote,
  type Container,
  type LifecycleHandler,
  type Pod,
  type TCPSocketAction,
} from '../../api/index.ts';
import type { EventRecorder } from '../../client/index.ts';
import { realClock, type Clock, type Logger, errorMessage } from '../../util/index.ts';
import { formatPod } from '../pod-actions.ts';
import {
  goStringSlice,
  httpGet,
  HttpGetError,
  newRequestForHTTPGetAction,
  requestUrl,
  type HttpGetRequest,
} from '../prober/index.ts';
import type { ContainerCommandRunner } from '../runtime/index.ts';

export type HookResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface HandlerRunnerOptions {
  readonly runner: ContainerCommandRunner;
  readonly recorder: EventRecorder;
  readonly logger: Logger;
  readonly clock?: Clock;
}

export interface RunHandlerOptions {
  readonly pod: Pod;
  readonly container: Container;
  /** The runtime's container id (without `runc://`). */
  readonly containerId: string;
  readonly handler: LifecycleHandler;
  /** The pod's IPs (IPv4 first), for httpGet handlers without a host. */
  readonly podIPs: readonly string[];
  /** Ends the hook early (a preStop hook's grace period, the pod worker going away). */
  readonly signal?: AbortSignal;
}

/** Go's generated String() of a TCPSocketAction, as `%v` prints it in the invalid-handler error. */
function tcpSocketString(t: TCPSocketAction): string {
  const port = typeof t.port === 'number' ? `{0 ${t.port} }` : `{1 0 ${t.port}}`;
  return `&TCPSocketAction{Port:${port},Host:${t.host ?? ''},}`;
}

function handlerString(h: LifecycleHandler): string {
  const tcp = h.tcpSocket ? tcpSocketString(h.tcpSocket) : 'nil';
  return `&LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:${tcp},Sleep:nil,}`;
}

function errorText(err: unknown): string {
  return errorMessage(err);
}

export class HandlerRunner {
  private readonly opts: HandlerRunnerOptions;
  private readonly clock: Clock;

  constructor(opts: HandlerRunnerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? realClock;
  }

  async run(o: RunHandlerOptions): Promise<HookResult> {
    const { handler, container, pod } = o;
    const where = `for Container ${goQuote(container.name)} in Pod ${goQuote(formatPod(pod))}`;
    const log = this.opts.logger.with({
      pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
      containerName: container.name,
    });
    if (handler.exec) {
      const command = handler.exec.command ?? [];
      let error: string | undefined;
      let output = '';
      try {
        const res = await this.opts.runner.execSync(o.containerId, command, 0, o.signal);
        output = Buffer.concat([res.stdout, res.stderr]).toString('utf8');
        if (res.exitCode !== 0) {
          error = `command '${command.join(' ')}' exited with ${res.exitCode}: ${res.stderr.toString('utf8')}`;
        }
      } catch (err) {
        error = errorText(err);
      }
      if (error === undefined) return { ok: true };
      log.info('exec lifecycle hook failed', { execCommand: command.join(' '), err: error });
      return {
        ok: false,
        message: `Exec lifecycle hook (${goStringSlice(command)}) ${where} failed - error: ${error}, message: ${goQuote(output)}`,
      };
    }
    if (handler.httpGet) {
      const error = await this.runHTTPHandler(o);
      if (error === undefined) return { ok: true };
      log.info('HTTP lifecycle hook failed', { path: handler.httpGet.path ?? '', err: error });
      return {
        ok: false,
        message: `HTTP lifecycle hook (${handler.httpGet.path ?? ''}) ${where} failed - error: ${error}`,
      };
    }
    if (handler.sleep) {
      const seconds = handler.sleep.seconds;
      try {
        await this.clock.sleep(seconds * 1000, o.signal);
        return { ok: true };
      } catch {
        return {
          ok: false,
          message: `Sleep lifecycle hook (${seconds}) ${where} failed - error: container terminated before sleep hook finished`,
        };
      }
    }
    const message = `Cannot run handler: invalid handler: ${handlerString(handler)}`;
    log.warn('cannot run lifecycle handler', { err: message });
    return { ok: false, message };
  }

  /** Upstream runHTTPHandler; returns the error text, or undefined when the request went through. */
  private async runHTTPHandler(o: RunHandlerOptions): Promise<string | undefined> {
    const action = o.handler.httpGet;
    if (!action) return 'no httpGet action';
    let podIP = action.host ?? '';
    if (!podIP) {
      const ip = o.podIPs[0];
      if (ip === undefined) return 'failed to find networking container: the pod has no IP';
      podIP = ip;
    }
    let req: HttpGetRequest;
    try {
      req = newRequestForHTTPGetAction(action, o.container, podIP, 'lifecycle');
    } catch (err) {
      return errorText(err);
    }
    const send = async (r: HttpGetRequest): Promise<HttpGetError | Error | undefined> => {
      try {
        await httpGet(r, { ...(o.signal ? { signal: o.signal } : {}), clock: this.clock });
        return undefined;
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    };
    const err = await send(req);
    if (err instanceof HttpGetError && err.kind === 'http-response-to-https') {
      const plain: HttpGetRequest = {
        ...req,
        scheme: 'http',
        headers: req.headers.filter(([k]) => k !== 'Authorization'),
      };
      if ((await send(plain)) === undefined) {
        const hostPort = requestUrl(plain)
          .replace(/^http:\/\//, '')
          .replace(/\/.*$/, '');
        const m = o.pod.metadata;
        this.opts.recorder.event(
          {
            kind: 'Pod',
            apiVersion: 'v1',
            ...(m?.namespace ? { namespace: m.namespace } : {}),
            ...(m?.name ? { name: m.name } : {}),
            ...(m?.uid ? { uid: m.uid } : {}),
          },
          'Warning',
          'LifecycleHTTPFallback',
          `request to HTTPS lifecycle hook ${hostPort} got HTTP response, retry with HTTP succeeded`,
        );
        return undefined;
      }
    }
    return err?.message;
  }
}
