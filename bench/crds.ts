/**
 * CustomResourceDefinitions: what a custom resource costs next to a built-in kind, and what a CRD
 * costs per workspace when ten thousand workspaces hold the same one.
 *
 * - REST creates of a custom resource vs a ConfigMap of about the same JSON size, same server,
 *   same run: the CRD (`gadgets.bench.atoll.dev`) has ~30 typed fields (patterns, enums, length
 *   and range bounds, a nested object, a list-type=map list, a set, a map, int-or-string, three
 *   defaults) and three CEL rules (a cross-field comparison, `self.all(...)` over the map list, a
 *   string function). Atoll runs as a child process (as in the REST suite) with both kinds in one
 *   workspace; N creates each, CREATE_CONCURRENCY in flight, in alternating rounds (ConfigMap,
 *   custom resource, custom resource, ConfigMap, twice; N/4 each), so drift and other load hit
 *   both alike.
 * - in this process: the one-time compile of the schema with its CEL rules (`compileSchema`, on
 *   variants whose CEL types differ, so nothing is served from a cache), and the per-object cost
 *   of default + prune + validate with the compiled schema vs the ConfigMap strategy's validate.
 * - 10,000 workspaces each holding the CRD, in a child process (this file forked with `child`)
 *   with an in-process server: heap and RSS after GC with the workspaces alone (the baseline),
 *   after the CRDs are established and served in every one of them, and after the GraphQL schema
 *   of their API set is built; the time for the 10,000 CRDs to become Established and served
 *   (baseline: plain Namespace creates through the same registry, same count and window); and
 *   identity checks: one ApiSet object, one ResourceType (so one compiled schema) and one GraphQL
 *   schema for all of them. Workspaces are real Workspaces (created and waited for as in the
 *   workspaces suite: ~10 s for 10,000).
 *
 * ATOLL_BENCH_FULL=1 runs 100,000 workspaces and 20,000 creates of each kind.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import type { GraphQLSchema } from 'graphql';
import type { ApiSet } from '../src/apis/index.js';
import { CRD_RESOURCE, customResourceDefinitions, type JSONSchemaProps } from '../src/crd/index.js';
import { compiledSchemaCount, compileSchema } from '../src/crd/structural/index.js';
import { cachedSchemaCount, schemaFor } from '../src/graphql/index.js';
import type { KubeObject } from '../src/meta/index.js';
import { configMaps, type ResourceType } from '../src/registry/index.js';
import { ROOT_CLUSTER } from '../src/tenancy/index.js';
import { ATOLL_MAIN, ATOLL_READY_MSG, atollArgs, withChild } from './child-server.js';
import { measureInChild, progress, runAsChild } from './child-measure.js';
import { adminHeaders, settledMemory, sleep, withTempDir } from './fixtures.js';
import { drive, expectStatus, mergeLoads, request, type LoadResult } from './http-load.js';
import { figure, formatNumber, median, note, percentile, type Suite } from './report.js';
import { createAndWait, flat, namespaceCreateRate, pollUntil, startServer } from './workspace-driver.js';


const FULL = process.env.ATOLL_BENCH_FULL === '1';
/** Measured creates of each kind, split evenly over its rounds in ORDER. */
const CREATES = FULL ? 20_000 : 5_000;
const WARM_CREATES = 500;
/** ConfigMap and custom-resource rounds alternate ABBA ABBA, so drift and bursts of other load hit both alike. */
const ORDER = ['cm', 'cr', 'cr', 'cm', 'cm', 'cr', 'cr', 'cm'] as const;
/** As in the REST suite. */
const CREATE_CONCURRENCY = 32;
const VALIDATE_OBJECTS = 2_000;
const VALIDATE_ROUNDS = 7;
const COMPILE_VARIANTS = 10;
const WORKSPACES = FULL ? 100_000 : 10_000;
/** Workspaces created but not Ready, and CRD creates in flight, at most (as in the workspaces suite). */
const WINDOW = 512;
const PROGRESS_EVERY = FULL ? 20_000 : 5_000;
const SERVED_TIMEOUT_MS = FULL ? 20 * 60_000 : 5 * 60_000;
const CHILD_TIMEOUT_MS = FULL ? 60 * 60_000 : 10 * 60_000;

