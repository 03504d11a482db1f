/**
 * A small kubeconfig loader: the parts a controller needs to reach a server as kubectl would —
 * the current (or a named) context's server URL, CA, bearer token or client certificate, and
 * `insecure-skip-tls-verify`. Files are read from `$KUBECONFIG` (first entry), else
 * `~/.kube/config`, unless a path is given. Exec plugins and auth providers are not supported:
 * they are refused with a clear error rather than ignored.
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
}

interface Named<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}
type Entry = Record<string, unknown>;
interface KubeconfigFile {
  clusters?: Named<Entry>[];
  users?: Named<Entry>[];
  contexts?: Named<Entry>[];
  'current-context'?: string;
}

/** The kubeconfig file kubectl would read. */
export function defaultKubeconfigPath(): string {
  const env = process.env.KUBECONFIG?.split(path.delimiter).find((p) => p.length > 0);
  return env ?? path.join(os.homedir(), '.kube', 'config');
}

/** Reads `file` (default: as kubectl) and returns the connection of `context` (default: the current one). */
export function loadKubeconfig(options: { file?: string; context?: string } = {}): Connection {
  const file = options.file ?? defaultKubeconfigPath();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${file}: ${(err as Error).message}`, { cause: err });
  }
  return connectionFromKubeconfig(text, { ...options, file });
}

/** The connection of a kubeconfig's context, from its YAML text; relative file references resolve against `file`'s folder. */
export function connectionFromKubeconfig(text: string, options: { file?: string; context?: string } = {}): Connection {
  const where = options.file ?? 'kubeconfig';
  const config = (parse(text) ?? {}) as KubeconfigFile;
  const contextName = options.context ?? config['current-context'];
  if (!contextName) throw new Error(`${where}: no context given and no current-context set`);
  const context = find(config.contexts, contextName, 'context', where);
  const clusterName = str(context.cluster);
  const userName = str(context.user);
  if (!clusterName) throw new Error(`${where}: context ${contextName} names no cluster`);
  const cluster = find(config.clusters, clusterName, 'cluster', where);
  const server = str(cluster.server);
  if (!server) throw new Error(`${where}: cluster ${clusterName} has no server`);
  const dir = path.dirname(path.resolve(options.file ?? '.'));
  const conn: Connection = { server: server.replace(/\/+$/, '') };
  const ca = material(cluster, 'certificate-authority', dir);
  if (ca) conn.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) conn.insecureSkipTlsVerify = true;
  if (userName) {
    const user = find(config.users, userName, 'user', where);
    if (user.exec || user['auth-provider']) throw new Error(`${where}: user ${userName} uses an exec plugin or auth provider, which this loader does not run; use a token or client certificate`);
    const token = str(user.token) ?? (str(user.tokenFile) ? fs.readFileSync(path.resolve(dir, str(user.tokenFile) as string), 'utf8').trim() : undefined);
    if (token) conn.token = token;
    const cert = material(user, 'client-certificate', dir);
    const key = material(user, 'client-key', dir);
    if (cert && key) {
      conn.clientCertificate = cert;
      conn.clientKey = key;
    }
  }
  return conn;
}

function find(list: Named<Entry>[] | undefined, name: string, kind: 'cluster' | 'user' | 'context', where: string): Entry {
  const hit = list?.find((e) => e.name === name)?.[kind];
  if (!hit) throw new Error(`${where}: no ${kind} named ${name}`);
  return hit;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** `<key>-data` (base64) or `<key>` (a file path), as PEM text. */
function material(entry: Entry, key: string, dir: string): string | undefined {
  const data = str(entry[`${key}-data`]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(entry[key]);
  return file ? fs.readFileSync(path.resolve(dir, file), 'utf8') : undefined;
}
