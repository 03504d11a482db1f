/**
 * SQL for range scans over `objects`: one statement per shape (one cluster or all, one namespace
 * or all), prepared lazily and cached. Rows come in (cluster, namespace, name) order, which is the
 * order continue tokens resume in. Every shape seeks to the position through an index whose
 * leading columns are the shape's equalities followed by the position's columns, so a paginated
 * or chunked scan costs O(rows returned), never a rescan from the start.
 */
import type Database from 'better-sqlite3';
import { comparePositions, type Position } from '../key-order.js';
import type { RangeState } from './json-list-cache.js';

export interface ScanShape {
  /** undefined: all clusters. */
  cluster: string | undefined;
  resource: string;
  namespace: string | undefined;
}

/** A row of a page: cluster, namespace, name and the stored JSON. */
export type PageRow = [cluster: string, namespace: string, name: string, value: string];

type Stmt = Database.Statement<unknown[], { n: number } | { n: number; r: number | null } | unknown[]>;

interface Plan {
  /** WHERE clause with the position, or undefined when nothing in the shape follows it. */
  sql: (count: boolean) => string;
  params: unknown[];
}

export class ListQueries {
  private readonly cache = new Map<string, Stmt>();

  constructor(private readonly db: Database.Database) {}

  private prepared(sql: string): Stmt {
    let stmt = this.cache.get(sql);
    if (!stmt) this.cache.set(sql, (stmt = this.db.prepare(sql)));
    return stmt;
  }

  /** Builds the query for rows strictly after `after`; undefined if none can follow it. */
  private plan(shape: ScanShape, after: Position): Plan | undefined {
    const cols = 'cluster, namespace, name, value';
    if (shape.cluster !== undefined) {
      // Primary key (cluster, resource, namespace, name).
      if (shape.namespace !== undefined) {
        const at = comparePositions([shape.cluster, shape.namespace, ''], [after[0], after[1], '']);
        if (at < 0) return undefined; // the position lies beyond this namespace
        const name = at === 0 ? after[2] : '';
        return {
          sql: (count) =>
            count
              ? 'SELECT count(*) AS n FROM objects WHERE cluster = ? AND resource = ? AND namespace = ? AND name > ?'
              : `SELECT ${cols} FROM objects WHERE cluster = ? AND resource = ? AND namespace = ? AND name > ? ORDER BY name LIMIT ?`,
          params: [shape.cluster, shape.resource, shape.namespace, name],
        };
      }
      const at = comparePositions([shape.cluster, '', ''], [after[0], '', '']);
      if (at < 0) return undefined;
      const pos = at === 0 ? [after[1], after[2]] : ['', ''];
      return {
        sql: (count) =>
          count
            ? 'SELECT count(*) AS n FROM objects WHERE cluster = ? AND resource = ? AND (namespace, name) > (?, ?)'
            : `SELECT ${cols} FROM objects WHERE cluster = ? AND resource = ? AND (namespace, name) > (?, ?) ORDER BY namespace, name LIMIT ?`,
        params: [shape.cluster, shape.resource, ...pos],
      };
    }
    // Index objects_by_resource (resource, cluster, namespace, name); a namespace is only a filter
    // on it (the unary + keeps SQLite from re-sorting the rows in a temporary B-tree).
    const ns = shape.namespace !== undefined ? ' AND +namespace = ?' : '';
    return {
      sql: (count) =>
        count
          ? `SELECT count(*) AS n FROM objects INDEXED BY objects_by_resource WHERE resource = ? AND (cluster, namespace, name) > (?, ?, ?)${ns}`
          : `SELECT ${cols} FROM objects INDEXED BY objects_by_resource WHERE resource = ? AND (cluster, namespace, name) > (?, ?, ?)${ns} ORDER BY cluster, namespace, name LIMIT ?`,
      params: [shape.resource, ...after, ...(shape.namespace !== undefined ? [shape.namespace] : [])],
    };
  }

  /** Up to `limit` current rows after `after`. */
  page(shape: ScanShape, after: Position, limit: number): PageRow[] {
    const plan = this.plan(shape, after);
    if (!plan) return [];
    // Rows as arrays: better-sqlite3 builds them at about half the cost of objects with named keys.
    return this.prepared(plan.sql(false)).raw(true).all(...plan.params, limit) as PageRow[];
  }

  /** How many objects one cluster's range holds and the highest revision among them. */
  rangeState(cluster: string, resource: string, namespace: string | undefined): RangeState {
    const row = this.prepared(`SELECT count(*) AS n, max(rev) AS r FROM objects WHERE ${rangeWhere(namespace)}`).get(cluster, resource, ...(namespace === undefined ? [] : [namespace])) as { n: number; r: number | null };
    return { count: row.n, maxRevision: row.r };
  }

  /** How many objects one cluster's range holds: from the key index alone, without the rows. */
  rangeCount(cluster: string, resource: string, namespace: string | undefined): number {
    return (this.prepared(`SELECT count(*) AS n FROM objects WHERE ${rangeWhere(namespace)}`).get(cluster, resource, ...(namespace === undefined ? [] : [namespace])) as { n: number }).n;
  }

  countAfter(shape: ScanShape, after: Position): number {
    const plan = this.plan(shape, after);
    if (!plan) return 0;
    return (this.prepared(plan.sql(true)).get(...plan.params) as { n: number }).n;
  }
}

const rangeWhere = (namespace: string | undefined): string => (namespace === undefined ? 'cluster = ? AND resource = ?' : 'cluster = ? AND resource = ? AND namespace = ?');

/** The position before every key. */
export const START: Position = ['', '', ''];
