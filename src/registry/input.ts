/**
 * What clients send, read and decoded alike on both surfaces: request bodies under a byte limit
 * counted as they arrive, YAML streams, and the bound on nesting (MAX_NESTING_DEPTH) that every
 * decoded value must keep. Refusals are ApiErrors: REST answers them as a Status, GraphQL with the
 * matching `extensions.code` (413 PAYLOAD_TOO_LARGE, 400 BAD_REQUEST).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Composer, Lexer, LineCounter, Parser, type CST } from 'yaml';
import { MAX_NESTING_DEPTH, nestedDeeperThan } from '../meta/index.js';
import { errors } from './errors.js';

/** How far past the limit a declared body may go and still be read (and dropped) rather than cut off. */
const LINGER_BYTES = 16 * 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes, counted as they arrive: a chunked body declares
 * no length, and a declared one may lie. Past the limit it stops reading and marks the response
 * `Connection: close`, so Node closes the socket once the 413 is written instead of draining the
 * rest of a body that may be gigabytes long; what was buffered is dropped with the rejection.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer<ArrayBuffer>> {
  const tooLarge = () => {
    if (!res.headersSent) res.setHeader('connection', 'close');
    return errors.tooLarge(`request entity too large: limit is ${limit}`);
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    if (declared - limit > LINGER_BYTES) return Promise.reject(tooLarge());
    // A body declared a little too large is read and dropped while the 413 goes out: closing a
    // connection with unread data makes the kernel reset it, and a client still sending (fetch,
    // kubectl) may then see the reset instead of the answer. The connection stays usable.
    req.resume();
    return Promise.reject(errors.tooLarge(`request entity too large: limit is ${limit}`));
  }
  const gone = () => errors.badRequest('the client closed the connection before the request body was complete');
  // Gone before we got to read it (the request waited on authentication): no event will come.
  if (req.destroyed && !req.readableEnded) return Promise.reject(gone());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: unknown): void => {
      req.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (err !== undefined) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.pause();
      chunks.length = 0;
      done(tooLarge());
    };
    const onEnd = (): void => done();
    // A client that goes away mid-body ends the request without 'end' (and not always with 'error').
    const onClose = (): void => done(gone());
    req.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
}

/** Refuses `value` (named by `what` in the message) when it nests deeper than MAX_NESTING_DEPTH. */
export function checkNesting(value: unknown, what: string): void {
  if (nestedDeeperThan(value)) throw tooDeep(what);
}

const tooDeep = (what: string) => errors.badRequest(`${what} is nested deeper than ${MAX_NESTING_DEPTH} levels of objects and arrays`);

/** Alias references a YAML document may expand (the `yaml` package's measure of a "billion laughs"). */
const MAX_YAML_ALIASES = 100;

/**
 * Every non-empty document of a YAML stream as a JSON value. Refused with a 400 naming the
 * document (`name(i)`, `i` counting every document of the stream): syntax errors (with line and
 * column), aliases that expand too far, and nesting deeper than MAX_NESTING_DEPTH. Nesting is
 * measured on the parser's tokens, before the `yaml` composer runs: the composer recurses per
 * level and would overflow the stack a few hundred levels further on (after which V8 has been seen
 * to abort the process in a later regular expression compile).
 */
export function parseYamlDocuments(source: string, name: (index: number) => string): unknown[] {
  const lines = new LineCounter();
  const tokens = parseTokens(source, lines, name);
  const deep = documentDeeperThan(tokens, MAX_NESTING_DEPTH);
  if (deep !== undefined) throw tooDeep(name(deep));
  const values: unknown[] = [];
  for (const [i, doc] of Array.from(new Composer({ uniqueKeys: true, logLevel: 'error' }).compose(tokens)).entries()) {
    const e = doc.errors[0];
    if (e) {
      const at = lines.linePos(e.pos[0]);
      throw errors.badRequest(`${name(i)} is not valid YAML at line ${at.line}, column ${at.col}: ${e.message.split('\n')[0] ?? ''}`);
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      // `yaml` throws ReferenceError for an excessive alias count and for an unknown alias.
      throw errors.badRequest(`${name(i)} is refused: ${err.message.includes('Excessive alias count') ? `its YAML aliases expand too far (more than ${MAX_YAML_ALIASES} references)` : err.message}`);
    }
    // Aliases nest one anchored value in another without nesting the text.
    checkNesting(value, name(i));
    values.push(value);
  }
  return values;
}

/**
 * The parser's tokens of the whole stream, fed one lexeme at a time (as the `yaml` package
 * documents) so that a stream that opens collections far past the limit is refused as soon as it
 * does: the parser keeps one stack entry per open collection (plus the document and the node
 * being read), and spends microseconds per lexeme at such depths — seconds for a 3 MiB body of
 * `[`. The exact measure is documentDeeperThan's, once the stream is parsed.
 */
function parseTokens(source: string, lines: LineCounter, name: (index: number) => string): CST.Token[] {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(source)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_NESTING_DEPTH + 8) throw tooDeep(name(tokens.filter((t) => t.type === 'document').length));
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/**
 * The index of the first document whose collections (block or flow maps and sequences, keys
 * included) nest more than `max` deep, by a walk over the parser's tokens that keeps its own
 * stack; undefined when none does.
 */
function documentDeeperThan(tokens: readonly CST.Token[], max: number): number | undefined {
  let index = -1;
  for (const token of tokens) {
    if (token.type !== 'document') continue;
    index++;
    const stack: { token: CST.Token; depth: number }[] = token.value ? [{ token: token.value, depth: 0 }] : [];
    while (stack.length > 0) {
      const { token: t, depth } = stack.pop()!;
      if (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection') continue;
      if (depth + 1 > max) return index;
      for (const item of t.items) {
        if (item.key) stack.push({ token: item.key, depth: depth + 1 });
        if (item.value) stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
