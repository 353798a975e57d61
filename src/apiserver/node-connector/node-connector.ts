/**
 * The node connector: serves a pod's subresources that live on its node (log now; exec, attach,
 * port-forward and proxy later) by talking HTTPS to the node's kubelet. The API server never
 * imports the kubelet: the kubelet API (its paths, answers and certificates) is the only contract.
 *
 *   log                          → pod-log.ts (GET)
 *   exec, attach, portforward    → pod-stream.ts: upgrades (WebSocket, SPDY) proxied to the
 *                                  kubelet; without a protocol upgrade 400 "Upgrade request
 *                                  required", as upstream
 *   proxy                        → 503 until implemented
 */
import type { Pod } from '../../api/index.ts';
import { ApiError, badRequest, methodNotAllowed } from '../errors.ts';
import type { HandlerContext, NodeConnector } from '../handlers/context.ts';
import { KubeletClient, type KubeletClientOptions } from './kubelet-client.ts';
import { servePodLog } from './pod-log.ts';
import { servePodStream } from './pod-stream.ts';

export type NodeConnectorOptions = KubeletClientOptions;

export interface NodeConnectorHandle {
  /** What the API server calls (ApiServerOptions.nodeConnector). */
  readonly connect: NodeConnector;
  readonly kubelets: KubeletClient;
  /** Closes idle kubelet connections. */
  close(): void;
}

export function createNodeConnector(opts: NodeConnectorOptions): NodeConnectorHandle {
  const kubelets = new KubeletClient(opts);
  const connect: NodeConnector = async (ctx: HandlerContext, obj) => {
    const pod = obj as Pod;
    switch (ctx.info.subresource) {
      case 'log':
        if (ctx.info.verb !== 'get') throw methodNotAllowed();
        await servePodLog(ctx, pod, { kubelets });
        return;
      case 'exec':
      case 'attach':
      case 'portforward':
        if (ctx.req.upgrade) {
          await servePodStream(ctx, pod, ctx.req.upgrade, { kubelets });
          return;
        }
        if (!pod.spec?.nodeName) {
          throw badRequest(`pod ${ctx.info.name} does not have a host assigned`);
        }
        throw badRequest('Upgrade request required');
      default:
        throw new ApiError(
          503,
          'ServiceUnavailable',
          `${ctx.info.resource}/${ctx.info.subresource} is not supported by podbay yet`,
        );
    }
  };
  return {
    connect,
    kubelets,
    close() {
      kubelets.close();
    },
  };
}
