/**
 * The admin kubeconfig with credentials: context `root` points at the root workspace
 * (`<base>/clusters/root`), `base` at the server itself, as kcp's admin.kubeconfig. Served over
 * TLS it carries the CA (`certificate-authority-data`) and either the admin client certificate
 * (`client-certificate-data` / `client-key-data`) or a bearer `token`. Written 0600 and atomically.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from './files.js';

export type KubeconfigCredentials = { token: string } | { clientCertificate: string; clientKey: string };

export interface KubeconfigOptions {
  /** `https://127.0.0.1:6443` (no trailing slash, no path). */
  baseUrl: string;
  /** PEM of the CA that signed the serving certificate (https only). */
  ca?: string;
  credentials?: KubeconfigCredentials;
  /** The kubeconfig's user entry; default `admin`. */
  userName?: string;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

export function buildAdminKubeconfig(options: KubeconfigOptions): string {
  const base = options.baseUrl.replace(/\/+$/, '');
  const user = options.userName ?? 'admin';
  const cluster = (name: string, server: string) => ({
    name,
    cluster: { server, ...(options.ca ? { 'certificate-authority-data': b64(options.ca) } : {}) },
  });
  const creds = options.credentials;
  const userEntry =
    creds === undefined
      ? {}
      : 'token' in creds
        ? { token: creds.token }
        : { 'client-certificate-data': b64(creds.clientCertificate), 'client-key-data': b64(creds.clientKey) };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [cluster('root', `${base}/clusters/root`), cluster('base', base)],
    contexts: [
      { name: 'root', context: { cluster: 'root', user } },
      { name: 'base', context: { cluster: 'base', user } },
    ],
    'current-context': 'root',
    users: [{ name: user, user: userEntry }],
    preferences: {},
  });
}

/** Writes the kubeconfig to `file` (0600, atomically) and returns the path. */
export function writeAdminKubeconfigFile(file: string, options: KubeconfigOptions): string {
  const target = path.resolve(file);
  writeFileAtomic(target, buildAdminKubeconfig(options), 0o600);
  return target;
}
