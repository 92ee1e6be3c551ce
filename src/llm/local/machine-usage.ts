import { idOf } from "./fields.js";
import type { Gathered, Owned } from "./fleet.js";
import type { Scope } from "./machine-scope.js";
import { needOk, type Reads } from "./session.js";
import { isRecord, recordsOf, unwrapView, type JsonRecord } from "./tool-result.js";

/**
 * "Which machines use the most memory?" asks about use, not size: the answer comes from Fly's
 * metrics (metrics_get memory_used or cpu, per machine), joined to the machines the question
 * scopes. A machine with no samples in the window (stopped, or not reporting) is counted apart,
 * never ranked as using nothing.
 */

export type UsageMeasure = "memory" | "cpu";

const MEASURES: Readonly<Record<UsageMeasure, { measure: string; column: string; unit: string }>> = {
  memory: { measure: "memory_used", column: "used_current", unit: "MB in use" },
  cpu: { measure: "cpu", column: "busy_current", unit: "CPUs busy" },
};

export interface Usage {
  machine: Owned;
  value: number;
}

export interface UsageReading {
  ranked: Usage[];
  /** Scoped machines with no sample in the window. */
  silent: Owned[];
  unit: string;
  /** The tool's own notes (a capped view, an org it could not read). */
  note?: string;
}

/** One call, as narrow as the scope allows: the app's or org's metrics rather than every org's. */
function inputOf(measure: string, scope: Scope): Record<string, unknown> {
  const input: Record<string, unknown> = { measure, by: "machine", since: "15m" };
  if (!scope.allApps && scope.apps.length === 1) input.app = scope.apps[0];
  else if (scope.org) input.org = scope.org;
  if (scope.regions.length === 1) input.region = scope.regions[0];
  return input;
}

export function* machineUsage(
  kind: UsageMeasure,
  scope: Scope,
  gathered: Gathered,
  order: "asc" | "desc",
): Reads<UsageReading> {
  const { measure, column, unit } = MEASURES[kind];
  const value = yield* needOk("metrics_get", inputOf(measure, scope), `the ${measure} metrics`);
  const view = unwrapView(value);
  // The view's own "largest first" line would contradict a least-first answer; only its gaps matter here.
  const note =
    isRecord(view) && typeof view.note === "string"
      ? view.note
          .split(". ")
          .filter((part) => !part.includes("largest first"))
          .join(". ") || undefined
      : undefined;
  const byId = new Map<string, JsonRecord>();
  for (const row of recordsOf(value)) if (typeof row.machine === "string") byId.set(row.machine, row);
  const ranked: Usage[] = [];
  const silent: Owned[] = [];
  for (const machine of gathered.items) {
    const row = byId.get(idOf(machine.record) ?? "");
    const current = row?.[column];
    if (typeof current === "number") ranked.push({ machine, value: current });
    else silent.push(machine);
  }
  const sign = order === "desc" ? -1 : 1;
  ranked.sort((a, b) => sign * (a.value - b.value));
  return { ranked, silent, unit, ...(note ? { note } : {}) };
}
