/**
 * `npm run cluster` as a real process (the entry point with its `cluster` subcommand, as the
 * package script runs it): three shards and the front proxy as its children, reached through the
 * kubeconfig it writes with kubectl, client-node and graphql-ws, workspaces placed on each shard
 * through the proxy; SIGTERM stops every child, a child that dies takes the cluster down with a
 * non-zero exit, a cluster killed leaves no child behind, and bad flags get a usage error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterChild, textLine, withRole } from '../../src/server/cluster-children.js';
import { parseClusterConfig, shardStore } from '../../src/server/cluster-command.js';
import { requestAtoll, ROOT_DIR, runAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';
import { eventually } from '../support/eventually.js';
import { seeConfigMapAddedOverWs } from '../support/ws-configmaps.js';
import { ferretdbUnavailable, startFerretDB } from '../support/ferretdb.js';
import { freePort } from '../support/free-port.js';
import { haveKubectl, kubectlFor } from '../support/kubectl.js';

const SHARDS = 3;
const SERVING = 'Atoll cluster is serving';

const dirs: string[] = [];
const tmpDir = (name: string): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `atoll-cluster-${name}-`));
  dirs.push(d);
  return d;
};

interface ServingLine {
  url: string;
  kubeconfig: string;
  shards: { name: string; url: string; pid: number }[];
  proxy: { url: string; pid: number };
}

/** The cluster's "serving" line: where it serves, and each child's pid. */
function servingLine(p: AtollProcess): ServingLine {
  const line = p.logs().split('\n').find((l) => l.includes(`"msg":"${SERVING}"`));
  if (!line) throw new Error(`no serving line in:\n${p.logs()}`);
  return JSON.parse(line) as ServingLine;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The lines each child role wrote, as the cluster forwarded them. */
function rolesLogged(p: AtollProcess): Set<string> {
  const roles = new Set<string>();
  for (const line of p.logs().split('\n')) {
    const m = /^\{"role":"([^"]+)"/.exec(line);
    if (m) roles.add(m[1] as string);
  }
  return roles;
}

