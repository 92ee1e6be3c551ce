import Table from "cli-table3";
import type { Redactor } from "../security/redact.js";
import type { Logger } from "../logger.js";

/** Where a command writes; tests pass collectors, the CLI passes process streams. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * `--json` prints the tool's full result and nothing else on stdout; otherwise the tool's view
 * becomes a table a person can read.
 */
export function printResult(io: Io, json: boolean, result: unknown, view: unknown): void {
  if (json) {
    io.stdout(`${JSON.stringify(result ?? null, null, 2)}\n`);
    return;
  }
  io.stdout(renderView(view));
}

/** A list view ({rows, note}) becomes one table row per item; an object becomes a field/value table. */
export function renderView(view: unknown): string {
  if (isListView(view)) {
    const table = view.rows.length > 0 ? `${listTable(view.rows)}\n` : "";
    return `${table}${view.note ? `${view.note}\n` : ""}`;
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
  const table = new Table({ head: columns, style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(columns.map((c) => cell(row[c])));
  return table.toString();
}

function objectTable(object: Record<string, unknown>): string {
  const table = new Table({ style: { head: [], border: [], compact: true } });
  for (const [key, value] of Object.entries(object)) table.push({ [key]: cell(value, "\n") });
  return table.toString();
}

function cell(value: unknown, separator = ", "): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map((v) => cell(v)).join(separator);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return value.toString();
  return JSON.stringify(value) ?? "-";
}

/** Warnings always, details with FLYOPS_DEBUG; every line redacted with the credentials the process holds. */
export function stderrLogger(io: Io, redactor: Redactor, debug: boolean): Logger {
  const line = (text: string): void => io.stderr(`${redactor.redact(text)}\n`);
  return {
    debug: (message) => {
      if (debug) line(message);
    },
    info: (message) => {
      if (debug) line(message);
    },
    warn: (message) => line(`warning: ${message}`),
  };
}
