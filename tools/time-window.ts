import { z } from "zod";

/**
 * Points in time as a person or a model writes them: an ISO 8601 time ("2026-12-01",
 * "2026-12-01T09:00:00Z") or an age before now ("30m", "1h", "7d", "2w"). Used by every filter
 * on a time (created or updated since/before, events, releases, changes).
 */

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

// Anchored and bounded: linear whatever the input.
const AGE = /^(\d{1,6})\s?([smhdw])$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The time `text` names, in milliseconds since the epoch, or undefined when it names none. */
export function parsePointInTime(text: string, now: number = Date.now()): number | undefined {
  const trimmed = text.trim();
  const age = AGE.exec(trimmed);
  if (age?.[1] && age[2]) return now - Number(age[1]) * UNIT_MS[age[2] as Unit];
  if (!ISO.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A point in time as a tool input, described by the tool itself; resolved by the tool's clock (nowOf). */
export const timePoint = z
  .string()
  .max(40)
  .refine((text) => parsePointInTime(text) !== undefined, {
    message: 'expected an ISO time ("2026-12-01T09:00:00Z") or an age ("30m", "1h", "7d", "2w")',
  });

/** A time input field: checked when the call is checked, turned into a time when the tool runs. */
export function timeField(what: string) {
  return z
    .string()
    .max(40)
    .refine((text) => parsePointInTime(text) !== undefined, {
      message: 'expected an ISO time ("2026-12-01T09:00:00Z") or an age ("30m", "1h", "7d", "2w")',
    })
    .describe(`${what}: an ISO time, or an age before now such as "1h", "7d" or "2w"`);
}

/** The bounds of a window; either side open. */
export interface Window {
  since?: number;
  before?: number;
}

export function windowOf(since: string | undefined, before: string | undefined, now = Date.now()): Window {
  return {
    since: since === undefined ? undefined : parsePointInTime(since, now),
    before: before === undefined ? undefined : parsePointInTime(before, now),
  };
}

/** Whether `at` (ISO text or epoch milliseconds) falls in the window; an unknown time never does, unless the window is open. */
export function inWindow(at: string | number | null | undefined, window: Window): boolean {
  if (window.since === undefined && window.before === undefined) return true;
  const ms = typeof at === "number" ? at : at ? Date.parse(at) : Number.NaN;
  if (Number.isNaN(ms)) return false;
  return (
    (window.since === undefined || ms >= window.since) && (window.before === undefined || ms < window.before)
  );
}

export function isoOf(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** "since 2026-12-07T08:00:00.000Z, before …": the window in words, for a view's note. */
export function describeWindow(window: Window): string {
  const parts = [
    window.since === undefined ? undefined : `since ${isoOf(window.since) ?? "?"}`,
    window.before === undefined ? undefined : `before ${isoOf(window.before) ?? "?"}`,
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(", ") : "any time";
}
