import { findCount, findNames, findRegions, findStates, type MachineState } from "./entities.js";
import { cpuKindOf, cpusOf, formatMemory, idOf, memoryMbOf, nameOf, regionOf, stateOf } from "./fields.js";
import {
  gapNote,
  listApps,
  machinesOf,
  mentionedApps,
  readApps,
  type AppRecord,
  type Gathered,
  type MachineQuery,
} from "./fleet.js";
import { joinWords, lines, plural, stateCounts, type Shape } from "./shape.js";
import type { Session } from "./session.js";
import { enumValues } from "./tool-args.js";
import type { JsonRecord } from "./tool-result.js";

export const MACHINE_WORD = /\b(machines?|vms?|instances?|servers?)\b/i;

export function machineLabel(record: JsonRecord): string {
  const id = idOf(record) ?? "(no id)";
  const name = nameOf(record);
  return name && name !== id ? `${id} (${name})` : id;
}

function sizeText(record: JsonRecord): string {
  const cpus = cpusOf(record);
  const kind = cpuKindOf(record);
  const cpuText =
    cpus === undefined ? "" : `${cpus}${kind ? ` ${kind}` : ""} ${cpus === 1 ? "CPU" : "CPUs"}, `;
  return `${cpuText}${formatMemory(memoryMbOf(record))}`;
}

export interface Scope {
  apps: string[];
  allApps: boolean;
  regions: string[];
  states: MachineState[];
}

/** Which apps, regions and states a machine question is about. */
export function scopeOf(session: Session): Scope {
  const apps = listApps(session);
  const named = mentionedApps(session, apps);
  return {
    apps: named.length > 0 ? named : apps.map((a) => a.name),
    allApps: named.length === 0,
    regions: findRegions(session.question),
    states: findStates(session.question),
  };
}

export function scopedMachines(session: Session, scope: Scope, extra: MachineQuery = {}): Gathered {
  const query: MachineQuery = {
    ...extra,
    state: scope.states.length === 1 ? scope.states[0] : scope.states.length > 1 ? scope.states : undefined,
    region: scope.regions.length === 1 ? scope.regions[0] : undefined,
  };
  const gathered = machinesOf(session, scope.apps, query, scope.allApps);
  gathered.items = gathered.items.filter(
    ({ app, record }) =>
      (scope.allApps || scope.apps.includes(app)) &&
      (scope.regions.length === 0 || scope.regions.includes(regionOf(record) ?? "")),
  );
  return gathered;
}

export function whereText(scope: Scope): string {
  const parts: string[] = [];
  if (!scope.allApps) parts.push(`in ${scope.apps.length === 1 ? "app" : "apps"} ${joinWords(scope.apps)}`);
  if (scope.regions.length > 0) parts.push(`in ${joinWords(scope.regions)}`);
  return parts.length > 0 ? ` ${parts.join(" ")}` : "";
}

/** The value of the tool's `sort` enum that means memory or CPU, when the tool can sort. */
function sortValue(session: Session, byCpu: boolean): string | undefined {
  const specs = ["org_machines_list", "machines_list"]
    .map((t) => session.spec(t))
    .filter((s) => s !== undefined);
  for (const spec of specs) {
    const found = enumValues(spec, "sort")?.find(
      (v): v is string => typeof v === "string" && v.includes(byCpu ? "cpu" : "mem"),
    );
    if (found) return found;
  }
  return undefined;
}

export const appsAndRegions: Shape = {
  id: "apps-regions",
  mode: "ask",
  description: "what apps are running and in which regions",
  examples: ["what apps are running and in which regions?", "list my apps"],
  matches: (q) =>
    /\b(apps|applications)\b/i.test(q) ||
    (/\bapp\b/i.test(q) && /\b(regions?|where|running|deployed)\b/i.test(q)),
  run(session) {
    // apps_list can add each app's regions itself; otherwise each app's machines are listed.
    const spec = session.spec("apps_list");
    const withRegions =
      spec !== undefined &&
      (enumValues(spec, "include")?.includes("regions") ?? acceptsItem(spec, "include", "regions"));
    const { apps, total, partial } = readApps(session, withRegions ? { include: ["regions"] } : {});
    if (apps.length === 0) return "You have no apps.";
    // The whole fleet unless apps are named: a default app does not narrow "what apps are running".
    const named = findNames(
      session.question,
      apps.map((a) => a.name),
    );
    const scope = apps.filter((a) => named.length === 0 || named.includes(a.name));
    const placed =
      withRegions &&
      scope.every((a) => typeof a.record.regions === "string" || Array.isArray(a.record.regions));
    const gathered: Gathered = placed
      ? { items: [], total: 0, failures: [] }
      : machinesOf(
          session,
          scope.map((a) => a.name),
          {},
          false,
        );
    const rows = scope.map((app) => (placed ? placementRow(app) : machinesRow(app.name, gathered)));
    const header =
      named.length > 0
        ? `${plural(scope.length, "app")}:`
        : `You have ${plural(total, "app")}${partial ? `; the first ${apps.length}` : ""}:`;
    return lines(
      header,
      rows,
      gapNote(gathered, "machines"),
      partial && ["", `Note: this covers only part of your apps (${partial}); name an app to narrow it.`],
    );
  },
};

