/** SDL fixtures of the SDL and CLI tests, named as error locations show them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SdlSource } from '../../src/sdl/index.js';

export const fixturePath = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export const fixture = (name: string): SdlSource => ({ name: `test/sdl/fixtures/${name}`, body: readFileSync(fixturePath(name), 'utf8') });
