/**
 * The printed SDL of the built-in API set is checked in (schema/builtin.graphql), so a change to
 * naming or typing shows up in review. Regenerate with `UPDATE_SDL=1 npx vitest run test/graphql/sdl.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/graphql/index.js';
import { printSchema } from 'graphql';
import { builtinSet } from './support.js';

const FILE = fileURLToPath(new URL('../../schema/builtin.graphql', import.meta.url));

describe('schema/builtin.graphql', () => {
  it('is the printed schema of the built-in API set', () => {
    const collisions: string[] = [];
    const sdl = `${printSchema(compileSchema(builtinSet(), { onNameCollision: (m) => collisions.push(m) }))}\n`;
    expect(collisions).toEqual([]);
    if (process.env.UPDATE_SDL) writeFileSync(FILE, sdl);
    expect(sdl, 'run with UPDATE_SDL=1 to accept the new SDL').toBe(readFileSync(FILE, 'utf8'));
  });
});
