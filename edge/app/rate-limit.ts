// Rate limits for the event route, per key and (for publishable keys) per client IP. The Worker uses Cloudflare's
// rate-limiting binding when wrangler.toml declares it; the Node host (and a Worker without the binding) counts in
// memory: a fixed window per key, the keys held in an LRU bounded by bytes, so random keys cannot grow it.

import { ByteLru } from "./lru.ts";

export interface RateLimiter {
  /** True when one more request under `key` is allowed now. */
  limit(key: string): Promise<boolean>;
  /** Seconds a refused client should wait (Retry-After). */
  readonly periodSeconds: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows: ByteLru<string, { start: number; count: number }>;

  constructor(
    private readonly perPeriod: number,
    readonly periodSeconds = 60,
    budgetBytes = 4 << 20,
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new ByteLru(budgetBytes, periodSeconds * 1000, now);
  }

  async limit(key: string): Promise<boolean> {
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.periodSeconds * 1000) {
      this.windows.set(key, { start: t, count: 1 }, 96 + key.length * 2);
      return true;
    }
    w.count++;
    return w.count <= this.perPeriod;
  }
}

/** The Workers rate-limiting binding (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimitBinding {
  limit(o: { key: string }): Promise<{ success: boolean }>;
}

export class BindingRateLimiter implements RateLimiter {
  constructor(
    private readonly binding: RateLimitBinding,
    readonly periodSeconds: number,
  ) {}

  async limit(key: string): Promise<boolean> {
    return (await this.binding.limit({ key })).success;
  }
}
