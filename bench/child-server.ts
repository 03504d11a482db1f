/**
 * Runs an HTTP server under test in its own node process, so the REST benchmark's load generator
 * never shares an event loop with it: spawns `node <script> <args>`, waits for the JSON log line
 * whose `msg` says it is serving (it carries the `url`), and stops it again — SIGTERM, then
 * SIGKILL if it lingers. Children still running when the bench process exits are killed too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled Atoll server, and the line it logs (at info level) once it serves. */
export const ATOLL_MAIN = new URL('../src/server/main.js', import.meta.url);
export const ATOLL_READY_MSG = 'Atoll is serving';
/**
 * The node flags `npm start` runs the server with (package.json). A fan-out to 5,000 graphql-ws
 * clients without them spent 20–32 % of the server's busy time in garbage collection, 6–12 % with
 * them: each subscriber's promises in flight outlived the default young generation's scavenges.
 */
export const ATOLL_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/**
 * Flags for an Atoll child on `dataDir`, any free port of 127.0.0.1: plain HTTP, since no suite
 * measures TLS and every client here would otherwise need the generated CA. `extra` adds flags
 * (e.g. how the server authenticates and authorizes).
 */
export function atollArgs(dataDir: string, extra: readonly string[] = []): string[] {
  return ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'info', '--plain-http', ...extra];
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
/** Output kept for error messages. */
const KEEP_OUTPUT_CHARS = 20_000;

export interface ChildServer {
  url: string;
  /** The child's process id (e.g. to read its CPU time from /proc). */
  pid: number | undefined;
  /** The end of the child's stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `script` (a file URL or path) and resolves once it logs `{"msg": readyMsg, "url": ...}`;
 * `nodeFlags` go to node; `startTimeoutMs` for what starts several processes one after another.
 */
export function startChild(script: URL | string, args: string[], readyMsg: string, nodeFlags: readonly string[] = [], startTimeoutMs = START_TIMEOUT_MS): Promise<ChildServer> {
  const file = script instanceof URL ? fileURLToPath(script) : script;
  const child = spawn(process.execPath, [...nodeFlags, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let pending = '';
  let onLine: ((line: string) => void) | undefined;
  const keep = (text: string): void => {
    out = (out + text).slice(-KEEP_OUTPUT_CHARS);
  };
  child.stdout.on('data', (d: Buffer) => {
    const text = d.toString();
    keep(text);
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine?.(line);
  });
  child.stderr.on('data', (d: Buffer) => keep(d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${file} ${why}:\n${out}`)));
    };
    const timer = setTimeout(() => fail(`did not log "${readyMsg}" within ${startTimeoutMs} ms`), startTimeoutMs);
    child.once('error', (err) => fail(`could not be spawned: ${err.message}`));
    void exited.then(() => fail(`exited (code ${child.exitCode}, signal ${child.signalCode}) before serving`));
    onLine = (line) => {
      const url = readyUrl(line, readyMsg);
      if (url === undefined || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ url, pid: child.pid, output: () => out, stop });
    };
  });
}

/** The `url` of a JSON log line whose `msg` is `readyMsg`, else undefined. */
function readyUrl(line: string, readyMsg: string): string | undefined {
  if (!line.includes(readyMsg)) return undefined;
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return parsed.msg === readyMsg && typeof parsed.url === 'string' ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fn` with a started child and always stops it afterwards. */
export async function withChild<T>(
  script: URL | string,
  args: string[],
  readyMsg: string,
  fn: (server: ChildServer) => Promise<T>,
  nodeFlags: readonly string[] = [],
): Promise<T> {
  const server = await startChild(script, args, readyMsg, nodeFlags);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

/** What node's inspector writes to stderr when a suite profiles a child (inspector-profile.ts). */
const INSPECTOR_LINE = /^(Debugger (listening|ending) on |For help, see: |Debugger attached\.|Waiting for the debugger to disconnect)/;

/** A child's log lines at warn (pino level 40) or above, and any line that is not JSON (but the inspector's own). */
export function warningLines(output: string): string[] {
  return output.split('\n').filter((line) => {
    try {
      const { level } = JSON.parse(line) as { level?: unknown };
      return typeof level === 'number' && level >= 40;
    } catch {
      return line.trim() !== '' && !INSPECTOR_LINE.test(line);
    }
  });
}
