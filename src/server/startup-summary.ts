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
  /** Where the admin token and the CA are (`--pki-dir`); `<dataDir>/pki` when absent. */
  pkiDir?: string;
}

export function startupSummary({ baseUrl, kubeconfig, dataDir, pkiDir = path.join(dataDir, PKI_DIR) }: StartupFacts): string {
  const tls = baseUrl.startsWith('https:');
  const lines = [
    '',
    `Atoll is serving on ${baseUrl}`,
    '',
    `  kubectl      export KUBECONFIG=${kubeconfig}`,
    `  admin token  ${path.join(pkiDir, ADMIN_TOKEN_FILE)}`,
    `  GraphiQL     ${baseUrl}/clusters/root/graphql  (headers: {"Authorization": "Bearer <the admin token>"})`,
    ...(tls ? [`  CA           ${path.join(pkiDir, 'ca.crt')}  (curl --cacert, NODE_EXTRA_CA_CERTS)`] : []),
    `  data         ${dataDir}`,
    '',
    'Stop with Ctrl-C.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
