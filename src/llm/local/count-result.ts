import { sizeGbOf } from "./fields.js";
import { needAll, type PlannedCall, type Reads } from "./session.js";
import { isRecord, recordsOf, unwrapView, type Json, type JsonRecord } from "./tool-result.js";

/**
 * Reading `count_by` results: a view of group rows ({ region: "iad", count: 12, … }) with the
 * total counted and how many groups there are. Several results (one per app) add up.
 */

/** The most groups asked for when counting per app (the catalog's `limit` maximum is larger). */
export const MAX_GROUPS = 200;

export interface Tally {
  count: number;
  /** Items per state within the group, when the tool said (machines). */
  states: Map<string, number>;
  /** Gigabytes within the group, when the tool said (volumes). */
  sizeGb?: number;
}

export interface CountRead {
  groups: Map<string, Tally>;
  /** Items in all, from the tools' totals (or the groups' sum when groups were dropped here). */
  total: number;
  /** Groups in all, when a tool showed only some of them. */
  groupsInAll?: number;
  failures: Array<{ app: string; error: string }>;
  /** The tools' own warnings that the counts may be low. */
  notes: string[];
}

/** The group a count row stands for: the view puts it under the count_by name (tools/view.ts countView). */
function groupOf(record: JsonRecord, by: string): string | undefined {
  const value = record[by];
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "boolean") return value ? "attached" : "unattached";
  return undefined;
}

function countOf(record: JsonRecord): number | undefined {
  return typeof record.count === "number" && Number.isFinite(record.count) ? record.count : undefined;
}

/** The view's "2 started, 1 stopped" (tools/view.ts stateSummary) as counts per state. */
function statesOf(value: Json | undefined): Map<string, number> {
  const states = new Map<string, number>();
  if (typeof value === "string")
    // From the start of a number only: each digit of a long run would otherwise re-read the run.
    for (const m of value.matchAll(/(?<!\d)(\d+)\s+([a-z_]+)/gi))
      states.set(m[2] ?? "", Number.parseInt(m[1] ?? "0", 10));
  return states;
}

function addRow(read: CountRead, group: string, count: number, row: JsonRecord): void {
  const tally = read.groups.get(group) ?? { count: 0, states: new Map<string, number>() };
  tally.count += count;
  for (const [state, n] of statesOf(row.states)) tally.states.set(state, (tally.states.get(state) ?? 0) + n);
  const size = sizeGbOf(row);
  if (size !== undefined) tally.sizeGb = (tally.sizeGb ?? 0) + size;
  read.groups.set(group, tally);
}

/**
 * The counts of `calls`, added up by group. `keep` drops groups the tool could not narrow to (two
 * regions, named apps); the total is then the sum of the groups kept rather than the tools' totals.
 */
export function* readCounts(
  calls: readonly PlannedCall[],
  by: string,
  keep?: (group: string) => boolean,
): Reads<CountRead> {
  const read: CountRead = { groups: new Map(), total: 0, failures: [], notes: [] };
  const outcomes = yield* needAll(calls);
  outcomes.forEach((outcome, i) => {
    const app = calls[i]?.input.app;
    if (!outcome.ok) {
      read.failures.push({ app: typeof app === "string" ? app : "", error: outcome.error });
      return;
    }
    const view = unwrapView(outcome.value);
    const rows = recordsOf(outcome.value);
    let sum = 0;
    for (const row of rows) {
      const group = groupOf(row, by);
      const count = countOf(row);
      if (group === undefined || count === undefined || (keep && !keep(group))) continue;
      sum += count;
      addRow(read, group, count, row);
    }
    const field = (key: string): Json | undefined => (isRecord(view) ? view[key] : undefined);
    const total = field("total");
    read.total += keep || typeof total !== "number" ? sum : total;
    const groups = field("groups");
    // A view says how many groups it has; otherwise only the ask loop's cut says some are missing.
    const cut =
      typeof groups === "number"
        ? groups > rows.length
        : /Showing the first \d+ of|result was cut/i.test(outcome.text);
    if (cut) read.groupsInAll = (read.groupsInAll ?? 0) + (typeof groups === "number" ? groups : rows.length);
    const note = field("note");
    // Only the warnings: the rest of a view's note (its total, a limit) is said in the answer itself.
    if (typeof note === "string")
      read.notes.push(...note.split(/\.\s+/).filter((part) => /may be low/i.test(part)));
  });
  return read;
}

/** Largest group first, ties by name. */
export function largestFirst(read: CountRead): Array<[string, Tally]> {
  return [...read.groups.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
}

/**
 * The groups a "which app has the most machines?" asks for: the first `n` by count (smallest
 * first for "fewest"), and every group tied with the last of them.
 */
export function extremes(
  groups: ReadonlyArray<[string, Tally]>,
  most: boolean,
  n: number,
): Array<[string, Tally]> {
  const ordered = most
    ? [...groups]
    : [...groups].sort((a, b) => a[1].count - b[1].count || a[0].localeCompare(b[0]));
  const cut = ordered[Math.min(n, ordered.length) - 1]?.[1].count;
  return ordered.filter(([, t], i) => i < n || t.count === cut);
}