/** A row from apps_list's own placement columns: regions "iad ord", machine_states "2 started, 1 stopped". */
function placementRow(app: AppRecord): string {
  const raw = app.record.regions;
  const regions = (Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(/[\s,]+/) : []).filter(
    (r): r is string => typeof r === "string" && r !== "" && r !== "-",
  );
  const states = typeof app.record.machine_states === "string" ? app.record.machine_states : undefined;
  const count = typeof app.record.machines === "number" ? app.record.machines : undefined;
  if (regions.length === 0)
    return `- ${app.name}: no machines${states && states !== "none" ? ` (${states})` : ""}`;
  const detail = [
    count === undefined ? undefined : plural(count, "machine"),
    states && states !== "none" ? states : undefined,
  ].filter(Boolean);
  return `- ${app.name}: ${regions.join(", ")}${detail.length > 0 ? ` (${detail.join(": ")})` : ""}`;
}

function machinesRow(app: string, gathered: Gathered): string {
  if (gathered.failures.some((f) => f.app === app)) return `- ${app}: machines could not be read`;
  const machines = gathered.items.filter((m) => m.app === app).map((m) => m.record);
  if (machines.length === 0) return `- ${app}: no machines`;
  const regions = [...new Set(machines.map((m) => regionOf(m) ?? "unknown region"))].sort();
  return `- ${app}: ${regions.join(", ")} (${plural(machines.length, "machine")}: ${stateCounts(machines.map(stateOf))})`;
}

function acceptsItem(spec: NonNullable<ReturnType<Session["spec"]>>, field: string, value: string): boolean {
  const property = ((spec.parameters.properties ?? {}) as Record<string, { items?: { enum?: unknown[] } }>)[
    field
  ];
  return property?.items?.enum?.includes(value) ?? false;
}

export const topMachines: Shape = {
  id: "top-machines",
  mode: "ask",
  description: "which machines use the most (or least) memory or CPU, optionally in an app, region or state",
  examples: ["which machines are using the most memory?", "top 3 machines by cpu in iad"],
  matches: (q) =>
    /\b(memory|ram|mem|cpus?|cores?)\b/i.test(q) &&
    (/\b(most|largest|biggest|highest|top|heaviest|hungriest|least|smallest|lowest|fewest|sort(ed)?|rank(ed)?)\b/i.test(
      q,
    ) ||
      MACHINE_WORD.test(q)),
  run(session) {
    const q = session.question;
    const byCpu = /\b(cpus?|cores?)\b/i.test(q) && !/\b(memory|ram|mem)\b/i.test(q);
    const ascending = /\b(least|smallest|lowest|fewest)\b/i.test(q);
    const scope = scopeOf(session);
    const sort = sortValue(session, byCpu);
    const gathered = scopedMachines(
      session,
      scope,
      sort === undefined ? {} : { sort, order: ascending ? "asc" : "desc" },
    );
    // Sorted by the tool, the first rows are the right ones even when the list was capped.
    const gaps = gapNote(sort === undefined ? gathered : { ...gathered, partial: undefined }, "machines");
    const metric = (r: JsonRecord): number => (byCpu ? cpuWeight(r) : (memoryMbOf(r) ?? -1));
    const sorted = [...gathered.items].sort((a, b) =>
      ascending ? metric(a.record) - metric(b.record) : metric(b.record) - metric(a.record),
    );
    const what = byCpu ? "CPU" : "memory";
    if (sorted.length === 0) return lines(`I found no machines${whereText(scope)}.`, gaps);
    const top = sorted.slice(0, findCount(q) ?? 5);
    return lines(
      `Machines${whereText(scope)} by ${what}, ${ascending ? "least" : "most"} first (top ${top.length} of ${countOf(gathered)}):`,
      top.map(
        ({ app, record }, i) =>
          `${i + 1}. ${machineLabel(record)} — ${sizeText(record)} — app ${app}, ${regionOf(record) ?? "unknown region"}, ${stateOf(record) ?? "unknown state"}`,
      ),
      gaps,
    );
  },
};

/** The catalog's CPU order: a performance CPU counts for more than a shared one. */
function cpuWeight(record: JsonRecord): number {
  const cpus = cpusOf(record);
  if (cpus === undefined) return -1;
  return cpus * (cpuKindOf(record) === "performance" ? 16 : 1);
}

/** How many machines there are: the tool's total when it showed only part of them. */
function countOf(gathered: Gathered): string {
  return gathered.partial ? `${gathered.total}` : `${gathered.items.length}`;
}

export const machinesByState: Shape = {
  id: "machines-by-state",
  mode: "ask",
  description: "which machines are started, stopped or suspended (optionally in a region or app)",
  examples: [
    "which machines are stopped?",
    "show suspended machines in iad",
    "which machines of my-app are started?",
  ],
  // "what is running in iad?" is about machines too, as long as it is not about apps.
  matches: (q) =>
    MACHINE_WORD.test(q) ||
    (findStates(q).length > 0 && findRegions(q).length > 0 && !/\b(apps?|applications?)\b/i.test(q)),
  run(session) {
    const scope = scopeOf(session);
    const gathered = scopedMachines(session, scope);
    const items = gathered.items;
    const states = scope.states.length > 0 ? `${scope.states.join(" or ")} ` : "";
    if (items.length === 0)
      return lines(`There are no ${states}machines${whereText(scope)}.`, gapNote(gathered, "machines"));
    const count = gathered.partial ? gathered.total : items.length;
    const sorted = [...items].sort(
      (a, b) => a.app.localeCompare(b.app) || (idOf(a.record) ?? "").localeCompare(idOf(b.record) ?? ""),
    );
    return lines(
      `${plural(count, `${states}machine`)}${whereText(scope)}${gathered.partial ? `; the first ${items.length}` : ""}:`,
      sorted.map(
        ({ app, record }) =>
          `- ${machineLabel(record)} — app ${app}, ${regionOf(record) ?? "unknown region"}, ${stateOf(record) ?? "unknown state"}, ${sizeText(record)}`,
      ),
      gapNote(gathered, "machines"),
    );
  },
};
