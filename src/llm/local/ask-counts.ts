import { MACHINE_WORD, scopeOf, scopedMachines, whereText, type Scope } from "./ask-machines.js";
import { sizeOf } from "../../../tools/machine-view.js";
import { stateSummary } from "../../../tools/view.js";
import { MAX_GROUPS, canCount, groupOf, largestFirst, readCounts } from "./count-result.js";
import { cpuKindOf, cpusOf, memoryMbOf, stateOf } from "./fields.js";
import { coverage, gapNote, machineCalls } from "./fleet.js";
import type { PlannedCall, Session } from "./session.js";
import { lines, plural, stateCounts, type Shape } from "./shape.js";
import { recordsOf, type JsonRecord } from "./tool-result.js";

/**
 * "How many machines per region?" (or per app, state or size). When the listing tool can count
 * (`count_by`), one call counts the whole fleet however large it is; otherwise the machines are
 * listed and counted here, and a list cut to one page is counted with one call per region.
 */
export type CountBy = "region" | "app" | "state" | "size";

/** What a count question groups by: "per app", "by state", "for each size"; regions unless it says otherwise. */
export function countDimension(question: string): CountBy {
  const per = (word: string): boolean =>
    new RegExp(`\\b(per|by|each|every)\\s+(${word})\\b`, "i").test(question);
  if (per("apps?|applications?")) return "app";
  if (per("states?|status(es)?")) return "state";
  if (per("sizes?|presets?|(vm|machine) sizes?")) return "size";
  return "region";
}

export const machinesPerRegion: Shape = {
  id: "machines-per-region",
  mode: "ask",
  description:
    "how many machines there are per region (or per app, state or size), optionally in an app or state",
  examples: [
    "how many machines per region?",
    "how many machines are started in each region?",
    "how many machines does each app have?",
  ],
  matches: (q) =>
    (/\b(per|by|each|every)\s+region\b/i.test(q) || /\b(how many|count|number of)\b/i.test(q)) &&
    MACHINE_WORD.test(q),
  run(session) {
    const scope = scopeOf(session);
    const by = countDimension(session.question);
    return countWithTool(session, scope, by) ?? countFromListing(session, scope, by);
  },
};

function stateFilter(scope: Scope): string | string[] | undefined {
  return scope.states.length === 1 ? scope.states[0] : scope.states.length > 1 ? scope.states : undefined;
}

/**
 * The count calls: one fleet-wide org_machines_list, or machines_list for each app the question
 * is about. Undefined when neither tool offers count_by for this grouping.
 */
function countCalls(session: Session, scope: Scope, by: CountBy): PlannedCall[] | undefined {
  if (scope.regions.length > 1 && by !== "region") return undefined;
  const input = {
    count_by: by,
    state: stateFilter(scope),
    region: scope.regions.length === 1 ? scope.regions[0] : undefined,
    limit: by === "app" ? MAX_GROUPS : undefined,
  };
  if ((scope.allApps || by === "app") && canCount(session, "org_machines_list", input))
    return [{ name: "org_machines_list", input }];
  const perApp = scope.apps.map((app) => ({ name: "machines_list", input: { app, ...input } }));
  if (!scope.allApps && perApp.every((call) => canCount(session, call.name, call.input))) return perApp;
  return undefined;
}

