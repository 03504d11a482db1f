/**
 * `/healthz`, `/livez` and `/readyz` as the apiserver serves them: "ok", or with `?verbose` one
 * `[+]name ok` / `[-]name failed` line per check, and 500 when one fails (the endpoints are open to
 * anyone, so the reason is withheld). Readiness also fails while shutting down, so a load balancer
 * drains this server before it stops, and while the store cannot write (disk full).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from './http.js';

export interface HealthCheck {
  name: string;
  check(): boolean;
}

const ENDPOINTS: Record<string, 'live' | 'ready'> = { '/healthz': 'ready', '/livez': 'live', '/readyz': 'ready' };

export function healthHandler(live: HealthCheck[], ready: HealthCheck[]) {
  return (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const kind = ENDPOINTS[url.pathname];
    if (!kind) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'method not allowed\n');
      return true;
    }
    const checks = kind === 'live' ? live : [...live, ...ready];
    const results = checks.map((c) => ({ name: c.name, ok: safe(c) }));
    const ok = results.every((r) => r.ok);
    const name = url.pathname.slice(1);
    if (url.searchParams.has('verbose') || !ok) {
      const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
      lines.push(ok ? `${name} check passed` : `${name} check failed`);
      sendText(res, ok ? 200 : 500, `${lines.join('\n')}\n`);
    } else {
      sendText(res, 200, 'ok');
    }
    return true;
  };
}

function safe(c: HealthCheck): boolean {
  try {
    return c.check();
  } catch {
    return false;
  }
}
