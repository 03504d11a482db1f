/**
 * The kubeconfig, read as kubectl reads it — the one loader of the SDK and the `atoll` CLI: a
 * given file, else every file of KUBECONFIG (the first file to set an entry or the current
 * context wins; missing files are skipped), else ~/.kube/config. The named or current context
 * picks the cluster (server URL, CA, `insecure-skip-tls-verify`, `tls-server-name`) and the user
 * (bearer token or token file, client certificate and key, inline or as files relative to the
 * kubeconfig that names them). Exec plugins and auth providers are refused with a clear error
 * rather than ignored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/** Where and how to connect: what the HTTP transport needs. */
export interface Connection {
  /** The server URL of the context's cluster, without a trailing slash (may carry a path such as `/clusters/root`). */
  server: string;
  /** PEM of the CA that signs the server's certificate, when the kubeconfig names one. */
  ca?: string;
  token?: string;
  clientCertificate?: string;
  clientKey?: string;
  insecureSkipTlsVerify?: boolean;
  /** The name to check the server's certificate against, when not the URL's host (`tls-server-name`). */
  servername?: string;
}

export interface KubeconfigOptions {
  /** One kubeconfig file (kubectl's `--kubeconfig`); default: KUBECONFIG's files, else ~/.kube/config. */
  file?: string;
  /** The context to use; default: the current context. */
  context?: string;
  /** The environment to read KUBECONFIG from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

type Entry = Record<string, unknown>;

interface Loaded {
  /** For relative file references and error messages. */
  file: string;
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  current?: string;
}

/** The files kubectl would read, in order of precedence (missing KUBECONFIG entries skipped). */
export function kubeconfigFiles(file?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (file) return [file];
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  return list.length > 0 ? list.filter((f) => fs.existsSync(f)) : [path.join(os.homedir(), '.kube', 'config')];
}

/** The first kubeconfig file kubectl would read. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return kubeconfigFiles(undefined, env)[0] ?? path.join(os.homedir(), '.kube', 'config');
}

/** Reads the kubeconfig as kubectl would and returns the connection of the context. */
export function loadKubeconfig(options: KubeconfigOptions = {}): Connection {
  const files = kubeconfigFiles(options.file, options.env);
  if (files.length === 0) throw new Error('no kubeconfig: none of the files in KUBECONFIG exists');
  return resolve(files.map((file) => parseKubeconfig(readKubeconfig(file), file)), options.context);
}

/** The connection of a kubeconfig's context, from its YAML text; relative file references resolve against `file`'s folder. */
export function connectionFromKubeconfig(text: string, options: { file?: string; context?: string } = {}): Connection {
  return resolve([parseKubeconfig(text, options.file ?? 'kubeconfig')], options.context);
}

function readKubeconfig(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

function parseKubeconfig(text: string, file: string): Loaded {
  let doc: Entry;
  try {
    doc = (parse(text) ?? {}) as Entry;
  } catch (err) {
    throw new Error(`kubeconfig ${file} is not YAML: ${(err as Error).message.split('\n')[0] ?? ''}`, { cause: err });
  }
  const current = str(doc['current-context']);
  return {
    file,
    clusters: entries(doc.clusters, 'cluster'),
    users: entries(doc.users, 'user'),
    contexts: entries(doc.contexts, 'context'),
    ...(current ? { current } : {}),
  };
}

/** A kubeconfig list by name; the first entry of a name wins, as in kubectl. */
function entries(list: unknown, key: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  if (!Array.isArray(list)) return out;
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { name, [key]: value } = item as Entry;
    if (typeof name === 'string' && !out.has(name)) out.set(name, typeof value === 'object' && value !== null ? (value as Entry) : {});
  }
  return out;
}

function firstIn(files: Loaded[], pick: (l: Loaded) => Map<string, Entry>, name: string): { value: Entry; file: string } | undefined {
  for (const l of files) {
    const value = pick(l).get(name);
    if (value !== undefined) return { value, file: l.file };
  }
  return undefined;
}

function resolve(loaded: Loaded[], context: string | undefined): Connection {
  const source = loaded.map((l) => l.file).join(path.delimiter);
  const contextName = context ?? loaded.find((l) => l.current)?.current;
  if (!contextName) throw new Error(`${source}: no context given and no current-context set`);
  const ctx = firstIn(loaded, (l) => l.contexts, contextName);
  if (!ctx) throw new Error(`${source}: no context named ${contextName}`);
  const clusterName = str(ctx.value.cluster) ?? '';
  const cluster = firstIn(loaded, (l) => l.clusters, clusterName);
  const server = cluster && str(cluster.value.server);
  if (!cluster || !server) throw new Error(`${source}: context ${contextName} names cluster "${clusterName}", which has no server`);
  const c = cluster.value;
  const conn: Connection = { server: server.replace(/\/+$/, '') };
  const ca = material(c, 'certificate-authority', cluster.file, 'certificate authority');
  if (ca) conn.ca = ca;
  if (c['insecure-skip-tls-verify'] === true) conn.insecureSkipTlsVerify = true;
  const servername = str(c['tls-server-name']);
  if (servername) conn.servername = servername;
  const userName = str(ctx.value.user);
  if (!userName) return conn;
  const user = firstIn(loaded, (l) => l.users, userName);
  if (!user) throw new Error(`${source}: no user named ${userName}`);
  const u = user.value;
  for (const plugin of ['exec', 'auth-provider'] as const) {
    if (plugin in u) throw new Error(`${source}: user ${userName} authenticates with an ${plugin === 'exec' ? 'exec plugin' : 'auth provider'}, which is not run here; use a token or a client certificate`);
  }
  const token = str(u.token) ?? material(u, 'tokenFile', user.file, 'token file', false)?.trim();
  if (token) conn.token = token;
  const cert = material(u, 'client-certificate', user.file, 'client certificate');
  const key = material(u, 'client-key', user.file, 'client key');
  if (cert && key) {
    conn.clientCertificate = cert;
    conn.clientKey = key;
  }
  return conn;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** `<key>-data` (base64, when `inline`) or `<key>` (a file relative to the kubeconfig naming it), as text. */
function material(entry: Entry, key: string, base: string, what: string, inline = true): string | undefined {
  const data = inline ? str(entry[`${key}-data`]) : undefined;
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(entry[key]);
  if (!file) return undefined;
  const resolved = path.resolve(path.dirname(path.resolve(base)), file);
  try {
    return fs.readFileSync(resolved, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the ${what} ${resolved}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}