function countWithTool(session: Session, scope: Scope, by: CountBy): string | undefined {
  const calls = countCalls(session, scope, by);
  if (!calls) return undefined;
  // Groups the tool could not narrow to (two regions, named apps counted fleet-wide) are dropped here.
  const keep =
    by === "region" && scope.regions.length > 1
      ? (group: string) => scope.regions.includes(group)
      : by === "app" && !scope.allApps
        ? (group: string) => scope.apps.includes(group)
        : undefined;
  const read = readCounts(session, calls, by, keep);
  const states = scope.states.length > 0 ? `${scope.states.join(" or ")} ` : "";
  const gaps = gapNote({ items: [], total: read.total, failures: read.failures }, "machines");
  const notes = read.notes.length > 0 ? ["", ...read.notes.map((n) => `Note: ${n}.`)] : [];
  if (read.groups.size === 0) {
    const none =
      read.failures.length > 0
        ? "I could not count the machines."
        : `There are no ${states}machines${whereText(scope)}.`;
    return lines(none, gaps, notes);
  }
  const sorted = largestFirst(read);
  const shownPart = read.groupsInAll === undefined ? "" : `; the ${sorted.length} largest`;
  return lines(
    `${plural(read.total, `${states}machine`)}${whereText(scope)} in ${plural(read.groupsInAll ?? sorted.length, by)}${shownPart}:`,
    sorted.map(
      ([group, t]) =>
        `- ${group}: ${t.count}${t.states.size > 0 ? ` (${stateSummary(Object.fromEntries(t.states))})` : ""}`,
    ),
    gaps,
    notes,
  );
}

/** Fly's preset name with memory, as the catalog's count_by "size" names it: "shared-cpu-1x:512MB". */
function sizeOfRecord(record: JsonRecord): string {
  return sizeOf({ cpu_kind: cpuKindOf(record), cpus: cpusOf(record), memory_mb: memoryMbOf(record) });
}

/** The fallback when no tool counts: list the machines and count them here. */
function countFromListing(session: Session, scope: Scope, by: CountBy): string {
  const gathered = scopedMachines(session, scope);
  const states = scope.states.length > 0 ? `${scope.states.join(" or ")} ` : "";
  if (gathered.items.length === 0)
    return lines(`There are no ${states}machines${whereText(scope)}.`, gapNote(gathered, "machines"));
  const counted = by === "region" && gathered.partial ? countPerRegion(session, scope) : undefined;
  if (counted) {
    return lines(
      `${plural(gathered.total, `${states}machine`)}${whereText(scope)} in ${plural(counted.length, "region")}:`,
      counted.map(([region, n]) => `- ${region}: ${n}`),
    );
  }
  const keyOf = (app: string, record: JsonRecord): string =>
    (by === "app" ? app : by === "size" ? sizeOfRecord(record) : groupOf(record, by)) ?? "unknown";
  const groups = new Map<string, JsonRecord[]>();
  for (const { app, record } of gathered.items) {
    const key = keyOf(app, record);
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  const rows = [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(
      ([group, machines]) =>
        `- ${group}: ${machines.length}${by === "state" ? "" : ` (${stateCounts(machines.map(stateOf))})`}`,
    );
  return lines(
    `${plural(gathered.items.length, `${states}machine`)}${whereText(scope)} in ${plural(groups.size, by)}:`,
    rows,
    gapNote(gathered, "machines"),
  );
}

/** Most calls a per-region count may make when one listing could not show every machine. */
const MAX_REGION_CALLS = 60;

/**
 * Counts per region when one listing showed only a page of the machines and no tool counts: one
 * filtered call per Fly region, each reporting its total. Undefined when that would take too many calls.
 */
function countPerRegion(session: Session, scope: Scope): Array<[string, number]> | undefined {
  if (!session.has("regions_list") || scope.regions.length > 0) return undefined;
  const codes = recordsOf(session.needOk("regions_list", {}, "the list of regions"))
    .map((r) => (typeof r.code === "string" ? r.code : undefined))
    .filter((c): c is string => c !== undefined);
  const state = stateFilter(scope);
  const calls = codes.flatMap((region) =>
    machineCalls(session, scope.apps, { state, region }, scope.allApps).map((call) => ({ ...call, region })),
  );
  if (calls.length === 0 || calls.length > MAX_REGION_CALLS) return undefined;
  const totals = new Map<string, number>();
  session.needAll(calls).forEach((outcome, i) => {
    const region = calls[i]?.region ?? "";
    if (outcome.ok)
      totals.set(
        region,
        (totals.get(region) ?? 0) + coverage(outcome, recordsOf(outcome.value).length).total,
      );
  });
  return [...totals.entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
