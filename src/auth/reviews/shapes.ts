/**
 * The wire shapes of the review kinds and TokenRequest, for validation (strict, so unknown fields
 * follow the request's field-validation mode), and the typed views the handlers read. Every field
 * is optional and nullable: Go clients send zero values as null (`status: {allowed: false}`,
 * `boundObjectRef: null`).
 */
import { z } from 'zod';
import { kindSchema } from '../../registry/index.js';

const str = z.string().nullable().optional();
const strings = z.array(z.string()).nullable().optional();
const extra = z.record(z.string(), z.array(z.string()).nullable()).nullable().optional();

const requirement = z.strictObject({ key: z.string(), operator: z.string(), values: strings });
const selector = z.strictObject({ rawSelector: str, requirements: z.array(requirement).nullable().optional() }).nullable().optional();

const resourceAttributes = z.strictObject({
  namespace: str,
  verb: str,
  group: str,
  version: str,
  resource: str,
  subresource: str,
  name: str,
  fieldSelector: selector,
  labelSelector: selector,
});
const nonResourceAttributes = z.strictObject({ path: str, verb: str });

const accessReviewStatus = z
  .strictObject({ allowed: z.boolean().nullable().optional(), denied: z.boolean().nullable().optional(), reason: str, evaluationError: str })
  .nullable()
  .optional();

const selfAccessSpec = {
  resourceAttributes: resourceAttributes.nullable().optional(),
  nonResourceAttributes: nonResourceAttributes.nullable().optional(),
};

export const selfSubjectAccessReviewSchema = kindSchema({ spec: z.strictObject(selfAccessSpec).nullable().optional(), status: accessReviewStatus });

/** SubjectAccessReview and LocalSubjectAccessReview share their spec. */
export const subjectAccessReviewSchema = kindSchema({
  spec: z.strictObject({ ...selfAccessSpec, user: str, groups: strings, extra, uid: str }).nullable().optional(),
  status: accessReviewStatus,
});

const rule = z.strictObject({ verbs: strings, apiGroups: strings, resources: strings, resourceNames: strings, nonResourceURLs: strings });

export const selfSubjectRulesReviewSchema = kindSchema({
  spec: z.strictObject({ namespace: str }).nullable().optional(),
  status: z
    .strictObject({
      resourceRules: z.array(rule.omit({ nonResourceURLs: true })).nullable().optional(),
      nonResourceRules: z.array(rule.pick({ verbs: true, nonResourceURLs: true })).nullable().optional(),
      incomplete: z.boolean().nullable().optional(),
      evaluationError: str,
    })
    .nullable()
    .optional(),
});

export const selfSubjectReviewSchema = kindSchema({
  status: z
    .strictObject({ userInfo: z.strictObject({ username: str, uid: str, groups: strings, extra }).nullable().optional() })
    .nullable()
    .optional(),
});

export const tokenRequestSchema = kindSchema({
  spec: z
    .strictObject({
      audiences: strings,
      expirationSeconds: z.number().int().nullable().optional(),
      boundObjectRef: z.strictObject({ kind: str, apiVersion: str, name: str, uid: str }).nullable().optional(),
    })
    .nullable()
    .optional(),
  status: z.strictObject({ token: str, expirationTimestamp: str }).nullable().optional(),
});

export const tokenReviewSchema = kindSchema({
  spec: z.strictObject({ token: str, audiences: strings }).nullable().optional(),
  status: z
    .strictObject({
      authenticated: z.boolean().nullable().optional(),
      user: z.strictObject({ username: str, uid: str, groups: strings, extra }).nullable().optional(),
      audiences: strings,
      error: str,
    })
    .nullable()
    .optional(),
});

export type ResourceAttributesWire = z.infer<typeof resourceAttributes>;
export type NonResourceAttributesWire = z.infer<typeof nonResourceAttributes>;
export type SubjectAccessReviewSpecWire = NonNullable<z.infer<typeof subjectAccessReviewSchema>['spec']>;
export type TokenRequestSpecWire = NonNullable<z.infer<typeof tokenRequestSchema>['spec']>;
