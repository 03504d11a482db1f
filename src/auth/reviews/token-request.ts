/**
 * `serviceaccounts/<name>/token`: an authentication.k8s.io/v1 TokenRequest answered with a signed
 * token for the service account (`kubectl create token`), following Kubernetes' TokenREST.
 *
 * Why a ServiceAccount type variant rather than a registry-wide table of action handlers: the
 * action is part of what the API set serves (discovery lists `serviceaccounts/token`, OpenAPI
 * documents its POST, fingerprints tell the two ServiceAccount types apart), and the registry
 * must not import src/auth; so auth builds the variant and the server serves it in place of the
 * built-in one (`withAuthResourceTypes`).
 */
import { cloneObject, rfc3339, type KubeObject } from '../../meta/index.js';
import {
  checkSchema,
  errors,
  serviceAccounts,
  type ErrorTarget,
  type FieldError,
  type RequestContext,
  type ResourceType,
  type SubresourceAction,
} from '../../registry/index.js';
import { DEFAULT_EXPIRATION_SECONDS, MAX_EXPIRATION_SECONDS, MIN_EXPIRATION_SECONDS, type ServiceAccountTokens } from '../authn/service-account-tokens.js';
import { AUTHENTICATION_GROUP, AUTHN, authComponents } from './openapi.js';
import { tokenRequestSchema, type TokenRequestSpecWire } from './shapes.js';

/** Kubernetes names the kind where a resource would go in these errors (`TokenRequest.authentication.k8s.io`). */
const TOKEN_REQUEST: ErrorTarget = { group: AUTHENTICATION_GROUP, resource: 'TokenRequest', kind: 'TokenRequest' };

function specErrors(spec: TokenRequestSpecWire, seconds: number): FieldError[] {
  const errs: FieldError[] = [];
  const invalid = (detail: string) => errs.push({ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', value: seconds, detail });
  if (seconds < MIN_EXPIRATION_SECONDS) invalid('may not specify a duration less than 10 minutes');
  if (seconds > MAX_EXPIRATION_SECONDS) invalid('may not specify a duration larger than 2^32 seconds');
  if ((spec.audiences ?? []).some((a) => a === '')) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.audiences', value: spec.audiences, detail: 'must not contain empty audiences' });
  }
  // Kubernetes binds to Pods, Secrets and Nodes; Atoll has no pods or nodes and keeps tokens bound to their service account.
  if (spec.boundObjectRef) {
    const detail = 'tokens cannot be bound to other objects here (there are no pods); omit boundObjectRef: the token is bound to its service account';
    errs.push({ type: 'FieldValueForbidden', field: 'spec.boundObjectRef', detail });
  }
  return errs;
}

/** Checks the request against the service account it names; the answer's metadata is the account's. */
function checkRequest(input: KubeObject, sa: KubeObject): void {
  const name = sa.metadata.name ?? '';
  const asked = input.metadata.name;
  if (asked && asked !== name) {
    const cause: FieldError = { type: 'FieldValueInvalid', field: 'metadata.name', value: asked, detail: 'must match the service account name if specified' };
    throw errors.invalid(TOKEN_REQUEST, name, [cause]);
  }
  const uid = input.metadata.uid;
  if (uid && uid !== sa.metadata.uid) {
    throw errors.conflict(TOKEN_REQUEST, name, `the UID in the token request (${uid}) does not match the UID of the service account (${sa.metadata.uid ?? ''})`);
  }
}

export function tokenRequestAction(tokens: ServiceAccountTokens, now: () => Date = () => new Date()): SubresourceAction {
  return {
    group: AUTHENTICATION_GROUP,
    version: 'v1',
    kind: 'TokenRequest',
    schema: { name: `${AUTHN}TokenRequest`, components: authComponents },
    validate: (input) => checkSchema(tokenRequestSchema, input),
    async create(ctx: RequestContext, sa: KubeObject, input: KubeObject, { dryRun }): Promise<KubeObject> {
      checkRequest(input, sa);
      const given = (input.spec as TokenRequestSpecWire | null | undefined) ?? {};
      const requested = given.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
      const errs = specErrors(given, requested);
      if (errs.length) throw errors.invalid(TOKEN_REQUEST, '', errs);
      const audiences = given.audiences?.length ? [...given.audiences] : [...tokens.apiAudiences];
      const out = cloneObject(input);
      out.metadata = { name: sa.metadata.name, namespace: sa.metadata.namespace, uid: sa.metadata.uid, creationTimestamp: rfc3339(now()) };
      const spec = { audiences, expirationSeconds: requested, boundObjectRef: null };
      out.spec = spec;
      // A dry run checks everything but mints nothing: a token is a credential, whatever the request said.
      if (dryRun) {
        out.status = { token: '' };
        return out;
      }
      const issued = await tokens.issueToken({
        cluster: ctx.cluster,
        namespace: sa.metadata.namespace ?? '',
        name: sa.metadata.name ?? '',
        uid: sa.metadata.uid ?? '',
        audiences,
        expirationSeconds: requested,
      });
      if (issued.expirationSeconds < requested) {
        ctx.warnings?.push(`requested expiration of ${requested} seconds shortened to ${issued.expirationSeconds} seconds`);
        spec.expirationSeconds = issued.expirationSeconds;
      }
      out.status = { token: issued.token, expirationTimestamp: issued.expirationTimestamp };
      return out;
    },
  };
}

/** The built-in ServiceAccount type with the `token` action. */
export function serviceAccountsWithTokens(tokens: ServiceAccountTokens): ResourceType {
  const strategy = serviceAccounts.strategy;
  return { ...serviceAccounts, strategy: { ...strategy, actions: { ...strategy.actions, token: tokenRequestAction(tokens) } } };
}
