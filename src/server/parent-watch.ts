/**
 * A child of `npm run cluster` must not outlive the cluster process, however that ends (a SIGKILL
 * runs none of its handlers). The cluster gives each child a pipe as standard input and
 * ATOLL_STOP_ON_STDIN_END=true: the pipe ends when the cluster is gone, and the child then stops
 * as on SIGTERM.
 */
export const STOP_ON_STDIN_END = 'ATOLL_STOP_ON_STDIN_END';

export function stopWhenStdinEnds(env: NodeJS.ProcessEnv): void {
  if (env[STOP_ON_STDIN_END] !== 'true') return;
  process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.resume();
  // Watching the pipe must not keep a stopped child alive.
  (process.stdin as { unref?: () => void }).unref?.();
}
