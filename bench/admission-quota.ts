/**
 * Create throughput with a quota (issue 20): ConfigMap creates over REST, 32 in flight, into a
 * namespace without quotas and into one with a ResourceQuota on `count/configmaps` (never reached),
 * in alternating rounds so both see the same machine; the ratio is the quota stage's cost (per
 * create: a lock, one count of the namespace's ConfigMaps in the store, reads of the creates in
 * flight). A third figure creates into a namespace already holding 5,000 counted ConfigMaps: the
 * count is taken once and then kept from the watch.
 *
 * `quotaVariant` is the same quota as a variant of the admission suite (bench/admission.ts).
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { resourceQuotas, SYSTEM_USER } from '../src/registry/index.js';
import type { AtollServer } from '../src/server/index.js';
import type { AdmissionVariant } from './admission.js';
import { ATOLL_MAIN, ATOLL_READY_MSG, atollArgs, warningLines, withChild } from './child-server.js';
import { adminHeaders, postableConfigMap, withTempDir } from './fixtures.js';
import { drive, expectStatus, mergeLoads, type LoadResult } from './http-load.js';
import { note, reportLoads, type Suite } from './report.js';

const CONCURRENCY = 32;
const ROUNDS = 4;
const PER_ROUND = 1_000;
const PRESEEDED = 5_000;
const API = '/clusters/root/api/v1';
/** Limits no create of a benchmark reaches: every create is counted, none refused. */
const HARD = { 'count/configmaps': '1000000', 'count/secrets': '1000' };

/** A ResourceQuota on ConfigMaps in the workspace's `default` namespace, in force once its status is filled. */
export const quotaVariant: AdmissionVariant = {
  label: 'a ResourceQuota',
  async setup(server: AtollServer, cluster: string) {
    const ctx = { cluster, user: SYSTEM_USER };
    await server.registry.create(ctx, resourceQuotas, 'default', { metadata: { name: 'objects' }, spec: { hard: HARD } });
    for (let i = 0; i < 600; i++) {
      const q = await server.registry.get(ctx, resourceQuotas, 'default', 'objects');
      if ((q.status as { hard?: unknown } | undefined)?.hard) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the quota of ${cluster} never got its status`);
  },
};

async function setUp(url: string, headers: http.OutgoingHttpHeaders): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    for (const ns of ['plain', 'quota', 'full']) {
      await expectStatus(agent, url, 'POST', `${API}/namespaces`, 201, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, headers);
    }
    for (const ns of ['quota', 'full']) {
      const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'objects' }, spec: { hard: HARD } };
      await expectStatus(agent, url, 'POST', `${API}/namespaces/${ns}/resourcequotas`, 201, quota, headers);
    }
  } finally {
    agent.destroy();
  }
  await creates(url, headers, 'full', 'seed', PRESEEDED);
}

/** `count` ConfigMap creates into `ns` with CONCURRENCY in flight; each must answer 201. */
function creates(url: string, headers: http.OutgoingHttpHeaders, ns: string, prefix: string, count: number): Promise<LoadResult> {
  let next = 0;
  return drive(CONCURRENCY, () => next < count, async (agent) => {
    const i = next++;
    await expectStatus(agent, url, 'POST', `${API}/namespaces/${ns}/configmaps`, 201, postableConfigMap(ns, `${prefix}-${i}`, i), headers);
  });
}

export const admissionQuota: Suite = {
  name: 'admission-quota',
  title: `ConfigMap creates/s at ${CONCURRENCY} in flight, without and with a ResourceQuota (child process)`,
  async run() {
    await withTempDir(async (tmp) => {
      const dataDir = path.join(tmp, 'data');
      const { plain, quota, full, logWarnings } = await withChild(ATOLL_MAIN, atollArgs(dataDir), ATOLL_READY_MSG, async (server) => {
        const headers = adminHeaders(dataDir);
        await setUp(server.url, headers);
        // Warm-up, then alternating measured rounds.
        await creates(server.url, headers, 'plain', 'warm', PER_ROUND);
        const runs = { plain: [] as LoadResult[], quota: [] as LoadResult[], full: [] as LoadResult[] };
        for (let r = 0; r < ROUNDS; r++) {
          runs.plain.push(await creates(server.url, headers, 'plain', `r${r}`, PER_ROUND));
          runs.quota.push(await creates(server.url, headers, 'quota', `r${r}`, PER_ROUND));
          runs.full.push(await creates(server.url, headers, 'full', `r${r}`, PER_ROUND));
        }
        return { plain: mergeLoads(runs.plain), quota: mergeLoads(runs.quota), full: mergeLoads(runs.full), logWarnings: warningLines(server.output()) };
      });
      reportLoads(
        'POST ConfigMap',
        { label: 'no quota', result: plain },
        { label: 'with a quota', result: quota },
        { label: `with a quota, ${PRESEEDED}+ counted`, result: full },
      );
      note(`${ROUNDS} alternating rounds of ${PER_ROUND} creates per namespace after ${PER_ROUND} warm-up creates; every response checked for 201`);
      note(`the quota namespaces hold a ResourceQuota (count/configmaps: 1000000, count/secrets: 1000) that no create reaches; each create is counted against it`);
      note(`${os.availableParallelism()} CPUs shared by the load generator and the server under test`);
      if (logWarnings.length > 0) note(`Atoll logged ${logWarnings.length} warning/error lines, first: ${logWarnings[0]?.slice(0, 300)}`);
    });
  },
};
