/**
 * Each webhook call, told on a diagnostics channel so the server's metrics can count it without
 * this layer importing them (as the store tells its commits). Bounded labels only: a webhook's
 * name is chosen by a workspace's admins, so it is not one.
 */
import diagnostics from 'node:diagnostics_channel';

export const WEBHOOK_CALL_CHANNEL = 'atoll:admission:webhook-call';

/** allowed / denied: the webhook answered; failed: refused under Fail; ignored: skipped under Ignore. */
export type WebhookCallResult = 'allowed' | 'denied' | 'failed' | 'ignored';

export interface WebhookCallMessage {
  type: 'validating' | 'mutating';
  result: WebhookCallResult;
  /** From asking for the call (queueing included) to its answer or failure. */
  seconds: number;
}

const channel = diagnostics.channel(WEBHOOK_CALL_CHANNEL);

export function publishWebhookCall(message: WebhookCallMessage): void {
  if (channel.hasSubscribers) channel.publish(message);
}
