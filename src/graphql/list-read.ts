/**
 * How a list field reads its list: as the objects' stored JSON when the registry can hand that
 * out (the path REST lists take, from the store's kept lists), or else as objects. A whole
 * current list comes with a version that tells later whether it changed; an operation whose
 * result may be kept records it (result-cache.ts), with what was authorized for it.
 *
 * The objects parsed from a kept list are kept too, while the store hands out the same list
 * (the same array): a query that cannot be served a kept result — another document, a
 * resourceVersion asked for — no longer parses 100 objects per request. They are shared between
 * requests, so they are frozen: a resolver that changed one would fail instead of changing what
 * the next request is answered. Freezing costs about half as much again as the parse, so a list
 * is kept the second time it is read: one written between every two reads is only parsed, as
 * before.
 */
import { deepFreeze, type KubeObject } from '../meta/index.js';
import type { ListQuery, ListResponse, RequestContext, ResourceType } from '../registry/index.js';
import type { Asked, GraphQLContext } from './context.js';

/**
 * What the parsed lists kept hold at most, counted in characters of the JSON they were parsed
 * from: the objects take about as many bytes of heap again (1.1× for ConfigMaps of ~800 B), so
 * with the JSON itself (held until its list is dropped here) about 20 MiB.
 */
export const PARSED_LIST_CHARS = 8 * 1024 * 1024;

interface Parsed {
  objects: readonly KubeObject[];
  chars: number;
}

/** Lists parsed from stored JSON, by the array of JSON the registry handed out; least recently used out first. */
export class ParsedLists {
  private readonly lists = new Map<readonly string[], Parsed>();
  /** Arrays parsed once and not kept yet. */
  private readonly seen = new WeakSet<readonly string[]>();
  private chars = 0;

  constructor(private readonly maxChars = PARSED_LIST_CHARS) {}

  /** The objects of `items`: kept ones (frozen, shared) when the same array was parsed before. */
  objects(items: readonly string[]): readonly KubeObject[] {
    const kept = this.lists.get(items);
    if (kept) {
      this.lists.delete(items);
      this.lists.set(items, kept);
      return kept.objects;
    }
    if (!this.seen.has(items)) {
      this.seen.add(items);
      return items.map((json) => JSON.parse(json) as KubeObject);
    }
    let chars = 0;
    const objects = items.map((json) => {
      chars += json.length;
      return deepFreeze(JSON.parse(json) as KubeObject);
    });
    if (chars <= this.maxChars) {
      this.lists.set(items, { objects, chars });
      this.chars += chars;
      for (const [k, e] of this.lists) {
        if (this.chars <= this.maxChars) break;
        this.lists.delete(k);
        this.chars -= e.chars;
      }
    }
    return objects;
  }
}

const parsed = new ParsedLists();

export async function readList(ctx: GraphQLContext, rc: RequestContext, t: ResourceType, asked: Asked, query: ListQuery): Promise<ListResponse> {
  const stored = await ctx.registry.listJson(rc, t, query);
  if (!stored) return ctx.registry.list(rc, t, query);
  const { version, items, ...page } = stored;
  if (version !== undefined && ctx.reads) {
    const { registry } = ctx;
    const where: RequestContext = { cluster: rc.cluster };
    ctx.reads.kept.push({ type: t, asked, unchanged: () => registry.listVersion(where, t, query) === version });
  }
  // Only a whole list comes back as the same array; pages are parsed each time.
  return { ...page, items: version === undefined ? items.map((json) => JSON.parse(json) as KubeObject) : [...parsed.objects(items)] };
}
