/**
 * Authentication: who a request comes from. Authenticators (static token file, ServiceAccount
 * JWTs, TLS client certificates) combine in a union with Kubernetes' semantics; the PKI and the
 * admin kubeconfig helpers make a data directory ready to serve TLS.
 */
export * from './types.js';
export { ADMIN_TOKEN_FILE, adminTokenAuthenticator, ensureAdminToken, ensureShardToken, SHARD_TOKEN_FILE, SHARD_USER } from './admin-token.js';
export { CachedAuthenticator, type TokenCacheOptions } from './token-cache.js';
export { bearerToken, WEBSOCKET_TOKEN_PROTOCOL_PREFIX } from './bearer.js';
export { ANONYMOUS, NO_CREDENTIALS, unionAuthenticator, withAuthenticatedGroup, type AuthDecision, type UnionAuthenticator, type UnionOptions } from './union.js';
export { followTokenFile, hashToken, INVALID_TOKEN, parseTokenFile, TOKEN_FILE_POLL_MS, TokenFileAuthenticator, tokenFileAuthenticator, TokenFileError } from './token-file.js';
export {
  keyId,
  loadServiceAccountKeys,
  PKI_DIR,
  rotateServiceAccountKey,
  SA_KEY_FILE,
  SA_PREVIOUS_KEY_FILE,
  SA_SIGNING_ALG,
  type ServiceAccountKeys,
  type SigningKey,
} from './service-account-keys.js';
export {
  CLUSTER_CLAIM,
  DEFAULT_EXPIRATION_SECONDS,
  DEFAULT_ISSUER,
  InvalidTokenError,
  KUBERNETES_CLAIM,
  MAX_EXPIRATION_SECONDS,
  MIN_EXPIRATION_SECONDS,
  ServiceAccountTokens,
  type IssuedToken,
  type ServiceAccountClaims,
  type ServiceAccountTokenOptions,
  type TokenRequestSpec,
} from './service-account-tokens.js';
export {
  isForeignServiceAccount,
  ServiceAccountAuthenticator,
  serviceAccountAuthenticator,
  serviceAccountUser,
  type ServiceAccountAuthenticatorOptions,
} from './service-account-authenticator.js';
export { clientCertAuthenticator, peerOf, subjectNames, type PeerSummary } from './client-cert.js';
export {
  certificatesOf,
  FRONT_PROXY_USER,
  passable,
  REMOTE_EXTRA_HEADER_PREFIX,
  REMOTE_GROUP_HEADER,
  REMOTE_USER_HEADER,
  remoteUser,
  remoteUserHeaders,
  requestHeaderAuthenticator,
  type RequestHeaderAuthenticator,
  type RequestHeaderOptions,
} from './request-header.js';
export {
  CA_NAME,
  DEFAULT_ADMIN,
  ensureClientCertificate,
  ensurePki,
  serverTlsOptions,
  servingHosts,
  tlsOptions,
  type KeyPairPem,
  type Pki,
  type PkiOptions,
  type ServerTlsOptions,
} from './pki.js';
export { buildAdminKubeconfig, writeAdminKubeconfigFile, type KubeconfigCredentials, type KubeconfigOptions } from './kubeconfig.js';
