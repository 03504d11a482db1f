/**
 * Where strategic merge patch learns how to merge: the kind's OpenAPI schema, walked alongside the
 * value being patched. Only the patch extensions matter, as in apimachinery's PatchMetaFromOpenAPI:
 * `x-kubernetes-patch-strategy` (`merge`, `replace`, `retainKeys`, `merge,retainKeys`) and
 * `x-kubernetes-patch-merge-key`. Where the schema says nothing (no schema, a field it does not
 * know, `x-kubernetes-preserve-unknown-fields`), the cursor is empty and every list replaces,
 * which is JSON merge patch behaviour for that subtree.
 */
import { REF_PREFIX, resolveSchema, type OpenApiComponents, type OpenApiSchema } from '../../meta/index.js';

export interface PatchMeta {
  /** `merge` merges lists (by key, or as sets of primitives); `replace` takes the patch value. */
  strategy: 'merge' | 'replace' | '';
  mergeKey?: string;
}

/** A position in the schema, with the field path for error messages. */
export class SchemaCursor {
  constructor(
    readonly components: OpenApiComponents,
    readonly schema: OpenApiSchema | undefined,
    readonly path: string,
  ) {}

  static root(components: OpenApiComponents, name: string): SchemaCursor {
    return new SchemaCursor(components, { $ref: `${REF_PREFIX}${name}` }, '');
  }

  /** The schema of member `key` of the object described here. */
  field(key: string): SchemaCursor {
    const path = this.path ? `${this.path}.${key}` : key;
    return new SchemaCursor(this.components, this.memberSchema(key), path);
  }

  /** The schema of the elements of the list described here. */
  items(): SchemaCursor {
    return new SchemaCursor(this.components, this.resolved()?.items, `${this.path}[]`);
  }

  /** Patch strategy and merge key, from the first schema on the $ref/allOf chain that has them. */
  meta(): PatchMeta {
    const strategies = String(this.extension('x-kubernetes-patch-strategy') ?? '')
      .split(',')
      .map((s) => s.trim());
    const mergeKey = this.extension('x-kubernetes-patch-merge-key');
    // retainKeys only tells clients to send `$retainKeys`; the server obeys the directive anywhere.
    const strategy = strategies.includes('merge') ? 'merge' : strategies.includes('replace') ? 'replace' : '';
    return typeof mergeKey === 'string' && mergeKey ? { strategy, mergeKey } : { strategy };
  }

  private resolved(): OpenApiSchema | undefined {
    return resolveSchema(this.schema, this.components);
  }

  private memberSchema(key: string): OpenApiSchema | undefined {
    const s = this.resolved();
    if (!s) return undefined;
    // A multi-part allOf (rare in Kubernetes' documents) contributes the properties of each part.
    for (const part of [s, ...(s.allOf ?? []).map((p) => resolveSchema(p, this.components))]) {
      const prop = part?.properties?.[key];
      if (prop && Object.prototype.hasOwnProperty.call(part?.properties, key)) return prop;
    }
    return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  }

  private extension(name: 'x-kubernetes-patch-strategy' | 'x-kubernetes-patch-merge-key'): unknown {
    let s = this.schema;
    for (let hops = 0; s && hops < 32; hops++) {
      if (s[name] !== undefined) return s[name];
      if (s.$ref) s = this.components[s.$ref.slice(REF_PREFIX.length)];
      else if (s.allOf?.length === 1) s = s.allOf[0];
      else return undefined;
    }
    return undefined;
  }
}
