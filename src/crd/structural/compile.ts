/**
 * compileSchema: a structural schema compiled once into a node tree (node.ts) and shared. Every
 * workspace that serves the same CRD schema gets the same CompiledSchema: the cache is keyed by
 * a hash of the schema's content (keys sorted), bounded, least recently used first out. A
 * schema object seen before is found by identity without hashing; schemas are treated as
 * immutable once compiled.
 */
import { createHash } from 'node:crypto';
import type { FieldError } from '../../registry/errors.js';
import type { JSONSchemaProps } from '../schema-types.js';
import { applyDefaultsTo } from './defaults.js';
import { stableStringify } from './json.js';
import { buildNode, type CompiledNode } from './node.js';
import { pruneValue } from './prune.js';
import { validateValue } from './validate.js';
import { runWithCelBudget } from '../cel/index.js';

export interface CompiledSchema {
  /** Some node of the schema has a default (else applyDefaults only drops disallowed nulls). */
  readonly hasDefaults: boolean;
  /**
   * Removes fields the schema does not know (in place), keeping apiVersion/kind/metadata at the
   * root and in embedded resources, honouring x-kubernetes-preserve-unknown-fields; returns the
   * removed paths (for fieldValidation Strict/Warn).
   */
  prune(object: Record<string, unknown>): string[][];
  /** Applies `default`s in place (Kubernetes order: defaults, then prune). */
  applyDefaults(object: Record<string, unknown>): void;
  /**
   * Every failing field of the object. `old` is the stored object on update, for transition
   * rules and correlated CEL. Root metadata is validated by the registry; only the schema's own
   * restrictions of metadata.name/generateName apply here.
   */
  validate(object: Record<string, unknown>, old?: Record<string, unknown>): FieldError[];
}

class Compiled implements CompiledSchema {
  readonly hasDefaults: boolean;

  constructor(
    readonly root: CompiledNode,
    readonly hash: string,
  ) {
    this.hasDefaults = root.hasDefaults;
  }

  prune(object: Record<string, unknown>): string[][] {
    return pruneValue(object, this.root, true);
  }

  applyDefaults(object: Record<string, unknown>): void {
    applyDefaultsTo(object, this.root);
  }

  validate(object: Record<string, unknown>, old?: Record<string, unknown>): FieldError[] {
    // All rules of one object share one CEL cost budget, as in Kubernetes.
    return runWithCelBudget(() => validateValue(this.root, object, old));
  }
}

/** Distinct schemas kept compiled; far more than the CRDs of any installation. */
export const MAX_COMPILED_SCHEMAS = 2_000;

const byContent = new Map<string, Compiled>();
const byIdentity = new WeakMap<JSONSchemaProps, Compiled>();

export function schemaHash(schema: JSONSchemaProps): string {
  return createHash('sha256').update(stableStringify(schema)).digest('base64url');
}

export function compileSchema(schema: JSONSchemaProps): CompiledSchema {
  const known = byIdentity.get(schema);
  const hash = known && byContent.get(known.hash) === known ? known.hash : schemaHash(schema);
  let compiled = byContent.get(hash);
  if (compiled) byContent.delete(hash); // re-inserted below: most recently used last
  else compiled = new Compiled(buildNode(schema), hash);
  byContent.set(hash, compiled);
  if (byContent.size > MAX_COMPILED_SCHEMAS) {
    const oldest = byContent.keys().next().value;
    if (oldest !== undefined) byContent.delete(oldest);
  }
  byIdentity.set(schema, compiled);
  return compiled;
}

/** How many compiled schemas the cache holds (tests, metrics). */
export function compiledSchemaCount(): number {
  return byContent.size;
}
