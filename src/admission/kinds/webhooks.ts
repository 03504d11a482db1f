/**
 * ValidatingWebhookConfiguration and MutatingWebhookConfiguration (v1): their shape, the
 * kube-apiserver's rules (names, client config, side effects, review versions, timeouts) and
 * defaults. Atoll calls webhooks by `clientConfig.url` only: a `service` reference cannot be
 * reached from here, so a configuration naming one is refused when written (docs/admission.md)
 * rather than stored to fail every matching request later.
 */
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { isPlainObject, validateDNS1123Label, validateDNS1123Subdomain, type KubeObject } from '../../meta/index.js';
import { type FieldError, type LabelSelectorValue, type PrinterColumn } from '../../registry/index.js';
import { webhookUrlProblems } from '../webhooks/destinations.js';
import { validator, versionsOf } from './policies.js';
import {
  defaultRules,
  failurePolicy,
  MATCH_POLICIES,
  matchConditionErrors,
  matchConditions,
  reinvocationPolicy,
  ruleErrors,
  ruleWithOperations,
  selectorErrors,
  selectorSchema,
  type NamedExpression,
  type Rule,
} from './shared.js';

const SIDE_EFFECTS = ['None', 'NoneOnDryRun'] as const;
/** The AdmissionReview versions Atoll sends; a webhook must accept one of them. */
export const REVIEW_VERSIONS = ['v1', 'v1beta1'] as const;
export const DEFAULT_TIMEOUT_SECONDS = 10;

const webhookFields = {
  name: z.string(),
  clientConfig: z.strictObject({
    url: z.string().optional(),
    service: z.strictObject({ namespace: z.string(), name: z.string(), path: z.string().optional(), port: z.number().int().optional() }).nullable().optional(),
    caBundle: z.string().optional(),
  }),
  rules: z.array(ruleWithOperations).nullable().optional(),
  failurePolicy,
  matchPolicy: z.enum(MATCH_POLICIES).nullable().optional(),
  namespaceSelector: selectorSchema,
  objectSelector: selectorSchema,
  // Required (checked with the other rules), with the v1 values only (v1beta1's Some and Unknown are refused).
  sideEffects: z.enum(SIDE_EFFECTS).optional(),
  timeoutSeconds: z.number().int().nullable().optional(),
  admissionReviewVersions: z.array(z.string()),
  matchConditions,
};

const validatingSchema = z.strictObject({ apiVersion: z.string().optional(), kind: z.string().optional(), metadata: z.unknown(), webhooks: z.array(z.strictObject(webhookFields)).nullable().optional() });
const mutatingSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.unknown(),
  webhooks: z.array(z.strictObject({ ...webhookFields, reinvocationPolicy })).nullable().optional(),
});

export interface Webhook {
  name: string;
  clientConfig: { url?: string; service?: { namespace: string; name: string; path?: string; port?: number } | null; caBundle?: string };
  rules?: Rule[] | null;
  failurePolicy?: string | null;
  matchPolicy?: string | null;
  namespaceSelector?: LabelSelectorValue | null;
  objectSelector?: LabelSelectorValue | null;
  sideEffects?: string;
  timeoutSeconds?: number | null;
  admissionReviewVersions: string[];
  matchConditions?: NamedExpression[] | null;
  reinvocationPolicy?: string | null;
}

export const webhooksOf = (o: KubeObject): Webhook[] => ((o as { webhooks?: Webhook[] | null }).webhooks ?? []);

const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

/**
 * apiserver's ValidateWebhookURL, for a URL the server calls itself: https, a host, nothing else in
 * the way, and never a link-local or cloud-metadata destination (webhooks/destinations.ts).
 */
export function webhookUrlErrors(raw: string, at: string): FieldError[] {
  return webhookUrlProblems(raw).map((detail) => invalid(at, raw, detail));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A caBundle must hold at least one PEM certificate, and nothing that fails to parse as one. */
export function caBundleErrors(bundle: string, at: string): FieldError[] {
  if (!BASE64.test(bundle)) return [invalid(at, '<bytes>', 'must be base64-encoded')];
  const pem = Buffer.from(bundle, 'base64').toString('latin1');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return [invalid(at, '<bytes>', 'must contain at least one PEM-encoded certificate')];
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      return [invalid(at, '<bytes>', 'holds a PEM certificate that does not parse')];
    }
  }
  return [];
}

