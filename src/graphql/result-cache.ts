/**
 * Results of prepared queries kept while what they read is unchanged. A list of 100 objects
 * cost its parse, its execution and its serialization on every request, four times what REST's
 * LIST of the same list costs now that the store keeps it as JSON (docs/benchmarks.md, issue 19);
 * a query asked again of an unchanged list now costs its checks and the write.
 *
 * A result is kept per (schema, document, operation, variables, logical cluster) when every
 * registry call and check its resolvers made is a read that can tell later whether it changed
 * (list-read.ts: a whole current list of stored objects, without selectors), it has no errors
 * and no extensions (warnings), and it shows no store revision. It is served again only after
 * each read's authorization has been checked again for the caller asking now — per field, as
 * the execution would have — and each read is still unchanged; anything else runs the operation
 * (which answers a refusal with its own error). So callers share a result only when the checks
 * that gate it pass for each of them, and the result cannot depend on who asks: reads that do
 * (a provider's view, objects seen through a filter, a single object, references) are never kept.
 */
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { authorize, type GraphQLContext, type KeptRead, type ReadLog } from './context.js';
import { idOf } from './object-ids.js';

/** What the cache holds at most, in bytes: the kept JSON, the keys, and an estimate of the records around them. */
export const RESULT_CACHE_BYTES = 16 * 1024 * 1024;
/** Larger results are not kept: one would push out many small ones. */
const MAX_RESULT_BYTES = 1024 * 1024;
/** Heap an entry and each of its reads take besides the JSON and the key (the Map entry, the record, the check's closure). */
const ENTRY_BYTES = 256;
const READ_BYTES = 128;

interface Entry {
  body: Buffer;
  reads: readonly KeptRead[];
  bytes: number;
}

/** What identifies a result besides who asks. */
export interface ResultKey {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
}

export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes = RESULT_CACHE_BYTES) {}

  /**
   * The kept JSON of the result of `key` for the caller of `ctx`, or undefined: nothing kept, a
   * check refuses this caller, or something read has changed (the entry is then dropped).
   */
  get(key: ResultKey, ctx: GraphQLContext): Buffer | undefined {
    if (ctx.scope) return undefined;
    const k = keyOf(key, ctx);
    const entry = this.entries.get(k);
    if (!entry) return undefined;
    for (const read of entry.reads) {
      try {
        authorize(ctx, read.type, read.asked);
      } catch {
        return undefined;
      }
    }
    for (const read of entry.reads) {
      if (!read.unchanged()) {
        this.drop(k, entry);
        return undefined;
      }
    }
    // Most recently used last.
    this.entries.delete(k);
    this.entries.set(k, entry);
    return entry.body;
  }

  /** Starts recording what the operation about to run in `ctx` reads; undefined when its result cannot be kept. */
  record(ctx: GraphQLContext, isQuery: boolean): ReadLog | undefined {
    if (!isQuery || ctx.scope) return undefined;
    return (ctx.reads = { calls: 0, kept: [] });
  }

  /** Keeps `result` (as `body`, its JSON) when everything it read was kept in `reads`. */
  put(key: ResultKey, ctx: GraphQLContext, reads: ReadLog, result: ExecutionResult, body: Buffer): void {
    if (result.errors?.length || result.extensions !== undefined || reads.volatile || reads.calls !== reads.kept.length) return;
    if (body.length > MAX_RESULT_BYTES) return;
    const k = keyOf(key, ctx);
    const old = this.entries.get(k);
    if (old) this.drop(k, old);
    const bytes = body.length + k.length + ENTRY_BYTES + READ_BYTES * reads.kept.length;
    this.entries.set(k, { body, reads: reads.kept, bytes });
    this.bytes += bytes;
    for (const [key2, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(key2, e);
    }
  }

  private drop(k: string, e: Entry): void {
    this.entries.delete(k);
    this.bytes -= e.bytes;
  }
}

const keyOf = (key: ResultKey, ctx: GraphQLContext): string =>
  `${idOf(key.schema)}\n${idOf(key.document)}\n${ctx.cluster}\n${key.operationName ?? ''}\n${JSON.stringify(key.variables ?? null)}`;
