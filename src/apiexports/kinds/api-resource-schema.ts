/**
 * apis.kcp.io/v1alpha1 APIResourceSchema: an immutable snapshot of a CRD's spec that an APIExport
 * serves, named `<prefix>.<plural>.<group or "core">`. Its versions are validated as a CRD's are
 * (structural schemas, defaults, CEL, columns, subresources); the name and group rules are kcp's.
 */
import { z } from 'zod';
import { deepEqual, validateDNS1123Subdomain, type KubeObject } from '../../meta/index.js';
import { crdNamesShape, crdVersionShape, jsonSchemaProps, validateCrdNames, validateCrdVersions } from '../../crd/index.js';
import { builtin, checkSchema, immutable, kindSchema, type FieldError } from '../../registry/index.js';
import { crdSpecOfSchema } from '../bound-types.js';
import { APIS_GROUP, schemaSpecOf, type APIResourceSchemaSpec } from '../types.js';
import { apisComponents, APIS_V1ALPHA1 } from './openapi.js';

const VERSION_NAME = /^v[1-9][0-9]*([a-z]+[1-9][0-9]*)?$/;
const NAME_PREFIX = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes' single-word groups, which kcp lets schemas use too. */
const SINGLE_WORD_GROUPS = new Set(['apps', 'batch', 'extensions', 'policy', 'autoscaling']);
const APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';
const APPROVAL_DOC = 'see https://github.com/kubernetes/enhancements/pull/1111';

const schema = kindSchema({
  spec: z.strictObject({
    group: z.string(),
    names: crdNamesShape,
    scope: z.enum(['Cluster', 'Namespaced']),
    versions: z.array(crdVersionShape.extend({ name: z.string().regex(VERSION_NAME, `should match '${VERSION_NAME.source}'`), schema: jsonSchemaProps })),
    nameValidation: z.enum(['DNS1123Subdomain', 'PathSegmentName']).optional(),
    conversion: z
      .strictObject({
        strategy: z.enum(['None', 'Webhook']),
        webhook: z
          .strictObject({
            clientConfig: z.strictObject({ url: z.string().optional(), caBundle: z.string().optional() }).optional(),
            conversionReviewVersions: z.array(z.string()),
          })
          .optional(),
      })
      .optional(),
  }),
});

/** What kcp's CRD and kcp (like Kubernetes for CRDs) default: served versions, names, name validation. */
function defaults(o: KubeObject): void {
  const spec = o.spec as Partial<APIResourceSchemaSpec> | undefined;
  if (!spec || typeof spec !== 'object') return;
  spec.nameValidation ??= 'DNS1123Subdomain';
  const names = spec.names;
  if (names && typeof names === 'object' && typeof names.kind === 'string') {
    if (!names.singular) names.singular = names.kind.toLowerCase();
    if (!names.listKind) names.listKind = `${names.kind}List`;
  }
  if (Array.isArray(spec.versions)) {
    for (const v of spec.versions) if (v && typeof v === 'object') v.served ??= true;
  }
}

const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

/** The name ends in `.<plural>.<group or core>`, after a DNS-1035-like prefix without dots. */
function nameErrors(name: string, spec: APIResourceSchemaSpec): FieldError[] {
  if (!spec.names.plural) return [];
  const suffix = `.${spec.names.plural}.${spec.group || 'core'}`;
  if (!name.endsWith(suffix)) return [invalid('metadata.name', name, `must end in ${suffix}`)];
  if (!NAME_PREFIX.test(name.slice(0, -suffix.length))) {
    return [invalid('metadata.name', name, `must match ${NAME_PREFIX.source} in front of ${suffix}`)];
  }
  return [];
}

function groupErrors(group: string): FieldError[] {
  if (group === '') return [];
  if (group === 'core') return [invalid('spec.group', group, 'must be empty string for the core group')];
  const dns = validateDNS1123Subdomain(group);
  if (dns.length > 0) return [invalid('spec.group', group, dns.join(','))];
  if (!group.includes('.') && !SINGLE_WORD_GROUPS.has(group)) return [invalid('spec.group', group, 'should be a domain with at least one dot')];
  return [];
}

/** Kubernetes' community groups need the API-approval annotation, as for CRDs (apihelpers.GetAPIApprovalState). */
function approvalErrors(group: string, annotations: Record<string, string> | undefined): FieldError[] {
  const isProtected = ['k8s.io', 'kubernetes.io'].some((d) => group === d || group.endsWith(`.${d}`));
  if (!isProtected) return [];
  const field = `metadata.annotations[${APPROVAL_ANNOTATION}]`;
  const value = annotations?.[APPROVAL_ANNOTATION];
  if (value === undefined) return [{ type: 'FieldValueRequired', field, detail: `protected groups must have approval annotation "${APPROVAL_ANNOTATION}", ${APPROVAL_DOC}` }];
  if (value.startsWith('unapproved') || URL.canParse(value)) return [];
  return [invalid(field, value, `protected groups must have approval annotation "${APPROVAL_ANNOTATION}" with either a URL or a reason starting with "unapproved", ${APPROVAL_DOC}`)];
}

function conversionErrors(spec: APIResourceSchemaSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.versions.length > 1 && !spec.conversion) errs.push(invalid('spec', 'object', 'Conversion must be specified when multiple versions exist'));
  const c = spec.conversion;
  if (c && (c.strategy === 'Webhook') !== (c.webhook !== undefined)) errs.push(invalid('spec.conversion', 'object', 'Webhook must be specified if strategy=Webhook'));
  if (c?.strategy === 'Webhook') {
    // The types bound from a schema convert between versions by apiVersion only (strategy None).
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.conversion.strategy', value: c.strategy, detail: 'supported values: "None" (Atoll does not call conversion webhooks)' });
  }
  return errs;
}

function semanticErrors(o: KubeObject): FieldError[] {
  const spec = schemaSpecOf(o);
  const errs = [...nameErrors(o.metadata.name ?? '', spec), ...groupErrors(spec.group), ...approvalErrors(spec.group, o.metadata.annotations)];
  errs.push(...validateCrdNames(spec.names), ...conversionErrors(spec));
  errs.push(...validateCrdVersions(crdSpecOfSchema(spec).versions, 'schema'));
  return errs;
}

/** The spec never changes; metadata may. */
function validateUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  return immutable('spec', o.spec, old.spec).map((e) => ({ ...e, value: 'object', detail: 'is immutable' }));
}

export const apiResourceSchemas = builtin(
  {
    group: APIS_GROUP,
    version: 'v1alpha1',
    resource: 'apiresourceschemas',
    kind: 'APIResourceSchema',
    namespaced: false,
    nameRule: 'subdomain',
    hasStatus: false,
    categories: ['kcp'],
    schema: { name: `${APIS_V1ALPHA1}APIResourceSchema`, components: apisComponents },
  },
  {
    validate(o, old) {
      const shape = checkSchema(schema, o);
      // The rules below assume the shape. An update that leaves spec and name alone (labels,
      // annotations) passed them already: compiling every schema and CEL rule again is wasted.
      const unchanged = old !== undefined && o.metadata.name === old.metadata.name && deepEqual(o.spec, old.spec);
      const errors = shape.errors.length > 0 ? shape.errors : unchanged ? approvalErrors(schemaSpecOf(o).group, o.metadata.annotations) : semanticErrors(o);
      return { errors, unknownFields: shape.unknownFields };
    },
    validateUpdate,
    prepareForCreate: defaults,
    prepareForUpdate: defaults,
  },
);
