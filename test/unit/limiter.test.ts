import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/fly/clock.js";
import { RateLimiter } from "../../src/fly/limiter.js";

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
    const limiter = new RateLimiter({ clock });
    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire("machines_stop", "m1")));
    // Concurrent callers reserve consecutive slots: 3 free, then 1s, 2s, 3s.
    expect(clock.sleeps).toEqual([1000, 2000, 3000]);
  });

  it("gives machines_get 5 req/s with bursts of 10", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock });
    await Promise.all(Array.from({ length: 12 }, () => limiter.acquire("machines_get", "m1")));
    expect(clock.sleeps).toEqual([200, 400]);
  });

  it("keeps separate buckets per action and per key", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock });
    for (const key of ["m1", "m2"]) for (let i = 0; i < 3; i++) await limiter.acquire("machines_stop", key);
    for (let i = 0; i < 3; i++) await limiter.acquire("machines_start", "m1");
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire("machines_stop", "m1");
    expect(clock.sleeps).toEqual([1000]);
  });

  it("refills with time, up to the burst and no further", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock });
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
    const limiter = new RateLimiter({ clock, sweepEveryMs: 1000 });
    for (let i = 0; i < 5000; i++) await limiter.acquire("machines_get", `m${i}`);
    expect(limiter.size).toBe(5000);
    clock.advance(1000);
    await limiter.acquire("machines_get", "fresh");
    expect(limiter.size).toBe(1);
  });

  it("keeps a bucket that is still refilling across a sweep", async () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ clock, sweepEveryMs: 1000 });
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
    const limiter = new RateLimiter({ clock });
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
    const limiter = new RateLimiter({ clock });
    for (let i = 0; i < 3; i++) await limiter.acquire("x", "k");
    const waiting = limiter.acquire("x", "k");
    rejectSleep?.(new Error("aborted"));
    await expect(waiting).rejects.toThrow("aborted");
    // Without the refund this caller would be queued behind the abandoned slot (2000ms).
    await limiter.acquire("x", "k");
    expect(sleeps).toEqual([1000, 1000]);
  });
});
