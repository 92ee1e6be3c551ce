import { systemClock, type Clock } from "./clock.js";

/** Sustained requests per second, and how many may go at once after a quiet spell. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** Fly's published Machines API limits: 1 req/s per action per machine or app with bursts of 3; Get Machine 5 req/s, bursts of 10. */
export const DEFAULT_LIMIT: RateLimit = { perSecond: 1, burst: 3 };
export const FLY_ACTION_LIMITS: Readonly<Record<string, RateLimit>> = {
  machines_get: { perSecond: 5, burst: 10 },
};

/**
 * The share of a published rate the client paces itself at. Fly's bucket and ours refill at the
 * same nominal rate but on two clocks, and a request reaches Fly a variable time after it leaves
 * (a busy event loop, a slow connection): one sent the moment our token is due can arrive a hair
 * before Fly's, and meet a 429. At 90% each token comes 1/0.9 - 1 ≈ 11% of its interval later
 * (111 ms at 1 req/s, 22 ms at 5 req/s), and the slack grows over a sustained run, so modest
 * skew never tells. Bursts are not reduced: a full bucket is full on both sides.
 */
export const DEFAULT_PACE = 0.9;

export interface RateLimiterOptions {
  defaultLimit?: RateLimit;
  limits?: Readonly<Record<string, RateLimit>>;
  /** Fraction of each limit's rate to pace at, in (0, 1]; default DEFAULT_PACE. 1 paces at the published rate exactly. */
  pace?: number;
  clock?: Clock;
  /** How often idle buckets are swept away, in ms. */
  sweepEveryMs?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  limit: RateLimit;
}

/**
 * Token buckets per (action, key). A request that finds the bucket empty reserves the next
 * token and waits for it: a burst of work is paced, never rejected. Reservations let the
 * balance go negative, so concurrent callers queue in arrival order without a lock.
 *
 * A bucket that has refilled completely is indistinguishable from a new one, so the sweep
 * drops it; a fleet of thousands of machines costs memory only for the ones touched lately.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly defaultLimit: RateLimit;
  private readonly limits: Readonly<Record<string, RateLimit>>;
  private readonly clock: Clock;
  private readonly sweepEveryMs: number;
  private readonly pace: number;
  private lastSweep: number;

  constructor(options: RateLimiterOptions = {}) {
    this.defaultLimit = options.defaultLimit ?? DEFAULT_LIMIT;
    this.limits = options.limits ?? FLY_ACTION_LIMITS;
    this.clock = options.clock ?? systemClock;
    this.sweepEveryMs = options.sweepEveryMs ?? 10_000;
    this.pace = options.pace ?? DEFAULT_PACE;
    if (!(this.pace > 0 && this.pace <= 1)) throw new RangeError(`pace must be in (0, 1], got ${this.pace}`);
    this.lastSweep = this.clock.now();
  }

  /** Buckets currently held (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size;
  }

  /** The published limit of an action (what Fly enforces). */
  limitFor(action: string): RateLimit {
    return this.limits[action] ?? this.defaultLimit;
  }

  /** What the client actually paces an action at: the published rate times `pace`, the same burst. */
  pacedLimitFor(action: string): RateLimit {
    const limit = this.limitFor(action);
    return { perSecond: limit.perSecond * this.pace, burst: limit.burst };
  }

  /** Waits until a request for (action, key) may go. Rejects only if `signal` aborts. */
  async acquire(action: string, key: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = this.clock.now();
    this.maybeSweep(now);
    const id = `${action}\u0000${key}`;
    const bucket = this.refill(this.buckets.get(id) ?? this.fresh(action, now), now);
    this.buckets.set(id, bucket);
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return;
    const waitMs = (-bucket.tokens / bucket.limit.perSecond) * 1000;
    try {
      await this.clock.sleep(waitMs, signal);
    } catch (error) {
      // Give the reserved token back so an abandoned request does not slow the ones behind it.
      bucket.tokens += 1;
      throw error;
    }
  }

  private fresh(action: string, now: number): Bucket {
    const limit = this.pacedLimitFor(action);
    return { tokens: limit.burst, updatedAt: now, limit };
  }

  private refill(bucket: Bucket, now: number): Bucket {
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(bucket.limit.burst, bucket.tokens + (elapsed / 1000) * bucket.limit.perSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  private maybeSweep(now: number): void {
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    for (const [id, bucket] of this.buckets) {
      const fullAt =
        bucket.updatedAt + ((bucket.limit.burst - bucket.tokens) / bucket.limit.perSecond) * 1000;
      if (now >= fullAt) this.buckets.delete(id);
    }
  }
}
