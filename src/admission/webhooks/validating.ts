/**
 * ValidatingAdmissionWebhook: the validating webhooks that apply to a request are called at once
 * (as the kube-apiserver does), each under its own timeout; any refusal or failure under
 * failurePolicy Fail refuses the request, the first in configuration order being the one told.
 */
import type { AdmissionRequest } from '../../registry/index.js';
import type { ValidatingStage } from '../types.js';
import { applies, call, candidates, type Candidate, type WebhookStageOptions } from './dispatch.js';
import { denial } from './review.js';

export class ValidatingWebhooks implements ValidatingStage {
  readonly name = 'ValidatingAdmissionWebhook';

  constructor(private readonly options: WebhookStageOptions) {}

  async admit(request: AdmissionRequest): Promise<void> {
    const list = candidates(this.options, 'validatingwebhookconfigurations', request);
    if (list.length === 0) return;
    const namespace = this.options.namespaceOf(request);
    const selected: Candidate[] = [];
    for (const c of list) if (await applies(this.options, c, request, namespace)) selected.push(c);
    if (selected.length === 0) return;
    const results = await Promise.allSettled(selected.map((c) => call(this.options, c, request)));
    results.forEach((r, i) => {
      if (r.status === 'rejected') throw r.reason;
      if (r.value && !r.value.allowed) throw denial((selected[i] as Candidate).webhook.name, r.value.status);
    });
  }
}
