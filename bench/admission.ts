/**
 * Admission (docs/admission.md): what the chain costs a write, and what a policy costs per
 * workspace.
 *
 * - REST creates of ConfigMaps in three workspaces of one in-process server: one without
 *   policies (the baseline), one with 1 and one with 10 ValidatingAdmissionPolicies (each with its
 *   binding, all matching ConfigMap creates, each a distinct passing CEL expression over
 *   `object.data`). Rounds alternate (0, 1, 10, 10, 1, 0, twice) so drift hits all alike;
 *   CREATE_CONCURRENCY requests in flight. One more workspace holds one validating webhook, a
 *   local HTTPS server answering at once (bench/admission-webhook.ts); another holds a
 *   ResourceQuota on ConfigMaps that no create reaches (bench/admission-quota.ts, which also has a
 *   suite of its own: creates into a namespace holding 5,000 counted objects).
 * - the validating policy stage alone, in this process, with 0, 1 and 10 policies (µs per request).
 * - 10,000 workspaces each holding the same policy and binding, in a child process: heap after GC
 *   with the workspaces alone, then with the policy in every one and a ConfigMap created in each
 *   (so every workspace's policy has been looked up and evaluated); the difference per workspace,
 *   and the number of distinct compiled programs (the same expression in every workspace: one).
 *
 * ATOLL_BENCH_FULL=1 runs 20,000 creates per variant; ATOLL_BENCH_ADMISSION_WORKSPACES sets the
 * workspace count (default 10,000).
 */
import type http from 'node:http';
import process from 'node:process';
import { matcher, type AdmissionConfigSource, type ScopedConfig } from '../src/admission/index.js';
import { policyProgramCount, ValidatingPolicyStage } from '../src/admission/policies/index.js';
import { validatingAdmissionPolicies, validatingAdmissionPolicyBindings } from '../src/admission/kinds/policies.js';
import { configMaps, namespaces, type AdmissionRequest, type Registry, type RequestContext, type ResourceType } from '../src/registry/index.js';
import type { AtollServer } from '../src/server/index.js';
import { ROOT_CLUSTER } from '../src/tenancy/index.js';
import { quotaVariant } from './admission-quota.js';
import { localWebhookVariant } from './admission-webhook.js';
import { measureInChild, progress, runAsChild } from './child-measure.js';
import { adminHeaders, settledMemory } from './fixtures.js';
import { drive, expectStatus, mergeLoads, type LoadResult } from './http-load.js';
import { figure, note, reportLoads, type Suite } from './report.js';
import { createAndWait, flat, pollUntil, startServer, withServer } from './workspace-driver.js';

const FULL = process.env.ATOLL_BENCH_FULL === '1';
const CREATES = FULL ? 20_000 : 4_000;
const CREATE_CONCURRENCY = 32;
const WORKSPACES = Number(process.env.ATOLL_BENCH_ADMISSION_WORKSPACES ?? 10_000);
const WINDOW = 512;
const CHILD_TIMEOUT_MS = 15 * 60_000;
const STAGE_WARMUP = 2_000;
const STAGE_REQUESTS = 20_000;
const KiB = 1024;

const VAP = validatingAdmissionPolicies[0] as ResourceType;
const VAPB = validatingAdmissionPolicyBindings[0] as ResourceType;
const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];

/** A workspace's setup for one variant of the create benchmark. */
export interface AdmissionVariant {
  label: string;
  setup(server: AtollServer, cluster: string): Promise<void>;
}

/** Policy `i`: a distinct passing expression, so ten policies are ten programs. */
async function addPolicy(server: AtollServer, cluster: string, i: number, name = `bench-${i}`): Promise<void> {
  const ctx: RequestContext = { cluster };
  await server.registry.create(ctx, VAP, undefined, {
    metadata: { name },
    spec: { matchConstraints: { resourceRules: rules }, validations: [{ expression: `!has(object.data) || size(object.data) < ${100 + i}`, message: 'too many keys' }] },
  });
  await server.registry.create(ctx, VAPB, undefined, { metadata: { name }, spec: { policyName: name, validationActions: ['Deny'] } });
}

const policies = (count: number): AdmissionVariant => ({
  label: `${count} polic${count === 1 ? 'y' : 'ies'}`,
  setup: async (server, cluster) => {
    for (let i = 0; i < count; i++) await addPolicy(server, cluster, i);
  },
});

/** Variants after the baseline (parts C and D add theirs here). */
export const VARIANTS: AdmissionVariant[] = [policies(1), policies(10), localWebhookVariant, quotaVariant];

/** Creates `count` workspaces and returns their logical clusters, in name order, once Ready. */
async function benchWorkspaces(server: AtollServer, count: number): Promise<string[]> {
  const byName = new Map<string, string>();
  await createAndWait(server, { total: count, window: count, next: flat(ROOT_CLUSTER, count, 'adm-bench-'), onReady: (_parent, child, name) => byName.set(name, child) });
  const clusters = Array.from({ length: count }, (_, i) => byName.get(`adm-bench-${i}`) as string);
  // A Ready workspace's default namespace may still be on its way.
  for (const cluster of clusters) {
    const there = await pollUntil(
      () => server.registry.get({ cluster }, namespaces, undefined, 'default').then(() => true, () => false),
      50,
      30_000,
    );
    if (!there) throw new Error(`workspace ${cluster} never got its default namespace`);
  }
  return clusters;
}

