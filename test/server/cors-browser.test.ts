/**
 * CORS in a real browser (Debian's headless Chromium, driven by playwright-core): a page served by
 * a second local HTTP server — another port, so another origin — calls the GraphQL endpoint with
 * fetch() and a bearer token. The browser sends its preflight and the real POST; the page reads the
 * answer when the server allows its origin (--cors-allowed-origins), and fetch() fails when it does
 * not. Skipped when /usr/bin/chromium is not installed (`.ci/run` installs it).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtollServer } from '../../src/server/index.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`CORS browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

/** As the GraphiQL browser test: Chromium on a closed network. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The app: its script POSTs a query to the endpoint and token given in its URL's fragment and puts
 * the outcome in the body's data-result attribute.
 */
const PAGE = `<!doctype html><html><body><script>
  const { endpoint, token } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
    body: JSON.stringify({ query: '{ v1 { Namespaces { items { metadata { name } } } } }' }),
  })
    .then((res) => res.text().then((text) => 'ok ' + res.status + ' ' + text))
    .catch((err) => 'failed ' + err.name + ': ' + err.message)
    .then((result) => { document.body.dataset.result = result; });
</script></body></html>`;

/** A server of the app's page: each one is an origin of its own (its port). */
async function pageServer(): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const escape = (s: string): string => s.replace(/[.]/g, '\\.');

describe.skipIf(!haveChromium)(`CORS in headless Chromium (needs ${CHROMIUM})`, () => {
  let allowedApp: { server: http.Server; origin: string };
  let otherApp: { server: http.Server; origin: string };
  let atoll: AtollServer;
  let dataDir = '';
  let userDataDir = '';
  let browser: BrowserContext;

  beforeAll(async () => {
    allowedApp = await pageServer();
    otherApp = await pageServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-cors-browser-'));
    // Only the first app's origin, pinned at both ends as the flag requires.
    atoll = new AtollServer(
      { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', corsAllowedOrigins: [`^${escape(allowedApp.origin)}$`] },
      pino({ level: 'silent' }),
    );
    await atoll.start();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await atoll?.stop();
    for (const app of [allowedApp, otherApp]) app?.server.close();
    for (const dir of [dataDir, userDataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the app from `origin` and returns what its fetch() came to. */
  async function runApp(origin: string): Promise<string> {
    const page = await browser.newPage();
    try {
      const config = encodeURIComponent(JSON.stringify({ endpoint: `${atoll.baseUrl}/clusters/root/graphql`, token: atoll.adminToken }));
      await page.goto(`${origin}/#${config}`);
      await page.waitForFunction(() => document.body.dataset.result !== undefined, undefined, { timeout: 15_000 });
      return (await page.evaluate(() => document.body.dataset.result)) ?? '';
    } finally {
      await page.close();
    }
  }

  it('lets a page of an allowed origin call the GraphQL endpoint with a bearer token', async () => {
    const result = await runApp(allowedApp.origin);
    expect(result).toMatch(/^ok 200 /);
    expect(JSON.parse(result.replace(/^ok 200 /, ''))).toEqual({ data: { v1: { Namespaces: { items: expect.arrayContaining([{ metadata: { name: 'default' } }]) } } } });
  });

  it('keeps the endpoint from a page of any other origin', async () => {
    expect(await runApp(otherApp.origin)).toMatch(/^failed TypeError: Failed to fetch/);
  });
});
