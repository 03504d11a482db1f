/**
 * What authentication and RBAC cost a read (the auth issue's aim: at most 10 %): GET of one
 * ConfigMap over REST and the same object through GraphQL, as in the REST and GraphQL suites (32
 * keep-alive requests in flight), against two Atoll children on fresh data directories, both up
 * for the whole suite:
 *
 * - off: `--authorization-mode AlwaysAllow --anonymous-auth`, requests without credentials;
 * - on: RBAC and `--token-auth-file`, requests as an ordinary user (not an admin: masters skip
 *   RBAC) who enters root through a ClusterRoleBinding to `system:kcp:workspace:access` and reads
 *   through a RoleBinding to ClusterRole `view` in `default`; root also holds unrelated Roles,
 *   RoleBindings, ClusterRoles and ClusterRoleBindings, so RBAC has bindings to look through;
 * - on, ServiceAccount: the same server, a token from the TokenRequest API
 *   (`serviceaccounts/<name>/token`) of a ServiceAccount bound to `view` in `default`; skipped,
 *   saying so, when that endpoint does not issue one.
 *
 * Both servers get the same objects, created over REST as the admin before anything is measured.
 * The cases take turns in rounds (A B C C B A, twice) so that drift and other work on the shared
 * machine hit each alike; each case's rounds are merged. Besides req/s and latency, the server's
 * CPU time per request (from /proc), which the load generator and other processes sharing the
 * cores move less than throughput.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { RBAC_GROUP, WORKSPACE_ACCESS_ROLE } from '../src/auth/index.js';
import { ATOLL_MAIN, ATOLL_READY_MSG, atollArgs, warningLines, withChild, type ChildServer } from './child-server.js';
import { adminHeaders, bearer, postableConfigMap, withTempDir } from './fixtures.js';
import { cpuMark, cpuSince, pct } from './graphql-cpu.js';
import { GRAPHQL } from './graphql-fanout.js';
import { graphqlOptions } from './graphql.js';
import { expectStatus, load, mergeLoads, request, type HttpResult, type LoadOptions, type LoadResult } from './http-load.js';
import { figure, note, reportLoads, type Suite } from './report.js';
import { CONCURRENCY, GET_NAME, GET_PATH, WARMUP_MS } from './rest-api.js';
import { pollUntil } from './workspace-driver.js';

const ROUND_MS = 2_000;
/** Each cycle runs every case twice, in mirrored order. */
const CYCLES = 2;
const TARGET = 0.1;
const API = '/clusters/root/api/v1';
const RBAC_API = `/clusters/root/apis/${RBAC_GROUP}/v1`;
const USER = 'bench-reader';
const SERVICE_ACCOUNT = 'bench-reader';
/** Where the reader holds nothing: a read there must be refused, or RBAC is not in the way. */
const OTHER_NAMESPACE = 'bench-other';
/** Unrelated Roles and RoleBindings in `default`, and ClusterRoles and ClusterRoleBindings. */
const FILLER = 40;
const FILLER_CLUSTER = 10;
const READY_TIMEOUT_MS = 10_000;
const GQL_QUERY = (namespace: string): string => `{ v1 { ConfigMap(namespace: "${namespace}", name: "${GET_NAME}") { metadata { name } data } } }`;

type Headers = http.OutgoingHttpHeaders;
type Subject = { kind: 'User' | 'Group'; apiGroup: string; name: string } | { kind: 'ServiceAccount'; name: string; namespace: string };

const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
const rbac = (kind: string, metadata: object, rest: object): object => ({ apiVersion: `${RBAC_GROUP}/v1`, kind, metadata, ...rest });
const roleRef = (kind: 'Role' | 'ClusterRole', name: string): object => ({ roleRef: { apiGroup: RBAC_GROUP, kind, name } });

