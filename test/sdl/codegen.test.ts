/**
 * Typed clients from the SDL alone: GraphQL Code Generator with sdlCodegen (the schema Atoll would
 * serve for the Widget export, no server running) generates typed documents for a small operation
 * in a project of its own; the operation and a client using it typecheck under the strict
 * tsconfig, and wrong field or variable uses are errors.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { sdlCodegen } from '../../src/sdl/index.js';
import { fixturePath } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC_BIN = path.join(ROOT, 'node_modules/typescript/bin/tsc');

const OPERATION = `query Widgets($namespace: String) {
  widgets_example_dev {
    v1 {
      Widgets(namespace: $namespace) {
        items { metadata { name } spec { size color tags } status { ready } }
      }
    }
  }
}
`;

const CLIENT = `import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { WidgetsDocument } from './generated/graphql.js';

type Result = ResultOf<typeof WidgetsDocument>;
export const sizes = (r: Result): (number | null | undefined)[] => r.widgets_example_dev.v1.Widgets?.items.map((w) => w.spec?.size) ?? [];
export const tags = (r: Result): readonly string[] => r.widgets_example_dev.v1.Widgets?.items[0]?.spec?.tags ?? [];
export const variables: VariablesOf<typeof WidgetsDocument> = { namespace: 'default' };
// @ts-expect-error the spec has no field colour
export const wrongField = (r: Result): unknown => r.widgets_example_dev.v1.Widgets?.items[0]?.spec?.colour;
// @ts-expect-error namespace is a String
export const wrongVariable: VariablesOf<typeof WidgetsDocument> = { namespace: 1 };
`;

function tsc(cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC_BIN, '-p', 'tsconfig.json'], { cwd, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout + stderr }));
  });
}

describe('typed clients from the SDL alone', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-sdl-codegen-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates typed documents for the Widget export and typechecks a document against them', async () => {
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), compilerOptions: { rootDir: '.', noEmit: true, sourceMap: false }, include: ['*.ts', 'generated/*.ts'] }),
    );
    fs.writeFileSync(path.join(dir, 'widgets.graphql'), OPERATION);
    fs.writeFileSync(path.join(dir, 'client.ts'), CLIENT);
    const output = path.join(dir, 'generated/graphql.ts');
    await generate({ ...sdlCodegen({ sdl: [fixturePath('widget.graphql')], documents: [path.join(dir, '*.graphql')], output, view: true }), silent: true, cwd: dir }, true);
    const generated = fs.readFileSync(output, 'utf8');
    expect(generated).toContain('export const WidgetsDocument');
    expect(generated).not.toMatch(/:\s*any\b/);
    const res = await tsc(dir);
    expect(res.code, res.out).toBe(0);
    // Without the directives, the two wrong uses fail.
    fs.writeFileSync(path.join(dir, 'client.ts'), CLIENT.replaceAll('// @ts-expect-error', '// expected error'));
    const loose = await tsc(dir);
    expect(loose.out.match(/error TS\d+/g)?.sort()).toEqual(['error TS2322', 'error TS2551']);
  });
});
