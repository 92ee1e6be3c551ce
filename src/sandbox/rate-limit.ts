/**
 * Fly's published Machines API limits, enforced the way Fly does: a token bucket per action
 * and per machine, app or org; a request that finds its bucket empty gets 429 with Retry-After.
 */

export interface BucketLimit {
  perSecond: number;
  burst: number;
}

export const FLY_DEFAULT_LIMIT: BucketLimit = { perSecond: 1, burst: 3 };
export const FLY_LIMITS: Readonly<Record<string, BucketLimit>> = {
  machines_get: { perSecond: 5, burst: 10 },
};

// A client that paces itself to the same limits sends a request the moment its own token
// is due; this slack keeps timer jitter between the two clocks from turning that into a 429.
const SLACK_TOKENS = 0.05;

interface Bucket {
  tokens: number;
  at: number;
}

export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class ServerRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  take(action: string, key: string): LimitVerdict {
    const limit = FLY_LIMITS[action] ?? FLY_DEFAULT_LIMIT;
    const id = `${action}\u0000${key}`;
    const now = this.now();
    const previous = this.buckets.get(id);
    const tokens = previous
      ? Math.min(limit.burst, previous.tokens + ((now - previous.at) / 1000) * limit.perSecond)
      : limit.burst;
    if (tokens >= 1 - SLACK_TOKENS) {
      this.buckets.set(id, { tokens: Math.max(tokens - 1, 0), at: now });
      return { allowed: true };
    }
    this.buckets.set(id, { tokens, at: now });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limit.perSecond)) };
  }
}
