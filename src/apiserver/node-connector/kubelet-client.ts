/**
 * The API server's side of the kubelet API: where a node's kubelet listens (from its Node object)
 * and HTTPS requests to it, verifying the kubelet's serving certificate against the cluster CA and
 * presenting the API server's kubelet-client certificate. Used for logs now, and built so exec,
 * attach and port-forward can go through `upgrade` later.
 *
 * Connection failures become the error kube-apiserver gives (a Status with code 500 and no reason,
 * which kubectl prints as `Error from server: Get "https://...": dial tcp ...: connect: connection
 * refused`), worded as Go's HTTP client words them.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Node, NodeAddress } from '../../api/index.ts';
import { type Clock, realClock, errorMessage } from '../../util/index.ts';
import { ApiError } from '../errors.ts';

/** Where a kubelet listens. */
export interface KubeletLocation {
  readonly host: string;
  readonly port: number;
}

export interface KubeletClientOptions {
  /** The cluster CA (PEM) kubelet serving certificates chain to. */
  readonly caPem: string;
  /** The API server's client certificate and key for kubelets (PEM). */
  readonly certPem: string;
  readonly keyPem: string;
  /**
   * Node address types to dial, in order (kube-apiserver's --kubelet-preferred-address-types).
   * Default: InternalIP, Hostname, InternalDNS, ExternalIP, ExternalDNS — an InternalIP first, as
   * kubeadm configures it, since a node's host name often does not resolve from elsewhere.
   */
  readonly preferredAddressTypes?: readonly string[];
  /** When the Node reports no kubelet port (default 10250). */
  readonly defaultPort?: number;
  /** Limit for TCP connect plus TLS handshake (default 30 s, as kube-apiserver's dialer). */
  readonly connectTimeoutMs?: number;
  readonly clock?: Clock;
}

export interface KubeletRequest {
  readonly location: KubeletLocation;
  readonly method: string;
  /** Path and query, already encoded. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborting destroys the connection (the client went away). */
  readonly signal: AbortSignal;
  /** Skip verifying the kubelet's certificate (PodLogOptions.insecureSkipTLSVerifyBackend). */
  readonly insecureSkipVerify?: boolean;
}

/** The kubelet's answer to an upgrade request. */
export type KubeletUpgrade =
  | {
      readonly upgraded: true;
      readonly response: IncomingMessage;
      readonly socket: Duplex;
      readonly head: Buffer;
    }
  | { readonly upgraded: false; readonly response: IncomingMessage };

const DEFAULT_ADDRESS_TYPES = [
  'InternalIP',
  'Hostname',
  'InternalDNS',
  'ExternalIP',
  'ExternalDNS',
];
const DEFAULT_KUBELET_PORT = 10250;

/** An error answered as kube-apiserver answers a plain Go error: 500, no reason. */
export class UnknownServerError extends ApiError {
  constructor(message: string) {
    super(500, 'InternalError', message);
  }

  override toStatus(): ReturnType<ApiError['toStatus']> {
    const { reason: _omitted, ...status } = super.toStatus();
    return status;
  }
}

