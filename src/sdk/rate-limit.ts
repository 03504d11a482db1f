/**
 * A token bucket (client-go's BucketRateLimiter): at most `qps` reconciles per second on average,
 * with bursts of up to `burst`. It bounds what a controller asks of the server overall, while the
 * work queue's per-item backoff bounds how often one failing object is retried.
 */
export interface RateLimit {
  qps: number;
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly limit: RateLimit) {
    if (!(limit.qps > 0) || !(limit.burst >= 1)) throw new Error('rate limit: qps must be > 0 and burst ≥ 1');
    this.tokens = limit.burst;
  }

  /** Waits until a token is free and takes it; resolves at once when `signal` aborts. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.qps);
      this.last = now;
      if (this.tokens >= 1 || signal?.aborted) {
        this.tokens -= 1;
        return;
      }
      const wait = ((1 - this.tokens) / this.limit.qps) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(wait))));
    }
  }
}
