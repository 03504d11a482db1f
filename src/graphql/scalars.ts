/**
 * The custom scalars of the generated schemas, for the OpenAPI shapes GraphQL has no type for:
 * 64-bit integers, int-or-string values, string maps (labels, annotations, ConfigMap data) and
 * free-form JSON. Inputs are checked here, so a bad value is refused before it reaches the
 * registry; outputs are checked too, so malformed stored data surfaces as a field error.
 */
import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { isPlainObject } from '../meta/index.js';
import { checkNesting } from '../registry/index.js';
import { toGraphQLError } from './errors.js';

const fail = (message: string): never => {
  throw new GraphQLError(message);
};

function int64(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return fail(`Int64 cannot represent ${JSON.stringify(value) ?? String(value)}: an integer of at most 53 bits is expected`);
}

/**
 * `format: int64` fields (generation, deletionGracePeriodSeconds, remainingItemCount) exceed
 * GraphQL's 32-bit Int in principle. JSON numbers lose precision beyond 2^53 anyway, so Int64 is
 * a plain number limited to the safe integers, not a string.
 */
export const Int64Scalar = new GraphQLScalarType<number, number>({
  name: 'Int64',
  description: 'A 64-bit integer, sent as a JSON number; values beyond ±2^53 are refused as JSON cannot carry them exactly.',
  serialize: int64,
  parseValue: int64,
  parseLiteral: (ast) => (ast.kind === Kind.INT ? int64(Number(ast.value)) : fail('Int64 expects an integer literal')),
});

function intOrString(value: unknown): number | string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return fail(`IntOrString cannot represent ${JSON.stringify(value) ?? String(value)}`);
}

/** `x-kubernetes-int-or-string` fields (ports, `maxUnavailable: "25%"`): either JSON type, kept as sent. */
export const IntOrStringScalar = new GraphQLScalarType<number | string, number | string>({
  name: 'IntOrString',
  description: 'An integer or a string, such as a port number or name, or an absolute or percentage amount ("25%").',
  serialize: intOrString,
  parseValue: intOrString,
  parseLiteral: (ast) =>
    ast.kind === Kind.INT ? intOrString(Number(ast.value)) : ast.kind === Kind.STRING ? ast.value : fail('IntOrString expects an integer or a string'),
});

function stringMap(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) return fail('StringMap expects an object whose values are strings');
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(`StringMap expects string values; "${k}" is ${JSON.stringify(v) ?? typeof v}`);
  }
  return value as Record<string, string>;
}

/**
 * `map[string]string` fields (labels, annotations, ConfigMap data; also base64 byte maps): their
 * keys are data, not schema, so they cannot be GraphQL fields.
 */
export const StringMapScalar = new GraphQLScalarType<Record<string, string>, Record<string, string>>({
  name: 'StringMap',
  description: 'A JSON object whose values are all strings, such as labels, annotations or ConfigMap data.',
  serialize: stringMap,
  parseValue: stringMap,
  parseLiteral: (ast: ValueNode, variables) => stringMap(valueFromASTUntyped(ast, variables)),
});

/**
 * A JSON input no deeper than any decoded REST body may be (MAX_NESTING_DEPTH): variables arrive
 * as JSON of any depth, and the registry's copies and checks recurse through them.
 */
function jsonInput(value: unknown): unknown {
  try {
    checkNesting(value, 'the JSON value');
  } catch (err) {
    throw toGraphQLError(err);
  }
  return value;
}

/** Free-form parts of a schema (`x-kubernetes-preserve-unknown-fields`, untyped objects, FieldsV1). */
export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value; used only where the OpenAPI schema leaves the shape open.',
  serialize: (value) => value,
  parseValue: jsonInput,
  parseLiteral: (ast: ValueNode, variables) => jsonInput(valueFromASTUntyped(ast, variables)),
});

export const CUSTOM_SCALARS = [Int64Scalar, IntOrStringScalar, StringMapScalar, JSONScalar] as const;
