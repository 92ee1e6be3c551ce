import { systemClock, type Clock } from "../fly/clock.js";

/** FlyWP's published limit: 60 requests per minute per token (https://docs-2kj.pages.dev/api/overview). */
export const FLYWP_LIMIT = 60;
export const FLYWP_WINDOW_MS = 60_000;

export interface BudgetOptions {
  /** Requests per window until the first answer says otherwise (X-RateLimit-Limit). */
  limit?: number;
  windowMs?: number;
  clock?: Clock;
}

/**
 * The token's request budget, kept on the client so that a burst is paced, not refused. Each
 * request takes one unit before it is sent; each answer's X-RateLimit-Limit and
 * X-RateLimit-Remaining correct the count (another process may spend the same token). When
 * nothing is left, a request waits until the window that the spent units belong to has passed.
 *
 * FlyWP's headers do not say when a window started, so the window is counted from the moment
 * the answer that opened it arrived (later than FlyWP counted it, never earlier); when the first
 * answer seen shows units already spent elsewhere, from that answer: a full window, to be safe.
 */
export class RequestBudget {
  private limit: number;
  private left: number;
  private windowStart: number | undefined;
  private readonly windowMs: number;
  private readonly clock: Clock;
  /** How many requests waited for the window to pass (for tests and --verbose). */
  paced = 0;

  constructor(options: BudgetOptions = {}) {
    this.limit = options.limit ?? FLYWP_LIMIT;
    this.left = this.limit;
    this.windowMs = options.windowMs ?? FLYWP_WINDOW_MS;
    this.clock = options.clock ?? systemClock;
  }

  /** Waits until a request may go, then takes its unit. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      this.expire();
      if (this.left > 0) {
        this.left -= 1;
        return;
      }
      this.paced += 1;
      const until = (this.windowStart ?? this.clock.now()) + this.windowMs;
      await this.clock.sleep(Math.max(1, until - this.clock.now()), signal);
      // The window has passed: the count starts again, whatever the last answer said.
      if (this.windowStart !== undefined && this.clock.now() >= this.windowStart + this.windowMs) {
        this.windowStart = undefined;
        this.left = this.limit;
      }
    }
  }

  /** What an answer's headers say about the budget. */
  observe(limitHeader: string | undefined, remainingHeader: string | undefined): void {
    const limit = wholeNumber(limitHeader);
    const remaining = wholeNumber(remainingHeader);
    if (limit !== undefined && limit > 0) this.limit = limit;
    if (remaining === undefined) return;
    this.expire();
    // Only the first answer of a window says when it began.
    this.windowStart ??= this.clock.now();
    this.left = Math.min(this.left, remaining);
  }

  private expire(): void {
    if (this.windowStart === undefined || this.clock.now() < this.windowStart + this.windowMs) return;
    this.windowStart = undefined;
    this.left = this.limit;
  }
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,9}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
