/**
 * GraphiQL served entirely by Atoll, so it works on a machine without internet access. graphql-yoga's
 * built-in page loads GraphiQL's script, stylesheet and editor workers from a public CDN; here
 * they come from `@graphql-yoga/render-graphiql`, an npm package that carries the same GraphiQL
 * build as strings, and are served under `/graphiql/assets/` — shared by every workspace, named
 * by a hash of their content (so browsers cache them for good and an upgrade changes the names),
 * gzip-compressed for clients that accept it. The page itself (`render`) is small: it links those
 * assets and starts GraphiQL with the options yoga hands it.
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

/** `<` escaped, so no string in the options can close the script element they sit in. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The GraphiQL page for yoga's `renderGraphiQL`: every asset from this server. */
export async function renderGraphiQL(options: GraphiQLOptions): Promise<string> {
  const { url } = await assets();
  const workers = { editorWorkerService: url['editor.worker.js'], json: url['json.worker.js'], graphql: url['graphql.worker.js'] };
  const title = escapeHtml(options.title ?? 'GraphiQL');
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
      YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${scriptJson(options)});
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
