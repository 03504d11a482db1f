/**
 * MutatingAdmissionWebhook: the mutating webhooks that apply are called one after the other, each
 * seeing the object as the previous ones left it; a JSON Patch answer is applied to the object in
 * place (the registry's schema validation runs after every mutating stage, so a patch that breaks
 * the schema is refused there). When the chain reinvokes (another stage changed the object after
 * them), only webhooks with reinvocationPolicy IfNeeded are called again.
 */
import { deepEqual, type KubeObject } from '../../meta/index.js';
import { annotated, ApiError, applyPatch, CLUSTER_ANNOTATION, isApiError, type AdmissionRequest } from '../../registry/index.js';
import type { MutatingStage } from '../types.js';
import { applies, call, candidates, type WebhookStageOptions } from './dispatch.js';
import { denial } from './review.js';

export class MutatingWebhooks implements MutatingStage {
  readonly name = 'MutatingAdmissionWebhook';

  constructor(private readonly options: WebhookStageOptions) {}

  async admit(request: AdmissionRequest, reinvocation: boolean): Promise<boolean> {
    const list = candidates(this.options, 'mutatingwebhookconfigurations', request);
    if (list.length === 0) return false;
    const namespace = this.options.namespaceOf(request);
    let changed = false;
    for (const c of list) {
      if (reinvocation && c.webhook.reinvocationPolicy !== 'IfNeeded') continue;
      if (!(await applies(this.options, c, request, namespace))) continue;
      const answer = await call(this.options, c, request);
      if (!answer) continue;
      if (!answer.allowed) throw denial(c.webhook.name, answer.status);
      // A DELETE has no object to patch: Kubernetes ignores the patch, so does Atoll.
      if (answer.patch && answer.patch.length > 0 && request.object) changed = patchInPlace(c.webhook.name, request.object, request.context.cluster, answer.patch) || changed;
    }
    return changed;
  }
}

/**
 * Applies a webhook's patch to `object` in place (the registry keeps its reference); true when
 * it changed. The patch was written against what the webhook saw, the object with its
 * `kcp.io/cluster` annotation, so it applies to that; the annotation is then put back as the
 * object had it (the registry stores it itself: a webhook cannot move an object to another cluster).
 */
function patchInPlace(webhook: string, object: KubeObject, cluster: string, ops: unknown[]): boolean {
  let patched: KubeObject;
  try {
    patched = applyPatch('json', annotated(object, cluster), ops);
  } catch (err) {
    if (!isApiError(err)) throw err;
    throw new ApiError('ServiceUnavailable', `admission webhook "${webhook}" returned a patch that does not apply: ${err.message}`);
  }
  const annotations = patched.metadata.annotations;
  if (annotations) {
    const own = object.metadata.annotations?.[CLUSTER_ANNOTATION];
    if (own === undefined) delete annotations[CLUSTER_ANNOTATION];
    else annotations[CLUSTER_ANNOTATION] = own;
    if (Object.keys(annotations).length === 0 && object.metadata.annotations === undefined) delete patched.metadata.annotations;
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    if (patched[field] !== object[field]) throw new ApiError('ServiceUnavailable', `admission webhook "${webhook}" may not change ${field}`);
  }
  for (const field of ['name', 'namespace'] as const) {
    if (patched.metadata[field] !== object.metadata[field]) throw new ApiError('ServiceUnavailable', `admission webhook "${webhook}" may not change metadata.${field}`);
  }
  if (deepEqual(patched, object)) return false;
  for (const key of Object.keys(object)) delete (object as unknown as Record<string, unknown>)[key];
  Object.assign(object, patched);
  return true;
}