const GROUP = 'bench.atoll.dev';
const VERSION = 'v1';
const PLURAL = 'gadgets';
const KIND = 'Gadget';
const BENCH_WORKSPACE = 'crd-bench';
const WS_PATH = `${ROOT_CLUSTER}:${BENCH_WORKSPACE}`;
const WORKSPACES_API = `/clusters/${ROOT_CLUSTER}/apis/tenancy.kcp.io/v1alpha1/workspaces`;
const CRDS_API = `/clusters/${WS_PATH}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`;
const CM_PATH = `/clusters/${WS_PATH}/api/v1/namespaces/default/configmaps`;
const CR_PATH = `/clusters/${WS_PATH}/apis/${GROUP}/${VERSION}/namespaces/default/${PLURAL}`;
const KiB = 1024;
const MiB = 2 ** 20;

const n = (x: number): string => x.toLocaleString('en-US');
const perSecond = (count: number, ms: number): number => count / (ms / 1000);

// ---- the CRD and its objects ----------------------------------------------------------------

/**
 * The Gadget schema: 32 typed fields under spec, 2 under status, 3 CEL rules, 3 defaults.
 * `variant` changes two maxLengths (and so the CEL types of the rules' `self`), for compiles that
 * find nothing cached; variant 0 is the one served.
 */
function gadgetSchema(variant = 0): JSONSchemaProps {
  const dnsLabel = (maxLength: number): JSONSchemaProps => ({ type: 'string', maxLength, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' });
  const intOrString: JSONSchemaProps = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
  return {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['displayName', 'owner', 'registry', 'image', 'minReplicas', 'maxReplicas'],
        'x-kubernetes-validations': [
          { rule: 'self.minReplicas <= self.maxReplicas', message: 'minReplicas must not exceed maxReplicas' },
          { rule: "self.image.startsWith(self.registry + '/')", message: 'image must come from the registry' },
        ],
        properties: {
          displayName: { type: 'string', minLength: 1, maxLength: 63 + variant },
          description: { type: 'string', maxLength: 1024 },
          owner: { type: 'string', maxLength: 254, pattern: '^[a-z0-9._-]+@[a-z0-9.-]+$' },
          team: dnsLabel(63),
          tier: { type: 'string', enum: ['bronze', 'silver', 'gold'], default: 'silver' },
          environment: { type: 'string', enum: ['dev', 'staging', 'prod'] },
          region: { type: 'string', maxLength: 32, pattern: '^[a-z]{2}-[a-z]+-[0-9]$' },
          registry: { type: 'string', maxLength: 128 },
          image: { type: 'string', maxLength: 255 },
          imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'], default: 'IfNotPresent' },
          version: { type: 'string', maxLength: 32, pattern: '^v[0-9]+\\.[0-9]+\\.[0-9]+$' },
          replicas: { type: 'integer', minimum: 0, maximum: 1000 },
          minReplicas: { type: 'integer', minimum: 0, maximum: 1000 },
          maxReplicas: { type: 'integer', minimum: 1, maximum: 1000 },
          priority: { type: 'integer', minimum: -100, maximum: 100 },
          timeoutSeconds: { type: 'integer', format: 'int32', minimum: 1, maximum: 3600, default: 30 },
          weight: { type: 'number', minimum: 0, maximum: 1 },
          enabled: { type: 'boolean' },
          port: intOrString,
          schedule: { type: 'string', maxLength: 64 },
          costCenter: { type: 'string', pattern: '^CC-[0-9]{4}$' },
          resources: {
            type: 'object',
            properties: { cpu: intOrString, memory: { type: 'string', pattern: '^[0-9]+(Mi|Gi)$' }, gpus: { type: 'integer', minimum: 0, maximum: 8 } },
          },
          contact: {
            type: 'object',
            properties: {
              email: { type: 'string', format: 'email', maxLength: 254 },
              phone: { type: 'string', pattern: '^\\+[0-9]{6,15}$' },
              chat: { type: 'string', maxLength: 80 },
            },
          },
          ports: {
            type: 'array',
            maxItems: 16,
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            'x-kubernetes-validations': [{ rule: 'self.all(p, p.port != 22)', message: 'port 22 is reserved' }],
            items: {
              type: 'object',
              required: ['name', 'port'],
              properties: {
                name: dnsLabel(15 + variant),
                port: { type: 'integer', minimum: 1, maximum: 65535 },
                protocol: { type: 'string', enum: ['TCP', 'UDP'], default: 'TCP' },
              },
            },
          },
          tags: { type: 'array', maxItems: 32, 'x-kubernetes-list-type': 'set', items: { type: 'string', maxLength: 63 } },
          annotationsToCopy: { type: 'object', maxProperties: 16, additionalProperties: { type: 'string', maxLength: 253 } },
        },
      },
      status: { type: 'object', properties: { phase: { type: 'string' }, readyReplicas: { type: 'integer' } } },
    },
  };
}

