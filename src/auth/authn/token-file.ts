/**
 * Static bearer tokens from a CSV file, as Kubernetes' and kcp's `--token-auth-file`:
 *
 *     token,user,uid,"group1,group2"
 *
 * Parsed with csv-parse (quoted fields, a UTF-8 BOM, CRLF). Also accepted: blank lines and lines
 * starting with `#`, whitespace around fields. Refused, with the line number: fewer than three
 * columns, more than four (unquoted groups), an empty token or user, a token with whitespace
 * (no Authorization header can carry it), and a token listed twice (Kubernetes warns and keeps
 * the last; a duplicate is almost always a copy-paste mistake that silently changes who a token
 * is). Error messages never quote a token.
 *
 * Tokens are kept only as SHA-256 digests, in a Map from digest to user. A lookup hashes the
 * presented token and looks the digest up: whatever time the Map's hashing and string comparison
 * take depends on the digest, and learning bits of a digest tells an attacker nothing about a
 * token that hashes to it (preimage resistance) — so response timing cannot be used to guess a
 * token character by character, which `===` against each raw token would allow. No raw token
 * stays in memory after a load either.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parse, type CsvError } from 'csv-parse/sync';
import { bearerToken } from './bearer.js';
import type { AuthResult, AuthUser, Authenticator, AuthRequest } from './types.js';

export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
  constructor(
    message: string,
    /** 1-based line of the problem, when it is one line's. */
    readonly line?: number,
  ) {
    super(message);
  }
}

export const INVALID_TOKEN = 'invalid bearer token';

/** The digest under which a token is kept. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** csv-parse's errors, reworded without the offending text (it could be part of a token). */
const CSV_PROBLEMS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected character after a closing quote (quote the whole field)',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field and double inner quotes)',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected character after a closing quote (quote the whole field)',
  CSV_MAX_RECORD_SIZE: 'the line is too long',
};

interface Row {
  record: string[];
  info: { lines: number };
}

/**
 * Parses a token file into a Map from token digest (hashToken) to user. `source` names the file in
 * error messages. Throws TokenFileError.
 */
export function parseTokenFile(text: string, source = 'token file'): Map<string, AuthUser> {
  let rows: Row[];
  try {
    rows = parse(text.replace(/\r\n?/g, '\n'), {
      bom: true,
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as Row[];
  } catch (err) {
    const csv = err as CsvError & { lines?: number };
    const line = typeof csv.lines === 'number' ? csv.lines : undefined;
    const problem = CSV_PROBLEMS[csv.code] ?? `malformed CSV (${String(csv.code ?? 'unknown error')})`;
    throw new TokenFileError(`${source}${line ? `: line ${line}` : ''}: ${problem}`, line);
  }
  const users = new Map<string, AuthUser>();
  const firstLine = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines;
    const fail = (problem: string): never => {
      throw new TokenFileError(`${source}: line ${line}: ${problem}`, line);
    };
    if (record.length < 3) fail(`expected token,user,uid[,"group1,group2"], found ${record.length} column${record.length === 1 ? '' : 's'}`);
    if (record.length > 4) fail(`expected at most 4 columns, found ${record.length}: put the groups in one quoted field ("group1,group2")`);
    const [token = '', name = '', uid = '', groupField = ''] = record;
    if (token === '') fail('the token is empty');
    if (/\s/.test(token)) fail('the token contains whitespace');
    if (name === '') fail('the user name is empty');
    const digest = hashToken(token);
    const seen = firstLine.get(digest);
    if (seen !== undefined) fail(`duplicate token (first on line ${seen})`);
    firstLine.set(digest, line);
    const groups = groupField
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '');
    users.set(digest, Object.freeze({ name, ...(uid ? { uid } : {}), groups: Object.freeze([...new Set(groups)]) }));
  }
  return users;
}

/** Authenticates `Authorization: Bearer <token>` against a token file; reload() re-reads it. */
export class TokenFileAuthenticator implements Authenticator {
  private users: Map<string, AuthUser>;

  /** Reads the file now; throws TokenFileError when it is malformed (or the fs error when unreadable). */
  constructor(readonly file: string) {
    this.users = this.read();
  }

  /** How many tokens are loaded. */
  get size(): number {
    return this.users.size;
  }

  /**
   * Re-reads the file. On any error the tokens loaded before stay in force and the error is
   * thrown, so a half-edited file never locks everybody out.
   */
  reload(): void {
    this.users = this.read();
  }

  async authenticate(request: AuthRequest): Promise<AuthResult | undefined> {
    const token = bearerToken(request.headers);
    if (token === undefined) return undefined;
    const user = this.users.get(hashToken(token));
    return user ? { user } : { error: INVALID_TOKEN };
  }

  private read(): Map<string, AuthUser> {
    return parseTokenFile(fs.readFileSync(this.file, 'utf8'), this.file);
  }
}

export const tokenFileAuthenticator = (file: string): TokenFileAuthenticator => new TokenFileAuthenticator(file);

/** How often a followed token file's modification time is looked at. */
export const TOKEN_FILE_POLL_MS = 1000;

/**
 * Calls `changed` whenever the file's mtime, size or inode changes; returns what stops following.
 * Polled rather than fs.watch: editors replace files by rename, which a watch on the old inode
 * would miss. `changed` reloads (a broken edit keeps the tokens loaded before: reload()).
 */
export function followTokenFile(file: string, changed: () => void): () => void {
  const listener = (now: fs.Stats, before: fs.Stats): void => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) return;
    changed();
  };
  fs.watchFile(file, { interval: TOKEN_FILE_POLL_MS, persistent: false }, listener);
  return () => fs.unwatchFile(file, listener);
}
