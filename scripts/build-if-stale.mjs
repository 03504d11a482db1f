/**
 * `npm start`'s build step: compiles with `tsc -p tsconfig.build.json` only when a source is newer
 * than the last successful build. Even an incremental tsc loads the whole program (3 s on a quiet
 * machine, far more on a busy one) to find that nothing changed; comparing modification times of
 * the few hundred inputs takes milliseconds. Plain JavaScript, so it runs before anything is built.
 *
 * Inputs: every file and directory (a deleted file changes its directory's time) under the build
 * configuration's `include`, both tsconfig files and package-lock.json (new dependency types).
 * The stamp is `<outDir>/.build-stamp`, given the time the successful build started, so an edit
 * made while tsc ran still counts as newer.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';

const CONFIG = 'tsconfig.build.json';
const cwd = process.cwd();

/** The newest modification time (ms) under `entry`, directories included; 0 when it is absent. */
function newest(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  let latest = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  }
  return latest;
}

const config = JSON.parse(fs.readFileSync(path.join(cwd, CONFIG), 'utf8'));
const outDir = path.resolve(cwd, config.compilerOptions?.outDir ?? 'dist');
const stamp = path.join(outDir, '.build-stamp');
const inputs = [...(config.include ?? []), CONFIG, 'tsconfig.json', 'package-lock.json'];
const sourcesChanged = Math.max(...inputs.map((entry) => newest(path.join(cwd, entry))));
const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;

if (built > sourcesChanged) {
  process.stderr.write(`atoll: ${path.relative(cwd, outDir)}/ is up to date\n`);
} else {
  process.stderr.write(`atoll: compiling to ${path.relative(cwd, outDir)}/ (tsc -p ${CONFIG})\n`);
  const started = new Date();
  const tsc = createRequire(path.join(cwd, 'package.json')).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', CONFIG], { cwd, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(stamp, '');
  fs.utimesSync(stamp, started, started);
}
