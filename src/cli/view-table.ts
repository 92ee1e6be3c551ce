import Table from "cli-table3";
import { terminalSafe } from "../security/terminal-safe.js";
import { jsonText, type Io } from "./output.js";

// Tables live apart from output.ts so that commands printing no table (and --version) load no table code.

/**
 * `--json` prints the tool's full result and nothing else on stdout; otherwise the tool's view
 * becomes a table a person can read.
 */
export function printResult(io: Io, json: boolean, result: unknown, view: unknown): void {
  if (json) {
    io.stdout(jsonText(result));
    return;
  }
  io.stdout(renderView(view));
}

/** A list view ({rows, note}) becomes one table row per item; an object becomes a field/value table. */
export function renderView(view: unknown): string {
  if (isListView(view)) {
    const table = view.rows.length > 0 ? `${listTable(view.rows)}\n` : "";
    return `${table}${view.note ? `${terminalSafe(view.note, "lines")}\n` : ""}`;
  }
  if (view !== null && typeof view === "object" && !Array.isArray(view)) {
    return `${objectTable(view as Record<string, unknown>)}\n`;
  }
  return `${cell(view)}\n`;
}

function isListView(view: unknown): view is { rows: Record<string, unknown>[]; note?: string } {
  return view !== null && typeof view === "object" && Array.isArray((view as { rows?: unknown }).rows);
}

function listTable(rows: Record<string, unknown>[]): string {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const table = new Table({
    head: columns.map((c) => terminalSafe(c)),
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) table.push(columns.map((c) => cell(row[c])));
  return table.toString();
}

function objectTable(object: Record<string, unknown>): string {
  const table = new Table({ style: { head: [], border: [], compact: true } });
  for (const [key, value] of Object.entries(object)) table.push({ [terminalSafe(key)]: cell(value, "\n") });
  return table.toString();
}

/** One value of a table, escaped before the table measures it (an escape sequence would throw the columns off). */
function cell(value: unknown, separator = ", "): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map((v) => cell(v)).join(separator);
  if (typeof value === "string") return terminalSafe(value);
  if (typeof value === "number" || typeof value === "bigint") return value.toString();
  return terminalSafe(JSON.stringify(value) ?? "-");
}
