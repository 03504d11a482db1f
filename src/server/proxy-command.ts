/**
 * `npm start -- proxy …`: the front proxy role (docs/shards.md). It keeps no store: it follows
 * the shards registered in root on the root shard its kubeconfig names, serves one URL in front
 * of them, and writes `<data-dir>/admin.kubeconfig` pointing at itself as a shard's start does.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { ensurePki } from '../auth/index.js';
import { FrontProxy } from '../proxy/index.js';
import { loadKubeconfig } from '../sdk/index.js';
import { ConfigError } from './config.js';
import { writeAdminKubeconfig } from './kubeconfig.js';
import type { Logger } from 'pino';

export const PROXY_USAGE = `Usage: npm start -- proxy --root-shard-kubeconfig FILE [--port 6443] [--host 127.0.0.1]
                          [--data-dir .atoll-proxy] [--plain-http]

  --root-shard-kubeconfig
               a kubeconfig for the root shard with credentials every shard accepts (the
               root shard's admin.kubeconfig); its current context's server is the root shard
               (env ATOLL_ROOT_SHARD_KUBECONFIG, required)
  --port, --host, --plain-http
               as for a shard (env ATOLL_PORT, ATOLL_HOST, ATOLL_PLAIN_HTTP)
  --data-dir   where the proxy keeps its TLS material and writes admin.kubeconfig
               (env ATOLL_DATA_DIR, default .atoll-proxy)`;

export interface ProxyConfig {
  rootKubeconfig: string;
  port: number;
  host: string;
  dataDir: string;
  tls: boolean;
}

export function parseProxyConfig(argv: string[], env: NodeJS.ProcessEnv, cwd: string): ProxyConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'root-shard-kubeconfig': { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, 'plain-http': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const rootKubeconfig = values['root-shard-kubeconfig'] ?? env.ATOLL_ROOT_SHARD_KUBECONFIG;
  if (!rootKubeconfig) throw new ConfigError('--root-shard-kubeconfig is required: the front proxy follows the shards registered on the root shard');
  const portText = values.port ?? env.ATOLL_PORT ?? '6443';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(`invalid port "${portText}": expected 0-65535`);
  return {
    rootKubeconfig: path.resolve(cwd, rootKubeconfig),
    port,
    host: values.host ?? env.ATOLL_HOST ?? '127.0.0.1',
    dataDir: path.resolve(cwd, values['data-dir'] ?? env.ATOLL_DATA_DIR ?? '.atoll-proxy'),
    tls: !(values['plain-http'] ?? env.ATOLL_PLAIN_HTTP === 'true'),
  };
}

/** Starts the proxy; resolves with it serving, and what to stop. */
export async function startProxy(config: ProxyConfig, log: Logger): Promise<{ proxy: FrontProxy; kubeconfig: string }> {
  const root = loadKubeconfig({ file: config.rootKubeconfig });
  if (!root.token) throw new ConfigError('the root shard kubeconfig must carry a bearer token: the front proxy passes clients’ tokens on and follows the shards with this one');
  const pki = config.tls ? await ensurePki(config.dataDir, { hosts: [config.host] }) : undefined;
  const proxy = new FrontProxy({
    port: config.port,
    host: config.host,
    ...(pki ? { tls: { key: pki.serving.key, cert: pki.serving.cert } } : {}),
    root,
    log: log.child({ component: 'front-proxy' }),
  });
  await proxy.start();
  const kubeconfig = writeAdminKubeconfig(config.dataDir, proxy.url, root.token, pki?.ca.cert);
  log.info({ url: proxy.url, kubeconfig, shards: proxy.index.shards() }, 'Atoll front proxy is serving');
  return { proxy, kubeconfig };
}
