/**
 * core/v1 Namespace: cluster-scoped, DNS-1123 label names, `spec.finalizers` defaulting to
 * ["kubernetes"], and a server-owned `status.phase`. Deleting one moves it to Terminating; the
 * namespace controller empties it and removes the `kubernetes` finalizer, which deletes it.
 */
import { z } from 'zod';
import type { KubeObject } from '../../meta/index.js';
import { isPlainObject, validateQualifiedName } from '../../meta/index.js';
import { checkSchema } from '../schema-check.js';
import { builtin, kindSchema } from './common.js';

export const NAMESPACE_FINALIZER = 'kubernetes';

const condition = z.strictObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  lastTransitionTime: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

const schema = kindSchema({
  spec: z.strictObject({ finalizers: z.array(z.string()).nullable().optional() }).nullable().optional(),
  status: z
    .strictObject({ phase: z.enum(['Active', 'Terminating']).optional(), conditions: z.array(condition).nullable().optional() })
    .nullable()
    .optional(),
});

type NamespaceSpec = { finalizers?: string[] | null };

function validate(o: KubeObject) {
  const check = checkSchema(schema, o);
  if (check.errors.length) return check;
  ((o.spec as NamespaceSpec | undefined)?.finalizers ?? []).forEach((f, i) => {
    const field = `spec.finalizers[${i}]`;
    for (const detail of validateQualifiedName(f)) check.errors.push({ type: 'FieldValueInvalid', field, value: f, detail });
    if (!f.includes('/') && f !== NAMESPACE_FINALIZER) {
      check.errors.push({ type: 'FieldValueInvalid', field, value: f, detail: 'name is neither a standard finalizer name nor is it fully qualified' });
    }
  });
  return check;
}

/**
 * Runs before validation, on whatever the client sent: a spec or finalizers of the wrong type are
 * left as they are for validate to refuse.
 */
function prepareForCreate(o: KubeObject): void {
  o.status = { phase: 'Active' };
  const spec = o.spec ?? {};
  if (!isPlainObject(spec)) return;
  const finalizers = (spec as NamespaceSpec).finalizers ?? [];
  if (!Array.isArray(finalizers)) return;
  o.spec = { ...spec, finalizers: finalizers.includes(NAMESPACE_FINALIZER) ? finalizers : [...finalizers, NAMESPACE_FINALIZER] };
}

/** Only the `finalize` subresource changes `spec.finalizers` (as in Kubernetes). */
function prepareForUpdate(o: KubeObject, old: KubeObject): void {
  o.spec = { ...((o.spec ?? {}) as NamespaceSpec), finalizers: (old.spec as NamespaceSpec | undefined)?.finalizers ?? [] };
}

function finalize(input: KubeObject, old: KubeObject): KubeObject {
  const finalizers = (input.spec as NamespaceSpec | undefined)?.finalizers ?? [];
  return { ...old, spec: { ...((old.spec ?? {}) as NamespaceSpec), finalizers } };
}

const holdsDeletion = (o: KubeObject): boolean => ((o.spec as NamespaceSpec | undefined)?.finalizers ?? []).length > 0;

function markDeleting(o: KubeObject): void {
  o.status = { ...((o.status ?? {}) as object), phase: 'Terminating' };
}

export const namespaces = builtin(
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    nameRule: 'label',
    hasStatus: true,
    generation: false,
    shortNames: ['ns'],
    selectableFields: ['status.phase'],
    columns: [
      {
        name: 'Status',
        type: 'string',
        description: 'Active, or Terminating while the namespace is being emptied.',
        priority: 0,
        cell: (o) => (o.status as { phase?: string } | undefined)?.phase ?? '',
      },
    ],
  },
  { validate, prepareForCreate, prepareForUpdate, holdsDeletion, markDeleting, subresources: { finalize } },
);
