/**
 * What every role's command line shares (a shard, the front proxy, `npm run cluster`): flags parsed
 * strictly, their errors as ConfigError (the caller prints them with its usage), and the port.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The flags' values (no positional arguments); an unknown flag or a missing value is a ConfigError. */
export function parseFlags<const O extends FlagOptions>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
}

/** `--port` (or ATOLL_PORT): 0–65535, 0 picking a free port; 6443 when neither is given. */
export function portOf(flag: string | undefined, env: NodeJS.ProcessEnv): number {
  const text = flag ?? env.ATOLL_PORT ?? '6443';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new ConfigError(`invalid port "${text}": expected 0-65535`);
  return port;
}
