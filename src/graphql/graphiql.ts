/**
 * GraphiQL served entirely by Atoll, so it works on a machine without internet access. graphql-yoga's
 * built-in page loads GraphiQL's script, stylesheet and editor workers from a public CDN; here
 * they come from `@graphql-yoga/render-graphiql`, an npm package that carries the same GraphiQL
 * build as strings, and are served under `/graphiql/assets/` — shared by every workspace, named
 * by a hash of their content (so browsers cache them for good and an upgrade changes the names),
 * gzip-compressed for clients that accept it. The page itself (`render`) is small: it links those
 * assets and starts GraphiQL with the options yoga hands it.
 *
 * Two things the stock page lacks for a first run against a server that wants credentials: it
 * says where a token comes from (`tokenHint`, beside the title), and it fetches the schema again
 * once the header editor changes — GraphiQL fetches it on load only, so after pasting a token
 * the docs and completion kept `Error fetching schema` until a reload. The page clicks GraphiQL's
 * own re-fetch button (its only handle on the schema from outside React), when the headers have
 * stopped changing and parse.
 *
 * The package is about 9 MB of JavaScript, so it is loaded on the first GraphiQL page or asset
 * request, never at server start.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { GraphiQLOptions } from 'graphql-yoga';

export const GRAPHIQL_ASSETS_PATH = '/graphiql/assets/';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** Compressed once, on the first request that accepts gzip. */
  gzipped?: Promise<Buffer>;
}

interface Assets {
  /** Asset file name (`<name>.<hash>.<ext>`) → asset. */
  byFile: Map<string, Asset>;
  /** Logical name (`graphiql.js`, `json.worker.js`, …) → URL path. */
  url: Record<AssetName, string>;
}

type AssetName = 'graphiql.js' | 'graphiql.css' | 'favicon.ico' | 'editor.worker.js' | 'json.worker.js' | 'graphql.worker.js';

const JS = 'text/javascript; charset=utf-8';
const gzipAsync = promisify(gzip);

let loading: Promise<Assets> | undefined;

/** Loads and indexes the bundled GraphiQL build (once per process). */
function assets(): Promise<Assets> {
  loading ??= (async () => {
    const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
    const favicon = /^data:([^;,]+);base64,(.*)$/s.exec(bundle.favicon);
    const sources: [AssetName, string, Buffer][] = [
      ['graphiql.js', JS, Buffer.from(bundle.js)],
      ['graphiql.css', 'text/css; charset=utf-8', Buffer.from(bundle.css)],
      ['editor.worker.js', JS, Buffer.from(bundle.editorWorkerService)],
      ['json.worker.js', JS, Buffer.from(bundle.jsonWorker)],
      ['graphql.worker.js', JS, Buffer.from(bundle.graphqlWorker)],
    ];
    if (favicon) sources.push(['favicon.ico', favicon[1] as string, Buffer.from(favicon[2] as string, 'base64')]);
    const byFile = new Map<string, Asset>();
    // An empty icon unless the package carries one: the browser then asks no one for /favicon.ico.
    const url = { 'favicon.ico': 'data:,' } as Record<AssetName, string>;
    for (const [name, type, body] of sources) {
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
      const dot = name.lastIndexOf('.');
      const file = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
      byFile.set(file, { body, type, etag: `"${hash}"` });
      url[name] = GRAPHIQL_ASSETS_PATH + file;
    }
    return { byFile, url };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

export interface AtollGraphiQLOptions extends GraphiQLOptions {
  /** Say on the page where a token comes from (when requests need credentials). */
  tokenHint?: boolean;
}

/** Where a token comes from, shown beside the title (yoga renders the title as HTML). */
const TOKEN_HINT =
  '<small class="atoll-token-hint" style="margin-left:1em;font-weight:normal">needs a token in Headers: ' +
  "the admin's is <code>pki/admin.token</code> in the server's data directory (<code>.atoll/pki/admin.token</code> by default)</small>";

/** How long the header editor must be still before the schema is fetched again with its headers. */
const REFETCH_AFTER_MS = 500;

/** `<` escaped, so no string in the options can close the script element they sit in. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The GraphiQL page for yoga's `renderGraphiQL`: every asset from this server. */
export async function renderGraphiQL(options: AtollGraphiQLOptions): Promise<string> {
  const { url } = await assets();
  const workers = { editorWorkerService: url['editor.worker.js'], json: url['json.worker.js'], graphql: url['graphql.worker.js'] };
  const { tokenHint, ...yogaOptions } = options;
  const title = escapeHtml(options.title ?? 'GraphiQL');
  const shown = tokenHint ? { ...yogaOptions, title: `${title}${TOKEN_HINT}` } : yogaOptions;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${url['favicon.ico']}" />
    <link rel="stylesheet" href="${url['graphiql.css']}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run GraphiQL.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(workers)};
      self.MonacoEnvironment = {
        globalAPI: false,
        getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService,
      };
    </script>
    <script src="${url['graphiql.js']}"></script>
    <script>
      let refetch;
      const onEditHeaders = (headers) => {
        clearTimeout(refetch);
        refetch = setTimeout(() => {
          try {
            JSON.parse(headers || '{}');
          } catch {
            return;
          }
          document.querySelector('button[aria-label^="Re-fetch GraphQL schema"]')?.click();
        }, ${REFETCH_AFTER_MS});
      };
      YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), { ...${scriptJson(shown)}, onEditHeaders });
    </script>
  </body>
</html>
`;
}

/**
 * Answers `GET`/`HEAD /graphiql/assets/<file>`; false for any other path or an unknown file (the
 * server's 404 answers it).
 */
export async function serveGraphiQLAsset(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (!url.pathname.startsWith(GRAPHIQL_ASSETS_PATH)) return false;
  const asset = (await assets()).byFile.get(url.pathname.slice(GRAPHIQL_ASSETS_PATH.length));
  if (!asset) return false;
  const headers: Record<string, string | number> = {
    'content-type': asset.type,
    'cache-control': 'public, max-age=31536000, immutable',
    etag: asset.etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 });
    res.end();
    return true;
  }
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  let body = asset.body;
  if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    asset.gzipped ??= gzipAsync(asset.body);
    body = await asset.gzipped;
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