/** The same objects in either server: the ConfigMap read, the reader's bindings, the filler. */
async function seed(url: string, admin: Headers): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const post = (p: string, body: object): Promise<HttpResult> => expectStatus(agent, url, 'POST', p, 201, body, admin);
  const reader = [user(USER), { kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: 'default' } satisfies Subject];
  try {
    await post(`${API}/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OTHER_NAMESPACE } });
    await Promise.all([
      post(`${API}/namespaces/default/configmaps`, postableConfigMap('default', GET_NAME, 0)),
      post(`${API}/namespaces/${OTHER_NAMESPACE}/configmaps`, postableConfigMap(OTHER_NAMESPACE, GET_NAME, 0)),
      post(`${API}/namespaces/default/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SERVICE_ACCOUNT } }),
      post(`${RBAC_API}/clusterrolebindings`, rbac('ClusterRoleBinding', { name: `${USER}-access` }, { ...roleRef('ClusterRole', WORKSPACE_ACCESS_ROLE), subjects: reader })),
      post(`${RBAC_API}/namespaces/default/rolebindings`, rbac('RoleBinding', { name: `${USER}-view` }, { ...roleRef('ClusterRole', 'view'), subjects: reader })),
    ]);
    const filler: Promise<HttpResult>[] = [];
    for (let i = 0; i < FILLER; i++) {
      const rules = [{ apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'update'], resourceNames: [`app-${i}`] }];
      filler.push(post(`${RBAC_API}/namespaces/default/roles`, rbac('Role', { name: `filler-${i}` }, { rules })));
      const subjects = [user(`someone-${i}`), group(`team-${i}`)];
      filler.push(post(`${RBAC_API}/namespaces/default/rolebindings`, rbac('RoleBinding', { name: `filler-${i}` }, { ...roleRef('Role', `filler-${i}`), subjects })));
    }
    for (let i = 0; i < FILLER_CLUSTER; i++) {
      const rules = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }];
      filler.push(post(`${RBAC_API}/clusterroles`, rbac('ClusterRole', { name: `filler-${i}` }, { rules })));
      filler.push(post(`${RBAC_API}/clusterrolebindings`, rbac('ClusterRoleBinding', { name: `filler-${i}` }, { ...roleRef('ClusterRole', `filler-${i}`), subjects: [group(`org-${i}`)] })));
    }
    await Promise.all(filler);
  } finally {
    agent.destroy();
  }
}

/** A token from the TokenRequest API, or why there is none. */
async function serviceAccountToken(url: string, admin: Headers): Promise<{ token: string } | { why: string }> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } };
    const res = await request(agent, url, 'POST', `${API}/namespaces/default/serviceaccounts/${SERVICE_ACCOUNT}/token`, body, admin);
    if (res.status !== 201 && res.status !== 200) return { why: `POST serviceaccounts/${SERVICE_ACCOUNT}/token answered ${res.status}` };
    const token = (JSON.parse(res.body.toString('utf8')) as { status?: { token?: unknown } }).status?.token;
    return typeof token === 'string' ? { token } : { why: 'the TokenRequest answer holds no status.token' };
  } finally {
    agent.destroy();
  }
}

interface Case {
  label: string;
  server: ChildServer;
  headers: Headers;
}

interface Kind {
  what: string;
  path: string;
  options(headers: Headers): LoadOptions;
}

const KINDS: readonly Kind[] = [
  { what: 'REST GET 1 ConfigMap', path: GET_PATH, options: (headers) => ({ headers }) },
  { what: 'GraphQL GET 1 ConfigMap', path: GRAPHQL, options: (headers) => graphqlOptions(GQL_QUERY('default'), headers) },
];

