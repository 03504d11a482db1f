/**
 * GraphiQL in a real browser (Debian's headless Chromium, driven by playwright-core): the page a
 * workspace serves loads with nothing from outside the server, runs a query typed into its editor
 * and shows the result, sends the headers typed into its header editor (and fetches the schema
 * again with them, with no reload), says where a token comes from, and runs a subscription
 * over graphql-ws. The browser tests are skipped when /usr/bin/chromium is not installed (`.ci/run`
 * installs it); the page and its assets are also checked over plain HTTP.
 */
import diagnostics from 'node:diagnostics_channel';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type WebSocket as PageWebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIGMAPS, useServer } from '../support/server-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`GraphiQL browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

/** Chromium on a closed network: without the background-networking flags its own connections are refused and it stalls. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const fx = useServer();

/** Headers of the GraphQL POSTs the server received, seen from the server's side (Node's HTTP diagnostics channel). */
const received: IncomingMessage['headers'][] = [];
const onRequest = (message: unknown): void => {
  const { request } = message as { request: IncomingMessage };
  if (request.method === 'POST' && request.url?.startsWith('/clusters/root/graphql')) received.push(request.headers);
};

describe('GraphiQL page and assets over HTTP', () => {
  async function page(): Promise<{ html: string; assets: string[] }> {
    const res = await fetch(`${fx.base}/clusters/root/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    return { html, assets: [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1] as string) };
  }

  it('links only assets of this server, and starts GraphiQL on the workspace endpoint with graphql-ws', async () => {
    const { html, assets } = await page();
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const url of assets) expect(url).toMatch(/^\/graphiql\/assets\/[a-z.]+\.[0-9a-f]{16}\.(js|css|ico)$/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('"endpoint":"/clusters/root/graphql"');
    expect(html).toContain('"subscriptionsProtocol":"WS"');
    expect(html).toContain('"isHeadersEditorEnabled":true');
    for (const worker of ['editor', 'json', 'graphql']) expect(html).toMatch(new RegExp(`"/graphiql/assets/${worker}\\.worker\\.[0-9a-f]{16}\\.js"`));
  });

  it('serves the assets cacheable for good, compressed, and revalidated by ETag', async () => {
    const script = (await page()).assets.find((u) => u.endsWith('.js')) as string;
    const res = await fetch(`${fx.base}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await res.text()).length).toBeGreaterThan(1_000_000);
    const etag = res.headers.get('etag') as string;
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect((await fetch(`${fx.base}${script}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const head = await fetch(`${fx.base}${script}`, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1_000_000);
    expect((await fetch(`${fx.base}${script}`, { method: 'POST' })).status).toBe(405);
    // An unknown name (say, an asset of an older version) is not found.
    expect((await fx.call('GET', script.replace(/\.[0-9a-f]{16}\./, '.0000000000000000.'))).body.reason).toBe('NotFound');
  });
});

describe.skipIf(!haveChromium)(`GraphiQL in headless Chromium (needs ${CHROMIUM})`, () => {
  let userDataDir = '';
  let browser: BrowserContext;
  let page: Page;
  /** Every URL the page asked for. */
  const requested: string[] = [];
  const sockets: PageWebSocket[] = [];
  const framesReceived: string[] = [];

  beforeAll(async () => {
    diagnostics.subscribe('http.server.request.start', onRequest);
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('request', (r) => requested.push(r.url()));
    page.on('websocket', (ws) => {
      sockets.push(ws);
      ws.on('framereceived', (f) => framesReceived.push(typeof f.payload === 'string' ? f.payload : f.payload.toString()));
    });
    const res = await page.goto(`${fx.base}/clusters/root/graphql`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toContain('text/html');
    // GraphiQL is up once the query editor exists and the schema (the docs explorer's source) has loaded.
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    diagnostics.unsubscribe('http.server.request.start', onRequest);
    await browser?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Replaces the text of a Monaco editor (inserted as one edit, so no auto-closed brackets get in the way). */
  async function setEditor(selector: string, text: string): Promise<void> {
    await page.locator(`${selector} .monaco-editor .view-lines`).click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
    await expect.poll(() => editorText(selector)).toBe(text.replace(/\s+/g, ' '));
  }

  /** The visible text of a Monaco editor, whitespace collapsed. */
  async function editorText(selector: string): Promise<string> {
    const text = await page.locator(`${selector} .monaco-editor .view-lines`).innerText();
    return text.replace(/\s+/g, ' ').trim();
  }

  const response = (): Promise<string> => editorText('.graphiql-response');

  it('loads every asset from the server itself', () => {
    const outside = requested.filter((u) => !u.startsWith(`${fx.base}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(outside).toEqual([]);
    expect(requested.some((u) => u.includes('/graphiql/assets/graphiql.'))).toBe(true);
  });

  // The first run: the page loaded without credentials, so the schema could not be fetched.
  it('says where a token comes from, and fetches the schema again once the headers carry one', async () => {
    await expect.poll(() => page.locator('.atoll-token-hint').innerText()).toContain('.atoll/pki/admin.token');
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText()).toContain('Error fetching schema');
    await page.getByRole('button', { name: 'Headers' }).click();
    await setEditor('.graphiql-editor-tool .graphiql-editor:not(.hidden)', `{"Authorization": "Bearer ${fx.adminToken}"}`);
    // No reload: the docs show the schema's root types.
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText(), { timeout: 15_000 }).toContain('Query');
    expect(await page.locator('.graphiql-doc-explorer').innerText()).not.toContain('Error fetching schema');
  });

  it('runs a query typed into the editor, with the headers typed into the header editor', async () => {
    await setEditor('.graphiql-query-editor', '{ v1 { Namespaces { items { metadata { name } } } } }');
    await page.getByRole('button', { name: 'Headers' }).click();
    // The server requires credentials: the admin's token, typed where a user would type theirs.
    await setEditor('.graphiql-editor-tool .graphiql-editor:not(.hidden)', `{"Authorization": "Bearer ${fx.adminToken}"}`);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(response, { timeout: 15_000 }).toContain('"name": "default"');
    // The server received the query with the header.
    expect(received.some((h) => h.authorization === `Bearer ${fx.adminToken}`)).toBe(true);
  });

  // GraphiQL sends the header editor's headers with each graphql-ws operation (in its extensions),
  // which is how this subscription is authenticated.
  it('runs a subscription over graphql-ws and shows its events', async () => {
    await setEditor('.graphiql-query-editor', 'subscription { v1_configmaps(namespace: "default") { type object { metadata { name } } } }');
    await page.locator('.graphiql-execute-button').click();
    // Subscribed once the socket carries the first event (objects that exist come as ADDED).
    await expect.poll(() => sockets.some((ws) => ws.url().endsWith('/clusters/root/graphql'))).toBe(true);
    expect((await fx.call('POST', CONFIGMAPS('root'), { metadata: { name: 'from-graphiql-test' } })).status).toBe(201);
    await expect.poll(response, { timeout: 15_000 }).toContain('"name": "from-graphiql-test"');
    expect(await response()).toContain('"type": "ADDED"');
    expect(framesReceived.some((f) => f.includes('"type":"next"') && f.includes('from-graphiql-test'))).toBe(true);
  });
});
