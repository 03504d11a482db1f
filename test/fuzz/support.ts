/**
 * Shared parts of the property-based fuzz suites: how many cases to run and which seed to replay
 * (from the environment), a raw HTTP client that sends any bytes and any header a server can be
 * sent, and the check that the server still serves after a run.
 */
import http from 'node:http';
import fc from 'fast-check';
import { expect } from 'vitest';
import { CONFIGMAPS, type ServerFixture } from '../support/server-fixture.js';

/**
 * `ATOLL_FUZZ_RUNS`: `5000` runs each property 5,000 times; `10x` (or `x10`) runs each ten times
 * its default. Unset: the defaults, sized for a normal test run.
 */
export function fuzzRuns(defaultRuns: number): number {
  const setting = process.env.ATOLL_FUZZ_RUNS?.trim();
  if (!setting) return defaultRuns;
  const times = /^(?:x\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*x)$/i.exec(setting);
  if (times) return Math.max(1, Math.round(defaultRuns * Number(times[1] ?? times[2])));
  if (/^\d+$/.test(setting)) return Number(setting);
  throw new Error(`ATOLL_FUZZ_RUNS must be a number of runs (5000) or a factor (10x), not "${setting}"`);
}

/**
 * fast-check's parameters for one property: its runs, and the seed (`ATOLL_FUZZ_SEED`) and
 * counterexample path (`ATOLL_FUZZ_PATH`) that a failure printed, to replay it.
 */
export function fuzzParameters<T>(defaultRuns: number): fc.Parameters<T> {
  const seed = process.env.ATOLL_FUZZ_SEED?.trim();
  const replayPath = process.env.ATOLL_FUZZ_PATH?.trim();
  if (seed && !/^-?\d+$/.test(seed)) throw new Error(`ATOLL_FUZZ_SEED must be an integer, not "${seed}"`);
  return {
    // A path names one case: run it alone.
    numRuns: replayPath ? 1 : fuzzRuns(defaultRuns),
    ...(seed ? { seed: Number(seed) } : {}),
    ...(replayPath ? { path: replayPath, endOnFailure: true } : {}),
  };
}

/** A test's time limit: room for its runs on a shared machine, and for shrinking a failure. */
export const fuzzTimeout = (defaultRuns: number): number => 120_000 * Math.max(1, fuzzRuns(defaultRuns) / defaultRuns);

export interface Sent {
  method: string;
  /** Sent as is: it may hold malformed percent-escapes. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Answer {
  status: number;
  contentType: string;
  /** Undefined when the answer was a stream (a watch, SSE), which is not read. */
  text?: string;
}

/** A client's patience: no request of the suites takes this long on a working server. */
const NO_ANSWER_MS = 30_000;

/**
 * Sends one request as is over `agent` and reads the whole answer, unless `isStream` says the
 * (successful) answer is a stream: then only its status is kept and the connection dropped.
 * A server that answers nothing within 30 s fails the request.
 */
export function send(base: string, agent: http.Agent, sent: Sent, isStream: (status: number, contentType: string) => boolean = () => false): Promise<Answer> {
  const target = new URL(base);
  return new Promise((resolve, reject) => {
    let answered = false;
    // Node's client sends a DELETE's body without Content-Length unless told: the server would
    // take the body for the next request.
    const length = sent.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(sent.body)) };
    const req = http.request({ host: target.hostname, port: target.port, method: sent.method, path: sent.path, headers: { ...sent.headers, ...length }, agent }, (res) => {
      const status = res.statusCode ?? 0;
      const contentType = res.headers['content-type'] ?? '';
      if (status < 400 && isStream(status, contentType)) {
        answered = true;
        res.destroy();
        resolve({ status, contentType });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        answered = true;
        resolve({ status, contentType, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.setTimeout(NO_ANSWER_MS, () => req.destroy(new Error(`no answer within ${NO_ANSWER_MS / 1000} s`)));
    // A server that answers early (413) closes the connection while the body is still being sent.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end(sent.body);
  });
}

/** The request, for a failure message: no credentials, bodies cut to their first 400 characters. */
export function describeSent(sent: Sent): string {
  const body = sent.body === undefined ? '' : typeof sent.body === 'string' ? sent.body : Buffer.from(sent.body).toString('latin1');
  const shown = body.length > 400 ? `${body.slice(0, 400)}... (${body.length} characters)` : body;
  const { authorization: _, ...headers } = sent.headers ?? {};
  return `${sent.method} ${sent.path} ${JSON.stringify(headers)} ${JSON.stringify(shown)}`;
}

/** The request, printed by fast-check (in a counterexample) as describeSent prints it: a body of megabytes stays out of the report. */
export const printable = (sent: Sent): Sent => Object.defineProperty(sent, fc.toStringMethod, { value: () => describeSent(sent) });

/**
 * The server runs in the test's process, so a request that pollutes a prototype (a merge that
 * follows `__proto__`) shows here.
 */
export function expectPrototypesClean(sent: Sent): void {
  expect([...Object.keys(Object.prototype), ...Object.keys(Array.prototype)], `a prototype polluted by ${describeSent(sent)}`).toEqual([]);
}

/** After a run: `/readyz` answers 200, and a new namespace and a ConfigMap in it are created and read back. */
export async function expectServing(fx: ServerFixture, tag: string): Promise<void> {
  const ready = await fx.fetch(`${fx.base}/readyz`);
  expect(ready.status, await ready.text()).toBe(200);
  const ns = await fx.call('POST', '/clusters/root/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `after-${tag}` } });
  expect(ns.status, JSON.stringify(ns.body)).toBe(201);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' }, data: { fuzzed: tag } };
  const created = await fx.call('POST', CONFIGMAPS('root', `after-${tag}`), cm);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const got = await fx.call('GET', `${CONFIGMAPS('root', `after-${tag}`)}/after`);
  expect(got.status).toBe(200);
  expect(got.body.data).toEqual({ fuzzed: tag });
}
