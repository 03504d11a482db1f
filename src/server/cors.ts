/**
 * Cross-origin requests from browser apps, answered as kube-apiserver's WithCORS answers them
 * (`--cors-allowed-origins`): each operator-given regular expression is matched against the
 * request's Origin header (unanchored, as Go's MatchString, in RE2 syntax through re2js). An
 * allowed origin gets the CORS headers on every response, and its preflight (OPTIONS) is answered
 * 204 here, before authentication — a browser never sends credentials with a preflight. Any other
 * origin gets no CORS headers at all (its preflight goes on to the handlers and is refused 401),
 * so the browser keeps the response from the page. Nothing is configured by default: no origin is
 * allowed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RE2JS } from 're2js';

const ALLOW_METHODS = 'POST, GET, OPTIONS, PUT, DELETE, PATCH';
/** The apiserver's list, plus what Kubernetes and GraphQL clients send: impersonation, Accept, ETags. */
const ALLOW_HEADERS = [
  'Content-Type',
  'Content-Length',
  'Accept',
  'Accept-Encoding',
  'X-CSRF-Token',
  'Authorization',
  'X-Requested-With',
  'If-Modified-Since',
  'If-None-Match',
  'Impersonate-User',
  'Impersonate-Group',
  'Impersonate-Uid',
];
/** Impersonate-Extra-<key> names cannot be listed ahead: the ones a preflight asks for are allowed. */
const IMPERSONATE_EXTRA = /^impersonate-extra-[!#$%&'*+.^_`|~0-9a-z-]+$/i;
/** Response headers a page may read besides the safelisted ones: Date (as the apiserver) and the API's warnings. */
const EXPOSE_HEADERS = 'Date, Warning';

/**
 * Why a list of origin patterns is not acceptable, or undefined. As the apiserver (CVE-2022-1996),
 * each one must compile and pin both ends of the host in the Origin: `^` or `//` for the start,
 * `$` or `:` for the end, so that `//example.com$` cannot be met by `https://example.com.evil`.
 */
export function corsPatternsError(patterns: readonly string[]): string | undefined {
  for (const pattern of patterns) {
    if (pattern === '') return 'empty value in the list of allowed CORS origins';
    try {
      RE2JS.compile(pattern);
    } catch (e) {
      return `invalid regular expression "${pattern}" in the allowed CORS origins: ${e instanceof Error ? e.message : String(e)}`;
    }
    const pinsStart = pattern.includes('^') || pattern.includes('//');
    const pinsEnd = pattern.includes('$') || pattern.includes(':');
    if (!pinsStart || !pinsEnd) {
      return `allowed CORS origin "${pattern}" does not pin to the start and end of the host in the Origin header (start with ^ or //, end with $ or (:|$))`;
    }
  }
  return undefined;
}

/**
 * The CORS step of the server's handler list for `patterns` (validated by corsPatternsError), or
 * undefined when there are none. It answers allowed preflights and passes everything else on.
 */
export function corsHandler(patterns: readonly string[]): ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const compiled = patterns.map((p) => RE2JS.compile(p));
  const allowed = (origin: string): boolean => compiled.some((re) => re.test(origin));
  return (req, res) => {
    // Whether the CORS headers are there depends on the Origin, which caches must know.
    res.appendHeader('vary', 'Origin');
    const origin = req.headers.origin;
    if (!origin || !allowed(origin)) return false;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-methods', ALLOW_METHODS);
    res.setHeader('access-control-allow-headers', allowHeaders(req).join(', '));
    res.setHeader('access-control-expose-headers', EXPOSE_HEADERS);
    res.setHeader('access-control-allow-credentials', 'true');
    if (req.method !== 'OPTIONS') return false;
    res.writeHead(204);
    res.end();
    return true;
  };
}

function allowHeaders(req: IncomingMessage): string[] {
  const asked = (req.headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim());
  const extras = asked.filter((h) => IMPERSONATE_EXTRA.test(h));
  return extras.length > 0 ? [...ALLOW_HEADERS, ...extras] : ALLOW_HEADERS;
}
