/** core/v1 ServiceAccount: references to secrets and image pull secrets. */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { checkSchema } from '../schema-check.js';
import { builtin, kindSchema } from './common.js';

const objectReference = z.strictObject({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});

const schema = kindSchema({
  secrets: z.array(objectReference).nullable().optional(),
  imagePullSecrets: z.array(z.strictObject({ name: z.string().optional() })).nullable().optional(),
  automountServiceAccountToken: z.boolean().nullable().optional(),
});

export const serviceAccounts = builtin(
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, nameRule: 'subdomain', hasStatus: false, shortNames: ['sa'] },
  { validate: (o: KubeObject) => checkSchema(schema, o) },
);