function gadgetCrd(): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      names: { plural: PLURAL, singular: 'gadget', kind: KIND, listKind: `${KIND}List` },
      scope: 'Namespaced',
      versions: [{ name: VERSION, served: true, storage: true, schema: { openAPIV3Schema: gadgetSchema() }, subresources: { status: {} } }],
    },
  };
}

const labelsOf = (i: number): Record<string, string> => ({ app: `app-${i % 10}`, 'bench.atoll.dev/shard': String(i % 4) });

/** A Gadget as a client POSTs it: valid, every rule true, tier/imagePullPolicy/timeoutSeconds/protocol left to their defaults. */
function gadget(name: string, i: number): KubeObject {
  const version = `v1.${i % 10}.0`;
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: KIND,
    metadata: { name, namespace: 'default', labels: labelsOf(i) },
    spec: {
      displayName: `Gadget number ${i}`,
      description: 'A gadget created by the CRD benchmark.',
      owner: `owner-${i % 50}@example.com`,
      team: `team-${i % 7}`,
      environment: ['dev', 'staging', 'prod'][i % 3],
      region: 'eu-west-1',
      registry: 'images.example.com',
      image: `images.example.com/gadgets/gadget:${version}`,
      version,
      replicas: 3,
      minReplicas: 1 + (i % 3),
      maxReplicas: 10,
      priority: (i % 100) - 50,
      weight: 0.5,
      enabled: i % 2 === 0,
      port: i % 2 === 0 ? 8080 : 'http',
      schedule: '*/5 * * * *',
      costCenter: `CC-${String(i % 10_000).padStart(4, '0')}`,
      resources: { cpu: '500m', memory: '256Mi', gpus: 0 },
      contact: { email: 'oncall@example.com', phone: '+4930123456', chat: '#gadgets' },
      ports: [
        { name: 'http', port: 8080 },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
      tags: ['bench', `shard-${i % 4}`],
      annotationsToCopy: { 'example.com/team': `team-${i % 7}` },
    },
  };
}

/**
 * The ConfigMap baseline: the Gadget's labels, and its spec fields as data entries (strings, nested
 * values as JSON) as long as they fit, padded to the Gadget's JSON size.
 */
