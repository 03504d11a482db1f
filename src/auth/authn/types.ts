/**
 * The authentication contract: an Authenticator looks at a request's headers (and TLS socket) and
 * answers with a user, with an error (credentials were presented but are not valid: the server
 * answers 401), or with undefined (nothing it recognises: the next authenticator may try).
 * Identities follow Kubernetes' user.Info: a name, an optional uid, groups and `extra` values.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../../registry/index.js';

/** A UserInfo with Kubernetes' `extra` map (e.g. the logical cluster a service account belongs to). */
export interface AuthUser extends UserInfo {
  extra?: Readonly<Record<string, readonly string[]>>;
}

export interface AuthRequest {
  headers: IncomingHttpHeaders;
  /** The connection; client certificates are read from it when it is a TLSSocket. */
  socket?: TLSSocket | Socket;
  /**
   * The logical cluster *name* the request addresses (what the ClusterResolver returned for
   * `/clusters/<path>`), when it addresses one. Not the path: `root:org` and its cluster name differ.
   */
  cluster?: string;
  /**
   * The audiences a token must be for (a TokenReview's `spec.audiences`); undefined: the server's
   * API audiences. Only audience-aware authenticators (service account tokens) read it.
   */
  audiences?: readonly string[];
}

/** A user, with the audiences the credential was found valid for when the authenticator knows them. */
export type AuthResult = { user: AuthUser; audiences?: readonly string[] } | { error: string };

export interface Authenticator {
  /** undefined: no opinion (no credentials of this kind); `error`: credentials presented but invalid. */
  authenticate(request: AuthRequest): Promise<AuthResult | undefined>;
}

/** Kubernetes' well-known identities (k8s.io/apiserver/pkg/authentication/user). */
export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
export const AUTHENTICATED_GROUP = 'system:authenticated';
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
/**
 * The group kcp's bootstrap policy makes cluster-admin in every workspace. Its members are not
 * `system:masters`, which Atoll keeps for its own controllers: they may not write what only the
 * system writes (a LogicalCluster, a Workspace's `spec.cluster`), as in kcp.
 */
export const ADMIN_GROUP = 'system:kcp:admin';

/**
 * `extra` key naming the logical cluster a service account belongs to — kcp's
 * `authserviceaccount.ClusterNameKey`, which its RBAC evaluation reads to tell local service
 * accounts from foreign ones.
 */
export const CLUSTER_NAME_EXTRA = 'authentication.kubernetes.io/cluster-name';
/** `extra` key with the token's id (`JTI=<jti>`), as Kubernetes 1.29+ records it for audit. */
export const CREDENTIAL_ID_EXTRA = 'authentication.kubernetes.io/credential-id';

export const isUser = (r: AuthResult | undefined): r is { user: AuthUser } => r !== undefined && 'user' in r;
