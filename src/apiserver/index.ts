// The public surface of the apiserver module: what composition roots need to run it.
export { ApiServer, type ServedResource, type ApiServerOptions } from './api-server.ts';
export { createApiServer, type CreateApiServerOptions } from './create.ts';
export {
  startHttpsFront,
  type HttpsFront,
  type HttpsServerOptions,
  type RunningServer,
} from './https-server.ts';
export { createInProcessTransport, type InProcessTransport } from './in-process.ts';
export { ensureSystemNamespaces, startHousekeeping, systemNamespaces } from './housekeeping.ts';
export {
  ensurePki,
  ensureKubeletCerts,
  pkiFiles,
  writeKubeconfig,
  readKubeconfig,
  PkiError,
  type Pki,
  type PkiFiles,
  type KubeletCerts,
} from './pki/index.ts';
export {
  createAuthenticator,
  createTokenRegistry,
  registerNodeToken,
  createTlsServerOptions,
  type User,
} from './authn/index.ts';
export { allResourceDefs } from './registry/index.ts';
export {
  createNodeConnector,
  type NodeConnectorHandle,
  type NodeConnectorOptions,
} from './node-connector/index.ts';
