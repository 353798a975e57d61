export {
  type User,
  GROUP_AUTHENTICATED,
  GROUP_MASTERS,
  GROUP_NODES,
  NODE_TOKEN_USER,
  withAuthenticatedGroup,
} from './user.ts';
export {
  type TokenAuthenticator,
  type TokenRegistry,
  createTokenRegistry,
  registerNodeToken,
} from './token-registry.ts';
export {
  type Authenticator,
  type AuthenticatorOptions,
  type Credentials,
  bearerToken,
  createAuthenticator,
} from './authenticator.ts';
export {
  type CertificateVerifier,
  type VerifiedCertificate,
  createCertificateVerifier,
} from './client-certificate.ts';
export { type TlsServerCredentials, createTlsServerOptions } from './tls-options.ts';