function sameSizeConfigMap(name: string, i: number): KubeObject {
  const g = gadget(name, i);
  const target = jsonBytes(g);
  const data: Record<string, string> = {};
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: labelsOf(i) }, data };
  // "key":"value" and a comma per entry (the first has none: one byte spare).
  const entryBytes = (k: string, v: string): number => jsonBytes(k) + jsonBytes(v) + 2;
  let size = jsonBytes(cm);
  for (const [k, v] of Object.entries(g.spec as Record<string, unknown>)) {
    const value = typeof v === 'string' ? v : JSON.stringify(v);
    if (size + entryBytes(k, value) > target) break;
    data[k] = value;
    size += entryBytes(k, value);
  }
  const room = target - size - entryBytes('padding', '');
  if (room > 0) data.padding = 'x'.repeat(room);
  return cm;
}

const jsonBytes = (o: unknown): number => Buffer.byteLength(JSON.stringify(o));

// ---- REST creates against a child server ----------------------------------------------------

/** Creates every body (pre-serialized) with `concurrency` keep-alive requests in flight; each must answer 201. */
async function createAll(baseUrl: string, headers: http.OutgoingHttpHeaders, path: string, bodies: readonly Buffer[], concurrency: number): Promise<LoadResult> {
  let next = 0;
  return drive(concurrency, () => next < bodies.length, async (agent) => {
    await expectStatus(agent, baseUrl, 'POST', path, 201, bodies[next++] as Buffer, headers);
  });
}

const bodies = (prefix: string, from: number, count: number, make: (name: string, i: number) => KubeObject): Buffer[] =>
  Array.from({ length: count }, (_, k) => Buffer.from(JSON.stringify(make(`${prefix}-${from + k}`, from + k))));

interface Setup {
  /** Bodies as sent and objects as stored (the create responses), bytes. */
  sizes: { cmSent: number; crSent: number; cmStored: number; crStored: number };
  defaulted: boolean;
  rejected: string;
}

/** A workspace with the CRD established and served; checks that defaults apply and a rule rejects. */
async function setUp(url: string, headers: http.OutgoingHttpHeaders): Promise<Setup> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const json = (body: Buffer): Record<string, unknown> => JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  try {
    await expectStatus(agent, url, 'POST', WORKSPACES_API, 201, { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name: BENCH_WORKSPACE } }, headers);
    const ready = await pollUntil(
      async () => {
        const ws = json((await expectStatus(agent, url, 'GET', `${WORKSPACES_API}/${BENCH_WORKSPACE}`, 200, undefined, headers)).body);
        return (ws.status as { phase?: string } | undefined)?.phase === 'Ready';
      },
      50,
      20_000,
    );
    if (!ready) throw new Error(`workspace ${WS_PATH} not Ready after 20 s`);
    await expectStatus(agent, url, 'POST', CRDS_API, 201, gadgetCrd(), headers);
    const served = await pollUntil(async () => (await request(agent, url, 'GET', CR_PATH, undefined, headers)).status === 200, 20, 20_000);
    if (!served) throw new Error(`${PLURAL}.${GROUP} not served in ${WS_PATH} after 20 s`);

    const cm = sameSizeConfigMap('size-cm', 0);
    const cr = gadget('size-cr', 0);
    const cmStored = (await expectStatus(agent, url, 'POST', CM_PATH, 201, cm, headers)).body;
    const crStored = (await expectStatus(agent, url, 'POST', CR_PATH, 201, cr, headers)).body;
    const spec = json(crStored).spec as Record<string, unknown> & { ports?: { protocol?: string }[] };
    const defaulted = spec.tier === 'silver' && spec.imagePullPolicy === 'IfNotPresent' && spec.timeoutSeconds === 30 && spec.ports?.[0]?.protocol === 'TCP';
    const bad = gadget('invalid', 1);
    Object.assign(bad.spec as object, { minReplicas: 20, ports: [{ name: 'ssh', port: 22 }], image: 'elsewhere.example.org/gadget:v1' });
    const refused = await expectStatus(agent, url, 'POST', CR_PATH, 422, bad, headers);
    const causes = (json(refused.body).details as { causes?: { field?: string; message?: string }[] } | undefined)?.causes ?? [];
    return {
      sizes: { cmSent: jsonBytes(cm), crSent: jsonBytes(cr), cmStored: cmStored.length, crStored: crStored.length },
      defaulted,
      rejected: causes.map((c) => `${c.field}: ${c.message}`).join('; '),
    };
  } finally {
    agent.destroy();
  }
}

