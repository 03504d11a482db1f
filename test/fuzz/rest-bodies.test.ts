/**
 * Property-based fuzzing of the REST surface against one real server: arbitrary bodies,
 * Content-Types, Accept headers, names and query parameters on every verb of ConfigMaps,
 * Namespaces, Workspaces and a custom resource. Whatever arrives, the answer is never a 5xx, a
 * refusal is a Kubernetes Status, nothing pollutes a prototype (the server runs in this
 * process), and the server still serves afterwards. See docs/hardening.md (Fuzzing) for more
 * runs and for replaying a failure's seed.
 */
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { establish, widgetCrd } from '../crd/fixtures.js';
import { useServer } from '../support/server-fixture.js';
import { accept, bodyFor, contentType, deleteOptions, KNOWN_NAMES, KNOWN_NAMESPACES, nameSegment, PATCH_TYPES, patchFor, queryString, TARGETS, type Body, type Target } from './rest-arbitraries.js';
import { describeSent, expectPrototypesClean, expectServing, fuzzParameters, fuzzRuns, fuzzTimeout, printable, send, type Answer, type Sent } from './support.js';

const fx = useServer();
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
afterAll(() => agent.destroy());

beforeAll(async () => {
  await establish(fx, 'root', widgetCrd());
  for (const ns of KNOWN_NAMESPACES.filter((n) => n !== 'default')) expect((await fx.call('POST', '/clusters/root/api/v1/namespaces', { metadata: { name: ns } })).status).toBe(201);
  for (const t of TARGETS) {
    for (const name of KNOWN_NAMES) {
      const created = await fx.call('POST', t.collection('default'), { apiVersion: t.apiVersion, kind: t.kind, metadata: { name } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
  }
});

/**
 * kube-apiserver answers a list or watch from a resourceVersion it has not reached with 504
 * Timeout, cause ResourceVersionTooLarge (client-go's reflector retries on exactly that), so
 * that one 5xx is the API's and allowed.
 */
function isResourceVersionTooLarge(status: number, body: Record<string, unknown>): boolean {
  const causes = (body.details as { causes?: { reason?: string }[] } | undefined)?.causes ?? [];
  return status === 504 && body.reason === 'Timeout' && causes.some((c) => c.reason === 'ResourceVersionTooLarge');
}

/** The property every answer has. */
function expectWellAnswered(sent: Sent, answer: Answer): void {
  const what = `${answer.status} for ${describeSent(sent)}: ${answer.text?.slice(0, 2000) ?? '(stream)'}`;
  expectPrototypesClean(sent);
  if (answer.status < 400) return;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text ?? '') as Record<string, unknown>;
  } catch {
    throw new Error(`not a JSON Status: ${what}`);
  }
  expect(answer.status < 500 || isResourceVersionTooLarge(answer.status, body), what).toBe(true);
  expect(answer.contentType, what).toMatch(/^application\/json/);
  expect(body, what).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: answer.status });
  expect(typeof body.reason, what).toBe('string');
  expect(typeof body.message, what).toBe('string');
}

/** A watch answers with a stream that does not end: only its status is looked at. */
const watchStream = (sent: Sent) => (): boolean => sent.method === 'GET' && /[?&]watch=(true|1)(&|$)/.test(sent.path);

async function exchange(sent: Sent): Promise<void> {
  expectWellAnswered(sent, await send(fx.base, agent, sent, watchStream(sent)));
}

const namespaceOf = (t: Target): fc.Arbitrary<string> => (t.namespaced ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KNOWN_NAMESPACES) }, { weight: 1, arbitrary: nameSegment }) : fc.constant(''));

/** `/name`, sometimes `/name/<subresource>` (the target's own, or one it does not have). */
const itemPath = (t: Target): fc.Arbitrary<string> =>
  fc.tuple(nameSegment, fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.constantFrom(...t.subresources, 'status', 'nope', 'status/x') })).map(([name, sub]) => `/${name}${sub ? `/${sub}` : ''}`);

/** A request's headers: the admin's token, the body's Content-Type (or, one time in four, any), an Accept. */
const headersFor = (body: Body | undefined): fc.Arbitrary<Record<string, string>> =>
  fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constant(body?.contentType) }, { weight: 1, arbitrary: fc.option(contentType, { nil: undefined }) }), accept).map(([type, acc]) => ({
    ...fx.headers,
    ...(type !== undefined ? { 'content-type': type } : {}),
    ...(acc !== undefined ? { accept: acc } : {}),
  }));

type Write = { method: string; where: 'collection' | 'item'; body: fc.Arbitrary<Body> };

const writesOf = (t: Target): Write[] => [
  { method: 'POST', where: 'collection', body: bodyFor(t) },
  { method: 'PUT', where: 'item', body: bodyFor(t) },
  ...PATCH_TYPES.map((type): Write => ({ method: 'PATCH', where: 'item', body: patchFor(t, type) })),
];

/** Creates, updates and the four patches, with any body, Content-Type and query. */
const writes: fc.Arbitrary<Sent> = fc
  .constantFrom(...TARGETS)
  .chain((t) => fc.tuple(fc.constant(t), fc.constantFrom(...writesOf(t)), namespaceOf(t), itemPath(t)))
  .chain(([t, w, ns, item]) =>
    fc.tuple(w.body, queryString).chain(([body, query]) =>
      headersFor(body).map((headers) => printable({ method: w.method, path: `${t.collection(ns)}${w.where === 'item' ? item : ''}${query}`, headers, body: body.text })),
    ),
  );

/** Gets, lists, watches, deletes of one object and of collections, with any query and DeleteOptions. */
const readsAndDeletes: fc.Arbitrary<Sent> = fc
  .constantFrom(...TARGETS)
  .chain((t) => fc.tuple(fc.constant(t), namespaceOf(t), itemPath(t), fc.constantFrom('GET item', 'GET collection', 'WATCH', 'DELETE item', 'DELETE collection'), queryString, fc.option(deleteOptions, { nil: undefined })))
  .chain(([t, ns, item, verb, query, options]) => {
    const [method, where] = verb.split(' ') as [string, string | undefined];
    const path = `${t.collection(ns)}${where === 'item' ? item : ''}`;
    const q = method === 'WATCH' ? `${query || '?'}${query ? '&' : ''}watch=true` : query;
    const body = method === 'DELETE' ? options : undefined;
    return headersFor(body).map((headers) => printable({ method: method === 'WATCH' ? 'GET' : method, path: `${path}${q}`, headers, ...(body ? { body: body.text } : {}) }));
  });

const WRITE_RUNS = 900;
const READ_RUNS = 600;

describe('REST fuzzing', () => {
  it(`answers ${fuzzRuns(WRITE_RUNS)} creates, updates and patches of anything with no 5xx and a Status for every refusal`, async () => {
    await fc.assert(fc.asyncProperty(writes, exchange), fuzzParameters(WRITE_RUNS));
    await expectServing(fx, 'writes');
  }, fuzzTimeout(WRITE_RUNS));

  it(`answers ${fuzzRuns(READ_RUNS)} gets, lists, watches and deletes with any query with no 5xx and a Status for every refusal`, async () => {
    await fc.assert(fc.asyncProperty(readsAndDeletes, exchange), fuzzParameters(READ_RUNS));
    await expectServing(fx, 'reads');
  }, fuzzTimeout(READ_RUNS));

});
