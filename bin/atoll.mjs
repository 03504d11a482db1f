#!/usr/bin/env node
// `atoll` (package.json bin, so `npx atoll` after `npm run build`): runs the built CLI,
// dist/src/cli/main.js. Plain JavaScript, so it runs before anything is compiled.
import fs from 'node:fs';
import process from 'node:process';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';

const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!fs.existsSync(main)) {
  process.stderr.write('error: atoll is not built; run `npm run build` in the Atoll checkout first\n');
  process.exit(1);
}
await import(pathToFileURL(main).href);
