import type { Clock } from "../../src/fly/clock.js";
import { RateLimiter } from "../../src/fly/limiter.js";

/**
 * A clock that moves only when something sleeps on it: a sleep advances it by its length and
 * returns at once. The limiter's token accounting runs exactly as on the system clock; only the
 * waiting is skipped.
 */
export function virtualClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms, signal) => {
      signal?.throwIfAborted();
      now += Math.max(0, ms);
      return Promise.resolve();
    },
  };
}

/**
 * The client's pacing of Fly's published limits on a virtual clock. For tests that are not about
 * pacing, with a sandbox started with `rateLimits: false` (its limiter runs on real time, so a client
 * that does not wait would meet 429s and wait for Retry-After instead). Pacing itself is tested in
 * test/unit/limiter.test.ts, the sandbox's limits in test/integration/sandbox-limits-faults.test.ts.
 */
export function virtualLimiter(): RateLimiter {
  return new RateLimiter({ clock: virtualClock() });
}
