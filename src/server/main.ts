/**
 * Entry point of `npm start`: reads flags and environment, starts the server, and shuts it down
 * gracefully on SIGTERM/SIGINT (a second signal exits at once).
 */
import { MongoStore } from '../storage/mongodb/index.js';
import { backupCommand } from './backup.js';
import { ConfigError, parseConfig, USAGE } from './config.js';
import { createLogger, isTextFormat } from './logger.js';
import { AtollServer, DRAIN_MS } from './server.js';
import { startupSummary } from './startup-summary.js';
import { parseProxyConfig, PROXY_USAGE, startProxy } from './proxy-command.js';
import { clusterMain } from './cluster-command.js';
import { stopWhenStdinEnds } from './parent-watch.js';

/**
 * The last resort: a stop still unfinished this long after the signal (the drain budget, then
 * closing controllers and the store) ends with the process anyway. Committed writes are safe in
 * SQLite's WAL, and the data directory's lock goes with the process.
 */
const STOP_LIMIT_MS = DRAIN_MS + 10_000;

async function main(): Promise<number> {
  stopWhenStdinEnds(process.env);
  if (process.argv[2] === 'backup') {
    try {
      return await backupCommand(process.argv.slice(3), process.cwd(), process.stdout);
    } catch (err) {
      process.stderr.write(`atoll backup: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  if (process.argv[2] === 'proxy') return proxyMain(process.argv.slice(3));
  if (process.argv[2] === 'cluster') return clusterMain(process.argv.slice(3));
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env, process.cwd());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`atoll: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const text = isTextFormat(config.logFormat ?? 'auto', process.stdout.isTTY === true);
  const log = createLogger(config.logLevel, text);
  let server: AtollServer;
  try {
    // MongoDB is connected to (and the writer's fence taken) before anything is built on the store.
    const store = config.store ? await MongoStore.open({ url: config.store, ...(config.watch ? { watch: config.watch } : {}) }) : undefined;
    server = new AtollServer(config, log, store);
    await server.start();
  } catch (err) {
    log.fatal({ err }, `could not start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  if (text) process.stdout.write(startupSummary({ baseUrl: server.baseUrl, kubeconfig: server.kubeconfigPath, dataDir: config.dataDir, pkiDir: server.pkiDir }));
  await untilSignalled(log, () => server.stop());
  return 0;
}

/** The front proxy role: no store, one URL in front of the shards. */
async function proxyMain(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${PROXY_USAGE}\n`);
    return 0;
  }
  let config;
  try {
    config = parseProxyConfig(argv, process.env, process.cwd());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`atoll proxy: ${err.message}\n\n${PROXY_USAGE}\n`);
    return 2;
  }
  const log = createLogger(process.env.ATOLL_LOG_LEVEL ?? 'info', isTextFormat('auto', process.stdout.isTTY === true));
  let started;
  try {
    started = await startProxy(config, log);
  } catch (err) {
    log.fatal({ err }, `could not start the front proxy: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const { proxy } = started;
  await untilSignalled(log, () => proxy.stop());
  return 0;
}

/** Waits for SIGTERM or SIGINT, then stops gracefully; a second signal exits at once. */
function untilSignalled(log: ReturnType<typeof createLogger>, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(1);
      }
      signalled = true;
      log.info({ signal }, 'signal received');
      setTimeout(() => {
        log.error({ ms: STOP_LIMIT_MS }, 'shutdown did not finish in time, exiting now');
        process.exit(1);
      }, STOP_LIMIT_MS).unref();
      stop().then(resolve, (err: unknown) => {
        log.error({ err }, 'error during shutdown');
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

process.exitCode = await main();