interface Creates {
  setup: Setup;
  cm: LoadResult;
  cr: LoadResult;
}

async function measureCreates(): Promise<Creates> {
  return withTempDir(async (tmp) => {
    const dataDir = path.join(tmp, 'data');
    return withChild(ATOLL_MAIN, atollArgs(dataDir), ATOLL_READY_MSG, async (server) => {
      const headers = adminHeaders(dataDir);
      const setup = await setUp(server.url, headers);
      const kinds = {
        cm: { path: CM_PATH, prefix: 'cm', make: sameSizeConfigMap, done: 0, rounds: [] as LoadResult[] },
        cr: { path: CR_PATH, prefix: 'gd', make: gadget, done: 0, rounds: [] as LoadResult[] },
      };
      for (const k of Object.values(kinds)) await createAll(server.url, headers, k.path, bodies(`warm-${k.prefix}`, 0, WARM_CREATES, k.make), CREATE_CONCURRENCY);
      const perRound = CREATES / (ORDER.length / 2);
      for (const which of ORDER) {
        const k = kinds[which];
        k.rounds.push(await createAll(server.url, headers, k.path, bodies(k.prefix, k.done, perRound, k.make), CREATE_CONCURRENCY));
        k.done += perRound;
      }
      return { setup, cm: mergeLoads(kinds.cm.rounds), cr: mergeLoads(kinds.cr.rounds) };
    });
  });
}

function reportCreates(r: Creates): void {
  const { sizes } = r.setup;
  figure(`create ConfigMap over REST, ${n(r.cm.count)} (baseline)`, r.cm.perSecond, 'creates/s');
  figure(`create ${KIND} (custom resource), ${n(r.cr.count)}`, r.cr.perSecond, 'creates/s', { value: r.cm.perSecond, label: 'ConfigMap' });
  for (const [label, x] of [
    ['ConfigMap', r.cm],
    [KIND, r.cr],
  ] as const) {
    figure(`create ${label}, latency p50`, percentile(x.latencies, 50), 'ms', label === KIND ? { value: percentile(r.cm.latencies, 50), label: 'ConfigMap' } : undefined);
    figure(`create ${label}, latency p99`, percentile(x.latencies, 99), 'ms', label === KIND ? { value: percentile(r.cm.latencies, 99), label: 'ConfigMap' } : undefined);
  }
  note(`bodies sent: ConfigMap ${sizes.cmSent} B, ${KIND} ${sizes.crSent} B; as stored (create response, with server fields and managedFields): ConfigMap ${sizes.cmStored} B, ${KIND} ${sizes.crStored} B`);
  note(`${CREATE_CONCURRENCY} keep-alive creates in flight; ${n(WARM_CREATES)} unreported warm-up creates of each; measured in ${ORDER.length} alternating rounds of ${n(CREATES / (ORDER.length / 2))} (${ORDER.join(' ')})`);
  note(`defaults applied on create (tier, imagePullPolicy, timeoutSeconds, ports[].protocol): ${r.setup.defaulted ? 'yes' : 'NO'}`);
  note(`an invalid ${KIND} is refused with 422: ${r.setup.rejected || '(no causes)'}`);
  note(`${os.availableParallelism()} CPUs shared by the load generator and the server under test`);
}

// ---- validation alone, in this process ------------------------------------------------------

interface ValidationCost {
  compileFirstMs: number;
  compileMedianMs: number;
  crUs: number;
  cmUs: number;
}

