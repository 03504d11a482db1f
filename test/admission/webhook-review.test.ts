/** AdmissionReview as sent to webhooks and the checks on their answers. */
import { describe, expect, it } from 'vitest';
import { buildReview, denial, readAnswer, reviewVersion, ReviewError } from '../../src/admission/webhooks/review.js';
import { configMaps } from '../../src/registry/builtins/configmap.js';
import type { AdmissionRequest } from '../../src/registry/index.js';

const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'demo', annotations: { a: 'b' } }, data });

const request = (over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  operation: 'UPDATE',
  type: configMaps,
  context: { cluster: 'c1', user: { name: 'alice', uid: 'u9', groups: ['dev'], extra: { scopes: ['x'] } } as AdmissionRequest['context']['user'] },
  object: cm({ k: 'new' }),
  oldObject: cm({ k: 'old' }),
  dryRun: true,
  ...over,
});

describe('AdmissionReview', () => {
  it('carries the request, the user with the logical cluster, and kcp.io/cluster on copies of the objects', () => {
    const r = request();
    const review = buildReview(r, 'v1', 'uid-1') as { apiVersion: string; request: Record<string, unknown> };
    expect(review.apiVersion).toBe('admission.k8s.io/v1');
    expect(review.request).toMatchObject({
      uid: 'uid-1',
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      requestKind: { group: '', version: 'v1', kind: 'ConfigMap' },
      name: 'app',
      namespace: 'demo',
      operation: 'UPDATE',
      userInfo: { username: 'alice', uid: 'u9', groups: ['dev'], extra: { scopes: ['x'], 'kcp.io/cluster': ['c1'] } },
      object: { data: { k: 'new' }, metadata: { annotations: { a: 'b', 'kcp.io/cluster': 'c1' } } },
      oldObject: { data: { k: 'old' }, metadata: { annotations: { 'kcp.io/cluster': 'c1' } } },
      dryRun: true,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'UpdateOptions', dryRun: ['All'] },
    });
    // The request's own objects are left as they were.
    expect(r.object?.metadata.annotations).toEqual({ a: 'b' });
    const del = buildReview(request({ operation: 'DELETE', object: undefined, dryRun: false }), 'v1beta1', 'u') as { apiVersion: string; request: Record<string, unknown> };
    expect(del.apiVersion).toBe('admission.k8s.io/v1beta1');
    expect(del.request).toMatchObject({ object: null, options: { kind: 'DeleteOptions' }, dryRun: false });
  });

  it('picks the first review version Atoll speaks', () => {
    expect(reviewVersion(['v2', 'v1beta1', 'v1'])).toBe('v1beta1');
    expect(reviewVersion(['v2'])).toBeUndefined();
  });

  it('reads answers and refuses those that break the protocol', () => {
    const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/data/x', value: 'y' }])).toString('base64');
    const ok = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u', allowed: true, patchType: 'JSONPatch', patch, warnings: ['one\nline'] } };
    expect(readAnswer(ok, 'v1', 'u')).toEqual({ allowed: true, patch: [{ op: 'add', path: '/data/x', value: 'y' }], warnings: ['one line'], auditAnnotations: {} });
    const bad = (body: unknown, version: 'v1' | 'v1beta1' = 'v1') => {
      try {
        readAnswer(body, version, 'u');
      } catch (e) {
        expect(e).toBeInstanceOf(ReviewError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad({ ...ok, apiVersion: 'admission.k8s.io/v1beta1' })).toBe('expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview');
    expect(bad({ ...ok, response: { ...ok.response, uid: 'other' } })).toBe('expected response.uid="u", got "other"');
    expect(bad({ ...ok, response: { uid: 'u' } })).toBe('response.allowed must be true or false');
    expect(bad({ ...ok, response: { ...ok.response, patchType: undefined } })).toContain('patchType must be JSONPatch');
    expect(bad({ ...ok, response: { ...ok.response, patch: 'bm90IGpzb24=' } })).toBe('response.patch is not base64-encoded JSON');
    expect(bad([1])).toBe('the answer is not a JSON object');
    // v1beta1 answers need neither type meta nor the uid.
    expect(bad({ response: { allowed: false } }, 'v1beta1')).toBe('accepted');
  });

  it('turns a refusal into the Status Kubernetes answers', () => {
    const plain = denial('deny.example.com', { message: 'no blue' });
    expect(plain.toStatus()).toMatchObject({ code: 403, reason: 'Forbidden', message: 'admission webhook "deny.example.com" denied the request: no blue' });
    expect(denial('d.example.com', undefined).message).toBe('admission webhook "d.example.com" denied the request without explanation');
    expect(denial('d.example.com', { code: 422, reason: 'Invalid', message: 'bad' }).toStatus()).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(denial('d.example.com', { code: 200, reason: 'Odd' }).toStatus()).toMatchObject({ code: 403, reason: 'Forbidden', message: 'admission webhook "d.example.com" denied the request: Odd' });
  });
});
