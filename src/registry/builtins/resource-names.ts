/**
 * Which resource names (`cpu`, `requests.memory`, `example.com/gpu`, `count/deployments.apps`)
 * LimitRanges and ResourceQuotas accept, and how their quantities are checked — the rules of
 * core validation and its helper package, shared by both kinds.
 */
import { validateQualifiedName } from '../../meta/index.js';
import type { FieldError } from '../errors.js';
import { formatQuantity, isWholeNumber, quantityFrom, type Quantity } from './quantity.js';

const HUGEPAGES = 'hugepages-';
const REQUESTS_HUGEPAGES = 'requests.hugepages-';
const NATIVE_PREFIX = 'kubernetes.io/';
const REQUESTS_PREFIX = 'requests.';

const CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

const QUOTA_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);

const STANDARD_RESOURCES = new Set([...QUOTA_RESOURCES, 'storage']);

/** Counted objects, which only come in whole numbers. */
const INTEGER_RESOURCES = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isQuotaHugePages = (n: string): boolean => n.startsWith(HUGEPAGES) || n.startsWith(REQUESTS_HUGEPAGES);
export const isHugePages = (n: string): boolean => n.startsWith(HUGEPAGES);

/** Unprefixed names and `*kubernetes.io/` names belong to Kubernetes itself. */
export const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes(NATIVE_PREFIX);

/** Resources a device plugin or operator adds, like `example.com/gpu`. */
export function isExtendedResource(n: string): boolean {
  if (isNativeResource(n) || n.startsWith(REQUESTS_PREFIX)) return false;
  return validateQualifiedName(REQUESTS_PREFIX + n).length === 0;
}

export const isStandardQuotaResource = (n: string): boolean => QUOTA_RESOURCES.has(n) || isQuotaHugePages(n);
export const isIntegerResource = (n: string): boolean => INTEGER_RESOURCES.has(n) || isExtendedResource(n);
/** Whether requests may be smaller than limits (not for hugepages or extended resources). */
export const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !isHugePages(n);

const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

/** core validation's validateResourceName: qualified, and known when not prefixed. */
export function validateResourceName(name: string, field: string): FieldError[] {
  const errs = validateQualifiedName(name).map((m) => invalid(field, name, m));
  if (errs.length) return errs;
  if (!name.includes('/') && !(STANDARD_RESOURCES.has(name) || isQuotaHugePages(name))) {
    errs.push(invalid(field, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

/** Names a container (and so a Pod or Container limit) may use. */
export function validateContainerResourceName(name: string, field: string): FieldError[] {
  const errs = validateResourceName(name, field);
  if (!name.includes('/')) {
    if (!(CONTAINER_RESOURCES.has(name) || isHugePages(name))) errs.push(invalid(field, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(invalid(field, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

export function validateQuotaResourceName(name: string, field: string): FieldError[] {
  const errs = validateResourceName(name, field);
  if (!name.includes('/') && !isStandardQuotaResource(name)) errs.push(invalid(field, name, 'must be a standard resource for quota'));
  return errs;
}

/** A parsed quantity, or the error that it does not parse. */
export function readQuantity(value: unknown, field: string): { quantity?: Quantity; errors: FieldError[] } {
  const r = quantityFrom(value);
  return r.ok ? { quantity: r.quantity, errors: [] } : { errors: [invalid(field, value, r.error)] };
}

/** ValidateResourceQuantityValue: never negative, and whole for counted resources. */
export function validateQuotaQuantity(resource: string, q: Quantity, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const shown = formatQuantity(q);
  if (q.nanos < 0n) errs.push(invalid(field, shown, 'must be greater than or equal to 0'));
  if (isIntegerResource(resource) && !isWholeNumber(q)) errs.push(invalid(field, shown, 'must be an integer'));
  return errs;
}

/** Rewrites every parseable quantity of a resource list in canonical form, in place. */
export function canonicalizeResourceList(list: unknown): void {
  if (typeof list !== 'object' || list === null || Array.isArray(list)) return;
  const rec = list as Record<string, unknown>;
  for (const [k, v] of Object.entries(rec)) {
    const r = quantityFrom(v);
    if (r.ok) rec[k] = formatQuantity(r.quantity);
  }
}