/** What the RBAC server answers to requests that must not get through; throws when one does over REST. */
async function checkEnforced(on: ChildServer, reader: Headers): Promise<{ graphqlAnonymous: string; graphqlOtherNamespace: string }> {
  const agent = new http.Agent({ keepAlive: false });
  const otherPath = `${API}/namespaces/${OTHER_NAMESPACE}/configmaps/${GET_NAME}`;
  try {
    // The reader's bindings reach the server's RBAC index through a watch: wait for them.
    const ready = await pollUntil(async () => (await request(agent, on.url, 'GET', GET_PATH, undefined, reader)).status === 200, 20, READY_TIMEOUT_MS);
    if (!ready) throw new Error(`the reader cannot GET ${GET_PATH} after ${READY_TIMEOUT_MS} ms`);
    await expectStatus(agent, on.url, 'GET', GET_PATH, 401);
    await expectStatus(agent, on.url, 'GET', otherPath, 403, undefined, reader);
    const outcome = async (namespace: string, headers?: Headers): Promise<string> => {
      const res = await request(agent, on.url, 'POST', GRAPHQL, { query: GQL_QUERY(namespace) }, headers);
      if (res.status !== 200) return `${res.status}`;
      const reply = JSON.parse(res.body.toString('utf8')) as { data?: { v1?: { ConfigMap?: unknown } } | null; errors?: { message?: string }[] };
      if (reply.errors?.length) return `200 with errors (${reply.errors[0]?.message?.slice(0, 120)})`;
      return reply.data?.v1?.ConfigMap ? '200 with the object: NOT enforced' : '200 without the object';
    };
    return { graphqlAnonymous: await outcome('default'), graphqlOtherNamespace: await outcome(OTHER_NAMESPACE, reader) };
  } finally {
    agent.destroy();
  }
}

interface Measured {
  result: LoadResult;
  /** Server CPU seconds per request. */
  serverCpuPerRequest: number;
  /** Average over the case's rounds, one core = 1. */
  serverCpu: number;
  benchCpu: number;
  machineCpu: number;
}

/** Warm-up of every case, then CYCLES of mirrored rounds; each case's rounds merged. */
async function measureKind(kind: Kind, cases: readonly Case[]): Promise<Measured[]> {
  for (const c of cases) await load(c.server.url, kind.path, CONCURRENCY, WARMUP_MS, kind.options(c.headers));
  const rounds = cases.map(() => ({ loads: [] as LoadResult[], seconds: 0, server: 0, bench: 0, machine: 0 }));
  const order = [...cases.keys(), ...[...cases.keys()].reverse()];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    for (const i of order) {
      const c = cases[i] as Case;
      const r = rounds[i] as (typeof rounds)[number];
      const mark = cpuMark(c.server.pid);
      const start = performance.now();
      r.loads.push(await load(c.server.url, kind.path, CONCURRENCY, ROUND_MS, kind.options(c.headers)));
      const use = cpuSince(mark, c.server.pid);
      const seconds = (performance.now() - start) / 1000;
      r.seconds += seconds;
      r.server += use.serverCpu * seconds;
      r.bench += use.benchCpu * seconds;
      r.machine += use.machineCpu * seconds;
    }
  }
  return rounds.map((r) => {
    const result = mergeLoads(r.loads);
    return { result, serverCpuPerRequest: r.server / result.count, serverCpu: r.server / r.seconds, benchCpu: r.bench / r.seconds, machineCpu: r.machine / r.seconds };
  });
}

function reportKind(kind: Kind, cases: readonly Case[], measured: readonly Measured[]): void {
  const named = measured.map((m, i) => ({ label: (cases[i] as Case).label, result: m.result }));
  const [off, ...on] = named;
  const [offCpu, ...onCpu] = measured;
  if (!off || !offCpu) return;
  reportLoads(kind.what, off, ...on);
  const perRequest = (m: Measured): number => m.serverCpuPerRequest * 1e6;
  figure(`${kind.what}, ${off.label} server CPU/request`, perRequest(offCpu), 'µs');
  onCpu.forEach((m, i) => figure(`${kind.what}, ${on[i]?.label} server CPU/request`, perRequest(m), 'µs', { value: perRequest(offCpu), label: off.label }));
  on.forEach((o, i) => {
    const throughputCost = 1 - o.result.perSecond / off.result.perSecond;
    const cpuCost = (onCpu[i] as Measured).serverCpuPerRequest / offCpu.serverCpuPerRequest - 1;
    // Judged by CPU per request: req/s also moves with whatever else has the cores at the time.
    const verdict = cpuCost <= TARGET ? 'met' : 'NOT met';
    note(`${kind.what}, ${o.label}: req/s ${signed(-throughputCost)}, server CPU/request ${signed(cpuCost)} vs ${off.label}; target cost <= ${TARGET * 100} % (server CPU/request): ${verdict}`);
  });
  note(
    `${kind.what}, CPU (100 % = one core) server / bench / machine: ` +
      measured.map((m, i) => `${(cases[i] as Case).label} ${pct(m.serverCpu)} / ${pct(m.benchCpu)} / ${pct(m.machineCpu)}`).join(', '),
  );
}

