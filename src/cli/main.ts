/** The `atoll` command's entry point (bin/atoll.mjs runs its build, dist/src/cli/main.js). */
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
});
