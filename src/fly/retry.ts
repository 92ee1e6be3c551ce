/**
 * Backoff arithmetic for the transport's retry loop (src/fly/http.ts).
 *
 * Why a small loop rather than undici's RetryAgent/RetryHandler: the handler decides by HTTP
 * method, not by the per-call `idempotent` flag; it cannot tell "a POST refused with 429"
 * (safe to resend) from "a POST whose connection reset" (not safe); its waits are plain
 * timers, so tests could not skip a Retry-After of minutes; and each attempt here must also
 * pass the client-side rate limiter. The policy fits in the functions below.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for; the error is raised instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Delay before retry number `retry` (0-based). Without Retry-After: "full jitter" exponential
 * backoff, so many clients that failed together do not come back together. With Retry-After:
 * at least what the server asked, plus a little jitter for the same reason.
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) {
    return retryAfterMs + Math.floor(random() * policy.baseDelayMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(
  value: string | undefined,
  nowEpochMs: number = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowEpochMs);
}
