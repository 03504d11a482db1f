/**
 * SDL conversion (issue 18): how long `atoll export print|apply` spends turning an SDL of 50 kinds
 * into schemas, in this process.
 *
 * The SDL: 50 resource types, each with a spec of 12 fields (Int with bounds and a default, String
 * with pattern and length, an enum, a set of strings, a list-type=map list of an object type, a
 * Map, IntOrString, JSON, a nested object) and a status, one CEL rule on the spec and a printer
 * column — about what a real provider's kinds carry. Each round changes the CEL rules' constant,
 * so compiled CEL is never served from a cache.
 *
 * Figures (median of ROUNDS after WARMUP): SDL → kinds (parse, validate against the directive
 * definitions, convert, and the server's CRD checks with CEL compiled), against graphql-js parse
 * and buildASTSchema of the same text alone (the baseline); kinds → APIResourceSchemas + APIExport
 * (content hashes); the reverse, schemas → SDL; and the GraphQL schema Atoll would serve for the
 * 50 kinds (what codegen reads), compiled by the server's compiler.
 */
import { buildASTSchema, concatAST, parse } from 'graphql';
import { directivesDocument, schemasToSdl, sdlToKinds, servedSchema, toExportDocuments } from '../src/sdl/index.js';
import { figure, median, note, type Suite } from './report.js';

const KINDS = 50;
const ROUNDS = 7;
const WARMUP = 2;

function sdl(round: number): string {
  const parts: string[] = [];
  for (let i = 0; i < KINDS; i++) {
    const k = `Kind${i}`;
    parts.push(`"""Kind number ${i}."""
type ${k} @resource(group: "bench${i % 5}.example.dev", version: "v1", plural: "kind${i}s", shortNames: ["k${i}"])
  @printerColumn(name: "Size", type: integer, jsonPath: ".spec.size") {
  spec: ${k}Spec!
  status: ${k}Status @status
}
type ${k}Spec @validate(rule: "self.size <= ${100 + round}", message: "too big") {
  "How big."
  size: Int! @minimum(value: 1) @maximum(value: 1000) @default(value: 3)
  name: String @pattern(regex: "^[a-z][a-z0-9-]*$") @maxLength(value: 63)
  mode: ${k}Mode @default(value: fast)
  tags: [String!] @listType(type: set) @maxItems(value: 16)
  ports: [${k}Port!] @listType(type: map) @listMapKeys(keys: ["name"])
  labels: Map
  target: IntOrString
  extra: JSON
  nested: ${k}Nested
  ratio: Float @exclusiveMinimum(value: 0)
  count: Int64
  enabled: Boolean @default(value: true)
}
type ${k}Port { name: String!  port: Int! @minimum(value: 1) @maximum(value: 65535) }
type ${k}Nested { a: String  b: Int  c: [Int!] }
type ${k}Status { ready: Boolean  observedGeneration: Int64 }
enum ${k}Mode { fast slow }`);
  }
  return parts.join('\n\n');
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function run(): Promise<void> {
  const convert: number[] = [];
  const parseOnly: number[] = [];
  const outputs: number[] = [];
  const reverse: number[] = [];
  const graphql: number[] = [];
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const text = sdl(round);
    const p = time(() => buildASTSchema(concatAST([directivesDocument(), parse(text)]), { assumeValidSDL: true }));
    let kinds: ReturnType<typeof sdlToKinds> = [];
    const c = time(() => (kinds = sdlToKinds([{ name: 'bench.graphql', body: text }])));
    let docs: ReturnType<typeof toExportDocuments> | undefined;
    const o = time(() => (docs = toExportDocuments(kinds, 'bench')));
    const r = time(() => schemasToSdl(docs?.schemas ?? []));
    const g = time(() => servedSchema(kinds, { builtins: false }));
    if (round < WARMUP) continue;
    parseOnly.push(p);
    convert.push(c);
    outputs.push(o);
    reverse.push(r);
    graphql.push(g);
  }
  const base = { value: median(parseOnly), label: 'graphql-js parse+build' };
  figure(`graphql-js parse + buildASTSchema, ${KINDS} kinds (baseline)`, base.value, 'ms');
  figure(`SDL → ${KINDS} kinds (checked, CEL compiled)`, median(convert), 'ms', base);
  figure(`kinds → APIResourceSchemas + APIExport`, median(outputs), 'ms');
  figure(`APIResourceSchemas → SDL (reverse)`, median(reverse), 'ms');
  figure(`GraphQL schema served for the ${KINDS} kinds`, median(graphql), 'ms');
  note(`median of ${ROUNDS} rounds after ${WARMUP} warm-up rounds; each round's CEL rules differ`);
}

export const sdlSuite: Suite = { name: 'sdl', title: `SDL → schemas conversion for ${KINDS} kinds`, run };