async function measureCreates(): Promise<void> {
  await withServer(async ({ server, dataDir }) => {
    const headers = adminHeaders(dataDir);
    const all = [{ label: 'no policies', setup: async () => undefined } as AdmissionVariant, ...VARIANTS];
    const clusters = await benchWorkspaces(server, all.length);
    for (const [i, v] of all.entries()) await v.setup(server, clusters[i] as string);
    const order = [...all.keys(), ...[...all.keys()].reverse()];
    const rounds = [...order, ...order];
    const perRound = Math.ceil(CREATES / (rounds.length / all.length));
    const runs: LoadResult[][] = all.map(() => []);
    let seq = 0;
    for (const [r, v] of [-1, ...rounds].entries()) {
      const index = v < 0 ? 0 : v;
      const path = `/clusters/${clusters[index] as string}/api/v1/namespaces/default/configmaps`;
      let left = v < 0 ? 200 : perRound;
      const result = await drive(
        CREATE_CONCURRENCY,
        () => left-- > 0,
        async (agent: http.Agent) => {
          await expectStatus(agent, server.baseUrl, 'POST', path, 201, { metadata: { name: `cm-${seq++}` }, data: { a: '1', b: '2' } }, headers);
        },
      );
      if (r > 0) runs[index]?.push(result);
    }
    const [base, ...others] = runs.map((rs, i) => ({ label: all[i]?.label ?? '', result: mergeLoads(rs) }));
    if (base) reportLoads('ConfigMap creates', base, ...others);
  });
}

/**
 * The validating policy stage alone, in this process (no HTTP, no store): µs per request with
 * `count` matching policies, over a static configuration source. The HTTP figures above include
 * everything else a create does and vary with the machine's load; this one isolates the policies.
 */
async function stageMicros(count: number): Promise<number> {
  const policyObjects: ScopedConfig[] = [];
  const bindingObjects: ScopedConfig[] = [];
  for (let i = 0; i < count; i++) {
    const name = `p${i}`;
    policyObjects.push({ cluster: 'c', object: { apiVersion: 'v1', kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec: { matchConstraints: { resourceRules: rules }, validations: [{ expression: `!has(object.data) || size(object.data) < ${100 + i}` }] } } });
    bindingObjects.push({ cluster: 'c', object: { apiVersion: 'v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: name, validationActions: ['Deny'] } } });
  }
  const configs: AdmissionConfigSource = {
    configs: (r) => (r === 'validatingadmissionpolicies' ? policyObjects : r === 'validatingadmissionpolicybindings' ? bindingObjects : []),
  };
  // No params, no namespace selector: the registry and the API set are never consulted.
  const stage = new ValidatingPolicyStage({ configs, registry: undefined as unknown as Registry, typesFor: async () => [], matcher: matcher() });
  const request = (): AdmissionRequest => ({
    operation: 'CREATE',
    type: configMaps,
    context: { cluster: 'c', user: { name: 'bench', groups: [] } },
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { a: '1', b: '2' } },
    dryRun: false,
  });
  for (let i = 0; i < STAGE_WARMUP; i++) await stage.admit(request());
  const start = performance.now();
  for (let i = 0; i < STAGE_REQUESTS; i++) await stage.admit(request());
  return ((performance.now() - start) / STAGE_REQUESTS) * 1000;
}

interface HeapResult {
  baseline: number;
  withPolicies: number;
  programs: number;
  ms: number;
}

async function measureWorkspaces(dataDir: string): Promise<HeapResult> {
  const { server } = await startServer(dataDir);
  try {
    const clusters: string[] = [];
    await createAndWait(server, {
      total: WORKSPACES,
      window: WINDOW,
      next: flat(ROOT_CLUSTER, WORKSPACES, 'w'),
      onReady: (_parent, child) => clusters.push(child),
      onProgress: (ready, ms) => progress(`${ready} workspaces Ready in ${(ms / 1000).toFixed(1)} s`),
      progressEvery: 5_000,
    });
    const baseline = (await settledMemory()).heapUsed;
    const start = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < clusters.length) {
        const cluster = clusters[next++] as string;
        await addPolicy(server, cluster, 0, 'small-configmaps');
        await server.registry.create({ cluster }, configMaps, 'default', { metadata: { name: 'probe' }, data: { a: '1' } });
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    const ms = performance.now() - start;
    const withPolicies = (await settledMemory()).heapUsed;
    return { baseline, withPolicies, programs: policyProgramCount(), ms };
  } finally {
    await server.stop();
  }
}

export const admissionSuite: Suite = {
  name: 'admission',
  title: `creates with 0, 1 and 10 validating policies and one local webhook; ${WORKSPACES.toLocaleString('en-US')} workspaces with one policy each`,
  async run() {
    await measureCreates();
    const none = await stageMicros(0);
    figure('validating policy stage alone, 0 policies', none, 'µs/req');
    for (const count of [1, 10]) figure(`validating policy stage alone, ${count} polic${count === 1 ? 'y' : 'ies'}`, await stageMicros(count), 'µs/req');
    const r = await measureInChild<HeapResult>(import.meta.url, 'admission workspaces', CHILD_TIMEOUT_MS);
    figure(`heap, ${WORKSPACES} workspaces without policies`, r.baseline / 2 ** 20, 'MiB');
    figure(`heap per workspace for its policy + binding`, (r.withPolicies - r.baseline) / WORKSPACES / KiB, 'KiB');
    figure(`policy + binding + first create, per workspace`, r.ms / WORKSPACES, 'ms');
    figure('distinct compiled CEL programs', r.programs, 'programs');
    note('the heap figure includes the two stored objects\' share of caches and the ConfigMap each workspace got');
  },
};

runAsChild(import.meta.url, measureWorkspaces);
