/**
 * FerretDB (a MongoDB-wire server in Go, SQLite handler) for the MongoDB-backend tests and
 * benchmarks (test/support/ferretdb.ts re-exports it): built once
 * by scripts/test-tools/ferretdb.sh (cached under .cache/), started on a free loopback port with a
 * fresh data directory, stopped, killed and restarted on the same data. Where the binary is not
 * cached and Go is absent, `ferretdbUnavailable` says why and the tests that need it skip.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: the nearest directory up with a package.json (this file also runs as dist/bench/ferretdb.js). */
function repositoryRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

const ROOT = repositoryRoot();
const SCRIPT = path.join(ROOT, 'scripts/test-tools/ferretdb.sh');
export const FERRETDB_BINARY = path.join(ROOT, '.cache/ferretdb/v1.24.2/ferretdb');

function goAvailable(): boolean {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/go/bin']) {
    if (dir && fs.existsSync(path.join(dir, 'go'))) return true;
  }
  return false;
}

export const ferretdbUnavailable: string | undefined =
  fs.existsSync(FERRETDB_BINARY) || goAvailable()
    ? undefined
    : 'FerretDB is not built (.cache/ferretdb) and Go is not installed to build it: run scripts/test-tools/ferretdb.sh where Go is';

/** Builds FerretDB if it is not cached yet (minutes the first time): call from a beforeAll with a long timeout. */
export function ferretdbBinary(): string {
  if (!fs.existsSync(FERRETDB_BINARY)) execFileSync('bash', [SCRIPT], { stdio: ['ignore', 'ignore', 'inherit'] });
  return FERRETDB_BINARY;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`FerretDB exited at start: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`FerretDB did not listen on ${port} within 30 s: ${log()}`);
}

export interface FerretDB {
  /** mongodb:// URL of a database for this test run. */
  url(database: string): string;
  readonly port: number;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILLs the server and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

export async function startFerretDB(): Promise<FerretDB> {
  const binary = ferretdbBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-ferretdb-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    output = '';
    const proc = spawn(
      binary,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (d: Buffer): void => {
      output = (output + d.toString()).slice(-4_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    child = proc;
    await waitForPort(port, proc, () => output);
  };

  const exit = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  };

  await start();
  return {
    port,
    url: (database) => `mongodb://127.0.0.1:${port}/${database}`,
    stop: () => exit('SIGTERM'),
    kill: () => exit('SIGKILL'),
    start,
    async dispose() {
      await exit('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