const signed = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

export const authSuite: Suite = {
  name: 'auth',
  title: `REST and GraphQL GET req/s at ${CONCURRENCY} in flight with authentication and RBAC on vs off (two child processes, same run)`,
  async run() {
    await withTempDir(async (tmp) => {
      const offDir = path.join(tmp, 'off');
      const onDir = path.join(tmp, 'on');
      const tokenFile = path.join(tmp, 'tokens.csv');
      const userToken = randomBytes(32).toString('base64url');
      fs.writeFileSync(tokenFile, `${userToken},${USER},${USER}-uid,"bench:readers"\n`, { mode: 0o600 });
      const offArgs = atollArgs(offDir, ['--authorization-mode', 'AlwaysAllow', '--anonymous-auth']);
      const onArgs = atollArgs(onDir, ['--token-auth-file', tokenFile]);
      await withChild(ATOLL_MAIN, offArgs, ATOLL_READY_MSG, (off) =>
        withChild(ATOLL_MAIN, onArgs, ATOLL_READY_MSG, async (on) => {
          await seed(off.url, adminHeaders(offDir));
          await seed(on.url, adminHeaders(onDir));
          const reader = bearer(userToken);
          const enforced = await checkEnforced(on, reader);
          const cases: Case[] = [
            { label: 'auth off', server: off, headers: {} },
            { label: 'RBAC user', server: on, headers: reader },
          ];
          const sa = await serviceAccountToken(on.url, adminHeaders(onDir));
          if ('token' in sa) cases.push({ label: 'RBAC SA', server: on, headers: bearer(sa.token) });
          // Every case reads the object once before it is measured: a refusal fails here, not mid-load.
          const agent = new http.Agent({ keepAlive: false });
          try {
            for (const c of cases) {
              await expectStatus(agent, c.server.url, 'GET', GET_PATH, 200, undefined, c.headers);
              const res = await expectStatus(agent, c.server.url, 'POST', GRAPHQL, 200, { query: GQL_QUERY('default') }, c.headers);
              if (!res.body.includes(`"name":"${GET_NAME}"`) || res.body.includes('"errors"')) throw new Error(`${c.label}: unexpected GraphQL reply ${res.body.toString('utf8', 0, 500)}`);
            }
          } finally {
            agent.destroy();
          }

          for (const kind of KINDS) reportKind(kind, cases, await measureKind(kind, cases));

          note(`off: --authorization-mode AlwaysAllow --anonymous-auth, no credentials; on: RBAC, bearer token of user ${USER} from --token-auth-file (workspace access and view in default through bindings)`);
          note(`root holds ${FILLER} unrelated Roles and RoleBindings in default and ${FILLER_CLUSTER} ClusterRoles and ClusterRoleBindings, in both servers`);
          if ('why' in sa) note(`ServiceAccount case SKIPPED: ${sa.why}`);
          else note(`SA: a TokenRequest token of ServiceAccount default/${SERVICE_ACCOUNT} (a signed JWT; verified once, then served from the 10 s token cache), bound to view in default`);
          note(`on the RBAC server: REST without credentials 401, the reader in ${OTHER_NAMESPACE} 403 (checked); GraphQL without credentials: ${enforced.graphqlAnonymous}; the reader in ${OTHER_NAMESPACE}: ${enforced.graphqlOtherNamespace}`);
          note(`${CONCURRENCY} keep-alive requests in flight; ${WARMUP_MS / 1000} s warm-up per case, then ${CYCLES * 2} rounds of ${ROUND_MS / 1000} s per case, alternating (${cases.map((c) => c.label).join(', ')}, then back)`);
          note(`${os.availableParallelism()} CPUs shared by the load generator and both servers (the idle one uses next to nothing)`);
          for (const [label, server] of [['off', off], ['on', on]] as const) {
            const warnings = warningLines(server.output());
            if (warnings.length > 0) note(`the ${label} server logged ${warnings.length} warning/error lines, first: ${warnings[0]?.slice(0, 300)}`);
          }
        }),
      );
    });
  },
};
