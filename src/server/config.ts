/**
 * Server configuration from flags and environment (flags win): `--port`/ATOLL_PORT,
 * `--data-dir`/ATOLL_DATA_DIR, `--host`/ATOLL_HOST, `--log-level`/ATOLL_LOG_LEVEL.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const USAGE = `Usage: npm start -- [--port 6443] [--host 127.0.0.1] [--data-dir .atoll] [--log-level info]

  --port       TCP port to listen on (env ATOLL_PORT, default 6443; 0 picks a free port)
  --host       address to listen on (env ATOLL_HOST, default 127.0.0.1)
  --data-dir   where the embedded store keeps its data (env ATOLL_DATA_DIR, default .atoll)
  --log-level  trace, debug, info, warn, error (env ATOLL_LOG_LEVEL, default info)`;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv, cwd: string): ServerConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';
  const portText = values.port ?? env.ATOLL_PORT ?? '6443';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(`invalid port "${portText}": expected 0-65535`);
  const logLevel = values['log-level'] ?? env.ATOLL_LOG_LEVEL ?? 'info';
  if (!LEVELS.includes(logLevel)) throw new ConfigError(`invalid log level "${logLevel}": expected one of ${LEVELS.join(', ')}`);
  const dataDir = values['data-dir'] ?? env.ATOLL_DATA_DIR ?? '.atoll';
  if (dataDir.trim() === '') throw new ConfigError('the data directory must not be empty');
  return {
    port,
    host: values.host ?? env.ATOLL_HOST ?? '127.0.0.1',
    dataDir: path.resolve(cwd, dataDir),
    logLevel,
  };
}
