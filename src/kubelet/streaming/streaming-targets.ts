/**
 * StreamingTargets from the node agent's pods and the container runtime, with the kubelet's
 * answers when there is nothing to stream to:
 *
 *   pod unknown to this node                      404 `pod does not exist`
 *   port-forward to a pod whose uid differs       404 `pod not found`
 *   port-forward to a pod without a ready sandbox 500 `pod not found ("<name>_<namespace>")`
 *   exec into a container that is not running     500 `container not found ("<name>")`
 *   attach to a container that is not running     500 `container <name> not found in pod <name>_<namespace>`
 *
 * (upstream kubelet's server.go and kubelet_pods.go GetExec/GetAttach/GetPortForward: the runtime
 * only knows running containers, so an exited one is "not found".)
 */
import type { Pod } from '../../api/index.ts';
import type { ContainerRuntime } from '../runtime/index.ts';
import type {
  ContainerTarget,
  ContainerTargetRequest,
  PodTarget,
  PodTargetRequest,
  StreamingFailure,
  StreamingTargets,
} from './types.ts';

/** kubecontainer.BuildPodFullName. */
function podFullName(name: string, namespace: string): string {
  return `${name}_${namespace}`;
}

export const podDoesNotExist = (): StreamingFailure => ({
  code: 404,
  message: 'pod does not exist',
});

export const podUidMismatch = (): StreamingFailure => ({ code: 404, message: 'pod not found' });

export const podNotRunning = (name: string, namespace: string): StreamingFailure => ({
  code: 500,
  message: `pod not found (${JSON.stringify(podFullName(name, namespace))})`,
});

export const execContainerNotFound = (container: string): StreamingFailure => ({
  code: 500,
  message: `container not found (${JSON.stringify(container)})`,
});

export const attachContainerNotFound = (
  container: string,
  name: string,
  namespace: string,
): StreamingFailure => ({
  code: 500,
  message: `container ${container} not found in pod ${podFullName(name, namespace)}`,
});

export interface NodeStreamingTargetsOptions {
  /** The pod of this node with this namespace and name (the pod manager), or undefined. */
  readonly getPod: (namespace: string, name: string) => Pod | undefined;
  /** Running containers and ready sandboxes are looked up here. */
  readonly runtime: Pick<ContainerRuntime, 'listContainers' | 'listPodSandboxes'>;
}

function specOf(
  pod: Pod,
  name: string,
): { tty?: boolean | undefined; stdin?: boolean | undefined } | undefined {
  const spec = pod.spec;
  return (
    spec?.containers.find((c) => c.name === name) ??
    spec?.initContainers?.find((c) => c.name === name) ??
    spec?.ephemeralContainers?.find((c) => c.name === name)
  );
}

/**
 * Exec and attach go to the newest running container of that name in the pod; port-forward to
 * the pod's ready sandbox.
 */
export class NodeStreamingTargets implements StreamingTargets {
  private readonly opts: NodeStreamingTargetsOptions;

  constructor(opts: NodeStreamingTargetsOptions) {
    this.opts = opts;
  }

  async container(req: ContainerTargetRequest): Promise<ContainerTarget | StreamingFailure> {
    const notFound = (): StreamingFailure =>
      req.kind === 'attach'
        ? attachContainerNotFound(req.container, req.pod, req.namespace)
        : execContainerNotFound(req.container);
    const pod = this.opts.getPod(req.namespace, req.pod);
    if (!pod) return podDoesNotExist();
    const uid = pod.metadata?.uid ?? '';
    if (req.uid !== undefined && req.uid !== '' && req.uid !== uid) return notFound();
    const spec = specOf(pod, req.container);
    if (!spec) return notFound();
    const running = (await this.opts.runtime.listContainers({ podUid: uid }))
      .filter((c) => c.name === req.container && c.state === 'running')
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!running) return notFound();
    return { containerId: running.id, tty: spec.tty === true, stdin: spec.stdin === true };
  }

  async pod(req: PodTargetRequest): Promise<PodTarget | StreamingFailure> {
    const pod = this.opts.getPod(req.namespace, req.pod);
    if (!pod) return podDoesNotExist();
    const uid = pod.metadata?.uid ?? '';
    if (req.uid !== undefined && req.uid !== '' && req.uid !== uid) return podUidMismatch();
    const sandbox = (await this.opts.runtime.listPodSandboxes())
      .filter((s) => s.config.podUid === uid && s.state === 'ready')
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (!sandbox) return podNotRunning(req.pod, req.namespace);
    return { sandboxId: sandbox.id, podUid: uid };
  }
}
