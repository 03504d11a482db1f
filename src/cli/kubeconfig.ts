/**
 * The kubeconfig as the CLI uses it: the SDK's loader (read as kubectl reads it), its failures as
 * CliErrors naming the flag that helps.
 */
import { loadKubeconfig, type Connection } from '../sdk/kubeconfig.js';
import { CliError } from './errors.js';

export type { Connection };

export function resolveConnection(options: { kubeconfig?: string; context?: string }, env: NodeJS.ProcessEnv = process.env): Connection {
  try {
    return loadKubeconfig({ ...(options.kubeconfig ? { file: options.kubeconfig } : {}), ...(options.context ? { context: options.context } : {}), env });
  } catch (err) {
    const message = (err as Error).message;
    const hint = /no current-context/.test(message) ? '; pass --context' : /^no kubeconfig/.test(message) ? '; pass --kubeconfig' : '';
    throw new CliError(`${message}${hint}`);
  }
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