function clientConfigErrors(c: Webhook['clientConfig'], at: string): FieldError[] {
  const errs: FieldError[] = [];
  const hasUrl = c.url !== undefined && c.url !== '';
  if (hasUrl === !!c.service) errs.push({ type: 'FieldValueRequired', field: at, detail: 'exactly one of url or service is required' });
  if (hasUrl) errs.push(...webhookUrlErrors(c.url as string, `${at}.url`));
  if (c.service) {
    const s = c.service;
    if (s.namespace === '') errs.push({ type: 'FieldValueRequired', field: `${at}.service.namespace`, detail: 'service namespace is required' });
    if (s.name === '') errs.push({ type: 'FieldValueRequired', field: `${at}.service.name`, detail: 'service name is required' });
    if (s.path !== undefined && s.path !== '' && !s.path.startsWith('/')) errs.push(invalid(`${at}.service.path`, s.path, "must start with a '/'"));
    if (s.port !== undefined && (s.port < 1 || s.port > 65535)) errs.push(invalid(`${at}.service.port`, s.port, 'port is not valid: must be between 1 and 65535, inclusive'));
    errs.push({ type: 'FieldValueForbidden', field: `${at}.service`, detail: 'service references are not supported by Atoll (there are no Services to call): set clientConfig.url to the webhook\'s https URL instead' });
  }
  if (c.caBundle) errs.push(...caBundleErrors(c.caBundle, `${at}.caBundle`));
  return errs;
}

function webhookErrors(w: Webhook, at: string): FieldError[] {
  const errs: FieldError[] = [];
  if (w.name === '') errs.push({ type: 'FieldValueRequired', field: `${at}.name`, detail: '' });
  else {
    for (const detail of validateDNS1123Subdomain(w.name)) errs.push(invalid(`${at}.name`, w.name, detail));
    if (w.name.split('.').length < 3) errs.push(invalid(`${at}.name`, w.name, 'should be a domain with at least three segments separated by dots'));
  }
  errs.push(...clientConfigErrors(w.clientConfig, `${at}.clientConfig`));
  if (w.sideEffects === undefined) errs.push({ type: 'FieldValueRequired', field: `${at}.sideEffects`, detail: `must specify one of ${SIDE_EFFECTS.join(', ')}` });
  (w.rules ?? []).forEach((r, i) => errs.push(...ruleErrors(r, `${at}.rules[${i}]`)));
  errs.push(...selectorErrors(w.namespaceSelector, `${at}.namespaceSelector`), ...selectorErrors(w.objectSelector, `${at}.objectSelector`));
  if (w.timeoutSeconds !== undefined && w.timeoutSeconds !== null && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30)) {
    errs.push(invalid(`${at}.timeoutSeconds`, w.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  }
  const versions = w.admissionReviewVersions;
  if (versions.length === 0) errs.push({ type: 'FieldValueRequired', field: `${at}.admissionReviewVersions`, detail: `must specify one of ${REVIEW_VERSIONS.join(', ')}` });
  else if (!versions.some((v) => (REVIEW_VERSIONS as readonly string[]).includes(v))) {
    errs.push(invalid(`${at}.admissionReviewVersions`, versions, `must include at least one of ${REVIEW_VERSIONS.join(', ')}`));
  }
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    for (const detail of validateDNS1123Label(v)) errs.push(invalid(`${at}.admissionReviewVersions[${i}]`, v, detail));
    if (seen.has(v)) errs.push({ type: 'FieldValueDuplicate', field: `${at}.admissionReviewVersions[${i}]`, value: v, detail: '' });
    seen.add(v);
  });
  errs.push(...matchConditionErrors(w.matchConditions, `${at}.matchConditions`));
  return errs;
}

function configurationErrors(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  webhooksOf(o).forEach((w, i) => {
    errs.push(...webhookErrors(w, `webhooks[${i}]`));
    if (names.has(w.name)) errs.push({ type: 'FieldValueDuplicate', field: `webhooks[${i}].name`, value: w.name, detail: '' });
    names.add(w.name);
  });
  return errs;
}

function defaultWebhooks(o: KubeObject, mutating: boolean): void {
  const list = (o as { webhooks?: unknown }).webhooks;
  if (!Array.isArray(list)) return;
  for (const w of list) {
    if (!isPlainObject(w)) continue;
    w.failurePolicy ??= 'Fail';
    w.matchPolicy ??= 'Equivalent';
    w.namespaceSelector ??= {};
    w.objectSelector ??= {};
    w.timeoutSeconds ??= DEFAULT_TIMEOUT_SECONDS;
    if (mutating) w.reinvocationPolicy ??= 'Never';
    defaultRules(w.rules);
  }
}

const webhooksColumn: PrinterColumn = { name: 'Webhooks', type: 'integer', description: 'Number of webhooks.', priority: 0, cell: (o) => webhooksOf(o).length };

export const [validatingWebhookConfigurations] = versionsOf({
  resource: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  versions: ['v1'],
  hasStatus: false,
  columns: [webhooksColumn],
  validate: validator(validatingSchema, 'ValidatingWebhookConfiguration', configurationErrors),
  prepare: (o) => defaultWebhooks(o, false),
});

export const [mutatingWebhookConfigurations] = versionsOf({
  resource: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  versions: ['v1'],
  hasStatus: false,
  columns: [webhooksColumn],
  validate: validator(mutatingSchema, 'MutatingWebhookConfiguration', configurationErrors),
  prepare: (o) => defaultWebhooks(o, true),
});
