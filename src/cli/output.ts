import Table from "cli-table3";
import type { Redactor } from "../security/redact.js";
import { terminalSafe } from "../security/terminal-safe.js";
import type { Logger } from "../logger.js";

/** Where a command writes; tests pass collectors, the CLI passes process streams. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * The process streams, and the last gate before the terminal: whatever a command writes, in
 * whatever form, reaches it with control, escape, bidi and invisible characters shown escaped
 * (newlines and tabs kept). Renderers escape single fields on their own as well ("line" mode), so
 * that a value cannot forge a line either; escaping twice changes nothing. JSON reaches this gate
 * already escaped by `jsonText`, and passes it unchanged.
 */
export const processIo: Io = {
  stdout: (text) => process.stdout.write(terminalSafe(text, "lines")),
  stderr: (text) => process.stderr.write(terminalSafe(text, "lines")),
};

/**
 * Pretty-printed JSON for `--json` output, ending in a newline. Characters JSON.stringify leaves
 * raw but a terminal would act on or hide (C1, bidi, format characters) become `\uXXXX` escapes,
 * which every JSON reader decodes to the same string: the output stays JSON and means the same.
 */
export function jsonText(value: unknown): string {
  return `${terminalSafe(JSON.stringify(value ?? null, null, 2), "json")}\n`;
}

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

/**
 * Warnings always, details with FLYOPS_DEBUG; every line redacted with the credentials the process
 * holds, and one line each: a newline inside a message is shown escaped.
 */
export function stderrLogger(io: Io, redactor: Redactor, debug: boolean): Logger {
  const line = (text: string): void => io.stderr(`${terminalSafe(redactor.redact(text))}\n`);
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
