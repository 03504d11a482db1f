/**
 * ServiceAccount tokens: JWTs signed with ES256 (jose), with the claims of Kubernetes' bound
 * tokens plus the logical cluster, as kcp adds it:
 *
 *     header  {"alg":"ES256","kid":"<key id>","typ":"JWT"}
 *     payload {"iss", "sub":"system:serviceaccount:<ns>:<name>", "aud":[...], "exp", "iat", "nbf", "jti",
 *              "kubernetes.io":{"namespace":"<ns>","serviceaccount":{"name":"<name>","uid":"<uid>"}},
 *              "kcp.io/cluster":"<logical cluster name>"}
 *
 * `issueToken` is what a TokenRequest endpoint calls; `verify` checks signature (current or
 * previous key, by kid), issuer, audience, expiry/not-before (60 s leeway, as Kubernetes) and the
 * claims' shape. Whether the service account still exists is the authenticator's business.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors as jose, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { errors as apiErrors } from '../../registry/index.js';
import { isValidPath } from '../../tenancy/index.js';
import { SA_SIGNING_ALG, type ServiceAccountKeys, type SigningKey } from './service-account-keys.js';
import { SERVICE_ACCOUNT_PREFIX } from './types.js';

/** Kubernetes' default issuer (and so default API audience) for in-cluster service account tokens. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const CLUSTER_CLAIM = 'kcp.io/cluster';
export const KUBERNETES_CLAIM = 'kubernetes.io';
/** TokenRequest defaults and limits, as in Kubernetes. */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
export const MIN_EXPIRATION_SECONDS = 600;
export const MAX_EXPIRATION_SECONDS = 2 ** 32;
/** Clock skew tolerated on exp / nbf / iat (Kubernetes' jwt.DefaultLeeway). */
export const LEEWAY_SECONDS = 60;

const TOKEN_REQUEST = { group: 'authentication.k8s.io', resource: 'tokenrequests', kind: 'TokenRequest' };

export interface TokenRequestSpec {
  /** The logical cluster (name, not path) the service account lives in. */
  cluster: string;
  namespace: string;
  /** The ServiceAccount's name and uid: the token dies with that object. */
  name: string;
  uid: string;
  /** Defaults to the API audiences the server accepts. */
  audiences?: readonly string[];
  /** Defaults to 3600; at least 600; capped at `maxExpirationSeconds` when that is set. */
  expirationSeconds?: number;
  /**
   * The Secret the token is kept in (legacy token Secrets): the token then also dies with that
   * Secret, as a Kubernetes token bound to a Secret does (`kubernetes.io.secret` claim).
   */
  secret?: { name: string; uid: string };
}

export interface IssuedToken {
  token: string;
  /** RFC 3339, as TokenRequest's `status.expirationTimestamp`. */
  expirationTimestamp: string;
  /** The lifetime granted (after capping). */
  expirationSeconds: number;
}

/** What a valid token says. */
export interface ServiceAccountClaims {
  cluster: string;
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  jti?: string;
  expiresAt: Date;
  /** Set for a token bound to a Secret: it is valid only while that Secret (same uid) exists. */
  secret?: { name: string; uid: string };
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

export interface ServiceAccountTokenOptions {
  keys: ServiceAccountKeys;
  /** `iss` of issued tokens; only tokens with this issuer are verified (others are not ours). */
  issuer?: string;
  /** The audiences the API server accepts (a token must name one); default `[issuer]`. */
  apiAudiences?: readonly string[];
  /** Longest lifetime a TokenRequest gets (Kubernetes' --service-account-max-token-expiration). */
  maxExpirationSeconds?: number;
  now?: () => Date;
}

interface KubernetesClaim {
  namespace?: unknown;
  serviceaccount?: { name?: unknown; uid?: unknown };
  secret?: { name?: unknown; uid?: unknown };
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

export class ServiceAccountTokens {
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  private readonly keys: Map<string, SigningKey>;
  private readonly signer: SigningKey;
  private readonly now: () => Date;

  constructor(private readonly options: ServiceAccountTokenOptions) {
    this.issuer = options.issuer ?? DEFAULT_ISSUER;
    this.apiAudiences = options.apiAudiences?.length ? [...options.apiAudiences] : [this.issuer];
    this.signer = options.keys.current;
    this.keys = new Map([[options.keys.current.kid, options.keys.current]]);
    if (options.keys.previous) this.keys.set(options.keys.previous.kid, options.keys.previous);
    this.now = options.now ?? (() => new Date());
  }

