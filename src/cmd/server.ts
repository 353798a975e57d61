/**
 * `podbay server`: the control plane (store, API server, housekeeping) and, unless --no-agent, a
 * node agent for this machine, in one process.
 *
 *   1. data dir, certificates and credentials (first start creates them)
 *   2. the store (SQLite by default)
 *   3. the API server: watch cache loaded, system namespaces present
 *   4. HTTPS listener; the admin kubeconfig written; one "ready" line on stdout
 *   5. SIGTERM/SIGINT: stop accepting, finish, close the store; pods keep running
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import {
  allResourceDefs,
  createApiServer,
  createInProcessTransport,
  createNodeConnector,
  ensureKubeletCerts,
  createAuthenticator,
  createTlsServerOptions,
  createTokenRegistry,
  ensurePki,
  ensureSystemNamespaces,
  startHttpsFront,
  type HttpsFront,
  registerNodeToken,
  startHousekeeping,
  writeKubeconfig,
  type ApiServer,
} from '../apiserver/index.ts';
import { RestClient } from '../client/index.ts';
import { primaryIPv4, type ContainerLogPolicy } from '../kubelet/index.ts';
import { NamespaceController } from '../controllers/index.ts';
import { Scheduler } from '../scheduler/index.ts';
import { openStore } from '../store/index.ts';
import {
  createLogger,
  lifetimeAbortController,
  realClock,
  type Clock,
  type Logger,
  errorMessage,
} from '../util/index.ts';
import { checkAgentPrivileges, startLocalNodeAgent, type LocalNodeAgent } from './node-agent.ts';

export interface ServerOptions {
  readonly dataDir: string;
  readonly listen: string;
  readonly store?: string;
  readonly nodeName?: string;
  readonly agent: boolean;
  /** The node agent's kubelet API port; default 10250, 0 for any free port. */
  readonly kubeletPort?: number;
  /** Static pods: a directory of pod manifests (or one file) for the node agent. */
  readonly podManifestPath?: string;
  /** The node agent's pod IPv4 range; default 10.244.0.0/24. */
  readonly podCIDR?: string;
  /** The node agent's container log rotation; upstream's kubelet defaults when omitted. */
  readonly containerLogs?: ContainerLogPolicy;
  readonly logger?: Logger;
}

export interface RunningPodbay {
  /** https://host:port */
  readonly url: string;
  readonly kubeconfigPath: string;
  stop(): Promise<void>;
}

