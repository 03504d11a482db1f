/**
 * The admin kubeconfig written on start: context `root` points at the root workspace, `base` at
 * the server itself (as kcp's admin.kubeconfig does). Credentials join when authentication lands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

export const KUBECONFIG_FILE = 'admin.kubeconfig';

export function adminKubeconfig(baseUrl: string): string {
  const cluster = (name: string, server: string) => ({ name, cluster: { server } });
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [cluster('root', `${baseUrl}/clusters/root`), cluster('base', baseUrl)],
    contexts: [
      { name: 'root', context: { cluster: 'root', user: 'admin' } },
      { name: 'base', context: { cluster: 'base', user: 'admin' } },
    ],
    'current-context': 'root',
    users: [{ name: 'admin', user: {} }],
    preferences: {},
  });
}

/** Writes atomically (rename) so a concurrent kubectl never reads half a file. */
export function writeAdminKubeconfig(dataDir: string, baseUrl: string): string {
  const file = path.join(dataDir, KUBECONFIG_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, adminKubeconfig(baseUrl), { mode: 0o600 });
  fs.renameSync(tmp, file);
  return file;
}
