/**
 * `npm start` compiles only when a source changed since the last build (scripts/build-if-stale.mjs):
 * run in a small project of its own (a source file, the build configuration, the repo's
 * node_modules), it builds the first time, leaves the output alone while nothing changed, and
 * builds again after an edit, a new file or a deleted one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../support/atoll-process.js';

const SCRIPT = path.join(ROOT_DIR, 'scripts/build-if-stale.mjs');

function build(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT], { cwd, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr });
    });
  });
}

describe('npm start builds only when the sources changed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-start-build-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is what npm start runs before the server', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^node scripts\/build-if-stale\.mjs && node /);
  });

  it('builds, then skips the build until a source, or the set of sources, changes', async () => {
    fs.symlinkSync(path.join(ROOT_DIR, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', target: 'ES2022', strict: true, outDir: 'dist', rootDir: '.' } }));
    fs.writeFileSync(path.join(dir, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', include: ['src'] }));
    fs.mkdirSync(path.join(dir, 'src'));
    const source = path.join(dir, 'src/a.ts');
    const output = path.join(dir, 'dist/src/a.js');
    fs.writeFileSync(source, 'export const a: number = 1;\n');

    const first = await build(dir);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('compiling');
    expect(fs.readFileSync(output, 'utf8')).toContain('a = 1');

    fs.rmSync(output);
    const second = await build(dir);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('up to date');
    // tsc did not run: it would have written the output again.
    expect(fs.existsSync(output)).toBe(false);

    fs.writeFileSync(source, 'export const a: number = 2;\n');
    const edited = await build(dir);
    expect(edited.output).toContain('compiling');
    expect(fs.readFileSync(output, 'utf8')).toContain('a = 2');

    const removed = path.join(dir, 'src/b.ts');
    fs.writeFileSync(removed, 'export const b = 1;\n');
    expect((await build(dir)).output).toContain('compiling');
    fs.rmSync(removed);
    expect((await build(dir)).output).toContain('compiling');
    expect((await build(dir)).output).toContain('up to date');
  }, 300_000);

  it('fails, and starts nothing, when the sources do not compile', async () => {
    fs.writeFileSync(path.join(dir, 'src/a.ts'), 'export const a: number = "x";\n');
    const broken = await build(dir);
    expect(broken.code).not.toBe(0);
    expect(broken.output).toContain('TS2322');
  }, 120_000);
});
