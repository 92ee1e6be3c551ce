import { appOf, regionOf, sizeGbOf, stateOf } from "./fields.js";
import type { PlannedCall, Session } from "./session.js";
import { enumValues, fitInput } from "./tool-args.js";
import { isRecord, recordsOf, unwrapView, type Json, type JsonRecord } from "./tool-result.js";

/**
 * Reading `count_by` results: a view of group rows ({ region: "iad", count: 12, … }) with the
 * total counted and how many groups there are. Several results (one per app) add up.
 */

/** The most groups asked for when counting per app (fitted down to the tool's `limit` maximum). */
export const MAX_GROUPS = 200;

/**
 * Whether the tool is offered, counts by this grouping and takes every filter of `input` as it is:
 * a count that silently lost a filter (a state the tool does not know) would count the wrong things.
 */
export function canCount(session: Session, tool: string, input: Record<string, unknown>): boolean {
  const spec = session.spec(tool);
  if (!spec || !(enumValues(spec, "count_by")?.includes(input.count_by) ?? false)) return false;
  const fitted = fitInput(spec, input);
  return (
    fitted.ok && Object.entries(input).every(([key, value]) => value === undefined || key in fitted.input)
  );
}

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

/** The group a count row stands for, read under the count_by name first. */
export function groupOf(record: JsonRecord, by: string): string | undefined {
  const value = record[by];
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "boolean") return value ? "attached" : "unattached";
  if (by === "region") return regionOf(record);
  if (by === "app") return appOf(record);
  if (by === "state") return stateOf(record);
  return undefined;
}

function countOf(record: JsonRecord): number | undefined {
  for (const key of ["count", "n", "machines", "volumes"]) {
    const value = record[key];
    if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  return undefined;
}

/** "2 started, 1 stopped" (or `{ "started": 2 }`) as counts per state. */
function statesOf(value: Json | undefined): Map<string, number> {
  const states = new Map<string, number>();
  if (typeof value === "string") {
    // From the start of a number only: each digit of a long run would otherwise re-read the run.
    for (const m of value.matchAll(/(?<!\d)(\d+)\s+([a-z_]+)/gi))
      states.set(m[2] ?? "", Number.parseInt(m[1] ?? "0", 10));
  } else if (isRecord(value)) {
    for (const [state, n] of Object.entries(value)) if (typeof n === "number") states.set(state, n);
  }
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
export function readCounts(
  session: Session,
  calls: readonly PlannedCall[],
  by: string,
  keep?: (group: string) => boolean,
): CountRead {
  const read: CountRead = { groups: new Map(), total: 0, failures: [], notes: [] };
  session.needAll(calls).forEach((outcome, i) => {
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
