/**
 * A schema node compiled once into what the walkers need: a type test, the keyword closures,
 * children by property name, and the extension flags. Validation, defaulting and pruning then
 * walk objects against these nodes and never look at the schema JSON again.
 */
import { compileValidationRules, type CompiledRules } from '../cel/index.js';
import type { JSONSchemaProps } from '../schema-types.js';
import { isObject } from './json.js';
import { enumCheck, valueChecks, type ValueCheck } from './keywords.js';

export interface CompiledNode {
  /** Type name as errors print it (`integer`, `integer,string`); undefined when any type passes. */
  readonly typeName?: string;
  readonly typeTest?: (v: unknown) => boolean;
  readonly nullable: boolean;
  readonly enumCheck?: ValueCheck;
  readonly checks: readonly ValueCheck[];
  readonly required: readonly string[];
  readonly properties?: ReadonlyMap<string, CompiledNode>;
  /** The properties that have a default. */
  readonly defaulted: readonly (readonly [string, CompiledNode])[];
  /** additionalProperties: a node; `null` for `true` (values without a schema); undefined when absent. */
  readonly additional?: CompiledNode | null;
  readonly items?: CompiledNode;
  readonly allOf: readonly CompiledNode[];
  readonly anyOf: readonly CompiledNode[];
  readonly oneOf: readonly CompiledNode[];
  readonly not?: CompiledNode;
  readonly listType?: 'set' | 'map';
  readonly listMapKeys: readonly string[];
  /** x-kubernetes-map-type: atomic — old values are not correlated through it. */
  readonly mapAtomic: boolean;
  readonly preserveUnknown: boolean;
  readonly embedded: boolean;
  readonly rules?: CompiledRules;
  /** Some rule in this subtree reads oldSelf, so old values must be correlated down to it. */
  readonly needsOld: boolean;
  /** The node's `default` (a JSON value) when it has one. */
  readonly default?: { readonly value: unknown };
  /** This node or one below it (properties, map values, items) has a default. */
  readonly hasDefaults: boolean;
}

const TYPE_TESTS: Record<string, (v: unknown) => boolean> = {
  object: isObject,
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2 ** 63,
};

const isIntOrString = (v: unknown): boolean => typeof v === 'string' || (TYPE_TESTS.integer as (v: unknown) => boolean)(v);

const onlyType = (s: JSONSchemaProps | undefined, type: string): boolean =>
  s !== undefined && s.type === type && Object.keys(s).length === 1;

/** `anyOf: [{type: integer}, {type: string}]`, the int-or-string spelling Kubernetes tolerates. */
export function isIntOrStringAnyOf(s: JSONSchemaProps): boolean {
  const a = s.anyOf;
  return Array.isArray(a) && a.length === 2 && onlyType(a[0], 'integer') && onlyType(a[1], 'string');
}

export function isIntOrStringAllOf(s: JSONSchemaProps): boolean {
  const first = Array.isArray(s.allOf) ? s.allOf[0] : undefined;
  return first !== undefined && isIntOrStringAnyOf(first);
}

function compileRules(s: JSONSchemaProps, schemaPath: string, resourceRoot: boolean): CompiledRules | undefined {
  if (!Array.isArray(s['x-kubernetes-validations']) || s['x-kubernetes-validations'].length === 0) return undefined;
  try {
    return compileValidationRules(s, schemaPath, { resourceRoot }).compiled;
  } catch {
    return undefined; // a CRD whose rules do not compile was rejected when it was validated
  }
}

/**
 * Compiles the node found at `schemaPath` and everything below it. A resource root (the CRD's
 * schema, or an embedded resource) gives CEL rules apiVersion, kind and metadata on `self`.
 */
export function buildNode(s: JSONSchemaProps, schemaPath = 'openAPIV3Schema', resourceRoot = true): CompiledNode {
  return build(s, schemaPath, false, false, resourceRoot);
}

/**
 * `nested` marks value validations under allOf/anyOf/oneOf/not: they carry no type, default or
 * CEL rules. `skipAnyOf` drops an int-or-string anyOf the type test already covers.
 */
function build(s: JSONSchemaProps, schemaPath: string, nested: boolean, skipAnyOf: boolean, resourceRoot: boolean): CompiledNode {
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const type: string | undefined = intOrString ? 'integer,string' : typeof s.type === 'string' && (s.type as string) !== '' ? s.type : undefined;
  const typeTest = intOrString ? isIntOrString : type !== undefined ? TYPE_TESTS[type] : undefined;

  let properties: Map<string, CompiledNode> | undefined;
  if (isObject(s.properties)) {
    properties = new Map();
    for (const [k, sub] of Object.entries(s.properties)) properties.set(k, build(sub, `${schemaPath}.properties[${k}]`, nested, false, false));
  }
  const additional =
    s.additionalProperties === true ? null : isObject(s.additionalProperties) ? build(s.additionalProperties, `${schemaPath}.additionalProperties`, nested, false, false) : undefined;
  const items = isObject(s.items) ? build(s.items, `${schemaPath}.items`, nested, false, false) : undefined;

  const skipIntOrStringAnyOf = skipAnyOf || (intOrString && isIntOrStringAnyOf(s));
  const skipFirstAllOfAnyOf = intOrString && isIntOrStringAllOf(s);
  const allOf = (s.allOf ?? []).map((x, i) => build(x, `${schemaPath}.allOf[${i}]`, true, i === 0 && skipFirstAllOfAnyOf, false));
  const anyOf = skipIntOrStringAnyOf ? [] : (s.anyOf ?? []).map((x, i) => build(x, `${schemaPath}.anyOf[${i}]`, true, false, false));
  const oneOf = (s.oneOf ?? []).map((x, i) => build(x, `${schemaPath}.oneOf[${i}]`, true, false, false));
  const not = isObject(s.not) ? build(s.not, `${schemaPath}.not`, true, false, false) : undefined;

  const rules = nested ? undefined : compileRules(s, schemaPath, resourceRoot || s['x-kubernetes-embedded-resource'] === true);
  let needsOld = rules?.hasTransitionRules === true || items?.needsOld === true || (additional?.needsOld ?? false);
  for (const p of properties?.values() ?? []) needsOld ||= p.needsOld;
  const ownDefault = !nested && s.default !== undefined && s.default !== null ? { value: s.default } : undefined;
  let hasDefaults = ownDefault !== undefined || items?.hasDefaults === true || (additional?.hasDefaults ?? false);
  for (const p of properties?.values() ?? []) hasDefaults ||= p.hasDefaults;

  const listType = s['x-kubernetes-list-type'];
  const node: CompiledNode = {
    typeName: type,
    typeTest,
    nullable: s.nullable === true,
    enumCheck: Array.isArray(s.enum) ? enumCheck(s.enum) : undefined,
    checks: valueChecks(s),
    required: Array.isArray(s.required) ? s.required : [],
    properties,
    defaulted: [...(properties ?? [])].filter(([, p]) => p.default !== undefined),
    additional,
    items,
    allOf,
    anyOf,
    oneOf,
    not,
    listType: listType === 'set' || listType === 'map' ? listType : undefined,
    listMapKeys: s['x-kubernetes-list-map-keys'] ?? [],
    mapAtomic: s['x-kubernetes-map-type'] === 'atomic',
    preserveUnknown: s['x-kubernetes-preserve-unknown-fields'] === true,
    embedded: s['x-kubernetes-embedded-resource'] === true,
    rules,
    needsOld,
    default: ownDefault,
    hasDefaults,
  };
  return node;
}
