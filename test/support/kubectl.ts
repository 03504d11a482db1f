/**
 * Runs the real kubectl against a test server, with a fresh discovery cache per server so
 * caching cannot hide a discovery bug. Tests that need kubectl skip when it is absent.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
export const haveKubectl = fs.existsSync(KUBECTL);
/** The bundled kubectl binaries the dispatcher chooses from, oldest and newest. */
export const BUNDLED_DIR = '/usr/lib/google-cloud-sdk/bin';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectlFor(kubeconfig: string, binary = KUBECTL) {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-kubectl-cache-'));
  const run = (args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        binary,
        ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
        { env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  /** Runs and requires success; the error shows kubectl's stderr. */
  const ok = async (args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> => {
    const r = await run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  return { run, ok, cacheDir, cleanup: () => fs.rmSync(cacheDir, { recursive: true, force: true }) };
}
