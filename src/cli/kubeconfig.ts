/**
 * The current kubeconfig, read as kubectl reads it: `--kubeconfig`, else every file of KUBECONFIG
 * (the first file to set an entry or the current context wins), else ~/.kube/config; `--context`
 * or the current context picks the cluster (server URL, CA, TLS options) and the user (bearer
 * token or token file, client certificate and key, inline or as files relative to the kubeconfig).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { CliError } from './errors.js';

interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

interface UserEntry {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
}

interface ContextEntry {
  cluster?: string;
  user?: string;
}

/** What a request needs from the kubeconfig. */
export interface Connection {
  /** The cluster's server URL, as written (kcp's point at a workspace: `https://host:6443/clusters/root`). */
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
  insecure?: boolean;
  servername?: string;
  /** Where it came from, for error messages. */
  source: string;
}

interface Loaded {
  file: string;
  clusters: Map<string, ClusterEntry>;
  users: Map<string, UserEntry>;
  contexts: Map<string, ContextEntry>;
  current?: string;
}

function entries<T>(list: unknown, key: string): Map<string, T> {
  const out = new Map<string, T>();
  if (!Array.isArray(list)) return out;
  for (const item of list as Record<string, unknown>[]) {
    if (typeof item?.name === 'string' && !out.has(item.name)) out.set(item.name, (item[key] ?? {}) as T);
  }
  return out;
}

function load(file: string): Loaded {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read kubeconfig ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = (parse(text) ?? {}) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`kubeconfig ${file} is not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const current = doc['current-context'];
  return {
    file,
    clusters: entries<ClusterEntry>(doc.clusters, 'cluster'),
    users: entries<UserEntry>(doc.users, 'user'),
    contexts: entries<ContextEntry>(doc.contexts, 'context'),
    current: typeof current === 'string' && current !== '' ? current : undefined,
  };
}

/** The files kubectl would read, in order of precedence. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (flag) return [flag];
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  return list.length > 0 ? list.filter((f) => fs.existsSync(f)) : [path.join(os.homedir(), '.kube', 'config')];
}

function firstIn<T>(files: Loaded[], pick: (l: Loaded) => Map<string, T>, name: string): { value: T; file: string } | undefined {
  for (const l of files) {
    const v = pick(l).get(name);
    if (v !== undefined) return { value: v, file: l.file };
  }
  return undefined;
}

function material(inline: string | undefined, file: string | undefined, base: string, what: string): string | undefined {
  if (inline) return Buffer.from(inline, 'base64').toString('utf8');
  if (!file) return undefined;
  const resolved = path.resolve(path.dirname(base), file);
  try {
    return fs.readFileSync(resolved, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the ${what} ${resolved}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export function resolveConnection(options: { kubeconfig?: string; context?: string }, env: NodeJS.ProcessEnv = process.env): Connection {
  const files = kubeconfigFiles(options.kubeconfig, env);
  if (files.length === 0) throw new CliError('no kubeconfig: none of the files in KUBECONFIG exists; pass --kubeconfig');
  const loaded = files.map(load);
  const source = files.join(path.delimiter);
  const contextName = options.context ?? loaded.find((l) => l.current)?.current;
  if (!contextName) throw new CliError(`${source}: no current-context; pass --context`);
  const context = firstIn(loaded, (l) => l.contexts, contextName);
  if (!context) throw new CliError(`${source}: context "${contextName}" does not exist`);
  const clusterName = context.value.cluster ?? '';
  const cluster = firstIn(loaded, (l) => l.clusters, clusterName);
  if (!cluster?.value.server) throw new CliError(`${source}: context "${contextName}" names cluster "${clusterName}", which has no server`);
  const user = context.value.user ? firstIn(loaded, (l) => l.users, context.value.user) : undefined;
  const c = cluster.value;
  const u = user?.value ?? {};
  for (const plugin of ['exec', 'auth-provider'] as const) {
    if (plugin in u) throw new CliError(`${source}: user "${context.value.user}" authenticates with ${plugin}, which atoll does not run; use a token or a client certificate`);
  }
  const conn: Connection = { server: c.server as string, source };
  const ca = material(c['certificate-authority-data'], c['certificate-authority'], cluster.file, 'certificate authority');
  if (ca) conn.ca = ca;
  if (c['insecure-skip-tls-verify']) conn.insecure = true;
  if (c['tls-server-name']) conn.servername = c['tls-server-name'];
  const userFile = user?.file ?? cluster.file;
  const cert = material(u['client-certificate-data'], u['client-certificate'], userFile, 'client certificate');
  const key = material(u['client-key-data'], u['client-key'], userFile, 'client key');
  if (cert) conn.cert = cert;
  if (key) conn.key = key;
  const token = u.token ?? material(undefined, u.tokenFile, userFile, 'token file')?.trim();
  if (token) conn.token = token;
  return conn;
}

/**
 * The URL of a workspace on the kubeconfig's server, as `kubectl ws` makes it: the server's
 * `/clusters/<path>` replaced (or added) — `root:provider` → `https://host:6443/clusters/root:provider`.
 */
export function workspaceUrl(server: string, workspace: string | undefined): string {
  const url = new URL(server);
  const base = url.pathname.replace(/\/clusters\/[^/]+\/?$/, '').replace(/\/+$/, '');
  if (workspace === undefined) {
    if (!/\/clusters\/[^/]+\/?$/.test(url.pathname)) throw new CliError(`the server ${server} names no workspace (/clusters/<path>); pass --workspace`);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(:[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(workspace)) {
    throw new CliError(`--workspace ${JSON.stringify(workspace)} is not a workspace path such as root:provider`);
  }
  return `${url.origin}${base}/clusters/${workspace}`;
}
