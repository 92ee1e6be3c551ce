import { findRegions, findStates } from "./entities.js";
import { cpuKindOf, cpusOf, idOf, memoryMbOf, regionOf, stateOf } from "./fields.js";
import { gapNote, keep, type Gathered, type Owned } from "./fleet.js";
import {
  MACHINE_WORD,
  aboutApps,
  inTimeWindow,
  machineLabel,
  scopeOf,
  type Scope,
  scopedMachines,
  sizeFilter,
  sizeText,
  statesText,
  timeNote,
  whereText,
  windowOf,
} from "./machine-scope.js";
import { machineUsage, type UsageMeasure } from "./machine-usage.js";
import type { Superlative } from "./reading.js";
import { USE } from "./refusals.js";
import type { Reads } from "./session.js";
import { CannotAnswer, lines, plural, type Shape } from "./shape.js";
import type { JsonRecord } from "./tool-result.js";

function byAppThenId(a: Owned, b: Owned): number {
  return a.app.localeCompare(b.app) || (idOf(a.record) ?? "").localeCompare(idOf(b.record) ?? "");
}

function machineLine({ app, record }: Owned, extra = ""): string {
  return `${machineLabel(record)} — app ${app}, ${regionOf(record) ?? "unknown region"}, ${stateOf(record) ?? "unknown state"}, ${sizeText(record)}${extra}`;
}

export const machinesByState: Shape = {
  id: "machines-by-state",
  mode: "ask",
  description:
    "which machines there are, optionally started, stopped or suspended, in a region, app or org, of a size, or created or updated in a time window",
  examples: [
    "which machines are stopped?",
    "show suspended machines in iad",
    "which machines were updated in the last 7 days?",
  ],
  applies: ["region", "state", "org", "window", "guest", "amount"],
  // "what is running in iad?" is about machines too, as long as it is not about apps.
  matches: (q) =>
    (MACHINE_WORD.test(q) && !aboutApps(q) && !/\b(which|what)\s+regions\b/i.test(q)) ||
    (findStates(q).length > 0 && findRegions(q).length > 0 && !/\b(apps?|applications?)\b/i.test(q)),
  *run(session) {
    const { reading } = session;
    const time = windowOf(reading, "machines", ["created", "updated"]);
    const scope = yield* scopeOf(session);
    const size = sizeFilter(reading);
    let gathered = keep(yield* scopedMachines(scope), ({ record }) => size.pass(record));
    if (time) gathered = yield* inTimeWindow(gathered, time.window, time.field);
    const what = `${statesText(scope)}machine`;
    const when = time ? timeNote(time.window, time.field) : "";
    if (gathered.items.length === 0)
      return lines(
        `There are no ${what}s${whereText(scope)}${size.text}${when}.`,
        gapNote(gathered, "machines"),
      );
    const count = gathered.partial ? gathered.total : gathered.items.length;
    const shown = gathered.partial ? `; the first ${gathered.items.length}` : "";
    const stamp = (record: JsonRecord): string => {
      const at = time && record[`${time.field}_at`];
      return typeof at === "string" ? `, ${time?.field} ${at}` : "";
    };
    return lines(
      `${plural(count, what)}${whereText(scope)}${size.text}${when}${shown}:`,
      [...gathered.items].sort(byAppThenId).map((m) => `- ${machineLine(m, stamp(m.record))}`),
      gapNote(gathered, "machines"),
    );
  },
};

/** The catalog's CPU order (tools/machine-view.ts): a performance CPU counts for more than a shared one. */
function cpuWeight(record: JsonRecord): number {
  const cpus = cpusOf(record);
  if (cpus === undefined) return -1;
  return cpus * (cpuKindOf(record) === "performance" ? 16 : 1);
}

const METRIC = {
  memory: { sort: "memory", by: "memory", value: (r: JsonRecord) => memoryMbOf(r) ?? -1 },
  cpu: { sort: "cpu", by: "CPU", value: cpuWeight },
  age: {
    sort: "created",
    by: "creation time",
    value: (r: JsonRecord) => Date.parse(typeof r.created_at === "string" ? r.created_at : "") || -1,
  },
} as const;

/** Which ranking a superlative asks for; "biggest" ranks by memory, the size the catalog sorts by. */
function metricOf(superlative: Superlative): (typeof METRIC)[keyof typeof METRIC] {
  switch (superlative.measure) {
    case "memory":
    case "size":
      return METRIC.memory;
    case "cpu":
      return METRIC.cpu;
    case "age":
      return METRIC.age;
    case "count":
      throw new CannotAnswer(
        `it counts machines per app, region, state or size ("how many machines does each app have?"), not ${superlative.phrase} of something else`,
      );
    case "other":
      throw new CannotAnswer(
        `it ranks machines by memory, CPU or creation time, not "${superlative.phrase}"`,
      );
  }
}

/** The first `n` (every machine tied with the first when one is asked for). */
function topOf(sorted: readonly Owned[], n: number, value: (r: JsonRecord) => number): Owned[] {
  const first = sorted[0];
  if (n === 1 && first) return sorted.filter((m) => value(m.record) === value(first.record));
  return sorted.slice(0, n);
}

