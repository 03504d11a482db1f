/**
 * SQL for range scans over `objects`: one statement per shape (one cluster or all, one namespace
 * or all), prepared lazily and cached. Rows come in (cluster, namespace, name) order, which is the
 * order continue tokens resume in.
 */
import type Database from 'better-sqlite3';
import type { Position } from '../key-order.js';
import type { ObjectRow } from './database.js';

export interface ScanShape {
  /** undefined: all clusters. */
  cluster: string | undefined;
  resource: string;
  namespace: string | undefined;
}

export class ListQueries {
  private readonly cache = new Map<string, Database.Statement<unknown[], ObjectRow | { n: number }>>();

  constructor(private readonly db: Database.Database) {}

  private statement(shape: ScanShape, count: boolean): Database.Statement<unknown[], ObjectRow | { n: number }> {
    const id = `${shape.cluster === undefined ? 'all' : 'one'}/${shape.namespace === undefined ? 'all' : 'one'}/${count}`;
    let stmt = this.cache.get(id);
    if (stmt) return stmt;
    const where = ['resource = ?'];
    if (shape.cluster !== undefined) where.unshift('cluster = ?');
    if (shape.namespace !== undefined) where.push('namespace = ?');
    // Rows strictly after the position, written as a row value that continues the equality
    // prefix of the index in use, so SQLite seeks instead of filtering.
    where.push(shape.cluster === undefined ? '(cluster, namespace, name) > (?, ?, ?)' : '(namespace, name) > (?, ?)');
    const sql = count
      ? `SELECT count(*) AS n FROM objects WHERE ${where.join(' AND ')}`
      : `SELECT cluster, namespace, name, value FROM objects WHERE ${where.join(' AND ')} ORDER BY ${
          shape.cluster === undefined ? 'cluster, ' : ''
        }namespace, name LIMIT ?`;
    stmt = this.db.prepare(sql);
    this.cache.set(id, stmt);
    return stmt;
  }

  private params(shape: ScanShape, after: Position): unknown[] {
    const p: unknown[] = [];
    if (shape.cluster !== undefined) p.push(shape.cluster);
    p.push(shape.resource);
    if (shape.namespace !== undefined) p.push(shape.namespace);
    if (shape.cluster === undefined) p.push(after[0]);
    p.push(after[1], after[2]);
    return p;
  }

  /** Up to `limit` current rows after `after`. */
  page(shape: ScanShape, after: Position, limit: number): ObjectRow[] {
    return this.statement(shape, false).all(...this.params(shape, after), limit) as ObjectRow[];
  }

  countAfter(shape: ScanShape, after: Position): number {
    return (this.statement(shape, true).get(...this.params(shape, after)) as { n: number }).n;
  }
}

/** The position before every key. */
export const START: Position = ['', '', ''];
