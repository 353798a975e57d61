export {
  type EnsurePkiOptions,
  type Pki,
  type PkiArtifact,
  type PkiFiles,
  ensurePki,
  pkiFiles,
  ADMIN_USER,
  ADMIN_GROUP,
  SERVING_COMMON_NAME,
  CA_VALIDITY_DAYS,
  LEAF_VALIDITY_DAYS,
} from './ensure-pki.ts';
export {
  type CertKeyPair,
  type CertificateSubject,
  type CreateCaOptions,
  type IssueCertificateOptions,
  createCa,
  issueCertificate,
} from './certificates.ts';
export {
  type Kubeconfig,
  type ReadKubeconfigOptions,
  type WriteKubeconfigOptions,
  readKubeconfig,
  writeKubeconfig,
} from './kubeconfig.ts';
export { type NodeToken, caCertHash, formatNodeToken, parseNodeToken } from './node-token.ts';
export { type ServingNames, type ServingNamesInput, servingNames } from './serving-names.ts';
export { PkiError } from './pki-error.ts';
export {
  type EnsureKubeletCertsOptions,
  type KubeletCertArtifact,
  type KubeletCerts,
  KUBELET_CLIENT_GROUP,
  KUBELET_CLIENT_USER,
  ensureKubeletCerts,
} from './kubelet-certs.ts';
