import { stateSummary } from "../../../tools/view.js";
import {
  MAX_GROUPS,
  extremes,
  largestFirst,
  readCounts,
  type CountRead,
  type Tally,
} from "./count-result.js";
import { gapNote } from "./fleet.js";
import { MACHINE_WORD, aboutApps, scopeOf, statesText, whereText, type Scope } from "./machine-scope.js";
import type { PlannedCall } from "./session.js";
import { CannotAnswer, joinWords, lines, plural, type Shape } from "./shape.js";

/**
 * "How many machines per region?" (or per app, state or size), and "which app has the most
 * machines?": one `count_by` call counts the whole fleet however large it is.
 */
type CountBy = "region" | "app" | "state" | "size";

/** What a count question groups by: "per app", "by state", "which app has the most"; regions unless it says otherwise. */
function countDimension(question: string): CountBy {
  const per = (word: string): boolean =>
    new RegExp(`\\b(per|by|each|every|which|what)\\s+(${word})\\b`, "i").test(question);
  if (per("apps?|applications?")) return "app";
  if (per("states?|status(es)?")) return "state";
  if (per("sizes?|presets?|(vm|machine) sizes?")) return "size";
  return "region";
}

/**
 * The count calls: one fleet-wide org_machines_list (which alone counts per app), or
 * machines_list for each app named; with several regions and another grouping, one call per region.
 */
function countCalls(scope: Scope, by: CountBy): PlannedCall[] {
  const state = scope.states.length > 0 ? scope.states : undefined;
  const regions =
    by !== "region" && scope.regions.length > 1
      ? scope.regions
      : [scope.regions.length === 1 ? scope.regions[0] : undefined];
  const limit = by === "app" ? MAX_GROUPS : undefined;
  return regions.flatMap((region): PlannedCall[] => {
    const input = { count_by: by, state, region, limit };
    if (scope.allApps || by === "app")
      return [{ name: "org_machines_list", input: { ...input, org: scope.org } }];
    return scope.apps.map((app) => ({ name: "machines_list", input: { app, ...input } }));
  });
}

function tallyLine([group, t]: [string, Tally]): string {
  return `- ${group}: ${t.count}${t.states.size > 0 ? ` (${stateSummary(Object.fromEntries(t.states))})` : ""}`;
}

/** "demo-web and acme-api have the most machines: 3 each." */
function extremesAnswer(read: CountRead, by: CountBy, most: boolean, n: number, what: string): string {
  const top = extremes(largestFirst(read), most, n);
  const counts = [...new Set(top.map(([, t]) => t.count))];
  const names = joinWords(top.map(([group]) => group));
  const verb = top.length === 1 ? "has" : "have";
  const amount = counts.length === 1 ? `${counts[0] ?? 0}${top.length > 1 ? " each" : ""}` : "";
  return lines(
    n === 1
      ? `${by === "region" ? "Region" : by === "app" ? "App" : capital(by)}${top.length === 1 ? "" : "s"} ${names} ${verb} the ${most ? "most" : "fewest"} ${what}s${amount ? `: ${amount}` : ""}.`
      : `The ${top.length} ${by}s with the ${most ? "most" : "fewest"} ${what}s:`,
    n === 1 ? [] : top.map(tallyLine),
  );
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export const machinesPerRegion: Shape = {
  id: "machines-per-region",
  mode: "ask",
  description:
    "how many machines there are per region (or per app, state or size), optionally in an app, org, region or state, and which has the most or fewest",
  examples: [
    "how many machines per region?",
    "how many machines are started in each region?",
    "which app has the most machines?",
  ],
  applies: ["region", "state", "org", "superlative"],
  matches: (q) =>
    MACHINE_WORD.test(q) &&
    !aboutApps(q) &&
    (/\b(per|by|each|every)\s+region\b/i.test(q) ||
      /\b(which|what)\s+regions\b/i.test(q) ||
      /\b(how many|count|number of)\b/i.test(q) ||
      /\b(most|fewest|least)\s+(machines|vms|instances)\b/i.test(q)),
  *run(session) {
    const superlative = session.reading.superlative;
    if (superlative && superlative.measure !== "count")
      throw new CannotAnswer(`it counts machines; it cannot apply "${superlative.phrase}" to a count`);
    const scope = yield* scopeOf(session);
    const by = countDimension(session.question);
    // Groups the tool could not narrow to (two regions, named apps counted fleet-wide) are dropped here.
    const keep =
      by === "region" && scope.regions.length > 1
        ? (group: string) => scope.regions.includes(group)
        : by === "app" && !scope.allApps
          ? (group: string) => scope.apps.includes(group)
          : undefined;
    const read = yield* readCounts(countCalls(scope, by), by, keep);
    const states = statesText(scope);
    const gaps = gapNote({ items: [], total: read.total, failures: read.failures }, "machines");
    const notes = read.notes.length > 0 ? ["", ...read.notes.map((n) => `Note: ${n}.`)] : [];
    if (read.groups.size === 0) {
      const none =
        read.failures.length > 0
          ? "I could not count the machines."
          : `There are no ${states}machines${whereText(scope)}.`;
      return lines(none, gaps, notes);
    }
    if (superlative)
      return lines(
        extremesAnswer(read, by, superlative.most, superlative.n, `${states}machine`),
        gaps,
        notes,
      );
    const sorted = largestFirst(read);
    const shownPart = read.groupsInAll === undefined ? "" : `; the ${sorted.length} largest`;
    return lines(
      `${plural(read.total, `${states}machine`)}${whereText(scope)} in ${plural(read.groupsInAll ?? sorted.length, by)}${shownPart}:`,
      sorted.map(tallyLine),
      gaps,
      notes,
    );
  },
};
