/**
 * The legacy tokens controller's rule for one Secret of type `kubernetes.io/service-account-token`
 * (Kubernetes' tokens_controller generateTokenIfNeeded): only what is missing is filled — a token
 * when `data.token` is empty, `ca.crt` when it differs from the CA, `namespace` when empty — and
 * the account's name and uid annotations are set, so the token dies with that incarnation.
 */
import type { KubeObject } from '../meta/index.js';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

/**
 * Signs a token for a ServiceAccount of a logical cluster, bound to the Secret that will hold it
 * (deleting the Secret revokes the token); returns the JWT.
 */
export type IssueToken = (account: { cluster: string; namespace: string; name: string; uid: string; secret: { name: string; uid: string } }) => Promise<string>;

export const isTokenSecret = (o: KubeObject): boolean => o.type === SERVICE_ACCOUNT_TOKEN_TYPE;

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export interface FillOptions {
  cluster: string;
  caCert: string | undefined;
  issueToken: IssueToken;
}

/** The Secret with what it lacks filled in, or undefined when nothing is missing. */
export async function fillTokenSecret(secret: KubeObject, account: KubeObject, { cluster, caCert, issueToken }: FillOptions): Promise<KubeObject | undefined> {
  const data = { ...((secret.data ?? {}) as Record<string, string>) };
  const annotations = { ...(secret.metadata.annotations ?? {}) };
  const namespace = account.metadata.namespace ?? '';
  const name = account.metadata.name ?? '';
  const uid = account.metadata.uid ?? '';
  let changed = false;
  if (caCert && data['ca.crt'] !== b64(caCert)) {
    data['ca.crt'] = b64(caCert);
    changed = true;
  }
  if (!data.namespace) {
    data.namespace = b64(namespace);
    changed = true;
  }
  if (!data.token) {
    const secretRef = { name: secret.metadata.name ?? '', uid: secret.metadata.uid ?? '' };
    data.token = b64(await issueToken({ cluster, namespace, name, uid, secret: secretRef }));
    changed = true;
  }
  if (annotations[SA_NAME_ANNOTATION] !== name || annotations[SA_UID_ANNOTATION] !== uid) {
    annotations[SA_NAME_ANNOTATION] = name;
    annotations[SA_UID_ANNOTATION] = uid;
    changed = true;
  }
  if (!changed) return undefined;
  return { ...secret, metadata: { ...secret.metadata, annotations }, data };
}