function validationCost(): ValidationCost {
  let start = performance.now();
  const compiled = compileSchema(gadgetSchema());
  const compileFirstMs = performance.now() - start;
  const compiles: number[] = [];
  for (let k = 1; k <= COMPILE_VARIANTS; k++) {
    const schema = gadgetSchema(k);
    start = performance.now();
    compileSchema(schema);
    compiles.push(performance.now() - start);
  }
  if (compileSchema(gadgetSchema()) !== compiled) throw new Error('compileSchema returned a second compiled schema for the same content');

  const cm = configMaps.strategy;
  const crRound = (from: number): number => {
    const objects = Array.from({ length: VALIDATE_OBJECTS }, (_, k) => gadget(`gd-${from + k}`, from + k) as unknown as Record<string, unknown>);
    const t = performance.now();
    for (const o of objects) {
      compiled.applyDefaults(o);
      const pruned = compiled.prune(o);
      const errors = compiled.validate(o);
      if (errors.length > 0 || pruned.length > 0) throw new Error(`a valid ${KIND} failed validation: ${JSON.stringify({ errors, pruned })}`);
    }
    return ((performance.now() - t) * 1000) / objects.length;
  };
  const cmRound = (from: number): number => {
    const objects = Array.from({ length: VALIDATE_OBJECTS }, (_, k) => sameSizeConfigMap(`cm-${from + k}`, from + k));
    const t = performance.now();
    for (const o of objects) {
      const r = cm.validate(o);
      if (r.errors.length > 0 || r.unknownFields.length > 0) throw new Error(`a valid ConfigMap failed validation: ${JSON.stringify(r)}`);
    }
    return ((performance.now() - t) * 1000) / objects.length;
  };
  crRound(0);
  cmRound(0);
  const cr: number[] = [];
  const cms: number[] = [];
  for (let round = 1; round <= VALIDATE_ROUNDS; round++) {
    cr.push(crRound(round * VALIDATE_OBJECTS));
    cms.push(cmRound(round * VALIDATE_OBJECTS));
  }
  return { compileFirstMs, compileMedianMs: median(compiles), crUs: median(cr), cmUs: median(cms) };
}

function reportValidation(v: ValidationCost): void {
  figure('validate ConfigMap (strategy.validate) (baseline)', v.cmUs, 'µs/object');
  figure(`default + prune + validate ${KIND} (compiled schema)`, v.crUs, 'µs/object', { value: v.cmUs, label: 'ConfigMap' });
  figure('compileSchema, first in this process', v.compileFirstMs, 'ms');
  figure(`compileSchema, median of ${COMPILE_VARIANTS} new schemas`, v.compileMedianMs, 'ms');
  note(`in-process; median of ${VALIDATE_ROUNDS} rounds of ${n(VALIDATE_OBJECTS)} distinct objects; 3 CEL rules run per ${KIND}; compiles are of variants with other CEL types (nothing cached), the first one also loads the CEL environment`);
}

// ---- 10,000 workspaces holding the CRD, in a child process ----------------------------------

interface Memory {
  rss: number;
  heap: number;
}

interface WorkspacesResult {
  workspaces: number;
  readyMs: number;
  /** Every CRD create acknowledged, from the first create. */
  crdAckMs: number;
  /** Every CRD Established and its type served by the catalog, from the first create. */
  crdServedMs: number;
  nsRate: number;
  /** One workspace (root), the workspaces, + the CRDs served, + their GraphQL schema. */
  memory: { one: Memory; workspaces: Memory; crds: Memory; graphql: Memory };
  baseShared: boolean;
  apiSets: number;
  crTypes: number;
  graphqlSchemas: number;
  compiledSchemasAdded: number;
  graphqlSchemasAdded: number;
  crdBytes: number;
  warnings: number;
  firstWarning: string | undefined;
}

async function memory(): Promise<Memory> {
  const m = await settledMemory();
  return { rss: m.rss, heap: m.heapUsed };
}

