import { z } from "zod";

/**
 * A point in time as a tool input: a duration back from now (`30m`, `1h`, `7d`) or an ISO 8601
 * time. Relative times are resolved when the tool runs, by the clock of the machine running it.
 */
const RELATIVE = /^(\d{1,5})([smhd])$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:\d{2})?$/;
const EXPECTED = 'expected a duration back from now such as "30m", "1h", "7d", or an ISO 8601 time';

export const timePoint = z
  .string()
  .refine((v) => RELATIVE.test(v) || (ISO.test(v) && !Number.isNaN(Date.parse(v))), { message: EXPECTED });

/** Seconds in a relative time, or undefined for an absolute one. */
export function relativeSeconds(value: string): number | undefined {
  const match = RELATIVE.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2] ?? "s"] ?? 1);
}

export function resolveTime(value: string, now: Date = new Date()): Date {
  const seconds = relativeSeconds(value);
  return seconds === undefined ? new Date(value) : new Date(now.getTime() - seconds * 1000);
}
