import type { Machine, MachineEvent, MachineExitEvent } from "../src/fly/schemas.js";
import { isoOf } from "./time-window.js";
import { short, shortImage, type Row } from "./view.js";

/**
 * How a machine's health reads from what Fly returns with it: its checks (fly-go
 * MachineCheckStatus: passing, warning or critical), its host (`host_status`: ok, unknown or
 * unreachable, machines-openapi.json Machine) and its exits (an event of type "exit" whose request
 * carries the exit code and whether the kernel's OOM killer ended it, fly-go MachineExitEvent).
 */

/** fly-go machine_types.go: ConsulCheckStatus "passing"; anything else is not passing. */
const PASSING = "passing";
const HOST_OK = "ok";
/** How much of a check's output a row keeps: enough for "connect: connection refused". */
const CHECK_OUTPUT_CHARS = 120;

export interface ExitFact {
  at: string | null;
  exit_code: number | null;
  oom_killed: boolean;
}

/** An exit event's details, where fly-go's GetExitCode looks for them: MonitorEvent first. */
export function exitDetails(event: MachineEvent): MachineExitEvent | undefined {
  if (event.type !== "exit") return undefined;
  return event.request?.MonitorEvent?.exit_event ?? event.request?.exit_event ?? undefined;
}

export function exitFact(event: MachineEvent): ExitFact | undefined {
  if (event.type !== "exit") return undefined;
  const details = exitDetails(event);
  return {
    at: isoOf(event.timestamp),
    exit_code: details?.exit_code ?? null,
    oom_killed: details?.oom_killed === true,
  };
}

/** A non-zero exit or an OOM kill: an exit that was not a clean stop. */
export function isBadExit(fact: ExitFact): boolean {
  return fact.oom_killed || (fact.exit_code !== null && fact.exit_code !== 0);
}

export function newestExit(events: readonly MachineEvent[]): ExitFact | undefined {
  const newest = [...events].sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0));
  for (const event of newest) {
    const fact = exitFact(event);
    if (fact) return fact;
  }
  return undefined;
}

export function failingChecks(machine: Machine): NonNullable<Machine["checks"]> {
  return (machine.checks ?? []).filter((c) => c.status !== PASSING);
}

/** What is wrong with a machine, one phrase each; empty when nothing is. Exits count from `since` (ms). */
export function problemsOf(machine: Machine, since: number): string[] {
  const problems = failingChecks(machine).map(
    (c) =>
      `check ${c.name ?? "?"} is ${c.status ?? "unknown"}${c.output ? `: ${short(c.output, CHECK_OUTPUT_CHARS)}` : ""}`,
  );
  if (machine.host_status && machine.host_status !== HOST_OK) problems.push(`host is ${machine.host_status}`);
  const exits = (machine.events ?? [])
    .filter((e) => (e.timestamp ?? 0) >= since)
    .map(exitFact)
    .filter((f): f is ExitFact => f !== undefined && isBadExit(f));
  const ooms = exits.filter((f) => f.oom_killed).length;
  if (ooms > 0)
    problems.push(
      `OOM-killed ${ooms} time${ooms === 1 ? "" : "s"} (newest ${exits.find((f) => f.oom_killed)?.at ?? "?"})`,
    );
  const others = exits.filter((f) => !f.oom_killed);
  if (others.length > 0)
    problems.push(
      `exited non-zero ${others.length} time${others.length === 1 ? "" : "s"} (code ${others[0]?.exit_code ?? "?"} at ${others[0]?.at ?? "?"})`,
    );
  return problems;
}

function checkCell(machine: Machine): string | null {
  const checks = machine.checks ?? [];
  if (checks.length === 0) return null;
  return checks
    .map((c) => {
      const output = c.status !== PASSING && c.output ? ` (${short(c.output, CHECK_OUTPUT_CHARS)})` : "";
      return `${c.name ?? "?"}: ${c.status ?? "?"}${output}`;
    })
    .join("; ");
}

function eventCell(event: MachineEvent | undefined): string | null {
  if (!event) return null;
  return `${isoOf(event.timestamp) ?? "?"} ${event.type ?? "?"} ${event.status ?? ""}`.trim();
}

function exitCell(fact: ExitFact | undefined): string | null {
  if (!fact) return null;
  const code = fact.exit_code === null ? "no exit code" : `exit_code ${fact.exit_code}`;
  return `${code}${fact.oom_killed ? " oom_killed" : ""} at ${fact.at ?? "?"}`;
}

/** One `fly status` row: state, where, what it runs, its checks, host, last exit and last event. */
export function statusRow(machine: Machine, app?: string): Row {
  const metadata = machine.config?.metadata ?? {};
  const events = [...(machine.events ?? [])].sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0));
  return {
    ...(app ? { app } : {}),
    id: machine.id,
    name: machine.name ?? null,
    state: machine.state ?? null,
    region: machine.region ?? null,
    process_group: metadata.fly_process_group ?? null,
    image: shortImage(machine.config?.image),
    // fly-go machine_types.go: the release a machine runs is in its metadata (fly_release_version).
    release: metadata.fly_release_version ? `v${metadata.fly_release_version}` : null,
    version: machine.version ?? machine.instance_id ?? null,
    checks: checkCell(machine),
    host_status: machine.host_status ?? null,
    last_exit: exitCell(newestExit(events)),
    last_event: eventCell(events[0]),
    updated_at: machine.updated_at ?? null,
  };
}
