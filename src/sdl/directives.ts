/**
 * The directive definitions of Atoll's SDL (schema/atoll-directives.graphql, published for editors
 * and other tools), read once from the package and parsed with graphql's parser.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, Source, type DocumentNode } from 'graphql';

export const DIRECTIVES_FILE = 'schema/atoll-directives.graphql';

/** The package root: sources run from src/sdl, the build from dist/src/sdl. */
function packageFile(relative: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`${relative} not found above ${path.dirname(fileURLToPath(import.meta.url))}`);
    dir = up;
  }
}

let cached: { text: string; document: DocumentNode } | undefined;

function load(): { text: string; document: DocumentNode } {
  if (!cached) {
    const text = fs.readFileSync(packageFile(DIRECTIVES_FILE), 'utf8');
    cached = { text, document: parse(new Source(text, DIRECTIVES_FILE)) };
  }
  return cached;
}

/** The SDL text of the directive definitions. */
export const directiveDefinitions = (): string => load().text;

/** The parsed directive definitions. */
export const directivesDocument = (): DocumentNode => load().document;

/** Names the definitions declare (directives, enums, scalars): SDL of a provider may not redefine them. */
export function definedNames(): Set<string> {
  const names = new Set<string>();
  for (const d of directivesDocument().definitions) if ('name' in d && d.name) names.add(d.name.value);
  return names;
}
