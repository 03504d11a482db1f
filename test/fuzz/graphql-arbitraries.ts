/**
 * What the GraphQL fuzz suite sends: documents drawn from the workspace's own schema (real fields,
 * arguments of the right and the wrong types, aliases, inline and named fragments — cyclic ones
 * too —, directives, variables, several operations), documents from GraphQL's tokens with no
 * schema in mind, bombs at and past the query limits (depth, aliases, directives, tokens,
 * nesting), random text, arbitrary variables, and request bodies that are not GraphQL requests.
 */
import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  isUnionType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

type Gen = fc.GeneratorValue;

const pick = <T>(g: Gen, items: readonly T[]): T => items[g(fc.nat, { max: items.length - 1 })] as T;
/** True with probability `percent` in 100. */
const chance = (g: Gen, percent: number): boolean => g(fc.nat, { max: 99 }) < percent;

/** Strings as GraphQL string literals (JSON's escapes are GraphQL's), sometimes as block strings. */
const TEXTS = ['', 'default', 'fuzz-a', 'root', 'x'.repeat(300), '\u0000', '😀', '\\', '"', 'a b', 'metadata.name=fuzz-a', 'a in (b)', '1e400', '{}'];
function stringLiteral(g: Gen): string {
  const text = chance(g, 50) ? pick(g, TEXTS) : g(fc.string, { maxLength: 20 });
  return chance(g, 10) ? `"""${text.replace(/"""/g, '\\"""')}"""` : JSON.stringify(text);
}

/** A literal of any type: what an argument of the wrong type gets. */
function anyLiteral(g: Gen, depth: number): string {
  const kinds = depth > 3 ? 5 : 7;
  switch (g(fc.nat, { max: kinds })) {
    case 0:
      return stringLiteral(g);
    case 1:
      return pick(g, ['0', '-1', '2147483648', '-2147483649', '9007199254740993', '1e400', '1.5', '-0.0', '00', '1.']);
    case 2:
      return pick(g, ['true', 'false', 'null', 'NOPE', 'Strict', 'Red']);
    case 3:
      return `$v${g(fc.nat, { max: 3 })}`;
    case 4:
    case 5:
      return stringLiteral(g);
    case 6:
      return `[${Array.from({ length: g(fc.nat, { max: 3 }) }, () => anyLiteral(g, depth + 1)).join(', ')}]`;
    default:
      return `{${Array.from({ length: g(fc.nat, { max: 3 }) }, () => `${pick(g, ['metadata', 'name', 'data', 'spec', 'a', '__proto__', 'constructor'])}: ${anyLiteral(g, depth + 1)}`).join(', ')}}`;
  }
}

/** A literal for an input type: right most of the time, wrong one time in five. */
function literalFor(g: Gen, type: GraphQLInputType, depth: number): string {
  if (chance(g, 20) || depth > 4) return anyLiteral(g, depth);
  const t = getNullableType(type);
  if (isListType(t)) return `[${Array.from({ length: g(fc.nat, { max: 3 }) }, () => literalFor(g, t.ofType, depth + 1)).join(', ')}]`;
  if (isEnumType(t)) return chance(g, 90) ? pick(g, t.getValues()).name : 'NOT_A_VALUE';
  if (isInputObjectType(t)) {
    const fields = Object.values(t.getFields());
    const chosen = fields.filter(() => chance(g, 50));
    const parts = chosen.map((f) => `${f.name}: ${literalFor(g, f.type, depth + 1)}`);
    if (chance(g, 10)) parts.push(`unknownField: ${anyLiteral(g, depth + 1)}`);
    return `{${parts.join(', ')}}`;
  }
  switch (t.name) {
    case 'Int':
    case 'Int64':
      return pick(g, ['0', '1', '3', '100', '-1', '2147483648', '9007199254740993']);
    case 'Float':
      return pick(g, ['0.5', '1e308', '-1', '3']);
    case 'Boolean':
      return pick(g, ['true', 'false']);
    case 'IntOrString':
      return pick(g, ['80', '"http"', '"80%"', '1.5']);
    case 'JSON':
    case 'StringMap':
      return anyLiteral(g, depth);
    default:
      return stringLiteral(g);
  }
}

