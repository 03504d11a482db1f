/**
 * What the server says when it starts, and to whom: on a terminal (a pseudo-TTY from util-linux's
 * `script`) readable lines and a summary of where things are; to a pipe, or with
 * `--log-format json`, JSON lines only. And plain HTTP sent to the HTTPS port is answered with a
 * 400 that says to use https, not a closed connection.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAIN, requestAtoll, ROOT_DIR, runAtoll, startAtoll, type AtollProcess } from '../support/atoll-process.js';

const SCRIPT = '/usr/bin/script';
const havePty = fs.existsSync(SCRIPT);

const dirs: string[] = [];
const procs: AtollProcess[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-startup-'));
  dirs.push(d);
  return d;
};

afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) await p.stop('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * Runs the server on a pseudo-terminal until `done` matches its output, then stops it; resolves
 * with the output up to the match (what follows, written while the terminal goes away, is not
 * what a user reads).
 */
function onTerminal(args: string[], done: RegExp): Promise<string> {
  const command = [process.execPath, '--import', 'tsx', MAIN, ...args].join(' ');
  const child = spawn(SCRIPT, ['-qec', command, '/dev/null'], { cwd: ROOT_DIR, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let out = '';
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-(child.pid as number), 'SIGKILL');
      reject(new Error(`no match for ${done} in time:\n${out}`));
    }, 45_000);
    const read = (d: Buffer): void => {
      out += d.toString();
      if (!seen && done.test(out)) {
        seen = out;
        clearTimeout(timer);
        process.kill(-(child.pid as number), 'SIGTERM');
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(seen || out);
    });
  });
}

const jsonLines = (text: string): unknown[] =>
  text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);

describe.skipIf(!havePty)('start-up output', () => {
  it('on a terminal, says where the server, the kubeconfig, the admin token, GraphiQL and the data are', async () => {
    const dataDir = tmpDir();
    const out = await onTerminal(['--port', '0', '--data-dir', dataDir], /Stop with Ctrl-C/);
    const url = /Atoll is serving on (https:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    expect(out).toContain(`export KUBECONFIG=${path.join(dataDir, 'admin.kubeconfig')}`);
    expect(out).toContain(path.join(dataDir, 'pki', 'admin.token'));
    expect(out).toContain(path.join(dataDir, 'pki', 'ca.crt'));
    expect(out).toContain(`${url}/clusters/root/graphql`);
    expect(out).toMatch(new RegExp(`data\\s+${dataDir}`));
    // Readable log lines, not JSON.
    expect(out).not.toContain('{"level"');
    expect(out).toMatch(/INFO.*Atoll is serving/);
  });

  it('names the admin token and the CA where --pki-dir keeps them', async () => {
    const dataDir = tmpDir();
    const pkiDir = path.join(tmpDir(), 'shared');
    const out = await onTerminal(['--port', '0', '--data-dir', dataDir, '--pki-dir', pkiDir], /Stop with Ctrl-C/);
    expect(out).toContain(path.join(pkiDir, 'admin.token'));
    expect(out).toContain(path.join(pkiDir, 'ca.crt'));
    expect(fs.existsSync(path.join(pkiDir, 'admin.token'))).toBe(true);
  });

  it('on a terminal with --log-format json, and to a pipe, writes JSON lines only', async () => {
    const json = await onTerminal(['--port', '0', '--data-dir', tmpDir(), '--log-format', 'json'], /"Atoll is serving"/);
    expect(json).not.toContain('Stop with Ctrl-C');
    expect(() => jsonLines(json)).not.toThrow();

    const piped = await startAtoll(['--port', '0', '--data-dir', tmpDir()]);
    procs.push(piped);
    await piped.stop();
    expect(piped.logs()).not.toContain('Stop with Ctrl-C');
    expect(jsonLines(piped.logs()).length).toBeGreaterThan(1);
  });

  it('refuses an unknown log format', async () => {
    const r = await runAtoll(['--log-format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.output).toContain('invalid log format "xml": expected one of auto, json, text');
  });
});

describe('plain HTTP on the HTTPS port', () => {
  it('is answered 400, saying to use https', async () => {
    const p = await startAtoll(['--port', '0', '--data-dir', tmpDir()]);
    procs.push(p);
    const port = new URL(p.url).port;
    const answer = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${port}/readyz`, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        })
        .on('error', reject);
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Client sent an HTTP request to an HTTPS server: use https://');
    // The server goes on serving HTTPS.
    expect((await requestAtoll(p, '/readyz')).status).toBe(200);
  });
});
