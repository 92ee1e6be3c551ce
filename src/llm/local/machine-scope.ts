import type { MachineState } from "./entities.js";
import { cpuKindOf, cpusOf, formatMemory, idOf, memoryMbOf, nameOf, regionOf } from "./fields.js";
import {
  PER_APP_LIMIT,
  gather,
  keep,
  machinesOf,
  mentionedApps,
  readApps,
  type Gathered,
  type MachineQuery,
} from "./fleet.js";
import type { Amount, Reading } from "./reading.js";
import type { Reads, Session } from "./session.js";
import { CannotAnswer, joinWords } from "./shape.js";
import { inWindow, windowText, type TimeWindow } from "./time-window.js";
import type { JsonRecord } from "./tool-result.js";

/** Which apps, org, regions and states a machine question is about, and how to list them. */
export const MACHINE_WORD = /\b(machines?|vms?|instances?|servers?)\b/i;

/** "Which apps have stopped machines?", "apps with machines in iad": apps named before machines are what is asked for. */
export function aboutApps(question: string): boolean {
  const apps = question.search(/\b(apps|applications)\b/i);
  const machines = question.search(MACHINE_WORD);
  return apps >= 0 && (machines < 0 || apps < machines);
}

export interface Scope {
  apps: string[];
  allApps: boolean;
  regions: string[];
  states: MachineState[];
  org?: string;
}

export function* scopeOf(session: Session): Reads<Scope> {
  const list = yield* readApps(session);
  const named = mentionedApps(session, list.apps);
  return {
    apps: named.length > 0 ? named : list.apps.map((a) => a.name),
    allApps: named.length === 0,
    regions: session.reading.regions,
    states: session.reading.states,
    ...(list.org ? { org: list.org } : {}),
  };
}

/** The machines in scope: the tools filter by state, one region and org; several regions are kept here. */
export function* scopedMachines(
  scope: Scope,
  extra: Pick<MachineQuery, "sort" | "order"> = {},
): Reads<Gathered> {
  const gathered = yield* machinesOf(
    scope.apps,
    {
      ...extra,
      state: scope.states.length > 0 ? scope.states : undefined,
      region: scope.regions.length === 1 ? scope.regions[0] : undefined,
      org: scope.org,
    },
    scope.allApps,
  );
  return scope.regions.length > 1
    ? keep(gathered, ({ record }) => scope.regions.includes(regionOf(record) ?? ""))
    : gathered;
}

export function whereText(scope: Scope): string {
  const parts: string[] = [];
  if (!scope.allApps) parts.push(`in ${scope.apps.length === 1 ? "app" : "apps"} ${joinWords(scope.apps)}`);
  else if (scope.org) parts.push(`in org ${scope.org}`);
  if (scope.regions.length > 0) parts.push(`in ${joinWords(scope.regions)}`);
  return parts.length > 0 ? ` ${parts.join(" ")}` : "";
}

/** "stopped " or "stopped, suspended or failed " before "machines"; empty without a state. */
export function statesText(scope: Scope): string {
  const { states } = scope;
  if (states.length === 0) return "";
  return states.length === 1
    ? `${states[0] ?? ""} `
    : `${states.slice(0, -1).join(", ")} or ${states.at(-1) ?? ""} `;
}

export function machineLabel(record: JsonRecord): string {
  const id = idOf(record) ?? "(no id)";
  const name = nameOf(record);
  return name && name !== id ? `${id} (${name})` : id;
}

export function sizeText(record: JsonRecord): string {
  const cpus = cpusOf(record);
  const kind = cpuKindOf(record);
  const cpuText =
    cpus === undefined ? "" : `${cpus}${kind ? ` ${kind}` : ""} ${cpus === 1 ? "CPU" : "CPUs"}, `;
  return `${cpuText}${formatMemory(memoryMbOf(record))}`;
}

export function compare(value: number | undefined, amount: { op: Amount["op"] }, target: number): boolean {
  if (value === undefined) return false;
  switch (amount.op) {
    case "=":
      return value === target;
    case ">":
      return value > target;
    case ">=":
      return value >= target;
    case "<":
      return value < target;
    case "<=":
      return value <= target;
  }
}

/** The size filters a machine question carries (CPU kind and count, memory), applied to the rows; and how to say them. */
export function sizeFilter(reading: Reading): { pass: (record: JsonRecord) => boolean; text: string } {
  const { cpuKind, cpus, amount } = reading;
  const said = [
    cpuKind && `${cpuKind} CPUs`,
    cpus !== undefined && `${cpus} ${cpus === 1 ? "CPU" : "CPUs"}`,
    amount && `${amount.op === "=" ? "" : `${amount.op} `}${formatMemory(amount.mb)} of memory`,
  ].filter((p): p is string => typeof p === "string" && p !== "");
  return {
    pass: (record) =>
      (cpuKind === undefined || cpuKindOf(record) === cpuKind) &&
      (cpus === undefined || cpusOf(record) === cpus) &&
      (amount === undefined || compare(memoryMbOf(record), amount, amount.mb)),
    text: said.length > 0 ? ` with ${joinWords(said)}` : "",
  };
}

const CREATED = /\b(created|launched|added|made|new|spun up|provisioned)\b/i;
const UPDATED = /\b(updated|changed|modified|touched|edited)\b/i;

export type TimeField = "created" | "updated";

/** The window of a question and which time it filters, or the refusal of one it cannot apply. */
export function windowOf(
  reading: Reading,
  what: string,
  fields: readonly TimeField[],
): { window: TimeWindow; field: TimeField } | undefined {
  const found = reading.window;
  if (!found) return undefined;
  if ("problem" in found) throw new CannotAnswer(found.problem);
  const field: TimeField | undefined = CREATED.test(reading.text)
    ? "created"
    : UPDATED.test(reading.text)
      ? "updated"
      : undefined;
  if (!field || !fields.includes(field)) {
    throw new CannotAnswer(
      `for ${what} it applies a time window only to when they were ${fields.join(" or ")} ("${fields[0]} in the last 7 days"); "${found.window.phrase}" does not say that`,
    );
  }
  return { window: found.window, field };
}

/** Most machines read one by one for their update time; beyond that the person narrows the question. */
const MAX_MACHINE_READS = 2 * PER_APP_LIMIT;

/**
 * Machines whose time falls in the window: the listing has each creation time; the time of the
 * last update is only in machines_get, so each machine listed is read (up to MAX_MACHINE_READS).
 */
export function* inTimeWindow(gathered: Gathered, window: TimeWindow, field: TimeField): Reads<Gathered> {
  if (field === "created") return keep(gathered, ({ record }) => inWindow(str(record.created_at), window));
  if (gathered.partial || gathered.items.length > MAX_MACHINE_READS)
    throw new CannotAnswer(
      `the update time of a machine is read one machine at a time, and this covers ${gathered.total} machines; name an app or a region (at most ${MAX_MACHINE_READS} machines)`,
    );
  const details = yield* gather(
    gathered.items.map((m) => m.app),
    gathered.items.map(({ app, record }) => ({
      name: "machines_get",
      input: { app, machine_id: idOf(record) },
    })),
  );
  const updated = new Map(details.items.map(({ record }) => [idOf(record) ?? "", str(record.updated_at)]));
  const kept = keep(gathered, ({ record }) => inWindow(updated.get(idOf(record) ?? ""), window));
  // A get that failed leaves that machine out; the answer says so.
  return { ...kept, failures: [...kept.failures, ...details.failures] };
}

export function timeNote(window: TimeWindow, field: TimeField): string {
  return ` ${field} ${windowText(window)}`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
