import { setTimeout as delay } from "node:timers/promises";

/**
 * Time as the limiter and the retry loop see it. Injected so tests can pace thousands of
 * requests and honour minute-long Retry-After values without waiting for any of it.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    if (ms <= 0) {
      signal?.throwIfAborted();
      return;
    }
    await delay(ms, undefined, signal === undefined ? undefined : { signal });
  },
};
