/**
 * Logs (pino) on stdout: JSON lines for log collectors, or readable lines (pino-pretty, written
 * synchronously in this process) for a person at a terminal.
 */
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export const LOG_FORMATS = ['auto', 'json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function isLogFormat(text: string): text is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(text);
}

/** Whether `format` means readable text on this output: `auto` does on a terminal. */
export function isTextFormat(format: LogFormat, isTty: boolean): boolean {
  return format === 'text' || (format === 'auto' && isTty);
}

export function createLogger(level: string, text = false): Logger {
  const options = { level, base: { component: 'atoll' } };
  if (!text) return pino(options);
  return pino(options, PinoPretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'component', singleLine: true }));
}
