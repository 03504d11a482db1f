/**
 * Measurements that need a process of their own (memory per workspace or per binding: nothing else
 * may have grown the heap): the suite forks its own module with `child <data dir> [args…]`, the
 * child reports progress lines and one result over IPC, and the parent prints the progress as notes.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTempDir, withTimeout } from './fixtures.js';
import { note } from './report.js';

const CHILD_ARG = 'child';

type FromChild<T> = { kind: 'progress'; text: string } | { kind: 'result'; result: T };

/** In the child: a progress line for the parent to print. */
export const progress = (text: string): void => void process.send?.({ kind: 'progress', text } satisfies FromChild<never>);

/** In the parent: forks `moduleUrl` as a child on a fresh data directory and returns what it measured. */
export async function measureInChild<T>(moduleUrl: string, what: string, timeoutMs: number, args: string[] = []): Promise<T> {
  return withTempDir(async (tmp) => {
    const child = fork(fileURLToPath(moduleUrl), [CHILD_ARG, path.join(tmp, 'data'), ...args], { execArgv: ['--expose-gc'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const done = new Promise<T>((resolve, reject) => {
      child.on('message', (message: FromChild<T>) => {
        if (message.kind === 'progress') note(message.text);
        else resolve(message.result);
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${what} child exited with code ${code} before reporting`)));
    });
    try {
      return await withTimeout(done, timeoutMs, `${what} child`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  });
}

/** In the module: when this process is the child `moduleUrl` forked, runs `measure(dataDir, args)` and reports. */
export function runAsChild<T>(moduleUrl: string, measure: (dataDir: string, args: string[]) => Promise<T>): void {
  if (process.argv[2] !== CHILD_ARG || !process.argv[3] || process.argv[1] !== fileURLToPath(moduleUrl)) return;
  measure(process.argv[3], process.argv.slice(4)).then(
    (result) => process.send?.({ kind: 'result', result } satisfies FromChild<T>, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
