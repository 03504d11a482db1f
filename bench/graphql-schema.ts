/**
 * Compiling a GraphQL schema for a larger API set (issue 5): the kinds every workspace serves
 * plus generated CRD-like kinds up to 50 distinct kinds, each generated kind from a realistic CRD
 * (about 20 fields with nested objects, lists, maps, an int-or-string and a free-form part, in a
 * group of its own), run through the CRD code the server uses (`servedTypes`). Times
 * `compileSchema` itself, not the cached `schemaFor`; baseline: the set every workspace serves.
 * Also the size of each schema (types, fields, SDL) and the heap one compiled schema holds.
 */
import { GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType, printSchema, type GraphQLSchema } from 'graphql';
import { ApiSet } from '../src/apis/index.js';
import { customResourceDefinitions, servedTypes, type CrdSpec, type JSONSchemaProps } from '../src/crd/index.js';
import { compileSchema } from '../src/graphql/index.js';
import type { KubeObject } from '../src/meta/index.js';
import { builtinResourceTypes, type ResourceType } from '../src/registry/index.js';
import { tenancyResourceTypes } from '../src/tenancy/index.js';
import { settledMemory } from './fixtures.js';
import { cpuMark, cpuSince, pct, type CpuUse } from './graphql-cpu.js';
import { figure, median, note } from './report.js';

/** What every workspace serves, as the server composes it (Kubernetes' built-ins, kcp's tenancy kinds, CRDs). */
export const servedEverywhere: readonly ResourceType[] = [...builtinResourceTypes, ...tenancyResourceTypes, customResourceDefinitions];

const TARGET_KINDS = 50;
const WARMUP_COMPILES = 1;
const MEASURED_COMPILES = 5;
const BENCH_GROUP = 'bench.atoll.dev';

const str = (description: string): JSONSchemaProps => ({ type: 'string', description });
const stringMap = (description: string): JSONSchemaProps => ({ type: 'object', description, additionalProperties: { type: 'string' } });
const strings = (description: string): JSONSchemaProps => ({ type: 'array', description, items: { type: 'string' } });

/** A database-operator-like schema: spec with nested objects, lists of objects and maps; status with conditions. */
const DATABASE_SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['version'],
      properties: {
        version: str('Engine version, e.g. 16.2.'),
        replicas: { type: 'integer', minimum: 0, maximum: 9, default: 1 },
        paused: { type: 'boolean', description: 'Stops reconciliation.' },
        image: str('Overrides the engine image.'),
        port: { 'x-kubernetes-int-or-string': true, description: 'Service port, a number or a named port.' },
        storage: {
          type: 'object',
          properties: {
            size: { type: 'string', pattern: '^[0-9]+(Mi|Gi|Ti)$' },
            className: str('StorageClass of the volumes.'),
            accessModes: { type: 'array', items: { type: 'string', enum: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'] } },
          },
        },
        resources: { type: 'object', properties: { requests: stringMap('Minimum resources.'), limits: stringMap('Maximum resources.') } },
        env: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            required: ['name'],
            properties: {
              name: str('Variable name.'),
              value: str('Literal value.'),
              valueFrom: {
                type: 'object',
                properties: { secretKeyRef: { type: 'object', required: ['name', 'key'], properties: { name: str('Secret name.'), key: str('Key in the Secret.') } } },
              },
            },
          },
        },
        selector: {
          type: 'object',
          properties: {
            matchLabels: stringMap('Labels the pods must carry.'),
            matchExpressions: {
              type: 'array',
              items: {
                type: 'object',
                required: ['key', 'operator'],
                properties: { key: str('Label key.'), operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: strings('Label values.') },
              },
            },
          },
        },
        backup: {
          type: 'object',
          properties: {
            schedule: str('Cron schedule.'),
            retentionDays: { type: 'integer', minimum: 1, default: 7 },
            destination: { type: 'object', properties: { bucket: str('Bucket.'), path: str('Prefix in the bucket.'), endpoint: str('Object store URL.') } },
          },
        },
        tolerations: {
          type: 'array',
          items: { type: 'object', properties: { key: str('Taint key.'), operator: str('Exists or Equal.'), value: str('Taint value.'), effect: str('Taint effect.') } },
        },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        parameters: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'Engine settings, passed through.' },
      },
    },
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string', enum: ['Pending', 'Running', 'Failed'] },
        readyReplicas: { type: 'integer' },
        observedGeneration: { type: 'integer', format: 'int64' },
        endpoint: str('Where clients connect.'),
        conditions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'status'],
            properties: {
              type: str('Condition type.'),
              status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
              reason: str('Machine-readable reason.'),
              message: str('Human-readable message.'),
              lastTransitionTime: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
  },
};

