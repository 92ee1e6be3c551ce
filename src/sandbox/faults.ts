import { mulberry32 } from "./prng.js";

/**
 * Injected failures, drawn from a seeded PRNG so a run can be repeated exactly: the n-th
 * request of two sandboxes with the same seed meets the same fate. A fault is decided before
 * the request is routed, so a failed write never changed anything: a client that does not
 * retry a POST sees an error, and the state stays as it was.
 */
export type Fault =
  | { kind: "status"; status: 500 | 502 | 503 }
  // Retry-After 0: a correct client retries at once, and tests stay fast.
  | { kind: "status"; status: 429; retryAfterSeconds: 0 }
  | { kind: "drop" };

const KINDS: readonly Fault[] = [
  { kind: "status", status: 500 },
  { kind: "status", status: 502 },
  { kind: "status", status: 503 },
  { kind: "status", status: 429, retryAfterSeconds: 0 },
  { kind: "drop" },
];

export class FaultInjector {
  private readonly random: () => number;

  constructor(
    private readonly rate: number,
    seed: number,
  ) {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate must be between 0 and 1, got ${rate}`);
    this.random = mulberry32(seed);
  }

  next(): Fault | undefined {
    if (this.rate === 0) return undefined;
    const roll = this.random();
    const which = this.random();
    if (roll >= this.rate) return undefined;
    return KINDS[Math.floor(which * KINDS.length)] ?? KINDS[0];
  }
}
