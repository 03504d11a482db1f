/**
 * Table columns several kinds share.
 *
 * Most tables are NAME, the kind's columns, AGE: those kinds list only their own columns and the
 * server adds NAME and AGE. Some tables have another shape (Roles: NAME, CREATED AT; RoleBindings:
 * AGE before the wide columns; Events: no leading NAME at all). Those list the whole table and
 * mark their name column with `format: 'name'`, as Kubernetes does; then nothing is added.
 */
import { ageOf, type KubeObject } from '../../meta/index.js';
import type { PrinterColumn } from '../resource-type.js';

/** Time since a timestamp as kubectl prints it ("5m", "3d4h"); `<unknown>` when there is none. */
export function since(timestamp: unknown, now: number = Date.now()): string {
  return typeof timestamp === 'string' ? ageOf(timestamp, now) : '<unknown>';
}

/** The leading NAME column, for kinds whose table the kind spells out in full. */
export const nameColumn: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'The object’s name, unique within its namespace.',
  priority: 0,
  cell: (o: KubeObject) => o.metadata.name ?? '',
};

/** AGE where a full table places it itself. */
export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description: 'How long ago the object was created.',
  priority: 0,
  cell: (o: KubeObject) => since(o.metadata.creationTimestamp),
};

/**
 * The apiserver's default table (kinds without a printer of their own, like Roles and
 * LimitRanges): NAME and the creation time as an absolute RFC 3339 timestamp.
 */
export const defaultTable: PrinterColumn[] = [
  nameColumn,
  {
    name: 'Created At',
    type: 'date',
    description: 'When the object was created.',
    priority: 0,
    cell: (o: KubeObject) => o.metadata.creationTimestamp ?? '0001-01-01T00:00:00Z',
  },
];