/** Runs in the child process, on a data directory the parent created (and removes). */
async function measureWorkspaces(dataDir: string): Promise<WorkspacesResult> {
  const running = await startServer(dataDir);
  const { server } = running;
  try {
    // The server's own catalog (private: the benchmark checks what it serves, not a copy).
    const catalog = server['catalog'];
    const baseSet = await catalog.forCluster(ROOT_CLUSTER);
    schemaFor(baseSet);
    const one = await memory();

    const clusters: string[] = [];
    const created = await createAndWait(server, {
      total: WORKSPACES,
      window: WINDOW,
      next: flat(ROOT_CLUSTER, WORKSPACES, 'ws-'),
      onReady: (_parent, child) => clusters.push(child),
      progressEvery: PROGRESS_EVERY,
      onProgress: (ready, ms) => progress(`${n(ready)} workspaces Ready after ${(ms / 1000).toFixed(1)} s`),
    });
    let baseShared = true;
    for (const c of clusters) if ((await catalog.forCluster(c)) !== baseSet) baseShared = false;
    await sleep(1_000);
    const workspaces = await memory();

    const compiledBefore = compiledSchemaCount();
    const graphqlBefore = cachedSchemaCount();
    const start = performance.now();
    let next = 0;
    const createCrds = async (): Promise<void> => {
      while (next < clusters.length) {
        const cluster = clusters[next++] as string;
        await server.registry.create({ cluster }, customResourceDefinitions, undefined, gadgetCrd() as KubeObject);
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, createCrds));
    const crdAckMs = performance.now() - start;
    progress(`${n(clusters.length)} CRDs created after ${(crdAckMs / 1000).toFixed(1)} s`);
    let pending = clusters;
    const servesGadgets = (set: ApiSet): boolean => set.find(GROUP, VERSION, PLURAL) !== undefined;
    const served = await pollUntil(
      async () => {
        const left: string[] = [];
        for (const c of pending) if (!servesGadgets(await catalog.forCluster(c))) left.push(c);
        pending = left;
        return left.length === 0;
      },
      20,
      SERVED_TIMEOUT_MS,
    );
    if (!served) throw new Error(`${n(pending.length)} of ${n(clusters.length)} CRDs not served after ${SERVED_TIMEOUT_MS / 1000} s`);
    const crdServedMs = performance.now() - start;
    await sleep(1_000);
    const crds = await memory();

    const sets = new Set<ApiSet>();
    const types = new Set<ResourceType>();
    for (const c of clusters) {
      const set = await catalog.forCluster(c);
      sets.add(set);
      const t = set.find(GROUP, VERSION, PLURAL);
      if (t) types.add(t);
    }
    const schemas = new Set<GraphQLSchema>();
    for (const c of clusters) schemas.add(schemaFor(await catalog.forCluster(c)));
    const graphql = await memory();
    const compiledSchemasAdded = compiledSchemaCount() - compiledBefore;
    const graphqlSchemasAdded = cachedSchemaCount() - graphqlBefore;

    const sample = await server.store.get({ cluster: clusters[0] as string, resource: CRD_RESOURCE, namespace: '', name: `${PLURAL}.${GROUP}` });
    const nsRate = await namespaceCreateRate(server, WORKSPACES, WINDOW);
    return {
      workspaces: clusters.length,
      readyMs: created.ms,
      crdAckMs,
      crdServedMs,
      nsRate,
      memory: { one, workspaces, crds, graphql },
      baseShared,
      apiSets: sets.size,
      crTypes: types.size,
      graphqlSchemas: schemas.size,
      compiledSchemasAdded,
      graphqlSchemasAdded,
      crdBytes: sample ? jsonBytes(sample) : NaN,
      warnings: running.warnings.count,
      firstWarning: running.warnings.first[0],
    };
  } finally {
    await server.stop();
  }
}

