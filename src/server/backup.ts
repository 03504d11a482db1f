/**
 * Backup of the embedded store while the server runs. The store holds its database under an
 * exclusive lock, so no other process can read it: the server makes the copy itself, with
 * SQLite's online backup, and `GET /backup` streams it to whoever may get that non-resource URL
 * in root (the platform admin), with the copy's revision in `Atoll-Revision`.
 * `npm start -- backup <file>` is the client: it finds the server, its CA and the admin token in
 * the data directory's admin kubeconfig. Restoring is starting a server on a data directory whose
 * database is the copy (docs/backup.md).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import type { AccessControl } from '../auth/index.js';
import { ApiError } from '../registry/index.js';
import { EmbeddedStore, type Store } from '../storage/index.js';
import { ROOT_CLUSTER } from '../tenancy/index.js';
import { sendError } from './http.js';
import { KUBECONFIG_FILE } from './kubeconfig.js';

export const BACKUP_PATH = '/backup';
export const REVISION_HEADER = 'atoll-revision';

/** `GET /backup`: a consistent copy of the store's database. */
export function backupHandler(deps: { store: Store; access: AccessControl; dataDir: string }) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== BACKUP_PATH) return false;
    const user = await deps.access.authenticate({ headers: req.headers, socket: req.socket });
    deps.access.authorize(ROOT_CLUSTER, { user, verb: 'get', resourceRequest: false, apiGroup: '', resource: '', subresource: '', name: '', namespace: '', path: BACKUP_PATH });
    if (req.method !== 'GET') {
      sendError(res, new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource'));
      return true;
    }
    if (!(deps.store instanceof EmbeddedStore)) {
      sendError(res, new ApiError('BadRequest', 'backup copies the embedded store; back a MongoDB store up with MongoDB tools (docs/mongodb.md)'));
      return true;
    }
    // Made beside the database (same filesystem, same permissions), removed once sent.
    const file = path.join(deps.dataDir, `backup-${randomUUID()}.db`);
    try {
      const revision = await deps.store.backup(file);
      res.writeHead(200, { 'content-type': 'application/vnd.sqlite3', 'content-length': fs.statSync(file).size, [REVISION_HEADER]: String(revision) });
      await pipeline(fs.createReadStream(file), res);
    } finally {
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}-journal`, { force: true });
    }
    return true;
  };
}

interface Kubeconfig {
  clusters?: { name?: string; cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  users?: { user?: { token?: string } }[];
}

/** `backup <file> [--data-dir DIR]`: fetches a copy of the running server's store into `file`. */
export async function backupCommand(argv: string[], cwd: string, out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } }, allowPositionals: true, strict: true });
  const [target, ...extra] = positionals;
  if (!target || extra.length > 0) throw new Error('usage: backup <file> [--data-dir .atoll]');
  const dataDir = path.resolve(cwd, values['data-dir'] ?? process.env.ATOLL_DATA_DIR ?? '.atoll');
  const config = parse(fs.readFileSync(path.join(dataDir, KUBECONFIG_FILE), 'utf8')) as Kubeconfig;
  const cluster = (config.clusters ?? []).find((c) => c.name === 'base') ?? config.clusters?.[0];
  const server = cluster?.cluster?.server?.replace(/\/clusters\/.*$/, '');
  const token = config.users?.[0]?.user?.token;
  if (!server || !token) throw new Error(`${path.join(dataDir, KUBECONFIG_FILE)} names no server or token: is the server running on this data directory?`);
  const caData = cluster?.cluster?.['certificate-authority-data'];
  const ca = caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined;
  const file = path.resolve(cwd, target);
  const partial = `${file}.partial`;
  const revision = await new Promise<string>((resolve, reject) => {
    const request = (server.startsWith('https:') ? https : http).get(`${server}${BACKUP_PATH}`, { headers: { authorization: `Bearer ${token}` }, ...(ca ? { ca } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => reject(new Error(`the server answered ${res.statusCode}: ${body}`)));
        return;
      }
      pipeline(res, fs.createWriteStream(partial)).then(() => resolve(String(res.headers[REVISION_HEADER] ?? '')), reject);
    });
    request.on('error', reject);
  });
  // Only a whole copy takes the name.
  fs.renameSync(partial, file);
  out.write(`backed up revision ${revision} to ${file}\n`);
  return 0;
}
