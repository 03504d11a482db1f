/**
 * `npm start -- proxy …`: the front proxy role (docs/shards.md). It keeps no store: it follows
 * the shards registered in root on the root shard its kubeconfig names, serves one URL in front
 * of them, and writes `<data-dir>/admin.kubeconfig` pointing at itself as a shard's start does.
 * With the installation's PKI (--pki-dir) it serves with a certificate of the shared CA,
 * authenticates clients itself and names them to the shards (src/proxy/authentication.ts).
 */
import path from 'node:path';
import { ensureAdminToken, ensureClientCertificate, ensurePki, FRONT_PROXY_USER, PKI_DIR } from '../auth/index.js';
import { FrontProxy, ProxyAuthentication } from '../proxy/index.js';
import { loadKubeconfig } from '../sdk/index.js';
import { ConfigError, parseFlags, portOf } from './flags.js';
import { writeAdminKubeconfig } from './kubeconfig.js';
import { requireSharedPki } from './shared-pki.js';
import type { Logger } from 'pino';

/** Where the proxy keeps its client certificate, in its data directory's pki/. */
export const FRONT_PROXY_CERT = 'front-proxy-client';

export const PROXY_USAGE = `Usage: npm start -- proxy --root-shard-kubeconfig FILE [--port 6443] [--host 127.0.0.1]
                          [--data-dir .atoll-proxy] [--plain-http] [--pki-dir DIR]
                          [--token-auth-file FILE]

  --root-shard-kubeconfig
               a kubeconfig for the root shard with credentials every shard accepts (the
               root shard's admin.kubeconfig); its current context's server is the root shard
               (env ATOLL_ROOT_SHARD_KUBECONFIG, required)
  --port, --host, --plain-http
               as for a shard (env ATOLL_PORT, ATOLL_HOST, ATOLL_PLAIN_HTTP)
  --data-dir   where the proxy keeps its TLS material and writes admin.kubeconfig
               (env ATOLL_DATA_DIR, default .atoll-proxy)
  --pki-dir    the root shard's --pki-dir, shared by the installation (env ATOLL_PKI_DIR): the proxy
               serves with a certificate of its CA, takes client certificates of it and the admin
               token, and passes the user on to the shards under its own client certificate
               (CN atoll-front-proxy). Without it: its own CA, and clients' tokens passed on as sent
  --token-auth-file
               tokens the proxy authenticates itself, the shard's format (token,user,uid,"groups");
               re-read when it changes; needs --pki-dir (env ATOLL_TOKEN_AUTH_FILE)`;

export interface ProxyConfig {
  rootKubeconfig: string;
  port: number;
  host: string;
  dataDir: string;
  tls: boolean;
  /** The installation's shared PKI (the root shard's --pki-dir). */
  pkiDir?: string;
  tokenFile?: string;
}

export function parseProxyConfig(argv: string[], env: NodeJS.ProcessEnv, cwd: string): ProxyConfig {
  const values = parseFlags(argv, {
        'root-shard-kubeconfig': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'plain-http': { type: 'boolean' },
        'pki-dir': { type: 'string' },
        'token-auth-file': { type: 'string' },
      });
  const rootKubeconfig = values['root-shard-kubeconfig'] ?? env.ATOLL_ROOT_SHARD_KUBECONFIG;
  if (!rootKubeconfig) throw new ConfigError('--root-shard-kubeconfig is required: the front proxy follows the shards registered on the root shard');
  const port = portOf(values.port, env);
  const pkiDir = values['pki-dir'] ?? (env.ATOLL_PKI_DIR || undefined);
  const tokenFile = values['token-auth-file'] ?? (env.ATOLL_TOKEN_AUTH_FILE || undefined);
  if (tokenFile && !pkiDir) throw new ConfigError('--token-auth-file needs --pki-dir: the proxy names the users it authenticates to the shards under a certificate of the shared CA');
  return {
    rootKubeconfig: path.resolve(cwd, rootKubeconfig),
    port,
    host: values.host ?? env.ATOLL_HOST ?? '127.0.0.1',
    dataDir: path.resolve(cwd, values['data-dir'] ?? env.ATOLL_DATA_DIR ?? '.atoll-proxy'),
    tls: !(values['plain-http'] ?? env.ATOLL_PLAIN_HTTP === 'true'),
    ...(pkiDir ? { pkiDir: path.resolve(cwd, pkiDir) } : {}),
    ...(tokenFile ? { tokenFile: path.resolve(cwd, tokenFile) } : {}),
  };
}

/** Starts the proxy; resolves with it serving, and what to stop. */
export async function startProxy(config: ProxyConfig, log: Logger): Promise<{ proxy: FrontProxy; kubeconfig: string }> {
  const root = loadKubeconfig({ file: config.rootKubeconfig });
  if (!root.token) throw new ConfigError('the root shard kubeconfig must carry a bearer token: the front proxy passes clients’ tokens on and follows the shards with this one');
  const shared = config.pkiDir ? await sharedCredentials(config, config.pkiDir, log) : undefined;
  const pki = shared?.pki ?? (config.tls ? await ensurePki(config.dataDir, { hosts: [config.host] }) : undefined);
  const proxy = new FrontProxy({
    port: config.port,
    host: config.host,
    ...(pki && config.tls ? { tls: { key: pki.serving.key, cert: pki.serving.cert, ...(shared ? { ca: pki.ca.cert } : {}) } } : {}),
    root,
    log: log.child({ component: 'front-proxy' }),
    ...(shared ? { authentication: shared.authentication, forwardAs: shared.forwardAs } : {}),
  });
  await proxy.start();
  const kubeconfig = writeAdminKubeconfig(config.dataDir, proxy.url, root.token, config.tls ? pki?.ca.cert : undefined);
  log.info({ url: proxy.url, kubeconfig, shards: proxy.index.shards() }, 'Atoll front proxy is serving');
  return { proxy, kubeconfig };
}

/**
 * What the installation's PKI gives the proxy: a serving certificate of the shared CA (in its own
 * data directory), its client certificate (CN atoll-front-proxy, which only a holder of the CA
 * key can make), and what it authenticates clients with.
 */
async function sharedCredentials(config: ProxyConfig, pkiDir: string, log: Logger) {
  requireSharedPki(pkiDir, true);
  const pki = await ensurePki(config.dataDir, { hosts: [config.host], sharedDir: pkiDir });
  const forwardAs = await ensureClientCertificate(pki.ca, path.join(config.dataDir, PKI_DIR), FRONT_PROXY_CERT, { name: FRONT_PROXY_USER, groups: [] });
  const authentication = new ProxyAuthentication({
    clientCa: pki.ca.cert,
    adminToken: ensureAdminToken(config.dataDir, pkiDir),
    ...(config.tokenFile ? { tokenFile: config.tokenFile } : {}),
    onTokenFile: (err, tokens) => {
      if (err) log.error({ err, file: config.tokenFile }, 'token file not reloaded; the tokens loaded before stay in force');
      else log.info({ file: config.tokenFile, tokens }, 'token file reloaded');
    },
  });
  return { pki, forwardAs, authentication };
}