function reportWorkspaces(r: WorkspacesResult): void {
  const { one, workspaces, crds, graphql } = r.memory;
  const per = (a: number, b: number): number => (b - a) / r.workspaces / KiB;
  const w = n(r.workspaces);
  figure(`create ${w} workspaces → Ready`, perSecond(r.workspaces, r.readyMs), 'ws/s');
  figure(`registry namespace creates, ${w} (baseline)`, r.nsRate, 'creates/s');
  const ns = { value: r.nsRate, label: 'namespace creates' };
  figure(`${w} CRD creates acknowledged (${WINDOW} in flight)`, perSecond(r.workspaces, r.crdAckMs), 'CRDs/s', ns);
  figure(`${w} CRDs → Established and served`, perSecond(r.workspaces, r.crdServedMs), 'CRDs/s', ns);
  figure(`${w} CRDs → Established and served, total`, r.crdServedMs / 1000, 's');

  const heapBase = { value: per(one.heap, workspaces.heap), label: 'without CRD' };
  const rssBase = { value: per(one.rss, workspaces.rss), label: 'without CRD' };
  figure('JS heap per workspace, without CRD (baseline)', heapBase.value, 'KiB/ws');
  figure('JS heap per workspace, with the CRD served', per(one.heap, crds.heap), 'KiB/ws', heapBase);
  figure('JS heap per workspace added by its CRD', per(workspaces.heap, crds.heap), 'KiB/ws');
  figure('RSS per workspace, without CRD (baseline)', rssBase.value, 'KiB/ws');
  figure('RSS per workspace, with the CRD served', per(one.rss, crds.rss), 'KiB/ws', rssBase);
  figure('RSS per workspace added by its CRD', per(workspaces.rss, crds.rss), 'KiB/ws');
  figure('GraphQL schema of the CRD set, JS heap (once)', (graphql.heap - crds.heap) / MiB, 'MiB');
  note(`RSS after GC: ${formatNumber(one.rss / MiB)} → ${formatNumber(workspaces.rss / MiB)} → ${formatNumber(crds.rss / MiB)} → ${formatNumber(graphql.rss / MiB)} MiB; JS heap ${formatNumber(one.heap / MiB)} → ${formatNumber(workspaces.heap / MiB)} → ${formatNumber(crds.heap / MiB)} → ${formatNumber(graphql.heap / MiB)} MiB`);
  note(`a stored CRD is ${n(r.crdBytes)} B of JSON (with status and managedFields); RSS growth includes SQLite's page cache (up to 64 MiB) filling with them`);
  const ok = (good: boolean): string => (good ? 'ok' : 'NOT SHARED');
  note(`without CRDs every workspace is served the base ApiSet: ${ok(r.baseShared)}`);
  note(`with the CRD: ${n(r.apiSets)} ApiSet object(s) for ${w} workspaces (${ok(r.apiSets === 1)}), ${n(r.crTypes)} ${KIND} ResourceType object(s) (${ok(r.crTypes === 1)}; its strategy holds the compiled schema), compiled schemas added: ${r.compiledSchemasAdded}`);
  note(`GraphQL (schemaFor): ${n(r.graphqlSchemas)} schema object(s) for ${w} workspaces (${ok(r.graphqlSchemas === 1)}), schemas compiled: ${r.graphqlSchemasAdded}`);
  if (r.warnings > 0) note(`the server logged ${n(r.warnings)} warning/error lines, first: ${r.firstWarning}`);
}

export const crdSuite: Suite = {
  name: 'crd',
  title: `custom resource creates vs ConfigMaps (REST, child process), validation cost, ${n(WORKSPACES)} workspaces holding one CRD`,
  async run() {
    reportValidation(validationCost());
    reportCreates(await measureCreates());
    reportWorkspaces(await measureInChild<WorkspacesResult>(import.meta.url, 'CRD workspaces', CHILD_TIMEOUT_MS));
    if (!FULL) note(`${n(100_000)} workspaces and ${n(20_000)} creates with ATOLL_BENCH_FULL=1`);
  },
};

runAsChild(import.meta.url, measureWorkspaces);
