/**
 * Starts a real Atoll server process for tests (TypeScript sources through tsx, or any command)
 * and waits for its "serving" log line, which carries the URL it listens on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { fetchTrusting } from './tls-fetch.js';

export const MAIN = fileURLToPath(new URL('../../src/server/main.ts', import.meta.url));
export const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface AtollProcess {
  child: ChildProcess;
  url: string;
  kubeconfig: string;
  /** The admin's bearer token, from the admin kubeconfig the server wrote. */
  adminToken: string;
  /** `Authorization: Bearer <admin token>`, for requests the test makes itself. */
  headers: Record<string, string>;
  /** The CA (PEM) that signed the serving certificate, from the kubeconfig; undefined with --plain-http. */
  ca: string | undefined;
  logs: () => string;
  /** Sends a signal and resolves with the exit code and signal. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `serving`: the log message that says the process serves (the front proxy's differs from a shard's). */
export function startAtoll(args: string[], opts: { env?: NodeJS.ProcessEnv; command?: string[]; timeoutMs?: number; serving?: string } = {}): Promise<AtollProcess> {
  const command = opts.command ?? [process.execPath, '--import', 'tsx', MAIN];
  const child = spawn(command[0] as string, [...command.slice(1), ...args], {
    cwd: ROOT_DIR,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a signal reaches the server even behind `npm start` and a shell.
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`Atoll did not start in time:\n${out}`));
    }, opts.timeoutMs ?? 30_000);
    const poll = setInterval(() => {
      const line = out.split('\n').find((l) => l.includes(`"${opts.serving ?? 'Atoll is serving'}"`));
      if (!line) return;
      clearInterval(poll);
      clearTimeout(timer);
      const parsed = JSON.parse(line) as { url: string; kubeconfig: string };
      const adminToken = kubeconfigToken(parsed.kubeconfig);
      const ca = kubeconfigCa(parsed.kubeconfig);
      resolve({
        child,
        url: parsed.url,
        kubeconfig: parsed.kubeconfig,
        adminToken,
        headers: { authorization: `Bearer ${adminToken}` },
        ca,
        logs: () => out,
        stop: (signal = 'SIGTERM') => {
          try {
            process.kill(-(child.pid as number), signal);
          } catch {
            // already gone
          }
          return exited;
        },
      });
    }, 25);
    void exited.then(({ code }) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`Atoll exited (code ${code}) before serving:\n${out}`));
    });
  });
}

/** Runs the server's CLI to completion (for flag errors and --help). */
export function runAtoll(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT_DIR, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

interface Kubeconfig {
  clusters?: { cluster?: { 'certificate-authority-data'?: string } }[];
  users?: { user?: { token?: string } }[];
}

/** The bearer token of a kubeconfig's first user. */
export function kubeconfigToken(file: string): string {
  const config = parse(fs.readFileSync(file, 'utf8')) as Kubeconfig;
  const token = config.users?.[0]?.user?.token;
  if (!token) throw new Error(`${file} holds no bearer token`);
  return token;
}

/** The CA (PEM) of a kubeconfig's first cluster, if it has one. */
function kubeconfigCa(file: string): string | undefined {
  const data = (parse(fs.readFileSync(file, 'utf8')) as Kubeconfig).clusters?.[0]?.cluster?.['certificate-authority-data'];
  return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

/** A request to a started process, over HTTPS trusting only its CA (or plain HTTP with --plain-http). */
export async function requestAtoll(
  p: Pick<AtollProcess, 'url' | 'ca'>,
  urlPath: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  const res = await (p.ca ? fetchTrusting(p.ca) : fetch)(new URL(urlPath, p.url).href, init);
  return { status: res.status, text: await res.text() };
}
