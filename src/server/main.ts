/**
 * Entry point of `npm start`: reads flags and environment, starts the server, and shuts it down
 * gracefully on SIGTERM/SIGINT (a second signal exits at once).
 */
import { ConfigError, parseConfig, USAGE } from './config.js';
import { createLogger } from './logger.js';
import { AtollServer } from './server.js';

async function main(): Promise<number> {
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
  const log = createLogger(config.logLevel);
  let server: AtollServer;
  try {
    server = new AtollServer(config, log);
    await server.start();
  } catch (err) {
    log.fatal({ err }, `could not start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(1);
      }
      signalled = true;
      log.info({ signal }, 'signal received');
      server.stop().then(resolve, (err: unknown) => {
        log.error({ err }, 'error during shutdown');
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}

process.exitCode = await main();
