/**
 * Each committed batch of writes, announced on a diagnostics channel (node:diagnostics_channel):
 * how many writes it held and how long the commit took. Metrics subscribe from the server layer,
 * so the store imports nothing of them, and publishing costs nothing while no one listens.
 */
import diagnostics from 'node:diagnostics_channel';

export const COMMIT_CHANNEL = 'atoll:storage:commit';

export interface CommitMessage {
  /** Writes in the batch. */
  writes: number;
  /** From the start of the transaction to its durable end. */
  seconds: number;
}

const channel = diagnostics.channel(COMMIT_CHANNEL);

export function publishCommit(writes: number, seconds: number): void {
  if (channel.hasSubscribers) channel.publish({ writes, seconds } satisfies CommitMessage);
}
