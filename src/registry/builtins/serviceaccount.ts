/** core/v1 ServiceAccount: references to secrets and image pull secrets. */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { checkSchema } from '../schema-check.js';
import { builtin, kindSchema, objectReference } from './common.js';

const schema = kindSchema({
  secrets: z.array(objectReference).nullable().optional(),
  imagePullSecrets: z.array(z.strictObject({ name: z.string().optional() })).nullable().optional(),
  automountServiceAccountToken: z.boolean().nullable().optional(),
});

export const serviceAccounts = builtin(
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    nameRule: 'subdomain',
    hasStatus: false,
    generation: false,
    shortNames: ['sa'],
    // kubectl 1.32 still prints SECRETS (the count of `secrets`, usually 0 since tokens are no longer auto-created).
    columns: [
      {
        name: 'Secrets',
        type: 'string',
        description: 'How many secrets the service account lists.',
        priority: 0,
        cell: (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0),
      },
    ],
  },
  { validate: (o: KubeObject) => checkSchema(schema, o) },
);