/** A field's arguments: each present or not (required ones too, sometimes), plus an unknown one now and then. */
function argumentsOf(g: Gen, field: GraphQLField<unknown, unknown>): string {
  const parts = field.args.filter(() => chance(g, 60)).map((a) => `${a.name}: ${literalFor(g, a.type, 0)}`);
  if (chance(g, 5)) parts.push(`${pick(g, ['nope', 'namespace', 'name', 'limit'])}: ${anyLiteral(g, 0)}`);
  return parts.length > 0 ? `(${parts.join(', ')})` : '';
}

const DIRECTIVES = ['@include(if: true)', '@include(if: false)', '@skip(if: $v0)', '@include(if: "yes")', '@skip', '@deprecated', '@nope', '@include(if: true) @include(if: false)', '@specifiedBy(url: "x")'];

/** Fragment names every document may define and spread; spreads among them make cycles. */
const FRAGMENTS = ['F0', 'F1', 'F2'];

interface Walk {
  g: Gen;
  schema: GraphQLSchema;
  /** Selection depth past which fields with selections are no longer chosen. */
  maxDepth: number;
  /** Selections left to draw: keeps documents from growing exponentially. */
  budget: number;
}

/** A selection set on `type`: real fields (aliased, with arguments and directives), __typename, unknown fields, fragments. */
function selectionSet(w: Walk, type: GraphQLCompositeType, depth: number): string {
  const { g } = w;
  const count = w.budget <= 0 ? 1 : chance(g, 5) ? g(fc.integer, { min: 20, max: 60 }) : g(fc.integer, { min: 1, max: 4 });
  const selections: string[] = [];
  for (let i = 0; i < count; i++) selections.push(selection(w, type, depth));
  return `{ ${selections.join(' ')} }`;
}

function selection(w: Walk, type: GraphQLCompositeType, depth: number): string {
  const { g, schema } = w;
  w.budget--;
  if (w.budget < 0 || depth > w.maxDepth + 1) return '__typename';
  const roll = g(fc.nat, { max: 99 });
  if (roll < 4) return `...${pick(g, FRAGMENTS)}${chance(g, 20) ? ` ${pick(g, DIRECTIVES)}` : ''}`;
  if (roll < 8) {
    const on = chance(g, 80) ? pick(g, possibleTypes(schema, type)) : compositeTypes(schema)[g(fc.nat, { max: compositeTypes(schema).length - 1 })];
    return `... on ${on?.name ?? 'Nope'} ${selectionSet(w, on ?? type, depth + 1)}`;
  }
  if (roll < 11 || isUnionType(type)) return `${chance(g, 30) ? `${alias(g)}: ` : ''}__typename`;
  if (roll < 13) return `${pick(g, ['nope', 'items', 'metadata', 'name', '__schema', '__type(name: "Query")'])}${chance(g, 50) ? ' { name }' : ''}`;
  const fields = Object.values(type.getFields());
  const leafOnly = depth >= w.maxDepth;
  const candidates = leafOnly ? fields.filter((f) => isLeafType(getNamedType(f.type))) : fields;
  if (candidates.length === 0) return '__typename';
  const field = pick(g, candidates);
  const named = getNamedType(field.type);
  const head = `${chance(g, 20) ? `${alias(g)}: ` : ''}${field.name}${argumentsOf(g, field)}${chance(g, 8) ? ` ${pick(g, DIRECTIVES)}` : ''}`;
  if (isCompositeType(named)) return `${head} ${chance(g, 3) ? '' : selectionSet(w, named, depth + 1)}`;
  return chance(g, 2) ? `${head} { name }` : head;
}

const alias = (g: Gen): string => (chance(g, 70) ? `a${g(fc.nat, { max: 40 })}` : pick(g, ['__typename', 'metadata', 'items', '_', 'A_1']));