const startCluster = (args: string[]): Promise<AtollProcess> => startAtoll(['cluster', ...args], { serving: SERVING, timeoutMs: 240_000 });

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe(`npm run cluster -- --shards ${SHARDS}`, () => {
  let cluster: AtollProcess;
  let dataDir = '';

  beforeAll(async () => {
    dataDir = tmpDir('three');
    cluster = await startCluster(['--shards', String(SHARDS), '--port', String(await freePort()), '--data-dir', dataDir]);
  }, 260_000);

  afterAll(async () => {
    await cluster?.stop('SIGKILL');
  });

  it('is the package script: the entry point, built when stale, with the cluster subcommand', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.cluster).toMatch(/^node scripts\/build-if-stale\.mjs && node .*dist\/src\/server\/main\.js cluster$/);
  });

  it('writes <data-dir>/admin.kubeconfig pointing at the proxy, and forwards every child’s logs with its role', () => {
    const line = servingLine(cluster);
    expect(cluster.kubeconfig).toBe(path.join(dataDir, 'admin.kubeconfig'));
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    expect(kc.getCurrentCluster()?.server).toBe(`${line.url}/clusters/root`);
    expect(line.shards.map((s) => s.name)).toEqual(['root', ...Array.from({ length: SHARDS - 1 }, (_, i) => `shard-${i + 1}`)]);
    for (const role of ['cluster', 'proxy', ...line.shards.map((s) => s.name)]) expect(rolesLogged(cluster)).toContain(role);
    // One PKI for the installation, shared by every shard and the proxy: clients trust <data-dir>/pki/ca.crt.
    expect(cluster.ca).toBe(fs.readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8'));
  });

  it('registers every shard in root, listed through the proxy', async () => {
    const r = await requestAtoll(cluster, '/clusters/root/apis/core.kcp.io/v1alpha1/shards', { headers: cluster.headers });
    expect(r.status, r.text).toBe(200);
    const shards = (JSON.parse(r.text) as { items: { metadata: { name: string }; spec: { externalURL: string } }[] }).items;
    expect(shards.map((s) => s.metadata.name).sort()).toEqual(servingLine(cluster).shards.map((s) => s.name).sort());
    for (const s of shards) expect(s.spec.externalURL).toBe(cluster.url);
  });

  it.skipIf(!haveKubectl)('serves kubectl get shards through its kubeconfig (skipped without kubectl)', async () => {
    const k = kubectlFor(cluster.kubeconfig);
    try {
      const names = (await k.ok(['get', 'shards', '-o', 'name'])).trim().split('\n').sort();
      expect(names).toEqual(servingLine(cluster).shards.map((s) => `shard.core.kcp.io/${s.name}`).sort());
    } finally {
      k.cleanup();
    }
  });

  it('serves REST (client-node) and graphql-ws through the proxy', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'via-client-node' }, data: { a: '1' } } });
    expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'via-client-node' })).data).toEqual({ a: '1' });

    await seeConfigMapAddedOverWs({
      url: `${cluster.url.replace(/^http/, 'ws')}/clusters/root/graphql`,
      tls: { ca: cluster.ca },
      authorization: cluster.headers.authorization,
      name: 'via-ws',
      create: () => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'via-ws' } } }).catch(() => undefined),
    });
  });

  it('places workspaces created through the proxy on every shard, each served there and through the proxy', async () => {
    const line = servingLine(cluster);
    const json = { ...cluster.headers, 'content-type': 'application/json' };
    // Each shard's serving certificate comes from the installation's one CA.
    const ca = fs.readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8');
    for (const shard of line.shards) {
      const labelled = await requestAtoll(cluster, `/clusters/root/apis/core.kcp.io/v1alpha1/shards/${shard.name}`, {
        method: 'PATCH',
        headers: { ...cluster.headers, 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { placed: shard.name } } }),
      });
      expect(labelled.status, labelled.text).toBe(200);
      const made = await requestAtoll(cluster, '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ metadata: { name: `on-${shard.name}` }, spec: { location: { selector: { matchLabels: { placed: shard.name } } } } }),
      });
      expect(made.status, made.text).toBe(201);
    }
    const k = kubectlFor(cluster.kubeconfig);
    try {
      for (const shard of line.shards) {
        let ws = { metadata: { annotations: {} as Record<string, string> }, spec: { cluster: '' }, status: { phase: '' } };
        await eventually(async () => {
          ws = JSON.parse((await requestAtoll(cluster, `/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/on-${shard.name}`, { headers: cluster.headers })).text) as typeof ws;
          expect(ws.status.phase).toBe('Ready');
        }, 60_000);
        expect(ws.metadata.annotations['internal.tenancy.kcp.io/shard'] ?? 'root').toBe(shard.name);
        // Its LogicalCluster is on the shard it was placed on, asked directly.
        const lc = await requestAtoll({ url: shard.url, ca }, `/clusters/${ws.spec.cluster}/apis/core.kcp.io/v1alpha1/logicalclusters/cluster`, { headers: cluster.headers });
        expect(lc.status, `${shard.name}: ${lc.text}`).toBe(200);
        if (!haveKubectl) continue;
        const server = `${cluster.url}/clusters/root:on-${shard.name}`;
        // Until the proxy's index has the new path (its watch of the shard).
        await eventually(async () => {
          const r = await k.run(['--server', server, 'create', 'configmap', 'made-by-kubectl', '--from-literal', `shard=${shard.name}`]);
          expect(r.code === 0 || r.stderr.includes('AlreadyExists'), r.stderr).toBe(true);
        }, 30_000);
        expect(await k.ok(['--server', server, 'get', 'configmap', 'made-by-kubectl', '-o', 'jsonpath={.data.shard}'])).toBe(shard.name);
      }
    } finally {
      k.cleanup();
    }
  }, 180_000);

  it('serves client-node and graphql-ws in the workspace placed on every shard, through the proxy', async () => {
    for (const shard of servingLine(cluster).shards) {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(cluster.kubeconfig);
      const current = kc.getCurrentCluster() as k8s.Cluster;
      const server = `${cluster.url}/clusters/root:on-${shard.name}`;
      kc.clusters = kc.clusters.map((c) => (c.name === current.name ? { ...c, server } : c));
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await eventually(async () => {
        await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'via-client-node' }, data: { shard: shard.name } } });
      }, 30_000);
      expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'via-client-node' })).data).toEqual({ shard: shard.name });
      await seeConfigMapAddedOverWs({
        url: `${server.replace(/^http/, 'ws')}/graphql`,
        tls: { ca: cluster.ca },
        authorization: cluster.headers.authorization,
        name: 'via-ws',
        create: () => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'via-ws' } } }).catch(() => undefined),
      });
    }
  }, 120_000);

  // Last: it stops the cluster.
  it('stops every child on SIGTERM, the proxy first and the root shard last, and exits 0', async () => {
    const line = servingLine(cluster);
    const pids = [line.proxy.pid, ...line.shards.map((s) => s.pid)];
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(true);
    const exit = await cluster.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
    // Each child logs its own "signal received" as it begins to stop: in the cluster's order.
    const order = cluster
      .logs()
      .split('\n')
      .filter((l) => l.includes('"msg":"signal received"'))
      .map((l) => (JSON.parse(l) as { role: string }).role);
    expect(order[0]).toBe('proxy');
    expect(order.at(-1)).toBe('root');
    expect(order).toHaveLength(SHARDS + 1);
  }, 120_000);
});

