import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/fly/clock.js";
import { DEFAULT_PACE, RateLimiter } from "../../src/fly/limiter.js";

/** A clock that only moves when told; sleeps are recorded and resolve immediately. */
function manualClock(): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(Math.round(ms));
      return Promise.resolve();
    },
  };
}

describe("RateLimiter", () => {
  it("lets a burst of 3 through, then paces at 1 req/s, never rejecting", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, pace: 1 });
    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire("machines_stop", "m1")));
    // Concurrent callers reserve consecutive slots: 3 free, then 1s, 2s, 3s.
    expect(clock.sleeps).toEqual([1000, 2000, 3000]);
  });

  it("gives machines_get 5 req/s with bursts of 10", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, pace: 1 });
    await Promise.all(Array.from({ length: 12 }, () => limiter.acquire("machines_get", "m1")));
    expect(clock.sleeps).toEqual([200, 400]);
  });

  it("keeps separate buckets per action and per key", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, pace: 1 });
    for (const key of ["m1", "m2"]) for (let i = 0; i < 3; i++) await limiter.acquire("machines_stop", key);
    for (let i = 0; i < 3; i++) await limiter.acquire("machines_start", "m1");
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire("machines_stop", "m1");
    expect(clock.sleeps).toEqual([1000]);
  });

  it("refills with time, up to the burst and no further", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, pace: 1 });
    for (let i = 0; i < 3; i++) await limiter.acquire("apps_get", "a");
    clock.advance(1500);
    await limiter.acquire("apps_get", "a");
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire("apps_get", "a");
    expect(clock.sleeps).toEqual([500]);
    clock.advance(60_000);
    await Promise.all(Array.from({ length: 4 }, () => limiter.acquire("apps_get", "a")));
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it("evicts buckets that have refilled, so thousands of keys cost nothing once idle", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, pace: 1, sweepEveryMs: 1000 });
    for (let i = 0; i < 5000; i++) await limiter.acquire("machines_get", `m${i}`);
    expect(limiter.size).toBe(5000);
    clock.advance(1000);
    await limiter.acquire("machines_get", "fresh");
    expect(limiter.size).toBe(1);
  });

  it("keeps a bucket that is still refilling across a sweep", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, pace: 1, sweepEveryMs: 1000 });
    for (let i = 0; i < 4; i++) await limiter.acquire("machines_stop", "busy");
    clock.advance(1000);
    await limiter.acquire("machines_stop", "other");
    expect(limiter.size).toBe(2);
    // Had "busy" been dropped, this would go at once instead of waiting.
    await limiter.acquire("machines_stop", "busy");
    expect(clock.sleeps.at(-1)).toBeGreaterThan(0);
  });

  it("rejects with the abort reason and hands the reserved slot back", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, pace: 1 });
    for (let i = 0; i < 3; i++) await limiter.acquire("machines_stop", "m1");
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(limiter.acquire("machines_stop", "m1", controller.signal)).rejects.toThrow("cancelled");
    await limiter.acquire("machines_stop", "m1");
    expect(clock.sleeps).toEqual([1000]);
  });

  it("rejects an abort that happens while waiting and refunds the slot", async () => {
    let rejectSleep: ((e: Error) => void) | undefined;
    const sleeps: number[] = [];
    const clock: Clock = {
      now: () => 0,
      sleep: (ms) => {
        sleeps.push(ms);
        if (rejectSleep !== undefined || sleeps.length > 1) return Promise.resolve();
        return new Promise((_resolve, reject) => (rejectSleep = reject));
      },
    };
    const limiter = new RateLimiter({ clock, pace: 1 });
    for (let i = 0; i < 3; i++) await limiter.acquire("x", "k");
    const waiting = limiter.acquire("x", "k");
    rejectSleep?.(new Error("aborted"));
    await expect(waiting).rejects.toThrow("aborted");
    // Without the refund this caller would be queued behind the abandoned slot (2000ms).
    await limiter.acquire("x", "k");
    expect(sleeps).toEqual([1000, 1000]);
  });

  it("paces at 90% of the published rate by default, keeping the burst, so it never runs ahead of Fly's bucket", async () => {
    expect(DEFAULT_PACE).toBe(0.9);
    const clock = manualClock();
    const limiter = new RateLimiter({ clock });
    expect(limiter.limitFor("machines_stop")).toEqual({ perSecond: 1, burst: 3 });
    expect(limiter.pacedLimitFor("machines_stop")).toEqual({ perSecond: 0.9, burst: 3 });
    expect(limiter.pacedLimitFor("machines_get")).toEqual({ perSecond: 4.5, burst: 10 });
    await Promise.all(Array.from({ length: 5 }, () => limiter.acquire("machines_stop", "m1")));
    // 1000 / 0.9 = 1111.1 ms per token: 111 ms of margin on the first paced request, 222 on the next.
    expect(clock.sleeps).toEqual([1111, 2222]);
  });

  it("leaves every request at or after the moment a server bucket at the published rate allows it", async () => {
    // The server's bucket (1 req/s, burst 3) starts when the first request arrives, `skew` ms
    // after the client's; each request then arrives `skew` ms after it leaves, give or take `jitter`.
    const clock = manualClock();
    const limiter = new RateLimiter({ clock });
    const leave: number[] = [];
    for (let i = 0; i < 20; i++) {
      await limiter.acquire("machines_stop", "m1");
      clock.advance(clock.sleeps.at(-1) ?? 0);
      clock.sleeps.length = 0;
      leave.push(clock.now());
    }
    const jitter = 100;
    let tokens = 3;
    let at = leave[0] ?? 0;
    for (const [i, t] of leave.entries()) {
      // Worst case: the first arrives late by `jitter`, every later one early.
      const arrive = i === 0 ? t : t - jitter;
      tokens = Math.min(3, tokens + (Math.max(arrive, at) - at) / 1000);
      at = Math.max(arrive, at);
      expect(tokens, `request ${i}`).toBeGreaterThanOrEqual(1 - 1e-9);
      tokens -= 1;
    }
  });

  it("refuses a pace outside (0, 1]", () => {
    expect(() => new RateLimiter({ pace: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ pace: 1.5 })).toThrow(RangeError);
  });
});
