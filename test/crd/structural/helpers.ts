import { formatFieldError, type FieldError } from '../../../src/registry/errors.js';
import type { JSONSchemaProps } from '../../../src/crd/schema-types.js';

/** A root schema whose `spec` has the given properties. */
export function specSchema(properties: Record<string, JSONSchemaProps>, spec: Partial<JSONSchemaProps> = {}): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object', properties, ...spec },
    },
  };
}

export function object(spec: unknown): Record<string, unknown> {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec };
}

export const messages = (errs: FieldError[]): string[] => errs.map(formatFieldError);
