/**
 * Per-key request budget: `perMinute` requests a minute, with bursts up to the same number.
 * In memory per process, so N API replicas allow up to N times the budget; precise global
 * limits belong at the gateway. Time is a parameter so the arithmetic is testable.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly ratePerMs: number;

  constructor(private readonly perMinute: number) {
    this.ratePerMs = perMinute / 60_000;
  }

  get enabled(): boolean {
    return this.perMinute > 0;
  }

  /** Takes one token; when there is none, says how many whole seconds until there will be. */
  take(
    key: string,
    nowMs: number,
  ): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    if (!this.enabled) return { allowed: true };
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: nowMs };
    const elapsed = Math.max(0, nowMs - bucket.at);
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + elapsed * this.ratePerMs);
    bucket.at = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000)),
    };
  }
}