function possibleTypes(schema: GraphQLSchema, type: GraphQLCompositeType): readonly GraphQLCompositeType[] {
  if (isObjectType(type)) return [type];
  if (isInterfaceType(type) || isUnionType(type)) return schema.getPossibleTypes(type);
  return [type];
}

const composites = new WeakMap<GraphQLSchema, GraphQLCompositeType[]>();
function compositeTypes(schema: GraphQLSchema): GraphQLCompositeType[] {
  let found = composites.get(schema);
  if (!found) {
    found = Object.values(schema.getTypeMap()).filter((t: GraphQLNamedType): t is GraphQLCompositeType => isCompositeType(t) && !t.name.startsWith('__'));
    composites.set(schema, found);
  }
  return found;
}

const VARIABLE_TYPES = ['String', 'String!', 'Int', 'Int!', 'Boolean', 'Boolean!', '[String]', 'JSON', 'IntOrString', 'Nope', '[[Int!]!]', 'StringMap'];

/** One operation of a schema-guided document. */
function operation(w: Walk, name: string | undefined): string {
  const { g, schema } = w;
  const roots = [['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()]] as const;
  const [kind, root] = pick(g, [roots[0], roots[0], roots[0], roots[1], roots[2]]);
  const vars = Array.from({ length: g(fc.nat, { max: 3 }) }, (_, i) => `$v${i}: ${pick(g, VARIABLE_TYPES)}${chance(g, 20) ? ` = ${anyLiteral(g, 0)}` : ''}`);
  const head = `${kind}${name ? ` ${name}` : ''}${vars.length > 0 ? `(${vars.join(', ')})` : ''}${chance(g, 5) ? ` ${pick(g, DIRECTIVES)}` : ''}`;
  const body = root ? selectionSet(w, root, 1) : '{ __typename }';
  // The shorthand `{ ... }` is a query without a name or variables.
  return kind === 'query' && !name && vars.length === 0 && chance(g, 50) ? body : `${head} ${body}`;
}

function fragment(w: Walk, name: string): string {
  const on = chance(w.g, 90) ? pick(w.g, compositeTypes(w.schema)) : undefined;
  return `fragment ${name} on ${on?.name ?? 'Nope'} ${on ? selectionSet(w, on, w.maxDepth - 2) : '{ a }'}`;
}

/** A document from the schema, and the operation name sent with it (the right one, an unknown one, or none). */
function schemaDocument(g: Gen, schema: GraphQLSchema): { query: string; operationName?: string } {
  const w: Walk = { g, schema, maxDepth: chance(g, 10) ? g(fc.integer, { min: 14, max: 25 }) : g(fc.integer, { min: 2, max: 8 }), budget: 300 };
  const names = chance(g, 20) ? ['A', 'B'] : chance(g, 50) ? ['Op'] : [undefined];
  const parts = names.map((n) => operation(w, n));
  for (const f of FRAGMENTS) if (chance(g, 30)) parts.push(fragment(w, f));
  const operationName = chance(g, 60) ? names[0] : chance(g, 50) ? pick(g, ['Nope', '', 'B', 'A']) : undefined;
  return { query: parts.join('\n'), ...(operationName !== undefined ? { operationName } : {}) };
}

/** Documents from GraphQL's punctuators, keywords and names in any order: mostly syntax errors. */
const TOKENS = ['{', '}', '(', ')', '[', ']', ':', '...', '@', '$', '=', '!', '|', '&', 'query', 'mutation', 'subscription', 'fragment', 'on', 'v1', 'ConfigMaps', 'items', 'metadata', 'name', '__typename', '"s"', '"""b"""', '1', '1.5', 'true', 'null', 'F0', '$v0', '#c\n', ',', 'schema', 'type', 'extend', 'directive'];
const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((ts) => ts.join(' '));

/** Documents at and past the query limits: depth, aliases, directives, tokens, bracket nesting, a huge field list. */
const bombs = fc.oneof(
  fc.integer({ min: 10, max: 40 }).map((d) => `query { ${'__type(name: "Query") { fields { type { ofType { '.repeat(Math.ceil(d / 4))}name${' } } } }'.repeat(Math.ceil(d / 4))} }`),
  fc.integer({ min: 1, max: 900 }).map((d) => `${'{ a '.repeat(d)}${'}'.repeat(d)}`),
  fc.integer({ min: 1, max: 900 }).map((d) => `{ v1 { ConfigMaps(namespace: ${'['.repeat(d)}"x"${']'.repeat(d)}) { kind } } }`),
  fc.integer({ min: 20, max: 60 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: v1 { __typename }`).join(' ')} }`),
  fc.integer({ min: 10, max: 40 }).map((n) => `{ __typename ${'@include(if: true) '.repeat(n)}}`),
  fc.integer({ min: 1_000, max: 12_000 }).map((n) => `{ ${'__typename '.repeat(n)}}`),
  fc.integer({ min: 1, max: 200 }).map((n) => `{ v1 { ${Array.from({ length: n }, (_, i) => `c${i}: ConfigMaps { items { metadata { name } } }`).join(' ')} } }`),
  fc.constant('fragment A on Query { ...B } fragment B on Query { ...A } { ...A }'),
  fc.constant('fragment A on Query { ...A } { ...A }'),
  fc.constant('{ ...A } fragment A on Query { v1 { ...A } }'),
);

/** Variables: an object of anything, or no object at all. */
const variables = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom('v0', 'v1', 'v2', 'v3', '__proto__', 'constructor', 'x'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.integer({ min: 505, max: 700 }).map((d) => ({ v0: JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown })) },
);

/** A GraphQL request: the JSON text of `{query, variables, operationName}`, or a body that is not one. */
export interface GraphQLRequest {
  body: string;
  contentType: string;
  accept?: string;
}

const requestBody = (fields: Record<string, unknown>): string => JSON.stringify(fields);

const accept = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom('application/json', 'application/graphql-response+json', 'application/graphql-response+json, application/json;q=0.9', '*/*') },
  { weight: 1, arbitrary: fc.constantFrom('text/html', 'application/xml', 'text/event-stream', 'multipart/mixed', ';;', 'application/json;charset=utf-16') },
);

