/**
 * Server-side Table output (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which is
 * what `kubectl get` prints: NAME, the kind's columns, AGE. Rows carry the object as
 * PartialObjectMetadata by default (`includeObject=Metadata`), the full object with `Object`.
 */
import { ageOf, type KubeObject } from '../meta/index.js';
import { errors, type PrinterColumn, type ResourceType } from '../registry/index.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw errors.badRequest(`includeObject: Unsupported value: "${value}": supported values: "None", "Metadata", "Object"`);
}

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Cannot be updated.',
  priority: 0,
};
const AGE_COLUMN = {
  name: 'Age',
  type: 'string',
  format: '',
  description: 'Time since the object was created (its creationTimestamp).',
  priority: 0,
};

function columnDefinition(c: PrinterColumn) {
  return { name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority };
}

/** Kinds whose columns name themselves (a `format: 'name'` column) print exactly those. */
const ownsLayout = (t: ResourceType): boolean => (t.columns ?? []).some((c) => c.format === 'name');

export function columnDefinitions(t: ResourceType): object[] {
  const own = (t.columns ?? []).map(columnDefinition);
  return ownsLayout(t) ? own : [NAME_COLUMN, ...own, AGE_COLUMN];
}

function rowObject(o: KubeObject, apiVersion: string, include: IncludeObject): object | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: o.metadata };
}

export function tableRow(t: ResourceType, o: KubeObject, apiVersion: string, include: IncludeObject, now = Date.now()): object {
  const own = ownsLayout(t);
  const cells: unknown[] = own ? [] : [o.metadata.name ?? ''];
  for (const c of t.columns ?? []) {
    let cell: unknown;
    try {
      cell = c.cell(o);
    } catch {
      cell = '<error>';
    }
    cells.push(cell ?? '<none>');
  }
  if (!own) cells.push(ageOf(o.metadata.creationTimestamp, now));
  const object = rowObject(o, apiVersion, include);
  return object ? { cells, object } : { cells };
}

/** A Table of `items`; `withColumns` false omits columnDefinitions (later watch events). */
export function toTable(
  t: ResourceType,
  items: readonly KubeObject[],
  opts: { version: 'v1' | 'v1beta1'; include: IncludeObject; resourceVersion?: string; continue?: string; remainingItemCount?: number; withColumns?: boolean },
): object {
  const apiVersion = `meta.k8s.io/${opts.version}`;
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion,
    metadata,
    columnDefinitions: opts.withColumns === false ? null : columnDefinitions(t),
    rows: items.map((o) => tableRow(t, o, apiVersion, opts.include, now)),
  };
}
