/**
 * What the validating and mutating webhook stages share (apiserver's admission/plugin/webhook
 * generic dispatcher): which webhooks apply to a request (rules and selectors, then
 * matchConditions), the dry-run rule on side effects, one call with its AdmissionReview (its
 * warnings to the client, its audit annotations to the audit event), and
 * failurePolicy — a webhook that cannot be called or answers outside the protocol fails the
 * request under Fail and is skipped (and logged) under Ignore.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../meta/index.js';
import { ApiError, errors, type AdmissionRequest } from '../../registry/index.js';
import { DEFAULT_TIMEOUT_SECONDS, webhooksOf, type Webhook } from '../kinds/index.js';
import { evaluateMatchConditions, webhookActivation } from '../policies/match-conditions.js';
import type { Matcher } from '../matching.js';
import type { AdmissionConfigSource, ScopedConfig } from '../types.js';
import { publishWebhookCall, type WebhookCallResult } from './call-channel.js';
import { WebhookCallError, type WebhookClient } from './client.js';
import { buildReview, readAnswer, reviewVersion, ReviewError, type ReviewAnswer } from './review.js';

export interface WebhookLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface WebhookStageOptions {
  configs: AdmissionConfigSource;
  client: WebhookClient;
  /** Rules, namespaceSelector and objectSelector, as every admission stage matches them. */
  matcher: Pick<Matcher, 'webhookMatches'>;
  /** Reads the request's namespace once (for namespaceSelector), undefined when it has none. */
  namespaceOf: (request: AdmissionRequest) => () => Promise<KubeObject | undefined>;
  /** Told about failures ignored under failurePolicy Ignore. */
  logger?: WebhookLogger;
}

/** One webhook of one configuration. */
export interface Candidate {
  type: 'validating' | 'mutating';
  config: ScopedConfig;
  webhook: Webhook;
}

/** The webhooks of the configurations that may apply, configurations by name (as Kubernetes orders them), webhooks in order. */
export function candidates(options: WebhookStageOptions, kind: 'validatingwebhookconfigurations' | 'mutatingwebhookconfigurations', request: AdmissionRequest): Candidate[] {
  const configs = options.configs.configs(kind, request.context.cluster, request.type);
  if (configs.length === 0) return [];
  const sorted = configs.length === 1 ? configs : [...configs].sort((a, b) => (a.object.metadata.name ?? '').localeCompare(b.object.metadata.name ?? '') || a.cluster.localeCompare(b.cluster));
  const type = kind === 'validatingwebhookconfigurations' ? 'validating' : 'mutating';
  return sorted.flatMap((config) => webhooksOf(config.object).map((webhook) => ({ type, config, webhook })));
}

const failurePolicyOf = (w: Webhook): 'Fail' | 'Ignore' => (w.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail');

/**
 * Whether the webhook applies: rules and selectors, then matchConditions (an error in those fails
 * the request under Fail), then the dry-run rule (a webhook with side effects cannot see a dry
 * run: the request fails, as in Kubernetes).
 */
export async function applies(options: WebhookStageOptions, c: Candidate, request: AdmissionRequest, namespace: () => Promise<KubeObject | undefined>): Promise<boolean> {
  if (!(await options.matcher.webhookMatches(c.webhook, request, namespace))) return false;
  const matched = evaluateMatchConditions(c.webhook.matchConditions, webhookActivation(request), failurePolicyOf(c.webhook));
  if (!matched.matches) {
    if ('error' in matched) throw errors.forbidden(request.type, nameOf(request), matched.error);
    return false;
  }
  if (request.dryRun && c.webhook.sideEffects !== 'None' && c.webhook.sideEffects !== 'NoneOnDryRun') {
    throw errors.badRequest(`admission webhook "${c.webhook.name}" does not support dry run`);
  }
  return true;
}

const nameOf = (request: AdmissionRequest): string => (request.object ?? request.oldObject)?.metadata.name ?? '';

/**
 * Calls the webhook and answers its checked answer, with its warnings already passed to the
 * client; undefined when the call failed and failurePolicy is Ignore. Under Fail a failure is a
 * 504 (timeout) or 503 ApiError `failed calling webhook "<name>": ...`: Kubernetes answers 500,
 * but the fault is the webhook's, not the server's, and a client may retry either.
 */
export async function call(options: WebhookStageOptions, c: Candidate, request: AdmissionRequest): Promise<ReviewAnswer | undefined> {
  const w = c.webhook;
  const start = performance.now();
  const told = (result: WebhookCallResult): void => publishWebhookCall({ type: c.type, result, seconds: (performance.now() - start) / 1000 });
  try {
    const version = reviewVersion(w.admissionReviewVersions);
    if (!version) throw new ReviewError(`webhook does not accept v1 or v1beta1 AdmissionReview (admissionReviewVersions ${JSON.stringify(w.admissionReviewVersions)})`);
    const uid = randomUUID();
    const review = buildReview(request, version, uid);
    const url = w.clientConfig.url ?? '';
    const body = await options.client.post(
      { key: `${c.config.cluster}\u0000${c.config.object.metadata.name}\u0000${w.name}`, url, ...(w.clientConfig.caBundle ? { caBundle: w.clientConfig.caBundle } : {}), timeoutSeconds: w.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS },
      JSON.stringify(review),
    );
    const answer = readAnswer(body, version, uid);
    told(answer.allowed ? 'allowed' : 'denied');
    if (answer.warnings.length > 0) request.context.warnings?.push(...answer.warnings);
    // Kubernetes records a webhook's audit annotations under its name.
    const notes = Object.entries(answer.auditAnnotations);
    if (notes.length > 0) Object.assign((request.context.auditAnnotations ??= {}), Object.fromEntries(notes.map(([k, v]) => [`${w.name}/${k}`, v])));
    return answer;
  } catch (err) {
    if (!(err instanceof WebhookCallError || err instanceof ReviewError)) throw err;
    const message = `failed calling webhook "${w.name}": ${err instanceof ReviewError ? `received invalid webhook response: ${err.message}` : `failed to call webhook: ${err.message}`}`;
    told(failurePolicyOf(w) === 'Ignore' ? 'ignored' : 'failed');
    if (failurePolicyOf(w) === 'Ignore') {
      options.logger?.warn({ webhook: w.name, configuration: c.config.object.metadata.name, cluster: request.context.cluster, failure: err instanceof WebhookCallError ? err.failure : 'response' }, `${message} (failurePolicy Ignore: the request goes on)`);
      return undefined;
    }
    const timedOut = err instanceof WebhookCallError && err.failure === 'timeout';
    throw new ApiError(timedOut ? 'Timeout' : 'ServiceUnavailable', message, undefined);
  }
}