/** Every kind of request the suite sends, schema-guided documents the most. */
export function graphqlRequests(schema: GraphQLSchema): fc.Arbitrary<GraphQLRequest> {
  const guided = fc.gen().map((g) => schemaDocument(g, schema));
  const document = fc.oneof(
    { weight: 10, arbitrary: guided },
    { weight: 2, arbitrary: tokenSoup.map((query) => ({ query })) },
    { weight: 2, arbitrary: bombs.map((query) => ({ query })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((query) => ({ query })) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }).map((query) => ({ query })) },
    { weight: 1, arbitrary: fc.tuple(guided, fc.double({ min: 0, max: 1, noNaN: true })).map(([d, cut]) => ({ ...d, query: d.query.slice(0, Math.floor(d.query.length * cut)) })) },
  );
  const wellFormed = fc.tuple(document, variables, accept, fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined, freq: 10 })).map(
    ([d, vars, acc, extensions]): GraphQLRequest => ({
      body: requestBody({ ...d, ...(vars !== undefined ? { variables: vars } : {}), ...(extensions !== undefined ? { extensions } : {}) }),
      contentType: 'application/json',
      ...(acc !== undefined ? { accept: acc } : {}),
    }),
  );
  const malformed = fc.oneof(
    fc.record({ query: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string()), variables: fc.jsonValue({ maxDepth: 2 }), operationName: fc.jsonValue({ maxDepth: 1 }), extensions: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }).map(requestBody),
    fc.json(),
    fc.string({ maxLength: 100 }),
    fc.constantFrom('', 'null', '[]', '[{"query":"{ __typename }"}]', '{"query":"{ __typename }"', '{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}'),
  );
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/graphql', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', '', ';;;==');
  return fc.oneof(
    { weight: 9, arbitrary: wellFormed },
    { weight: 1, arbitrary: fc.tuple(malformed, contentType).map(([body, type]): GraphQLRequest => ({ body, contentType: type })) },
  );
}