function hostPort(loc: KubeletLocation): string {
  return loc.host.includes(':') ? `[${loc.host}]:${loc.port}` : `${loc.host}:${loc.port}`;
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Go's wording for a failed request: `Get "https://h:p/path": dial tcp h:p: connect: ...`. */
export function describeRequestError(req: KubeletRequest, err: unknown): string {
  const method = req.method.charAt(0) + req.method.slice(1).toLowerCase();
  const url = `https://${hostPort(req.location)}${req.path}`;
  const dial = `dial tcp ${hostPort(req.location)}`;
  const message = errorMessage(err);
  let why: string;
  switch (errnoCode(err) ?? '') {
    case 'ECONNREFUSED':
      why = `${dial}: connect: connection refused`;
      break;
    case 'EHOSTUNREACH':
      why = `${dial}: connect: no route to host`;
      break;
    case 'ENETUNREACH':
      why = `${dial}: connect: network is unreachable`;
      break;
    case 'ETIMEDOUT':
    case 'ECONNECT_TIMEOUT':
      why = `${dial}: i/o timeout`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      why = `dial tcp: lookup ${req.location.host}: no such host`;
      break;
    case 'ECONNRESET':
      why = 'read: connection reset by peer';
      break;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      why = 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
      break;
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      why = 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
      break;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      why = `tls: failed to verify certificate: x509: ${message}`;
      break;
    default:
      why = message;
  }
  return `${method} "${url}": ${why}`;
}

/** Go's `%v` of a []NodeAddress: `[{InternalIP 10.0.0.1} {Hostname n1}]`. */
function formatAddresses(addresses: readonly NodeAddress[]): string {
  return `[${addresses.map((a) => `{${a.type} ${a.address}}`).join(' ')}]`;
}

export class KubeletClient {
  private readonly agent: Agent;
  private readonly insecureAgent: Agent;
  private readonly addressTypes: readonly string[];
  private readonly defaultPort: number;
  private readonly connectTimeoutMs: number;
  private readonly clock: Clock;

  constructor(opts: KubeletClientOptions) {
    const tls = { cert: opts.certPem, key: opts.keyPem, minVersion: 'TLSv1.2' as const };
    this.agent = new Agent({ ...tls, ca: opts.caPem, keepAlive: true, maxFreeSockets: 16 });
    this.insecureAgent = new Agent({ ...tls, rejectUnauthorized: false, keepAlive: false });
    this.addressTypes = opts.preferredAddressTypes ?? DEFAULT_ADDRESS_TYPES;
    this.defaultPort = opts.defaultPort ?? DEFAULT_KUBELET_PORT;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 30_000;
    this.clock = opts.clock ?? realClock;
  }

  /**
   * Where the node's kubelet listens: the first address of a preferred type, and the port the
   * kubelet reports (status.daemonEndpoints.kubeletEndpoint.Port) or the default. Throws upstream's
   * `no preferred addresses found; known addresses: [...]` when no address fits.
   */
  location(node: Node): KubeletLocation {
    const addresses = node.status?.addresses ?? [];
    for (const type of this.addressTypes) {
      const found = addresses.find((a) => a.type === type);
      if (found) {
        const reported = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
        return { host: found.address, port: reported > 0 ? reported : this.defaultPort };
      }
    }
    throw new UnknownServerError(
      `no preferred addresses found; known addresses: ${formatAddresses(addresses)}`,
    );
  }

  /**
   * Sends a request (no body) and resolves with the kubelet's response once its headers arrive.
   * Rejects with an UnknownServerError worded as Go's client when the kubelet cannot be reached or
   * its certificate is not trusted. The caller reads or destroys the response.
   */
  request(req: KubeletRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const outgoing = this.start(req, reject);
      outgoing.on('response', resolve);
      outgoing.end();
    });
  }

  /**
   * An upgrade request (exec, attach, port-forward: WebSocket or SPDY). Resolves with the upgraded
   * socket when the kubelet answers 101, or with its plain response otherwise (an error to relay).
   */
  upgrade(req: KubeletRequest): Promise<KubeletUpgrade> {
    return new Promise((resolve, reject) => {
      const outgoing = this.start(req, reject);
      outgoing.on('upgrade', (response: IncomingMessage, socket: Duplex, head: Buffer) => {
        resolve({ upgraded: true, response, socket, head });
      });
      outgoing.on('response', (response: IncomingMessage) => {
        resolve({ upgraded: false, response });
      });
      outgoing.end();
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.agent.destroy();
    this.insecureAgent.destroy();
  }

  private start(req: KubeletRequest, reject: (err: Error) => void): ClientRequest {
    const outgoing = httpsRequest({
      agent: req.insecureSkipVerify ? this.insecureAgent : this.agent,
      host: req.location.host,
      port: req.location.port,
      method: req.method,
      path: req.path,
      headers: { 'User-Agent': 'podbay-apiserver', ...req.headers },
      signal: req.signal,
    });
    let clearTimer = (): void => undefined;
    outgoing.on('socket', (socket) => {
      if (!socket.connecting) return;
      clearTimer = this.clock.setTimeout(() => {
        outgoing.destroy(Object.assign(new Error('connect timeout'), { code: 'ECONNECT_TIMEOUT' }));
      }, this.connectTimeoutMs);
      socket.once('secureConnect', () => {
        clearTimer();
      });
      socket.once('close', () => {
        clearTimer();
      });
    });
    outgoing.on('error', (err) => {
      clearTimer();
      reject(new UnknownServerError(describeRequestError(req, err)));
    });
    return outgoing;
  }
}
