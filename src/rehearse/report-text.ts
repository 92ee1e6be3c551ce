import { terminalSafe } from "../security/terminal-safe.js";
import type { FaultOutcome } from "./faulted.js";
import type { RehearsalReport } from "./rehearse.js";
import type { ResourceDiff, ResourceEntry } from "./resource-diff.js";

/**
 * A rehearsal as a person reads it: what the plan would create, change (field by field) and
 * destroy, which step would fail and Fly's words for why, and — for a fault rehearsal — whether
 * the plan still ends where the clean run did. Every value from the plan or from Fly is shown
 * terminal-safe (one line, control characters escaped).
 */

const safe = (value: string): string => terminalSafe(value);

function label(e: ResourceEntry): string {
  const named =
    e.name !== undefined && e.name !== e.id ? ` ${safe(e.name)} (${safe(e.id)})` : ` ${safe(e.id)}`;
  return `${e.kind}${named} of ${safe(e.app)}`;
}

function details(values: Record<string, string> | undefined): string {
  const parts = Object.entries(values ?? {}).map(([k, v]) => `${k} ${safe(v)}`);
  return parts.length > 0 ? `: ${parts.join(", ")}` : "";
}

export function renderDiff(diff: ResourceDiff, indent = ""): string[] {
  const lines: string[] = [];
  const section = (title: string, entries: ResourceEntry[], line: (e: ResourceEntry) => string): void => {
    lines.push(`${indent}${title}: ${entries.length === 0 ? "nothing" : ""}`.trimEnd());
    for (const e of entries) lines.push(`${indent}  ${line(e)}`);
  };
  section("created", diff.created, (e) => `+ ${label(e)}${details(e.details)}`);
  section(
    "changed",
    diff.changed,
    (e) =>
      `~ ${label(e)}: ${(e.fields ?? []).map((f) => `${f.field} ${safe(f.from)} -> ${safe(f.to)}`).join("; ")}`,
  );
  section("destroyed", diff.destroyed, (e) => `- ${label(e)}${details(e.details)}`);
  return lines;
}

function faultLines(fault: FaultOutcome): string[] {
  const how =
    fault.kind === "kill-at"
      ? `a simulated crash${fault.crashed === false ? " (the plan never reached that point)" : ""}`
      : "injected faults";
  const lines = [
    `under ${how}: ${fault.runs} run(s) (the first, then --resume), ended ${fault.status}${fault.message ? `: ${safe(fault.message)}` : ""}`,
    `end state equals the clean run's: ${fault.sameEndState ? "yes" : "NO"}`,
  ];
  if (!fault.sameEndState) lines.push("  its diff:", ...renderDiff(fault.diff, "  "));
  return lines;
}

export function renderRehearsal(report: RehearsalReport): string {
  const { snapshot } = report;
  const lines = [
    `rehearsal of ${safe(report.plan)} on a sandbox copy of live Fly: ${snapshot.apps.length} app(s) (${snapshot.apps.map(safe).join(", ") || "none"}), ${snapshot.machines} machine(s), ${snapshot.volumes} volume(s); only reads were sent to Fly`,
    `machine transitions took ${report.transitionMs} ms each in the copy${snapshot.redactedTokens > 0 ? `; ${snapshot.redactedTokens} token(s) or secret-looking value(s) found in the copied apps were left out of it` : ""}`,
  ];
  if (report.blocked) {
    lines.push("not rehearsable:", ...report.blocked.map((b) => `  ${safe(b.step)}: ${b.why}`));
  }
  if (report.apply) {
    lines.push(`steps: ${report.apply.steps.map((s) => `${safe(s.id)} ${s.outcome}`).join(", ") || "none"}`);
  }
  if (report.diff) lines.push(...renderDiff(report.diff));
  if (report.failed.length > 0) {
    lines.push("failed:", ...report.failed.map((f) => `  x ${safe(f.step)} (${f.tool}): ${safe(f.error)}`));
  }
  for (const lease of report.leasedOnLive) {
    lines.push(
      `warning: step ${safe(lease.step)} names machine ${safe(lease.machine_id)} of ${safe(lease.app)}, which ${safe(lease.owner ?? "someone")} holds the lease of on live${lease.expiresAt ? ` until ${lease.expiresAt}` : ""}; the copy has no leases, and a real apply that changes that machine now would stop there until the lease ends`,
    );
  }
  if (report.fault) lines.push(...faultLines(report.fault));
  lines.push(
    report.status === "would-apply"
      ? "result: every step would succeed"
      : `result: ${report.status}${report.message ? ` — ${safe(report.message)}` : ""}`,
  );
  return `${lines.join("\n")}\n`;
}
