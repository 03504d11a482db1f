/**
 * CPU profiles of a server child over part of a run: the child is started with
 * `--inspect=127.0.0.1:0` and this speaks the inspector protocol to it (Profiler domain), so a
 * suite can profile only what it measures (e.g. the fan-out's measured writes) and not the setup
 * around it. `ATOLL_BENCH_CPU_PROFILE=<dir>` asks the suites that support it to do so; the files
 * open in Chrome DevTools, and `node dist/bench/profile-summary.js <file>` prints where the time went.
 */
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import type { ChildServer } from './child-server.js';
import { withTimeout } from './fixtures.js';
import { note } from './report.js';

/** Where profiles go when asked for, or undefined. */
export const PROFILE_DIR = process.env.ATOLL_BENCH_CPU_PROFILE || undefined;
/** The node flag a child needs for `connectProfiler`. */
export const INSPECT_FLAG = '--inspect=127.0.0.1:0';

const LISTENING = /Debugger listening on (ws:\/\/\S+)/;
const CALL_TIMEOUT_MS = 60_000;

export interface Profiler {
  start(): Promise<void>;
  /** Stops sampling and writes the profile to `file`. */
  stop(file: string): Promise<void>;
  close(): void;
}

/** Connects to the inspector a child announced in `output` (its stderr); samples every `intervalUs`. */
export async function connectProfiler(output: string, intervalUs = 200): Promise<Profiler> {
  const url = LISTENING.exec(output)?.[1];
  if (url === undefined) throw new Error(`the child announced no inspector (was it started with ${INSPECT_FLAG}?)`);
  const socket = new WebSocket(url);
  await withTimeout(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), CALL_TIMEOUT_MS, 'inspector connection');
  let lastId = 0;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
  socket.on('message', (data: Buffer) => {
    const reply = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const call = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!call || reply.id === undefined) return;
    pending.delete(reply.id);
    if (reply.error) call.reject(new Error(reply.error.message));
    else call.resolve(reply.result);
  });
  const call = (method: string, params: object = {}): Promise<unknown> => {
    const id = ++lastId;
    socket.send(JSON.stringify({ id, method, params }));
    return withTimeout(new Promise((resolve, reject) => pending.set(id, { resolve, reject })), CALL_TIMEOUT_MS, `inspector ${method}`);
  };
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: intervalUs });
  return {
    start: async () => void (await call('Profiler.start')),
    stop: async (file) => {
      const { profile } = (await call('Profiler.stop')) as { profile: unknown };
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
    },
    close: () => socket.close(),
  };
}

/**
 * A profile of what `child` does while a suite measures, when ATOLL_BENCH_CPU_PROFILE asks for
 * one: `onMeasuring` (as fanout() takes it) starts and stops sampling, `finish` waits for the file
 * and says where it is. Without the variable both do nothing.
 */
export async function measuredProfile(child: ChildServer, name: string): Promise<{ onMeasuring?: (measuring: boolean) => void; finish(): Promise<void> }> {
  if (PROFILE_DIR === undefined) return { finish: async () => undefined };
  const profiler = await connectProfiler(child.output());
  const file = path.resolve(PROFILE_DIR, `${name}.cpuprofile`);
  let pending: Promise<void> = Promise.resolve();
  return {
    onMeasuring: (measuring) => {
      pending = pending.then(() => (measuring ? profiler.start() : profiler.stop(file)));
    },
    finish: async () => {
      await pending;
      profiler.close();
      note(`CPU profile of ${name} while measured (sampling inflates its CPU figures): ${file}`);
    },
  };
}