  /** Signs a token for a service account. Throws a 422 ApiError for an invalid lifetime or audience. */
  async issueToken(spec: TokenRequestSpec): Promise<IssuedToken> {
    const requested = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const invalid = (field: string, value: unknown, detail: string) =>
      apiErrors.invalid(TOKEN_REQUEST, spec.name, [{ type: 'FieldValueInvalid', field, value, detail }]);
    if (!Number.isInteger(requested)) throw invalid('spec.expirationSeconds', requested, 'must be a whole number of seconds');
    if (requested < MIN_EXPIRATION_SECONDS) throw invalid('spec.expirationSeconds', requested, 'may not specify a duration less than 10 minutes');
    if (requested > MAX_EXPIRATION_SECONDS) throw invalid('spec.expirationSeconds', requested, 'may not specify a duration larger than 2^32 seconds');
    const audiences = spec.audiences?.length ? [...spec.audiences] : [...this.apiAudiences];
    if (audiences.some((a) => !nonEmpty(a))) throw invalid('spec.audiences', audiences, 'must not contain empty audiences');
    for (const [field, value] of [['cluster', spec.cluster], ['namespace', spec.namespace], ['name', spec.name], ['uid', spec.uid]] as const) {
      if (!nonEmpty(value)) throw new TypeError(`issueToken: ${field} is required`);
    }
    // A logical cluster *name* (never a path, never the store's `*` wildcard).
    if (spec.cluster.includes(':') || !isValidPath(spec.cluster)) throw new TypeError(`issueToken: "${spec.cluster}" is not a logical cluster name`);
    const lifetime = Math.min(requested, this.options.maxExpirationSeconds ?? requested);
    const iat = Math.floor(this.now().getTime() / 1000);
    const exp = iat + lifetime;
    const token = await new SignJWT({
      [KUBERNETES_CLAIM]: {
        namespace: spec.namespace,
        serviceaccount: { name: spec.name, uid: spec.uid },
        ...(spec.secret ? { secret: { name: spec.secret.name, uid: spec.secret.uid } } : {}),
      },
      [CLUSTER_CLAIM]: spec.cluster,
    })
      .setProtectedHeader({ alg: SA_SIGNING_ALG, kid: this.signer.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(`${SERVICE_ACCOUNT_PREFIX}${spec.namespace}:${spec.name}`)
      .setAudience(audiences)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.signer.privateKey);
    return { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), expirationSeconds: lifetime };
  }

  /** True when the token looks like one of ours (a JWT naming our issuer) — before any verification. */
  isOurs(token: string): boolean {
    if (token.split('.').length !== 3) return false;
    try {
      return decodeJwt(token).iss === this.issuer;
    } catch {
      return false;
    }
  }

  /**
   * Verifies a token of ours for one of `audiences` (default the API audiences); throws
   * InvalidTokenError saying why it is not valid.
   */
  async verify(token: string, audiences: readonly string[] = this.apiAudiences): Promise<ServiceAccountClaims> {
    let payload: JWTPayload;
    try {
      const { kid } = decodeProtectedHeader(token);
      const key = kid === undefined ? undefined : this.keys.get(kid);
      if (!key) throw new InvalidTokenError('token signed by an unknown key');
      ({ payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [SA_SIGNING_ALG],
        issuer: this.issuer,
        audience: [...audiences],
        currentDate: this.now(),
        clockTolerance: LEEWAY_SECONDS,
        requiredClaims: ['sub', 'exp', 'iat', 'nbf', KUBERNETES_CLAIM, CLUSTER_CLAIM],
      }));
    } catch (err) {
      throw new InvalidTokenError(describe(err, audiences));
    }
    const k8s = payload[KUBERNETES_CLAIM] as KubernetesClaim | undefined;
    const cluster = payload[CLUSTER_CLAIM];
    const namespace = k8s?.namespace;
    const name = k8s?.serviceaccount?.name;
    const uid = k8s?.serviceaccount?.uid;
    if (!nonEmpty(cluster) || !nonEmpty(namespace) || !nonEmpty(name) || !nonEmpty(uid)) {
      throw new InvalidTokenError('token lacks the service account or logical cluster claims');
    }
    if (payload.sub !== `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`) throw new InvalidTokenError('token subject does not match its service account');
    const secret = secretOf(k8s?.secret);
    const aud = payload.aud;
    return {
      cluster,
      namespace,
      name,
      uid,
      audiences: Array.isArray(aud) ? aud : aud === undefined ? [] : [aud],
      ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}),
      expiresAt: new Date((payload.exp ?? 0) * 1000),
      ...(secret ? { secret } : {}),
    };
  }
}

/** The Secret a token is bound to, if it names one; a half-named one makes the token invalid. */
function secretOf(claim: KubernetesClaim['secret']): ServiceAccountClaims['secret'] {
  if (claim === undefined) return undefined;
  const { name, uid } = claim;
  if (!nonEmpty(name) || !nonEmpty(uid)) throw new InvalidTokenError('token names a secret without its name and uid');
  return { name, uid };
}

/** jose's failures, in the words Kubernetes' service account authenticator uses. */
function describe(err: unknown, apiAudiences: readonly string[]): string {
  if (err instanceof InvalidTokenError) return err.message;
  if (err instanceof jose.JWTExpired) return 'token has expired';
  if (err instanceof jose.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return `token audiences are invalid for the target audiences ${JSON.stringify(apiAudiences)}`;
    if (err.claim === 'nbf' || err.claim === 'iat') return 'token is not valid yet';
    return `token claim "${err.claim}" is invalid`;
  }
  if (err instanceof jose.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof jose.JOSEAlgNotAllowed) return 'token signing algorithm is not allowed';
  return 'token is malformed';
}