/** CRD number `i`: kind `Database<i>` in group `db<i>.bench.atoll.dev`, one served version with status. */
export function benchCrd(i: number): KubeObject {
  const id = String(i).padStart(2, '0');
  const group = `db${id}.${BENCH_GROUP}`;
  const spec: CrdSpec = {
    group,
    names: { plural: `database${id}s`, singular: `database${id}`, kind: `Database${id}`, listKind: `Database${id}List`, categories: ['bench'] },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: DATABASE_SCHEMA },
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Version', type: 'string', jsonPath: '.spec.version' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        ],
      },
    ],
    conversion: { strategy: 'None' },
  };
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${spec.names.plural}.${group}` }, spec };
}

/** The types `count` generated CRDs serve, each CRD validated as the API server would first. */
export function generatedKinds(count: number): ResourceType[] {
  return Array.from({ length: count }, (_, i) => {
    const crd = benchCrd(i);
    const { errors } = customResourceDefinitions.strategy.validate(crd);
    if (errors.length > 0) throw new Error(`generated CRD ${crd.metadata.name} is invalid: ${JSON.stringify(errors).slice(0, 500)}`);
    return servedTypes(crd.spec as CrdSpec);
  }).flat();
}

/** Distinct kinds of a set (group and kind: core/v1 Event and events.k8s.io/v1 Event are two). */
export const distinctKinds = (types: readonly ResourceType[]): number => new Set(types.map((t) => `${t.group}/${t.kind}`)).size;

interface SchemaSize {
  /** Named types, introspection types excluded. */
  types: number;
  /** Fields of object and interface types, plus input fields. */
  fields: number;
  sdlBytes: number;
}

function sizeOf(schema: GraphQLSchema): SchemaSize {
  let types = 0;
  let fields = 0;
  for (const [name, type] of Object.entries(schema.getTypeMap())) {
    if (name.startsWith('__')) continue;
    types++;
    if (type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType || type instanceof GraphQLInputObjectType) fields += Object.keys(type.getFields()).length;
  }
  return { types, fields, sdlBytes: Buffer.byteLength(printSchema(schema)) };
}

interface Compiled {
  label: string;
  typeCount: number;
  kinds: number;
  /** Sorted compile times, ms. */
  times: number[];
  size: SchemaSize;
  /** Heap a compiled schema keeps alive (after GC), bytes. */
  heapBytes: number;
}

/** Heap retained by what `make` returns, after full collections. */
async function retainedHeap(make: () => unknown): Promise<number> {
  const before = (await settledMemory()).heapUsed;
  const kept = make();
  const after = (await settledMemory()).heapUsed;
  if (kept === undefined) throw new Error('nothing was kept');
  return after - before;
}

export interface CompileResult {
  base: Compiled;
  large: Compiled;
  /** During the timed compiles. */
  cpu: CpuUse;
}

export async function measureCompile(): Promise<CompileResult> {
  const baseKinds = distinctKinds(servedEverywhere);
  const extra = generatedKinds(TARGET_KINDS - baseKinds);
  const sets = [
    { label: 'every workspace', set: new ApiSet(servedEverywhere) },
    { label: `${TARGET_KINDS} kinds`, set: new ApiSet([...servedEverywhere, ...extra]) },
  ];
  const times = sets.map(() => [] as number[]);
  const mark = cpuMark(undefined);
  for (let round = 0; round < WARMUP_COMPILES + MEASURED_COMPILES; round++) {
    // Alternating, so both sets see the same machine noise.
    sets.forEach(({ set }, k) => {
      const start = performance.now();
      compileSchema(set);
      const ms = performance.now() - start;
      if (round >= WARMUP_COMPILES) times[k]?.push(ms);
    });
  }
  const cpu = cpuSince(mark, undefined);
  const results: Compiled[] = [];
  for (const [k, { label, set }] of sets.entries()) {
    const schema = compileSchema(set);
    results.push({
      label,
      typeCount: set.types.length,
      kinds: distinctKinds(set.types),
      times: (times[k] ?? []).sort((a, b) => a - b),
      size: sizeOf(schema),
      heapBytes: await retainedHeap(() => compileSchema(set)),
    });
  }
  return { base: results[0] as Compiled, large: results[1] as Compiled, cpu };
}

export function reportCompile({ base, large, cpu }: CompileResult): void {
  const what = (c: Compiled): string => `${c.kinds} kinds`;
  note(`compileSchema (uncached): the set every workspace serves (${base.typeCount} resource types, ${base.kinds} distinct kinds) and it plus ${large.kinds - base.kinds} generated CRD kinds`);
  const ms = { value: median(base.times), label: what(base) };
  figure(`compile ${what(base)}, median of ${base.times.length}`, ms.value, 'ms');
  figure(`compile ${what(large)}, median of ${large.times.length}`, median(large.times), 'ms', ms);
  figure(`compile ${what(large)}, slowest of ${large.times.length}`, large.times[large.times.length - 1] ?? NaN, 'ms');
  for (const [name, of, unit] of [
    ['types', (c: Compiled) => c.size.types, 'types'],
    ['fields (incl. input fields)', (c: Compiled) => c.size.fields, 'fields'],
    ['SDL', (c: Compiled) => c.size.sdlBytes / 1024, 'KiB'],
    ['heap held by one schema', (c: Compiled) => c.heapBytes / 2 ** 20, 'MiB'],
  ] as const) {
    figure(`schema of ${what(base)}: ${name}`, of(base), unit);
    figure(`schema of ${what(large)}: ${name}`, of(large), unit, { value: of(base), label: what(base) });
  }
  const perKind = (large.size.types - base.size.types) / (large.kinds - base.kinds);
  const msPerKind = (median(large.times) - median(base.times)) / (large.kinds - base.kinds);
  note(`per generated kind: ${perKind.toFixed(1)} types, ${msPerKind.toFixed(1)} ms of compile time`);
  note(`CPU during the timed compiles (100 % = one core busy): this process ${pct(cpu.benchCpu)}, whole machine ${pct(cpu.machineCpu)}`);
}
