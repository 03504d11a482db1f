/**
 * What a person at a terminal needs once the server is up: where it serves, how kubectl reaches
 * it, where the admin token is (GraphiQL and curl need it), where GraphiQL is and where the data
 * lives. JSON logs carry the same facts in the "Atoll is serving" line.
 */
import path from 'node:path';
import { ADMIN_TOKEN_FILE, PKI_DIR } from '../auth/index.js';

export interface StartupFacts {
  baseUrl: string;
  kubeconfig: string;
  dataDir: string;
}

export function adminTokenPath(dataDir: string): string {
  return path.join(dataDir, PKI_DIR, ADMIN_TOKEN_FILE);
}

export function startupSummary({ baseUrl, kubeconfig, dataDir }: StartupFacts): string {
  const tls = baseUrl.startsWith('https:');
  const lines = [
    '',
    `Atoll is serving on ${baseUrl}`,
    '',
    `  kubectl      export KUBECONFIG=${kubeconfig}`,
    `  admin token  ${adminTokenPath(dataDir)}`,
    `  GraphiQL     ${baseUrl}/clusters/root/graphql  (headers: {"Authorization": "Bearer <the admin token>"})`,
    ...(tls ? [`  CA           ${path.join(dataDir, PKI_DIR, 'ca.crt')}  (curl --cacert, NODE_EXTRA_CA_CERTS)`] : []),
    `  data         ${dataDir}`,
    '',
    'Stop with Ctrl-C.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
