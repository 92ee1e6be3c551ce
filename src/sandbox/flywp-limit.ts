/**
 * FlyWP's limit: 60 requests per minute per token, with X-RateLimit-Limit and
 * X-RateLimit-Remaining on the answers and 429 beyond (https://docs-2kj.pages.dev/api/overview).
 * The docs do not say how the minute is counted; this is a fixed window that opens with a
 * token's first request, as Laravel's throttle counts, the strictest reading that fits.
 */
export interface WpLimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

export class WpRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(token: string): WpLimitVerdict {
    const now = this.now();
    let window = this.windows.get(token);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(token, window);
    }
    window.count += 1;
    const allowed = window.count <= this.limit;
    const headers: Record<string, string> = {
      "x-ratelimit-limit": String(this.limit),
      "x-ratelimit-remaining": String(Math.max(0, this.limit - window.count)),
    };
    if (!allowed) {
      const waitMs = window.start + this.windowMs - now;
      headers["retry-after"] = String(Math.max(1, Math.ceil(waitMs / 1000)));
    }
    return { allowed, headers };
  }
}