/** Parses `host:port`, `[v6]:port` or `:port`. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new Error(`--listen must be HOST:PORT (for example 127.0.0.1:6443), not "${listen}"`);
  }
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(opts: ServerOptions): Promise<RunningPodbay> {
  const logger = opts.logger ?? createLogger();
  const clock = realClock;
  const { host, port } = parseListen(opts.listen);
  const dataDir = resolve(opts.dataDir);
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new Error(`cannot create the data directory ${dataDir}: ${(err as Error).message}`);
  }
  if (opts.agent) checkAgentPrivileges();
  const front = startHttpsFront();
  try {
    return await startServerWith(front, opts, { logger, clock, host, port, dataDir });
  } catch (err) {
    await front.stop();
    throw err;
  }
}

async function startServerWith(
  front: HttpsFront,
  opts: ServerOptions,
  {
    logger,
    clock,
    host,
    port,
    dataDir,
  }: { logger: Logger; clock: Clock; host: string; port: number; dataDir: string },
): Promise<RunningPodbay> {
  const pki = await ensurePki({ dataDir, hosts: [host], logger });
  // The kubelet's node name defaults to the host name, lower-cased, as upstream's.
  const nodeName = opts.nodeName ?? hostname().toLowerCase();
  // The kubelet serving certificate (for this machine's node agent: startKubeletServer with
  // kubeletCerts.serving and pki.caPem) and the API server's client certificate for kubelets.
  const kubeletCerts = await ensureKubeletCerts({
    files: pki.files,
    caPem: pki.caPem,
    caKeyPem: pki.caKeyPem,
    nodeName,
    // The API server dials the node's InternalIP (the agent reports the primary IPv4).
    hosts: opts.agent ? [host, await primaryIPv4()] : [host],
    logger,
  });
  const nodeConnector = createNodeConnector({
    caPem: pki.caPem,
    certPem: kubeletCerts.client.certPem,
    keyPem: kubeletCerts.client.keyPem,
    clock,
  });
  const store = await openStore(opts.store ?? `sqlite://${join(dataDir, 'state.db')}`, { logger });
  let address = `${urlHost(host)}:${port}`;
  const api = createApiServer({
    store,
    clock,
    logger,
    serverAddress: () => address,
    nodeConnector: nodeConnector.connect,
  });
  await api.start();
  await ensureSystemNamespaces(api, clock);
  const tokens = createTokenRegistry();
  registerNodeToken(tokens, pki.nodeToken);
  let running;
  try {
    running = await front.serve(
      {
        api,
        tls: createTlsServerOptions(pki),
        caPem: pki.caPem,
        authenticator: createAuthenticator({ tokens }),
        logger,
      },
      host,
      port,
    );
  } catch (err) {
    api.stop();
    await store.close();
    throw err;
  }
  address = `${urlHost(host)}:${running.address.port}`;
  const url = `https://${address}`;
  const kubeconfigPath = pki.files.kubeconfig;
  await writeKubeconfig({
    path: kubeconfigPath,
    server: url,
    caPem: pki.caPem,
    clientCertPem: pki.adminCertPem,
    clientKeyPem: pki.adminKeyPem,
  });
  const stopHousekeeping = startHousekeeping({ api, store, clock, logger });
  const controllers = startControllers({ api, clock, logger });
  const scheduler = startScheduler({ api, clock, logger });
  let agent: LocalNodeAgent | undefined;
  if (opts.agent) {
    try {
      agent = await startLocalNodeAgent({
        client: new RestClient({
          transport: createInProcessTransport(api, {
            name: `system:node:${nodeName}`,
            groups: ['system:nodes', 'system:authenticated'],
          }),
          userAgent: 'podbay-kubelet',
        }),
        nodeName,
        dataDir,
        clock,
        logger,
        ...(opts.kubeletPort !== undefined ? { kubeletPort: opts.kubeletPort } : {}),
        ...(opts.podManifestPath !== undefined
          ? { podManifestPath: resolve(opts.podManifestPath) }
          : {}),
        ...(opts.podCIDR !== undefined ? { podCIDR: opts.podCIDR } : {}),
        ...(opts.containerLogs !== undefined ? { containerLogs: opts.containerLogs } : {}),
        tls: {
          certPem: kubeletCerts.serving.certPem,
          keyPem: kubeletCerts.serving.keyPem,
          caPem: pki.caPem,
        },
      });
    } catch (err) {
      stopHousekeeping();
      await scheduler.stop();
      await controllers.stop();
      await running.close();
      nodeConnector.close();
      api.stop();
      await store.close();
      throw new Error(`cannot start the node agent: ${(err as Error).message}`);
    }
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    kubeconfigPath,
    stop() {
      stopping ??= (async () => {
        // The agent first: it stops watching, containers keep running under conmon.
        await agent?.stop();
        stopHousekeeping();
        await scheduler.stop();
        await controllers.stop();
        await running.close();
        nodeConnector.close();
        api.stop();
        await store.close();
      })();
      return stopping;
    },
  };
}

/** The control-plane controllers, talking to the API through the in-process transport. */
function startControllers(opts: { api: ApiServer; clock: Clock; logger: Logger }): {
  stop(): Promise<void>;
} {
  const controllerUser = {
    name: 'system:kube-controller-manager',
    groups: ['system:authenticated'],
  };
  const client = new RestClient({
    transport: createInProcessTransport(opts.api, controllerUser),
    userAgent: 'podbay-controller-manager',
  });
  const abort = lifetimeAbortController();
  const namespaces = new NamespaceController({
    client,
    namespacedResources: allResourceDefs.filter((d) => d.namespaced),
    clock: opts.clock,
    logger: opts.logger,
  });
  const running = [namespaces.run(abort.signal)].map((p) =>
    p.catch((err: unknown) => {
      if (!abort.signal.aborted)
        opts.logger.error('controller stopped', {
          err: errorMessage(err),
        });
    }),
  );
  return {
    async stop() {
      abort.abort();
      await Promise.all(running);
    },
  };
}

/** The scheduler (default-scheduler), over the in-process transport like the controllers. */
function startScheduler(opts: { api: ApiServer; clock: Clock; logger: Logger }): Scheduler {
  const client = new RestClient({
    transport: createInProcessTransport(opts.api, {
      name: 'system:kube-scheduler',
      groups: ['system:authenticated'],
    }),
    userAgent: 'podbay-scheduler',
  });
  const scheduler = new Scheduler({ client, clock: opts.clock, logger: opts.logger });
  scheduler.start();
  return scheduler;
}

/** Runs until SIGTERM or SIGINT. */
export async function runServer(opts: ServerOptions): Promise<void> {
  const running = await startServer(opts);
  process.stdout.write(`podbay: ready, kubeconfig at ${running.kubeconfigPath}\n`);
  await new Promise<void>((resolveStop) => {
    const onSignal = (): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void running.stop().then(resolveStop);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
