import { timeField, windowOf, inWindow, type Window } from "./time-window.js";

/**
 * The time filters the machine and volume listings share: created or updated since / before.
 * Fly's per-app listings take none of them, so they are applied to what the listing returned;
 * the org-wide machine listing also sends `updated_after` (Fly's own filter, machines-openapi.json
 * Machines_org_list) so fewer pages come back.
 */

export const createdFilters = {
  created_since: timeField("Only items created at or after this time").optional(),
  created_before: timeField("Only items created before this time").optional(),
};

export const updatedFilters = {
  updated_since: timeField(
    'Only items updated at or after this time ("which machines were updated in the last 7 days?" → "7d")',
  ).optional(),
  updated_before: timeField("Only items updated before this time").optional(),
};

export interface TimeFilters {
  created_since?: string;
  created_before?: string;
  updated_since?: string;
  updated_before?: string;
}

interface Timed {
  created_at?: string | null;
  updated_at?: string | null;
}

/** Keeps the items inside every window given; with no time filter, every item. */
export function filterByTime<T extends Timed>(
  items: readonly T[],
  filters: TimeFilters,
  now = Date.now(),
): T[] {
  const created: Window = windowOf(filters.created_since, filters.created_before, now);
  const updated: Window = windowOf(filters.updated_since, filters.updated_before, now);
  return items.filter((item) => inWindow(item.created_at, created) && inWindow(item.updated_at, updated));
}

/** Fly's `updated_after` for an org listing: the start of the updated window, as RFC 3339. */
export function updatedAfter(filters: TimeFilters, now = Date.now()): string | undefined {
  const since = windowOf(filters.updated_since, undefined, now).since;
  return since === undefined ? undefined : new Date(since).toISOString();
}