describe('npm run cluster when a child dies', () => {
  it('takes the cluster down with a message and a non-zero exit', async () => {
    const one = await startCluster(['--shards', '1', '--port', '0', '--data-dir', tmpDir('one'), '--plain-http']);
    try {
      const line = servingLine(one);
      expect(line.url).toMatch(/^http:\/\//);
      const root = line.shards[0]?.pid as number;
      process.kill(root, 'SIGKILL');
      // SIGCONT changes nothing: this only waits for the exit the dead child caused.
      const exit = await one.stop('SIGCONT');
      expect(exit.code).toBe(1);
      expect(one.logs()).toContain('root exited (killed by SIGKILL): stopping the cluster');
      expect(alive(line.proxy.pid)).toBe(false);
    } finally {
      await one.stop('SIGKILL');
    }
  }, 120_000);
});

describe.skipIf(ferretdbUnavailable !== undefined)(`npm run cluster --store mongodb://…/NAME${ferretdbUnavailable ? ` (skipped: ${ferretdbUnavailable})` : ''}`, () => {
  it('keeps each shard in its own database, NAME-<shard-name>, and places workspaces on both', async () => {
    const mongo = await startFerretDB();
    let two: AtollProcess | undefined;
    try {
      two = await startCluster(['--shards', '2', '--port', '0', '--data-dir', tmpDir('mongo'), '--plain-http', '--store', mongo.url('tenants')]);
      const json = { ...two.headers, 'content-type': 'application/json' };
      for (const shard of ['root', 'shard-1']) {
        const labelled = await requestAtoll(two, `/clusters/root/apis/core.kcp.io/v1alpha1/shards/${shard}`, {
          method: 'PATCH',
          headers: { ...two.headers, 'content-type': 'application/merge-patch+json' },
          body: JSON.stringify({ metadata: { labels: { placed: shard } } }),
        });
        expect(labelled.status, labelled.text).toBe(200);
        const made = await requestAtoll(two, '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ metadata: { name: `on-${shard}` }, spec: { location: { selector: { matchLabels: { placed: shard } } } } }),
        });
        expect(made.status, made.text).toBe(201);
      }
      for (const shard of ['root', 'shard-1']) {
        await eventually(async () => {
          const r = await requestAtoll(two as AtollProcess, `/clusters/root:on-${shard}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name: 'kept' } }) });
          expect([201, 409], r.text).toContain(r.status);
        }, 60_000);
      }
      const client = new MongoClient(mongo.url('admin'));
      try {
        const names = (await client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
        expect(names).toEqual(expect.arrayContaining(['tenants-root', 'tenants-shard-1']));
        expect(names).not.toContain('tenants');
      } finally {
        await client.close();
      }
      expect((await two.stop('SIGTERM')).code).toBe(0);
    } finally {
      await two?.stop('SIGKILL');
      await mongo.dispose();
    }
  }, 240_000);
});

describe('a child of npm run cluster', () => {
  const node = (script: string): string[] => [process.execPath, '-e', script];

  it('has its lines forwarded with its role, JSON or not', async () => {
    const lines: string[] = [];
    const child = new ClusterChild('shard-7', [], {}, 'up', (l) => lines.push(l), node('console.log(JSON.stringify({ level: 30, msg: "hi" })); console.error("plain text")'));
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual(
      expect.arrayContaining([{ role: 'shard-7', level: 30, msg: 'hi' }, expect.objectContaining({ role: 'shard-7', stream: 'stderr', msg: 'plain text' })]),
    );
    expect(lines.find((l) => l.includes('"hi"'))?.startsWith('{"role":"shard-7",')).toBe(true);
  });

  it('has its lines made readable, role first, with --log-format text', () => {
    const line = textLine(withRole('shard-1', JSON.stringify({ level: 30, time: 0, component: 'atoll', url: 'http://x', msg: 'Atoll is serving' }), 'stdout'));
    expect(line).toMatch(/INFO.*\[shard-1\] Atoll is serving.*"url":"http:\/\/x"/);
    expect(line).not.toContain('"role"');
  });

  it('that logs a fatal line and lingers is reported as failed, not waited for', async () => {
    const child = new ClusterChild('proxy', [], {}, 'up', () => undefined, node('console.log(JSON.stringify({ level: 60, msg: "could not start" })); setInterval(() => {}, 1000)'));
    try {
      await expect(child.untilServing()).rejects.toThrow('proxy failed: could not start');
      expect(await child.fatal).toBe('could not start');
    } finally {
      await child.stop('SIGKILL');
    }
  });

  it('serves once it logs its serving line', async () => {
    const child = new ClusterChild('root', [], {}, 'up', () => undefined, node('console.log(JSON.stringify({ level: 30, url: "http://x", kubeconfig: "/k", msg: "up" })); setTimeout(() => {}, 60000)'));
    try {
      expect(await child.untilServing()).toMatchObject({ url: 'http://x', kubeconfig: '/k' });
      expect(child.url).toBe('http://x');
    } finally {
      expect((await child.stop()).signal).toBe('SIGTERM');
    }
  });
});

describe('npm run cluster killed itself', () => {
  it('leaves no child behind: each sees its standard input end and stops', async () => {
    const one = await startCluster(['--shards', '1', '--port', '0', '--data-dir', tmpDir('killed'), '--plain-http']);
    const line = servingLine(one);
    // The cluster's own process group: its children have theirs, so this reaches the cluster alone.
    expect(await one.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await eventually(() => {
      for (const pid of [line.proxy.pid, ...line.shards.map((s) => s.pid)]) expect(alive(pid), `pid ${pid}`).toBe(false);
    }, 60_000);
  }, 120_000);
});

describe('npm run cluster signalled twice', () => {
  it('kills every child at the second signal and exits 1', async () => {
    const one = await startCluster(['--shards', '1', '--port', '0', '--data-dir', tmpDir('twice'), '--plain-http']);
    const line = servingLine(one);
    const pid = one.child.pid as number;
    // Two different signals: two of one kind sent at once may arrive as one.
    process.kill(pid, 'SIGTERM');
    process.kill(pid, 'SIGINT');
    // SIGCONT changes nothing: this only waits for the exit.
    expect((await one.stop('SIGCONT')).code).toBe(1);
    expect(one.logs()).toContain('second signal: killing every process of the cluster');
    await eventually(() => {
      for (const p of [line.proxy.pid, ...line.shards.map((s) => s.pid)]) expect(alive(p), `pid ${p}`).toBe(false);
    }, 30_000);
  }, 120_000);
});

describe('npm run cluster flags', () => {
  it('refuses bad flags with a usage error and exit code 2', async () => {
    const r = await runAtoll(['cluster', '--shards', '0']);
    expect(r.code).toBe(2);
    expect(r.output).toContain('atoll cluster: invalid number of shards "0": expected 1-64');
    expect(r.output).toContain('Usage: npm run cluster');
  });

  it('says which flag is wrong and how', () => {
    const file = path.join(tmpDir('flags'), 'a-file');
    fs.writeFileSync(file, '');
    for (const [args, message] of [
      [['--shards', '0'], 'invalid number of shards "0": expected 1-64'],
      [['--shards', '65'], 'invalid number of shards "65"'],
      [['--shards', 'two'], 'invalid number of shards "two"'],
      [['--port', '70000'], 'invalid port "70000": expected 0-65535'],
      [['--data-dir', ''], 'the data directory must not be empty'],
      [['--data-dir', file], 'exists and is not a directory'],
      [['--store', 'mongodb://127.0.0.1:27017'], 'a MongoDB URL naming a database'],
      [['--store', `mongodb://127.0.0.1:27017/${'x'.repeat(60)}`], 'is too long'],
      [['--log-format', 'yaml'], 'invalid log format "yaml": expected one of auto, json, text'],
      [['--nope'], "Unknown option '--nope'"],
    ] as const) {
      expect(() => parseClusterConfig([...args], {}, ROOT_DIR), args.join(' ')).toThrow(message);
    }
  });

  it('defaults to two shards on 6443, and gives each shard its own database of --store', () => {
    expect(parseClusterConfig([], {}, '/x')).toEqual({ shards: 2, port: 6443, host: '127.0.0.1', dataDir: '/x/.atoll-cluster', tls: true, logFormat: 'auto' });
    const config = parseClusterConfig(['--store', 'mongodb://a:1,b:2/atoll?replicaSet=rs0'], { ATOLL_SHARDS: '3', ATOLL_PLAIN_HTTP: 'true' }, '/x');
    expect(config).toMatchObject({ shards: 3, tls: false, store: 'mongodb://a:1,b:2/atoll?replicaSet=rs0' });
    expect(shardStore('mongodb://a:1,b:2/atoll?replicaSet=rs0', 'shard-2')).toBe('mongodb://a:1,b:2/atoll-shard-2?replicaSet=rs0');
    expect(shardStore('mongodb+srv://u:p@db.example/atoll', 'root')).toBe('mongodb+srv://u:p@db.example/atoll-root');
  });

  it('prints its usage on --help', async () => {
    const r = await runAtoll(['cluster', '--help']);
    expect(r.code).toBe(0);
    expect(r.output).toContain('Usage: npm run cluster -- [--shards 2]');
  });
});
