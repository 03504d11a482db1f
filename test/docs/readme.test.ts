/**
 * The README as a newcomer follows it: every `sh` block, in order, run by bash as written against
 * a real server process, from a directory that holds only what a clone holds (`examples/`,
 * `node_modules`) so the blocks find no file the repository does not have. What a terminal user
 * does by hand is done by two small shell functions: `npm start` (which runs in the foreground)
 * stops the server the previous block started and starts it again with the block's flags in the
 * background, and `kubectl ... --watch` (which runs until interrupted) is interrupted after a few
 * seconds. `npm ci` and `npm test` are no-ops (the dependencies are installed; this is the suite).
 * The only rewrite is the port: the README's 6443 becomes a free one, so the test can run beside
 * a server of your own. Skipped (with a reason) without kubectl.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT_DIR } from '../support/atoll-process.js';
import { haveKubectl, KUBECTL } from '../support/kubectl.js';
import { freePort } from '../support/free-port.js';

const reason = haveKubectl ? '' : ` (skipped: ${KUBECTL} not found)`;

/** The README's shell blocks, in order. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}


/** What stands in for the user's hands: restarting the server, interrupting a watch. */
const PRELUDE = String.raw`
set -eu
atoll_stop() {
  if [ -f atoll.pid ]; then
    pid=$(cat atoll.pid); rm -f atoll.pid
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
atoll_start() {
  : > atoll.log
  node --import tsx "$ATOLL_MAIN" "$@" >> atoll.log 2>&1 &
  echo $! > atoll.pid
  for _ in $(seq 1200); do
    if grep -q '"Atoll is serving"' atoll.log; then return 0; fi
    if ! kill -0 "$(cat atoll.pid)" 2>/dev/null; then echo "the server exited:"; cat atoll.log; return 1; fi
    sleep 0.1
  done
  echo "the server did not start:"; cat atoll.log; return 1
}
npm() {
  case "$1" in
    ci|test) return 0 ;;
    start) shift; if [ "$#" -gt 0 ] && [ "$1" = "--" ]; then shift; fi; atoll_stop; atoll_start "$@" ;;
    *) command npm "$@" ;;
  esac
}
kubectl() {
  case " $* " in
    *" --watch "*|*" -w "*) timeout 5 "$KUBECTL_BIN" "$@" || [ $? -eq 124 ] ;;
    *) "$KUBECTL_BIN" "$@" ;;
  esac
}
trap atoll_stop EXIT
`;

describe.skipIf(!haveKubectl)(`the README's commands, as written${reason}`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-readme-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has no block that names a file the repository lacks, and every block runs', async () => {
    const blocks = shellBlocks(fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThan(5);
    for (const entry of ['examples', 'node_modules']) fs.symlinkSync(path.join(ROOT_DIR, entry), path.join(dir, entry), 'dir');
    const port = await freePort();
    const script = [
      PRELUDE,
      ...blocks.map((block, i) => `echo "### README block ${i + 1}"\n${block.replaceAll('127.0.0.1:6443', `127.0.0.1:${port}`)}`),
      'echo "### README done"',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'readme.sh'), script);
    const env = {
      ...process.env,
      ATOLL_MAIN: MAIN,
      ATOLL_PORT: String(port),
      KUBECTL_BIN: KUBECTL,
      KUBECACHEDIR: path.join(dir, 'kube-cache'),
      KUBECONFIG: '',
    };
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('bash', ['readme.sh'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (c) => resolve({ code: c, output: out }));
    });
    const log = fs.existsSync(path.join(dir, 'atoll.log')) ? fs.readFileSync(path.join(dir, 'atoll.log'), 'utf8') : '';
    const said = `exit ${code}\n${output}\n--- server log (tail)\n${log.slice(-4000)}`;
    expect(code, said).toBe(0);
    expect(output, said).toContain('### README done');
    // curl's answers: GraphQL errors would not fail the shell.
    expect(output, said).not.toContain('"errors"');
  }, 600_000);
});
