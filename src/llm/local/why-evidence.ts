import { needAll, type Outcome, type Reads } from "./session.js";
import { recordsOf, type JsonRecord } from "./tool-result.js";

/**
 * The telemetry step of "why is APP failing?", after status, checks and exits: the failing
 * machine's error lines around its first exit (logs_list), the app's 5xx per region and the
 * machine's memory available (metrics_get), read in one turn. It yields evidence lines that cite
 * timestamps and ids, and what it could not see.
 */

/** Minutes of log read before and after the first exit: the lines that explain it, not the whole window. */
const LOG_BEFORE_MS = 2 * 60_000;
const LOG_AFTER_MS = 60_000;
const LOG_LINES = 8;
/** The metrics window: long enough to show the rise against the hour before. */
const METRICS_SINCE = "1h";

export interface Evidence {
  lines: string[];
  unseen: string[];
  /** Short facts that back an out-of-memory cause, for the answer's conclusion. */
  confirms: string[];
}

const OOM_TEXT = /out of memory|heap limit|oom/i;

function str(record: JsonRecord, key: string): string {
  const value = record[key];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function logLines(outcome: Outcome | undefined, machine: string, from: string, to: string): Evidence {
  if (!outcome?.ok)
    return { lines: [], unseen: [`${machine}'s logs (${outcome?.error ?? "not read"})`], confirms: [] };
  const rows = recordsOf(outcome.value);
  if (rows.length === 0)
    return {
      lines: [`Logs: no error lines from ${machine} between ${from} and ${to}.`],
      unseen: [],
      confirms: [],
    };
  // The app's own lines say why it died; the proxy's 502/503s only repeat that it is down.
  const own = rows.filter((r) => !/^\[P[A-Z]\d\d\]/.test(str(r, "message")));
  const shown = [...own, ...rows.filter((r) => !own.includes(r))].slice(0, 3);
  return {
    lines: [
      `Logs: ${rows.length} error line${rows.length === 1 ? "" : "s"} from ${machine} between ${from} and ${to}, e.g.:`,
      ...shown.map((r) => `  - ${str(r, "timestamp")} [${str(r, "level")}] ${str(r, "message")}`),
    ],
    unseen: [],
    confirms: rows.some((r) => OOM_TEXT.test(str(r, "message")))
      ? ["its logs show out-of-memory errors"]
      : [],
  };
}

function fiveXxLine(outcome: Outcome | undefined, app: string): Evidence {
  if (!outcome?.ok)
    return { lines: [], unseen: [`${app}'s 5xx (${outcome?.error ?? "not read"})`], confirms: [] };
  const rows = recordsOf(outcome.value).filter((r) => Number(r.count ?? 0) > 0);
  if (rows.length === 0)
    return {
      lines: [`5xx: ${app} answered no 5xx in the last ${METRICS_SINCE}.`],
      unseen: [],
      confirms: [],
    };
  const parts = rows.map(
    (r) =>
      `${str(r, "region") || "?"} ${Math.round(Number(r.count ?? 0))} (rate ${str(r, "per_second_min") || "?"} to ${str(r, "per_second_max") || "?"}/s, now ${str(r, "per_second_current") || "?"}/s, ${str(r, "per_second_trend") || "?"})`,
  );
  const rising = rows.filter((r) => str(r, "per_second_trend") === "rising").map((r) => str(r, "region"));
  return {
    lines: [`5xx in the last ${METRICS_SINCE} by region: ${parts.join("; ")}.`],
    unseen: [],
    confirms: rising.length > 0 ? [`5xx are rising in ${rising.join(", ")}`] : [],
  };
}

function memoryLine(outcome: Outcome | undefined, machine: string, from: string): Evidence {
  if (!outcome?.ok)
    return { lines: [], unseen: [`${machine}'s memory (${outcome?.error ?? "not read"})`], confirms: [] };
  const [row] = recordsOf(outcome.value);
  if (!row) return { lines: [], unseen: [`${machine}'s memory (no data in the window)`], confirms: [] };
  const mb = (key: string): string => (typeof row[key] === "number" ? String(Math.round(row[key])) : "?");
  const low = typeof row.available_min === "number" && typeof row.available_max === "number";
  return {
    lines: [
      `Memory available on ${machine} since ${from}: lowest ${mb("available_min")} MB, highest ${mb("available_max")} MB, now ${mb("available_current")} MB.`,
    ],
    unseen: [],
    confirms:
      low && Number(row.available_min) < Number(row.available_max) * 0.1
        ? [`its memory available fell to ${mb("available_min")} MB`]
        : [],
  };
}

/** Logs around `firstExit` of `machine`, the app's 5xx and the machine's memory, in one turn. */
export function* failureEvidence(app: string, machine: string, firstExit: string): Reads<Evidence> {
  const at = Date.parse(firstExit);
  const from = new Date(at - LOG_BEFORE_MS).toISOString();
  const to = new Date(at + LOG_AFTER_MS).toISOString();
  const [logs, fiveXx, memory] = yield* needAll([
    {
      name: "logs_list",
      input: { app, machine_id: machine, level: "error", since: from, until: to, limit: LOG_LINES },
    },
    { name: "metrics_get", input: { app, measure: "http_5xx", since: METRICS_SINCE } },
    // From just before the first exit: a shorter window samples finer and catches the dips.
    { name: "metrics_get", input: { app, machine_id: machine, measure: "memory_available", since: from } },
  ]);
  const parts = [
    logLines(logs, machine, from, to),
    fiveXxLine(fiveXx, app),
    memoryLine(memory, machine, from),
  ];
  return {
    lines: parts.flatMap((p) => p.lines),
    unseen: parts.flatMap((p) => p.unseen),
    confirms: parts.flatMap((p) => p.confirms),
  };
}
