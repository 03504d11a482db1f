/**
 * Errors of SDL conversion, each with the place in the SDL it is about (`file:line:col`), so an
 * editor or a terminal can jump there.
 */
import { getLocation, type ASTNode, type GraphQLError } from 'graphql';

export interface SdlLocation {
  file: string;
  line: number;
  column: number;
}

export interface SdlProblem {
  message: string;
  location?: SdlLocation;
}

export const formatProblem = (p: SdlProblem): string =>
  p.location ? `${p.location.file}:${p.location.line}:${p.location.column}: ${p.message}` : p.message;

/** Every problem found in one conversion; the message lists them one per line. */
export class SdlError extends Error {
  constructor(readonly problems: readonly SdlProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SdlError';
  }
}

export function locationOf(node: ASTNode | undefined): SdlLocation | undefined {
  const loc = node?.loc;
  if (!loc) return undefined;
  const { line, column } = getLocation(loc.source, loc.start);
  return { file: loc.source.name, line, column };
}

/** A graphql-js error at its first location in the provider's SDL (not in the directive definitions). */
export function fromGraphQLError(e: GraphQLError, ignoreFile?: string): SdlProblem {
  const node = e.nodes?.find((n) => n.loc && n.loc.source.name !== ignoreFile);
  if (node) return { message: e.message, location: locationOf(node) };
  const loc = e.locations?.[0];
  const file = e.source?.name;
  return loc && file && file !== ignoreFile ? { message: e.message, location: { file, line: loc.line, column: loc.column } } : { message: e.message };
}
