import { findNames } from "./entities.js";
import { findMachine } from "./ask-describe.js";
import { cpusOf, memoryMbOf, nameOf } from "./fields.js";
import { readApps } from "./fleet.js";
import { USE } from "./refusals.js";
import { needOk } from "./session.js";
import { CannotAnswer, lines, type Shape } from "./shape.js";
import { recordOf, recordsOf, type JsonRecord } from "./tool-result.js";

/**
 * "How much memory is api-sin-1 using?", "what's the cpu usage of acme-api?": one machine's (or
 * each machine of one app's) memory or CPU in use from Fly's metrics, with its configured size
 * beside it. Rankings across machines are topMachines' (ask-machines.ts).
 */

const CPU = /\b(cpus?|cores?|processor)\b/i;
const MEMORY = /\b(memory|mem|ram)\b/i;

const MEASURE = {
  memory: { measure: "memory_used", series: "used", unit: "MB in use" },
  cpu: { measure: "cpu", series: "busy", unit: "CPUs busy" },
} as const;

function num(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === "number" ? value : undefined;
}

function usageLine(row: JsonRecord, series: string, unit: string, of: string): string {
  const current = num(row, `${series}_current`);
  const min = num(row, `${series}_min`);
  const max = num(row, `${series}_max`);
  const trend = row[`${series}_trend`];
  if (current === undefined) return "no samples in the last hour (stopped, or not reporting)";
  return `${current} ${unit} of ${of} now; over the last hour lowest ${min ?? "?"}, highest ${max ?? "?"}${typeof trend === "string" ? `, ${trend}` : ""}`;
}

export const usage: Shape = {
  id: "usage",
  mode: "ask",
  description: "how much memory or CPU a machine, or each machine of an app, uses now (Fly's metrics)",
  examples: ["how much memory is web-iad-1 using?", "what's the cpu usage of my-app?"],
  applies: ["machine-id"],
  matches: (q) => USE.test(q) && (MEMORY.test(q) || CPU.test(q)),
  *run(session) {
    const kind = CPU.test(session.question) && !MEMORY.test(session.question) ? "cpu" : "memory";
    const { measure, series, unit } = MEASURE[kind];
    const list = yield* readApps(session);
    const appNames = list.apps.map((a) => a.name);
    const named = findNames(session.question, appNames);
    const aboutMachine =
      session.reading.machineIds.length > 0 ||
      /\b(machine|vm|instance)\b/i.test(session.question) ||
      named.length === 0;
    const size = (record: JsonRecord | undefined): string =>
      kind === "memory"
        ? `${(record && memoryMbOf(record)) ?? "?"} MB`
        : `${(record && cpusOf(record)) ?? "?"} CPUs`;
    if (aboutMachine) {
      const { app, id } = yield* findMachine(session, list.apps, list.org);
      const machine = recordOf(
        yield* needOk("machines_get", { app, machine_id: id }, `machine ${id} of app ${app}`),
      );
      const value = yield* needOk(
        "metrics_get",
        { measure, app, machine_id: id, by: "machine" },
        `the ${measure} metrics of ${id}`,
      );
      const [row] = recordsOf(value);
      const label = machine && nameOf(machine) ? `${nameOf(machine)} (${id})` : id;
      return `${label} of ${app}: ${row ? usageLine(row, series, unit, size(machine)) : "no samples in the last hour (stopped, or not reporting)"}.`;
    }
    const [app] = named;
    if (!app) throw new CannotAnswer("name the app or machine whose use to read");
    const machines = recordsOf(yield* needOk("machines_list", { app }, `the machines of ${app}`));
    const value = yield* needOk(
      "metrics_get",
      { measure, app, by: "machine" },
      `the ${measure} metrics of ${app}`,
    );
    const rows = new Map(recordsOf(value).map((r) => [r.machine, r] as const));
    return lines(
      `${kind === "memory" ? "Memory" : "CPU"} in use by the machines of ${app} (Fly's metrics):`,
      machines.map((m) => {
        const id = typeof m.id === "string" ? m.id : "";
        const row = rows.get(id);
        const label = nameOf(m) ? `${nameOf(m)} (${id})` : id;
        return `- ${label}: ${row ? usageLine(row, series, unit, size(m)) : "no samples in the last hour (stopped, or not reporting)"}`;
      }),
    );
  },
};