/** Use, not size: Fly's metrics per machine, the scoped machines ranked by their current value. */
function* usageAnswer(
  kind: UsageMeasure,
  scope: Scope,
  gathered: Gathered,
  ask: { most: boolean; n: number; where: string },
): Reads<string> {
  const reading = yield* machineUsage(kind, scope, gathered, ask.most ? "desc" : "asc");
  // A capped view holds the largest values only, so it cannot name the least-used machines.
  if (!ask.most && reading.note?.includes("left out"))
    throw new CannotAnswer(
      "the metrics listing was capped at the busiest machines, so the least-used ones are not known; name an app or region",
    );
  const what = kind === "memory" ? "memory in use" : "CPU in use";
  const unit = reading.unit;
  const top = reading.ranked.slice(0, ask.n === 1 ? 1 : ask.n);
  const silent = reading.silent.length;
  if (top.length === 0)
    return lines(
      `None of the ${plural(gathered.items.length, "machine")}${ask.where} reported ${what} in the last 15 minutes (stopped machines report nothing).`,
      reading.note && `Note: ${reading.note}.`,
    );
  return lines(
    `Machines${ask.where} by ${what} now (Fly's metrics, last sample in the last 15 minutes), ${ask.most ? "most" : "least"} first (top ${top.length} of ${reading.ranked.length} reporting):`,
    top.map(({ machine, value }, i) => {
      const size =
        kind === "memory"
          ? ` of ${memoryMbOf(machine.record) ?? "?"} MB`
          : ` of ${cpusOf(machine.record) ?? "?"} CPUs`;
      return `${i + 1}. ${machineLine(machine)}: ${value} ${unit}${size}`;
    }),
    silent > 0 &&
      `${plural(silent, "machine")} in scope reported no ${what} in the window (stopped, or not reporting).`,
    reading.note && `Note: ${reading.note}.`,
  );
}

function countOf(gathered: Gathered): number {
  return gathered.partial ? gathered.total : gathered.items.length;
}

export const topMachines: Shape = {
  id: "top-machines",
  mode: "ask",
  description:
    "which machines are the biggest or smallest (memory or CPU) or the oldest or newest, top N, optionally in an app, region, org or state",
  examples: [
    "which machines are using the most memory?",
    "top 3 machines by cpu in iad",
    "what's the oldest machine?",
  ],
  applies: ["region", "state", "org", "superlative", "guest", "amount"],
  matches: (q) =>
    /\b(most|least|fewest|biggest|largest|smallest|heaviest|hungriest|beefiest|highest|lowest|oldest|newest|latest|youngest|top|sort(ed)?|order(ed)?|rank(ed)?)\b/i.test(
      q,
    ) &&
    (MACHINE_WORD.test(q) || /\b(memory|ram|mem|cpus?|cores?)\b/i.test(q)) &&
    !/\b(which|what)\s+(apps?|applications?|regions?)\b/i.test(q),
  *run(session) {
    const superlative = session.reading.superlative;
    if (!superlative)
      throw new CannotAnswer("it ranks machines only when asked for the most, least, biggest or oldest");
    const metric = metricOf(superlative);
    // "most" memory or CPU is largest first; the "most" recent is the newest, largest creation time first.
    const order = superlative.most ? "desc" : "asc";
    const scope = yield* scopeOf(session);
    const size = sizeFilter(session.reading);
    const gathered = keep(yield* scopedMachines(scope, { sort: metric.sort, order }), ({ record }) =>
      size.pass(record),
    );
    // Sorted by the tool, the first rows are the right ones even when the list was capped.
    const gaps = gapNote({ ...gathered, partial: undefined }, "machines");
    if (gathered.items.length === 0)
      return lines(`I found no machines${whereText(scope)}${size.text}.`, gaps);
    const usage = USE.test(session.reading.text) && metric !== METRIC.age;
    if (usage)
      return yield* usageAnswer(metric === METRIC.memory ? "memory" : "cpu", scope, gathered, {
        most: superlative.most,
        n: superlative.n,
        where: `${whereText(scope)}${size.text}`,
      });
    const sign = superlative.most ? -1 : 1;
    const sorted = [...gathered.items].sort(
      (a, b) => sign * (metric.value(a.record) - metric.value(b.record)),
    );
    const top = topOf(sorted, superlative.n, metric.value);
    const direction =
      metric === METRIC.age ? (superlative.most ? "newest" : "oldest") : superlative.most ? "most" : "least";
    return lines(
      `Machines${whereText(scope)}${size.text} by ${metric.by}, ${direction} first (top ${top.length} of ${countOf(gathered)}):`,
      top.map(
        (m, i) =>
          `${i + 1}. ${machineLine(m)}${metric === METRIC.age && typeof m.record.created_at === "string" ? `, created ${m.record.created_at}` : ""}`,
      ),
      gaps,
    );
  },
};
