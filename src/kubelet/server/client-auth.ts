/**
 * Who may call the kubelet API: clients with a certificate from the cluster CA (the API server's
 * kubelet-client certificate, or an admin's). Anonymous access is off, as in the kubelet's config
 * file defaults and kubeadm; a request without a valid certificate gets 401 `Unauthorized`.
 *
 * Authorization is fixed until the API has RBAC and SubjectAccessReview: the `system:masters` group
 * and the API server's kubelet-client user may do everything; anyone else gets upstream's 403
 * `Forbidden (user=..., verb=..., resource=nodes, subresource=...)`.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type PeerCertificate, TLSSocket } from 'node:tls';

export interface KubeletUser {
  readonly name: string;
  readonly groups: readonly string[];
}

/** The user the API server's client certificate names (kubeadm's name for it). */
export const APISERVER_KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';
const SUPERUSER_GROUP = 'system:masters';
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_ANY = '2.5.29.37.0';

function subjectValues(subject: unknown, key: string): string[] {
  if (typeof subject !== 'object' || subject === null) return [];
  const v: unknown = (subject as Record<string, unknown>)[key];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The certificate's user, when the TLS handshake verified it against the CA (`socket.authorized`,
 * with `requestCert: true, rejectUnauthorized: false`), it is valid now, is meant for client auth
 * and names exactly one CN.
 */
export function authenticateClient(
  req: IncomingMessage,
  ca: X509Certificate,
  now: number,
): KubeletUser | undefined {
  const socket = req.socket;
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const peer: Partial<PeerCertificate> = socket.getPeerCertificate(false);
  if (peer.raw === undefined) return undefined;
  try {
    const cert = new X509Certificate(peer.raw);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return undefined;
    if (now < Date.parse(cert.validFrom) || now >= Date.parse(cert.validTo)) return undefined;
    const eku = cert.keyUsage as string[] | undefined; // Node's name for extendedKeyUsage
    if (eku !== undefined && !eku.includes(EKU_CLIENT_AUTH) && !eku.includes(EKU_ANY)) {
      return undefined;
    }
    const cn = subjectValues(peer.subject, 'CN');
    const name = cn[0];
    if (cn.length !== 1 || name === undefined || name === '') return undefined;
    return { name, groups: subjectValues(peer.subject, 'O') };
  } catch {
    return undefined;
  }
}

/** Decides whether a user may call the kubelet; see the file comment. */
export type KubeletAuthorizer = (user: KubeletUser) => boolean;

export const defaultKubeletAuthorizer: KubeletAuthorizer = (user) =>
  user.name === APISERVER_KUBELET_CLIENT_USER || user.groups.includes(SUPERUSER_GROUP);

const verbs: Readonly<Record<string, string>> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Upstream's 403 text: the request as the kubelet's authorizer sees it (nodes/proxy for logs). */
export function forbiddenMessage(user: KubeletUser, method: string, path: string): string {
  const verb = verbs[method] ?? method.toLowerCase();
  const top = path.split('/')[1] ?? '';
  const sub =
    top === 'stats'
      ? 'stats'
      : top === 'metrics'
        ? 'metrics'
        : top === 'logs'
          ? 'log'
          : top === 'spec'
            ? 'spec'
            : 'proxy';
  return `Forbidden (user=${user.name}, verb=${verb}, resource=nodes, subresource=${sub})`;
}
