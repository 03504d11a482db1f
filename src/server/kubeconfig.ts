/**
 * The admin kubeconfig written on start (`<dataDir>/admin.kubeconfig`): context `root` points at
 * the root workspace, `base` at the server itself (as kcp's admin.kubeconfig does), with the admin
 * token and, over TLS, the CA that signed the serving certificate.
 */
import path from 'node:path';
import { writeAdminKubeconfigFile } from '../auth/index.js';

export const KUBECONFIG_FILE = 'admin.kubeconfig';

export function writeAdminKubeconfig(dataDir: string, baseUrl: string, token: string, ca?: string): string {
  return writeAdminKubeconfigFile(path.join(dataDir, KUBECONFIG_FILE), { baseUrl, credentials: { token }, ...(ca ? { ca } : {}) });
}
